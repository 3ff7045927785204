import type { SKRSContext2D } from '@napi-rs/canvas'

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

export const CAPTION_FONT_FAMILY = 'DejaVu Sans'
const CAPTION_LINES = 3

/** The last layout: a caption is drawn on many frames in a row with the same text and font. */
let lastLayout: { key: string; lines: string[] } | undefined

/** Lower-third subtitle: outlined white text, at most 3 lines, fading in and out over a few frames. */
export function drawCaption(ctx: SKRSContext2D, text: string, W: number, H: number, alpha: number, family: string): void {
  if (alpha <= 0) return
  const size = Math.max(10, Math.round(H * 0.055))
  const maxWidth = W * 0.82
  // Cut before cleaning too: cleaning is linear, but there is no reason to scan a megabyte per frame.
  const budget = captionBudget(maxWidth, size, CAPTION_LINES)
  const rawCut = text.length > 4 * budget
  const clean = cleanCaption(rawCut ? text.slice(0, 4 * budget) : text)
  if (!clean) return
  ctx.font = `bold ${size}px "${family}", "${CAPTION_FONT_FAMILY}", sans-serif`
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  const key = `${ctx.font}\u0000${maxWidth}\u0000${rawCut}\u0000${clean.length}\u0000${clean.slice(0, budget + 1)}`
  if (lastLayout?.key !== key) {
    // A trailing " …" makes the layout end in an ellipsis when the text goes on beyond the cut.
    const cut = clean.length > budget || rawCut ? `${clean.slice(0, budget)} …` : clean
    lastLayout = { key, lines: wrapText((s) => ctx.measureText(s).width, cut, maxWidth, CAPTION_LINES) }
  }
  const lines = lastLayout.lines
  const lh = size * 1.22
  const bottom = H * 0.9
  ctx.globalAlpha = alpha
  ctx.lineJoin = 'round'
  ctx.lineWidth = Math.max(2, size * 0.16)
  ctx.strokeStyle = 'rgba(0,0,0,0.85)'
  ctx.fillStyle = 'rgb(255,255,255)'
  for (let k = 0; k < lines.length; k++) {
    const y = bottom - (lines.length - 1 - k) * lh
    ctx.strokeText(lines[k], W / 2, y)
    ctx.fillText(lines[k], W / 2, y)
  }
  ctx.globalAlpha = 1
}
