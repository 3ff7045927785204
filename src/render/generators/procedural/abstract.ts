/**
 * Abstract inserts for instrumental breaks: full-frame shapes driven by the music. Rings burst out
 * on percussive hits, a polygon turns with the beat and swells with loudness, radial bars follow
 * the energy, and the colours follow the harmony's hue over the section's mood colour.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import type { FrameControl } from '../../../schemas/index.js'
import type { SegmentRequest } from '../types.js'
import { CAPTION_FONT_FAMILY, drawCaption } from './captions.js'
import { css, hexToRgb, hsl, mix, type Rgb } from './colour.js'
import { mixSeed, mulberry32 } from './prng.js'

const BARS = 36
const MAX_RINGS = 6
const RING_SECONDS = 0.9

export function createAbstractRenderer(
  req: SegmentRequest,
  envelopes: { energy: Float32Array; hit: Float32Array },
  control: (i: number) => FrameControl,
): { canvas: Canvas; renderFrame(i: number, opts?: { captions?: boolean }): void } {
  const { width: W, height: H, shot } = req
  const canvas = createCanvas(W, H)
  const ctx = canvas.getContext('2d')
  const rng = mulberry32(mixSeed(shot.seed, 'abstract'))
  const base: Rgb = req.mood ? hexToRgb(req.mood.colour) : hexToRgb(req.style.palette[0] ?? '#6040c0')
  const accent: Rgb = hexToRgb(req.style.palette[1] ?? '#f0a040')
  const sides = 3 + Math.floor(rng() * 4)
  const barJitter = Array.from({ length: BARS }, () => 0.6 + 0.8 * rng())
  const spin = rng() < 0.5 ? -1 : 1
  const cx = W * (0.42 + 0.16 * rng())
  const cy = H * (0.42 + 0.16 * rng())
  const R = Math.hypot(W, H) / 2
  // Ring births: the frames where the hit envelope jumps (precomputed, so any frame renders alone).
  const births: number[] = []
  for (let i = 1; i < envelopes.hit.length; i++) if (envelopes.hit[i] > envelopes.hit[i - 1] + 0.15) births.push(i)

  const polygon = (c: SKRSContext2D, r: number, rot: number) => {
    c.beginPath()
    for (let k = 0; k <= sides; k++) {
      const a = rot + (k / sides) * Math.PI * 2
      const x = cx + Math.cos(a) * r
      const y = cy + Math.sin(a) * r
      if (k === 0) c.moveTo(x, y)
      else c.lineTo(x, y)
    }
    c.closePath()
  }

  const renderFrame = (i: number, opts?: { captions?: boolean }) => {
    const fc = control(i)
    const e = envelopes.energy[i]
    const h = envelopes.hit[i]
    const t = i / req.fps
    const rings = births.filter((b) => b <= i && i - b < RING_SECONDS * req.fps).slice(-MAX_RINGS)
    const hue = hsl(fc.hue, 0.75, 0.5)
    const tint = mix(base, hue, 0.45)
    const glow = mix(accent, hue, 0.3)

    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.globalCompositeOperation = 'source-over'
    const bg = ctx.createRadialGradient(cx, cy, 0, cx, cy, R)
    bg.addColorStop(0, css(mix(tint, [255, 255, 255], 0.15 + 0.25 * e + 0.3 * h)))
    bg.addColorStop(1, css(mix(tint, [0, 0, 0], 0.8 - 0.25 * h)))
    ctx.fillStyle = bg
    ctx.fillRect(0, 0, W, H)

    // Radial bars: energy with a per-bar wobble, turning slowly (the floor of motion).
    const rot = spin * (t * 0.35 + 0.5 * fc.barPhase)
    ctx.globalCompositeOperation = 'lighter'
    ctx.strokeStyle = css(glow, 0.35 + 0.4 * e)
    ctx.lineWidth = Math.max(1, H * 0.012)
    ctx.beginPath()
    for (let k = 0; k < BARS; k++) {
      const a = rot + (k / BARS) * Math.PI * 2
      const wob = 0.5 + 0.5 * Math.sin(t * 2.1 + k * 1.7)
      const r0 = H * 0.2
      const r1 = r0 + H * (0.06 + 0.35 * e * barJitter[k] * (0.6 + 0.4 * wob) + 0.12 * h)
      ctx.moveTo(cx + Math.cos(a) * r0, cy + Math.sin(a) * r0)
      ctx.lineTo(cx + Math.cos(a) * r1, cy + Math.sin(a) * r1)
    }
    ctx.stroke()

    // Rings burst out from each hit and fade as they grow.
    for (const born of rings) {
      const age = (i - born) / req.fps
      const r = H * (0.15 + age * 0.9)
      const a = Math.max(0, 0.6 - age * 0.7)
      if (a <= 0 || r > R * 1.2) continue
      ctx.strokeStyle = css(mix(glow, [255, 255, 255], 0.4), a)
      ctx.lineWidth = Math.max(1, H * (0.02 - age * 0.01))
      ctx.beginPath()
      ctx.arc(cx, cy, r, 0, Math.PI * 2)
      ctx.stroke()
    }

    // The polygon: turns with the beat phase, swells with loudness and hits.
    ctx.globalCompositeOperation = 'source-over'
    const pr = H * (0.1 + 0.1 * e + 0.06 * h)
    polygon(ctx, pr, -rot * 1.5 + fc.beatPhase * (Math.PI / sides))
    ctx.fillStyle = css(mix(tint, [255, 255, 255], 0.55 + 0.3 * h))
    ctx.fill()
    ctx.lineWidth = Math.max(1, H * 0.008)
    ctx.strokeStyle = css(glow)
    ctx.stroke()

    const abs = shot.startFrame + i
    const caption = shot.captions.find((c) => abs >= c.startFrame && abs < c.endFrame)
    if (caption && !req.hideCaptions && opts?.captions !== false) drawCaption(ctx, caption.text, W, H, 1, req.style.captionFont || CAPTION_FONT_FAMILY)
  }
  return { canvas, renderFrame }
}
