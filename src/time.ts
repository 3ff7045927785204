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

/**
 * `mm:ss.ss` clock time of a frame: seconds with a decimal point (frame 66 at 12 fps is 00:05.50),
 * never SMPTE-style frames after the seconds, which read as hundredths.
 */
export function timecode(frame: number, fps: number): string {
  const centis = Math.round((frame / fps) * 100)
  const mm = Math.floor(centis / 6000)
  const ss = (centis % 6000) / 100
  return `${String(mm).padStart(2, '0')}:${ss.toFixed(2).padStart(5, '0')}`
}
