/**
 * One clock: the output frame rate. Every cut, shot boundary and overlay is an integer frame
 * index computed once from seconds, so nothing downstream can drift.
 */
export function secondsToFrame(seconds: number, fps: number): number {
  return Math.round(seconds * fps)
}

export function frameToSeconds(frame: number, fps: number): number {
  return frame / fps
}

/** Frames the output video has for a song of this duration: the last shot ends here. */
export function totalFramesFor(durationSec: number, fps: number): number {
  return Math.max(1, Math.round(durationSec * fps))
}

/** `mm:ss.ff` time code (ff = frame within the second), for storyboards and logs. */
export function timecode(frame: number, fps: number): string {
  const whole = Math.floor(frame / fps)
  const ff = frame - Math.round(whole * fps)
  const mm = Math.floor(whole / 60)
  const ss = whole % 60
  return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}.${String(Math.max(0, ff)).padStart(2, '0')}`
}
