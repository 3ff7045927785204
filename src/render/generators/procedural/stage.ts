import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import type { FrameControl } from '../../../schemas/index.js'

/**
 * World space: the frame plus a margin on every side, so camera moves (pan, crane, shake, zoom
 * out to 1) never uncover an edge. Painters work in world pixels; X/Y map frame fractions there.
 */
export interface Stage {
  W: number
  H: number
  LW: number
  LH: number
  /** World coords of the frame's top-left at rest. */
  ox: number
  oy: number
  X(fx: number): number
  Y(fy: number): number
}

export const MARGIN = 0.16

export function makeStage(W: number, H: number): Stage {
  const ox = Math.ceil(W * MARGIN)
  const oy = Math.ceil(H * MARGIN)
  return { W, H, LW: W + 2 * ox, LH: H + 2 * oy, ox, oy, X: (fx) => ox + fx * W, Y: (fy) => oy + fy * H }
}

/** What changes from frame to frame, for animated parts of a world and the figures. */
export interface FrameState {
  /** Frame index within the shot. */
  i: number
  /** Seconds since the shot started. */
  t: number
  fc: FrameControl
  /** Percussive hit envelope (hit with a short decay) × motion gain, 0..1. */
  hitEnv: number
  /** Smoothed loudness 0..1. */
  energy: number
  /** True while a caption is on screen (figures lip-sync to it). */
  singing: boolean
}

/** A parallax layer: a pre-rendered band image and/or an animated painter, at a depth 0 (far) .. 1 (figures). */
export interface Layer {
  depth: number
  image?: { canvas: Canvas; y0: number; alpha?: (f: FrameState) => number; additive?: boolean }
  draw?(ctx: SKRSContext2D, f: FrameState): void
}

/** Pre-renders the world rows [y0, y1) into an offscreen canvas (only that band is blitted per frame). */
export function band(s: Stage, y0: number, y1: number, paint: (ctx: SKRSContext2D) => void): { canvas: Canvas; y0: number } {
  const top = Math.max(0, Math.floor(y0))
  const h = Math.max(1, Math.ceil(Math.min(s.LH, y1)) - top)
  const canvas = createCanvas(s.LW, h)
  const ctx = canvas.getContext('2d')
  ctx.translate(0, -top)
  paint(ctx)
  return { canvas, y0: top }
}
