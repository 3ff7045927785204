/**
 * Silhouette shots: the figures as dark shapes against a bright light behind them. The figures are
 * drawn as usual into an offscreen layer, which is then flooded with a dark colour (keeping only its
 * shape) and laid over a wide glow placed behind the group.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, type Rgb } from './colour.js'

export interface SilhouettePass {
  /** Paints the light behind the figures (screen space; after the world, before the figures). */
  backlight(ctx: SKRSContext2D, cx: number, cy: number, energy: number): void
  /**
   * A cleared offscreen context to draw the figures into, with the same transform as the frame;
   * `box` (screen pixels) bounds the figures, so only that part of the layer is touched per frame.
   */
  figures(transform: [number, number, number], box: Box): SKRSContext2D
  /** Lays the figures, flooded dark, over the frame. */
  composite(ctx: SKRSContext2D): void
}

export interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

export function createSilhouettePass(W: number, H: number, light: Rgb, sky: Rgb): SilhouettePass {
  const layer: Canvas = createCanvas(W, H)
  const lctx = layer.getContext('2d')
  const bright = mix(light, [255, 255, 255], 0.35)
  const dark = mix(sky, [0, 0, 0], 0.85)
  let r = { x: 0, y: 0, w: W, h: H }
  return {
    backlight(ctx, cx, cy, energy) {
      const r = H * (0.85 + 0.15 * energy)
      const g = ctx.createRadialGradient(cx, cy, 0, cx, cy, r)
      g.addColorStop(0, css(bright, 1))
      g.addColorStop(0.3, css(bright, 0.85))
      g.addColorStop(0.65, css(light, 0.4))
      g.addColorStop(1, css(light, 0))
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.globalCompositeOperation = 'screen'
      ctx.fillStyle = g
      ctx.fillRect(0, 0, W, H)
      ctx.globalCompositeOperation = 'source-over'
    },
    figures([s, tx, ty], box) {
      const x = Math.max(0, Math.floor(box.x0))
      const y = Math.max(0, Math.floor(box.y0))
      r = { x, y, w: Math.max(1, Math.min(W, Math.ceil(box.x1)) - x), h: Math.max(1, Math.min(H, Math.ceil(box.y1)) - y) }
      lctx.setTransform(1, 0, 0, 1, 0, 0)
      lctx.globalCompositeOperation = 'source-over'
      lctx.clearRect(r.x, r.y, r.w, r.h)
      lctx.setTransform(s, 0, 0, s, tx, ty)
      return lctx
    },
    composite(ctx) {
      lctx.setTransform(1, 0, 0, 1, 0, 0)
      // Flood the figures' shape dark (source-in keeps only where they were drawn).
      lctx.globalCompositeOperation = 'source-in'
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      lctx.fillStyle = css(dark)
      lctx.fillRect(r.x, r.y, r.w, r.h)
      lctx.globalCompositeOperation = 'source-over'
      ctx.drawImage(layer, r.x, r.y, r.w, r.h, r.x, r.y, r.w, r.h)
    },
  }
}
