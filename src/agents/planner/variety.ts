/**
 * How varied a plan is: per minute, the Shannon entropy (bits) of the shots' patterns, a pattern
 * being kind × framing × action; and the longest run of consecutive shots with the same pattern.
 * Pure. A fixed three-framing cycle scores log2(3) ≈ 1.58 bits; six patterns used evenly, 2.58.
 */
import type { ShotPlan } from '../../schemas/index.js'

export interface VarietyFigure {
  /** Entropy in bits of the patterns of the shots starting in each minute (a last part under 30 s joins the minute before). */
  perMinute: number[]
  /** The lowest minute. */
  minBits: number
  /** Entropy of the patterns over the whole film. */
  overallBits: number
  /** Distinct patterns used. */
  patterns: number
  /** Longest run of consecutive shots sharing a pattern (1 = never repeated back to back). */
  longestRun: number
}

type PlanShot = ShotPlan['shots'][number]

/** A shot's pattern: what it shows, how it is framed, what its figures do (schema defaults when absent). */
export function shotPattern(s: Pick<PlanShot, 'kind' | 'framing' | 'action'>): string {
  return `${s.kind ?? 'figures'}/${s.framing}/${s.action ?? 'perform'}`
}

/** Shannon entropy in bits of a list of labels. */
export function entropyBits(labels: readonly string[]): number {
  if (labels.length === 0) return 0
  const counts = new Map<string, number>()
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  let h = 0
  for (const c of counts.values()) {
    const p = c / labels.length
    h -= p * Math.log2(p)
  }
  return h
}

const round3 = (v: number) => Math.round(v * 1000) / 1000

export function varietyFigure(plan: Pick<ShotPlan, 'fps' | 'totalFrames' | 'shots'>): VarietyFigure {
  const minute = 60 * plan.fps
  // A last part under half a minute holds too few shots for an entropy of its own.
  const minutes = Math.max(1, Math.round(plan.totalFrames / minute))
  const perMinute: number[] = []
  for (let m = 0; m < minutes; m++) {
    const end = m === minutes - 1 ? Infinity : (m + 1) * minute
    const inMinute = plan.shots.filter((s) => s.startFrame >= m * minute && s.startFrame < end)
    perMinute.push(round3(entropyBits(inMinute.map(shotPattern))))
  }
  let longestRun = 0
  let run = 0
  plan.shots.forEach((s, i) => {
    run = i > 0 && shotPattern(s) === shotPattern(plan.shots[i - 1]) ? run + 1 : 1
    longestRun = Math.max(longestRun, run)
  })
  const all = plan.shots.map(shotPattern)
  return { perMinute, minBits: Math.min(...perMinute), overallBits: round3(entropyBits(all)), patterns: new Set(all).size, longestRun }
}

/** One line for a log: "variety 2.71 bits/min (min 2.45; 2.6, 2.8, …), 14 patterns, longest run 1". */
export function formatVariety(v: VarietyFigure): string {
  return (
    `shot variety (entropy of kind × framing × action): min ${v.minBits.toFixed(2)} bits per minute ` +
    `(${v.perMinute.map((b) => b.toFixed(2)).join(', ')}), ${v.patterns} patterns, longest run of one pattern ${v.longestRun}`
  )
}
