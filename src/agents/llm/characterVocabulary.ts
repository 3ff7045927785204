/** The character vocabulary as the LLM director sees it: the ids it may put in a character's `features`. */
import {
  ANIMAL_SPECIES,
  CREATURE_SPECIES,
  FIGURE_COLOURS,
  HAIR_STYLES,
  INSTRUMENTS,
  ROBOT_BODIES,
  WEAR_ITEMS,
  type CharacterShape,
} from '../../schemas/index.js'
import { describedShape, drawnAndNot } from '../director/characters.js'
import { readDescription, type ReadDescription } from '../director/describe.js'
import { sanitizeText } from './summary.js'

export function characterVocabularyRules(): string {
  const colours = Object.keys(FIGURE_COLOURS).join(', ')
  return [
    '- Character `features`: the ids the built-in renderer can draw, read from the description. One kind first:',
    `  \`person\`, \`robot\`, \`animal:<${ANIMAL_SPECIES.join('|')}>\` or \`creature:<${CREATURE_SPECIES.join('|')}>\`; then`,
    `  \`size:small|tall\`, \`build:broad|slim\`, \`hair:<${HAIR_STYLES.join('|')}>\`, \`hair-colour:<c>\`, \`top:<c>\`, \`bottom:<c>\`,`,
    `  garments and accessories \`<${WEAR_ITEMS.join('|')}>\` or \`<item>:<c>\` (animals, robots and creatures wear only hats, caps, beanies, glasses, sunglasses, headphones, scarves),`,
    `  one instrument \`<${INSTRUMENTS.join('|')}>\` (people and robots only); robots: \`body:<${ROBOT_BODIES.join('|')}>\`, \`metal:<c>\`, \`eyes:<1-3>\`, \`eye:<c>\`, \`antenna\` or \`antenna:<c>\`;`,
    '  animals and creatures: `colour:<c>`, `eye:<c>` (creatures also `eyes:<1-3>`).',
    `  Colours <c>: ${colours}.`,
    '- Character `notDrawn`: the short noun phrases of the description that name visual things outside these ids (e.g. "tattoo of a whale"); never personality or actions.',
  ].join('\n')
}

/**
 * The model's ids (or, when it gave none, the description read by the heuristic) over its clamped
 * shape: the structured fields, the ids drawn, and everything asked for that is not drawn.
 */
export function proposedFigure(
  base: CharacterShape,
  name: string,
  description: string,
  features: string[] | undefined,
  notDrawn: string[] | undefined,
): { shape: CharacterShape; features: string[]; notDrawn: string[] } {
  const read: ReadDescription = features
    ? { requests: features.map((id) => ({ id: sanitizeText(id, 40).toLowerCase(), phrase: sanitizeText(id, 40) })), notDrawn: (notDrawn ?? []).map((t) => sanitizeText(t, 80)).filter((t) => t.length > 0) }
    : readDescription(description, name)
  const shape = describedShape(base, name, read)
  return { shape, ...drawnAndNot(shape, read) }
}
