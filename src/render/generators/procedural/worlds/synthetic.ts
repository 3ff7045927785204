import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale } from '../colour.js'
import { range } from '../prng.js'
import { band, type FrameState } from '../stage.js'
import { ridge } from './layers.js'
import type { Painter } from './types.js'

export const neonGrid: Painter = (s, loc, L, rng) => {
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
    horizon,
    glow: { x: 0.5, y: horizon - 0.12, colour: neon, radius: 0.45 },
  }
}

export const starfield: Painter = (s, loc, L, rng) => {
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
    horizon: 0.84,
    glow: { x: (px - s.ox) / s.W, y: (py - s.oy) / s.H, colour: p[1], radius: 0.3 },
  }
}
