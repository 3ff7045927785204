import { css, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

export const lighthouse: PropDef = {
  id: 'lighthouse', slot: 'far', h: 0.34, aspect: 0.32, count: 1, spread: 0.95,
  draw(ctx, b, c) {
    const h = b.h
    const rock = scale([70, 66, 62], 0.4 + 0.6 * c.amb)
    ctx.fillStyle = css(rock)
    ctx.beginPath()
    ctx.ellipse(b.x, b.y, b.w * 0.9, h * 0.07, 0, Math.PI, 0)
    ctx.fill()
    // Tapered tower in red and white bands.
    const top = b.y - h * 0.72
    const wb = b.w * 0.36
    const wt = b.w * 0.22
    const bands = 5
    for (let k = 0; k < bands; k++) {
      const y0 = b.y - ((k + 1) * (b.y - top)) / bands
      const y1 = b.y - (k * (b.y - top)) / bands
      const w0 = wb + ((wt - wb) * (k + 1)) / bands
      const w1 = wb + ((wt - wb) * k) / bands
      ctx.fillStyle = css(scale(k % 2 ? [245, 245, 240] : [200, 40, 40], 0.45 + 0.55 * c.amb))
      ctx.beginPath()
      ctx.moveTo(b.x - w1, y1)
      ctx.lineTo(b.x + w1, y1)
      ctx.lineTo(b.x + w0, y0)
      ctx.lineTo(b.x - w0, y0)
      ctx.fill()
    }
    ctx.fillStyle = css(c.ink)
    ctx.fillRect(b.x - wt * 1.4, top - h * 0.02, wt * 2.8, h * 0.03)
    ctx.fillStyle = css(mix([255, 235, 160], c.glow, 0.3))
    ctx.fillRect(b.x - wt * 0.8, top - h * 0.12, wt * 1.6, h * 0.1)
    ctx.fillStyle = css(c.ink)
    ctx.beginPath()
    ctx.moveTo(b.x - wt * 1.1, top - h * 0.12)
    ctx.lineTo(b.x, top - h * 0.22)
    ctx.lineTo(b.x + wt * 1.1, top - h * 0.12)
    ctx.fill()
  },
  /** The beam sweeps round once every two bars; brighter when loud. */
  anim(ctx, b, _c, f) {
    const ly = b.y - b.h * 0.78
    const a = f.t * 1.3 + f.fc.barPhase * Math.PI
    const dir = Math.sin(a)
    const len = b.h * 3.2 * Math.abs(dir) + b.h * 0.2
    const spread = b.h * (0.05 + 0.1 * Math.abs(Math.cos(a)))
    ctx.globalCompositeOperation = 'lighter'
    ctx.fillStyle = `rgba(255,240,190,${(0.18 + 0.35 * f.energy).toFixed(3)})`
    ctx.beginPath()
    ctx.moveTo(b.x, ly - b.h * 0.02)
    ctx.lineTo(b.x + dir * len, ly - spread)
    ctx.lineTo(b.x + dir * len, ly + spread)
    ctx.lineTo(b.x, ly + b.h * 0.02)
    ctx.fill()
    ctx.fillStyle = `rgba(255,250,220,${(0.5 + 0.5 * f.hitEnv).toFixed(3)})`
    ctx.beginPath()
    ctx.arc(b.x, ly, b.h * 0.04, 0, TAU)
    ctx.fill()
    ctx.globalCompositeOperation = 'source-over'
  },
}

export const mountainPeak: PropDef = {
  id: 'mountain-peak', slot: 'far', h: 0.34, aspect: 2, count: 1,
  draw(ctx, b, c) {
    const rock = mix(scale([105, 108, 125], 0.4 + 0.6 * c.amb), c.main, 0.12)
    ctx.fillStyle = css(rock)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w / 2, b.y)
    ctx.lineTo(b.x - b.w * 0.08, b.y - b.h)
    ctx.lineTo(b.x + b.w * 0.05, b.y - b.h * 0.88)
    ctx.lineTo(b.x + b.w / 2, b.y)
    ctx.fill()
    ctx.fillStyle = css(scale([245, 248, 255], 0.55 + 0.45 * c.amb))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.08 - b.w * 0.13, b.y - b.h * 0.7)
    ctx.lineTo(b.x - b.w * 0.08, b.y - b.h)
    ctx.lineTo(b.x + b.w * 0.05, b.y - b.h * 0.88)
    ctx.lineTo(b.x + b.w * 0.14, b.y - b.h * 0.7)
    ctx.lineTo(b.x + b.w * 0.02, b.y - b.h * 0.76)
    ctx.lineTo(b.x - b.w * 0.08, b.y - b.h * 0.66)
    ctx.fill()
  },
}

export const windmill: PropDef = {
  id: 'windmill', slot: 'far', h: 0.3, aspect: 0.7, count: 1,
  draw(ctx, b, c) {
    const h = b.h
    ctx.fillStyle = css(mix(c.ink, [150, 120, 90], 0.35))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.2, b.y)
    ctx.lineTo(b.x - b.w * 0.11, b.y - h * 0.62)
    ctx.lineTo(b.x + b.w * 0.11, b.y - h * 0.62)
    ctx.lineTo(b.x + b.w * 0.2, b.y)
    ctx.fill()
    ctx.fillStyle = css(c.ink)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.15, b.y - h * 0.62)
    ctx.lineTo(b.x, b.y - h * 0.72)
    ctx.lineTo(b.x + b.w * 0.15, b.y - h * 0.62)
    ctx.fill()
    ctx.fillStyle = css(c.glow, c.night ? 0.9 : 0.4)
    ctx.fillRect(b.x - b.w * 0.03, b.y - h * 0.2, b.w * 0.06, h * 0.08)
  },
  /** Four lattice sails turning faster with the music. */
  anim(ctx, b, c, f) {
    const cx = b.x
    const cy = b.y - b.h * 0.64
    const a0 = f.t * (0.4 + 1.4 * f.energy)
    ctx.fillStyle = css(scale([235, 225, 205], 0.45 + 0.5 * c.amb))
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1, b.h * 0.012)
    for (let k = 0; k < 4; k++) {
      const a = a0 + (k * Math.PI) / 2
      ctx.save()
      ctx.translate(cx, cy)
      ctx.rotate(a)
      ctx.fillRect(b.h * 0.03, -b.h * 0.035, b.h * 0.36, b.h * 0.07)
      ctx.beginPath()
      ctx.moveTo(0, 0)
      ctx.lineTo(b.h * 0.4, 0)
      ctx.stroke()
      ctx.restore()
    }
  },
}

export const ferrisWheel: PropDef = {
  id: 'ferris-wheel', slot: 'far', h: 0.4, aspect: 0.9, count: 1,
  draw(ctx, b, c) {
    const r = b.h * 0.42
    const cy = b.y - b.h * 0.5
    ctx.strokeStyle = css(mix(c.ink, [200, 200, 210], 0.3))
    ctx.lineWidth = Math.max(1.5, b.h * 0.015)
    ctx.beginPath()
    ctx.moveTo(b.x - r * 0.7, b.y)
    ctx.lineTo(b.x, cy)
    ctx.lineTo(b.x + r * 0.7, b.y)
    ctx.moveTo(b.x + r, cy)
    ctx.arc(b.x, cy, r, 0, TAU)
    ctx.stroke()
  },
  /** Spokes and gondolas turn slowly; rim lights chase on the beat. */
  anim(ctx, b, c, f) {
    const r = b.h * 0.42
    const cy = b.y - b.h * 0.5
    const a0 = f.t * 0.15
    ctx.strokeStyle = css(mix(c.ink, [200, 200, 210], 0.3))
    ctx.lineWidth = Math.max(1, b.h * 0.008)
    ctx.beginPath()
    for (let k = 0; k < 10; k++) {
      const a = a0 + (k / 10) * TAU
      ctx.moveTo(b.x, cy)
      ctx.lineTo(b.x + Math.cos(a) * r, cy + Math.sin(a) * r)
    }
    ctx.stroke()
    const beat = Math.floor(f.fc.barPhase * 4)
    for (let k = 0; k < 10; k++) {
      const a = a0 + (k / 10) * TAU
      const gx = b.x + Math.cos(a) * r
      const gy = cy + Math.sin(a) * r
      ctx.fillStyle = css(k % 2 ? c.main : c.accent)
      ctx.fillRect(gx - b.h * 0.03, gy, b.h * 0.06, b.h * 0.05)
      ctx.fillStyle = k % 4 === beat ? `rgba(255,240,180,${(0.6 + 0.4 * f.energy).toFixed(3)})` : 'rgba(255,240,180,0.25)'
      ctx.fillRect(gx - b.h * 0.012, gy - b.h * 0.012, b.h * 0.024, b.h * 0.024)
    }
  },
}

export const bridge: PropDef = {
  id: 'bridge', slot: 'far', h: 0.2, aspect: 4, count: 1,
  draw(ctx, b, c) {
    const ink = css(mix(scale([190, 70, 50], 0.45 + 0.55 * c.amb), c.main, 0.2))
    const deckY = b.y - b.h * 0.3
    const l = b.x - b.w / 2
    ctx.fillStyle = ink
    ctx.fillRect(l, deckY, b.w, b.h * 0.06)
    const towers = [l + b.w * 0.25, l + b.w * 0.75]
    for (const tx of towers) ctx.fillRect(tx - b.h * 0.03, b.y - b.h, b.h * 0.06, b.h)
    ctx.strokeStyle = ink
    ctx.lineWidth = Math.max(1, b.h * 0.015)
    ctx.beginPath()
    ctx.moveTo(l, deckY)
    ctx.quadraticCurveTo(l + b.w * 0.12, deckY - b.h * 0.2, towers[0], b.y - b.h)
    ctx.quadraticCurveTo(b.x, deckY + b.h * 0.1, towers[1], b.y - b.h)
    ctx.quadraticCurveTo(l + b.w * 0.88, deckY - b.h * 0.2, l + b.w, deckY)
    ctx.stroke()
    ctx.lineWidth = Math.max(1, b.h * 0.006)
    ctx.beginPath()
    for (let k = 1; k < 12; k++) {
      const x = towers[0] + ((towers[1] - towers[0]) * k) / 12
      const u = (x - b.x) / ((towers[1] - towers[0]) / 2)
      ctx.moveTo(x, deckY)
      ctx.lineTo(x, deckY - (b.y - b.h - deckY) * -1 * (u * u * 0.85 + 0.02))
    }
    ctx.stroke()
  },
  anim(ctx, b, _c, f) {
    const deckY = b.y - b.h * 0.3
    ctx.fillStyle = `rgba(255,230,160,${(0.4 + 0.5 * f.energy).toFixed(3)})`
    for (let k = 0; k < 16; k++) ctx.fillRect(b.x - b.w / 2 + (k + 0.5) * (b.w / 16), deckY - 2, 2, 2)
  },
}

export const telescopeDome: PropDef = {
  id: 'telescope-dome', slot: 'far', h: 0.24, aspect: 1.1, count: 1, spread: 0.5,
  draw(ctx, b, c) {
    const wall = scale([215, 215, 220], 0.45 + 0.55 * c.amb)
    const baseH = b.h * 0.45
    ctx.fillStyle = css(scale(wall, 0.8))
    ctx.fillRect(b.x - b.w * 0.42, b.y - baseH, b.w * 0.84, baseH)
    ctx.fillStyle = css(scale(wall, 0.5))
    ctx.fillRect(b.x - b.w * 0.08, b.y - baseH * 0.55, b.w * 0.16, baseH * 0.55)
    const r = b.w * 0.45
    const cy = b.y - baseH
    const g = ctx.createLinearGradient(b.x - r, 0, b.x + r, 0)
    g.addColorStop(0, css(wall))
    g.addColorStop(1, css(scale(wall, 0.65)))
    ctx.fillStyle = g
    ctx.beginPath()
    ctx.arc(b.x, cy, r, Math.PI, 0)
    ctx.fill()
    // The observing slit.
    ctx.fillStyle = css([20, 22, 35])
    ctx.beginPath()
    ctx.moveTo(b.x - r * 0.12, cy)
    ctx.lineTo(b.x - r * 0.12, cy - r * 0.98)
    ctx.lineTo(b.x + r * 0.12, cy - r * 0.98)
    ctx.lineTo(b.x + r * 0.12, cy)
    ctx.fill()
  },
  anim(ctx, b, _c, f) {
    const r = b.w * 0.45
    const cy = b.y - b.h * 0.45
    ctx.fillStyle = `rgba(140,170,255,${(0.15 + 0.5 * f.energy).toFixed(3)})`
    ctx.fillRect(b.x - r * 0.06, cy - r * 0.9, r * 0.12, r * 0.85)
  },
}

export const boat: PropDef = {
  id: 'boat', slot: 'water', h: 0.14, aspect: 1.4, count: 2,
  draw(ctx, b, c) {
    const h = b.h
    const hullTop = b.y - h * 0.3
    ctx.fillStyle = css(scale(c.main, 0.9))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w / 2, hullTop)
    ctx.lineTo(b.x + b.w / 2, hullTop - h * 0.06)
    ctx.lineTo(b.x + b.w * 0.36, b.y)
    ctx.lineTo(b.x - b.w * 0.4, b.y)
    ctx.fill()
    ctx.fillStyle = css(scale([245, 245, 240], 0.45 + 0.55 * c.amb))
    ctx.fillRect(b.x - b.w / 2, hullTop, b.w * 0.98, h * 0.05)
    // Wheelhouse with a lit window, mast and rigging.
    ctx.fillRect(b.x - b.w * 0.05, hullTop - h * 0.28, b.w * 0.28, h * 0.28)
    ctx.fillStyle = css(c.night ? c.glow : [60, 80, 100])
    ctx.fillRect(b.x + b.w * 0.02, hullTop - h * 0.22, b.w * 0.14, h * 0.1)
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1, h * 0.03)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.22, hullTop)
    ctx.lineTo(b.x - b.w * 0.22, b.y - h)
    ctx.lineTo(b.x - b.w * 0.5, hullTop)
    ctx.moveTo(b.x - b.w * 0.22, b.y - h)
    ctx.lineTo(b.x + b.w * 0.45, hullTop - h * 0.05)
    ctx.stroke()
  },
  /** Bobbing on the swell; a hit lifts it a little more. */
  motion(f, b, k) {
    return [0, Math.sin(f.t * 1.6 + k * 2) * b.h * 0.05 - f.hitEnv * b.h * 0.04, Math.sin(f.t * 1.2 + k) * 0.05]
  },
}
