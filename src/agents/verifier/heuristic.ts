import { dissolveFrames } from '../../render/generators/procedural/transition.js'
import { CAMERA_MOVES, identityShown, type CameraMove, type Shot } from '../../schemas/index.js'
import { Verdict, VerifierInput, type ShotRevision, type Verifier } from './types.js'

/**
 * Judges a segment from the metrics of its real frames against the song: exact length, black and
 * frozen runs, temporal consistency and flicker, sync with the music (AV-Align against its
 * shifted-audio baseline, beat alignment), cuts inside the shot, and identity against the
 * entities' reference keyframes. Each check has a threshold; a shot failing any is revised (seed,
 * camera, motion mapping, prompt) for the next attempt.
 */
export function createHeuristicVerifier(): Verifier {
  return {
    // v3: identity judged like with like (identityShown), overexposure; stored v2 verdicts are judged again.
    id: 'heuristic-v4',
    async verify(raw) {
      return judge(VerifierInput.parse(raw))
    },
  }
}

/** Named failures, each with the score it costs and what the next attempt changes. */
type Failure = { check: string; problem: string; penalty: number }

export function judge(input: VerifierInput): Verdict {
  const { shot, segment, metrics: m, fps, thresholds: t } = input
  const planned = shot.endFrame - shot.startFrame
  const stats = m.stats
  const exactDuration = stats.frames === planned && segment.frames === planned
  const blackSec = stats.longestBlackRun / fps
  const frozenSec = stats.longestFrozenRun / fps
  const failures: Failure[] = []
  const warnings: Failure[] = []
  if (!exactDuration) failures.push({ check: 'exactDuration', problem: `has ${stats.frames} frames, the plan needs ${planned}`, penalty: 1 })
  if (blackSec > t.maxBlackSec) failures.push({ check: 'black', problem: `black for ${blackSec.toFixed(2)} s`, penalty: Math.min(0.6, 0.3 + blackSec / 4) })
  if (frozenSec > t.maxFrozenSec) {
    failures.push({ check: 'frozen', problem: `frozen for ${frozenSec.toFixed(2)} s: the picture must move with the music`, penalty: Math.min(0.6, 0.3 + frozenSec / 8) })
  }
  if (m.temporalConsistency < t.minTemporalConsistency) {
    failures.push({ check: 'temporalConsistency', problem: `consecutive frames too unlike (consistency ${m.temporalConsistency.toFixed(3)} < ${t.minTemporalConsistency})`, penalty: 0.3 })
  }
  if (m.flicker > t.maxFlicker) failures.push({ check: 'flicker', problem: `flickers (index ${m.flicker.toFixed(3)} > ${t.maxFlicker})`, penalty: 0.3 })
  const avDeficit = m.avAlign !== null && m.avAlignBaseline !== null ? m.avAlignBaseline - m.avAlign : null
  if (avDeficit !== null && m.audioPeaks >= 3 && avDeficit > t.maxAvAlignDeficit) {
    failures.push({ check: 'avAlign', problem: `motion off the music (AV-Align ${m.avAlign!.toFixed(2)} vs shifted-audio baseline ${m.avAlignBaseline!.toFixed(2)})`, penalty: 0.25 })
  }
  const baDeficit = m.beatAlignment !== null && m.beatAlignmentBaseline !== null ? m.beatAlignmentBaseline - m.beatAlignment : null
  // Within one shot motion beats are few and hard to pick out of busy pictures (a close-up pan):
  // a low beat alignment counts only where AV-Align does not show the motion on the music either.
  const avShowsSync = avDeficit !== null && m.audioPeaks >= 3 && avDeficit < 0
  if (baDeficit !== null && m.beats >= 4 && baDeficit > t.maxBeatAlignmentDeficit && !avShowsSync) {
    failures.push({
      check: 'beatAlignment',
      problem: `motion marks the off-beats more than the beats (beat alignment ${m.beatAlignment!.toFixed(2)} vs shifted baseline ${m.beatAlignmentBaseline!.toFixed(2)})`,
      penalty: 0.25,
    })
  }
  // A planned dissolve opens the shot with a blend the detector sees as a cut: not the shot's own.
  const blendEnd = shot.transition === 'dissolve' ? dissolveFrames(fps, planned) + 1 : -1
  // An abstract insert changes the whole frame on the hits by design: the detector reads those as cuts.
  const cutsInside = shot.kind === 'abstract' ? [] : m.unplannedCuts.filter((f) => f > blendEnd)
  if (cutsInside.length > t.maxUnplannedCuts) {
    failures.push({ check: 'unplannedCuts', problem: `cuts inside the shot at frame${cutsInside.length > 1 ? 's' : ''} ${cutsInside.join(', ')}`, penalty: 0.35 })
  }
  const minFor = (kind: 'character' | 'location') => (kind === 'location' ? t.minPlaceIdentity : t.minCharacterIdentity)
  // Like with like: a close-up or an insert is no view of the place, an insert or a lyric card none of a character.
  const judged = identityShown(shot)
  const identity = m.identity.filter((i) => judged[i.kind])
  const unjudged = m.identity.filter((i) => !judged[i.kind])
  const offModel = identity.filter((i) => i.similarity < minFor(i.kind))
  if (offModel.length) {
    failures.push({
      check: 'identity',
      problem: `${offModel.map((i) => `${i.id} looks unlike its reference keyframes (${i.similarity.toFixed(2)} < ${minFor(i.kind)})`).join(', ')}`,
      penalty: 0.35,
    })
  }
  if (stats.meanLuma > MAX_MEAN_LUMA) warnings.push({ check: 'bright', problem: `overexposed (mean luma ${stats.meanLuma.toFixed(3)})`, penalty: 0.2 })
  if (stats.meanLuma < 0.05) warnings.push({ check: 'dark', problem: `too dark (mean luma ${stats.meanLuma.toFixed(3)})`, penalty: 0.2 })
  // Very little change across the whole shot reads as a still, even without a frozen run.
  if (stats.meanFrameDiff < 0.002 && planned > fps) {
    warnings.push({ check: 'stillness', problem: `almost no motion (mean frame change ${stats.meanFrameDiff.toFixed(4)})`, penalty: 0.15 })
  }
  const all = [...failures, ...warnings]
  // Sync above chance lifts the score a little, so the better-synced attempt wins a tie.
  const syncBonus = avDeficit !== null ? Math.max(0, Math.min(0.1, -avDeficit * 0.2)) : 0
  const score = exactDuration ? clamp01(1 - all.reduce((s, f) => s + f.penalty, 0) + syncBonus) : 0
  const accepted = exactDuration && failures.length === 0 && score >= t.minScore
  const round = (x: number) => Math.round(x * 10000) / 10000
  return Verdict.parse({
    score: round(score),
    accepted,
    critique: all.length ? `shot ${shot.index} ${all.map((f) => f.problem).join('; ')}` : '',
    checks: {
      exactDuration,
      blackSec: round(blackSec),
      frozenSec: round(frozenSec),
      meanLuma: round(stats.meanLuma),
      motion: round(m.motion),
      temporalConsistency: round(m.temporalConsistency),
      flicker: round(m.flicker),
      avAlign: m.avAlign,
      avAlignBaseline: m.avAlignBaseline,
      beatAlignment: m.beatAlignment,
      unplannedCuts: m.unplannedCuts.length,
      exposure: round(stats.meanLuma),
      identity: identity.length ? round(Math.min(...identity.map((i) => i.similarity))) : null,
      ...Object.fromEntries(identity.map((i) => [`identity:${i.id}`, round(i.similarity)])),
      // Measured but not judged (the shot is no fair view of it): shown, never failed.
      ...Object.fromEntries(unjudged.map((i) => [`identity:${i.id} (not judged: ${shotView(shot)})`, round(i.similarity)])),
    },
    failed: failures.map((f) => f.check),
    revision: accepted ? undefined : revise(input, new Set(all.map((f) => f.check))),
  })
}

function revise(input: VerifierInput, failed: Set<string>): ShotRevision {
  const { shot, segment } = input
  const lively: CameraMove[] = CAMERA_MOVES.filter((c) => c !== 'static' && c !== shot.camera)
  const steady: CameraMove[] = ['static', 'push-in', 'drift'].filter((c) => c !== shot.camera) as CameraMove[]
  const revision: ShotRevision = {
    // A different seed from a fixed stride keeps retries deterministic.
    seed: (shot.seed + 7919 * (segment.attempt + 1)) % 2 ** 31,
  }
  const pick = (moves: CameraMove[]) => moves[(shot.index + segment.attempt) % moves.length]
  if (failed.has('frozen') || failed.has('stillness') || failed.has('black') || failed.has('dark') || failed.has('bright')) {
    revision.camera = pick(lively)
    revision.motionGain = Math.min(1, shot.motionGain + 0.3)
  }
  if (failed.has('avAlign') || failed.has('beatAlignment')) {
    // Let the percussive hits drive more of the motion, so it lands where the music does.
    revision.motionGain = Math.min(1, (revision.motionGain ?? shot.motionGain) + 0.25)
  }
  if (failed.has('flicker') || failed.has('temporalConsistency')) {
    revision.motionGain = Math.max(0, shot.motionGain - 0.25)
    revision.camera = pick(steady)
  }
  if (failed.has('identity')) {
    revision.camera = pick(steady)
    revision.prompt = `${shot.prompt} Keep every character and place exactly as in its reference keyframes.`
  }
  return revision
}

/** Mean luma above this reads as blown out (the renderer's brightest worlds stay well under it). */
const MAX_MEAN_LUMA = 0.92

function shotView(shot: Pick<Shot, 'framing' | 'kind'>): string {
  const kind = shot.kind ?? 'figures'
  return kind === 'figures' ? `${shot.framing} shot` : `${kind} shot`
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x))
}
