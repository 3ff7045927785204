/** Section helpers shared by the director and the planner, so both see the same song shape. */
import type { Analysis, Section } from '../../schemas/index.js'

/** Sections at or above this energy count as loud (fast cuts, full cast). */
export const LOUD_ENERGY = 0.66

export function isLoud(energy: number): boolean {
  return energy >= LOUD_ENERGY
}

/**
 * The analysis sections in time order; a song without sections is one section, so every
 * agent always has at least one mood and one span to work with.
 */
export function songSections(analysis: Analysis): Section[] {
  if (analysis.sections.length === 0) {
    return [{ index: 0, label: 'song', start: 0, end: analysis.source.durationSec, energy: 0.5, confidence: 1 }]
  }
  return [...analysis.sections].sort((a, b) => a.start - b.start)
}

/** "Verse 2", "verse2", "A'" → "verse", "a": repeats of a part share a base label. */
export function baseLabel(label: string): string {
  const base = label
    .toLowerCase()
    .replace(/['’′"]+/g, '')
    .replace(/[\s_-]*\d+$/g, '')
    .trim()
  return base.length > 0 ? base : label.toLowerCase()
}

/**
 * Whether a brief section reference ("chorus" or an index) selects this section. A label matches
 * sections whose label starts with it, so "verse" selects "verse" and "verse2".
 */
export function refMatches(ref: string | number, section: Section): boolean {
  if (typeof ref === 'number') return section.index === ref
  return section.label.toLowerCase().startsWith(ref.trim().toLowerCase())
}

export function anyRefMatches(refs: ReadonlyArray<string | number> | undefined, section: Section): boolean {
  return (refs ?? []).some((r) => refMatches(r, section))
}
