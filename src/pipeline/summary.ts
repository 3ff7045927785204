import type { Analysis, ShotPlan, VideoScore } from '../schemas/index.js'
import type { ShotOutput } from './attempts.js'
import { secondsToFrame } from '../time.js'
import { varietyFigure } from '../agents/planner/variety.js'

/** Cuts a viewer sees in the plan: shot starts opened by a hard cut or a match cut (not a dissolve or a continuous move). */
export function plannedCuts(plan: ShotPlan): number[] {
  return plan.shots.slice(1).filter((s) => (s.transition ?? 'cut') === 'cut' || s.transition === 'match').map((s) => s.startFrame)
}

/** Share of cut frames within one frame of a beat or downbeat of longav's own analysis; null without cuts. Pure. */
export function cutsOnBeatShare(cuts: readonly number[], analysis: Analysis, fps: number): number | null {
  if (!cuts.length) return null
  const grid = [...analysis.beats, ...analysis.downbeats].map((b) => secondsToFrame(b, fps))
  return cuts.filter((c) => grid.some((b) => Math.abs(b - c) <= 1)).length / cuts.length
}

/** The plan's transitions that are not cuts. */
export function plannedTransitions(plan: ShotPlan): { dissolves: number; continuous: number; matchCuts: number } {
  const n = (t: string) => plan.shots.filter((s) => s.transition === t).length
  return { dissolves: n('dissolve'), continuous: n('continuous'), matchCuts: n('match') }
}

export interface RenderSummary {
  final: string
  durationSec: number
  frames: number
  shots: number
  /**
   * Cuts a viewer sees: found by the shot-boundary detector in the final video when it was measured
   * (`cutsMeasured`), else the plan's hard and match cuts. Dissolves and continuous moves are not cuts.
   */
  cuts: number
  cutsMeasured: boolean
  /** Share of those cuts within one frame of a beat or downbeat of longav's own analysis (null: no cuts). */
  cutsOnBeat: number | null
  /** Planned transitions that are not hard cuts (a match cut is counted in `cuts` too when detected). */
  transitions: { dissolves: number; continuous: number; matchCuts: number }
  /** Shot variety: the lowest minute's entropy of kind × framing × action (bits), and the longest run of one pattern. */
  variety: { minBitsPerMinute: number; longestRun: number }
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
    ...seenCuts(plan, analysis, score),
    transitions: plannedTransitions(plan),
    variety: (({ minBits, longestRun }) => ({ minBitsPerMinute: minBits, longestRun }))(varietyFigure(plan)),
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

/** The cuts of the summary: measured on the final video when there is a score, else planned. */
function seenCuts(plan: ShotPlan, analysis: Analysis, score: VideoScore | undefined): Pick<RenderSummary, 'cuts' | 'cutsMeasured' | 'cutsOnBeat'> {
  if (score) return { cuts: score.cuts.frames.length, cutsMeasured: true, cutsOnBeat: cutsOnBeatShare(score.cuts.frames, analysis, score.video.fps) }
  const cuts = plannedCuts(plan)
  return { cuts: cuts.length, cutsMeasured: false, cutsOnBeat: cutsOnBeatShare(cuts, analysis, plan.fps) }
}
