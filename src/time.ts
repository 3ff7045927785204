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

/**
 * The NTSC rates, by the decimal names people write (29.97) and the quotient a render holds
 * (30000/1001 as a double): a rate rounded to 29.97 drifts a frame every 33 s against the song.
 */
export const NTSC_RATES: ReadonlyArray<{ name: number; num: number; den: number }> = [
  { name: 23.976, num: 24000, den: 1001 },
  { name: 29.97, num: 30000, den: 1001 },
  { name: 47.952, num: 48000, den: 1001 },
  { name: 59.94, num: 60000, den: 1001 },
]

/**
 * A rate a render can be made at, as the number every frame computation uses: a whole number
 * 1–120 as itself, an NTSC rate (by its name, 29.97, or its value) as num/den exactly; anything
 * else undefined.
 */
export function renderRate(fps: number): number | undefined {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 120) return undefined
  if (Number.isInteger(fps)) return fps
  for (const r of NTSC_RATES) if (Math.abs(fps - r.name) < 0.0015 || Math.abs(fps - r.num / r.den) < 1e-9) return r.num / r.den
  return undefined
}

/** The rate as ffmpeg's options take it, exactly: "30", or "30000/1001" for 29.97. */
export function ffmpegRate(fps: number): string {
  if (Number.isInteger(fps)) return String(fps)
  for (const r of NTSC_RATES) if (Math.abs(fps - r.num / r.den) < 1e-9) return `${r.num}/${r.den}`
  throw new RangeError(`frame rate ${fps} is neither whole nor an NTSC rate`)
}

/** How a rate reads to people: "30", "29.97". */
export function fpsLabel(fps: number): string {
  if (Number.isInteger(fps)) return String(fps)
  return String(NTSC_RATES.find((r) => Math.abs(fps - r.num / r.den) < 1e-9)?.name ?? Number(fps.toFixed(3)))
}
