import type { SKRSContext2D } from '@napi-rs/canvas'
import type { LocationCard } from '../../../schemas/index.js'
import { css, hexToRgb, mix, scale, type Rgb } from './colour.js'
import { lightingFor, type Lighting } from './lighting.js'
import { mixSeed, mulberry32, range, type Rng } from './prng.js'
import { band, type FrameState, type Layer, type Stage } from './stage.js'

/** A location made into parallax layers; the layout depends only on the location card. */
export interface World {
  /** Back to front, drawn before the figures. */
  layers: Layer[]
  /** Drawn over the figures (foreground framing). */
  foreground: Layer[]
  /** Frame fraction where figures' feet stand at rest. */
  groundY: number
  lighting: Lighting
  /** Where the light glows from (frame fractions), pulsed by loudness. */
  glow: { x: number; y: number; colour: Rgb; radius: number }
}

type Painter = (s: Stage, loc: LocationCard, L: Lighting, rng: Rng) => Omit<World, 'lighting'>

export function buildWorld(s: Stage, loc: LocationCard): World {
  const rng = mulberry32(mixSeed(loc.seed, loc.id, 'layout'))
  const lightX = range(rng, 0.25, 0.75)
  const L = lightingFor(loc, lightX)
  const w = PAINTERS[loc.shape.world](s, loc, L, rng)
  return { ...w, lighting: L }
}

// ---------- shared pieces ----------

function skyLayer(s: Stage, L: Lighting, rng: Rng, opts: { horizon: number; stars: number; bodyR?: number; stripes?: boolean }): Layer {
  const img = band(s, 0, s.Y(opts.horizon) + s.H * 0.15, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(opts.horizon))
    g.addColorStop(0, css(L.skyTop))
    g.addColorStop(0.65, css(mix(L.skyTop, L.skyHorizon, 0.55)))
    g.addColorStop(1, css(L.skyHorizon))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.LH)
    const nStars = L.isNight || opts.stars > 0 ? Math.round(opts.stars * (L.isNight ? 1 : 0.15)) : 0
    for (let i = 0; i < nStars; i++) {
      const x = rng() * s.LW
      const y = Math.pow(rng(), 1.6) * s.Y(opts.horizon) * 0.95
      const r = rng() < 0.08 ? 1.6 : 0.5 + rng() * 0.8
      ctx.fillStyle = css([235, 240, 255], 0.35 + rng() * 0.6)
      ctx.beginPath()
      ctx.arc(x, y, r * (s.H / 720), 0, Math.PI * 2)
      ctx.fill()
    }
    // Sun or moon with a soft halo.
    const bx = s.X(L.lightPos.x)
    const by = s.Y(L.lightPos.y)
    const br = (opts.bodyR ?? 0.07) * s.H
    const halo = ctx.createRadialGradient(bx, by, br * 0.5, bx, by, br * 5)
    halo.addColorStop(0, css(L.light, 0.45))
    halo.addColorStop(1, css(L.light, 0))
    ctx.fillStyle = halo
    ctx.fillRect(bx - br * 5, by - br * 5, br * 10, br * 10)
    ctx.fillStyle = css(L.light)
    ctx.beginPath()
    ctx.arc(bx, by, br, 0, Math.PI * 2)
    ctx.fill()
    if (L.isNight && !opts.stripes) {
      // Moon craters.
      ctx.fillStyle = css(scale(L.light, 0.85))
      for (const [dx, dy, r] of [[-0.3, -0.2, 0.22], [0.25, 0.15, 0.16], [-0.05, 0.4, 0.12]] as const) {
        ctx.beginPath()
        ctx.arc(bx + dx * br, by + dy * br, r * br, 0, Math.PI * 2)
        ctx.fill()
      }
    }
  })
  return { depth: 0.04, image: img }
}

/** A ridge line from summed sines, filled down to the bottom of the world. */
function ridge(ctx: SKRSContext2D, s: Stage, rng: Rng, base: number, amp: number, waves: number, fill: string | CanvasGradientLike): void {
  const ph = [rng() * 6.28, rng() * 6.28, rng() * 6.28]
  const k = [waves, waves * 2.3, waves * 5.1]
  ctx.beginPath()
  ctx.moveTo(0, s.LH)
  for (let x = 0; x <= s.LW; x += 6) {
    const u = x / s.LW
    const y = base - amp * (0.6 * Math.sin(u * k[0] * 6.28 + ph[0]) + 0.3 * Math.sin(u * k[1] * 6.28 + ph[1]) + 0.1 * Math.sin(u * k[2] * 6.28 + ph[2]))
    ctx.lineTo(x, y)
  }
  ctx.lineTo(s.LW, s.LH)
  ctx.closePath()
  ctx.fillStyle = fill as string
  ctx.fill()
}
type CanvasGradientLike = ReturnType<SKRSContext2D['createLinearGradient']>

/** Silhouette colour for a depth: far layers melt into the haze. */
function silhouette(L: Lighting, base: Rgb, depth: number): Rgb {
  return mix(L.haze, scale(base, 0.35 + 0.65 * L.ambient), 0.35 + 0.65 * depth)
}

// ---------- the seven worlds ----------

const skyline: Painter = (s, loc, L, rng) => {
  const horizon = 0.72
  const p = loc.palette.map(hexToRgb)
  const dark = mix(p[0], [10, 10, 22], 0.75)
  const lit = L.isNight || loc.shape.timeOfDay === 'dusk'
  const winCol = mix([255, 214, 130], p[p.length - 1], 0.3)
  const buildings = (depth: number, minH: number, maxH: number, minW: number, maxW: number, windows: boolean) =>
    band(s, s.Y(horizon - maxH) - 40, s.Y(horizon) + 2, (ctx) => {
      let x = -rng() * 30
      const col = silhouette(L, dark, depth)
      while (x < s.LW) {
        const w = range(rng, minW, maxW) * s.H * (1.1 - 0.5 * loc.shape.density + 0.2)
        const h = range(rng, minH, maxH) * s.H
        const top = s.Y(horizon) - h
        ctx.fillStyle = css(col)
        ctx.fillRect(x, top, w, h + 2)
        if (rng() < 0.3) {
          // Antenna or stepped roof, for a recognisable skyline.
          ctx.fillRect(x + w * 0.45, top - h * 0.12, Math.max(2, w * 0.06), h * 0.12)
        } else if (rng() < 0.3) {
          ctx.fillRect(x + w * 0.15, top - h * 0.06, w * 0.7, h * 0.06)
        }
        if (windows) {
          const cw = Math.max(3, s.H * 0.008)
          const gap = cw * 2.2
          for (let wy = top + gap; wy < s.Y(horizon) - gap; wy += gap * 1.3) {
            for (let wx = x + gap * 0.7; wx < x + w - gap * 0.7; wx += gap) {
              const on = rng() < (lit ? 0.38 : 0.12)
              ctx.fillStyle = on ? css(winCol, 0.65 + rng() * 0.35) : css(scale(col, 1.25))
              ctx.fillRect(wx, wy, cw, cw * 1.3)
            }
          }
        }
        x += w + range(rng, 0, 0.02) * s.H
      }
    })
  const far = buildings(0.25, 0.12, 0.33, 0.05, 0.1, false)
  const mid = buildings(0.6, 0.18, 0.5, 0.07, 0.15, true)
  const street = band(s, s.Y(horizon) - s.H * 0.32, s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(silhouette(L, mix(dark, [40, 40, 50], 0.3), 1)))
    g.addColorStop(1, css(scale(dark, 0.5)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
    // Street lamps reflections / kerb line.
    ctx.fillStyle = css(winCol, 0.25)
    ctx.fillRect(0, s.Y(horizon) + 2, s.LW, Math.max(2, s.H * 0.006))
    for (let x = rng() * 200; x < s.LW; x += s.H * 0.55) {
      ctx.fillStyle = css(scale(dark, 0.6))
      ctx.fillRect(x, s.Y(horizon) - s.H * 0.22, s.H * 0.008, s.H * 0.24)
      const lg = ctx.createRadialGradient(x, s.Y(horizon) - s.H * 0.22, 0, x, s.Y(horizon) - s.H * 0.22, s.H * 0.08)
      lg.addColorStop(0, css(winCol, 0.9))
      lg.addColorStop(1, css(winCol, 0))
      ctx.fillStyle = lg
      ctx.fillRect(x - s.H * 0.08, s.Y(horizon) - s.H * 0.3, s.H * 0.16, s.H * 0.16)
    }
  })
  return {
    layers: [
      skyLayer(s, L, rng, { horizon, stars: 160, bodyR: 0.06 }),
      { depth: 0.2, image: far },
      { depth: 0.5, image: mid },
      { depth: 1, image: { ...street, y0: street.y0 - 0 } },
    ],
    foreground: [],
    groundY: 0.9,
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.35 },
  }
}

const dunes: Painter = (s, loc, L, rng) => {
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
  return { layers, foreground: [], groundY: 0.9, glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.5 } }
}

const shoreline: Painter = (s, loc, L, rng) => {
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
      const len = s.H * (0.02 + v * 0.08) * (0.6 + 0.4 * Math.sin(f.t * 2 + a * 9))
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
      for (let x = 0; x <= s.LW; x += 40) ctx.lineTo(x, y + Math.sin(x * 0.012 + f.t * 1.7 + k * 2) * s.H * 0.004 * (1 + v * 3))
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
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.45 },
  }
}

function tree(ctx: SKRSContext2D, x: number, ground: number, h: number, col: string, rng: Rng): void {
  ctx.fillStyle = col
  const trunkW = h * 0.05
  ctx.fillRect(x - trunkW / 2, ground - h * 0.2, trunkW, h * 0.21)
  // Conifer: stacked triangles.
  const tiers = 3 + Math.floor(rng() * 2)
  for (let t = 0; t < tiers; t++) {
    const top = ground - h + (t * h * 0.68) / tiers
    const w = h * (0.18 + (t * 0.22) / tiers)
    ctx.beginPath()
    ctx.moveTo(x, top)
    ctx.lineTo(x - w, top + h * 0.42)
    ctx.lineTo(x + w, top + h * 0.42)
    ctx.closePath()
    ctx.fill()
  }
}

const forest: Painter = (s, loc, L, rng) => {
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
    glow: { x: L.lightPos.x, y: 0.05, colour: L.light, radius: 0.5 },
  }
}

const neonGrid: Painter = (s, loc, L, rng) => {
  const horizon = 0.6
  const p = loc.palette.map(hexToRgb)
  const neon = mix([255, 40, 200], p[0], 0.5)
  const neon2 = mix([40, 220, 255], p[1], 0.5)
  const sky = band(s, 0, s.Y(horizon) + 2, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(horizon))
    g.addColorStop(0, css(mix([12, 4, 30], L.skyTop, 0.3)))
    g.addColorStop(0.7, css(mix([70, 10, 90], neon, 0.25)))
    g.addColorStop(1, css(mix([255, 90, 140], neon, 0.3)))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.LH)
    for (let i = 0; i < 90; i++) {
      ctx.fillStyle = css([255, 255, 255], rng() * 0.7)
      ctx.fillRect(rng() * s.LW, rng() * s.Y(horizon) * 0.6, 1.5, 1.5)
    }
    // Striped synthwave sun sinking into the horizon.
    const cx = s.X(0.5)
    const cy = s.Y(horizon - 0.12)
    const r = s.H * 0.22
    const sg = ctx.createLinearGradient(0, cy - r, 0, cy + r)
    sg.addColorStop(0, 'rgb(255,236,120)')
    sg.addColorStop(1, css(neon))
    ctx.save()
    ctx.beginPath()
    ctx.arc(cx, cy, r, 0, Math.PI * 2)
    ctx.clip()
    ctx.fillStyle = sg
    ctx.fillRect(cx - r, cy - r, 2 * r, 2 * r)
    ctx.globalCompositeOperation = 'destination-out'
    for (let k = 0; k < 7; k++) {
      const y = cy + r * (0.05 + k * 0.14)
      ctx.fillRect(cx - r, y, 2 * r, r * (0.02 + k * 0.018))
    }
    ctx.restore()
  })
  const mountains = band(s, s.Y(horizon - 0.18), s.Y(horizon) + 2, (ctx) => {
    ctx.fillStyle = css(mix([20, 6, 40], neon, 0.12))
    ctx.strokeStyle = css(neon2, 0.8)
    ctx.lineWidth = Math.max(1, s.H * 0.003)
    ctx.beginPath()
    ctx.moveTo(0, s.Y(horizon) + 2)
    let x = 0
    while (x < s.LW) {
      const w = s.H * range(rng, 0.08, 0.2)
      const h = s.H * range(rng, 0.04, 0.16) * (0.5 + loc.shape.density)
      ctx.lineTo(x + w / 2, s.Y(horizon) - h)
      ctx.lineTo(x + w, s.Y(horizon))
      x += w
    }
    ctx.lineTo(s.LW, s.Y(horizon) + 2)
    ctx.closePath()
    ctx.fill()
    ctx.stroke()
  })
  const floor = band(s, s.Y(horizon), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(mix([40, 0, 60], neon, 0.2)))
    g.addColorStop(1, 'rgb(6,2,14)')
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
  })
  const grid = (ctx: SKRSContext2D, f: FrameState) => {
    const hy = s.Y(horizon)
    const vx = s.X(0.5)
    const depthRange = s.LH - hy
    ctx.strokeStyle = css(neon2, 0.55 + 0.45 * Math.min(1, f.energy + f.hitEnv))
    ctx.lineWidth = Math.max(1, s.H * 0.0035)
    ctx.beginPath()
    for (let k = -14; k <= 14; k++) {
      ctx.moveTo(vx + k * s.W * 0.012, hy)
      ctx.lineTo(vx + k * s.W * 0.25, s.LH)
    }
    // Horizontal lines scroll towards the viewer, one line per beat.
    const scroll = (f.fc.beatPhase + (f.fc.barPhase * 4 - f.fc.beatPhase)) % 1
    for (let k = 0; k < 12; k++) {
      const z = (k + 1 - scroll) / 12
      const y = hy + depthRange * Math.pow(z, 2.6)
      ctx.moveTo(0, y)
      ctx.lineTo(s.LW, y)
    }
    ctx.stroke()
    ctx.fillStyle = css(neon, 0.7)
    ctx.fillRect(0, hy - 1, s.LW, Math.max(2, s.H * 0.004))
  }
  return {
    layers: [{ depth: 0.04, image: sky }, { depth: 0.2, image: mountains }, { depth: 1, image: floor, draw: grid }],
    foreground: [],
    groundY: 0.9,
    glow: { x: 0.5, y: horizon - 0.12, colour: neon, radius: 0.45 },
  }
}

const interior: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const wall = mix(p[0], [200, 180, 160], 0.35)
  const dim = 0.45 + 0.55 * Math.max(L.ambient, 0.5)
  const floorY = 0.68
  const room = band(s, 0, s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(floorY))
    g.addColorStop(0, css(scale(wall, dim * 0.7)))
    g.addColorStop(1, css(scale(wall, dim)))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.Y(floorY))
    // Window with the time of day outside.
    const wx = s.X(range(rng, 0.12, 0.3))
    const wy = s.Y(0.14)
    const ww = s.W * 0.22
    const wh = s.H * 0.36
    const sg = ctx.createLinearGradient(0, wy, 0, wy + wh)
    sg.addColorStop(0, css(L.skyTop))
    sg.addColorStop(1, css(L.skyHorizon))
    ctx.fillStyle = sg
    ctx.fillRect(wx, wy, ww, wh)
    ctx.fillStyle = css(L.light)
    ctx.beginPath()
    ctx.arc(wx + ww * 0.7, wy + wh * 0.3, wh * 0.09, 0, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = css(scale(wall, 0.45))
    const bar = Math.max(3, s.H * 0.012)
    ctx.fillRect(wx - bar, wy - bar, ww + 2 * bar, bar)
    ctx.fillRect(wx - bar, wy + wh, ww + 2 * bar, bar * 1.6)
    ctx.fillRect(wx - bar, wy, bar, wh)
    ctx.fillRect(wx + ww, wy, bar, wh)
    ctx.fillRect(wx + ww / 2 - bar / 2, wy, bar, wh)
    ctx.fillRect(wx, wy + wh / 2 - bar / 2, ww, bar)
    // Picture frames on the wall.
    for (let k = 0; k < 2; k++) {
      const fx = s.X(range(rng, 0.5, 0.85))
      const fy = s.Y(range(rng, 0.12, 0.3))
      const fw = s.H * range(rng, 0.1, 0.18)
      ctx.fillStyle = css(scale(wall, 0.35))
      ctx.fillRect(fx, fy, fw, fw * 1.25)
      ctx.fillStyle = css(p[(k + 1) % p.length])
      ctx.fillRect(fx + fw * 0.1, fy + fw * 0.1, fw * 0.8, fw * 1.05)
    }
    // Skirting board.
    ctx.fillStyle = css(scale(wall, 0.55))
    ctx.fillRect(0, s.Y(floorY) - s.H * 0.025, s.LW, s.H * 0.025)
    // Floor lamp.
    const lx = s.X(0.88)
    ctx.fillStyle = css([30, 26, 24])
    ctx.fillRect(lx - 2, s.Y(0.3), 4 * (s.H / 720), s.Y(0.86) - s.Y(0.3))
    ctx.fillStyle = css([255, 220, 160])
    ctx.beginPath()
    ctx.moveTo(lx - s.H * 0.06, s.Y(0.3))
    ctx.lineTo(lx + s.H * 0.06, s.Y(0.3))
    ctx.lineTo(lx + s.H * 0.035, s.Y(0.22))
    ctx.lineTo(lx - s.H * 0.035, s.Y(0.22))
    ctx.closePath()
    ctx.fill()
  })
  const floor = band(s, s.Y(floorY), s.LH, (ctx) => {
    const wood = mix([120, 80, 50], p[1], 0.25)
    const g = ctx.createLinearGradient(0, s.Y(floorY), 0, s.LH)
    g.addColorStop(0, css(scale(wood, dim * 0.8)))
    g.addColorStop(1, css(scale(wood, dim * 0.45)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(floorY), s.LW, s.LH)
    ctx.strokeStyle = css(scale(wood, 0.3), 0.6)
    ctx.lineWidth = Math.max(1, s.H * 0.002)
    ctx.beginPath()
    const vx = s.X(0.5)
    for (let k = -12; k <= 12; k++) {
      ctx.moveTo(vx + k * s.W * 0.07, s.Y(floorY))
      ctx.lineTo(vx + k * s.W * 0.22, s.LH)
    }
    ctx.stroke()
    // Rug.
    ctx.fillStyle = css(p[p.length - 1], 0.85)
    ctx.beginPath()
    ctx.ellipse(s.X(0.5), s.Y(0.9), s.W * 0.32, s.H * 0.07, 0, 0, Math.PI * 2)
    ctx.fill()
  })
  return {
    layers: [{ depth: 0.55, image: room }, { depth: 1, image: floor }],
    foreground: [],
    groundY: 0.9,
    glow: { x: 0.88, y: 0.26, colour: [255, 200, 130], radius: 0.4 },
  }
}

const starfield: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const space = band(s, 0, s.LH, (ctx) => {
    ctx.fillStyle = css(mix([3, 3, 12], p[0], 0.12))
    ctx.fillRect(0, 0, s.LW, s.LH)
    ctx.globalCompositeOperation = 'lighter'
    for (let k = 0; k < 6; k++) {
      const x = s.X(range(rng, 0, 1))
      const y = s.Y(range(rng, 0, 0.7))
      const r = s.H * range(rng, 0.2, 0.5)
      const c = p[k % p.length]
      const g = ctx.createRadialGradient(x, y, 0, x, y, r)
      g.addColorStop(0, css(c, 0.32))
      g.addColorStop(1, css(c, 0))
      ctx.fillStyle = g
      ctx.fillRect(x - r, y - r, 2 * r, 2 * r)
    }
    ctx.globalCompositeOperation = 'source-over'
    const n = Math.round(250 + 500 * loc.shape.density)
    for (let i = 0; i < n; i++) {
      const big = rng() < 0.04
      ctx.fillStyle = css(mix([255, 255, 255], p[i % p.length], 0.25), 0.3 + rng() * 0.7)
      const r = (big ? 1.8 : 0.5 + rng()) * (s.H / 720)
      ctx.beginPath()
      ctx.arc(rng() * s.LW, rng() * s.LH, r, 0, Math.PI * 2)
      ctx.fill()
    }
  })
  const px = s.X(range(rng, 0.6, 0.8))
  const py = s.Y(range(rng, 0.22, 0.35))
  const pr = s.H * range(rng, 0.12, 0.2)
  const planet = band(s, py - pr * 2, py + pr * 2, (ctx) => {
    const c = p[1]
    const g = ctx.createRadialGradient(px - pr * 0.4, py - pr * 0.4, pr * 0.1, px, py, pr)
    g.addColorStop(0, css(mix(c, [255, 255, 255], 0.45)))
    g.addColorStop(0.7, css(c))
    g.addColorStop(1, css(scale(c, 0.3)))
    ctx.fillStyle = g
    ctx.beginPath()
    ctx.arc(px, py, pr, 0, Math.PI * 2)
    ctx.fill()
    ctx.strokeStyle = css(mix(c, [255, 240, 220], 0.5), 0.75)
    ctx.lineWidth = pr * 0.08
    ctx.beginPath()
    ctx.ellipse(px, py, pr * 1.8, pr * 0.42, -0.3, 0, Math.PI * 2)
    ctx.stroke()
  })
  const ground = band(s, s.Y(0.76), s.LH, (ctx) => {
    const rock = mix([70, 66, 80], p[0], 0.2)
    ridge(ctx, s, rng, s.Y(0.84), s.H * 0.04, 1.5, css(scale(rock, 0.8)))
    ctx.fillStyle = css(scale(rock, 0.55))
    for (let k = 0; k < 14; k++) {
      ctx.beginPath()
      ctx.ellipse(rng() * s.LW, s.Y(range(rng, 0.88, 1.1)), s.H * range(rng, 0.02, 0.06), s.H * 0.012, 0, 0, Math.PI * 2)
      ctx.fill()
    }
  })
  const twinkles = Array.from({ length: 24 }, () => [rng() * s.LW, rng() * s.Y(0.75), rng()] as const)
  const twinkle = (ctx: SKRSContext2D, f: FrameState) => {
    for (const [x, y, ph] of twinkles) {
      const a = 0.5 + 0.5 * Math.sin(f.t * (2 + ph * 3) + ph * 20)
      const r = s.H * 0.006 * (0.6 + a + f.hitEnv)
      ctx.fillStyle = css([255, 255, 255], 0.3 + 0.6 * a)
      ctx.fillRect(x - r, y - 0.6, 2 * r, 1.2)
      ctx.fillRect(x - 0.6, y - r, 1.2, 2 * r)
    }
  }
  return {
    layers: [{ depth: 0.03, image: space, draw: twinkle }, { depth: 0.25, image: planet }, { depth: 1, image: ground }],
    foreground: [],
    groundY: 0.9,
    glow: { x: (px - s.ox) / s.W, y: (py - s.oy) / s.H, colour: p[1], radius: 0.3 },
  }
}

const PAINTERS: Record<LocationCard['shape']['world'], Painter> = {
  skyline,
  dunes,
  shoreline,
  forest,
  'neon-grid': neonGrid,
  interior,
  starfield,
}
