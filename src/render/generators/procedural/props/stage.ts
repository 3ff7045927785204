import { css, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

export const drumKit: PropDef = {
  id: 'drum-kit', slot: 'ground', h: 0.22, aspect: 1.6, count: 1, spread: 0.6,
  draw(ctx, b, c) {
    const shell = scale(c.main, 0.9)
    const chrome = 'rgb(190,192,200)'
    ctx.strokeStyle = chrome
    ctx.lineWidth = Math.max(1, b.h * 0.015)
    ctx.beginPath()
    for (const u of [-0.42, 0.42]) {
      ctx.moveTo(b.x + u * b.w, b.y)
      ctx.lineTo(b.x + u * b.w, b.y - b.h * 0.85)
    }
    ctx.moveTo(b.x + 0.3 * b.w, b.y)
    ctx.lineTo(b.x + 0.3 * b.w, b.y - b.h * 0.45)
    ctx.stroke()
    // Bass drum facing the camera, two toms, a snare.
    ctx.fillStyle = css(shell)
    ctx.beginPath()
    ctx.arc(b.x, b.y - b.h * 0.3, b.h * 0.3, 0, TAU)
    ctx.fill()
    ctx.fillStyle = css(mix([240, 240, 235], c.accent, 0.15))
    ctx.beginPath()
    ctx.arc(b.x, b.y - b.h * 0.3, b.h * 0.24, 0, TAU)
    ctx.fill()
    ctx.fillStyle = css(shell)
    ctx.beginPath()
    ctx.arc(b.x, b.y - b.h * 0.3, b.h * 0.09, 0, TAU)
    ctx.fill()
    for (const u of [-0.14, 0.14]) {
      ctx.fillStyle = css(shell)
      ctx.fillRect(b.x + u * b.w - b.h * 0.1, b.y - b.h * 0.78, b.h * 0.2, b.h * 0.17)
      ctx.fillStyle = 'rgb(235,235,230)'
      ctx.beginPath()
      ctx.ellipse(b.x + u * b.w, b.y - b.h * 0.78, b.h * 0.1, b.h * 0.03, 0, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = chrome
    ctx.fillRect(b.x + 0.3 * b.w - b.h * 0.11, b.y - b.h * 0.55, b.h * 0.22, b.h * 0.1)
  },
  /** Cymbals rock and the bass-drum head flashes on hits. */
  anim(ctx, b, _c, f) {
    ctx.fillStyle = 'rgb(214,176,70)'
    for (const [u, d] of [[-0.42, 1], [0.42, -1]] as const) {
      ctx.save()
      ctx.translate(b.x + u * b.w, b.y - b.h * 0.86)
      ctx.rotate(d * (0.15 + 0.25 * f.hitEnv * Math.sin(f.t * 30)))
      ctx.beginPath()
      ctx.ellipse(0, 0, b.h * 0.2, b.h * 0.035, 0, 0, TAU)
      ctx.fill()
      ctx.restore()
    }
    if (f.hitEnv > 0.05) {
      ctx.fillStyle = `rgba(255,255,255,${(0.5 * f.hitEnv).toFixed(3)})`
      ctx.beginPath()
      ctx.arc(b.x, b.y - b.h * 0.3, b.h * 0.24, 0, TAU)
      ctx.fill()
    }
  },
}

export const guitarAmp: PropDef = {
  id: 'guitar-amp', slot: 'ground', h: 0.15, aspect: 1.25, count: 1,
  draw(ctx, b, c) {
    const l = b.x - b.w / 2
    ctx.fillStyle = css([26, 24, 24])
    ctx.fillRect(l, b.y - b.h, b.w, b.h)
    ctx.fillStyle = css(mix([200, 190, 160], c.accent, 0.1))
    ctx.fillRect(l + b.w * 0.05, b.y - b.h * 0.95, b.w * 0.9, b.h * 0.2)
    ctx.fillStyle = css([20, 20, 20])
    for (let k = 0; k < 6; k++) {
      ctx.beginPath()
      ctx.arc(l + b.w * (0.35 + k * 0.1), b.y - b.h * 0.85, b.h * 0.04, 0, TAU)
      ctx.fill()
    }
    ctx.fillStyle = css([60, 52, 48])
    ctx.fillRect(l + b.w * 0.06, b.y - b.h * 0.7, b.w * 0.88, b.h * 0.64)
    ctx.strokeStyle = css([80, 72, 66])
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let x = l + b.w * 0.08; x < l + b.w * 0.92; x += Math.max(2, b.w * 0.03)) {
      ctx.moveTo(x, b.y - b.h * 0.7)
      ctx.lineTo(x, b.y - b.h * 0.06)
    }
    ctx.stroke()
    ctx.fillStyle = css(c.main)
    ctx.fillRect(l + b.w * 0.08, b.y - b.h * 0.88, b.w * 0.18, b.h * 0.06)
  },
  anim(ctx, b, _c, f) {
    ctx.fillStyle = `rgba(255,40,30,${(0.4 + 0.6 * f.energy).toFixed(3)})`
    ctx.beginPath()
    ctx.arc(b.x + b.w * 0.4, b.y - b.h * 0.85, b.h * 0.03, 0, TAU)
    ctx.fill()
  },
}

export const piano: PropDef = {
  id: 'piano', slot: 'ground', h: 0.22, aspect: 1.4, count: 1,
  draw(ctx, b, c) {
    const l = b.x - b.w / 2
    // Polished dark wood, lighter than a black stage so the shape reads.
    const body = mix([92, 48, 36], c.main, 0.1)
    ctx.fillStyle = css(body)
    ctx.fillRect(l, b.y - b.h, b.w, b.h * 0.55)
    ctx.fillRect(l - b.w * 0.03, b.y - b.h * 0.5, b.w * 1.06, b.h * 0.07)
    ctx.fillRect(l + b.w * 0.03, b.y - b.h * 0.45, b.w * 0.06, b.h * 0.45)
    ctx.fillRect(l + b.w * 0.91, b.y - b.h * 0.45, b.w * 0.06, b.h * 0.45)
    ctx.fillStyle = css(scale(body, 1.6))
    ctx.fillRect(l, b.y - b.h, b.w, b.h * 0.03)
    ctx.fillRect(l + b.w * 0.1, b.y - b.h * 0.92, b.w * 0.8, b.h * 0.02)
    ctx.fillStyle = 'rgb(240,235,220)'
    ctx.fillRect(b.x - b.w * 0.12, b.y - b.h * 0.8, b.w * 0.24, b.h * 0.14)
    // Keyboard: white keys with the 2+3 pattern of black keys.
    ctx.fillStyle = 'rgb(245,243,235)'
    ctx.fillRect(l + b.w * 0.02, b.y - b.h * 0.52, b.w * 0.96, b.h * 0.07)
    const n = 28
    const kw = (b.w * 0.96) / n
    ctx.fillStyle = css([30, 30, 30])
    for (let k = 0; k < n; k++) {
      ctx.fillRect(l + b.w * 0.02 + k * kw, b.y - b.h * 0.52, 1, b.h * 0.07)
      if ([0, 1, 3, 4, 5].includes(k % 7)) ctx.fillRect(l + b.w * 0.02 + (k + 0.65) * kw, b.y - b.h * 0.52, kw * 0.6, b.h * 0.04)
    }
  },
  /** A few keys go down on each hit. */
  anim(ctx, b, _c, f) {
    if (f.hitEnv < 0.1) return
    const l = b.x - b.w / 2
    const kw = (b.w * 0.96) / 28
    ctx.fillStyle = `rgba(120,170,255,${(0.7 * f.hitEnv).toFixed(3)})`
    const k0 = Math.floor(f.fc.barPhase * 20)
    for (const d of [0, 2, 4]) ctx.fillRect(l + b.w * 0.02 + (k0 + d) * kw, b.y - b.h * 0.475, kw - 1, b.h * 0.025)
  },
}

export const microphoneStand: PropDef = {
  id: 'microphone-stand', slot: 'ground', h: 0.34, aspect: 0.5, count: 1, focus: 0.5,
  draw(ctx, b, c) {
    ctx.strokeStyle = css(c.ink)
    ctx.lineWidth = Math.max(1.5, b.h * 0.02)
    ctx.beginPath()
    ctx.moveTo(b.x - b.w * 0.25, b.y)
    ctx.lineTo(b.x - b.w * 0.1, b.y - b.h * 0.06)
    ctx.lineTo(b.x + b.w * 0.05, b.y)
    ctx.moveTo(b.x - b.w * 0.1, b.y - b.h * 0.06)
    ctx.lineTo(b.x - b.w * 0.1, b.y - b.h * 0.75)
    ctx.lineTo(b.x + b.w * 0.2, b.y - b.h * 0.9)
    ctx.stroke()
    ctx.save()
    ctx.translate(b.x + b.w * 0.22, b.y - b.h * 0.92)
    ctx.rotate(-0.4)
    ctx.fillStyle = css([40, 40, 44])
    ctx.fillRect(-b.h * 0.02, -b.h * 0.02, b.h * 0.1, b.h * 0.04)
    ctx.fillStyle = 'rgb(175,178,185)'
    ctx.beginPath()
    ctx.arc(b.h * 0.1, 0, b.h * 0.04, 0, TAU)
    ctx.fill()
    ctx.restore()
  },
}

export const speakers: PropDef = {
  id: 'speakers', slot: 'ground', h: 0.3, aspect: 0.55, count: 2,
  draw(ctx, b) {
    const l = b.x - b.w / 2
    ctx.fillStyle = css([24, 24, 28])
    ctx.fillRect(l, b.y - b.h, b.w, b.h)
    ctx.strokeStyle = css([60, 60, 66])
    ctx.lineWidth = Math.max(1, b.h * 0.012)
    ctx.strokeRect(l + 1, b.y - b.h + 1, b.w - 2, b.h - 2)
  },
  /** The cones pump on every hit. */
  anim(ctx, b, _c, f) {
    const cones: Array<[number, number]> = [[0.28, 0.33], [0.68, 0.12]]
    for (const [v, r0] of cones) {
      const r = b.w * r0 * (1 + 0.12 * f.hitEnv)
      const cy = b.y - b.h * v
      ctx.fillStyle = 'rgb(12,12,14)'
      ctx.beginPath()
      ctx.arc(b.x, cy, r, 0, TAU)
      ctx.fill()
      ctx.fillStyle = `rgb(${Math.round(70 + 60 * f.hitEnv)},${Math.round(70 + 60 * f.hitEnv)},78)`
      ctx.beginPath()
      ctx.arc(b.x, cy, r * 0.4, 0, TAU)
      ctx.fill()
    }
  },
}
