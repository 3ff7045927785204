/** Identity cards for locations: a world, its props and weather, a time of day and colours read from the brief. */
import { WORLDS, type BriefLocation, type LocationCard, type PropId, type TimeOfDay, type Weather, type World } from '../../schemas/index.js'
import { coloursNamedIn, completePalette } from '../heuristics/colour.js'
import { seedFor, unitHash } from '../heuristics/hash.js'
import { DENSE_WORDS, NAMED_COLOURS, SKY_COLOURS, SPARSE_WORDS, TIME_KEYWORDS } from '../heuristics/keywords.js'
import { findPhrases, leftoverPhrases, longestMatches, mask, type PhraseMatch } from '../heuristics/phrases.js'
import {
  NIGHT_PROPS,
  NIGHT_WORLDS,
  PROP_WORDS,
  PROPS_DRAWN_BY,
  WEATHER_WORLDS,
  WORLD_COLOURS,
  WORLD_CONTRAST,
  WORLD_DESCRIPTIONS,
  WORLD_DRAWS,
  WORLD_KEYWORDS,
} from '../heuristics/placeWords.js'
import { hasWord } from '../heuristics/text.js'

const INDOOR_WORLDS: ReadonlySet<World> = new Set<World>(['interior', 'studio', 'club-stage'])
const ALL_WORLD_WORDS = new Set(Object.values(WORLD_KEYWORDS).flat())

/** What a text says about a place: worlds (best first), weather, props, and where each was said. */
interface PlaceReading {
  worlds: World[]
  weather?: Weather
  props: PhraseMatch[]
  worldMatches: PhraseMatch[]
}

function readPlace(text: string): PlaceReading {
  const props = longestMatches(findPhrases(text, PROP_WORDS))
  // A prop's own phrase ("neon signs", "street lamps") does not also vote for a world ("neon", "street")
  // unless the phrase is a world's word itself ("coral reef").
  const masked = mask(text, props.filter((m) => /\s/.test(text.slice(m.start, m.end)) && !ALL_WORLD_WORDS.has(text.slice(m.start, m.end).toLowerCase())))
  const worldMatches = longestMatches(findPhrases(masked, WORLD_KEYWORDS))
  const ranked = WORLDS.map((w) => {
    const ms = worldMatches.filter((m) => m.id === w)
    const hits = new Set(ms.map((m) => masked.slice(m.start, m.end).toLowerCase())).size
    return { w, hits, at: ms.length > 0 ? Math.min(...ms.map((m) => m.start)) : -1 }
  })
    .filter((x) => x.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.at - b.at)
    .map((x) => x.w)
  // Rain and snow said with another world fall over it; said alone they are the world.
  const weatherWorlds = Object.values(WEATHER_WORLDS)
  const places = ranked.filter((w) => !weatherWorlds.includes(w))
  const said = (Object.keys(WEATHER_WORLDS) as Weather[]).find((k) => ranked.includes(WEATHER_WORLDS[k]))
  if (places.length > 0) return { worlds: [...places, ...ranked.filter((w) => weatherWorlds.includes(w))], weather: said, props, worldMatches }
  return { worlds: ranked, props, worldMatches }
}

/** Worlds named in a text, best first: most keyword hits, then earliest mention (weather worlds last when a place is named). */
export function worldsIn(text: string): World[] {
  return readPlace(text).worlds
}

export function timeOfDayIn(text: string, world: World, props: readonly PropId[] = []): TimeOfDay {
  for (const [time, words] of TIME_KEYWORDS) if (hasWord(text, words)) return time
  return NIGHT_WORLDS.has(world) || props.some((p) => NIGHT_PROPS.has(p)) ? 'night' : 'day'
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

/** What the renderer draws of a description in a world, and what it does not (noun phrases). */
export function placeVocabulary(description: string, world: World): { props: PropId[]; weather?: Weather; features: string[]; notDrawn: string[] } {
  const r = readPlace(description)
  const said = [...new Set(r.props.map((m) => m.id as PropId))]
  // A prop the world already draws (trees in a forest) is a feature but not placed again.
  const byWorld = said.filter((p) => (PROPS_DRAWN_BY[p] ?? []).includes(world))
  const props = said.filter((p) => !byWorld.includes(p))
  // Rain or snow said of a room is seen through a window, which is not drawn: it is listed instead.
  const weather = world === 'rain' || world === 'snow' || INDOOR_WORLDS.has(world) ? undefined : r.weather
  const ownWords = r.worldMatches.filter((m) => m.id === world || (weather && m.id === WEATHER_WORLDS[weather]))
  const quality = findPhrases(description, { time: TIME_KEYWORDS.flatMap(([, w]) => w), dense: DENSE_WORDS, sparse: SPARSE_WORDS, colour: Object.keys(NAMED_COLOURS) })
  const drawnAnyway = findPhrases(description, { world: WORLD_DRAWS[world] })
  const notDrawn = leftoverPhrases(description, [...r.props, ...ownWords, ...drawnAnyway], quality)
  return { props, ...(weather ? { weather } : {}), features: [world, ...(weather ? [weather] : []), ...props, ...byWorld], notDrawn }
}

export function locationCard(location: BriefLocation, id: string, world: World): LocationCard {
  const text = `${location.name} ${location.description}`
  const seen = placeVocabulary(text, world)
  const { notDrawn } = placeVocabulary(location.description, world)
  const timeOfDay = location.timeOfDay ?? timeOfDayIn(text, world, seen.props)
  return {
    kind: 'location',
    id,
    name: location.name,
    description: location.description,
    palette: locationPalette(location, world, timeOfDay),
    seed: seedFor('entity', id),
    shape: {
      world,
      timeOfDay,
      density: density(text, id),
      ...(seen.props.length > 0 ? { props: seen.props } : {}),
      ...(seen.weather ? { weather: seen.weather } : {}),
    },
    features: seen.features,
    notDrawn,
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
    name: world === 'neon-grid' ? 'Neon Grid' : world.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' '),
    description: WORLD_DESCRIPTIONS[world],
    world,
    ...(time ? { timeOfDay: time } : {}),
  }))
}

/** Props a location holds that an insert shot can show (the planner picks from these). */
export function insertableProps(location: LocationCard): PropId[] {
  return [...(location.shape.props ?? [])]
}
