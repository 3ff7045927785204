import { createCanvas, type Canvas } from '@napi-rs/canvas'
import { mulberry32 } from './prng.js'

/** Film grain: a small precomputed noise tile (grey around mid-level), blitted with an offset per frame. */
export function grainTile(seed: number, strength: number, size = 192): Canvas {
  const c = createCanvas(size, size)
  const ctx = c.getContext('2d')
  const img = ctx.createImageData(size, size)
  const rng = mulberry32(seed)
  const amp = 255 * strength
  for (let i = 0; i < size * size; i++) {
    // Sum of two uniforms: a softer, more film-like distribution than flat noise.
    const v = (rng() + rng() - 1) * amp
    const bright = v > 0
    img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = bright ? 255 : 0
    img.data[i * 4 + 3] = Math.min(255, Math.abs(v))
  }
  ctx.putImageData(img, 0, 0)
  return c
}

/** Vignette: transparent centre to dark corners, computed once per shot. */
export function vignette(W: number, H: number, strength: number): Canvas {
  const c = createCanvas(W, H)
  const ctx = c.getContext('2d')
  const r = Math.hypot(W, H) / 2
  const g = ctx.createRadialGradient(W / 2, H / 2, r * 0.45, W / 2, H / 2, r)
  g.addColorStop(0, 'rgba(0,0,0,0)')
  g.addColorStop(1, `rgba(0,0,0,${(0.85 * strength).toFixed(3)})`)
  ctx.fillStyle = g
  ctx.fillRect(0, 0, W, H)
  return c
}
