import type { SKRSContext2D } from '@napi-rs/canvas'

/** Printable text only: control characters become spaces, runs of spaces collapse. */
export function cleanCaption(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Greedy word wrap by measured width; a word longer than the line is broken by characters. */
export function wrapText(measure: (s: string) => number, text: string, maxWidth: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word
    if (measure(next) <= maxWidth) {
      line = next
      continue
    }
    if (line) lines.push(line)
    line = ''
    let w = word
    while (measure(w) > maxWidth && w.length > 1) {
      let n = w.length - 1
      while (n > 1 && measure(w.slice(0, n)) > maxWidth) n--
      lines.push(w.slice(0, n))
      w = w.slice(n)
    }
    line = w
  }
  if (line) lines.push(line)
  return lines
}

export const CAPTION_FONT_FAMILY = 'DejaVu Sans'

/** Lower-third subtitle: outlined white text, at most 3 lines, fading in and out over a few frames. */
export function drawCaption(ctx: SKRSContext2D, text: string, W: number, H: number, alpha: number, family: string): void {
  const clean = cleanCaption(text)
  if (!clean || alpha <= 0) return
  const size = Math.max(10, Math.round(H * 0.055))
  ctx.font = `bold ${size}px "${family}", "${CAPTION_FONT_FAMILY}", sans-serif`
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  const lines = wrapText((s) => ctx.measureText(s).width, clean, W * 0.82).slice(0, 3)
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
