/**
 * How much the activation supports each decoded beat, and which stretches have no pulse at all.
 * The Viterbi path must pass position 0 once per period even through silence or a flat
 * activation, so it invents beats there; those stretches are found here and dropped.
 */
import { clamp01, maxIn, median } from './curves.js'

/** Activation at which a peak counts as fully present (a model's beats sit at 0.5–1). */
export const LEVEL_FULL = 0.3
/** Smoothed evidence under this is no pulse. */
export const PULSE_MIN = 0.3
/** Beats each side of the running median of the evidence. */
const SMOOTH = 3
/** A weak run this long (beats) inside the song, or this long at either end, is dropped. */
const RUN_INSIDE = 4
const RUN_EDGE = 2

export interface BeatEvidence {
  /** Peak activation near the beat. */
  peak: number[]
  /** Peak level × contrast over the activation's median across the beat's period, 0..1. */
  evidence: number[]
  /** Peak over the strongest activation within half a period either side, 0..1. */
  agreement: number[]
}

/** Evidence of beats at `frames` (fractional frames of `act`); `tol` frames around each beat. */
export function beatEvidence(frames: number[], act: Float32Array, tol: number): BeatEvidence {
  const n = frames.length
  const peak: number[] = []
  const evidence: number[] = []
  const agreement: number[] = []
  for (let i = 0; i < n; i++) {
    const f = frames[i]
    const prev = i > 0 ? f - frames[i - 1] : i + 1 < n ? frames[i + 1] - f : 4 * tol
    const next = i + 1 < n ? frames[i + 1] - f : prev
    // The period around the beat (the shorter side, so a gap after a beat does not widen it).
    const half = 0.5 * Math.min(prev, next)
    const a = maxIn(act, f - tol, f + tol)
    const lo = Math.max(0, Math.floor(f - half))
    const hi = Math.min(act.length - 1, Math.ceil(f + half))
    const floor = hi > lo ? median(act.subarray(lo, hi + 1)) : 0
    const contrast = a > 0 ? clamp01((a - floor) / a) : 0
    peak.push(a)
    evidence.push(clamp01(a / LEVEL_FULL) * contrast)
    const around = maxIn(act, f - half, f + half)
    agreement.push(around > 0 ? clamp01(a / around) : 0)
  }
  return { peak, evidence, agreement }
}

/** Indices of beats to keep: runs of weak smoothed evidence are dropped (see RUN_*). */
export function pulsedBeats(evidence: number[]): boolean[] {
  const n = evidence.length
  const smooth = evidence.map((_, i) => median(evidence.slice(Math.max(0, i - SMOOTH), Math.min(n, i + SMOOTH + 1))))
  const keep = new Array<boolean>(n).fill(true)
  for (let i = 0; i < n; ) {
    if (smooth[i] >= PULSE_MIN) {
      i++
      continue
    }
    let j = i
    while (j < n && smooth[j] < PULSE_MIN) j++
    const edge = i === 0 || j === n
    if (j - i >= (edge ? RUN_EDGE : RUN_INSIDE)) for (let k = i; k < j; k++) keep[k] = false
    i = j
  }
  // Raw weak beats at the edges of a kept stretch (the smoothing lets one or two through).
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue
    const startsRun = i === 0 || !keep[i - 1]
    if (startsRun) {
      let k = i
      while (k < n && keep[k] && evidence[k] < PULSE_MIN) keep[k++] = false
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    if (!keep[i]) continue
    const endsRun = i === n - 1 || !keep[i + 1]
    if (endsRun) {
      let k = i
      while (k >= 0 && keep[k] && evidence[k] < PULSE_MIN) keep[k--] = false
    }
  }
  return keep
}
