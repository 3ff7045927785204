import { basename, dirname, join } from 'node:path'
import { onsetPeakTimes } from '../../audio/index.js'
import { Verdict, type VerifierThresholds } from '../../agents/verifier/index.js'
import { extractFramePng } from '../../ffmpeg/index.js'
import { measureSegment } from '../../metrics/measureSegment.js'
import { Analysis, ShotPlan, type Shot } from '../../schemas/index.js'
import { logTo, type StepContext } from '../context.js'
import type { VerifyInput } from '../machines/shotMachine.js'
import { stepKey, type Store } from '../../store/index.js'
import { need } from './read.js'
import { storeTraces } from '../filmTraces.js'
import { storeViewCache } from '../viewCache.js'
import { storedProbe } from '../probeCache.js'

export type { VerifyInput }

/** Bumped when what the metrics measure changes, so stored verdicts are measured again. */
const METRICS_VERSION = 2

/**
 * Measures one candidate from its real frames against the song's span it covers and has the
 * verifier judge it against the thresholds. The sharpest, stillest frame becomes the candidate's
 * reference frame (promoted to its entities' references if the take is kept and accepted).
 */
export async function verify(input: VerifyInput & { thresholds: VerifierThresholds }, store: Store, ctx: StepContext): Promise<Verdict> {
  const { verifier } = ctx.services
  const { sources, shotIndex, segment, revision, references, thresholds } = input
  const segmentKey = basename(dirname(segment.path))
  const key = stepKey('verdict', METRICS_VERSION, { segment: segmentKey, verifier: verifier.id, thresholds, references })
  const plan = await need(store, 'plan', sources.planKey, ShotPlan)
  let verdict = await store.get('verdict', key, Verdict)
  if (!verdict) {
    const analysis = await need(store, 'analysis', sources.analysisKey, Analysis)
    const shot: Shot = { ...plan.shots[shotIndex], ...revision }
    const metrics = await measureSegment(segment.path, {
      fps: plan.fps,
      startFrame: shot.startFrame,
      audioPeaksSec: onsetPeakTimes(analysis),
      beatsSec: analysis.beats,
      beatPeriodSec: 60 / analysis.tempo.bpm,
      locationId: shot.locationId,
      framing: shot.framing,
      entities: [{ id: shot.locationId, kind: 'location' as const }, ...shot.characterIds.map((id) => ({ id, kind: 'character' as const }))],
      references,
      keyFrame: segment.keyFrame,
      signal: ctx.signal,
      traces: storeTraces(store),
      viewCache: storeViewCache(store),
      // Probed once and kept: the stitch reads the same probe.
      info: await storedProbe(store, segment.path, ctx.signal),
    })
    const judged = await verifier.verify({ shot, segment, metrics, fps: plan.fps, thresholds }, { signal: ctx.signal })
    const frame = await store.artifact('frame', stepKey('best-frame', 1, { segment: segmentKey, frame: metrics.bestFrame }), (tmp) =>
      extractFramePng(segment.path, metrics.bestFrame, join(tmp, 'best.png'), ctx.signal),
    )
    verdict = { ...judged, referenceFrame: join(frame.dir, 'best.png') }
    await store.put('verdict', key, verdict)
  }
  ctx.emit({
    type: 'shot',
    index: shotIndex,
    total: plan.shots.length,
    attempt: segment.attempt,
    status: verdict.accepted ? 'accepted' : 'rejected',
    score: verdict.score,
    critique: verdict.critique || undefined,
  })
  if (!verdict.accepted) logTo(ctx)('warn', `shot ${shotIndex} attempt ${segment.attempt} rejected (score ${verdict.score.toFixed(2)}): ${verdict.critique}`)
  return verdict
}
