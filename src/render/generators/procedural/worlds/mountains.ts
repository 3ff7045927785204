import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale, type Rgb } from '../colour.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import { band, type Layer } from '../stage.js'
import { ridge, silhouette, skyLayer, snowLayer, tree } from './layers.js'
import type { Painter } from './types.js'

/** Jagged peaks with snowcaps, filled down to the bottom of the world. */
function peaks(ctx: SKRSContext2D, s: { LW: number; LH: number; H: number }, rng: () => number, base: number, hMin: number, hMax: number, col: Rgb, cap: Rgb | null): void {
  const pts: Array<[number, number]> = []
  let x = -s.H * 0.1
  while (x < s.LW + s.H * 0.2) {
    const w = s.H * range(rng, 0.12, 0.3)
    pts.push([x + w / 2, base - s.H * range(rng, hMin, hMax)], [x + w, base - s.H * range(rng, hMin * 0.3, hMin * 0.8)])
    x += w
  }
  ctx.beginPath()
  ctx.moveTo(0, s.LH)
  ctx.lineTo(-s.H * 0.1, base)
  for (const [px, py] of pts) ctx.lineTo(px, py)
  ctx.lineTo(s.LW, s.LH)
  ctx.closePath()
  ctx.fillStyle = css(col)
  ctx.fill()
  if (!cap) return
  ctx.save()
  ctx.clip()
  ctx.fillStyle = css(cap)
  for (let k = 0; k < pts.length; k += 2) {
    const [px, py] = pts[k]
    const d = (base - py) * 0.2
    ctx.beginPath()
    ctx.moveTo(px - d * 1.4, py + d)
    ctx.lineTo(px, py - 2)
    ctx.lineTo(px + d * 1.4, py + d)
    ctx.lineTo(px + d * 0.5, py + d * 0.7)
    ctx.lineTo(px, py + d * 1.1)
    ctx.lineTo(px - d * 0.6, py + d * 0.75)
    ctx.closePath()
    ctx.fill()
  }
  ctx.restore()
}

/** Ranges of snow-capped peaks over a meadow; mist drifts through the valley with the music. */
export const mountains: Painter = (s, loc, L, rng) => {
  const horizon = 0.62
  const p = loc.palette.map(hexToRgb)
  const rock = mix([95, 100, 120], p[0], 0.2)
  const snowCap = mix([245, 248, 255], L.light, 0.2)
  const layers: Layer[] = [skyLayer(s, L, rng, { horizon, stars: 120, bodyR: 0.05 })]
  const ranges = [
    { depth: 0.1, base: horizon, h: [0.22, 0.4], cap: true },
    { depth: 0.3, base: horizon + 0.06, h: [0.12, 0.26], cap: true },
    { depth: 0.6, base: horizon + 0.13, h: [0.05, 0.12], cap: false },
  ]
  for (const r of ranges) {
    const img = band(s, s.Y(r.base - r.h[1]) - 4, s.LH, (ctx) => {
      const col = silhouette(L, r.cap ? rock : mix([50, 90, 55], p[1], 0.25), r.depth)
      peaks(ctx, s, rng, s.Y(r.base), r.h[0], r.h[1], col, r.cap ? mix(L.haze, scale(snowCap, 0.5 + 0.5 * L.ambient), 0.5 + 0.5 * r.depth) : null)
    })
    layers.push({ depth: r.depth, image: img })
  }
  const mr = mulberry32(mixSeed(loc.seed, 'mist'))
  const mist = Array.from({ length: 6 }, () => [mr(), mr(), mr()] as const)
  layers.push({
    depth: 0.45,
    draw: (ctx, f) => {
      // Long thin banks low in the valley, more opaque when loud.
      ctx.fillStyle = css(mix(L.haze, [255, 255, 255], 0.4), 0.03 + 0.09 * f.energy)
      for (const [a, b, c] of mist) {
        const x = ((a * s.LW + f.t * s.W * 0.03 * (1 + c)) % (s.LW + s.W * 0.8)) - s.W * 0.4
        const y = s.Y(horizon - 0.02 + b * 0.08)
        ctx.beginPath()
        ctx.ellipse(x, y, s.W * (0.3 + 0.2 * c), s.H * 0.012, 0, 0, Math.PI * 2)
        ctx.ellipse(x + s.W * 0.1, y - s.H * 0.01, s.W * (0.2 + 0.1 * c), s.H * 0.008, 0, 0, Math.PI * 2)
        ctx.fill()
      }
    },
  })
  const meadow = band(s, s.Y(0.78), s.LH, (ctx) => {
    const green = mix([70, 120, 60], p[1], 0.25)
    const g = ctx.createLinearGradient(0, s.Y(0.78), 0, s.LH)
    g.addColorStop(0, css(silhouette(L, green, 1)))
    g.addColorStop(1, css(scale(green, 0.35 + 0.3 * L.ambient)))
    ctx.fillStyle = g
    ridge(ctx, s, rng, s.Y(0.8), s.H * 0.02, 1, g)
  })
  layers.push({ depth: 1, image: meadow })
  return { layers, foreground: [], groundY: 0.9, horizon: 0.8, glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.45 } }
}

/** Snowy hills and snow-laden pines, snowfall blown harder as the music rises. */
export const snow: Painter = (s, loc, L, rng) => {
  const horizon = 0.6
  const p = loc.palette.map(hexToRgb)
  const white = scale(mix([236, 242, 252], p[0], 0.08), 0.55 + 0.45 * Math.max(L.ambient, 0.5))
  const layers: Layer[] = [skyLayer(s, L, rng, { horizon, stars: 90, bodyR: 0.05 })]
  layers.push({
    depth: 0.15,
    image: band(s, s.Y(horizon - 0.25), s.LH, (ctx) => peaks(ctx, s, rng, s.Y(horizon), 0.1, 0.24, mix(L.haze, white, 0.6), null)),
  })
  const pines = band(s, s.Y(horizon - 0.3), s.LH, (ctx) => {
    ridge(ctx, s, rng, s.Y(horizon + 0.08), s.H * 0.03, 1.2, css(mix(L.haze, white, 0.8)))
    const dark = css(silhouette(L, mix([25, 60, 45], p[1], 0.2), 0.6))
    for (let x = -20; x < s.LW + 20; x += s.H * range(rng, 0.05, 0.14) * (1.4 - loc.shape.density * 0.6)) {
      const h = s.H * range(rng, 0.14, 0.28)
      const g = s.Y(horizon + 0.09 + rng() * 0.03)
      tree(ctx, x, g, h, dark, rng)
      // Snow on the boughs.
      ctx.fillStyle = css(white)
      for (let t = 0; t < 3; t++) {
        const top = g - h + (t * h * 0.68) / 3
        const w = h * (0.18 + (t * 0.22) / 3) * 0.8
        ctx.beginPath()
        ctx.moveTo(x, top)
        ctx.lineTo(x - w * 0.55, top + h * 0.16)
        ctx.lineTo(x + w * 0.55, top + h * 0.16)
        ctx.fill()
      }
    }
  })
  layers.push({ depth: 0.45, image: pines })
  const field = band(s, s.Y(0.76), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(0.76), 0, s.LH)
    g.addColorStop(0, css(white))
    g.addColorStop(1, css(mix(white, [150, 170, 210], 0.35)))
    ridge(ctx, s, rng, s.Y(0.8), s.H * 0.025, 1.1, g)
  })
  layers.push({ depth: 1, image: field })
  return { layers, foreground: [snowLayer(s, rng)], groundY: 0.9, horizon: 0.8, glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.45 } }
}
