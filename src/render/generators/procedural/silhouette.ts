/**
 * Silhouette shots: the figures as dark shapes against a bright light behind them. The figures are
 * drawn as usual into an offscreen layer, which is then flooded with a dark colour (keeping only its
 * shape) and laid over a wide glow placed behind the group, with a thin rim on the light's side.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, type Rgb } from './colour.js'

export interface SilhouettePass {
  /** Paints the light behind the figures (screen space; after the world, before the figures). */
  backlight(ctx: SKRSContext2D, cx: number, cy: number, energy: number): void
  /** A cleared offscreen context to draw the figures into, with the same transform as the frame. */
  figures(transform: [number, number, number]): SKRSContext2D
  /** Lays the figures, flooded dark with a rim, over the frame. */
  composite(ctx: SKRSContext2D): void
}

export function createSilhouettePass(W: number, H: number, light: Rgb, sky: Rgb): SilhouettePass {
  const layer: Canvas = createCanvas(W, H)
  const lctx = layer.getContext('2d')
  const bright = mix(light, [255, 255, 255], 0.35)
  const dark = mix(sky, [0, 0, 0], 0.85)
  const rimDx = Math.max(1, Math.round(W / 420))
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
    figures([s, tx, ty]) {
      lctx.setTransform(1, 0, 0, 1, 0, 0)
      lctx.globalCompositeOperation = 'source-over'
      lctx.clearRect(0, 0, W, H)
      lctx.setTransform(s, 0, 0, s, tx, ty)
      return lctx
    },
    composite(ctx) {
      lctx.setTransform(1, 0, 0, 1, 0, 0)
      // Rim first: the shape in the light's colour, nudged up, then the dark shape over it.
      lctx.globalCompositeOperation = 'source-in'
      lctx.fillStyle = css(bright)
      lctx.fillRect(0, 0, W, H)
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.drawImage(layer, 0, -rimDx)
      lctx.fillStyle = css(dark)
      lctx.fillRect(0, 0, W, H)
      lctx.globalCompositeOperation = 'source-over'
      ctx.drawImage(layer, 0, 0)
    },
  }
}
