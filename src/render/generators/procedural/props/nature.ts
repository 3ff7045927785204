import { css, mix, scale } from '../colour.js'
import type { FrameState } from '../stage.js'
import type { Box, PropDef } from './types.js'

const TAU = Math.PI * 2
const sway = (f: FrameState, _b: Box, k: number): [number, number, number] => [0, 0, Math.sin(f.t * 0.9 + k * 1.3) * 0.015 * (0.4 + f.energy)]

export const tree: PropDef = {
  id: 'tree', slot: 'ground', h: 0.6, aspect: 0.6, count: 3, spread: 0.62,
  draw(ctx, b, c, rng) {
    const bark = scale([90, 65, 45], 0.4 + 0.6 * c.amb)
    ctx.fillStyle = css(bark)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.08, b.y)
    ctx.lineTo(b.x - b.w * 0.04, b.y - b.h * 0.55)
    ctx.lineTo(b.x + b.w * 0.04, b.y - b.h * 0.55)
    ctx.lineTo(b.x + b.w * 0.08, b.y)
    ctx.fill()
    const leaf = scale(mix([60, 130, 60], c.accent, 0.15), 0.35 + 0.65 * c.amb)
    for (let k = 0; k < 9; k++) {
      const a = (k / 9) * TAU
      const r = b.w * (0.2 + 0.08 * rng())
      ctx.fillStyle = css(scale(leaf, 0.8 + 0.35 * rng()))
      ctx.beginPath()
      ctx.arc(b.x + Math.cos(a) * b.w * 0.25, b.y - b.h * 0.68 + Math.sin(a) * b.h * 0.17, r, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = css(scale(leaf, 1.15))
    ctx.beginPath()
    ctx.arc(b.x - b.w * 0.05, b.y - b.h * 0.75, b.w * 0.25, 0, TAU)
    ctx.fill()
  },
  motion: sway,
}

export const palmTree: PropDef = {
  id: 'palm-tree', slot: 'ground', h: 0.62, aspect: 0.7, count: 2, spread: 0.85,
  draw(ctx, b, c, rng) {
    const lean = (rng() < 0.5 ? -1 : 1) * b.w * 0.18
    const topX = b.x + lean
    const topY = b.y - b.h * 0.82
    ctx.strokeStyle = css(scale([120, 90, 60], 0.4 + 0.6 * c.amb))
    ctx.lineWidth = b.h * 0.04
    ctx.beginPath()
    ctx.moveTo(b.x, b.y)
    ctx.quadraticCurveTo(b.x + lean * 0.1, b.y - b.h * 0.5, topX, topY)
    ctx.stroke()
    ctx.strokeStyle = css(scale([80, 60, 40], 0.4 + 0.6 * c.amb))
    ctx.lineWidth = Math.max(1, b.h * 0.006)
    ctx.beginPath()
    for (let k = 1; k < 12; k++) {
      const u = k / 12
      const x = b.x + (topX - b.x) * u * u
      const y = b.y - (b.y - topY) * u
      ctx.moveTo(x - b.h * 0.02, y)
      ctx.lineTo(x + b.h * 0.02, y + b.h * 0.01)
    }
    ctx.stroke()
    const frond = css(scale(mix([50, 130, 60], c.accent, 0.1), 0.35 + 0.65 * c.amb))
    ctx.strokeStyle = frond
    ctx.lineCap = 'round'
    for (let k = 0; k < 7; k++) {
      const a = -Math.PI / 2 + ((k - 3) / 3) * 1.6
      const len = b.w * (0.45 + 0.1 * rng())
      const ex = topX + Math.cos(a) * len
      const ey = topY + Math.sin(a) * len * 0.5 + len * 0.35
      ctx.lineWidth = b.h * 0.035
      ctx.beginPath()
      ctx.moveTo(topX, topY)
      ctx.quadraticCurveTo(topX + Math.cos(a) * len * 0.6, topY + Math.sin(a) * len * 0.6 - b.h * 0.05, ex, ey)
      ctx.stroke()
    }
    ctx.lineCap = 'butt'
    ctx.fillStyle = css([90, 60, 30])
    for (const d of [-1, 1]) {
      ctx.beginPath()
      ctx.arc(topX + d * b.h * 0.02, topY + b.h * 0.03, b.h * 0.02, 0, TAU)
      ctx.fill()
    }
  },
  motion: sway,
}

export const tent: PropDef = {
  id: 'tent', slot: 'ground', h: 0.18, aspect: 1.5, count: 1, spread: 0.66, reach: 1.1,
  draw(ctx, b, c) {
    const col = scale(c.accent, 0.5 + 0.5 * c.amb)
    ctx.fillStyle = css(col)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.5, b.y)
    ctx.lineTo(b.x, b.y - b.h)
    ctx.lineTo(b.x + b.w * 0.5, b.y)
    ctx.fill()
    ctx.fillStyle = css(scale(col, 0.55))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.14, b.y)
    ctx.lineTo(b.x, b.y - b.h * 0.7)
    ctx.lineTo(b.x + b.w * 0.14, b.y)
    ctx.fill()
    ctx.fillStyle = css(c.night ? c.glow : scale(col, 0.3), c.night ? 0.8 : 1)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.06, b.y)
    ctx.lineTo(b.x, b.y - b.h * 0.45)
    ctx.lineTo(b.x + b.w * 0.06, b.y)
    ctx.fill()
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1, b.h * 0.015)
    ctx.beginPath()
    ctx.moveTo(b.x, b.y - b.h * 1.08)
    ctx.lineTo(b.x, b.y - b.h * 0.95)
    ctx.moveTo(b.x - b.w * 0.25, b.y - b.h * 0.5)
    ctx.lineTo(b.x - b.w * 0.62, b.y)
    ctx.moveTo(b.x + b.w * 0.25, b.y - b.h * 0.5)
    ctx.lineTo(b.x + b.w * 0.62, b.y)
    ctx.stroke()
  },
}

export const campfire: PropDef = {
  id: 'campfire', slot: 'ground', h: 0.1, aspect: 1.3, count: 1,
  draw(ctx, b, c) {
    ctx.fillStyle = css(scale([120, 115, 110], 0.4 + 0.6 * c.amb))
    for (let k = 0; k < 7; k++) {
      ctx.beginPath()
      ctx.ellipse(b.x + (k / 6 - 0.5) * b.w * 0.9, b.y - b.h * 0.05, b.w * 0.08, b.h * 0.07, 0, 0, TAU)
      ctx.fill()
    }
    ctx.strokeStyle = css(scale([100, 65, 40], 0.5 + 0.5 * c.amb))
    ctx.lineWidth = b.h * 0.1
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.3, b.y - b.h * 0.05)
    ctx.lineTo(b.x + b.w * 0.25, b.y - b.h * 0.25)
    ctx.moveTo(b.x + b.w * 0.3, b.y - b.h * 0.05)
    ctx.lineTo(b.x - b.w * 0.25, b.y - b.h * 0.25)
    ctx.stroke()
  },
  /** Flames leap with the loudness and the hits; a warm glow around. */
  anim(ctx, b, _c, f) {
    const r = b.h * (1.6 + f.energy)
    const cy = b.y - b.h * 0.4
    const g = ctx.createRadialGradient(b.x, cy, 0, b.x, cy, r)
    g.addColorStop(0, `rgba(255,150,50,${(0.25 + 0.3 * f.energy).toFixed(3)})`)
    g.addColorStop(1, 'rgba(255,150,50,0)')
    ctx.fillStyle = g
    ctx.fillRect(b.x - r, cy - r, 2 * r, 2 * r)
    const flames: Array<[number, number, string]> = [[-0.15, 0.8, 'rgb(255,110,30)'], [0.12, 0.7, 'rgb(255,140,40)'], [0, 1, 'rgb(255,200,70)'], [0, 0.55, 'rgb(255,240,170)']]
    for (const [dx, hk, col] of flames) {
      const fh = b.h * (0.6 + 0.9 * f.energy + 0.4 * f.hitEnv) * hk * (0.85 + 0.15 * Math.sin(f.t * 13 + dx * 40))
      const x = b.x + dx * b.w
      const y = b.y - b.h * 0.12
      ctx.fillStyle = col
      ctx.beginPath()
      ctx.moveTo(x - b.w * 0.13 * hk, y)
      ctx.quadraticCurveTo(x - b.w * 0.12 * hk, y - fh * 0.5, x + Math.sin(f.t * 7 + dx) * b.w * 0.05, y - fh)
      ctx.quadraticCurveTo(x + b.w * 0.12 * hk, y - fh * 0.5, x + b.w * 0.13 * hk, y)
      ctx.fill()
    }
  },
}

export const cactus: PropDef = {
  id: 'cactus', slot: 'ground', h: 0.32, aspect: 0.6, count: 2, spread: 0.62,
  draw(ctx, b, c, rng) {
    const green = css(scale(mix([60, 120, 70], c.accent, 0.1), 0.35 + 0.65 * c.amb))
    const w = b.w * 0.24
    ctx.fillStyle = green
    const pill = (x: number, y0: number, y1: number, ww: number) => {
      ctx.beginPath()
      ctx.arc(x, y1 + ww / 2, ww / 2, Math.PI, 0)
      ctx.lineTo(x + ww / 2, y0)
      ctx.lineTo(x - ww / 2, y0)
      ctx.fill()
    }
    pill(b.x, b.y, b.y - b.h, w)
    const armL = b.y - b.h * (0.35 + 0.15 * rng())
    const armR = b.y - b.h * (0.45 + 0.15 * rng())
    ctx.fillRect(b.x - b.w * 0.38, armL - w * 0.35, b.w * 0.38, w * 0.7)
    pill(b.x - b.w * 0.38, armL + w * 0.3, armL - b.h * 0.28, w * 0.75)
    ctx.fillRect(b.x, armR - w * 0.35, b.w * 0.38, w * 0.7)
    pill(b.x + b.w * 0.38, armR + w * 0.3, armR - b.h * 0.22, w * 0.75)
  },
}

export const plant: PropDef = {
  id: 'plant', slot: 'ground', h: 0.2, aspect: 0.7, count: 1, spread: 0.75,
  draw(ctx, b, c) {
    ctx.fillStyle = css(scale([190, 100, 60], 0.45 + 0.55 * c.amb))
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.25, b.y - b.h * 0.3)
    ctx.lineTo(b.x + b.w * 0.25, b.y - b.h * 0.3)
    ctx.lineTo(b.x + b.w * 0.18, b.y)
    ctx.lineTo(b.x - b.w * 0.18, b.y)
    ctx.fill()
    const leaf = scale(mix([60, 140, 70], c.accent, 0.1), 0.4 + 0.6 * c.amb)
    for (let k = 0; k < 9; k++) {
      const a = -Math.PI / 2 + ((k - 4) / 4) * 1.2
      ctx.fillStyle = css(scale(leaf, 0.8 + 0.05 * k))
      ctx.save()
      ctx.translate(b.x, b.y - b.h * 0.3)
      ctx.rotate(a + Math.PI / 2)
      ctx.beginPath()
      ctx.ellipse(0, -b.h * 0.28, b.w * 0.09, b.h * 0.28, 0, 0, TAU)
      ctx.fill()
      ctx.restore()
    }
  },
  motion: sway,
}

export const snowman: PropDef = {
  id: 'snowman', slot: 'ground', h: 0.26, aspect: 0.6, count: 1,
  draw(ctx, b, c) {
    const white = css(scale([245, 248, 255], 0.55 + 0.45 * Math.max(c.amb, 0.5)))
    ctx.fillStyle = white
    const balls: Array<[number, number]> = [[0.19, 0.2], [0.5, 0.15], [0.74, 0.11]]
    for (const [y, r] of balls) {
      ctx.beginPath()
      ctx.arc(b.x, b.y - b.h * y, b.h * r, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = css([20, 20, 24])
    ctx.fillRect(b.x - b.h * 0.1, b.y - b.h * 0.86, b.h * 0.2, b.h * 0.025)
    ctx.fillRect(b.x - b.h * 0.065, b.y - b.h * 1.0, b.h * 0.13, b.h * 0.15)
    for (const d of [-1, 1]) {
      ctx.beginPath()
      ctx.arc(b.x + d * b.h * 0.04, b.y - b.h * 0.77, b.h * 0.015, 0, TAU)
      ctx.fill()
    }
    for (const y of [0.45, 0.52, 0.59]) {
      ctx.beginPath()
      ctx.arc(b.x, b.y - b.h * y, b.h * 0.015, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = 'rgb(240,120,30)'
    ctx.beginPath()
    ctx.moveTo(b.x, b.y - b.h * 0.74)
    ctx.lineTo(b.x + b.h * 0.12, b.y - b.h * 0.72)
    ctx.lineTo(b.x, b.y - b.h * 0.7)
    ctx.fill()
    ctx.fillStyle = css(c.main)
    ctx.fillRect(b.x - b.h * 0.12, b.y - b.h * 0.65, b.h * 0.24, b.h * 0.04)
    ctx.fillRect(b.x + b.h * 0.05, b.y - b.h * 0.65, b.h * 0.04, b.h * 0.12)
  },
}

export const telescope: PropDef = {
  id: 'telescope', slot: 'ground', h: 0.24, aspect: 0.8, count: 1,
  draw(ctx, b, c) {
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1.5, b.h * 0.025)
    const hx = b.x
    const hy = b.y - b.h * 0.55
    ctx.beginPath()
    ctx.moveTo(hx, hy)
    ctx.lineTo(b.x - b.w * 0.3, b.y)
    ctx.moveTo(hx, hy)
    ctx.lineTo(b.x + b.w * 0.3, b.y)
    ctx.moveTo(hx, hy)
    ctx.lineTo(b.x + b.w * 0.05, b.y)
    ctx.stroke()
    // The tube points up at the sky: wider at the objective end.
    ctx.save()
    ctx.translate(hx, hy)
    ctx.rotate(-0.75)
    ctx.fillStyle = css(scale(mix([230, 230, 235], c.main, 0.2), 0.45 + 0.55 * c.amb))
    ctx.beginPath()
    ctx.moveTo(-b.h * 0.2, -b.h * 0.035)
    ctx.lineTo(b.h * 0.42, -b.h * 0.06)
    ctx.lineTo(b.h * 0.42, b.h * 0.06)
    ctx.lineTo(-b.h * 0.2, b.h * 0.035)
    ctx.fill()
    ctx.fillStyle = css(c.ink)
    ctx.fillRect(b.h * 0.4, -b.h * 0.07, b.h * 0.05, b.h * 0.14)
    ctx.fillRect(-b.h * 0.27, -b.h * 0.02, b.h * 0.08, b.h * 0.04)
    ctx.restore()
  },
}
