import { css, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

export const moon: PropDef = {
  id: 'moon', slot: 'sky', h: 0.12, aspect: 1, count: 1,
  draw(ctx, b) {
    const r = b.h / 2
    const cy = b.y - r
    ctx.fillStyle = 'rgb(236,238,228)'
    ctx.beginPath()
    ctx.arc(b.x, cy, r, 0, TAU)
    ctx.fill()
    ctx.fillStyle = 'rgb(200,202,195)'
    for (const [dx, dy, k] of [[-0.3, -0.25, 0.2], [0.28, 0.1, 0.15], [-0.05, 0.38, 0.12], [0.2, -0.4, 0.08]]) {
      ctx.beginPath()
      ctx.arc(b.x + dx * r, cy + dy * r, k * r, 0, TAU)
      ctx.fill()
    }
  },
  anim(ctx, b, _c, f) {
    const r = b.h / 2
    ctx.strokeStyle = `rgba(236,238,228,${(0.1 + 0.25 * f.energy).toFixed(3)})`
    ctx.lineWidth = r * 0.25
    ctx.beginPath()
    ctx.arc(b.x, b.y - r, r * (1.25 + 0.15 * f.energy), 0, TAU)
    ctx.stroke()
  },
}

export const sun: PropDef = {
  id: 'sun', slot: 'sky', h: 0.14, aspect: 1, count: 1,
  draw(ctx, b, c) {
    const r = b.h / 2
    ctx.fillStyle = css(mix([255, 214, 90], c.light, 0.3))
    ctx.beginPath()
    ctx.arc(b.x, b.y - r, r * 0.72, 0, TAU)
    ctx.fill()
  },
  anim(ctx, b, c, f) {
    const r = b.h / 2
    const cy = b.y - r
    ctx.strokeStyle = css(mix([255, 214, 90], c.light, 0.3), 0.9)
    ctx.lineWidth = Math.max(1.5, r * 0.1)
    ctx.beginPath()
    for (let k = 0; k < 12; k++) {
      const a = (k / 12) * TAU + f.t * 0.2
      const l = r * (0.95 + 0.35 * f.energy + (k % 2) * 0.15)
      ctx.moveTo(b.x + Math.cos(a) * r * 0.85, cy + Math.sin(a) * r * 0.85)
      ctx.lineTo(b.x + Math.cos(a) * l, cy + Math.sin(a) * l)
    }
    ctx.stroke()
  },
}

export const clouds: PropDef = {
  id: 'clouds', slot: 'sky', h: 0.09, aspect: 2.8, count: 3,
  draw(ctx, b, c, rng) {
    const col = mix(scale([250, 250, 255], 0.45 + 0.55 * c.amb), c.light, 0.15)
    ctx.fillStyle = css(col, 0.92)
    ctx.beginPath()
    ctx.ellipse(b.x, b.y - b.h * 0.22, b.w / 2, b.h * 0.22, 0, 0, TAU)
    ctx.fill()
    for (let k = 0; k < 4; k++) {
      const u = (k + 0.5) / 4 - 0.5
      const r = b.h * (0.3 + 0.25 * rng()) * (1 - Math.abs(u))
      ctx.beginPath()
      ctx.arc(b.x + u * b.w * 0.75, b.y - b.h * 0.35, r * 1.3, 0, TAU)
      ctx.fill()
    }
  },
  motion(f, b, k) {
    return [Math.sin(f.t * 0.05 + k) * b.w * 0.3 + f.t * b.w * 0.02 * (1 + f.energy), 0, 0]
  },
}

/** A flock: wings beat faster when the music is loud. */
export const gulls: PropDef = {
  id: 'gulls', slot: 'sky', h: 0.08, aspect: 2, count: 1, animOnly: true,
  draw() {},
  anim(ctx, b, c, f) {
    ctx.strokeStyle = css(c.night ? [220, 225, 235] : scale([250, 250, 250], 0.5 + 0.5 * c.amb))
    ctx.lineWidth = Math.max(1.5, b.h * 0.07)
    ctx.lineCap = 'round'
    ctx.beginPath()
    for (let k = 0; k < 5; k++) {
      const bx = b.x + ((k * 0.37) % 1 - 0.5) * b.w + f.t * b.h * 0.6 + Math.sin(f.t * 0.7 + k) * b.h * 0.2
      const by = b.y - b.h * (0.3 + ((k * 0.61) % 1) * 0.6)
      const s = b.h * (0.22 + 0.06 * (k % 3))
      const flap = Math.sin(f.t * (5 + 6 * f.energy) + k * 1.7) * s * 0.55
      ctx.moveTo(bx - s, by - flap)
      ctx.quadraticCurveTo(bx - s * 0.4, by - s * 0.35 - flap * 0.3, bx, by)
      ctx.quadraticCurveTo(bx + s * 0.4, by - s * 0.35 - flap * 0.3, bx + s, by - flap)
    }
    ctx.stroke()
    ctx.lineCap = 'butt'
  },
}
