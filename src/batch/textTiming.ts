/**
 * When each kind of text is on screen, in output frames: the hook over the opening (about two
 * bars), the call to action in the stretch before the end card, the end card over the last bar
 * (about 2 s). Times snap to downbeats when the cut-down gives them, so texts change with the music.
 */
import { InputError } from '../errors.js'

export interface TextWindows {
  hook: [number, number] | null
  cta: [number, number] | null
  endcard: [number, number] | null
}

export interface TimingInput {
  totalFrames: number
  /** Output frames of downbeats (any order). */
  barFrames?: number[]
}

/** The downbeat nearest `target` within [lo, hi], or `target` when none lies there. */
function snap(target: number, bars: number[], lo: number, hi: number): number {
  let best = target
  let dist = Infinity
  for (const b of bars) {
    if (b < lo || b > hi) continue
    const d = Math.abs(b - target)
    if (d < dist) {
      dist = d
      best = b
    }
  }
  return Math.round(best)
}

/** Windows [start, end) for the roles present; they follow one another and never overlap. */
export function textWindows(fps: number, has: { hook: boolean; cta: boolean; endcard: boolean }, timing: TimingInput): TextWindows {
  const T = timing.totalFrames
  const count = Number(has.hook) + Number(has.cta) + Number(has.endcard)
  if (!Number.isInteger(T) || T < 1) throw new InputError(`texts: the video has no frames (totalFrames ${T})`)
  if (count > 0 && T < 3 * count) throw new InputError(`texts: a video of ${T} frames is too short to show ${count} texts one after another`)
  const bars = [...(timing.barFrames ?? [])].filter((f) => Number.isFinite(f)).sort((a, b) => a - b)
  const s = (sec: number) => Math.round(sec * fps)
  // No role takes more than about a third of a short video, so all three always fit.
  const cap = Math.max(1, Math.floor(T * 0.34))

  let end = T
  let endcard: [number, number] | null = null
  if (has.endcard) {
    const dur = Math.min(s(2), cap)
    const start = dur === s(2) ? snap(T - s(2), bars, T - s(3), T - s(1.2)) : T - dur
    endcard = [Math.min(T - 1, Math.max(start, T - cap)), T]
    end = endcard[0]
  }

  let hook: [number, number] | null = null
  let hookEnd = 0
  if (has.hook) {
    const dur = Math.min(s(2.5), cap)
    // The end of the second bar (downbeats after the first quarter second), else the nearest downbeat to 2.5 s.
    const later = bars.filter((b) => b > s(0.25))
    let stop = dur === s(2.5) ? snap(dur, bars, s(1.5), s(4.5)) : dur
    if (dur === s(2.5) && later[1] !== undefined && later[1] >= s(1.5) && later[1] <= s(4.5)) stop = Math.round(later[1])
    hookEnd = Math.max(1, Math.min(stop, cap, has.cta ? end - 1 : end))
    hook = [0, hookEnd]
  }

  let cta: [number, number] | null = null
  if (has.cta) {
    const target = end - s(3)
    const start = Math.max(hookEnd, end - cap, snap(target, bars, end - s(4), end - s(1.5)))
    cta = [Math.min(start, end - 1), end]
  }
  return { hook, cta, endcard }
}
