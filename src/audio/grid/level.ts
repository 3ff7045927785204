/**
 * The metrical level a listener taps. The decoded beats may sit at a level the activation
 * supports equally well one octave (or, in compound time, one third) away: eighth notes at 200 BPM
 * whose every other note is as strong as the beat, a 6/8 tracked at the eighth. Candidates: the
 * beats as decoded, every other beat, every third beat (best phase each), and the beats plus
 * their midpoints. A finer and a coarser level are compared pairwise: each scores a log-normal
 * tempo prior (Moelants & McKinney: preferred tempo near 115 BPM; narrower on the fast side,
 * since nobody taps 200 BPM but many tap 70) plus what the activation says about the beats in
 * between, relative strength r of those to the coarse level's beats: the coarse level pays
 * DROP_COST·r·(1 + s) (it leaves out beats that strong; more so where their activation s is
 * high in absolute terms, i.e. a model is sure of them), the fine level ADD_COST·(1 − r) (it
 * counts beats that weak). The prior decides only where r leaves the two close.
 */
import { maxIn } from './curves.js'

export const TAPPED_BPM = 115
/** Prior width in octaves below / above TAPPED_BPM. */
export const PRIOR_OCT_SLOW = 0.75
export const PRIOR_OCT_FAST = 0.45
/** Cost of dropping beats as strong as the kept ones (scaled by their relative strength). */
export const DROP_COST = 1.0
/** Cost of adding midpoints with no activation (scaled by how much weaker than the beats they are). */
export const ADD_COST = 1.5
/** A grouping by 3 is taken over one by 2 only when its accent contrast is clearly larger. */
const TRIPLE_MARGIN = 0.15

export function tempoLogPrior(bpm: number): number {
  const x = Math.log2(bpm / TAPPED_BPM)
  const s = x < 0 ? PRIOR_OCT_SLOW : PRIOR_OCT_FAST
  return -0.5 * (x / s) ** 2
}

export interface LevelChoice {
  /** Beat frames at the chosen level (fractional frames of `act`). */
  frames: number[]
  /** 1 (as decoded), 2 or 3 (every 2nd / 3rd beat), or 0.5 (midpoints added). */
  factor: number
}

/**
 * Picks the level. `frames` are beat frames of `act` (fps given); `tol` is the half-width in
 * frames within which a beat's activation peak is read.
 */
export function chooseLevel(frames: number[], act: Float32Array, fps: number, tol: number, bounds: { minBpm: number; maxBpm: number }): LevelChoice {
  const n = frames.length
  if (n < 8) return { frames, factor: 1 }
  const sal = frames.map((f) => maxIn(act, f - tol, f + tol))
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
  const ibi = frames.slice(1).map((f, i) => f - frames[i]).sort((a, b) => a - b)
  const bpm = (60 * fps) / ibi[ibi.length >> 1]
  const base = mean(sal)
  if (!(base > 0)) return { frames, factor: 1 }

  let chosen: LevelChoice = { frames, factor: 1 }
  // Grouping: the phase of every k-th beat that is most accented, and how much weaker the rest are.
  const group = (k: number) => {
    let top = { phase: 0, kept: 0, skipped: 0 }
    for (let p = 0; p < k; p++) {
      const kept = mean(sal.filter((_, i) => i % k === p))
      const skipped = mean(sal.filter((_, i) => i % k !== p))
      if (kept > top.kept) top = { phase: p, kept, skipped }
    }
    return { ...top, contrast: top.kept > 0 ? 1 - top.skipped / top.kept : 0 }
  }
  const g2 = group(2)
  const g3 = group(3)
  const k = g3.contrast > g2.contrast + TRIPLE_MARGIN ? 3 : 2
  const g = k === 3 ? g3 : g2
  if (bpm / k >= bounds.minBpm) {
    const r = g.kept > 0 ? g.skipped / g.kept : 1
    const coarse = tempoLogPrior(bpm / k) - DROP_COST * r * (1 + g.skipped)
    const fine = tempoLogPrior(bpm) - ADD_COST * Math.max(0, 1 - r)
    if (coarse > fine) chosen = { frames: frames.filter((_, i) => i % k === g.phase), factor: k }
  }
  if (chosen.factor === 1 && bpm * 2 <= bounds.maxBpm) {
    // Midpoints only inside the pulse: none across a beatless gap.
    const mid = ibi[ibi.length >> 1]
    const mids = frames.slice(1).map((f, i) => (f - frames[i] <= 1.75 * mid ? 0.5 * (f + frames[i]) : NaN))
    const added = mean(mids.filter((f) => !Number.isNaN(f)).map((f) => maxIn(act, f - tol, f + tol)))
    const r = added / base
    const fine = tempoLogPrior(bpm * 2) - ADD_COST * Math.max(0, 1 - r)
    const coarse = tempoLogPrior(bpm) - DROP_COST * r * (1 + added)
    if (fine > coarse) {
      const both: number[] = []
      frames.forEach((f, i) => {
        both.push(f)
        if (i < mids.length && !Number.isNaN(mids[i])) both.push(mids[i])
      })
      chosen = { frames: both, factor: 0.5 }
    }
  }
  return chosen
}

/** The bar midpoint's activation over that of beats 2 and 3 at which a bar of three is heard as two (dev split: 3/4 ≤ 0.30, the 6/8 read as 3 that a listener taps in two 0.60–0.65). */
export const COMPOUND_RATIO = 0.45
/** Whole bars needed to decide. */
const COMPOUND_BARS = 4

/**
 * A bar of three beats may be a 6/8 bar tracked at the quarter note (3:2 against its two
 * dotted-quarter beats): then the activation also peaks at the bar's midpoint, where a 3/4 has
 * nothing (its beats 2 and 3 sit at a third and two thirds). Given beat `frames` of `act` with
 * their bar `position` (0..2), returns the beats of the two-a-bar reading (each downbeat and its
 * bar's midpoint), or undefined when the midpoint is not clearly marked. A bar cut short or
 * across a gap keeps its downbeat only.
 */
export function compoundBeats(frames: number[], position: number[], gapBefore: boolean[], act: Float32Array, tol: number): number[] | undefined {
  let mid = 0
  let inner = 0
  let bars = 0
  const out: number[] = []
  for (let i = 0; i < frames.length; i++) {
    if (position[i] !== 0) continue
    out.push(frames[i])
    const whole = i + 3 < frames.length && position[i + 1] === 1 && position[i + 2] === 2 && position[i + 3] === 0 && ![1, 2, 3].some((k) => gapBefore[i + k])
    if (!whole) continue
    const m = 0.5 * (frames[i] + frames[i + 3])
    out.push(m)
    mid += maxIn(act, m - tol, m + tol)
    inner += 0.5 * (maxIn(act, frames[i + 1] - tol, frames[i + 1] + tol) + maxIn(act, frames[i + 2] - tol, frames[i + 2] + tol))
    bars++
  }
  return bars >= COMPOUND_BARS && inner > 0 && mid / inner >= COMPOUND_RATIO ? out : undefined
}
