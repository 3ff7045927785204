import { css, hsl, mix, scale } from '../colour.js'
import type { Box, PropDef } from './types.js'

const TAU = Math.PI * 2

export const billboard: PropDef = {
  id: 'billboard', slot: 'ground', h: 0.45, aspect: 1.6, count: 1,
  draw(ctx, b, c) {
    const l = b.x - b.w / 2
    ctx.fillStyle = css(c.ink)
    for (const u of [0.25, 0.72]) ctx.fillRect(l + b.w * u, b.y - b.h * 0.5, b.w * 0.04, b.h * 0.5)
    ctx.fillRect(l - b.w * 0.02, b.y - b.h * 1.0, b.w * 1.04, b.h * 0.54)
    const g = ctx.createLinearGradient(l, 0, l + b.w, 0)
    g.addColorStop(0, css(c.main))
    g.addColorStop(1, css(c.accent))
    ctx.fillStyle = g
    ctx.fillRect(l + b.w * 0.02, b.y - b.h * 0.97, b.w * 0.96, b.h * 0.48)
    ctx.fillStyle = 'rgba(255,255,255,0.9)'
    ctx.fillRect(l + b.w * 0.08, b.y - b.h * 0.88, b.w * 0.5, b.h * 0.08)
    ctx.fillRect(l + b.w * 0.08, b.y - b.h * 0.74, b.w * 0.35, b.h * 0.05)
    ctx.beginPath()
    ctx.arc(l + b.w * 0.78, b.y - b.h * 0.73, b.h * 0.15, 0, TAU)
    ctx.fill()
  },
  anim(ctx, b, _c, f) {
    ctx.fillStyle = `rgba(255,250,230,${(0.05 + 0.2 * f.energy).toFixed(3)})`
    ctx.fillRect(b.x - b.w * 0.48, b.y - b.h * 0.97, b.w * 0.96, b.h * 0.48)
  },
}

export const roadSign: PropDef = {
  id: 'road-sign', slot: 'ground', h: 0.3, aspect: 0.4, count: 1, spread: 0.56, focus: 0.6,
  draw(ctx, b, c) {
    const pw = Math.max(2, b.h * 0.03)
    ctx.fillStyle = css(scale([150, 150, 155], 0.45 + 0.55 * c.amb))
    ctx.fillRect(b.x - pw / 2, b.y - b.h * 0.75, pw, b.h * 0.75)
    const r = b.w * 0.5
    const cy = b.y - b.h + r
    ctx.fillStyle = css(scale([245, 200, 40], 0.5 + 0.5 * c.amb))
    ctx.beginPath()
    ctx.moveTo(b.x, cy - r)
    ctx.lineTo(b.x + r, cy)
    ctx.lineTo(b.x, cy + r)
    ctx.lineTo(b.x - r, cy)
    ctx.fill()
    ctx.strokeStyle = css([20, 20, 20])
    ctx.lineWidth = Math.max(1, r * 0.1)
    ctx.beginPath()
    ctx.moveTo(b.x - r * 0.2, cy + r * 0.45)
    ctx.lineTo(b.x - r * 0.2, cy)
    ctx.quadraticCurveTo(b.x - r * 0.2, cy - r * 0.25, b.x + r * 0.15, cy - r * 0.25)
    ctx.stroke()
    ctx.fillStyle = css([20, 20, 20])
    ctx.beginPath()
    ctx.moveTo(b.x + r * 0.35, cy - r * 0.25)
    ctx.lineTo(b.x + r * 0.1, cy - r * 0.45)
    ctx.lineTo(b.x + r * 0.1, cy - r * 0.05)
    ctx.fill()
  },
}

/** The sign's panel: the whole box on a wall, the top 60 % when it stands on legs. */
function signPanel(b: Box): [number, number] {
  return [b.y - b.h, b.wall ? b.h : b.h * 0.6]
}

/** "OPEN" in glowing tubes; it flickers off for a moment on every beat. */
export const neonSign: PropDef = {
  id: 'neon-sign', slot: 'wall', h: 0.2, aspect: 2.2, count: 1,
  draw(ctx, b, c) {
    const [top, sh] = signPanel(b)
    if (!b.wall) {
      ctx.fillStyle = css(c.ink)
      for (const d of [-0.35, 0.35]) ctx.fillRect(b.x + d * b.w - b.h * 0.02, top + sh, b.h * 0.04, b.y - top - sh)
    }
    ctx.fillStyle = 'rgb(16,12,22)'
    ctx.fillRect(b.x - b.w / 2, top, b.w, sh)
  },
  anim(ctx, b, c, f) {
    const [top, sh] = signPanel(b)
    const off = f.fc.beatPhase < 0.06 && f.energy > 0.3
    const col = mix([255, 60, 200], c.main, 0.3)
    const a = off ? 0.25 : 0.75 + 0.25 * f.energy
    ctx.font = `bold ${Math.round(sh * 0.62)}px sans-serif`
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    ctx.strokeStyle = css(col, a * 0.4)
    ctx.lineWidth = Math.max(2, sh * 0.12)
    ctx.strokeText('OPEN', b.x, top + sh * 0.52)
    ctx.strokeStyle = css(mix(col, [255, 255, 255], 0.45), a)
    ctx.lineWidth = Math.max(1, sh * 0.04)
    ctx.strokeText('OPEN', b.x, top + sh * 0.52)
    ctx.strokeStyle = css(mix([60, 220, 255], c.accent, 0.3), a)
    ctx.strokeRect(b.x - b.w * 0.46, top + sh * 0.08, b.w * 0.92, sh * 0.84)
    ctx.textAlign = 'start'
    ctx.textBaseline = 'alphabetic'
  },
}

export const arcadeCabinet: PropDef = {
  id: 'arcade-cabinet', slot: 'ground', h: 0.34, aspect: 0.45, count: 3,
  draw(ctx, b, c, rng) {
    const l = b.x - b.w / 2
    const body = mix([30, 28, 40], c.main, 0.35)
    ctx.fillStyle = css(body)
    ctx.beginPath()
    ctx.moveTo(l, b.y)
    ctx.lineTo(l, b.y - b.h)
    ctx.lineTo(l + b.w, b.y - b.h)
    ctx.lineTo(l + b.w, b.y - b.h * 0.42)
    ctx.lineTo(l + b.w * 0.88, b.y - b.h * 0.38)
    ctx.lineTo(l + b.w * 0.92, b.y)
    ctx.fill()
    // Lit marquee, screen bezel, control panel with stick and buttons.
    ctx.fillStyle = css(hsl(rng() * 360, 0.8, 0.6))
    ctx.fillRect(l + b.w * 0.06, b.y - b.h * 0.97, b.w * 0.88, b.h * 0.1)
    ctx.fillStyle = css([8, 8, 12])
    ctx.fillRect(l + b.w * 0.1, b.y - b.h * 0.82, b.w * 0.8, b.h * 0.34)
    ctx.fillStyle = css(scale(body, 1.4))
    ctx.fillRect(l + b.w * 0.02, b.y - b.h * 0.45, b.w * 0.9, b.h * 0.07)
    ctx.fillStyle = 'rgb(230,40,40)'
    ctx.beginPath()
    ctx.arc(l + b.w * 0.3, b.y - b.h * 0.48, b.w * 0.05, 0, TAU)
    ctx.fill()
    ctx.fillStyle = 'rgb(250,220,60)'
    for (const u of [0.55, 0.68, 0.81]) ctx.fillRect(l + b.w * u, b.y - b.h * 0.43, b.w * 0.07, b.h * 0.02)
  },
  /** The screen's game: blocks that jump on the beat, colours from the hit. */
  anim(ctx, b, _c, f, k) {
    const l = b.x - b.w / 2
    const sx = l + b.w * 0.13
    const sy = b.y - b.h * 0.79
    const sw = b.w * 0.74
    const sh = b.h * 0.28
    ctx.fillStyle = css(hsl((k * 110 + f.t * 40) % 360, 0.6, 0.18 + 0.15 * f.energy))
    ctx.fillRect(sx, sy, sw, sh)
    ctx.fillStyle = css(hsl((k * 110 + 180) % 360, 0.9, 0.6))
    const jump = Math.sin(f.fc.beatPhase * Math.PI) * sh * 0.35
    for (let i = 0; i < 5; i++) ctx.fillRect(sx + ((i * 0.21 + f.t * 0.3 + k * 0.3) % 1) * sw * 0.9, sy + sh * (0.25 + 0.1 * (i % 2)), sw * 0.08, sh * 0.1)
    ctx.fillStyle = 'rgb(250,250,120)'
    ctx.fillRect(sx + sw * 0.2, sy + sh * 0.75 - jump, sw * 0.1, sh * 0.14)
  },
}
