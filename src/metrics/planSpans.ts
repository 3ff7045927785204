import { InputError } from '../errors.js'
import type { ShotPlan } from '../schemas/index.js'

export interface ShotSpan {
  index: number
  /** Video frames [start, end). */
  start: number
  end: number
}

/**
 * The plan's shots as spans of the video's frames. A plan made at another frame rate is
 * converted by time (its frame indices are not the video's); when the two do not last the same
 * (within one frame of the coarser rate) the plan is not this video's and cannot be matched.
 */
export function planSpans(plan: ShotPlan, video: { fps: number; frames: number }, planName = 'the plan'): ShotSpan[] {
  const sameRate = Math.abs(plan.fps - video.fps) < 1e-6
  if (!sameRate) {
    const planSec = plan.totalFrames / plan.fps
    const videoSec = video.frames / video.fps
    const tolerance = 1 / Math.min(plan.fps, video.fps) + 1e-6
    if (Math.abs(planSec - videoSec) > tolerance) {
      throw new InputError(
        `${planName} is at ${plan.fps} fps over ${planSec.toFixed(2)} s but the video is at ${round(video.fps)} fps over ${videoSec.toFixed(2)} s: ` +
          `they cannot be matched (is it this video's plan?)`,
        { code: 'PLAN_MISMATCH' },
      )
    }
  }
  const at = (frame: number) => (sameRate ? frame : Math.round((frame * video.fps) / plan.fps))
  return plan.shots
    .map((s) => ({ index: s.index, start: Math.min(at(s.startFrame), video.frames), end: Math.min(at(s.endFrame), video.frames) }))
    .filter((s) => s.end > s.start)
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000)
}
