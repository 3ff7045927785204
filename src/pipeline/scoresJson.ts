import type { ShotPlan } from '../schemas/index.js'
import type { ShotOutput } from './attempts.js'
import type { RenderSummary } from './summary.js'

/** scores.json: agents, thresholds, the summary, model use, and every shot's attempts, rounds and verdicts. Pure. */
export function scoresJson(
  p: ShotPlan,
  results: Record<string, ShotOutput>,
  agents: Record<string, string>,
  thresholds: unknown,
  summary: RenderSummary,
  llm: unknown,
) {
  return {
    version: 2,
    agents,
    thresholds,
    summary,
    /** Model settings (no key), usage per stage summed from llm/, and every fallback to a heuristic. */
    llm,
    shots: p.shots.map((s) => {
      const r = results[String(s.index)]
      return {
        index: s.index,
        startFrame: s.startFrame,
        endFrame: s.endFrame,
        accepted: r.best.verdict.accepted,
        keptAttempt: r.best.attempt,
        score: r.best.verdict.score,
        attempts: r.attempts.map((a) => ({ attempt: a.attempt, round: a.round, candidate: a.candidate, generator: a.segment.generator, cached: a.cached, video: a.segment.path, verdict: a.verdict })),
        rounds: r.rounds,
      }
    }),
  }
}
