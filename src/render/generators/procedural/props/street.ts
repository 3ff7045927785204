import { css, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

export const streetLamp: PropDef = {
  id: 'street-lamp', slot: 'ground', h: 0.55, aspect: 0.35, count: 2, spread: 0.6, focus: 0.4,
  draw(ctx, b, c) {
    const pw = Math.max(2, b.h * 0.02)
    ctx.fillStyle = css(c.ink)
    ctx.fillRect(b.x - pw * 1.6, b.y - b.h * 0.06, pw * 3.2, b.h * 0.06)
    ctx.fillRect(b.x - pw / 2, b.y - b.h * 0.95, pw, b.h * 0.95)
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = pw
    ctx.beginPath()
    ctx.moveTo(b.x, b.y - b.h * 0.94)
    ctx.quadraticCurveTo(b.x, b.y - b.h, b.x + b.w * 0.4, b.y - b.h * 0.97)
    ctx.stroke()
    ctx.fillRect(b.x + b.w * 0.3, b.y - b.h * 0.98, b.w * 0.25, b.h * 0.035)
    ctx.fillStyle = css(mix([255, 230, 160], c.glow, 0.3))
    ctx.fillRect(b.x + b.w * 0.33, b.y - b.h * 0.945, b.w * 0.19, b.h * 0.015)
  },
  anim(ctx, b, c, f) {
    if (!c.night && c.amb > 0.8) return
    const x = b.x + b.w * 0.42
    const y = b.y - b.h * 0.92
    const r = b.h * (0.18 + 0.08 * f.energy)
    const g = ctx.createRadialGradient(x, y, 0, x, y, r)
    g.addColorStop(0, css(mix([255, 220, 150], c.glow, 0.3), 0.35 + 0.35 * f.energy))
    g.addColorStop(1, css([255, 220, 150], 0))
    ctx.fillStyle = g
    ctx.fillRect(x - r, y - r, 2 * r, 2 * r)
  },
}

export const car: PropDef = {
  id: 'car', slot: 'ground', h: 0.15, aspect: 2.4, count: 1,
  draw(ctx, b, c) {
    const h = b.h
    const body = scale(c.main, 0.95)
    const l = b.x - b.w / 2
    ctx.fillStyle = css(body)
    ctx.beginPath()
    ctx.moveTo(l, b.y - h * 0.22)
    ctx.lineTo(l + b.w * 0.02, b.y - h * 0.55)
    ctx.lineTo(l + b.w * 0.25, b.y - h * 0.6)
    ctx.lineTo(l + b.w * 0.38, b.y - h * 0.95)
    ctx.lineTo(l + b.w * 0.72, b.y - h * 0.95)
    ctx.lineTo(l + b.w * 0.85, b.y - h * 0.6)
    ctx.lineTo(l + b.w, b.y - h * 0.52)
    ctx.lineTo(l + b.w, b.y - h * 0.22)
    ctx.fill()
    ctx.fillStyle = css(mix([40, 60, 80], c.light, 0.25))
    ctx.beginPath()
    ctx.moveTo(l + b.w * 0.29, b.y - h * 0.6)
    ctx.lineTo(l + b.w * 0.4, b.y - h * 0.88)
    ctx.lineTo(l + b.w * 0.53, b.y - h * 0.88)
    ctx.lineTo(l + b.w * 0.53, b.y - h * 0.6)
    ctx.moveTo(l + b.w * 0.56, b.y - h * 0.6)
    ctx.lineTo(l + b.w * 0.56, b.y - h * 0.88)
    ctx.lineTo(l + b.w * 0.7, b.y - h * 0.88)
    ctx.lineTo(l + b.w * 0.8, b.y - h * 0.6)
    ctx.fill()
    ctx.fillStyle = css([18, 18, 20])
    for (const u of [0.2, 0.8]) {
      ctx.beginPath()
      ctx.arc(l + b.w * u, b.y - h * 0.2, h * 0.2, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = css([170, 170, 175])
    for (const u of [0.2, 0.8]) {
      ctx.beginPath()
      ctx.arc(l + b.w * u, b.y - h * 0.2, h * 0.09, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = 'rgb(255,245,200)'
    ctx.fillRect(l + b.w * 0.96, b.y - h * 0.48, b.w * 0.04, h * 0.09)
    ctx.fillStyle = 'rgb(220,40,30)'
    ctx.fillRect(l, b.y - h * 0.48, b.w * 0.025, h * 0.09)
  },
  motion(f, b) {
    return [0, -f.hitEnv * b.h * 0.03, 0]
  },
}

export const bench: PropDef = {
  id: 'bench', slot: 'ground', h: 0.1, aspect: 2, count: 1,
  draw(ctx, b, c) {
    const wood = css(mix([140, 95, 60], c.main, 0.15))
    const l = b.x - b.w / 2
    ctx.fillStyle = css(c.ink)
    for (const u of [0.1, 0.86]) ctx.fillRect(l + b.w * u, b.y - b.h * 0.5, b.w * 0.04, b.h * 0.5)
    ctx.fillStyle = wood
    ctx.fillRect(l, b.y - b.h * 0.52, b.w, b.h * 0.1)
    for (const v of [0.68, 0.84]) ctx.fillRect(l, b.y - b.h * v - b.h * 0.1, b.w, b.h * 0.1)
    ctx.fillStyle = css(c.ink)
    for (const u of [0.1, 0.86]) ctx.fillRect(l + b.w * u, b.y - b.h, b.w * 0.03, b.h * 0.5)
  },
}

export const bicycle: PropDef = {
  id: 'bicycle', slot: 'ground', h: 0.11, aspect: 1.7, count: 1,
  draw(ctx, b, c) {
    const r = b.h * 0.32
    const ax = b.x - b.w * 0.3
    const bx = b.x + b.w * 0.3
    const wy = b.y - r
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1, b.h * 0.05)
    ctx.beginPath()
    ctx.arc(ax, wy, r, 0, TAU)
    ctx.moveTo(bx + r, wy)
    ctx.arc(bx, wy, r, 0, TAU)
    ctx.stroke()
    ctx.strokeStyle = css(c.accent)
    ctx.lineWidth = Math.max(1, b.h * 0.06)
    const px = b.x - b.w * 0.02
    const sy = b.y - b.h * 0.75
    ctx.beginPath()
    ctx.moveTo(ax, wy)
    ctx.lineTo(px, wy)
    ctx.lineTo(b.x - b.w * 0.08, sy)
    ctx.lineTo(ax, wy)
    ctx.moveTo(px, wy)
    ctx.lineTo(b.x + b.w * 0.22, sy)
    ctx.lineTo(b.x - b.w * 0.08, sy)
    ctx.moveTo(b.x + b.w * 0.22, sy)
    ctx.lineTo(bx, wy)
    ctx.moveTo(b.x + b.w * 0.22, sy)
    ctx.lineTo(b.x + b.w * 0.2, b.y - b.h * 0.95)
    ctx.stroke()
    ctx.strokeStyle = css(c.ink)
    ctx.beginPath()
    ctx.moveTo(b.x + b.w * 0.14, b.y - b.h * 0.95)
    ctx.lineTo(b.x + b.w * 0.28, b.y - b.h * 0.95)
    ctx.moveTo(b.x - b.w * 0.15, b.y - b.h * 0.82)
    ctx.lineTo(b.x - b.w * 0.01, b.y - b.h * 0.82)
    ctx.stroke()
  },
}

export const trafficLight: PropDef = {
  id: 'traffic-light', slot: 'ground', h: 0.5, aspect: 0.22, count: 1, focus: 0.45,
  draw(ctx, b, c) {
    const pw = Math.max(2, b.h * 0.025)
    ctx.fillStyle = css(c.ink)
    ctx.fillRect(b.x - pw / 2, b.y - b.h * 0.7, pw, b.h * 0.7)
    ctx.fillStyle = css([30, 32, 30])
    ctx.fillRect(b.x - b.w * 0.45, b.y - b.h, b.w * 0.9, b.h * 0.32)
    ctx.fillStyle = css([60, 60, 55])
    for (let k = 0; k < 3; k++) {
      ctx.beginPath()
      ctx.arc(b.x, b.y - b.h * (0.94 - k * 0.1), b.w * 0.27, 0, TAU)
      ctx.fill()
    }
  },
  /** Red, amber, green: one light per beat of the bar (two beats on red). */
  anim(ctx, b, _c, f) {
    const beat = Math.floor(f.fc.barPhase * 4)
    const k = beat < 2 ? 0 : beat === 2 ? 1 : 2
    const col = ['rgb(255,50,40)', 'rgb(255,190,40)', 'rgb(60,230,110)'][k]
    ctx.fillStyle = col
    ctx.beginPath()
    ctx.arc(b.x, b.y - b.h * (0.94 - k * 0.1), b.w * 0.27, 0, TAU)
    ctx.fill()
  },
}

export const crate: PropDef = {
  id: 'crate', slot: 'ground', h: 0.09, aspect: 1.1, count: 2,
  draw(ctx, b, c) {
    const wood = mix([170, 120, 70], c.main, 0.1)
    const lit = scale(wood, 0.45 + 0.55 * c.amb)
    const l = b.x - b.w / 2
    ctx.fillStyle = css(lit)
    ctx.fillRect(l, b.y - b.h, b.w, b.h)
    ctx.strokeStyle = css(scale(lit, 0.55))
    ctx.lineWidth = Math.max(1, b.h * 0.08)
    ctx.strokeRect(l + ctx.lineWidth / 2, b.y - b.h + ctx.lineWidth / 2, b.w - ctx.lineWidth, b.h - ctx.lineWidth)
    ctx.beginPath()
    ctx.moveTo(l, b.y - b.h)
    ctx.lineTo(l + b.w, b.y)
    ctx.moveTo(l + b.w, b.y - b.h)
    ctx.lineTo(l, b.y)
    ctx.stroke()
  },
}
