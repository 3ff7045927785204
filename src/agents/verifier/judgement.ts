/**
 * VISTA's per-round judgement of a shot's candidates: which one wins (a pairwise tournament, each
 * pair judged in both orders), what is wrong with it (a critique on visual quality, sync with
 * the music and fit to the treatment), and what the next round changes (a rewrite of the shot).
 */
import { z } from 'zod'
import type { CharacterCard, LocationCard, SectionMood, Shot, StyleBible } from '../../schemas/index.js'
import { ShotRevision, Verdict } from './types.js'

/** One side of a pairwise comparison as the model answers it (A is shown first). */
export const PairAnswer = z.object({
  preferred: z.enum(['A', 'B', 'tie']),
  reason: z.string(),
})
export type PairAnswer = z.infer<typeof PairAnswer>

const Axis = z.object({ score: z.number(), notes: z.string() })

/** The critique of a round's winner. Scores are 1–10 per axis. */
export const Critique = z.object({
  visual: Axis,
  sync: Axis,
  fit: Axis,
  acceptable: z.boolean(),
  summary: z.string(),
})
export type Critique = z.infer<typeof Critique>

/** One pairwise comparison: `first` was shown as A. `preferred` is an attempt number (null: tie or no answer). */
export const PairJudgement = z.object({
  first: z.number().int().nonnegative(),
  second: z.number().int().nonnegative(),
  preferred: z.number().int().nonnegative().nullable(),
  reason: z.string(),
})
export type PairJudgement = z.infer<typeof PairJudgement>

/** A match between two candidates: both orders, and how it was decided. */
export const Match = z.object({
  a: z.number().int().nonnegative(),
  b: z.number().int().nonnegative(),
  judgements: z.array(PairJudgement),
  winner: z.number().int().nonnegative(),
  /** 'model': both orders agreed; 'metrics': they disagreed (position bias), tied or failed, so the metric score decided. */
  decidedBy: z.enum(['model', 'metrics']),
})
export type Match = z.infer<typeof Match>

export const Judgement = z.object({
  judge: z.string(),
  round: z.number().int().nonnegative(),
  /** Attempt numbers of this round's candidates. */
  candidates: z.array(z.number().int().nonnegative()),
  winner: z.number().int().nonnegative(),
  matches: z.array(Match),
  critique: Critique.nullable(),
  /** The shot passes: the winner passed the metric checks and (with a model) the critique found it acceptable. */
  passed: z.boolean(),
  /** What the next round changes, and who decided it. */
  revision: ShotRevision.optional(),
  revisedBy: z.string().optional(),
  /** Where the model was not used (unavailable, invalid answers, budget spent) and the metrics decided instead. */
  fallbacks: z.array(z.string()),
})
export type Judgement = z.infer<typeof Judgement>

/** What the judge knows about one candidate. */
export interface JudgeCandidate {
  attempt: number
  verdict: Verdict
  /** PNG paths of frames to look at (first, middle, last). */
  frames: string[]
}

/** What the judge knows about the shot and the video it belongs to. */
export interface JudgeContext {
  style: StyleBible
  mood?: SectionMood
  location: LocationCard
  characters: CharacterCard[]
  /** The music under the shot: section label, energy, tempo, beats in the span. */
  music: { section: string; energy: number; bpm: number; beats: number; vocal: number }
}

export interface JudgeInput {
  shot: Shot
  round: number
  maxRounds: number
  candidates: JudgeCandidate[]
  context: JudgeContext
}

export interface ShotJudge {
  id: string
  judge(input: JudgeInput, ctx: { signal?: AbortSignal }): Promise<Judgement>
}

/** Metric order: accepted before rejected, then score; ties keep the earlier attempt. */
export function metricOrder(a: JudgeCandidate, b: JudgeCandidate): number {
  if (a.verdict.accepted !== b.verdict.accepted) return a.verdict.accepted ? -1 : 1
  if (b.verdict.score !== a.verdict.score) return b.verdict.score - a.verdict.score
  return a.attempt - b.attempt
}

/** The judgement the metrics alone give: best metric verdict wins, its revision is next round's. */
export function metricJudgement(input: JudgeInput, judge = 'metrics', fallbacks: string[] = []): Judgement {
  const ranked = [...input.candidates].sort(metricOrder)
  const winner = ranked[0]
  return {
    judge,
    round: input.round,
    candidates: input.candidates.map((c) => c.attempt),
    winner: winner.attempt,
    matches: [],
    critique: null,
    passed: winner.verdict.accepted,
    ...(winner.verdict.accepted || !winner.verdict.revision ? {} : { revision: winner.verdict.revision, revisedBy: 'metrics' }),
    fallbacks,
  }
}

/** The metric-only judge (no model): VISTA's loop with k candidates still picks the best by the numbers. */
export function createMetricJudge(): ShotJudge {
  return { id: 'metrics', judge: async (input) => metricJudgement(input) }
}
