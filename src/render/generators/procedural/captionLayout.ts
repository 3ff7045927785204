/**
 * Caption layout: where a caption may go (the frame's safe area for its aspect) and how its text
 * fits there without losing a word: by size first, then by lines, then by splitting it over time
 * into pages at word boundaries. Pure apart from the `measure` it is given.
 */
import { FORMAT_PRESETS, type SafeMargins } from '../../../batch/formats.js'
import { DEFAULT_CAPTION_STYLE, type CaptionStyle } from '../../../schemas/brief.js'

export const CAPTION_FONT_FAMILY = 'DejaVu Sans'

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** Lines a caption shows at once; a text that needs more at the smallest size is split over time. */
export const CAPTION_MAX_LINES = 3
/** Default text size as a share of the frame's shorter side (0.055 of 720 = 40 px at 1280x720, as before). */
const SIZE_OF_SHORT_SIDE = 0.055
/** The smallest size a caption shrinks to, against its default size, and in pixels at any frame size. */
const MIN_SCALE = 0.62
const MIN_PX = 11
/** Shrinking steps between the default and the smallest size. */
const SHRINK_STEP = 0.9
export const LINE_HEIGHT = 1.22

/** Aspect presets whose safe margins captions use: the nearest by aspect ratio wins. */
const ASPECTS = ['16:9', '9:16', '1:1', '4:5'].map((name) => FORMAT_PRESETS.find((p) => p.name === name)!)
/** Subtitles sit at least this far (share of the height) from the bottom edge, whatever the preset's graphics margin. */
const MIN_BOTTOM = 0.08

/** Margins for a frame of W x H: the aspect preset nearest in log-aspect (9:16 keeps clear of the platforms' buttons). */
export function captionMargins(W: number, H: number): SafeMargins {
  const a = Math.log(W / H)
  let best = ASPECTS[0]
  for (const p of ASPECTS) if (Math.abs(Math.log(p.width / p.height) - a) < Math.abs(Math.log(best.width / best.height) - a)) best = p
  return { ...best.margins, bottom: Math.max(MIN_BOTTOM, best.margins.bottom) }
}

/** The area every caption pixel stays inside, in pixels. */
export function captionSafeArea(W: number, H: number): Box {
  const m = captionMargins(W, H)
  const x = Math.ceil(W * m.left)
  const y = Math.ceil(H * m.top)
  return { x, y, width: Math.floor(W * (1 - m.right)) - x, height: Math.floor(H * (1 - m.bottom)) - y }
}

/** Default and smallest font size in pixels for a frame and style. */
export function captionSizes(W: number, H: number, style: CaptionStyle = DEFAULT_CAPTION_STYLE): { base: number; min: number } {
  const base = Math.max(MIN_PX, Math.round(Math.min(W, H) * SIZE_OF_SHORT_SIDE * style.size))
  return { base, min: Math.min(base, Math.max(MIN_PX, Math.round(base * MIN_SCALE))) }
}

export function captionFont(px: number, style: CaptionStyle, family: string): string {
  return `${style.weight === 'bold' ? 'bold ' : ''}${px}px "${family}", "${CAPTION_FONT_FAMILY}", sans-serif`
}

/** Width of `s` drawn in `font` (a canvas measureText behind it). */
export type MeasureIn = (font: string, s: string) => number

export interface CaptionBlock {
  font: string
  fontPx: number
  lineHeight: number
  /** Width the text may take (the safe area less the box padding or outline). */
  maxWidth: number
  /** Pages shown one after another over the caption's time; each at most `maxLines` lines. */
  pages: string[][]
  /** Cumulative share of the caption's time at the end of each page (by characters; the last is 1). */
  ends: number[]
  area: Box
}

/**
 * Greedy word wrap by measured width, with no line limit: every character is kept. A word wider
 * than the line is broken by characters (a URL, a made-up word); cost is linear in the text.
 */
export function wrapAll(measure: (s: string) => number, text: string, maxWidth: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word
    if (measure(next) <= maxWidth) {
      line = next
      continue
    }
    if (line) lines.push(line)
    let w = word
    while (w.length > 1 && measure(w) > maxWidth) {
      // Galloping first, so each step measures about a line, not the rest of a 10,000-character word.
      let lo = 1
      let hi = 2
      while (hi < w.length && measure(w.slice(0, hi)) <= maxWidth) (lo = hi), (hi *= 2)
      hi = Math.min(hi, w.length)
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2)
        if (measure(w.slice(0, mid)) <= maxWidth) lo = mid
        else hi = mid - 1
      }
      // Prefer to break a URL or a compound after a '/', '-', '.', '?', '&', '=' or '_' in the second half.
      const soft = Math.max(...['/', '-', '.', '?', '&', '=', '_'].map((c) => w.lastIndexOf(c, lo - 1) + 1))
      const at = soft > lo / 2 && soft < w.length ? soft : lo
      lines.push(w.slice(0, at))
      w = w.slice(at)
    }
    line = w
  }
  if (line) lines.push(line)
  return lines
}

/** The words cut into `n` runs of about equal characters, at word boundaries. */
function splitWords(words: string[], n: number): string[] {
  const total = words.reduce((s, w) => s + w.length + 1, 0)
  const out: string[] = []
  let run: string[] = []
  let acc = 0
  for (const w of words) {
    const mid = acc + (w.length + 1) / 2
    if (run.length > 0 && out.length < n - 1 && mid > (total * (out.length + 1)) / n) {
      out.push(run.join(' '))
      run = []
    }
    run.push(w)
    acc += w.length + 1
  }
  if (run.length) out.push(run.join(' '))
  return out
}

/**
 * Fits a caption's text into the safe area: the largest size from the default down to the
 * smallest legible one at which it takes at most `maxLines` lines; else at the smallest size,
 * pages of at most `maxLines` lines split at word boundaries, shown one after another.
 */
export function layoutCaption(measureIn: MeasureIn, text: string, W: number, H: number, style: CaptionStyle = DEFAULT_CAPTION_STYLE, family = CAPTION_FONT_FAMILY): CaptionBlock {
  const area = captionSafeArea(W, H)
  const { base, min } = captionSizes(W, H, style)
  const block = (px: number, pages: string[][]): CaptionBlock => {
    const chars = pages.map((p) => p.reduce((s, l) => s + l.length + 1, 0))
    const total = chars.reduce((s, c) => s + c, 0) || 1
    let acc = 0
    const ends = chars.map((c) => (acc += c) / total)
    ends[ends.length - 1] = 1
    return { font: captionFont(px, style, family), fontPx: px, lineHeight: px * LINE_HEIGHT, maxWidth: widthAt(px), pages, ends, area }
  }
  // A box needs padding inside the safe area; outlined text needs room for the outline.
  const widthAt = (px: number) => area.width - (style.box === 'none' ? Math.max(2, px * 0.16) : px)
  const linesAt = (px: number) => Math.max(1, Math.min(CAPTION_MAX_LINES, Math.floor((area.height - (style.box === 'none' ? 0 : px * 0.6)) / (px * LINE_HEIGHT))))
  const whole = measureIn(captionFont(base, style, family), text)
  for (let px = base; ; px = Math.max(min, Math.floor(px * SHRINK_STEP))) {
    const font = captionFont(px, style, family)
    const maxLines = linesAt(px)
    // Width scales with size: a text wider than all its lines put together cannot fit, skip the wrap.
    if ((whole * px) / base <= maxLines * widthAt(px) * 1.02) {
      const lines = wrapAll((s) => measureIn(font, s), text, widthAt(px))
      if (lines.length <= maxLines) return block(px, [lines])
    }
    if (px === min) break
  }
  const font = captionFont(min, style, family)
  const measure = (s: string) => measureIn(font, s)
  const maxLines = linesAt(min)
  const lines = wrapAll(measure, text, widthAt(min))
  const words = text.split(' ')
  // Balanced pages at word boundaries; one more page while any run still needs too many lines
  // (a few tries: each is a wrap of the whole text, and a text that resists is made of very long words).
  const first = Math.ceil(lines.length / maxLines)
  for (let n = first; n <= words.length && n <= lines.length && n < first + 6; n++) {
    const pages = splitWords(words, n).map((run) => wrapAll(measure, run, widthAt(min)))
    if (pages.every((p) => p.length <= maxLines)) return block(min, pages)
  }
  // Words too long for any balance (one word broken by characters): pages of consecutive lines.
  const pages: string[][] = []
  for (let k = 0; k < lines.length; k += maxLines) pages.push(lines.slice(k, k + maxLines))
  return block(min, pages)
}

/** The page of `block` shown at absolute frame `abs` of a caption line on [start, end). */
export function pageAt(block: CaptionBlock, start: number, end: number, abs: number): number {
  if (block.pages.length === 1) return 0
  const u = (abs - start + 0.5) / Math.max(1, end - start)
  const k = block.ends.findIndex((e) => u < e)
  return k < 0 ? block.pages.length - 1 : k
}
