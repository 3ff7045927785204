/**
 * Beat evaluation after mir_eval: beats before `minTime` (5 s) are dropped from both lists, then
 * one-to-one matching within ±window (70 ms) and F = 2PR/(P+R).
 *
 * Matching is greedy left to right, which gives a maximum matching for points on a line with a
 * symmetric window (the same count mir_eval's bipartite matching finds).
 *
 * Short test songs (20–30 s) keep mir_eval's 5 s cut: it still leaves 30+ beats and skips the
 * quiet intro, as the reference protocol does.
 */
export function matchCount(ref: number[], est: number[], window: number): number {
  const r = [...ref].sort((a, b) => a - b)
  const e = [...est].sort((a, b) => a - b)
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

export function fMeasure(ref: number[], est: number[], window = 0.07): number {
  if (ref.length === 0 || est.length === 0) return 0
  const hits = matchCount(ref, est, window)
  const p = hits / est.length
  const r = hits / ref.length
  return p + r > 0 ? (2 * p * r) / (p + r) : 0
}

export function beatF(ref: number[], est: number[], opts: { window?: number; minTime?: number } = {}): number {
  const min = opts.minTime ?? 5
  return fMeasure(
    ref.filter((t) => t >= min),
    est.filter((t) => t >= min),
    opts.window ?? 0.07,
  )
}

/** Boundary hit rate (msaf/mir_eval segment detection) at ±window seconds, ends excluded. */
export function boundaryHits(ref: number[], est: number[], window = 3): { precision: number; recall: number; f: number } {
  const hits = matchCount(ref, est, window)
  const precision = est.length ? hits / est.length : 0
  const recall = ref.length ? hits / ref.length : 0
  return { precision, recall, f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 }
}
