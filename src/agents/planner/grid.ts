/** The song's beat grid in output frames: what cuts may land on. */
import { SURE_CONFIDENCE, type Analysis } from '../../schemas/index.js'
import { secondsToFrame, totalFramesFor } from '../../time.js'

export interface BeatGrid {
  fps: number
  totalFrames: number
  /** Distinct beat frames inside (0, totalFrames), increasing. */
  beatFrames: number[]
  beatSet: ReadonlySet<number>
  /** Distinct downbeat frames inside (0, totalFrames), increasing. */
  downbeatFrames: number[]
  downbeatSet: ReadonlySet<number>
  /** Downbeat frames whose confidence reaches CONFIDENT_DOWNBEAT, increasing. */
  confidentDownbeatFrames: number[]
  /** Beat period in frames (fractional); null when the song has no beats. */
  period: number | null
  meter: number
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * A downbeat this sure (0..1, the analysis's downbeatConfidence) is one a cut may rely on; a cut
 * that would land on a less certain one moves to a confident one when the shot lengths allow.
 */
export const CONFIDENT_DOWNBEAT = SURE_CONFIDENCE

function framesOf(times: readonly number[], fps: number, totalFrames: number): number[] {
  const frames = times.map((t) => secondsToFrame(t, fps)).filter((f) => f > 0 && f < totalFrames)
  return [...new Set(frames)].sort((a, b) => a - b)
}

export function beatGrid(analysis: Analysis, fps: number): BeatGrid {
  const totalFrames = totalFramesFor(analysis.source.durationSec, fps)
  const beatFrames = framesOf(analysis.beats, fps, totalFrames)
  const downbeatFrames = framesOf(analysis.downbeats, fps, totalFrames)
  const confidentDownbeatFrames = framesOf(
    analysis.downbeats.filter((_, i) => (analysis.downbeatConfidence[i] ?? 1) >= CONFIDENT_DOWNBEAT),
    fps,
    totalFrames,
  )
  // Beat times sit on the analysis hop grid (23 ms), so single intervals alternate around the true
  // period and their median is biased by up to half a hop; spans of several beats average that out.
  const span = Math.min(4, analysis.beats.length - 1)
  const intervals = analysis.beats
    .slice(span)
    .map((b, i) => (b - analysis.beats[i]) / span)
    .filter((d) => d > 0)
  const period =
    analysis.beats.length === 0 ? null : intervals.length > 0 ? median(intervals) * fps : (60 / analysis.tempo.bpm) * fps
  return {
    fps,
    totalFrames,
    beatFrames,
    beatSet: new Set(beatFrames),
    downbeatFrames,
    downbeatSet: new Set(downbeatFrames),
    confidentDownbeatFrames,
    period,
    meter: analysis.meter,
  }
}

/** Frames in `sorted` within [lo, hi]. */
export function framesBetween(sorted: readonly number[], lo: number, hi: number): number[] {
  return sorted.filter((f) => f >= lo && f <= hi)
}

function nearest(sorted: readonly number[], target: number, within: number): number | undefined {
  let best: number | undefined
  for (const f of sorted) {
    if (Math.abs(f - target) <= within && (best === undefined || Math.abs(f - target) < Math.abs(best - target))) best = f
  }
  return best
}

/**
 * Where a section boundary cuts: the nearest downbeat within half a bar — a confident one, or
 * when that one is unsure, the nearest confident downbeat within a bar (the tracker may have the
 * bar phase wrong there, and a cut on beat 3 looks wrong to every viewer) — else the nearest beat
 * within half a bar, else the boundary's own frame (no grid there).
 */
export function snapBoundary(grid: BeatGrid, seconds: number): number {
  const raw = secondsToFrame(seconds, grid.fps)
  if (grid.period === null) return raw
  const bar = grid.period * grid.meter
  const db = nearest(grid.downbeatFrames, raw, bar / 2)
  if (db !== undefined && !grid.confidentDownbeatFrames.includes(db)) {
    const sure = nearest(grid.confidentDownbeatFrames, raw, bar)
    if (sure !== undefined) return sure
  }
  return db ?? nearest(grid.beatFrames, raw, bar / 2) ?? raw
}

/** What a cut at this frame lands on (frame 0 is the film's start). */
export function cutLabel(grid: BeatGrid, frame: number): 'start' | 'downbeat' | 'beat' {
  if (frame === 0) return 'start'
  return grid.downbeatSet.has(frame) ? 'downbeat' : 'beat'
}
