/** Timed lyric lines as captions on the frame clock, and their clipping into shots. */
import type { Caption, LyricLine } from '../../schemas/index.js'
import { secondsToFrame } from '../../time.js'

/** A line stays up until the next one, but never longer than this… */
export const CAPTION_MAX_SECONDS = 5
/** …and at least this long, even when a pause marker comes sooner; but lines never overlap. */
export const CAPTION_MIN_SECONDS = 1.5

/**
 * Captions in absolute frames. Untimed lines are skipped (plain-text lyrics cannot be placed);
 * an empty timed line ends the line before it without showing anything (an LRC pause).
 */
export function lyricCaptions(lyrics: readonly LyricLine[], fps: number, totalFrames: number): Caption[] {
  const timed = lyrics
    .filter((l): l is LyricLine & { time: number } => l.time !== undefined)
    .map((l, order) => ({ ...l, order }))
    .sort((a, b) => a.time - b.time || a.order - b.order)
  const out: Caption[] = []
  timed.forEach((line, i) => {
    const text = line.text.trim()
    if (text.length === 0) return
    const later = timed.slice(i + 1).filter((l) => l.time > line.time)
    const next = later[0]?.time ?? Infinity
    const nextLine = later.find((l) => l.text.trim().length > 0)?.time ?? Infinity
    const shown = Math.max(CAPTION_MIN_SECONDS, Math.min(CAPTION_MAX_SECONDS, next - line.time))
    const end = Math.min(nextLine, line.time + shown)
    const startFrame = secondsToFrame(line.time, fps)
    const endFrame = Math.min(totalFrames, secondsToFrame(end, fps))
    if (endFrame > startFrame) out.push({ startFrame, endFrame, text })
  })
  return out
}

/** The part of each caption inside [start, end): a caption belongs to every shot it overlaps. */
export function clipCaptions(captions: readonly Caption[], start: number, end: number): Caption[] {
  return captions
    .filter((c) => c.startFrame < end && c.endFrame > start)
    .map((c) => ({ startFrame: Math.max(c.startFrame, start), endFrame: Math.min(c.endFrame, end), text: c.text }))
}
