import type { PlannedExcerpt } from './plan.js'

/**
 * The fixed rule that picks the CI subset of the test split (renders + analysis in ~3 minutes on
 * 2 cores): every STRIDE-th excerpt in planning order (sources in catalogue order, files sorted,
 * then the generated pieces), plus any excerpt that brings a meter, signature or tag the subset
 * does not hold yet — so every meter and kind stays covered. Deterministic for a given catalogue.
 */
export const CI_STRIDE = 3

const KINDS = /^(\d+\/\d+|swing|rubato|tempo-change|drumless|drumless-passage|anacrusis|syncopated|slow|fast)$/

export function ciTestSubset(stride = CI_STRIDE): (p: PlannedExcerpt, index: number) => boolean {
  const seen = new Set<string>()
  return (p, index) => {
    const keys = [`meter ${p.item.meter}`, `source ${p.item.source}`, ...p.item.tags.filter((t) => KINDS.test(t))]
    const take = index % stride === 0 || keys.some((k) => !seen.has(k))
    if (take) for (const k of keys) seen.add(k)
    return take
  }
}
