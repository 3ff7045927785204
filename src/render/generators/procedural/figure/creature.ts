/** Creatures: a blob that squashes on the beat, a ghost that floats with a rippling hem, a small dragon whose wings beat. */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, scale, type Rgb } from '../colour.js'
import type { Motion } from './actions.js'
import { drawHeadwear } from './headwear.js'
import type { FigureLook } from './look.js'
import { line, type Paint } from './parts.js'

function eyesAt(n: number, x: number, y: number, spread: number): Array<[number, number]> {
  return Array.from({ length: n }, (_, k) => [n === 1 ? x : x + (-1 + (2 * k) / (n - 1)) * spread, y] as [number, number])
}

function drawEyes(ctx: SKRSContext2D, eyes: Array<[number, number]>, r: number, iris: Rgb | undefined): void {
  ctx.fillStyle = 'rgb(250,250,250)'
  ctx.beginPath()
  for (const [x, y] of eyes) {
    ctx.moveTo(x + r, y)
    ctx.arc(x, y, r, 0, Math.PI * 2)
  }
  ctx.fill()
  ctx.fillStyle = css(iris ?? [20, 16, 18])
  ctx.beginPath()
  for (const [x, y] of eyes) {
    ctx.moveTo(x + r * 0.55, y + r * 0.1)
    ctx.arc(x, y + r * 0.1, r * 0.55, 0, Math.PI * 2)
  }
  ctx.fill()
}

export function drawCreature(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const s = look.spec.species
  if (s === 'ghost') return ghost(ctx, look, h, m, paint, rimPass)
  if (s === 'dragon') return dragon(ctx, look, h, m, paint, rimPass)
  // Blob: squash on the beat, stretch between; a dance or a walk wobbles it side to side.
  const c = look.body
  const sq = 0.14 * m.pulse + (m.action === 'dance' ? 0.06 * Math.sin(m.pulse * 6) : 0)
  const w = h * 0.5 * (1 + sq)
  const ht = h * (1 - sq)
  const lean = m.sway * h + (m.action === 'walk' || m.action === 'run' ? m.legs[0] * 0.1 * h : 0)
  ctx.fillStyle = paint(c)
  ctx.beginPath()
  ctx.moveTo(-w, 0)
  ctx.bezierCurveTo(-w * 1.05, -ht * 0.55, -w * 0.55 + lean, -ht * 1.02, lean, -ht)
  ctx.bezierCurveTo(w * 0.55 + lean, -ht * 1.02, w * 1.05, -ht * 0.55, w, 0)
  ctx.closePath()
  ctx.fill()
  const eyes = eyesAt(look.spec.eyes, lean * 0.6, -ht * 0.62, w * 0.3)
  const er = h * (look.spec.eyes === 1 ? 0.11 : 0.075)
  if (!rimPass) {
    ctx.fillStyle = css(mix(c, [255, 255, 255], 0.5), 0.5)
    ctx.beginPath()
    ctx.ellipse(-w * 0.45 + lean * 0.5, -ht * 0.7, w * 0.14, ht * 0.1, -0.6, 0, Math.PI * 2)
    ctx.fill()
    drawEyes(ctx, eyes, er, look.spec.colours.eye ? look.eye : undefined)
    ctx.fillStyle = css(scale(c, 0.35))
    ctx.beginPath()
    ctx.ellipse(lean * 0.5, -ht * 0.38, w * 0.22, Math.max(h * 0.015, h * 0.1 * m.mouth), 0, 0, Math.PI * 2)
    ctx.fill()
  }
  drawHeadwear(ctx, look, { x: lean * 0.6, y: -ht * 0.62, r: w * 0.55, eyes, neckY: -ht * 0.3, neckW: w * 1.2, drop: h * 0.15 }, paint, rimPass)
}

function ghost(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const c = look.body
  const float = -h * (0.06 + 0.03 * Math.sin(Math.PI * 2 * m.pulse * 0.5))
  const w = h * 0.3
  const top = -h + float * 0.2
  const hem = float
  ctx.save()
  ctx.globalAlpha = 0.92
  ctx.fillStyle = paint(c)
  ctx.beginPath()
  ctx.moveTo(-w, hem)
  ctx.lineTo(-w, top + w)
  ctx.arc(0, top + w, w, Math.PI, 0)
  ctx.lineTo(w, hem)
  // A rippling hem that moves with the beat.
  const waves = 4
  for (let k = waves; k >= 0; k--) {
    const x = -w + (2 * w * k) / waves
    const dy = (k % 2 === 0 ? 0 : -h * 0.06) + Math.sin(m.pulse * 6 + k) * h * 0.015
    ctx.lineTo(x, hem + dy)
  }
  ctx.fill()
  // Little arms, raised when dancing.
  const up = m.action === 'dance' ? 0.9 : m.action === 'perform' ? 0.3 + 0.4 * m.mouth : 0.2
  for (const s of [-1, 1]) {
    ctx.beginPath()
    ctx.ellipse(s * w * 1.05, top + w * (1.6 - up), w * 0.3, w * 0.16, s * (0.4 + up), 0, Math.PI * 2)
    ctx.fill()
  }
  ctx.restore()
  const eyes = eyesAt(look.spec.eyes, 0, top + w * 0.95, w * 0.38)
  if (!rimPass) {
    ctx.fillStyle = css(look.spec.colours.eye ? look.eye : [24, 20, 30])
    ctx.beginPath()
    for (const [x, y] of eyes) {
      ctx.moveTo(x + w * 0.13, y)
      ctx.ellipse(x, y, w * 0.13, w * 0.2, 0, 0, Math.PI * 2)
    }
    ctx.ellipse(0, top + w * 1.45, w * 0.12, Math.max(w * 0.04, w * 0.22 * m.mouth), 0, 0, Math.PI * 2)
    ctx.fill()
  }
  drawHeadwear(ctx, look, { x: 0, y: top + w, r: w, eyes, neckY: top + w * 1.9, neckW: w * 1.6, drop: w * 0.8 }, paint, rimPass)
}

function dragon(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const c = look.body
  const dir = m.facing === 0 ? 1 : m.facing
  const wingC = scale(c, 0.7)
  const belly = mix(c, [250, 230, 170], 0.55)
  const bodyY = -h * 0.36
  const flap = Math.sin(Math.PI * 2 * m.pulse) * (m.action === 'perform' ? 0.2 : 0.45)
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  // Wings behind, beating on the beat.
  ctx.fillStyle = paint(wingC)
  for (const s of [-0.7, 0.4]) {
    ctx.save()
    ctx.translate(s * h * 0.1, bodyY - h * 0.14)
    ctx.rotate(-flap * 0.6 + (s < 0 ? -0.3 : 0.2))
    ctx.beginPath()
    ctx.moveTo(0, 0)
    ctx.lineTo(s * h * 0.5, -h * 0.36)
    ctx.lineTo(s * h * 0.42, -h * 0.18)
    ctx.lineTo(s * h * 0.56, -h * 0.08)
    ctx.lineTo(s * h * 0.36, -h * 0.02)
    ctx.closePath()
    ctx.fill()
    ctx.restore()
  }
  // Tail, legs, body.
  ctx.strokeStyle = paint(c)
  ctx.lineWidth = h * 0.08
  ctx.beginPath()
  ctx.moveTo(-dir * h * 0.1, bodyY + h * 0.1)
  ctx.quadraticCurveTo(-dir * h * 0.42, -h * 0.02, -dir * h * 0.52, -h * (0.14 + 0.04 * Math.sin(m.pulse * 6)))
  ctx.stroke()
  ctx.fillStyle = paint(c)
  ctx.beginPath()
  ctx.moveTo(-dir * h * 0.52, -h * 0.22)
  ctx.lineTo(-dir * h * 0.62, -h * 0.12)
  ctx.lineTo(-dir * h * 0.48, -h * 0.08)
  ctx.fill()
  ctx.lineWidth = h * 0.075
  for (const [k, x] of [-0.08, 0.09].entries()) line(ctx, dir * x * h, bodyY + h * 0.15, dir * (x * h + Math.sin(m.legs[k]) * h * 0.2), -m.lift[k] * h)
  ctx.beginPath()
  ctx.ellipse(0, bodyY, h * 0.2, h * 0.24, dir * 0.15, 0, Math.PI * 2)
  ctx.fill()
  // Neck and head with horns.
  const hx = dir * h * 0.12
  const hy = -h * 0.78
  ctx.lineWidth = h * 0.1
  line(ctx, dir * h * 0.05, bodyY - h * 0.12, hx, hy + h * 0.08)
  for (const s of [-1, 1]) {
    ctx.fillStyle = paint([236, 226, 200])
    ctx.beginPath()
    ctx.moveTo(hx + s * h * 0.06, hy - h * 0.08)
    ctx.lineTo(hx + s * h * 0.12, hy - h * 0.21)
    ctx.lineTo(hx + s * h * 0.01, hy - h * 0.1)
    ctx.fill()
  }
  ctx.fillStyle = paint(c)
  ctx.beginPath()
  ctx.ellipse(hx, hy, h * 0.13, h * 0.11, 0, 0, Math.PI * 2)
  ctx.ellipse(hx + dir * h * 0.1, hy + h * 0.05, h * 0.1, h * 0.065, 0, 0, Math.PI * 2)
  ctx.fill()
  const eyes = eyesAt(look.spec.eyes, hx - dir * h * 0.01, hy - h * 0.02, h * 0.055)
  if (!rimPass) {
    ctx.fillStyle = css(belly)
    ctx.beginPath()
    ctx.ellipse(dir * h * 0.05, bodyY + h * 0.02, h * 0.11, h * 0.17, dir * 0.15, 0, Math.PI * 2)
    ctx.fill()
    // Spikes down the back.
    ctx.fillStyle = css(scale(c, 0.6))
    for (let k = 0; k < 4; k++) {
      const sx = -dir * h * (0.12 + 0.04 * k)
      const sy = bodyY - h * (0.18 - 0.08 * k)
      ctx.beginPath()
      ctx.moveTo(sx, sy)
      ctx.lineTo(sx - dir * h * 0.06, sy - h * 0.03)
      ctx.lineTo(sx - dir * h * 0.01, sy + h * 0.05)
      ctx.fill()
    }
    drawEyes(ctx, eyes, h * 0.032, look.spec.colours.eye ? look.eye : [200, 60, 20])
    ctx.fillStyle = 'rgb(90,20,30)'
    ctx.beginPath()
    ctx.ellipse(hx + dir * h * 0.12, hy + h * 0.08, h * 0.05, Math.max(h * 0.006, h * 0.035 * m.mouth), 0, 0, Math.PI * 2)
    ctx.fill()
  }
  drawHeadwear(ctx, look, { x: hx, y: hy, r: h * 0.12, eyes, neckY: hy + h * 0.16, neckW: h * 0.14, drop: h * 0.12 }, paint, rimPass)
}
