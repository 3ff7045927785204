import { CAMERA_MOVES, type CameraMove } from '../../schemas/index.js'
import { Verdict, VerifierInput, type ShotRevision, type Verifier } from './types.js'

/**
 * Judges a segment from measurements of its real frames: exact length, black and frozen runs,
 * exposure and motion. A failing shot gets a critique and a concrete revision (new seed, a livelier
 * camera, more motion) for the next attempt.
 */
export function createHeuristicVerifier(): Verifier {
  return {
    id: 'heuristic',
    async verify(raw) {
      return judge(VerifierInput.parse(raw))
    },
  }
}

export function judge(input: VerifierInput): Verdict {
  const { shot, segment, stats, fps, thresholds } = input
  const planned = shot.endFrame - shot.startFrame
  const exactDuration = stats.frames === planned && segment.frames === planned
  const blackSec = stats.longestBlackRun / fps
  const frozenSec = stats.longestFrozenRun / fps
  const problems: string[] = []
  let score = 1
  if (!exactDuration) {
    problems.push(`has ${stats.frames} frames, the plan needs ${planned}`)
    score = 0
  }
  if (blackSec > thresholds.maxBlackSec) {
    problems.push(`black for ${blackSec.toFixed(2)} s`)
    score -= Math.min(0.6, 0.3 + blackSec / 4)
  }
  if (frozenSec > thresholds.maxFrozenSec) {
    problems.push(`frozen for ${frozenSec.toFixed(2)} s: the picture must move with the music`)
    score -= Math.min(0.6, 0.3 + frozenSec / 8)
  }
  if (stats.meanLuma < 0.05) {
    problems.push(`too dark (mean luma ${stats.meanLuma.toFixed(3)})`)
    score -= 0.2
  }
  // Very little change across the whole shot reads as a still, even without a frozen run.
  if (stats.meanFrameDiff < 0.002 && planned > fps) {
    problems.push(`almost no motion (mean frame change ${stats.meanFrameDiff.toFixed(4)})`)
    score -= 0.15
  }
  score = Math.max(0, Math.min(1, score))
  const accepted = exactDuration && score >= thresholds.minScore
  return Verdict.parse({
    score,
    accepted,
    critique: problems.length ? `shot ${shot.index} ${problems.join('; ')}` : '',
    checks: { exactDuration, blackSec, frozenSec, meanLuma: stats.meanLuma, motion: stats.meanFrameDiff },
    revision: accepted ? undefined : revise(input, problems.length > 0),
  })
}

function revise(input: VerifierInput, hasProblems: boolean): ShotRevision {
  const { shot, segment } = input
  const lively: CameraMove[] = CAMERA_MOVES.filter((m) => m !== 'static' && m !== shot.camera)
  return {
    // A different seed from a fixed stride keeps retries deterministic.
    seed: (shot.seed + 7919 * (segment.attempt + 1)) % 2 ** 31,
    camera: lively[(shot.index + segment.attempt) % lively.length],
    motionGain: hasProblems ? Math.min(1, shot.motionGain + 0.3) : shot.motionGain,
  }
}
