/** Colour helpers for palettes: named colours, hashed palettes, luminance ordering. */
import { NAMED_COLOURS } from './keywords.js'
import { findWords } from './text.js'

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v))
}

/** HSL (h in degrees, s and l in 0..1) to "#rrggbb". */
export function hslToHex(h: number, s: number, l: number): string {
  const hue = ((h % 360) + 360) % 360
  const c = (1 - Math.abs(2 * l - 1)) * s
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1))
  const m = l - c / 2
  const [r, g, b] =
    hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x]
  const hex = (v: number) =>
    Math.round(clamp01(v + m) * 255)
      .toString(16)
      .padStart(2, '0')
  return `#${hex(r)}${hex(g)}${hex(b)}`
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** Relative luminance 0..1 (Rec. 709 weights on sRGB values; good enough for ordering). */
export function luminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex)
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
}

/** Scale a colour towards black (f < 1) or white (f > 1). */
export function shade(hex: string, f: number): string {
  const [r, g, b] = hexToRgb(hex)
  const mix = (v: number) => (f <= 1 ? v * f : v + (255 - v) * (f - 1))
  const out = [r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, mix(v)))).toString(16).padStart(2, '0'))
  return `#${out.join('')}`
}

/** Named colours in order of first mention, as hex, without duplicates. */
export function coloursNamedIn(text: string): string[] {
  const found = findWords(text, Object.keys(NAMED_COLOURS))
  return [...new Set(found.map((w) => NAMED_COLOURS[w]))]
}

/** A three-colour palette around a hue: main, dark, accent. */
export function paletteFromHue(hue: number): string[] {
  return [hslToHex(hue, 0.65, 0.5), hslToHex(hue, 0.5, 0.22), hslToHex(hue + 150, 0.7, 0.62)]
}

/** Pad a palette to at least `min` colours with shades of its first colour; cap at `max`. */
export function completePalette(colours: string[], min: number, max: number): string[] {
  const out = [...new Set(colours.map((c) => c.toLowerCase()))]
  const base = out[0] ?? '#808080'
  const extra = [shade(base, 0.45), shade(base, 1.5), shade(base, 0.25), shade(base, 1.8)]
  for (const c of extra) {
    if (out.length >= min) break
    if (!out.includes(c)) out.push(c)
  }
  return out.slice(0, max)
}
