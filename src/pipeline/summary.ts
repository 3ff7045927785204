import type { Analysis, ShotPlan, VideoScore } from '../schemas/index.js'
import type { ShotOutput } from './attempts.js'
import { secondsToFrame } from '../time.js'

/** Share of cuts (every shot start after the first) within one frame of a beat. Pure. */
export function cutsOnBeatShare(plan: ShotPlan, analysis: Analysis): number {
  const cuts = plan.shots.slice(1).map((s) => s.startFrame)
  if (!cuts.length) return 1
  const beatFrames = analysis.beats.map((b) => secondsToFrame(b, plan.fps))
  const onBeat = cuts.filter((c) => beatFrames.some((b) => Math.abs(b - c) <= 1)).length
  return onBeat / cuts.length
}

export interface RenderSummary {
  final: string
  durationSec: number
  frames: number
  shots: number
  /** Share of cuts (after the first shot) that land within one frame of a beat. */
  cutsOnBeat: number
  acceptedShots: number
  attempts: number
  /** Measured on the final video's frames (score.json): sync beside its chance baseline, cuts found. */
  measured?: {
    avAlign: number
    avAlignBaseline: number
    beatAlignment: number
    beatAlignmentBaseline: number
    cutsFound: number
    cutsOnBeat: number | null
    temporalConsistency: number
  }
  /** Model use over the whole render (earlier, resumed runs included), when a model is configured. */
  llm?: {
    model: string
    requests: number
    promptTokens: number
    completionTokens: number
    costUsd: number | null
    fallbacks: number
    stages: Record<string, { requests: number; promptTokens: number; completionTokens: number; costUsd: number | null; fallbacks: number }>
  }
}

/** The render's headline figures from its plan, its kept takes and the final video's score. Pure. */
export function summarize(
  final: string,
  plan: ShotPlan,
  analysis: Analysis,
  results: Record<string, ShotOutput>,
  /** The final video's measurements (absent when the render was asked for the video only). */
  score: VideoScore | undefined,
): RenderSummary {
  return {
    final,
    durationSec: plan.totalFrames / plan.fps,
    frames: plan.totalFrames,
    shots: plan.shots.length,
    cutsOnBeat: cutsOnBeatShare(plan, analysis),
    acceptedShots: Object.values(results).filter((r) => r.best.verdict.accepted).length,
    attempts: Object.values(results).reduce((n, r) => n + r.attempts.length, 0),
    measured: score && {
      avAlign: score.avAlign.score,
      avAlignBaseline: score.avAlign.baseline,
      beatAlignment: score.beatAlignment.score,
      beatAlignmentBaseline: score.beatAlignment.baseline,
      cutsFound: score.cuts.frames.length,
      cutsOnBeat: score.cuts.onBeatShare,
      temporalConsistency: score.temporal.consistency,
    },
  }
}
