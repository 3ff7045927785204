/**
 * Draws laid-out texts into transparent PNGs (one per item, the size of its box) and builds the
 * ffmpeg filter that lays them over the picture for their frames, with a short alpha fade. Text
 * sits on a rounded translucent panel (or the brand colour) with a soft shadow, so it reads over
 * any picture; the end card is an opaque brand-coloured card with the optional logo.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas'
import { InputError } from '../errors.js'
import { endcardParts, fontOf, LINE_HEIGHT, PAD_Y } from './textLayout.js'
import type { TextItem, VariantFormat } from './types.js'
import { ffmpegRate } from '../time.js'

/** The panel behind a text without a brand background: dark enough to read white text over sky. */
export const DEFAULT_PANEL = 'rgba(0,0,0,0.5)'

export interface DrawnOverlay {
  item: TextItem
  png: string
  x: number
  y: number
}

function roundRect(ctx: SKRSContext2D, w: number, h: number, r: number): void {
  ctx.beginPath()
  ctx.moveTo(r, 0)
  ctx.arcTo(w, 0, w, h, r)
  ctx.arcTo(w, h, 0, h, r)
  ctx.arcTo(0, h, 0, 0, r)
  ctx.arcTo(0, 0, w, 0, r)
  ctx.closePath()
}

/** Lines centred horizontally, block centred vertically between `top` and `bottom`. */
function drawLines(ctx: SKRSContext2D, lines: string[], px: number, w: number, top: number, bottom: number, color: string, shadow: boolean): void {
  const lh = px * LINE_HEIGHT
  const y0 = top + (bottom - top - lines.length * lh) / 2
  ctx.font = fontOf(px)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  // A soft shadow lifts light text off a translucent panel; on a solid brand colour it only smears.
  ctx.shadowColor = shadow ? 'rgba(0,0,0,0.6)' : 'rgba(0,0,0,0)'
  ctx.shadowBlur = Math.max(2, px * 0.12)
  ctx.shadowOffsetY = Math.max(1, Math.round(px * 0.04))
  ctx.fillStyle = color
  for (let k = 0; k < lines.length; k++) ctx.fillText(lines[k], w / 2, y0 + (k + 0.5) * lh)
  ctx.shadowColor = 'rgba(0,0,0,0)'
}

async function drawLogo(ctx: SKRSContext2D, path: string, slot: { x: number; y: number; width: number; height: number }): Promise<void> {
  let img: Awaited<ReturnType<typeof loadImage>>
  try {
    img = await loadImage(path)
  } catch (err) {
    throw new InputError(`texts.endcard.logo: cannot read the image ${path}`, { code: 'LOGO_UNREADABLE', cause: err })
  }
  // Contained in its slot, aspect kept, centred.
  const s = Math.min(slot.width / img.width, slot.height / img.height)
  const w = img.width * s
  const h = img.height * s
  ctx.drawImage(img, slot.x + (slot.width - w) / 2, slot.y + (slot.height - h) / 2, w, h)
}

/** One item as an RGBA PNG of its box's size. */
export async function drawItem(item: TextItem, format: VariantFormat): Promise<Buffer> {
  const { width: w, height: h } = item.box
  const canvas = createCanvas(Math.max(1, Math.round(w)), Math.max(1, Math.round(h)))
  const ctx = canvas.getContext('2d')
  const px = item.style.fontPx ?? Math.round(h / 2)
  const lines = item.lines ?? [item.text]
  const radius = Math.min(h / 2, Math.max(4, px * 0.35))
  if (item.role === 'endcard') {
    roundRect(ctx, w, h, radius)
    ctx.fillStyle = item.style.background ?? '#111111'
    ctx.fill()
    const local = { ...item.box, x: 0, y: 0 }
    const parts = endcardParts(local, px, !!item.logo, format.safe)
    if (item.logo && parts.logo) await drawLogo(ctx, item.logo, parts.logo)
    drawLines(ctx, lines, px, w, parts.textTop, h - 2 * Math.round(PAD_Y * px), item.style.color, false)
  } else {
    roundRect(ctx, w, h, radius)
    ctx.fillStyle = item.style.background ?? DEFAULT_PANEL
    ctx.fill()
    drawLines(ctx, lines, px, w, 0, h, item.style.color, !item.style.background)
  }
  return canvas.encode('png')
}

/** Draws every item into `dir` (created if needed): `text-<k>-<role>.png`, placed at its box's corner. */
export async function writeTextOverlays(items: TextItem[], format: VariantFormat, dir: string): Promise<DrawnOverlay[]> {
  await mkdir(dir, { recursive: true })
  const out: DrawnOverlay[] = []
  for (let k = 0; k < items.length; k++) {
    const item = items[k]
    const png = join(dir, `text-${k}-${item.role}.png`)
    await writeFile(png, await drawItem(item, format))
    out.push({ item, png, x: Math.round(item.box.x), y: Math.round(item.box.y) })
  }
  return out
}

/**
 * ffmpeg input arguments for the overlay PNGs: each looped as a stream at `fps` (so it can fade)
 * for its own window only, which `overlayFilter` moves to where the window starts. (Looped for
 * the whole video, forty captions cost forty full-length streams through the filters.)
 */
export function overlayInputArgs(overlays: Array<{ png: string; startFrame: number; endFrame: number }>, fps: number): string[] {
  return overlays.flatMap((o) => ['-framerate', ffmpegRate(fps), '-loop', '1', '-t', num((Math.round(o.endFrame) - Math.max(0, Math.round(o.startFrame)) + 1) / fps), '-i', o.png])
}

/** Fade length in frames for a window of `frames`: about 0.2 s, never more than a quarter of the window. */
export function fadeFrames(frames: number, fps: number): number {
  return Math.max(0, Math.min(Math.round(0.2 * fps), Math.floor(frames / 4)))
}

const num = (v: number) => {
  if (!Number.isFinite(v)) throw new RangeError(`overlay filter: not a number: ${v}`)
  return Number(v.toFixed(6)).toString()
}

/**
 * The filter_complex chain that lays overlay inputs `firstInputIndex`, `firstInputIndex+1`, … (as
 * `overlayInputArgs` gives them) over `[baseLabel]`, each shown for output frames
 * [startFrame, endFrame) with a short alpha fade in and out. A text that starts on frame 0 is
 * there at once (the first frame is the thumbnail), and with `totalFrames` one that lasts to the
 * end holds to the last frame (the end card). Built from numbers only.
 */
export function overlayFilter(
  baseLabel: string,
  overlays: { x: number; y: number; startFrame: number; endFrame: number }[],
  firstInputIndex: number,
  fps: number,
  opts: { totalFrames?: number } = {},
): { filter: string; outLabel: string } {
  if (!/^[A-Za-z0-9_:.]+$/.test(baseLabel)) throw new RangeError(`overlay filter: bad label ${JSON.stringify(baseLabel)}`)
  if (!(fps > 0)) throw new RangeError(`overlay filter: bad fps ${fps}`)
  if (overlays.length === 0) return { filter: `[${baseLabel}]null[txt0]`, outLabel: 'txt0' }
  const parts: string[] = []
  let prev = baseLabel
  overlays.forEach((o, k) => {
    const a = Math.max(0, Math.round(o.startFrame))
    const b = Math.round(o.endFrame)
    if (!(b > a)) throw new RangeError(`overlay filter: overlay ${k} has no frames (${a}..${b})`)
    const f = fadeFrames(b - a, fps)
    const fadeIn = f > 0 && a > 0 ? `,fade=t=in:st=${num(a / fps)}:d=${num(f / fps)}:alpha=1` : ''
    const fadeOut = f > 0 && !(opts.totalFrames !== undefined && b >= opts.totalFrames) ? `,fade=t=out:st=${num((b - f) / fps)}:d=${num(f / fps)}:alpha=1` : ''
    const fades = fadeIn + fadeOut
    const src = `ov${k}`
    const out = `txt${k}`
    parts.push(`[${num(firstInputIndex + k)}:v]setpts=PTS+${num(a / fps)}/TB,format=rgba${fades}[${src}]`)
    // Enabled by the main picture's time, half a frame either side of frames a..b-1: exact whatever
    // the rounding. (Its frame number `n` does not count frames the way this needs once the text's
    // stream starts late.)
    parts.push(`[${prev}][${src}]overlay=x=${num(Math.round(o.x))}:y=${num(Math.round(o.y))}:eof_action=pass:enable='between(t,${num((a - 0.5) / fps)},${num((b - 0.5) / fps)})'[${out}]`)
    prev = out
  })
  return { filter: parts.join(';'), outLabel: prev }
}
