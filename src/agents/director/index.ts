/** The heuristic director: a complete, deterministic treatment from keywords and the song's shape. */
import { Treatment, type BriefCharacter, type BriefLocation, type World } from '../../schemas/index.js'
import { uniqueSlug } from '../heuristics/hash.js'
import { songSections } from '../heuristics/sections.js'
import { DirectorInput, throwIfAborted, type AgentContext, type Director } from '../types.js'
import { characterCard, distinguishCharacters } from './characters.js'
import { assertTreatmentInvariants } from './invariants.js'
import { inferredLocations, locationCard, locationWorld } from './locations.js'
import { sectionMoods, type PlacedCharacter, type PlacedLocation } from './moods.js'
import { applyNotesToTreatment } from './notes.js'
import { styleBible } from './style.js'

export { assertTreatmentInvariants } from './invariants.js'

function firstSentence(text: string): string {
  const s = text.trim().split(/(?<=[.!?])\s/)[0] ?? text
  return s.length > 200 ? `${s.slice(0, 197)}...` : s
}

/** A brief without characters still gets a lead, drawn from the concept. */
function castOf(input: DirectorInput): BriefCharacter[] {
  if (input.brief.characters.length > 0) return input.brief.characters
  return [{ name: 'Lead', description: input.brief.concept }]
}

function setsOf(input: DirectorInput): BriefLocation[] {
  return input.brief.locations.length > 0 ? input.brief.locations : inferredLocations(input.brief.concept)
}

/** The pure core: same input, same treatment. */
export function heuristicTreatment(raw: DirectorInput): Treatment {
  const input = DirectorInput.parse(raw)
  const taken = new Set<string>()

  // Characters claim slugs first (they are named most often); location ties resolve afterwards.
  const cast = castOf(input)
  const characterIds = cast.map((brief) => uniqueSlug(brief.name, taken, 'character'))
  const locations: PlacedLocation[] = setsOf(input).map((brief) => ({ id: uniqueSlug(brief.name, taken, 'location'), brief }))
  const usedWorlds = new Set<World>()
  const locationCards = locations.map(({ id, brief }) => {
    const world = locationWorld(brief, usedWorlds)
    usedWorlds.add(world)
    return locationCard(brief, id, world)
  })
  const locationIdByName = (name: string): string | undefined => {
    const key = name.trim().toLowerCase()
    return locations.find((l) => l.brief.name.trim().toLowerCase() === key || l.id === key)?.id
  }
  const characters: PlacedCharacter[] = cast.map((brief, i) => ({
    id: characterIds[i],
    brief,
    // Names that match no location are ignored rather than failing the render on a typo.
    locationIds: (brief.locations ?? []).map(locationIdByName).filter((id): id is string => id !== undefined),
  }))
  const characterCards = distinguishCharacters(
    characters.map((c, i) => characterCard(c.brief, c.id, i)),
    cast.map((c) => (c.palette ?? []).length > 0),
  )

  const entities = [...characterCards, ...locationCards]
  const style = styleBible(input.brief, entities)
  const treatment: Treatment = {
    title: input.brief.title,
    logline: firstSentence(input.brief.concept),
    styleBible: style,
    entities,
    sectionMoods: sectionMoods(songSections(input.analysis), locations, characters, style.palette),
    author: 'heuristic',
  }
  const parsed = Treatment.parse(treatment)
  assertTreatmentInvariants(parsed, input.analysis)
  return applyNotesToTreatment(parsed, input.brief.notes, input.analysis)
}

export function createHeuristicDirector(): Director {
  return {
    id: 'heuristic',
    async direct(input, ctx: AgentContext = {}) {
      throwIfAborted(ctx)
      return heuristicTreatment(input)
    },
  }
}
