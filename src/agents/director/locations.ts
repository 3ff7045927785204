/** Identity cards for locations: a world, a time of day and colours read from the brief. */
import { WORLDS, type BriefLocation, type LocationCard, type TimeOfDay, type World } from '../../schemas/index.js'
import { coloursNamedIn, completePalette } from '../heuristics/colour.js'
import { seedFor, unitHash } from '../heuristics/hash.js'
import {
  DENSE_WORDS,
  NIGHT_WORLDS,
  SKY_COLOURS,
  SPARSE_WORDS,
  TIME_KEYWORDS,
  WORLD_COLOURS,
  WORLD_CONTRAST,
  WORLD_DESCRIPTIONS,
  WORLD_KEYWORDS,
} from '../heuristics/keywords.js'
import { countWords, firstIndexOf, hasWord } from '../heuristics/text.js'

/** Worlds named in a text, best first: most keyword hits, then earliest mention. */
export function worldsIn(text: string): World[] {
  return WORLDS.map((w) => ({ w, hits: countWords(text, WORLD_KEYWORDS[w]), at: firstIndexOf(text, WORLD_KEYWORDS[w]) }))
    .filter((x) => x.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.at - b.at)
    .map((x) => x.w)
}

export function timeOfDayIn(text: string, world: World): TimeOfDay {
  for (const [time, words] of TIME_KEYWORDS) if (hasWord(text, words)) return time
  return NIGHT_WORLDS.has(world) ? 'night' : 'day'
}

function density(text: string, key: string): number {
  if (hasWord(text, DENSE_WORDS)) return 0.85
  if (hasWord(text, SPARSE_WORDS)) return 0.2
  return Math.round((0.35 + 0.4 * unitHash('density', key)) * 1000) / 1000
}

/** Sky colour first, then named colours or the world's own. */
function locationPalette(location: BriefLocation, world: World, time: TimeOfDay): string[] {
  if (location.palette && location.palette.length > 0) return completePalette(location.palette, 2, 6)
  const named = coloursNamedIn(location.description)
  const base = named.length > 0 ? [...named, ...WORLD_COLOURS[world]] : [SKY_COLOURS[time], ...WORLD_COLOURS[world]]
  return completePalette(base, 2, 6)
}

/** A brief location's world: the brief's own, else keywords, else a hashed world not used yet. */
export function locationWorld(location: BriefLocation, used: ReadonlySet<World>): World {
  if (location.world) return location.world
  const named = worldsIn(`${location.name} ${location.description}`)
  if (named.length > 0) return named[0]
  const free = WORLDS.filter((w) => !used.has(w))
  const pool = free.length > 0 ? free : [...WORLDS]
  return pool[Math.floor(unitHash('world', location.name) * pool.length)]
}

export function locationCard(location: BriefLocation, id: string, world: World): LocationCard {
  const text = `${location.name} ${location.description}`
  const timeOfDay = location.timeOfDay ?? timeOfDayIn(text, world)
  return {
    kind: 'location',
    id,
    name: location.name,
    description: location.description,
    palette: locationPalette(location, world, timeOfDay),
    seed: seedFor('entity', id),
    shape: { world, timeOfDay, density: density(text, id) },
  }
}

/**
 * Locations for a brief that names none: worlds from the concept's keywords, at least two so
 * the scenes change (the second is a contrast to the first when the concept names only one).
 */
export function inferredLocations(concept: string): BriefLocation[] {
  const worlds = worldsIn(concept).slice(0, 3)
  if (worlds.length === 0) worlds.push(WORLDS[Math.floor(unitHash('concept-world', concept) * WORLDS.length)])
  if (worlds.length === 1) worlds.push(WORLD_CONTRAST[worlds[0]])
  const time = TIME_KEYWORDS.find(([, words]) => hasWord(concept, words))?.[0]
  return worlds.map((world) => ({
    name: world === 'neon-grid' ? 'Neon Grid' : world[0].toUpperCase() + world.slice(1),
    description: WORLD_DESCRIPTIONS[world],
    world,
    ...(time ? { timeOfDay: time } : {}),
  }))
}
