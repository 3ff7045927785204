import { css, hsl, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

/** A fish swims back and forth across its box, its tail beating faster with the music. */
export const fish: PropDef = {
  id: 'fish', slot: 'swim', h: 0.07, aspect: 5, count: 4, animOnly: true,
  draw() {},
  /** The box is the stretch of water the fish swims along. */
  anim(ctx, b, c, f, k) {
    const dir = k % 2 ? -1 : 1
    const L = b.h
    const span = Math.max(0, b.w / 2 - L)
    const u = Math.sin(f.t * 0.35 + k * 1.9)
    const x = b.x + u * span
    const heading = Math.cos(f.t * 0.35 + k * 1.9) >= 0 ? dir : -dir
    const y = b.y - b.h / 2 + Math.sin(f.t * 0.9 + k) * b.h * 0.2
    const tail = Math.sin(f.t * (6 + 8 * f.energy) + k) * b.h * 0.2
    ctx.fillStyle = css(k % 2 ? mix([250, 150, 50], c.main, 0.2) : mix([250, 220, 80], c.accent, 0.2))
    ctx.beginPath()
    ctx.ellipse(x, y, L * 0.55, b.h * 0.32, 0, 0, TAU)
    ctx.fill()
    ctx.beginPath()
    ctx.moveTo(x - heading * L * 0.45, y)
    ctx.lineTo(x - heading * L, y - b.h * 0.3 + tail)
    ctx.lineTo(x - heading * L, y + b.h * 0.3 + tail)
    ctx.fill()
    ctx.fillStyle = 'rgb(20,20,30)'
    ctx.fillRect(x + heading * L * 0.3 - 1, y - b.h * 0.1, Math.max(1.5, b.h * 0.08), Math.max(1.5, b.h * 0.08))
  },
}

/** Bells that pulse (contract on the beat) and drift up. */
export const jellyfish: PropDef = {
  id: 'jellyfish', slot: 'swim', h: 0.13, aspect: 0.6, count: 2, animOnly: true,
  draw() {},
  anim(ctx, b, c, f, k) {
    const pulse = 1 - 0.18 * Math.sin(f.fc.beatPhase * Math.PI)
    const y = b.y - b.h * 0.7 + Math.sin(f.t * 0.5 + k * 2) * b.h * 0.3
    const r = b.w * 0.5 * pulse
    const col = mix(hsl(290 + k * 40, 0.7, 0.75), c.accent, 0.15)
    ctx.fillStyle = css(col, 0.45 + 0.3 * f.energy)
    ctx.beginPath()
    ctx.ellipse(b.x, y, r, b.h * 0.25 / pulse, 0, Math.PI, 0)
    ctx.fill()
    ctx.strokeStyle = css(col, 0.6)
    ctx.lineWidth = Math.max(1, b.h * 0.02)
    ctx.beginPath()
    for (let t = 0; t < 5; t++) {
      const x = b.x + (t / 4 - 0.5) * r * 1.6
      ctx.moveTo(x, y)
      for (let s = 1; s <= 4; s++) ctx.lineTo(x + Math.sin(f.t * 2 + s + t) * b.w * 0.08, y + (s * b.h * 0.6) / 4)
    }
    ctx.stroke()
  },
}

export const coral: PropDef = {
  id: 'coral', slot: 'ground', h: 0.16, aspect: 1.1, count: 3, spread: 0.75,
  draw(ctx, b, c, rng) {
    const col = scale(mix(hsl(rng() < 0.5 ? 350 : 20, 0.75, 0.6), c.main, 0.15), 0.55 + 0.45 * c.amb)
    ctx.strokeStyle = css(col)
    ctx.lineCap = 'round'
    const branch = (x: number, y: number, a: number, len: number, depth: number): void => {
      const ex = x + Math.sin(a) * len
      const ey = y - Math.cos(a) * len
      ctx.lineWidth = Math.max(1.5, len * 0.28)
      ctx.beginPath()
      ctx.moveTo(x, y)
      ctx.lineTo(ex, ey)
      ctx.stroke()
      if (depth > 0) {
        branch(ex, ey, a - 0.45 - rng() * 0.2, len * 0.72, depth - 1)
        branch(ex, ey, a + 0.45 + rng() * 0.2, len * 0.72, depth - 1)
      }
    }
    branch(b.x, b.y, 0, b.h * 0.36, 3)
    ctx.lineCap = 'butt'
  },
}

/** Columns of bubbles rising; more and faster when loud. */
export const bubbles: PropDef = {
  id: 'bubbles', slot: 'swim', h: 0.4, aspect: 0.3, count: 2, animOnly: true,
  draw() {},
  anim(ctx, b, _c, f, k) {
    ctx.strokeStyle = 'rgba(225,245,255,0.75)'
    ctx.lineWidth = Math.max(1, b.h * 0.006)
    ctx.beginPath()
    const n = 6 + Math.round(8 * f.energy)
    for (let i = 0; i < n; i++) {
      const u = (i / 14 + f.t * 0.12 * (1 + f.energy) + k * 0.3) % 1
      const y = b.y - u * b.h
      const x = b.x + Math.sin(u * 12 + i) * b.w * 0.3
      const r = b.h * (0.012 + 0.02 * ((i * 7) % 5) / 5) * (0.6 + u)
      ctx.moveTo(x + r, y)
      ctx.arc(x, y, r, 0, TAU)
    }
    ctx.stroke()
  },
}
