import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, scale, type Rgb } from '../colour.js'
import type { Lighting } from '../lighting.js'
import type { Rng } from '../prng.js'
import { band, type Layer, type Stage } from '../stage.js'

// ---------- shared pieces ----------

export function skyLayer(s: Stage, L: Lighting, rng: Rng, opts: { horizon: number; stars: number; bodyR?: number; stripes?: boolean }): Layer {
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
export function ridge(ctx: SKRSContext2D, s: Stage, rng: Rng, base: number, amp: number, waves: number, fill: string | CanvasGradientLike): void {
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
export type CanvasGradientLike = ReturnType<SKRSContext2D['createLinearGradient']>

/** Silhouette colour for a depth: far layers melt into the haze. */
export function silhouette(L: Lighting, base: Rgb, depth: number): Rgb {
  return mix(L.haze, scale(base, 0.35 + 0.65 * L.ambient), 0.35 + 0.65 * depth)
}

export function tree(ctx: SKRSContext2D, x: number, ground: number, h: number, col: string, rng: Rng): void {
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

/** Rain streaks drawn per frame (no cached image): more of them, and longer, as the music gets louder. */
export function rainLayer(s: Stage, rng: Rng, colour: Rgb, depth = 1.1): Layer {
  const drops = Array.from({ length: 170 }, () => [rng(), rng(), rng()] as const)
  const len = s.H * 0.06
  return {
    depth,
    draw: (ctx, f) => {
      const n = Math.round(drops.length * (0.45 + 0.55 * f.energy))
      ctx.strokeStyle = css(colour, 0.3 + 0.25 * f.energy)
      ctx.lineWidth = Math.max(1, s.H * 0.0022)
      ctx.beginPath()
      for (let k = 0; k < n; k++) {
        const [a, b, c] = drops[k]
        const y = ((b * s.LH + f.t * s.H * (1.6 + c)) % (s.LH + len)) - len
        const x = (a * s.LW + y * 0.15) % s.LW
        const l = len * (0.6 + 0.4 * c) * (0.8 + 0.4 * f.energy)
        ctx.moveTo(x, y)
        ctx.lineTo(x + l * 0.15, y + l)
      }
      ctx.stroke()
    },
  }
}

/** Snowflakes drifting down; the wind picks up with loudness. */
export function snowLayer(s: Stage, rng: Rng, depth = 1.1): Layer {
  const flakes = Array.from({ length: 120 }, () => [rng(), rng(), rng()] as const)
  return {
    depth,
    draw: (ctx, f) => {
      ctx.fillStyle = 'rgba(250,252,255,0.85)'
      const wind = s.W * 0.05 * f.t * (0.5 + f.energy)
      for (const [a, b, c] of flakes) {
        const y = (b * s.LH + f.t * s.H * (0.08 + 0.08 * c)) % s.LH
        const x = (((a * s.LW + wind * (0.5 + c) + Math.sin(f.t * (0.8 + c) + a * 20) * s.H * 0.02) % s.LW) + s.LW) % s.LW
        const r = s.H * (0.002 + 0.004 * c)
        ctx.fillRect(x - r, y - r, 2 * r, 2 * r)
      }
    },
  }
}

/** A flat gradient band from y0 to y1 (world rows), top colour to bottom colour. */
export function gradientBand(s: Stage, y0: number, y1: number, top: Rgb, bottom: Rgb) {
  return band(s, y0, y1, (ctx) => {
    const g = ctx.createLinearGradient(0, y0, 0, y1)
    g.addColorStop(0, css(top))
    g.addColorStop(1, css(bottom))
    ctx.fillStyle = g
    ctx.fillRect(0, y0, s.LW, y1 - y0)
  })
}
