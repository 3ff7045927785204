/**
 * Lyric-typography shots (Shot.kind 'lyric'): the current line as large kinetic type, its words
 * appearing on the beats, over the place's colours in an abstract, beat-pulsed background.
 */
import { createCanvas, type Canvas, type Image, type SKRSContext2D } from '@napi-rs/canvas'
import type { Caption, FrameControl, Shot } from '../../../schemas/index.js'
import type { SegmentRequest } from '../types.js'
import { CAPTION_FONT_FAMILY, captionSafeArea, layoutCaption, pageAt, wrapAll } from './captionLayout.js'
import { captionAlpha, cleanCaption } from './captions.js'
import { css, hexToRgb, luma, mix, scale, type Rgb } from './colour.js'
import { mixSeed, mulberry32 } from './prng.js'

/** Words and characters a line may have for a lyric shot to read well as large type. */
export const LYRIC_SHOT_MAX_WORDS = 12
export const LYRIC_SHOT_MAX_CHARS = 72
/** Share of the shot one caption line must cover. */
const LYRIC_SHOT_COVER = 0.6

/**
 * True when a shot suits lyric typography: one caption line covers most of it and is short
 * enough to fill the frame as large words. For the planner; the renderer draws any line anyway.
 */
export function lyricShotFits(shot: Pick<Shot, 'startFrame' | 'endFrame' | 'captions'>): boolean {
  const len = shot.endFrame - shot.startFrame
  return shot.captions.some((c) => {
    const text = cleanCaption(c.text)
    const words = text.split(' ').filter(Boolean).length
    return c.endFrame - c.startFrame >= LYRIC_SHOT_COVER * len && words > 0 && words <= LYRIC_SHOT_MAX_WORDS && text.length <= LYRIC_SHOT_MAX_CHARS
  })
}

/** Seconds a word may wait for the next beat before it appears on its own time. */
const BEAT_WAIT_SECONDS = 0.6
/** Share of the line's time over which its words appear. */
const REVEAL_SHARE = 0.6

/**
 * Absolute frame each of `words` words appears at: spread over the first part of the line, each
 * moved on to the next beat of the shot (fc.onBeat) when one comes soon. Words whose times fall
 * before the same beat appear together on it, so a fast line never falls behind the beats.
 */
export function wordRevealFrames(words: number, c: Caption, controls: readonly FrameControl[], shotStart: number, fps: number): number[] {
  const start = c.lineStartFrame ?? c.startFrame
  const end = c.lineEndFrame ?? c.endFrame
  const window = Math.max(1, (end - start) * REVEAL_SHARE)
  const wait = Math.round(BEAT_WAIT_SECONDS * fps)
  const beats = controls.flatMap((fc, i) => (fc.onBeat ? [shotStart + i] : []))
  const out: number[] = []
  for (let k = 0; k < words; k++) {
    const target = Math.max(start + Math.floor((k * window) / words), k > 0 ? out[k - 1] : start)
    const beat = beats.find((b) => b >= target)
    out.push(beat !== undefined && beat - target <= wait ? beat : target)
  }
  return out
}

interface Word {
  text: string
  x: number
  y: number
  w: number
}

/** Large type: the biggest size (down to a third of it) at which the line takes at most 3 lines; else the caption pages. */
function layoutBig(ctx: SKRSContext2D, text: string, W: number, H: number, family: string, abs: number, c: Caption): { font: string; px: number; words: Word[]; first: number; paged: boolean } {
  const area = captionSafeArea(W, H)
  const set = (px: number) => (ctx.font = `bold ${px}px "${family}", "${CAPTION_FONT_FAMILY}", sans-serif`)
  const measure = (s: string) => ctx.measureText(s).width
  const base = Math.round(Math.min(W, H) * 0.14)
  let big: string[] | undefined
  let px = base
  for (; px >= base / 3; px = Math.floor(px * 0.9)) {
    set(px)
    const l = wrapAll(measure, text, area.width)
    if (l.length <= 3 && l.length * px * 1.15 <= area.height) {
      big = l
      break
    }
  }
  let lines = big
  let first = 0
  if (!lines) {
    // Too long for large type: the caption's own pages, so no word is lost.
    const block = layoutCaption((f, s) => ((ctx.font = f), measure(s)), text, W, H, { weight: 'bold', position: 'center', box: 'none', size: 1.4 }, family)
    const page = pageAt(block, c.lineStartFrame ?? c.startFrame, c.lineEndFrame ?? c.endFrame, abs)
    lines = block.pages[page]
    px = block.fontPx
    first = block.pages.slice(0, page).reduce((n, p) => n + p.join(' ').split(' ').length, 0)
  }
  set(px)
  const lh = px * 1.15
  const top = area.y + area.height / 2 - (lines.length * lh) / 2
  const cx = area.x + area.width / 2
  const space = measure(' ')
  const words: Word[] = []
  lines.forEach((line, k) => {
    let x = cx - measure(line) / 2
    for (const w of line.split(' ')) {
      const ww = measure(w)
      words.push({ text: w, x, y: top + k * lh + px * 0.9, w: ww })
      x += ww + space
    }
  })
  return { font: ctx.font, px, words, first, paged: first > 0 || lines !== big }
}

/** scene.ts's ShotRenderer, spelled out here: importing it would make scene.ts and this module a cycle. */
export interface LyricRenderer {
  canvas: Canvas
  renderFrame(i: number, opts?: { captions?: boolean }): void
}

export function createLyricRenderer(req: SegmentRequest, init?: Image): LyricRenderer {
  const { width: W, height: H, shot } = req
  const canvas = createCanvas(W, H)
  const ctx = canvas.getContext('2d')
  const family = req.style.captionFont || CAPTION_FONT_FAMILY
  const pal: Rgb[] = (req.location.palette.length ? req.location.palette : req.style.palette).map(hexToRgb)
  const byLuma = [...pal].sort((a, b) => luma(a) - luma(b))
  const deep = scale(byLuma[0], 0.35)
  const mid = scale(byLuma[Math.min(1, byLuma.length - 1)], 0.5)
  const accent = mix(byLuma[byLuma.length - 1], [255, 255, 255], 0.45)
  const rng = mulberry32(mixSeed(shot.seed, 'lyric'))
  const blobs = Array.from({ length: 4 }, (_, k) => ({ x: rng(), y: rng(), r: 0.25 + 0.2 * rng(), c: pal[k % pal.length], sp: 0.1 + 0.2 * rng(), ph: rng() * 6.28 }))
  const sky = ctx.createLinearGradient(0, 0, 0, H)
  sky.addColorStop(0, css(deep))
  sky.addColorStop(1, css(mid))
  let cache: { key: string; layout: ReturnType<typeof layoutBig>; reveal: number[] } | undefined
  // Percussive hits with a short decay: the background jumps on them, so the shot moves with the
  // music's onsets (a ring that only glides with the beat phase measured AV-Align 0 and was rejected).
  const hits = new Float32Array(req.frames)
  for (let i = 0, h = 0; i < req.frames; i++) {
    h = Math.max(Math.max(0, Math.min(1, req.controls[Math.min(i, req.controls.length - 1)]?.hit ?? 0)), h * 0.6)
    hits[i] = h * Math.max(0.3, Math.min(1, shot.motionGain))
  }

  const renderFrame = (i: number, opts?: { captions?: boolean }) => {
    const fc = req.controls[Math.min(i, req.controls.length - 1)]
    const abs = shot.startFrame + i
    const t = abs / req.fps
    const beatPhase = fc?.beatPhase ?? 0
    const energy = Math.max(0, Math.min(1, fc?.loudness ?? 0.3))
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.globalAlpha = 1
    ctx.fillStyle = sky
    ctx.fillRect(0, 0, W, H)
    // The background jumps towards the viewer on a hit (a zoom, not a flash: a flash reads as flicker).
    const z = 1 + 0.12 * hits[i]
    ctx.setTransform(z, 0, 0, z, (W / 2) * (1 - z), (H / 2) * (1 - z))
    // Soft colour fields drifting, swelling with the loudness.
    ctx.globalCompositeOperation = 'lighter'
    for (const b of blobs) {
      const x = (b.x + 0.08 * Math.sin(t * b.sp + b.ph)) * W
      const y = (b.y + 0.08 * Math.cos(t * b.sp * 1.3 + b.ph)) * H
      const r = b.r * Math.max(W, H) * (0.85 + 0.3 * energy + 0.35 * hits[i])
      const g = ctx.createRadialGradient(x, y, 0, x, y, r)
      g.addColorStop(0, css(b.c, 0.2))
      g.addColorStop(1, css(b.c, 0))
      ctx.fillStyle = g
      ctx.fillRect(x - r, y - r, 2 * r, 2 * r)
    }
    ctx.globalCompositeOperation = 'source-over'
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    // A ring that leaves the centre on every beat.
    ctx.strokeStyle = css(accent, 0.35 * (1 - beatPhase))
    ctx.lineWidth = Math.max(2, H * 0.012 * (1 - beatPhase))
    ctx.beginPath()
    ctx.arc(W / 2, H / 2, Math.min(W, H) * (0.2 + 0.5 * beatPhase), 0, Math.PI * 2)
    ctx.stroke()
    if (init && i < 8) {
      const a = 1 - i / 8
      ctx.globalAlpha = a * a * (3 - 2 * a)
      ctx.drawImage(init, 0, 0, W, H)
      ctx.globalAlpha = 1
    }
    const c = shot.captions.find((k) => abs >= k.startFrame && abs < k.endFrame)
    if (!c || req.hideCaptions || opts?.captions === false) return
    const text = cleanCaption(c.text)
    if (!text) return
    const key = `${text}\u0000${c.lineStartFrame ?? c.startFrame}`
    if (cache?.key !== key) {
      cache = { key, layout: layoutBig(ctx, text, W, H, family, abs, c), reveal: wordRevealFrames(text.split(' ').length, c, req.controls, shot.startFrame, req.fps) }
    } else if (cache.layout.paged) cache.layout = layoutBig(ctx, text, W, H, family, abs, c)
    const layout = cache.layout
    const reveal = cache.reveal
    const alpha = captionAlpha(c, abs)
    ctx.font = layout.font
    ctx.textAlign = 'left'
    ctx.textBaseline = 'alphabetic'
    const newest = reveal.reduce((n, r, k) => (r <= abs ? k : n), -1)
    layout.words.forEach((w, k) => {
      const at = reveal[layout.first + k] ?? 0
      if (abs < at) return
      const age = abs - at
      const a = Math.min(1, (age + 1) / 4)
      // Pops in large and settles; the newest word pulses on each beat.
      const isNew = layout.first + k === newest
      const s = 1 + 0.15 * (1 - a) * (1 - a) + (isNew ? 0.06 * (1 - beatPhase) : 0)
      ctx.setTransform(s, 0, 0, s, (w.x + w.w / 2) * (1 - s), (w.y - layout.px * 0.35) * (1 - s))
      ctx.globalAlpha = alpha * a
      ctx.fillStyle = 'rgba(0,0,0,0.45)'
      ctx.fillText(w.text, w.x + layout.px * 0.04, w.y + layout.px * 0.05)
      ctx.fillStyle = isNew ? css(accent) : 'rgb(255,255,255)'
      ctx.fillText(w.text, w.x, w.y)
    })
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.globalAlpha = 1
  }
  return { canvas, renderFrame }
}
