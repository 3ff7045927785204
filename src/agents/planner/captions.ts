/** Timed lyric lines as captions on the frame clock, and their clipping into shots. */
import type { Caption, LyricLine } from '../../schemas/index.js'
import { secondsToFrame } from '../../time.js'

/** A line stays up until the next one when that comes within this many seconds… */
export const CAPTION_HOLD_SECONDS = 10
/** …and at least this long, even when a pause marker comes sooner; but lines never overlap. */
export const CAPTION_MIN_SECONDS = 1.5

/**
 * How long a line stays when nothing follows it soon (an instrumental break, the last line):
 * time to read it, 2 s plus half a second a word, between 4 s and the hold limit.
 */
export function readingSeconds(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length
  return Math.max(4, Math.min(CAPTION_HOLD_SECONDS, 2 + 0.5 * words))
}

/**
 * Captions in absolute frames. A line stays until the next timed line (or pause marker) when
 * that comes within CAPTION_HOLD_SECONDS, else for its reading time. Untimed lines are skipped
 * (plain-text lyrics cannot be placed); an empty timed line ends the line before it without
 * showing anything (an LRC pause).
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
    const gap = (later[0]?.time ?? Infinity) - line.time
    const nextLine = later.find((l) => l.text.trim().length > 0)?.time ?? Infinity
    const shown = Math.max(CAPTION_MIN_SECONDS, gap <= CAPTION_HOLD_SECONDS ? gap : readingSeconds(text))
    const end = Math.min(nextLine, line.time + shown)
    const startFrame = secondsToFrame(line.time, fps)
    const endFrame = Math.min(totalFrames, secondsToFrame(end, fps))
    if (endFrame > startFrame) out.push({ startFrame, endFrame, text })
  })
  return out
}

/**
 * The part of each caption inside [start, end): a caption belongs to every shot it overlaps.
 * Each piece keeps its whole line's frames, so the line fades (and pages) on its own clock and
 * looks the same on both sides of a cut.
 */
export function clipCaptions(captions: readonly Caption[], start: number, end: number): Caption[] {
  return captions
    .filter((c) => c.startFrame < end && c.endFrame > start)
    .map((c) => ({
      startFrame: Math.max(c.startFrame, start),
      endFrame: Math.min(c.endFrame, end),
      text: c.text,
      lineStartFrame: c.lineStartFrame ?? c.startFrame,
      lineEndFrame: c.lineEndFrame ?? c.endFrame,
    }))
}
