/**
 * Lays out a variant's texts inside its format's safe area: where each box goes and at what size,
 * word-wrapped by measured width (bold DejaVu Sans, as the procedural captions). A text too long
 * for its place is set smaller, down to a legible minimum; below that the layout is refused,
 * naming the text: nothing is ever cut short. Deterministic: same inputs, same boxes.
 *
 * Places: the hook at the top of the safe area, the call to action low (just above the captions),
 * captions at the bottom, the end card centred over the whole safe area. The hook, CTA and end
 * card follow one another in time (textTiming); captions share the screen with the hook and CTA
 * in separate bands, and end where the end card starts.
 */
import { createCanvas } from '@napi-rs/canvas'
import { InputError, RenderError } from '../errors.js'
import { CAPTION_FONT_FAMILY, cleanCaption, wrapText } from '../render/generators/procedural/captions.js'
import type { Box, TextItem, TextStyle, VariantFormat } from './types.js'
import { textWindows, type TimingInput } from './textTiming.js'

export type Role = TextItem['role']
type StyleIn = Partial<TextStyle>

export interface TextSpec {
  hook?: { text: string; style?: StyleIn }
  cta?: { text: string; style?: StyleIn }
  endcard?: { text: string; logo?: string; style?: StyleIn }
  /** Lyric lines, already in output frames. */
  captions?: { text: string; startFrame: number; endFrame: number }[]
  /** Captions the base render already draws, where it draws them: kept clear of, never drawn again. */
  baseCaptions?: { text: string; startFrame: number; endFrame: number; box: Box; fontPx: number; lines: string[] }[]
}

/** Per role: default size (fraction of the frame's shorter side) and most lines. */
const ROLE = {
  hook: { size: 0.075, lines: 3 },
  cta: { size: 0.062, lines: 2 },
  caption: { size: 0.05, lines: 2 },
  endcard: { size: 0.07, lines: 4 },
} as const

export const LINE_HEIGHT = 1.25
/** Padding around the text inside its box, in ems. */
export const PAD_X = 0.5
export const PAD_Y = 0.3
/** The captions' band is at most this share of the safe area's height. */
const CAPTION_BAND = 0.32

/** The font every batch text is drawn in (the drawer uses the same string). */
export function fontOf(px: number): string {
  return `bold ${px}px "${CAPTION_FONT_FAMILY}"`
}

/** Smallest size a text may be set at: 3 % of the shorter side, never under 12 px. */
export function minFontPx(format: VariantFormat): number {
  return Math.max(12, Math.round(0.03 * Math.min(format.width, format.height)))
}

const measureCtx = createCanvas(8, 8).getContext('2d')
function measurer(px: number): (s: string) => number {
  measureCtx.font = fontOf(px)
  return (s) => measureCtx.measureText(s).width
}

export interface Fitted {
  fontPx: number
  lines: string[]
  /** Size of the padded text block. */
  width: number
  height: number
}

/**
 * The largest size from `startPx` down to `minPx` at which `text` wraps into at most `maxLines`
 * lines of a block no wider than `maxWidth` nor taller than `maxHeight` (words whole if at all
 * possible), or null when even `minPx` does not fit.
 */
export function fitText(text: string, startPx: number, minPx: number, maxLines: number, maxWidth: number, maxHeight: number): Fitted | null {
  let brokenFit: Fitted | null = null
  for (let px = Math.max(minPx, Math.round(startPx)); px >= minPx; px--) {
    const measure = measurer(px)
    const padX = Math.round(PAD_X * px)
    const inner = maxWidth - 2 * padX
    if (inner <= px) continue
    const lines = balance(measure, text, wrapText(measure, text, inner), inner)
    const height = Math.ceil(lines.length * px * LINE_HEIGHT) + 2 * Math.round(PAD_Y * px)
    if (lines.length > maxLines || height > maxHeight) continue
    const width = Math.ceil(Math.max(...lines.map(measure))) + 2 * padX
    const fit = { fontPx: px, lines, width, height }
    // A word split across lines is a last resort: keep shrinking while a smaller size keeps words whole.
    const wordsWhole = text.split(' ').every((w) => measure(w) <= inner)
    if (wordsWhole) return fit
    brokenFit ??= fit
  }
  return brokenFit
}

/**
 * The same number of lines at the narrowest width that still gives it, so lines are of even
 * length ("The summer tour starts / in Paris this Friday", not a long line and a widow).
 */
function balance(measure: (s: string) => number, text: string, lines: string[], inner: number): string[] {
  if (lines.length < 2) return lines
  let lo = Math.max(...text.split(' ').map(measure))
  let hi = inner
  if (lo >= hi) return lines
  let best = lines
  for (let k = 0; k < 12 && hi - lo > 1; k++) {
    const mid = (lo + hi) / 2
    const l = wrapText(measure, text, mid)
    if (l.length <= lines.length) {
      best = l
      hi = mid
    } else lo = mid
  }
  return best
}

function cleanOrThrow(role: Role, text: string): string {
  const clean = cleanCaption(text)
  if (!clean) throw new InputError(`texts.${role}: the text is empty`)
  return clean
}

function refuse(role: Role, text: string, region: Box, minPx: number, maxLines: number): InputError {
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text
  return new InputError(
    `texts.${role}: "${short}" does not fit the safe area (${region.width}x${region.height} px for it) in ${maxLines} line(s) even at the smallest legible size (${minPx} px): shorten it or choose a larger format`,
    { code: 'TEXT_DOES_NOT_FIT' },
  )
}

function styleOf(s: StyleIn | undefined, fontPx: number): TextStyle {
  return { color: s?.color ?? '#ffffff', ...(s?.background ? { background: s.background } : {}), fontPx }
}

/** The end card's logo slot and text block inside its box (shared with the drawer). */
export function endcardParts(box: Box, fontPx: number, hasLogo: boolean, safe: Box): { logo: Box | null; textTop: number } {
  const pad = Math.round(PAD_Y * fontPx) * 2
  if (!hasLogo) return { logo: null, textTop: box.y + pad }
  const slot = logoSlotHeight(safe)
  const w = Math.min(box.width - 2 * pad, slot * 2)
  return { logo: { x: box.x + Math.round((box.width - w) / 2), y: box.y + pad, width: w, height: slot }, textTop: box.y + pad + slot + Math.round(0.4 * fontPx) }
}

function logoSlotHeight(safe: Box): number {
  return Math.round(Math.min(0.28 * safe.height, 0.35 * safe.width))
}

/**
 * An even start for a box of `size` inside [lo, hi): ffmpeg's overlay on a 4:2:0 picture puts an
 * odd x or y one pixel up or left (onto the chroma grid), so every drawn box starts on even pixels
 * and is drawn exactly where it is laid out. Rounded towards `v`'s floor, or up when that leaves [lo, hi).
 */
export function evenStart(v: number, lo: number, size: number, hi: number): number {
  const down = 2 * Math.floor(v / 2)
  return down >= lo || down + 2 + size > hi ? down : down + 2
}

/** Laid-out boxes of a variant's texts, all inside `format.safe`, none overlapping another in both time and space. */
export function layoutTexts(format: VariantFormat, fps: number, spec: TextSpec, timing: TimingInput): TextItem[] {
  const safe = format.safe
  const base = Math.min(format.width, format.height)
  const minPx = minFontPx(format)
  const startOf = (role: keyof typeof ROLE, s?: StyleIn) => s?.fontPx ?? Math.round(ROLE[role].size * base)
  const win = textWindows(fps, { hook: !!spec.hook, cta: !!spec.cta, endcard: !!spec.endcard }, timing)
  const T = timing.totalFrames
  const items: TextItem[] = []

  // Captions first: their tallest box sets the band the hook and CTA must stay above.
  const capBand = { ...safe, height: Math.floor(safe.height * CAPTION_BAND) }
  const capEnd = win.endcard ? win.endcard[0] : T
  const caps = (spec.captions ?? [])
    .map((c) => ({ ...c, startFrame: Math.max(0, Math.round(c.startFrame)), endFrame: Math.min(capEnd, Math.round(c.endFrame)) }))
    .filter((c) => c.endFrame > c.startFrame && cleanCaption(c.text))
    .sort((a, b) => a.startFrame - b.startFrame)
  let bandHeight = 0
  for (let k = 0; k < caps.length; k++) {
    const c = caps[k]
    // Lines overlapping in time would sit on one another: the earlier one gives way.
    const end = Math.min(c.endFrame, caps[k + 1]?.startFrame ?? Infinity)
    if (end <= c.startFrame) continue
    const text = cleanOrThrow('caption', c.text)
    const fit = fitText(text, startOf('caption'), minPx, ROLE.caption.lines, capBand.width, capBand.height)
    if (!fit) throw refuse('caption', text, capBand, minPx, ROLE.caption.lines)
    bandHeight = Math.max(bandHeight, fit.height)
    const box = evenBox(safe.x + Math.floor((safe.width - fit.width) / 2), safe.y + safe.height - fit.height, fit.width, fit.height, safe)
    items.push({ role: 'caption', text, startFrame: c.startFrame, endFrame: end, box, style: styleOf(undefined, fit.fontPx), lines: fit.lines })
  }

  for (const c of spec.baseCaptions ?? []) {
    bandHeight = Math.max(bandHeight, safe.y + safe.height - c.box.y)
    items.push({ role: 'caption', text: c.text, startFrame: c.startFrame, endFrame: c.endFrame, box: c.box, style: styleOf(undefined, c.fontPx), lines: c.lines, inBase: true })
  }
  const gap = bandHeight > 0 ? Math.round(0.02 * safe.height) : 0
  const upper: Box = { ...safe, height: safe.height - bandHeight - gap }
  const place = (role: 'hook' | 'cta', t: { text: string; style?: StyleIn }, w: [number, number], top: boolean) => {
    const text = cleanOrThrow(role, t.text)
    const fit = fitText(text, startOf(role, t.style), minPx, ROLE[role].lines, upper.width, upper.height)
    if (!fit) throw refuse(role, text, upper, minPx, ROLE[role].lines)
    const y = top ? upper.y : upper.y + upper.height - fit.height
    const box = evenBox(safe.x + Math.floor((safe.width - fit.width) / 2), y, fit.width, fit.height, upper)
    items.push({ role, text, startFrame: w[0], endFrame: w[1], box, style: styleOf(t.style, fit.fontPx), lines: fit.lines })
  }
  if (spec.hook && win.hook) place('hook', spec.hook, win.hook, true)
  if (spec.cta && win.cta) place('cta', spec.cta, win.cta, false)

  if (spec.endcard && win.endcard) {
    const e = spec.endcard
    const text = cleanOrThrow('endcard', e.text)
    const logoH = e.logo ? logoSlotHeight(safe) : 0
    // The card spans the safe area's width; its height is what the logo and text need.
    let fit: Fitted | null = null
    for (let px = Math.max(minPx, startOf('endcard', e.style)); px >= minPx && !fit; ) {
      const f = fitText(text, px, minPx, ROLE.endcard.lines, safe.width - 2 * Math.round(PAD_Y * px), safe.height - logoH - 3 * Math.round(PAD_Y * px))
      if (!f) break
      const extra = e.logo ? logoH + Math.round(0.4 * f.fontPx) : 0
      const h = f.height + 2 * Math.round(PAD_Y * f.fontPx) + extra
      if (h <= safe.height) fit = { ...f, height: h }
      else px = f.fontPx - 1
    }
    if (!fit) throw refuse('endcard', text, safe, minPx, ROLE.endcard.lines)
    // The card spans the safe width: from an odd edge it starts a pixel in and is a pixel narrower.
    const x = safe.x + (safe.x % 2)
    const box = { x, y: evenStart(safe.y + Math.floor((safe.height - fit.height) / 2), safe.y, fit.height, safe.y + safe.height), width: safe.width - (x - safe.x), height: fit.height }
    const style = styleOf({ background: '#111111', ...e.style }, fit.fontPx)
    items.push({ role: 'endcard', text, ...(e.logo ? { logo: e.logo } : {}), startFrame: win.endcard[0], endFrame: win.endcard[1], box, style, lines: fit.lines })
  }
  const clash = findOverlap(items)
  if (clash) throw new RenderError(`text layout: ${clash[0].role} and ${clash[1].role} would overlap on screen`, { code: 'TEXT_LAYOUT_OVERLAP' })
  return items
}

/** A box at even x and y (see evenStart), kept inside `area`. */
function evenBox(x: number, y: number, width: number, height: number, area: Box): Box {
  return { x: evenStart(x, area.x, width, area.x + area.width), y: evenStart(y, area.y, height, area.y + area.height), width, height }
}

/** Two boxes share at least one pixel. */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** The first pair of items on screen at the same time in overlapping boxes, if any. */
export function findOverlap(items: TextItem[]): [TextItem, TextItem] | null {
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]
      const b = items[j]
      if (a.startFrame < b.endFrame && b.startFrame < a.endFrame && boxesOverlap(a.box, b.box)) return [a, b]
    }
  return null
}

/** The box lies inside `outer`, within `tol` pixels. */
export function boxInside(box: Box, outer: Box, tol = 0): boolean {
  return box.x >= outer.x - tol && box.y >= outer.y - tol && box.x + box.width <= outer.x + outer.width + tol && box.y + box.height <= outer.y + outer.height + tol
}
