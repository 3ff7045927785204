/**
 * The verify and score steps of a draft (`render --draft`). A draft makes one take per shot and
 * keeps it, so nothing is chosen on a shot's verdict: shots are not decoded one by one while they
 * are made. The film is measured once, at a small size (draftFilm.ts), and the verifier then
 * judges every shot on the film's frames; those verdicts, marked as a draft's, are what
 * scores.json and the report show.
 */
import { z } from 'zod'
import { Verdict, type VerifierThresholds } from '../../agents/verifier/index.js'
import { Analysis, ShotPlan, VideoScore } from '../../schemas/index.js'
import type { ShotOutput } from '../attempts.js'
import { logTo, type StepContext } from '../context.js'
import { DRAFT_METRIC_WIDTH, draftShotMetrics, measureDraftFilm } from '../draftFilm.js'
import type { VerifyInput } from '../machines/shotMachine.js'
import { storedProbe } from '../probeCache.js'
import { writeVideoScore } from '../scoreRun.js'
import { stepKey, type Store } from '../../store/index.js'
import { canvasViewCache } from '../viewCache.js'
import { need } from './read.js'
import type { ScoreInput } from './score.js'

/** What a draft's shot carries until the film is measured: kept, not yet judged (the report shows the film's verdicts). */
export async function draftVerify(input: VerifyInput, store: Store, ctx: StepContext): Promise<Verdict> {
  // Probed now, while other shots are drawn, and kept: the stitch reads it instead of probing every take in a row.
  const [plan] = await Promise.all([need(store, 'plan', input.sources.planKey, ShotPlan), storedProbe(store, input.segment.path, ctx.signal)])
  ctx.emit({ type: 'shot', index: input.shotIndex, total: plan.shots.length, attempt: input.segment.attempt, status: 'accepted' })
  return { score: 0, accepted: true, critique: 'draft: kept unjudged (one take); judged on the film once it is joined', checks: { draft: true }, failed: [] }
}

const DraftVerdicts = z.object({ verdicts: z.array(Verdict) })

/**
 * The draft's film measured once (one decode at DRAFT_METRIC_WIDTH), scored (score.json,
 * score.png) and every shot judged by the verifier on the film's frames. Identity views are read
 * from the key frames in this process (canvasViewCache), without an ffmpeg per picture.
 */
export async function draftScore(input: ScoreInput & { thresholds: VerifierThresholds }, store: Store, ctx: StepContext): Promise<{ scoreKey: string }> {
  const kept = Object.fromEntries(Object.entries(input.results).map(([i, r]) => [i, r.best.segment.path]))
  const scoreKey = stepKey('draft-score', 1, { plan: input.sources.planKey, analysis: input.sources.analysisKey, kept, verifier: ctx.services.verifier.id, thresholds: input.thresholds })
  if ((await store.get('score', scoreKey, VideoScore)) && (await store.get('draft-verdicts', scoreKey, DraftVerdicts))) return { scoreKey }
  const started = performance.now()
  const [plan, analysis] = await Promise.all([need(store, 'plan', input.sources.planKey, ShotPlan), need(store, 'analysis', input.sources.analysisKey, Analysis)])
  const spans = plan.shots.map((s) => ({ start: s.startFrame, end: s.endFrame }))
  const d = await measureDraftFilm(input.final, spans, ctx.signal)
  ctx.emit({ type: 'progress', stage: 'scoring', fraction: 0.8 })
  const references = Object.fromEntries(
    Object.entries(input.memory.entities).map(([id, e]) => [id, e.references.map((r) => ({ image: r.image, locationId: r.locationId, framing: r.framing }))]),
  )
  const { score } = await writeVideoScore({
    videoPath: input.final,
    songPath: input.sources.songPath,
    analysis,
    plan,
    references,
    shotViews: Object.fromEntries(plan.shots.map((s) => [s.index, input.results[String(s.index)].best.segment.keyFrame])),
    outDir: input.outDir,
    modelsDir: ctx.services.modelsDir,
    measured: d.film,
    viewCache: canvasViewCache(),
    signal: ctx.signal,
  })
  const size = `${d.film.width}×${d.film.height}`
  const verdicts: Verdict[] = []
  for (const shot of plan.shots) {
    const best = input.results[String(shot.index)].best
    const metrics = draftShotMetrics(d, plan, analysis, shot.index)
    const v = await ctx.services.verifier.verify({ shot, segment: best.segment, metrics, fps: plan.fps, thresholds: input.thresholds }, { signal: ctx.signal })
    verdicts.push({
      ...v,
      critique: v.critique ? `draft (judged on the film at ${size}): ${v.critique}` : '',
      checks: { draft: true, draftMetricWidth: DRAFT_METRIC_WIDTH, ...v.checks },
      // Nothing is retaken in a draft: a revision would name an attempt that is never made.
      revision: undefined,
    })
  }
  await store.put('score', scoreKey, score)
  await store.put('draft-verdicts', scoreKey, { verdicts })
  const accepted = verdicts.filter((v) => v.accepted).length
  logTo(ctx)(
    'info',
    `score (draft): the film measured once at ${size}, ${accepted} of ${verdicts.length} shots pass the verifier on it (${((performance.now() - started) / 1000).toFixed(2)} s)`,
  )
  return { scoreKey }
}

/** The results with each kept take's verdict replaced by the verifier's judgement of it on the draft's film. */
export async function withDraftVerdicts(results: Record<string, ShotOutput>, scoreKey: string, plan: ShotPlan, store: Store): Promise<Record<string, ShotOutput>> {
  const stored = await store.get('draft-verdicts', scoreKey, DraftVerdicts)
  if (!stored) return results
  const out: Record<string, ShotOutput> = {}
  plan.shots.forEach((s, i) => {
    const r = results[String(s.index)]
    const verdict = stored.verdicts[i]
    const best = { ...r.best, verdict }
    out[String(s.index)] = { ...r, best, attempts: r.attempts.map((a) => (a.attempt === r.best.attempt ? best : a)) }
  })
  return out
}
