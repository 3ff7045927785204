/** Per-section moods: intensity, words, colour, and which location and characters appear. */
import type { BriefCharacter, BriefLocation, Section, SectionMood } from '../../schemas/index.js'
import { luminance } from '../heuristics/colour.js'
import { LABEL_MOODS } from '../heuristics/keywords.js'
import { anyRefMatches, baseLabel, isLoud } from '../heuristics/sections.js'

export interface PlacedLocation {
  id: string
  brief: BriefLocation
}

export interface PlacedCharacter {
  id: string
  brief: BriefCharacter
  /** Ids of the locations the brief ties this character to. */
  locationIds: string[]
}

export function moodWords(section: Section): string {
  const energy = section.energy < 0.35 ? 'hushed, intimate' : isLoud(section.energy) ? 'euphoric, driving' : 'warm, building'
  const base = baseLabel(section.label)
  const label = LABEL_MOODS.find(([re]) => re.test(base))?.[1]
  return label ? `${label}, ${energy}` : energy
}

/** Quiet sections take the darker colours of the palette, loud ones the brighter. */
export function moodColour(palette: readonly string[], intensity: number): string {
  const sorted = [...palette].sort((a, b) => luminance(a) - luminance(b))
  return sorted[Math.round(Math.min(1, Math.max(0, intensity)) * (sorted.length - 1))]
}

/**
 * One location per section. Ties in the brief win; otherwise a label keeps the location it got
 * the first time (repeats look like repeats), and a new label takes the least-used location that
 * differs from the previous section's. Tied locations are kept for their sections when others exist.
 */
export function assignLocations(sections: readonly Section[], locations: readonly PlacedLocation[]): string[] {
  const byLabel = new Map<string, string>()
  const usage = new Map<string, number>(locations.map((l) => [l.id, 0]))
  const untied = locations.filter((l) => (l.brief.sections ?? []).length === 0)
  const out: string[] = []
  let prev: string | undefined
  const choose = (pool: readonly PlacedLocation[]): string => {
    const fresh = pool.filter((l) => l.id !== prev)
    const candidates = fresh.length > 0 ? fresh : pool
    return candidates.reduce((best, l) => (usage.get(l.id)! < usage.get(best.id)! ? l : best)).id
  }
  for (const section of sections) {
    const base = baseLabel(section.label)
    const remembered = byLabel.get(base)
    const tied = locations.filter((l) => anyRefMatches(l.brief.sections, section))
    let id: string
    if (tied.length > 0) id = remembered && tied.some((l) => l.id === remembered) ? remembered : choose(tied)
    else id = remembered ?? choose(untied.length > 0 ? untied : locations)
    if (!byLabel.has(base)) byLabel.set(base, id)
    usage.set(id, (usage.get(id) ?? 0) + 1)
    out.push(id)
    prev = id
  }
  return out
}

function isTied(c: PlacedCharacter): boolean {
  return (c.brief.sections ?? []).length > 0 || c.locationIds.length > 0
}

/**
 * Tied characters appear exactly where their ties say (sections, or sections at their
 * locations). Untied ones: the whole cast in loud sections, the lead alone in quiet ones, and
 * at most one figure in the intro unless ties put more there.
 */
export function castFor(section: Section, locationId: string, characters: readonly PlacedCharacter[]): string[] {
  const tiedHere = (c: PlacedCharacter) =>
    isTied(c) && (anyRefMatches(c.brief.sections, section) || c.locationIds.includes(locationId))
  const here = characters.filter(tiedHere)
  const untied = characters.filter((c) => !isTied(c))
  const loud = isLoud(section.energy)
  const intro = baseLabel(section.label).startsWith('intro')
  if (here.length > 0 && (intro || !loud)) return here.map((c) => c.id)
  if (intro || !loud) return untied.slice(0, 1).map((c) => c.id)
  return characters.filter((c) => here.includes(c) || !isTied(c)).map((c) => c.id)
}

export function sectionMoods(
  sections: readonly Section[],
  locations: readonly PlacedLocation[],
  characters: readonly PlacedCharacter[],
  palette: readonly string[],
): SectionMood[] {
  const locationIds = assignLocations(sections, locations)
  return sections.map((section, i) => {
    const intensity = Math.round(section.energy * 1000) / 1000
    return {
      sectionIndex: section.index,
      label: section.label,
      mood: moodWords(section),
      colour: moodColour(palette, intensity),
      intensity,
      locationId: locationIds[i],
      characterIds: castFor(section, locationIds[i], characters),
    }
  })
}
