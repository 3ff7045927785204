import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale, type Rgb } from '../colour.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import { band, type FrameState, type Layer } from '../stage.js'
import { ridge, silhouette, skyLayer, snowLayer, tree } from './layers.js'
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
    const d = (base - py) * 0.3
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
      ctx.fillStyle = css(mix(L.haze, [255, 255, 255], 0.4), 0.06 + 0.14 * f.energy)
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

/** A straight road to the vanishing point across flat desert, mesas on the horizon; the dashes rush past on the beat. */
export const desertRoad: Painter = (s, loc, L, rng) => {
  const horizon = 0.55
  const p = loc.palette.map(hexToRgb)
  const sand = mix([214, 160, 100], p[0], 0.25)
  const vx = s.X(0.5)
  const mesas = band(s, s.Y(horizon - 0.15), s.Y(horizon) + 2, (ctx) => {
    ctx.fillStyle = css(silhouette(L, mix([150, 80, 50], p[1], 0.2), 0.25))
    let x = -rng() * s.W * 0.1
    while (x < s.LW) {
      const w = s.W * range(rng, 0.06, 0.18)
      const h = s.H * range(rng, 0.04, 0.12)
      if (rng() < 0.7) {
        ctx.beginPath()
        ctx.moveTo(x, s.Y(horizon) + 2)
        ctx.lineTo(x + w * 0.15, s.Y(horizon) - h)
        ctx.lineTo(x + w * 0.85, s.Y(horizon) - h)
        ctx.lineTo(x + w, s.Y(horizon) + 2)
        ctx.fill()
      }
      x += w + s.W * range(rng, 0.02, 0.15)
    }
  })
  const floor = band(s, s.Y(horizon), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(mix(scale(sand, 0.5 + 0.5 * L.ambient), L.skyHorizon, 0.35)))
    g.addColorStop(1, css(scale(sand, 0.35 + 0.5 * L.ambient)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
    ctx.fillStyle = css(scale([52, 50, 54], 0.5 + 0.5 * L.ambient))
    ctx.beginPath()
    ctx.moveTo(vx - s.W * 0.006, s.Y(horizon))
    ctx.lineTo(vx + s.W * 0.006, s.Y(horizon))
    ctx.lineTo(vx + s.W * 0.7, s.LH)
    ctx.lineTo(vx - s.W * 0.7, s.LH)
    ctx.closePath()
    ctx.fill()
    // Telegraph poles receding along the right of the road.
    ctx.fillStyle = css(scale([60, 45, 35], 0.5 + 0.5 * L.ambient))
    for (let k = 1; k < 9; k++) {
      const z = Math.pow(k / 8, 2.2)
      const x = vx + s.W * (0.04 + 0.9 * z)
      const y = s.Y(horizon) + (s.LH - s.Y(horizon)) * z * 0.7
      const h = s.H * (0.02 + 0.5 * z)
      ctx.fillRect(x, y - h, Math.max(1, h * 0.03), h)
      ctx.fillRect(x - h * 0.12, y - h * 0.92, h * 0.27, Math.max(1, h * 0.02))
    }
  })
  const dashes = (ctx: SKRSContext2D, f: FrameState) => {
    const scroll = f.fc.beatPhase
    ctx.fillStyle = 'rgba(245,225,140,0.9)'
    const depthRange = s.LH - s.Y(horizon)
    for (let k = 0; k < 10; k++) {
      const z0 = Math.pow((k + scroll) / 10, 2.4)
      const z1 = Math.pow((k + scroll + 0.45) / 10, 2.4)
      const y0 = s.Y(horizon) + depthRange * z0
      const y1 = s.Y(horizon) + depthRange * z1
      const w0 = s.W * 0.003 + s.W * 0.012 * z0
      const w1 = s.W * 0.003 + s.W * 0.012 * z1
      ctx.beginPath()
      ctx.moveTo(vx - w0, y0)
      ctx.lineTo(vx + w0, y0)
      ctx.lineTo(vx + w1, y1)
      ctx.lineTo(vx - w1, y1)
      ctx.fill()
    }
  }
  return {
    layers: [skyLayer(s, L, rng, { horizon, stars: 150, bodyR: 0.08 }), { depth: 0.15, image: mesas }, { depth: 1, image: floor, draw: dashes }],
    foreground: [],
    groundY: 0.92,
    horizon,
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.5 },
  }
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
