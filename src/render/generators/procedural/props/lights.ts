import { css, hsl, mix } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

/** A bar of cans hanging from above; their beams sweep on the beat. */
export const spotlights: PropDef = {
  id: 'spotlights', slot: 'ceiling', h: 0.12, aspect: 3, count: 1,
  draw(ctx, b) {
    ctx.fillStyle = css([70, 72, 80])
    ctx.fillRect(b.x - b.w / 2, b.y - b.h, b.w, b.h * 0.12)
    for (let k = 0; k < 3; k++) {
      const x = b.x + (k - 1) * b.w * 0.35
      ctx.fillStyle = css([40, 40, 46])
      ctx.fillRect(x - b.h * 0.18, b.y - b.h * 0.85, b.h * 0.36, b.h * 0.6)
    }
  },
  anim(ctx, b, _c, f) {
    ctx.globalCompositeOperation = 'lighter'
    for (let k = 0; k < 3; k++) {
      const x = b.x + (k - 1) * b.w * 0.35
      const a = Math.sin(f.t * 0.8 + k * 2) * 0.35 + (k - 1) * 0.3 * Math.sin(f.fc.beatPhase * Math.PI)
      const len = b.h * 7
      const col = hsl((f.fc.hue + k * 120) % 360, 0.8, 0.65)
      ctx.fillStyle = css(col, 0.1 + 0.22 * f.energy)
      ctx.beginPath()
      ctx.moveTo(x - b.h * 0.15, b.y - b.h * 0.25)
      ctx.lineTo(x + b.h * 0.15, b.y - b.h * 0.25)
      ctx.lineTo(x + Math.sin(a) * len + b.h * 0.9, b.y + Math.cos(a) * len)
      ctx.lineTo(x + Math.sin(a) * len - b.h * 0.9, b.y + Math.cos(a) * len)
      ctx.fill()
      ctx.fillStyle = css(col)
      ctx.fillRect(x - b.h * 0.15, b.y - b.h * 0.3, b.h * 0.3, b.h * 0.08)
    }
    ctx.globalCompositeOperation = 'source-over'
  },
}

/** Mirror ball: facets scroll round as it spins; sparkles fly off on the beat. */
export const discoBall: PropDef = {
  id: 'disco-ball', slot: 'ceiling', h: 0.2, aspect: 0.6, count: 1,
  draw(ctx, b) {
    const r = b.w * 0.45
    const cy = b.y - r
    ctx.strokeStyle = 'rgb(120,120,125)'
    ctx.lineWidth = Math.max(1, b.h * 0.01)
    ctx.beginPath()
    ctx.moveTo(b.x, b.y - b.h)
    ctx.lineTo(b.x, cy - r)
    ctx.stroke()
    const g = ctx.createRadialGradient(b.x - r * 0.3, cy - r * 0.3, r * 0.1, b.x, cy, r)
    g.addColorStop(0, 'rgb(235,238,245)')
    g.addColorStop(1, 'rgb(90,95,110)')
    ctx.fillStyle = g
    ctx.beginPath()
    ctx.arc(b.x, cy, r, 0, TAU)
    ctx.fill()
  },
  anim(ctx, b, _c, f) {
    const r = b.w * 0.45
    const cy = b.y - r
    const spin = f.t * 1.2
    ctx.strokeStyle = 'rgba(40,40,50,0.6)'
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let k = 1; k < 6; k++) {
      const y = cy - r + (k * 2 * r) / 6
      const hw = Math.sqrt(Math.max(0, r * r - (y - cy) * (y - cy)))
      ctx.moveTo(b.x - hw, y)
      ctx.lineTo(b.x + hw, y)
    }
    for (let k = 0; k < 8; k++) {
      const u = Math.cos(((k / 8) * Math.PI + spin) % Math.PI)
      ctx.moveTo(b.x + u * r, cy - r * 0.95)
      ctx.quadraticCurveTo(b.x + u * r * 1.3, cy, b.x + u * r, cy + r * 0.95)
    }
    ctx.stroke()
    ctx.fillStyle = `rgba(255,255,255,${(0.5 + 0.5 * f.energy).toFixed(3)})`
    for (let k = 0; k < 10; k++) {
      const a = k * 2.4 + spin * 2
      const d = r * (1.2 + ((k * 0.37 + f.fc.beatPhase) % 1) * 3)
      const s = Math.max(1.5, b.h * 0.02 * (1 + f.hitEnv))
      ctx.fillRect(b.x + Math.cos(a) * d, cy + Math.sin(a) * d * 0.7 + r, s, s)
    }
  },
}

export const lamp: PropDef = {
  id: 'lamp', slot: 'ground', h: 0.42, aspect: 0.35, count: 1,
  draw(ctx, b, c) {
    ctx.fillStyle = css(c.ink)
    ctx.beginPath()
    ctx.ellipse(b.x, b.y - b.h * 0.01, b.w * 0.25, b.h * 0.02, 0, 0, TAU)
    ctx.fill()
    ctx.fillRect(b.x - Math.max(1, b.h * 0.008), b.y - b.h * 0.8, Math.max(2, b.h * 0.016), b.h * 0.8)
    ctx.fillStyle = css(mix([250, 225, 170], c.accent, 0.2))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.45, b.y - b.h * 0.78)
    ctx.lineTo(b.x + b.w * 0.45, b.y - b.h * 0.78)
    ctx.lineTo(b.x + b.w * 0.28, b.y - b.h)
    ctx.lineTo(b.x - b.w * 0.28, b.y - b.h)
    ctx.fill()
  },
  anim(ctx, b, c, f) {
    const y = b.y - b.h * 0.85
    const r = b.h * (0.35 + 0.15 * f.energy)
    const g = ctx.createRadialGradient(b.x, y, 0, b.x, y, r)
    g.addColorStop(0, css(mix([255, 215, 150], c.glow, 0.3), 0.25 + 0.3 * f.energy))
    g.addColorStop(1, 'rgba(255,215,150,0)')
    ctx.fillStyle = g
    ctx.fillRect(b.x - r, y - r, 2 * r, 2 * r)
  },
}
