/**
 * A render whose takes were chosen by another render of the same plan at another size (a batch's
 * bases: the first format's base verifies every shot, the others draw the take it kept). The
 * verifier judges a shot's length, exposure, motion and its sync with the music, which the same
 * seed and revision give at every aspect; so each shot is drawn once, with the kept take's seed,
 * revision and candidate, and not decoded, measured or retaken again. Its verdict is the other
 * render's, marked as such in the critique (scores.json) and the log.
 */
import { z } from 'zod'
import { ShotRevision, Verdict } from '../../agents/verifier/index.js'
import { RenderError } from '../../errors.js'
import { ShotPlan } from '../../schemas/index.js'
import { logTo } from '../context.js'
import { need } from '../steps/read.js'
import type { ShotSteps } from './shotSteps.js'

export const ChosenTake = z.object({
  shot: z.number().int().nonnegative(),
  /** The shot's span, to refuse takes of another plan. */
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  attempt: z.number().int().nonnegative(),
  round: z.number().int().nonnegative(),
  candidate: z.number().int().nonnegative(),
  /** The shot's revision the kept take was generated with (the rounds before its own). */
  revision: ShotRevision,
  verdict: Verdict,
})
export type ChosenTake = z.infer<typeof ChosenTake>

export const ChosenTakes = z.object({
  /** Which render chose them (e.g. a batch base's key, `1280x720-captions`). */
  from: z.string().min(1),
  shots: z.array(ChosenTake),
})
export type ChosenTakes = z.infer<typeof ChosenTakes>

/** The shot steps drawing each shot's chosen take: one generate, the chosen verdict, a passing judgement. */
export function chosenShotSteps(steps: ShotSteps, takes: ChosenTakes): ShotSteps {
  const byShot = new Map(takes.shots.map((t) => [t.shot, t]))
  const takeOf = async (shotIndex: number, store: Parameters<ShotSteps['generate']>[1], planKey: string) => {
    const t = byShot.get(shotIndex)
    const shot = (await need(store, 'plan', planKey, ShotPlan)).shots[shotIndex]
    if (!t || !shot || t.startFrame !== shot.startFrame || t.endFrame !== shot.endFrame) {
      throw new RenderError(`shot ${shotIndex}: the takes chosen by ${takes.from} are of another plan (no take for frames ${shot?.startFrame}-${shot?.endFrame})`, { code: 'TAKES_OTHER_PLAN' })
    }
    return t
  }
  return {
    generate: async (input, store, ctx) => {
      const t = await takeOf(input.shotIndex, store, input.sources.planKey)
      return steps.generate({ ...input, attempt: t.attempt, round: t.round, candidate: t.candidate, revision: t.revision }, store, ctx)
    },
    verify: async (input, store, ctx) => {
      const t = await takeOf(input.shotIndex, store, input.sources.planKey)
      const note = `verdict of ${takes.from}'s take ${t.attempt} (same seed and revision), not measured at this size`
      ctx.emit({ type: 'shot', index: input.shotIndex, total: takes.shots.length, attempt: t.attempt, status: t.verdict.accepted ? 'accepted' : 'rejected', score: t.verdict.score, critique: note })
      logTo(ctx)('info', `shot ${input.shotIndex}: take ${t.attempt} as chosen by ${takes.from} (${t.verdict.accepted ? 'accepted' : 'best of its rounds'}, score ${t.verdict.score.toFixed(2)})`)
      // This size's own key frame stands for the shot in the render's memory (its references).
      return { ...t.verdict, critique: t.verdict.critique ? `${t.verdict.critique} (${note})` : `(${note})`, referenceFrame: input.segment.keyFrame }
    },
    judge: async (input) => {
      const winner = input.attempts[0]?.attempt ?? 0
      return { judge: `chosen by ${takes.from}`, round: input.round, candidates: input.attempts.map((a) => a.attempt), winner, matches: [], critique: null, passed: true, fallbacks: [] }
    },
  }
}
