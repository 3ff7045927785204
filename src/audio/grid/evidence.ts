/**
 * How much the activation supports each decoded beat, and which stretches have no pulse at all.
 * The Viterbi path must pass position 0 once per period even through silence or a flat
 * activation, so it invents beats there; those stretches are found here and dropped.
 */
import { clamp01, maxIn, median } from './curves.js'


/** Activation at which a peak counts as fully present (a model's beats sit at 0.5–1). */
export const LEVEL_FULL = 0.3
/** A beat with evidence under this is weak (its peak is missing, low, or lost in a flat curve). */
export const PULSE_MIN = 0.3
/** A pulse is present where at least this share of the beats within ±SMOOTH beats are not weak. */
const PULSE_SHARE = 0.3
/** Beats each side over which that share is counted. */
const SMOOTH = 4
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

/**
 * Which beats to keep: where hardly any beat around has a peak (under PULSE_SHARE of the beats
 * within ±SMOOTH), runs of RUN_INSIDE beats (RUN_EDGE at the ends) are dropped. A model that
 * misses every other beat still has a pulse; silence, or a flat curve, does not.
 */
export function pulsedBeats(evidence: number[]): boolean[] {
  const n = evidence.length
  const strong = evidence.map((e) => (e >= PULSE_MIN ? 1 : 0))
  const pulse = strong.map((_, i) => {
    const a = Math.max(0, i - SMOOTH)
    const b = Math.min(n, i + SMOOTH + 1)
    let c = 0
    for (let k = a; k < b; k++) c += strong[k]
    return c / (b - a) >= PULSE_SHARE
  })
  const keep = new Array<boolean>(n).fill(true)
  for (let i = 0; i < n; ) {
    if (pulse[i]) {
      i++
      continue
    }
    let j = i
    while (j < n && !pulse[j]) j++
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
