/**
 * Shots on the model's frame grid, the film on the song's: a model makes only some frame counts
 * (LTX-2 8k + 1, Wan 4k + 1) at its own rate, the shot has an exact frame count at the render's
 * rate. The clip is made at the next count the model accepts (chained runs when one run is not
 * enough) and conformed to the shot: sped up by at most MAX_RETIME, else cut at the end, so every
 * cut stays on its frame and nothing drifts over a song. Pure functions.
 */
import type { WorkflowMeta } from './template.js'

/** Largest speed-up that fits a clip to its shot (4 %: motion looks the same, 1 s loses 40 ms). */
export const MAX_RETIME = 0.04

export interface Conform {
  /** For each output frame, the index of the model frame it shows. */
  sourceIndex: number[]
  /** 'retime': played faster by `speed`; 'trim': real time, the excess cut at the end; 'hold': short, last frame held. */
  mode: 'exact' | 'retime' | 'trim' | 'hold'
  /** Source seconds per output second (1 unless retimed). */
  speed: number
  /** Seconds of the clip cut at the end ('trim'), or held ('hold'). */
  cutSec: number
  /** The clip's and the shot's length, seconds. */
  clipSec: number
  shotSec: number
}

/**
 * How `made` model frames at `nativeFps` become exactly `frames` output frames at `fps`: output
 * frame i shows the model frame nearest to its time (i / fps × speed). A clip longer than the shot
 * is sped up when that takes at most `maxRetime` (and `retime` allows it: never for a picture in
 * sync with audio), else played in real time and cut at the end; a short clip holds its last frame.
 */
export function conformFrames(frames: number, fps: number, made: number, nativeFps: number = fps, retime = true, maxRetime = MAX_RETIME): Conform {
  if (!Number.isInteger(frames) || frames < 1 || !Number.isInteger(made) || made < 1) throw new RangeError(`frame counts must be positive integers (shot ${frames}, made ${made})`)
  const shotSec = frames / fps
  const clipSec = made / nativeFps
  const over = clipSec / shotSec - 1
  let mode: Conform['mode'] = Math.abs(over) < 1e-9 ? 'exact' : over < 0 ? 'hold' : retime && over <= maxRetime + 1e-9 ? 'retime' : 'trim'
  const speed = mode === 'retime' ? clipSec / shotSec : 1
  const sourceIndex = Array.from({ length: frames }, (_, i) => Math.min(made - 1, Math.round(((i * speed) / fps) * nativeFps + 1e-9)))
  const cutSec = mode === 'trim' ? clipSec - shotSec : mode === 'hold' ? shotSec - clipSec : 0
  return { sourceIndex, mode, speed, cutSec, clipSec, shotSec }
}

/** One line for the render log: what was made and how it was fitted. */
export function describeConform(c: Conform, made: number, nativeFps: number, frames: number, fps: number): string {
  const head = `made ${made} frames at ${nativeFps} fps (${c.clipSec.toFixed(3)} s) for a shot of ${frames} at ${fps} fps (${c.shotSec.toFixed(3)} s)`
  if (c.mode === 'exact') return `${head}: same length`
  if (c.mode === 'retime') return `${head}: played ${((c.speed - 1) * 100).toFixed(1)} % faster (within ${MAX_RETIME * 100} %)`
  if (c.mode === 'trim') return `${head}: cut ${c.cutSec.toFixed(3)} s at the end (a speed-up of ${((c.clipSec / c.shotSec - 1) * 100).toFixed(1)} % would be over ${MAX_RETIME * 100} %)`
  return `${head}: short by ${c.cutSec.toFixed(3)} s, last frame held`
}

/** A count the model accepts: frameOffset + k × frameStep. */
export function onGrid(n: number, meta: Pick<WorkflowMeta, 'frameStep' | 'frameOffset'>): boolean {
  return n >= 1 && (n - meta.frameOffset) % meta.frameStep === 0 && n >= meta.frameOffset
}

/**
 * Runs of a long take: model frame counts, each on the grid and within maxFrames, chained so that
 * each run after the first starts on the previous run's last frame (that shared frame is kept
 * once). Together they make at least `needed` frames; the runs are as even as the grid allows,
 * so no run is a sliver. One run when one is enough.
 */
export function planRuns(needed: number, meta: Pick<WorkflowMeta, 'frameStep' | 'frameOffset' | 'maxFrames'>): number[] {
  const { frameStep: step, frameOffset: offset, maxFrames } = meta
  const valid = (k: number) => offset + k * step
  const up = (n: number) => valid(Math.max(Math.ceil((1 - offset) / step), Math.ceil((n - offset) / step)))
  if (up(needed) <= maxFrames) return [up(needed)]
  const longest = valid(Math.floor((maxFrames - offset) / step))
  if (longest < 2) throw new RangeError(`a chain needs runs of at least 2 frames (maxFrames ${maxFrames})`)
  // n runs of length L give n(L - 1) + 1 distinct frames.
  const n = Math.ceil((needed - 1) / (longest - 1))
  const each = Math.min(longest, up(Math.ceil((needed - 1) / n) + 1))
  const runs = Array.from({ length: n }, () => each)
  // The grid may round every run up; drop what the last run does not need.
  const total = (rs: number[]) => rs.reduce((s, r) => s + r - 1, 1)
  while (runs[n - 1] - step >= Math.max(2, offset) && total(runs) - step >= needed && onGrid(runs[n - 1] - step, meta)) runs[n - 1] -= step
  return runs
}

/** Distinct frames of chained runs (each join's shared frame once). */
export function chainedFrames(runs: readonly number[]): number {
  return runs.reduce((s, r) => s + r - 1, 1)
}
