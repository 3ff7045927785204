import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale } from '../colour.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import { band, type FrameState } from '../stage.js'
import { silhouette, skyLayer } from './layers.js'
import type { Painter } from './types.js'

export const shoreline: Painter = (s, loc, L, rng) => {
  const horizon = 0.55
  const p = loc.palette.map(hexToRgb)
  const sea = mix(mix(L.skyTop, [20, 70, 110], 0.5), p[0], 0.25)
  const sky = skyLayer(s, L, rng, { horizon, stars: 140, bodyR: 0.07 })
  // Sun/moon sits just above the sea so its reflection runs to the viewer.
  const headland = band(s, s.Y(horizon - 0.1), s.Y(horizon) + 1, (ctx) => {
    ctx.fillStyle = css(silhouette(L, scale(sea, 0.5), 0.2))
    const left = rng() < 0.5
    ctx.beginPath()
    const x0 = left ? 0 : s.LW
    const dir = left ? 1 : -1
    ctx.moveTo(x0, s.Y(horizon) + 1)
    ctx.lineTo(x0, s.Y(horizon - 0.09))
    ctx.quadraticCurveTo(x0 + dir * s.W * 0.2, s.Y(horizon - 0.1), x0 + dir * s.W * 0.42, s.Y(horizon) + 1)
    ctx.fill()
  })
  const water = band(s, s.Y(horizon), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(mix(sea, L.skyHorizon, 0.45)))
    g.addColorStop(1, css(scale(sea, 0.55 + 0.3 * L.ambient)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
  })
  const waveSeeds = Array.from({ length: 46 }, () => [rng(), rng(), rng()] as const)
  const waves = (ctx: SKRSContext2D, f: FrameState) => {
    // Glints: short strokes that drift and bunch under the light (its reflection column).
    const lx = s.X(L.lightPos.x)
    for (let k = 0; k < waveSeeds.length; k++) {
      const [a, b, c] = waveSeeds[k]
      const v = Math.pow((k + 1) / waveSeeds.length, 1.7)
      const y = s.Y(horizon) + v * (s.LH - s.Y(horizon)) * 0.9 + 3
      const spread = s.W * (0.04 + v * 0.25)
      const x = lx + (a - 0.5) * 2 * spread + Math.sin(f.t * (1 + c) + b * 6) * spread * 0.15
      const len = s.H * (0.02 + v * 0.08) * (0.6 + 0.4 * Math.sin(f.t * 2 + a * 9)) * (0.5 + f.energy)
      ctx.fillStyle = css(L.light, 0.35 + 0.4 * f.energy)
      ctx.fillRect(x - len / 2, y, len, Math.max(1, v * s.H * 0.006))
    }
    // Swell lines across the whole sea.
    ctx.strokeStyle = css(mix(sea, L.skyHorizon, 0.7), 0.45)
    ctx.lineWidth = Math.max(1, s.H * 0.003)
    for (let k = 0; k < 7; k++) {
      const v = Math.pow((k + 0.5) / 7, 1.5)
      const y = s.Y(horizon) + v * (s.LH - s.Y(horizon)) * 0.75 + Math.sin(f.t * 1.3 + k) * s.H * 0.004
      ctx.beginPath()
      for (let x = 0; x <= s.LW; x += 40) ctx.lineTo(x, y + Math.sin(x * 0.012 + f.t * 1.7 + k * 2) * s.H * 0.004 * (1 + v * 3) * (0.5 + f.energy))
      ctx.stroke()
    }
  }
  const beach = band(s, s.Y(0.8), s.LH, (ctx) => {
    const sand = mix([214, 186, 140], p[1], 0.2)
    const c = scale(sand, 0.45 + 0.55 * L.ambient)
    ctx.beginPath()
    ctx.moveTo(0, s.LH)
    for (let x = 0; x <= s.LW; x += 10) ctx.lineTo(x, s.Y(0.84) + Math.sin(x * 0.004 + 1) * s.H * 0.03)
    ctx.lineTo(s.LW, s.LH)
    ctx.closePath()
    const g = ctx.createLinearGradient(0, s.Y(0.82), 0, s.LH)
    g.addColorStop(0, css(mix(c, L.light, 0.15)))
    g.addColorStop(1, css(scale(c, 0.7)))
    ctx.fillStyle = g
    ctx.fill()
    // Foam edge.
    ctx.strokeStyle = css([240, 245, 255], 0.55)
    ctx.lineWidth = Math.max(1.5, s.H * 0.004)
    ctx.beginPath()
    for (let x = 0; x <= s.LW; x += 10) ctx.lineTo(x, s.Y(0.84) + Math.sin(x * 0.004 + 1) * s.H * 0.03)
    ctx.stroke()
  })
  return {
    layers: [sky, { depth: 0.1, image: headland }, { depth: 0.3, image: water, draw: waves }, { depth: 1, image: beach }],
    foreground: [],
    groundY: 0.92,
    horizon,
    slots: { water: horizon + 0.1 },
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.45 },
  }
}

/** Under the sea: light from the surface, rays that sway with the music, kelp, rocks and drifting specks. */
export const underwater: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const deep = mix([6, 40, 70], p[0], 0.2)
  const shallow = mix([40, 150, 180], p[1], 0.2)
  const bright = 0.55 + 0.45 * L.ambient
  const water = band(s, 0, s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.LH)
    g.addColorStop(0, css(scale(shallow, bright)))
    g.addColorStop(1, css(scale(deep, bright * 0.7)))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.LH)
    // The surface seen from below: a bright rippled band.
    ctx.fillStyle = css(mix(shallow, [230, 250, 255], 0.6), 0.5)
    for (let x = 0; x < s.LW; x += s.H * 0.05) ctx.fillRect(x, s.Y(-0.02) + Math.sin(x * 0.05) * s.H * 0.01, s.H * 0.035, s.H * 0.01)
  })
  const rocks = band(s, s.Y(0.55), s.LH, (ctx) => {
    ctx.fillStyle = css(silhouette(L, scale(deep, 0.8), 0.3))
    for (let k = 0; k < 7; k++) {
      ctx.beginPath()
      ctx.ellipse(rng() * s.LW, s.Y(0.76), s.W * range(rng, 0.05, 0.14), s.H * range(rng, 0.06, 0.16), 0, Math.PI, 0)
      ctx.fill()
    }
  })
  const bed = band(s, s.Y(0.74), s.LH, (ctx) => {
    const sand = scale(mix([190, 170, 120], p[2 % p.length], 0.15), bright * 0.8)
    const g = ctx.createLinearGradient(0, s.Y(0.76), 0, s.LH)
    g.addColorStop(0, css(mix(sand, deep, 0.45)))
    g.addColorStop(1, css(scale(sand, 0.7)))
    ctx.beginPath()
    ctx.moveTo(0, s.LH)
    for (let x = 0; x <= s.LW; x += 12) ctx.lineTo(x, s.Y(0.8) + Math.sin(x * 0.006 + 2) * s.H * 0.02)
    ctx.lineTo(s.LW, s.LH)
    ctx.fillStyle = g
    ctx.fill()
  })
  const ar = mulberry32(mixSeed(loc.seed, 'sea'))
  const rays = Array.from({ length: 6 }, () => [s.X(range(ar, 0, 1)), s.H * range(ar, 0.03, 0.08), ar() * 6.28] as const)
  const kelp = Array.from({ length: 9 }, () => [ar() * s.LW, s.H * range(ar, 0.25, 0.5), ar() * 6.28] as const)
  const specks = Array.from({ length: 40 }, () => [ar(), ar(), ar()] as const)
  const kelpCol = css(silhouette(L, mix([30, 90, 50], p[1], 0.2), 0.7))
  const sway = (ctx: SKRSContext2D, f: FrameState) => {
    ctx.globalCompositeOperation = 'lighter'
    for (const [x, w, ph] of rays) {
      ctx.fillStyle = css([170, 230, 255], (0.05 + 0.12 * f.energy) * (0.7 + 0.3 * Math.sin(f.t * 0.9 + ph)))
      const lean = Math.sin(f.t * 0.4 + ph) * s.H * 0.15
      ctx.beginPath()
      ctx.moveTo(x, 0)
      ctx.lineTo(x + w, 0)
      ctx.lineTo(x + w * 2 + lean, s.Y(0.8))
      ctx.lineTo(x + lean, s.Y(0.8))
      ctx.fill()
    }
    ctx.globalCompositeOperation = 'source-over'
    ctx.fillStyle = 'rgba(220,245,255,0.5)'
    for (const [a, b, c] of specks) {
      const y = (((b * s.LH - f.t * s.H * 0.02 * (1 + c)) % s.LH) + s.LH) % s.LH
      ctx.fillRect(a * s.LW + Math.sin(f.t + c * 9) * 6, y, 2, 2)
    }
    // Kelp: segmented strands bending with the swell and the loudness.
    ctx.strokeStyle = kelpCol
    ctx.lineWidth = Math.max(2, s.H * 0.012)
    ctx.beginPath()
    for (const [x, h, ph] of kelp) {
      const base = s.Y(0.84)
      ctx.moveTo(x, base)
      for (let k = 1; k <= 6; k++) {
        const u = k / 6
        ctx.lineTo(x + Math.sin(f.t * 1.2 + ph + u * 2) * h * 0.12 * u * (0.6 + f.energy), base - h * u)
      }
    }
    ctx.stroke()
  }
  return {
    layers: [{ depth: 0.04, image: water }, { depth: 0.3, image: rocks }, { depth: 1, image: bed, draw: sway }],
    foreground: [],
    groundY: 0.92,
    horizon: 0.8,
    glow: { x: 0.5, y: -0.05, colour: [170, 230, 255], radius: 0.7 },
  }
}
