import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Analysis, ShotPlan, VideoScore } from '../../schemas/index.js'
import { logTo, type StepContext } from '../context.js'
import type { FinishInput } from '../machines/renderMachine.js'
import { writeVideoScore } from '../scoreRun.js'
import { stepKey, type Store } from '../../store/index.js'
import { need } from './read.js'
import { canonicalKey } from './stitch.js'
import { storeViewCache } from '../viewCache.js'

export interface ScoreInput extends FinishInput {
  /** The stitched film to measure. */
  final: string
  /** Where score.json and score.png go. */
  outDir: string
}

/**
 * The film measured from its real frames against the song: sync beside its chance baseline,
 * cuts, consistency, identity per character and place against the references in memory. The
 * frames are read from the traces of the segments the film was joined from (kept by the verifier,
 * or measured here once per segment), not decoded again: an edit that changes one shot measures
 * one shot.
 */
export async function score(input: ScoreInput, store: Store, ctx: StepContext): Promise<{ scoreKey: string }> {
  const references = Object.fromEntries(
    Object.entries(input.memory.entities).map(([id, e]) => [id, e.references.map((r) => ({ image: r.image, locationId: r.locationId, framing: r.framing }))]),
  )
  const kept = Object.fromEntries(Object.entries(input.results).map(([i, r]) => [i, r.best.segment.path]))
  const scoreKey = stepKey('score', 1, { plan: input.sources.planKey, analysis: input.sources.analysisKey, kept, references, modelsDir: ctx.services.modelsDir ?? null })
  if ((await store.get('score', scoreKey, VideoScore)) && existsSync(join(input.outDir, 'score.json'))) return { scoreKey }
  const started = performance.now()
  const [plan, analysis] = await Promise.all([need(store, 'plan', input.sources.planKey, ShotPlan), need(store, 'analysis', input.sources.analysisKey, Analysis)])
  const { score: measured, measuredBy } = await writeVideoScore({
    videoPath: input.final,
    songPath: input.sources.songPath,
    analysis,
    plan,
    references,
    shotViews: Object.fromEntries(plan.shots.map((s) => [s.index, input.results[String(s.index)].best.segment.keyFrame])),
    outDir: input.outDir,
    modelsDir: ctx.services.modelsDir,
    segments: plan.shots.map((s) => filmSegment(input.results[String(s.index)].best.segment.path, s, plan, store)),
    store,
    viewCache: storeViewCache(store),
    signal: ctx.signal,
    onProgress: (fraction) => ctx.emit({ type: 'progress', stage: 'scoring', fraction }),
  })
  logTo(ctx)(
    'info',
    measuredBy.by === 'decode'
      ? `score: the film was decoded to measure it (${measuredBy.reason}; ${((performance.now() - started) / 1000).toFixed(2)} s)`
      : `score: the film measured from its ${plan.shots.length} shots' traces, ${measuredBy.measured} of them decoded now (${((performance.now() - started) / 1000).toFixed(2)} s)`,
  )
  await store.put('score', scoreKey, measured)
  return { scoreKey }
}

/** The file the stitch joined for a shot: the take itself, or its canonical copy when it had to be re-encoded. */
function filmSegment(path: string, shot: ShotPlan['shots'][number], plan: ShotPlan, store: Store): string {
  const canonical = join(store.artifactDir('canonical', canonicalKey(path, shot, plan)), 'canonical.mp4')
  return existsSync(canonical) ? canonical : path
}
