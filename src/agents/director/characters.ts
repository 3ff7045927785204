/** Identity cards for characters: a recognisable figure read from the description. */
import type { BriefCharacter, CharacterCard, CharacterShape } from '../../schemas/index.js'
import { coloursNamedIn, completePalette, paletteFromHue } from '../heuristics/colour.js'
import { seedFor, unitHash } from '../heuristics/hash.js'
import {
  ACCESSORY_PATTERNS,
  BROAD_WORDS,
  HAIR_PATTERNS,
  OUTFIT_PATTERNS,
  SLIM_WORDS,
  TALL_WORDS,
} from '../heuristics/keywords.js'
import { ROLES } from '../heuristics/characterWords.js'
import { hasWord } from '../heuristics/text.js'
import { isKindId, readDescription, type ReadDescription } from './describe.js'
import { applyFeatureIds, cardFeatures, isDrawn, lostHairIds } from './figureShape.js'

const ROLE_WORDS = new Set(ROLES.map(([w]) => w))

function round3(v: number): number {
  return Math.round(v * 1000) / 1000
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t
}

function firstPattern(text: string, table: ReadonlyArray<readonly [number, RegExp]>): number | undefined {
  return table.find(([, re]) => re.test(text))?.[0]
}

/** "short" is height unless it is about hair ("short hair", "short-haired"). */
function saysShort(text: string): boolean {
  return /\b(short|small|tiny|petite|little|child|kid)\b(?![- ]hair)/i.test(text)
}

/** Keywords decide what the description says; a hash of the name decides the rest, stably. */
export function characterShape(name: string, description: string, read: ReadDescription = readDescription(description, name)): CharacterShape {
  return describedShape(legacyShape(name, description), name, read)
}

/** The structured fields of what was read, over a base shape (numbers and legacy indices). */
export function describedShape(base: CharacterShape, name: string, read: ReadDescription): CharacterShape {
  const roleIds = new Set(read.requests.filter((r) => ROLE_WORDS.has(r.phrase.toLowerCase())).map((r) => r.id))
  const bare = read.notDrawn.length === 0 && read.requests.every((r) => isKindId(r.id) || /^(size|build):/.test(r.id) || roleIds.has(r.id))
  return applyFeatureIds(base, read.requests.map((r) => r.id), (what) => unitHash('shape', name, what), roleIds, bare).shape
}

/** The figure's numbers and legacy indices from keywords and the name's hash. */
function legacyShape(name: string, description: string): CharacterShape {
  const h = (what: string) => unitHash('shape', name, what)
  const tall = hasWord(description, TALL_WORDS)
  const short = saysShort(description)
  const height = tall ? lerp(0.74, 0.82, h('height')) : short ? lerp(0.45, 0.52, h('height')) : lerp(0.56, 0.7, h('height'))
  const build = hasWord(description, BROAD_WORDS)
    ? lerp(0.38, 0.46, h('build'))
    : hasWord(description, SLIM_WORDS)
      ? lerp(0.19, 0.24, h('build'))
      : lerp(0.26, 0.36, h('build'))
  const headSize = lerp(0.14, 0.2, h('head'))
  const hair = firstPattern(description, HAIR_PATTERNS) ?? 1 + Math.floor(h('hair') * 5)
  // No accessory mentioned: most figures get none, some a hashed small one (never a guitar).
  const accessory = firstPattern(description, ACCESSORY_PATTERNS) ?? (h('acc') < 0.5 ? 0 : 1 + Math.floor(h('acc2') * 4))
  const outfit = firstPattern(description, OUTFIT_PATTERNS) ?? Math.floor(h('outfit') * 3)
  return {
    height: round3(height),
    build: round3(build),
    headSize: round3(headSize),
    hair,
    accessory,
    outfit,
  }
}

/**
 * Palette: the brief's explicit colours win (the user typed exact hexes), then colours named in
 * the description, then a hashed hue spread by the golden angle so characters differ.
 */
export function characterPalette(character: BriefCharacter, ordinal: number): string[] {
  if (character.palette && character.palette.length > 0) return completePalette(character.palette, 2, 6)
  const named = coloursNamedIn(character.description)
  if (named.length > 0) {
    const hue = (unitHash('hue', character.name) * 360 + ordinal * 137.5) % 360
    return completePalette([...named, ...paletteFromHue(hue).slice(1)], 2, 6)
  }
  const hue = (unitHash('hue', character.name) * 360 + ordinal * 137.5) % 360
  return paletteFromHue(hue)
}

export function characterCard(character: BriefCharacter, id: string, ordinal: number): CharacterCard {
  const read = readDescription(character.description, character.name)
  const shape = characterShape(character.name, character.description, read)
  return {
    kind: 'character',
    id,
    name: character.name,
    description: character.description,
    palette: characterPalette(character, ordinal),
    seed: seedFor('entity', id),
    shape,
    ...drawnAndNot(shape, read),
  }
}

/**
 * What the card draws, and what its description asks for that is not drawn: phrases outside the
 * vocabulary, plus asked-for ids the figure cannot show (a mask on a cat, a second hat). Instruments
 * implied by a role ("singer") and the generic kind words are not asks of their own.
 */
export function drawnAndNot(shape: CharacterShape, read: ReadDescription): { features: string[]; notDrawn: string[] } {
  const features = cardFeatures(shape)
  const kindOf = features[0]
  const lost = lostHairIds(read.requests.map((r) => r.id))
  const missed = read.requests.filter((r) => {
    if (isDrawn(r.id, features)) return false
    // A hair length merged with a style ("short spiky") is drawn as the style.
    if (r.id.startsWith('hair:') && features[0] === 'person' && !lost.has(r.id)) return false
    if (ROLE_WORDS.has(r.phrase.toLowerCase()) && !r.id.startsWith('anatomy')) return false
    if (r.id === 'person' && kindOf !== 'person') return false
    if (r.id === 'creature' && kindOf.startsWith('creature')) return false
    // Size words are drawn as height and build for every kind.
    return !r.id.startsWith('size:') && !r.id.startsWith('build:')
  })
  const notDrawn = [...new Set([...missed.map((r) => r.phrase), ...read.notDrawn])]
  return { features, notDrawn }
}

function sameShape(a: CharacterShape, b: CharacterShape): boolean {
  return (
    (a.figureKind ?? 'person') === (b.figureKind ?? 'person') &&
    a.species === b.species &&
    a.hairStyle === b.hairStyle &&
    a.hair === b.hair &&
    a.accessory === b.accessory &&
    a.outfit === b.outfit &&
    Math.abs(a.height - b.height) < 0.04
  )
}

const HAIR_BY_INDEX = ['none', 'short', 'long', 'curly', 'ponytail', 'spiky'] as const

/**
 * Two figures that would read as the same silhouette (or share a palette) are told apart: the
 * later one gets another hair shape and a palette led by a rotated hue.
 */
export function distinguishCharacters(cards: CharacterCard[], explicitPalette: readonly boolean[]): CharacterCard[] {
  const out: CharacterCard[] = []
  for (const [i, card] of cards.entries()) {
    let next = card
    const read = readDescription(next.description, next.name)
    const hairAsked = read.requests.some((r) => r.id.startsWith('hair:'))
    // Only an undescribed person's hair is changed: a described look is what the user asked for.
    if ((next.shape.figureKind ?? 'person') === 'person' && !hairAsked && out.some((o) => sameShape(o.shape, next.shape))) {
      let hair = ((next.shape.hair + out.length) % 5) + 1
      if (hair === next.shape.hair) hair = (hair % 5) + 1
      const shape = { ...next.shape, hair, ...(next.shape.hairStyle ? { hairStyle: HAIR_BY_INDEX[hair] } : {}) }
      next = { ...next, shape, ...drawnAndNot(shape, read) }
    }
    // Palettes the user typed are kept even when shared (twins, a band in uniform).
    if (!explicitPalette[i] && out.some((o) => o.palette[0] === next.palette[0])) {
      const hue = (unitHash('hue', next.name) * 360 + out.length * 137.5 + 60) % 360
      next = { ...next, palette: completePalette([paletteFromHue(hue)[0], ...next.palette], 2, 6) }
    }
    out.push(next)
  }
  return out
}
