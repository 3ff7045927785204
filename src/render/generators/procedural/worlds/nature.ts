import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale } from '../colour.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import { band, type Layer } from '../stage.js'
import { ridge, silhouette, skyLayer, tree } from './layers.js'
import type { Painter } from './types.js'

export const dunes: Painter = (s, loc, L, rng) => {
  const horizon = 0.58
  const p = loc.palette.map(hexToRgb)
  const sand = mix([222, 170, 105], p[0], 0.3)
  const layers: Layer[] = [skyLayer(s, L, rng, { horizon: horizon + 0.05, stars: 120, bodyR: 0.1 })]
  const n = 4
  for (let k = 0; k < n; k++) {
    const depth = 0.15 + (0.85 * k) / (n - 1)
    const base = s.Y(horizon + 0.05 + k * 0.1)
    const amp = s.H * (0.04 + k * 0.025)
    const img = band(s, base - amp * 1.3, s.LH, (ctx) => {
      const lit = scale(mix(L.haze, sand, 0.3 + 0.7 * depth), 0.55 + 0.45 * L.ambient)
      const g = ctx.createLinearGradient(0, base - amp, 0, base + s.H * 0.25)
      g.addColorStop(0, css(mix(lit, L.light, 0.25)))
      g.addColorStop(1, css(scale(lit, 0.6)))
      ridge(ctx, s, rng, base, amp, 1.2 + rng(), g)
    })
    layers.push({ depth, image: img })
  }
  // Sand blowing off the crests, faster and thicker when loud.
  const ar = mulberry32(mixSeed(loc.seed, 'sand'))
  const wisps = Array.from({ length: 18 }, () => [ar(), ar(), ar()] as const)
  layers.push({
    depth: 0.9,
    draw: (ctx, f) => {
      ctx.fillStyle = css(mix(sand, [255, 245, 225], 0.5), 0.18 + 0.3 * f.energy)
      for (const [a, b, c] of wisps) {
        const x = ((a * s.LW + f.t * s.W * (0.05 + 0.25 * f.energy) * (0.6 + c)) % (s.LW + s.W * 0.2)) - s.W * 0.1
        ctx.fillRect(x, s.Y(0.66 + b * 0.28), s.W * (0.04 + 0.08 * c), Math.max(1, s.H * 0.003))
      }
    },
  })
  return { layers, foreground: [], groundY: 0.9, horizon: horizon + 0.05, glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.5 } }
}

export const forest: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const green = mix([30, 70, 45], p[0], 0.3)
  const layers: Layer[] = [skyLayer(s, L, rng, { horizon: 0.7, stars: 100, bodyR: 0.06 })]
  const rows = [
    { depth: 0.15, ground: 0.66, h: 0.3, gap: 0.035 },
    { depth: 0.4, ground: 0.74, h: 0.45, gap: 0.06 },
    { depth: 0.7, ground: 0.82, h: 0.7, gap: 0.11 },
  ]
  for (const r of rows) {
    const col = css(silhouette(L, green, r.depth))
    const img = band(s, s.Y(r.ground - r.h * 1.2), s.LH, (ctx) => {
      ctx.fillStyle = col
      ctx.fillRect(0, s.Y(r.ground) - 2, s.LW, s.LH)
      for (let x = -rng() * 40; x < s.LW + 40; x += r.gap * s.H * (1.4 - loc.shape.density * 0.6) * range(rng, 0.6, 1.4)) {
        tree(ctx, x, s.Y(r.ground), r.h * s.H * range(rng, 0.7, 1.2), col, rng)
      }
    })
    layers.push({ depth: r.depth, image: img })
  }
  // Light shafts through the canopy, drawn per frame (cheaper than blitting a full additive layer); strength follows loudness.
  const shafts = Array.from({ length: 5 }, () => ({ x: s.X(range(rng, 0.05, 0.95)), w: s.H * range(rng, 0.04, 0.12), ph: rng() * 6.28 }))
  const shaftGrad = (ctx: SKRSContext2D) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(0.9))
    g.addColorStop(0, css(L.light, 0.3))
    g.addColorStop(1, css(L.light, 0))
    return g
  }
  layers.push({
    depth: 0.75,
    draw: (ctx, f) => {
      ctx.globalCompositeOperation = 'lighter'
      ctx.fillStyle = shaftGrad(ctx)
      for (const sh of shafts) {
        ctx.globalAlpha = Math.min(1, 0.3 + 0.7 * f.energy) * (0.75 + 0.25 * Math.sin(f.t * 0.8 + sh.ph))
        ctx.beginPath()
        ctx.moveTo(sh.x, 0)
        ctx.lineTo(sh.x + sh.w, 0)
        ctx.lineTo(sh.x + sh.w * 2.5 + s.H * 0.35, s.Y(0.9))
        ctx.lineTo(sh.x + s.H * 0.35, s.Y(0.9))
        ctx.closePath()
        ctx.fill()
      }
      ctx.globalAlpha = 1
      ctx.globalCompositeOperation = 'source-over'
    },
  })
  const floor = band(s, s.Y(0.77), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(0.77), 0, s.LH)
    g.addColorStop(0, css(silhouette(L, mix(green, [60, 45, 30], 0.5), 1)))
    g.addColorStop(1, css(scale(green, 0.25)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(0.77), s.LW, s.LH)
  })
  layers.push({ depth: 1, image: floor })
  // Two big trunks framing the shot in front of everything (two rects: cheaper than a full-frame layer).
  const trunkCol = css(scale(green, 0.12))
  const trunks: Layer = {
    depth: 1.25,
    draw: (ctx) => {
      ctx.fillStyle = trunkCol
      const tw = s.W * 0.1
      ctx.fillRect(s.X(0.055) - tw, 0, tw, s.LH)
      ctx.fillRect(s.X(0.96), 0, tw, s.LH)
    },
  }
  return {
    layers,
    foreground: [trunks],
    groundY: 0.9,
    horizon: 0.77,
    glow: { x: L.lightPos.x, y: 0.05, colour: L.light, radius: 0.5 },
  }
}
