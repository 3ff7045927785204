/**
 * Evaluation metrics after mir_eval (beat, downbeat, segment boundary detection), re-implemented
 * to the letter so our figures are comparable with published ones. Pure; times in seconds.
 */

export interface BeatOptions {
  /** Tolerance for a hit, seconds (mir_eval's f_measure_threshold). */
  window?: number
  /** Beats before this time are dropped from both lists (mir_eval.beat.trim_beats). */
  skipBefore?: number
}

export interface ContinuityOptions {
  phaseTol?: number
  periodTol?: number
  skipBefore?: number
}

export interface Continuity {
  /** Longest continuous correct run at the annotated metrical level, share of beats. */
  CMLc: number
  /** All correct beats at the annotated metrical level. */
  CMLt: number
  /** As CMLc, best of the allowed metrical variations (double, half, off-beat). */
  AMLc: number
  /** As CMLt, best of the allowed metrical variations. */
  AMLt: number
}

export interface DetectionScore {
  precision: number
  recall: number
  F: number
}

/** Sorted copy without non-finite values; mir_eval requires sorted beat arrays. */
function sorted(xs: readonly number[]): number[] {
  return xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
}

/** mir_eval.beat.trim_beats: keep beats at or after `min`. */
export function trimBeats(beats: readonly number[], min = 5): number[] {
  return sorted(beats).filter((t) => t >= min)
}

/**
 * Size of a maximum one-to-one matching of events within ±window (mir_eval.util.match_events).
 * Each reference matches a contiguous, monotonically moving range of sorted estimates, so the
 * greedy sweep (pair the earliest compatible pair) is maximal, like the bipartite matching.
 */
export function matchEvents(ref: readonly number[], est: readonly number[], window: number): number {
  const r = sorted(ref)
  const e = sorted(est)
  let i = 0
  let j = 0
  let hits = 0
  while (i < r.length && j < e.length) {
    if (Math.abs(r[i] - e[j]) <= window) {
      hits++
      i++
      j++
    } else if (e[j] < r[i]) j++
    else i++
  }
  return hits
}

/** mir_eval.util.f_measure with beta = 1. */
export function fScore(precision: number, recall: number): number {
  return precision === 0 && recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
}

/** mir_eval.beat.f_measure on trimmed beats: one-to-one matching within ±window (70 ms). */
export function beatFMeasure(ref: readonly number[], est: readonly number[], opts: BeatOptions = {}): number {
  const skip = opts.skipBefore ?? 5
  const r = trimBeats(ref, skip)
  const e = trimBeats(est, skip)
  if (r.length === 0 || e.length === 0) return 0
  const hits = matchEvents(r, e, opts.window ?? 0.07)
  return fScore(hits / e.length, hits / r.length)
}

/** Downbeat F-measure: the beat F-measure (±70 ms, first 5 s skipped) applied to downbeats. */
export function downbeatF(ref: readonly number[], est: readonly number[], opts: BeatOptions = {}): number {
  return beatFMeasure(ref, est, opts)
}

/**
 * mir_eval.beat._get_reference_beat_variations: the annotation, its off-beat, double tempo, and
 * the two phases of half tempo.
 */
export function referenceVariations(ref: readonly number[]): number[][] {
  const n = ref.length
  // np.interp over indices 0, 0.5, …, n-1: the beats with their midpoints between.
  const double: number[] = []
  for (let k = 0; k < 2 * n - 1; k++) {
    const i = Math.floor(k / 2)
    double.push(k % 2 === 0 ? ref[i] : (ref[i] + ref[i + 1]) / 2)
  }
  return [
    [...ref],
    double.filter((_, k) => k % 2 === 1),
    double,
    ref.filter((_, k) => k % 2 === 0),
    ref.filter((_, k) => k % 2 === 1),
  ]
}

/** Per-beat correctness of `est` against one reference variation (mir_eval.beat.continuity's loop). */
function beatSuccesses(ref: number[], est: number[], phaseTol: number, periodTol: number): { longest: number; total: number; n: number } {
  const n = Math.max(ref.length, est.length)
  const used = new Uint8Array(n)
  const ok = new Uint8Array(n)
  // numpy's negative index: ref[-1] is the last element.
  const at = (xs: number[], i: number) => (i < 0 ? xs[xs.length + i] : xs[i])
  for (let m = 0; m < est.length; m++) {
    let nearest = 0
    let minDiff = Infinity
    for (let k = 0; k < ref.length; k++) {
      const d = Math.abs(est[m] - ref[k])
      if (d < minDiff) {
        minDiff = d
        nearest = k
      }
    }
    if (used[nearest]) continue
    let refInterval: number
    let estInterval: number
    if (m === 0 || nearest === 0) {
      // First beat or first annotation: look forward.
      refInterval = nearest + 1 < ref.length ? ref[nearest + 1] - ref[nearest] : ref[nearest] - at(ref, nearest - 1)
      estInterval = m + 1 < est.length ? est[m + 1] - est[m] : est[m] - at(est, m - 1)
    } else {
      refInterval = ref[nearest] - ref[nearest - 1]
      estInterval = est[m] - est[m - 1]
    }
    // Repeated annotations (zero interval): mir_eval's special cases.
    const phase = refInterval === 0 ? (minDiff === 0 ? 1 : Infinity) : Math.abs(minDiff / refInterval)
    const period = refInterval === 0 ? (estInterval === 0 ? 0 : Infinity) : Math.abs(1 - estInterval / refInterval)
    if (phase < phaseTol && period < periodTol) {
      used[nearest] = 1
      ok[m] = 1
    }
  }
  let longest = 0
  let run = 0
  let total = 0
  for (let m = 0; m < n; m++) {
    if (ok[m]) {
      run++
      total++
      if (run > longest) longest = run
    } else run = 0
  }
  return { longest, total, n }
}

/**
 * mir_eval.beat.continuity: CMLc/CMLt at the annotated level, AMLc/AMLt as the best over the
 * reference variations (off-beat, double, half odd, half even). Scores divide by the longer of
 * the two lists, as mir_eval does.
 */
export function continuity(ref: readonly number[], est: readonly number[], opts: ContinuityOptions = {}): Continuity {
  const skip = opts.skipBefore ?? 5
  const r = trimBeats(ref, skip)
  const e = trimBeats(est, skip)
  // One beat has no interval: mir_eval scores 0.
  if (r.length <= 1 || e.length <= 1) return { CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 }
  const phaseTol = opts.phaseTol ?? 0.175
  const periodTol = opts.periodTol ?? 0.175
  const cont: number[] = []
  const tot: number[] = []
  for (const v of referenceVariations(r)) {
    if (v.length === 0) {
      cont.push(0)
      tot.push(0)
      continue
    }
    const s = beatSuccesses(v, e, phaseTol, periodTol)
    cont.push(s.longest / s.n)
    tot.push(s.total / s.n)
  }
  return { CMLc: cont[0], CMLt: tot[0], AMLc: Math.max(...cont), AMLt: Math.max(...tot) }
}

/** mir_eval.util.intervals_to_boundaries: the sorted unique interval ends. */
export function intervalsToBoundaries(intervals: ReadonlyArray<{ start: number; end: number } | readonly [number, number]>): number[] {
  const out: number[] = []
  for (const iv of intervals) {
    if (Array.isArray(iv)) out.push(iv[0], iv[1])
    else {
      const o = iv as { start: number; end: number }
      out.push(o.start, o.end)
    }
  }
  return [...new Set(sorted(out))]
}

/**
 * mir_eval.segment.detection with trim=True: boundary lists include the song's start and end
 * (as from intervals); the first and last are dropped, then one-to-one hits within ±window.
 */
export function boundaryHitRate(refBounds: readonly number[], estBounds: readonly number[], window = 0.5): DetectionScore {
  const r = [...new Set(sorted(refBounds))].slice(1, -1)
  const e = [...new Set(sorted(estBounds))].slice(1, -1)
  if (r.length === 0 || e.length === 0) return { precision: 0, recall: 0, F: 0 }
  const hits = matchEvents(r, e, window)
  const precision = hits / e.length
  const recall = hits / r.length
  return { precision, recall, F: fScore(precision, recall) }
}
