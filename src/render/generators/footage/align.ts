/**
 * How a span of a clip would move on the shot's beats. Pure.
 *
 * The criterion is AV-Align (src/metrics/sync.ts `avAlign`, Yariv et al.): the intersection over
 * union of the shot's musical targets (frames with a beat or a percussive hit, from the request's
 * controls) and the span's motion peaks (`motionPeaks`, strict local maxima of the motion curve
 * as the output will show it), matched within one frame. It is what the verifier measures on the
 * rendered segment, and, unlike the beat-alignment score, an IoU also counts motion peaks that
 * fall between the beats against a span, so a busy span does not win just by having peaks
 * everywhere. Ties (common: many spans match the same number of beats) go to the AIST++
 * beat-alignment score of the beats against the same peaks, which rewards near misses, then to
 * the livelier span.
 */
import { avAlign, beatAlignment, motionPeaks } from '../../../metrics/sync.js'

/** C[i] = motion[0] + … + motion[i]: the motion accumulated up to source frame i. */
export function cumulativeMotion(motion: ArrayLike<number>): Float64Array {
  const c = new Float64Array(motion.length)
  let s = 0
  for (let i = 0; i < motion.length; i++) c[i] = s += motion[i]
  return c
}

function cumAt(c: Float64Array, x: number): number {
  if (x <= 0) return c[0] ?? 0
  const last = c.length - 1
  if (x >= last) return c[last]
  const i = Math.floor(x)
  return c[i] + (c[i + 1] - c[i]) * (x - i)
}

/**
 * The motion curve the output will show: output frame j shows source position x_j = inFrame +
 * j·step (source frames per output frame: 1 when every source frame becomes an output frame, k
 * when every k-th is taken, fractional when blended or slowed), and the motion into it is what
 * accumulated since the previous output frame, C(x_j) − C(x_{j−1}) (linear in between), times
 * `scale` (the crop's magnification: the verifier measures 160 px of the crop, not of the
 * source). out[0] = 0, like the metric's first frame.
 */
export function retimedMotion(cum: Float64Array, inFrame: number, step: number, frames: number, scale = 1, out = new Float32Array(frames)): Float32Array {
  out[0] = 0
  let prev = cumAt(cum, inFrame)
  for (let j = 1; j < frames; j++) {
    const cur = cumAt(cum, inFrame + j * step)
    out[j] = (cur - prev) * scale
    prev = cur
  }
  return out
}

export interface Alignment {
  /** AV-Align of the targets against the peaks (0..1). */
  avAlign: number
  /** Targets with a motion peak within a frame. */
  matched: number
  /** Beat alignment (AIST++ formula, σ 50 ms) of the beats against the peaks. */
  beatAlignment: number
  /** Mean motion of the span (px/frame): the tie-break of last resort. */
  meanMotion: number
  /** Motion peaks, as shot frames. */
  peaks: number[]
}

/** Scores a retimed motion curve against the shot's targets and beats (frames of the shot). */
export function alignmentOf(motion: ArrayLike<number>, targetsSec: readonly number[], beatsSec: readonly number[], fps: number): Alignment {
  const peaks = motionPeaks(motion)
  const av = avAlign(targetsSec, peaks, fps, 1)
  let sum = 0
  for (let i = 1; i < motion.length; i++) sum += motion[i]
  return {
    avAlign: av.score,
    matched: av.matched,
    beatAlignment: beatsSec.length ? beatAlignment(beatsSec, peaks, fps) : 0,
    meanMotion: motion.length > 1 ? sum / (motion.length - 1) : 0,
    peaks,
  }
}

/** Positive when `a` aligns better than `b` (AV-Align, then beat alignment, then liveliness). */
export function compareAlignment(a: Alignment, b: Alignment): number {
  const eps = 1e-9
  if (Math.abs(a.avAlign - b.avAlign) > eps) return a.avAlign - b.avAlign
  if (Math.abs(a.beatAlignment - b.beatAlignment) > eps) return a.beatAlignment - b.beatAlignment
  if (Math.abs(a.meanMotion - b.meanMotion) > 1e-6) return a.meanMotion - b.meanMotion
  return 0
}
