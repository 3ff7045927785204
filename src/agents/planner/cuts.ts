/**
 * Where shots start: section boundaries snapped to the grid, then cuts inside each section whose
 * spacing follows the section's energy in bars.
 */
import type { Section } from '../../schemas/index.js'
import { rng, weightedPick } from '../heuristics/hash.js'
import { isLoud } from '../heuristics/sections.js'
import { framesBetween, snapBoundary, type BeatGrid } from './grid.js'

export interface Span {
  section: Section
  /** Frames [start, end) of the output. */
  start: number
  end: number
}

/** Shots in songs without beats: about this long, cut evenly inside each section. */
export const FALLBACK_SHOT_SECONDS = 3

/** Shot length ranges in bars: loud sections cut faster. */
export const LOUD_BARS: readonly [number, number] = [1, 2]
export const QUIET_BARS: readonly [number, number] = [2, 4]

/** The shortest shot the planner makes on purpose: one beat (or half a second without beats). */
export function minShotFrames(grid: BeatGrid): number {
  return grid.period !== null ? Math.max(1, Math.round(grid.period)) : Math.max(1, Math.round(grid.fps * 0.5))
}

/**
 * The bar unit shot lengths are counted in. Bars shorter than a second (fast tempos, or a tracker
 * locked to double time) are grouped in pairs so loud sections do not strobe.
 */
export function barUnit(grid: BeatGrid): number | null {
  if (grid.period === null) return null
  let unit = grid.period * grid.meter
  while (unit < grid.fps) unit *= 2
  return unit
}

/**
 * Section spans in frames. A boundary that would make a shot shorter than a beat (a tiny section,
 * or one starting at the very end) is dropped and its frames go to the section before.
 */
export function sectionSpans(sections: readonly Section[], grid: BeatGrid): Span[] {
  const minGap = minShotFrames(grid)
  const starts = [0]
  const kept = [sections[0]]
  for (const s of sections.slice(1)) {
    const f = snapBoundary(grid, s.start)
    if (f - starts[starts.length - 1] >= minGap && grid.totalFrames - f >= minGap) {
      starts.push(f)
      kept.push(s)
    }
  }
  return kept.map((section, i) => ({ section, start: starts[i], end: starts[i + 1] ?? grid.totalFrames }))
}

function nearestTo(frames: readonly number[], target: number): number | undefined {
  return frames.reduce<number | undefined>((best, f) => (best === undefined || Math.abs(f - target) < Math.abs(best - target) ? f : best), undefined)
}

/** Cuts for a song without beats: even shots of about FALLBACK_SHOT_SECONDS, never over the cap. */
function fixedCuts(span: Span, grid: BeatGrid, maxShotFrames: number): number[] {
  const len = span.end - span.start
  const n = Math.max(1, Math.round(len / (FALLBACK_SHOT_SECONDS * grid.fps)), Math.ceil(len / maxShotFrames))
  return Array.from({ length: n - 1 }, (_, i) => span.start + Math.round(((i + 1) * len) / n))
}

/**
 * One cut after `pos`, trying in order: a confident downbeat (CONFIDENT_DOWNBEAT) whose shot and
 * remaining tail both fit the bar range, any downbeat that does, a beat that does, a downbeat or beat that at least leaves a beat behind it, any beat up
 * to the cap, then (no beat before the section ends) no cut at all when the rest fits the cap,
 * and only then the beat grid extended from `pos`: the tracker left a stretch longer than the
 * cap without beats, so nothing on the grid can be reached. Returns `end` for "no more cuts".
 */
function nextCut(grid: BeatGrid, pos: number, end: number, target: number, lo: number, hi: number, cap: number): number {
  const minLen = minShotFrames(grid)
  const inRange = (f: number) => end - f >= lo
  const leavesBeat = (f: number) => end - f >= minLen
  const beforeEnd = (f: number) => f < end
  const tiers: number[][] = [
    framesBetween(grid.confidentDownbeatFrames, pos + lo, pos + hi).filter(inRange),
    framesBetween(grid.downbeatFrames, pos + lo, pos + hi).filter(inRange),
    framesBetween(grid.beatFrames, pos + lo, pos + hi).filter(inRange),
    framesBetween(grid.downbeatFrames, pos + minLen, pos + hi).filter(leavesBeat),
    framesBetween(grid.beatFrames, pos + minLen, pos + hi).filter(leavesBeat),
    framesBetween(grid.beatFrames, pos + 1, pos + cap).filter(leavesBeat),
    framesBetween(grid.beatFrames, pos + 1, pos + cap).filter(beforeEnd),
  ]
  for (const tier of tiers) {
    const c = nearestTo(tier, target)
    if (c !== undefined) return c
  }
  // No beat left before the section ends: one longer shot is better than an off-grid cut.
  if (end - pos <= cap) return end
  const period = grid.period ?? hi
  const extended: number[] = []
  for (let k = 1; Math.round(k * period) <= hi; k++) extended.push(pos + Math.round(k * period))
  return (
    nearestTo(extended.filter(leavesBeat), target) ??
    nearestTo(extended, target) ??
    pos + Math.max(1, Math.min(hi, Math.round(target - pos)))
  )
}

/** Cut frames strictly inside the span, increasing. `seed` varies the bar lengths deterministically. */
export function cutsInSpan(span: Span, grid: BeatGrid, maxShotFrames: number, seed: number): number[] {
  const unit = barUnit(grid)
  if (unit === null) return fixedCuts(span, grid, maxShotFrames)
  const loud = isLoud(span.section.energy)
  const [loBars, hiBars] = loud ? LOUD_BARS : QUIET_BARS
  // ±1 frame: beat frames are rounded, so a bar is one frame longer or shorter now and then.
  const hi = Math.min(Math.floor(hiBars * unit) + 1, maxShotFrames)
  const lo = Math.min(Math.ceil(loBars * unit) - 1, hi)
  const next = rng(seed)
  const cuts: number[] = []
  let pos = span.start
  while (span.end - pos > hi) {
    const bars = loud
      ? weightedPick([[1, 1], [2, 1]] as const, next())
      : weightedPick([[2, 2], [3, 1], [4, 2]] as const, next())
    const target = pos + Math.min(hi, Math.max(lo, bars * unit))
    pos = nextCut(grid, pos, span.end, target, lo, hi, maxShotFrames)
    if (pos >= span.end) break
    cuts.push(pos)
  }
  return cuts
}
