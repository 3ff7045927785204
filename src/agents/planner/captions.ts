/** Timed lyric lines as captions on the frame clock, and their clipping into shots. */
import type { Analysis, Caption, LyricLine } from '../../schemas/index.js'
import { secondsToFrame } from '../../time.js'
import { songSections } from '../heuristics/sections.js'

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
 * that comes within CAPTION_HOLD_SECONDS, else for its reading time. Untimed lines are skipped,
 * unless every line is untimed and `analysis` is given (then plainLyricCaptions); an empty timed
 * line ends the line before it without showing anything (an LRC pause).
 */
export function lyricCaptions(lyrics: readonly LyricLine[], fps: number, totalFrames: number, analysis?: Analysis): Caption[] {
  // Plain-text lyrics are spread over the sung sections when the caller gives the song's analysis.
  if (analysis && !lyrics.some((l) => l.time !== undefined)) return plainLyricCaptions(lyrics, analysis, fps, totalFrames)
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

/** A section is sung when its mean vocal activity is at least this share of the most sung section's. */
const SUNG_SHARE = 0.5

/** Mean of a feature curve over [start, end) seconds (0 when it has no samples there). */
function meanOver(curve: Analysis['features']['vocal'], start: number, end: number): number {
  const a = Math.max(0, Math.floor(start * curve.fps))
  const b = Math.min(curve.values.length, Math.ceil(end * curve.fps))
  let s = 0
  for (let i = a; i < b; i++) s += curve.values[i]
  return b > a ? s / (b - a) : 0
}

/** The sections with singing in them, in time order: every section when none stands out. */
export function sungSections(analysis: Analysis): Array<{ start: number; end: number }> {
  const sections = songSections(analysis).map((s) => ({ start: s.start, end: s.end, vocal: meanOver(analysis.features.vocal, s.start, s.end) }))
  const top = Math.max(0, ...sections.map((s) => s.vocal))
  const sung = sections.filter((s) => top > 0.05 && s.vocal >= SUNG_SHARE * top && s.end > s.start)
  return (sung.length > 0 ? sung : sections).map(({ start, end }) => ({ start, end }))
}

/**
 * Plain-text lyrics (no times) as captions: the lines in order over the sung sections, each
 * section getting lines in proportion to its length and each line a share of its section by its
 * words, shown until the next line or its section's end (never gone early). Only when the
 * lyrics have no timed line: timed lyrics place themselves (lyricCaptions).
 */
export function plainLyricCaptions(lyrics: readonly LyricLine[], analysis: Analysis, fps: number, totalFrames: number): Caption[] {
  if (lyrics.some((l) => l.time !== undefined)) return []
  const lines = lyrics.map((l) => l.text.trim()).filter((t) => t.length > 0)
  const spans = sungSections(analysis)
  const total = spans.reduce((s, x) => s + (x.end - x.start), 0)
  if (lines.length === 0 || total <= 0) return []
  // Lines per section: largest remainders of the sections' shares, in order.
  const quota = spans.map((x) => (lines.length * (x.end - x.start)) / total)
  const counts = quota.map(Math.floor)
  const order = quota.map((q, j) => [q - Math.floor(q), j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; k < lines.length - counts.reduce((s, c) => s + c, 0); k++) counts[order[k][1]]++
  const out: Caption[] = []
  let next = 0
  spans.forEach((x, j) => {
    const mine = lines.slice(next, next + counts[j])
    next += counts[j]
    const weights = mine.map((t) => t.split(/\s+/).length + 2)
    const sum = weights.reduce((s, w) => s + w, 0)
    let at = x.start
    mine.forEach((text, k) => {
      const end = k === mine.length - 1 ? x.end : at + ((x.end - x.start) * weights[k]) / sum
      const startFrame = secondsToFrame(at, fps)
      const endFrame = Math.min(totalFrames, secondsToFrame(end, fps))
      if (endFrame > startFrame) out.push({ startFrame, endFrame, text })
      at = end
    })
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
