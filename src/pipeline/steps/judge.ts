import { songSections } from '../../agents/heuristics/sections.js'
import { Judgement, type JudgeInput } from '../../agents/verifier/judgement.js'
import { Analysis, ShotPlan, Treatment, type Shot } from '../../schemas/index.js'
import { frameToSeconds } from '../../time.js'
import { logTo, type StepContext } from '../context.js'
import type { JudgeRoundInput } from '../machines/shotMachine.js'
import { shotRequest } from '../shotRequest.js'
import { stepKey, type Store } from '../../store/index.js'
import { need } from './read.js'

export type { JudgeRoundInput }

const VERSION = 2

/**
 * One VISTA round's judgement: the winner among the round's candidates, the critique, whether
 * the shot passed, the revision for the next round. Judging costs model calls, so a resumed
 * render reuses the judgement of the same candidates.
 */
export async function judge(input: JudgeRoundInput, store: Store, ctx: StepContext): Promise<Judgement> {
  const { judge: judgeAgent } = ctx.services
  const { sources, shotIndex, round, maxRounds, revision, attempts } = input
  const [plan, treatment, analysis] = await Promise.all([
    need(store, 'plan', sources.planKey, ShotPlan),
    need(store, 'treatment', sources.treatmentKey, Treatment),
    need(store, 'analysis', sources.analysisKey, Analysis),
  ])
  const shot: Shot = { ...plan.shots[shotIndex], ...revision }
  const key = stepKey('judgement', VERSION, {
    judge: judgeAgent.id,
    round,
    maxRounds,
    shot,
    candidates: attempts.map((at) => [at.segment.path, at.verdict.score, at.verdict.accepted, at.verdict.failed]),
  })
  let judgement = await store.get('judgement', key, Judgement)
  if (!judgement) {
    const req = shotRequest({ plan, treatment, analysis, songPath: sources.songPath }, shotIndex, revision, { references: {} })
    const section = songSections(analysis).find((s) => s.index === shot.sectionIndex)
    const startSec = frameToSeconds(shot.startFrame, plan.fps)
    const endSec = frameToSeconds(shot.endFrame, plan.fps)
    const judgeInput: JudgeInput = {
      shot,
      round,
      maxRounds,
      candidates: attempts.map((at) => ({ attempt: at.attempt, verdict: at.verdict, frames: [at.segment.firstFrame, at.segment.keyFrame, at.segment.lastFrame] })),
      context: {
        style: treatment.styleBible,
        mood: req.mood,
        location: req.location,
        characters: req.characters,
        music: {
          section: section?.label ?? 'song',
          energy: Number((section?.energy ?? 0.5).toFixed(2)),
          bpm: Number(analysis.tempo.bpm.toFixed(1)),
          beats: analysis.beats.filter((b) => b >= startSec && b < endSec).length,
          vocal: Number((req.controls.reduce((n, c) => n + c.vocal, 0) / Math.max(1, req.controls.length)).toFixed(2)),
        },
      },
    }
    judgement = Judgement.parse(await judgeAgent.judge(judgeInput, { signal: ctx.signal }))
    await store.put('judgement', key, judgement)
  }
  const c = judgement.critique
  const winner = attempts.find((at) => at.attempt === judgement!.winner)?.verdict
  if (attempts.length > 1 || c) {
    logTo(ctx)(
      judgement.passed ? 'info' : 'warn',
      `shot ${shotIndex} round ${round + 1}: attempt ${judgement.winner} of ${attempts.length} candidate(s) won` +
        (winner ? ` (metric score ${winner.score.toFixed(2)})` : '') +
        (c ? `; critique visual ${c.visual.score}/10, sync ${c.sync.score}/10, fit ${c.fit.score}/10: ${c.summary}` : '') +
        (judgement.passed ? '; passed' : judgement.revision ? `; revised by ${judgement.revisedBy ?? 'metrics'}` : ''),
    )
  }
  return judgement
}
