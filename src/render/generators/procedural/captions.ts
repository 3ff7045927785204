import type { SKRSContext2D } from '@napi-rs/canvas'
import { DEFAULT_CAPTION_STYLE, type Caption, type CaptionStyle } from '../../../schemas/index.js'
import { layoutCaption, pageAt, type CaptionBlock } from './captionLayout.js'

export { CAPTION_FONT_FAMILY, captionSafeArea, layoutCaption, type CaptionBlock } from './captionLayout.js'

/** Printable text only: control characters become spaces, runs of spaces collapse. */
export function cleanCaption(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Narrowest glyph assumed when bounding how much text a line can hold (DejaVu's "i" or "." is ~0.3 em). */
const MIN_GLYPH_EM = 0.2

/**
 * The most characters `maxLines` lines of `maxWidth` px can show at `fontPx`: text beyond it can
 * never be drawn, so it is cut before layout and the work per caption stays bounded whatever
 * the lyric's length.
 */
export function captionBudget(maxWidth: number, fontPx: number, maxLines: number): number {
  return Math.max(8, Math.ceil((maxLines * maxWidth) / Math.max(1, fontPx * MIN_GLYPH_EM)))
}

/** The longest prefix of `s` (at least one character) that fits: a binary search, O(log n) measures. */
function fittingPrefix(measure: (s: string) => number, s: string, maxWidth: number): number {
  let lo = 1
  let hi = s.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (measure(s.slice(0, mid)) <= maxWidth) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * Greedy word wrap by measured width; a word longer than the line is broken by characters.
 * At most `maxLines` lines: when text is left over, the last line ends with "…" (shortened to
 * fit). Stops as soon as the lines are full, so the cost is bounded by what is shown.
 */
export function wrapText(measure: (s: string) => number, text: string, maxWidth: number, maxLines = Infinity): string[] {
  const lines: string[] = []
  let line = ''
  let truncated = false
  const words = text.split(' ')
  let k = 0
  for (; k < words.length && lines.length < maxLines; k++) {
    const word = words[k]
    const next = line ? `${line} ${word}` : word
    if (measure(next) <= maxWidth) {
      line = next
      continue
    }
    if (line) lines.push(line)
    line = ''
    let w = word
    while (lines.length < maxLines && w.length > 1 && measure(w) > maxWidth) {
      const n = fittingPrefix(measure, w, maxWidth)
      lines.push(w.slice(0, n))
      w = w.slice(n)
    }
    if (lines.length >= maxLines) {
      truncated = w.length > 0 || k < words.length - 1
      line = ''
      break
    }
    line = w
  }
  if (k < words.length) truncated = true
  if (line && lines.length < maxLines) lines.push(line)
  else if (line) truncated = true
  if (truncated && lines.length > 0) {
    let last = lines[lines.length - 1]
    // Make room for the ellipsis: drop the last word, or characters of a line that is one word.
    while (last.length > 0 && measure(`${last}…`) > maxWidth) {
      last = last.includes(' ') ? last.slice(0, last.lastIndexOf(' ')) : last.slice(0, fittingPrefix(measure, last, maxWidth) - 1)
    }
    lines[lines.length - 1] = `${last.trimEnd()}…`
  }
  return lines
}

/** Frames a caption line takes to fade in and out, at its own start and end only (never at a cut). */
export const CAPTION_FADE_FRAMES = 3

/** The last layout: a caption is drawn on many frames in a row with the same text, size and style. */
let last: { text: string; key: string; block: CaptionBlock } | undefined

/** The caption's layout for this frame size and style (cached while they stay the same). */
export function captionBlock(ctx: SKRSContext2D, text: string, W: number, H: number, style: CaptionStyle, family: string): CaptionBlock | undefined {
  const key = `${W}x${H}\u0000${style.weight}/${style.position}/${style.box}/${style.size}\u0000${family}`
  if (last && last.text === text && last.key === key) return last.block
  const clean = cleanCaption(text)
  if (!clean) return undefined
  let font = ''
  const measure = (f: string, s: string) => {
    if (f !== font) ctx.font = font = f
    return ctx.measureText(s).width
  }
  last = { text, key, block: layoutCaption(measure, clean, W, H, style, family) }
  return last.block
}

/** Opacity of a caption line at absolute frame `abs`: fades over its own first and last frames only. */
export function captionAlpha(c: Caption, abs: number): number {
  const start = c.lineStartFrame ?? c.startFrame
  const end = c.lineEndFrame ?? c.endFrame
  return Math.max(0, Math.min(1, (abs - start + 1) / CAPTION_FADE_FRAMES, (end - abs) / CAPTION_FADE_FRAMES))
}

/**
 * Draws the caption shown at absolute frame `abs`: the page of its text for that moment (a text
 * too long for the frame is split over the line's time), faded only at the line's own ends.
 */
export function drawCaptionAt(ctx: SKRSContext2D, c: Caption, abs: number, W: number, H: number, family: string, style: CaptionStyle = DEFAULT_CAPTION_STYLE): void {
  const alpha = captionAlpha(c, abs)
  if (alpha <= 0) return
  const block = captionBlock(ctx, c.text, W, H, style, family)
  if (!block) return
  drawPage(ctx, block, pageAt(block, c.lineStartFrame ?? c.startFrame, c.lineEndFrame ?? c.endFrame, abs), W, H, alpha, style)
}

/** Draws page `page` (default the first) of a caption at opacity `alpha`. */
export function drawCaption(ctx: SKRSContext2D, text: string, W: number, H: number, alpha: number, family: string, style: CaptionStyle = DEFAULT_CAPTION_STYLE, page = 0): void {
  if (alpha <= 0) return
  const block = captionBlock(ctx, text, W, H, style, family)
  if (block) drawPage(ctx, block, Math.min(page, block.pages.length - 1), W, H, alpha, style)
}

/** Where the first line's box starts: at the bottom, top or centre of the safe area. */
function blockTop(block: CaptionBlock, n: number, H: number, style: CaptionStyle): number {
  const { area, fontPx } = block
  const pad = style.box === 'none' ? 0 : fontPx * 0.3
  const h = n * block.lineHeight
  if (style.position === 'top') return area.y + pad
  if (style.position === 'center') return Math.max(area.y + pad, Math.min(area.y + area.height - pad - h, H / 2 - h / 2))
  return area.y + area.height - pad - h
}

/** Where a page's lines go: the centre x, the top of the first line's box and each line's baseline. */
export function captionLines(block: CaptionBlock, page: number, H: number, style: CaptionStyle = DEFAULT_CAPTION_STYLE): { cx: number; top: number; baselines: number[] } {
  const n = block.pages[page].length
  const top = blockTop(block, n, H, style)
  // 0.95 em below the line box's top: DejaVu's ascent, so descenders stay inside the box.
  return { cx: block.area.x + block.area.width / 2, top, baselines: Array.from({ length: n }, (_, k) => top + k * block.lineHeight + block.fontPx * 0.95) }
}

function drawPage(ctx: SKRSContext2D, block: CaptionBlock, page: number, W: number, H: number, alpha: number, style: CaptionStyle): void {
  const lines = block.pages[page]
  const { fontPx: px, lineHeight: lh } = block
  const { cx, top, baselines } = captionLines(block, page, H, style)
  ctx.font = block.font
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  ctx.globalAlpha = alpha
  if (style.box !== 'none') {
    const pad = px * 0.3
    ctx.fillStyle = style.box === 'band' ? 'rgba(0,0,0,0.55)' : 'rgba(0,0,0,0.62)'
    if (style.box === 'band') ctx.fillRect(0, top - pad, W, lines.length * lh + 2 * pad)
    else {
      const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + px
      ctx.beginPath()
      ctx.roundRect(cx - w / 2, top - pad, w, lines.length * lh + 2 * pad, px * 0.25)
      ctx.fill()
    }
  } else {
    ctx.lineJoin = 'round'
    ctx.lineWidth = Math.max(2, px * 0.16)
    ctx.strokeStyle = 'rgba(0,0,0,0.85)'
  }
  ctx.fillStyle = 'rgb(255,255,255)'
  for (let k = 0; k < lines.length; k++) {
    const y = baselines[k]
    if (style.box === 'none') ctx.strokeText(lines[k], cx, y)
    ctx.fillText(lines[k], cx, y)
  }
  ctx.globalAlpha = 1
}
