/**
 * Beat and boundary evaluation for tests: thin wrappers over the mir_eval implementation in
 * tools/eval/mirEval.ts, so every test scores with one definition.
 *
 * Short test songs (20–30 s) keep mir_eval's 5 s cut: it still leaves 30+ beats and skips the
 * quiet intro, as the reference protocol does.
 */
import { beatFMeasure, continuity, fScore, matchEvents } from '../../tools/eval/mirEval.js'

export { beatFMeasure, boundaryHitRate, continuity, downbeatF } from '../../tools/eval/mirEval.js'

/** Size of a maximum one-to-one matching within ±window. */
export function matchCount(ref: number[], est: number[], window: number): number {
  return matchEvents(ref, est, window)
}

/** F-measure over all events (no 5 s cut). */
export function fMeasure(ref: number[], est: number[], window = 0.07): number {
  return beatFMeasure(ref, est, { window, skipBefore: -Infinity })
}

/** mir_eval beat F: beats before `minTime` (5 s) dropped, ±window (70 ms) one-to-one. */
export function beatF(ref: number[], est: number[], opts: { window?: number; minTime?: number } = {}): number {
  return beatFMeasure(ref, est, { window: opts.window ?? 0.07, skipBefore: opts.minTime ?? 5 })
}

/** mir_eval AMLt (double/half tempo and off-beat accepted), first 5 s skipped. */
export function amlt(ref: number[], est: number[]): number {
  return continuity(ref, est).AMLt
}

/** Boundary hit rate at ±window seconds over inner boundaries only (callers leave the ends out). */
export function boundaryHits(ref: number[], est: number[], window = 3): { precision: number; recall: number; f: number } {
  const hits = matchCount(ref, est, window)
  const precision = est.length ? hits / est.length : 0
  const recall = ref.length ? hits / ref.length : 0
  return { precision, recall, f: fScore(precision, recall) }
}
