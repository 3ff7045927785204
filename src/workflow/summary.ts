import type { Analysis, ShotPlan } from '../schemas/index.js'
import { secondsToFrame } from '../time.js'

/** Share of cuts (every shot start after the first) within one frame of a beat. Pure. */
export function cutsOnBeatShare(plan: ShotPlan, analysis: Analysis): number {
  const cuts = plan.shots.slice(1).map((s) => s.startFrame)
  if (!cuts.length) return 1
  const beatFrames = analysis.beats.map((b) => secondsToFrame(b, plan.fps))
  const onBeat = cuts.filter((c) => beatFrames.some((b) => Math.abs(b - c) <= 1)).length
  return onBeat / cuts.length
}
