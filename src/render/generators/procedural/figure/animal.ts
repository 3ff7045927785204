/**
 * Animals: four-legged ones in profile (cat, dog, fox, bear, rabbit) with a face turned to camera,
 * birds and owls upright. They bounce on the beat and wag or flap; walking moves the legs in pairs.
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import type { Species } from '../../../../schemas/index.js'
import { css, mix, scale, type Rgb } from '../colour.js'
import type { Motion } from './actions.js'
import { drawHeadwear } from './headwear.js'
import type { FigureLook } from './look.js'
import { line, type Paint } from './parts.js'

interface Build {
  /** Body half-length and half-height, legs, head radius (units of h). */
  bx: number
  by: number
  leg: number
  head: number
  ears: 'point' | 'big-point' | 'flop' | 'round' | 'long'
  snout: number
  tail: 'curl' | 'bushy' | 'short' | 'puff'
}

const BUILDS: Partial<Record<Species, Build>> = {
  cat: { bx: 0.42, by: 0.17, leg: 0.3, head: 0.2, ears: 'point', snout: 0.04, tail: 'curl' },
  dog: { bx: 0.44, by: 0.19, leg: 0.32, head: 0.2, ears: 'flop', snout: 0.12, tail: 'short' },
  fox: { bx: 0.44, by: 0.16, leg: 0.3, head: 0.19, ears: 'big-point', snout: 0.13, tail: 'bushy' },
  bear: { bx: 0.46, by: 0.24, leg: 0.26, head: 0.19, ears: 'round', snout: 0.09, tail: 'puff' },
  rabbit: { bx: 0.32, by: 0.18, leg: 0.14, head: 0.17, ears: 'long', snout: 0.03, tail: 'puff' },
}

export function drawAnimal(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const species = look.spec.species ?? 'cat'
  if (species === 'bird' || species === 'owl') return drawBird(ctx, look, h, m, paint, rimPass, species === 'owl')
  const b = BUILDS[species] ?? (BUILDS.cat as Build)
  const fur = look.body
  const belly = mix(fur, [245, 240, 230], species === 'bear' ? 0.2 : 0.55)
  const dir = m.facing === 0 ? 1 : m.facing
  const earH = b.ears === 'long' ? 0.3 : b.ears === 'big-point' ? 0.12 : 0.08
  // Everything fits in h: legs, body, head, ears.
  const bodyY = -(b.leg + b.by * 0.7) * h
  const headX = dir * b.bx * 0.95 * h
  const headY = -(1 - earH - b.head) * h
  const r = b.head * h
  ctx.lineCap = 'round'
  ctx.save()
  // Tail, wagging on the beat (faster when dancing).
  const wag = Math.sin(Math.PI * 2 * m.pulse * (m.action === 'dance' ? 2 : 1)) * 0.5
  const tx = -dir * b.bx * 0.9 * h
  const ty = bodyY - b.by * 0.4 * h
  ctx.fillStyle = paint(fur)
  ctx.strokeStyle = paint(fur)
  if (b.tail === 'curl') {
    ctx.lineWidth = h * 0.05
    ctx.beginPath()
    ctx.moveTo(tx, ty)
    ctx.quadraticCurveTo(tx - dir * 0.25 * h, ty - 0.05 * h, tx - dir * (0.18 + 0.08 * wag) * h, ty - 0.35 * h)
    ctx.stroke()
  } else if (b.tail === 'bushy') {
    ctx.save()
    ctx.translate(tx, ty)
    ctx.rotate(-dir * (0.5 + 0.25 * wag))
    ctx.beginPath()
    ctx.ellipse(-dir * 0.2 * h, 0, 0.24 * h, 0.09 * h, 0, 0, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = paint([245, 242, 236])
    ctx.beginPath()
    ctx.ellipse(-dir * 0.38 * h, 0, 0.07 * h, 0.06 * h, 0, 0, Math.PI * 2)
    ctx.fill()
    ctx.restore()
  } else if (b.tail === 'short') {
    ctx.lineWidth = h * 0.05
    line(ctx, tx, ty, tx - dir * 0.12 * h, ty - (0.14 + 0.06 * wag) * h)
  } else {
    ctx.fillStyle = paint(species === 'rabbit' ? [245, 242, 236] : fur)
    ctx.beginPath()
    ctx.arc(tx - dir * 0.02 * h, ty, 0.06 * h, 0, Math.PI * 2)
    ctx.fill()
  }
  // Legs in diagonal pairs: front-left with back-right.
  ctx.strokeStyle = paint(scale(fur, 0.85))
  ctx.lineWidth = h * (species === 'bear' ? 0.1 : 0.065)
  const legTop = bodyY + b.by * 0.3 * h
  for (const [k, lx] of [b.bx * 0.6, b.bx * 0.4, -b.bx * 0.55, -b.bx * 0.75].entries()) {
    const swing = (k === 0 || k === 3 ? m.legs[0] : m.legs[1]) * 0.7
    const hop = m.action === 'dance' ? m.lift[0] * h : 0
    line(ctx, dir * lx * h, legTop, dir * (lx * h + Math.sin(swing) * b.leg * h), -hop - (k === 0 || k === 3 ? m.lift[0] : m.lift[1]) * h * 0.5)
  }
  // Body with a lighter belly.
  ctx.fillStyle = paint(fur)
  ctx.beginPath()
  ctx.ellipse(0, bodyY, b.bx * h, b.by * h, 0, 0, Math.PI * 2)
  ctx.fill()
  if (!rimPass) {
    ctx.fillStyle = css(belly, 0.85)
    ctx.beginPath()
    ctx.ellipse(dir * b.bx * 0.15 * h, bodyY + b.by * 0.45 * h, b.bx * 0.6 * h, b.by * 0.45 * h, 0, 0, Math.PI * 2)
    ctx.fill()
  }
  // Neck and head (face turned to the camera, snout toward the way it faces).
  ctx.fillStyle = paint(fur)
  ctx.beginPath()
  ctx.moveTo(dir * b.bx * 0.4 * h, bodyY - b.by * 0.6 * h)
  ctx.lineTo(headX - dir * r * 0.5, headY + r * 0.3)
  ctx.lineTo(headX + dir * r * 0.4, headY + r * 0.8)
  ctx.lineTo(dir * b.bx * 0.9 * h, bodyY)
  ctx.fill()
  ears(ctx, b, headX, headY, r, h, fur, paint, rimPass)
  ctx.fillStyle = paint(fur)
  ctx.beginPath()
  ctx.arc(headX, headY, r, 0, Math.PI * 2)
  ctx.fill()
  const eyes: Array<[number, number]> = [[headX - r * 0.38, headY - r * 0.1], [headX + r * 0.38, headY - r * 0.1]]
  if (!rimPass) face(ctx, look, b, headX, headY, r, dir, eyes, m.mouth, belly, species)
  ctx.restore()
  drawHeadwear(ctx, look, { x: headX, y: headY, r, eyes, neckY: headY + r * 0.9, neckW: r * 1.4, drop: r * 0.8 }, paint, rimPass)
}

function ears(ctx: SKRSContext2D, b: Build, x: number, y: number, r: number, h: number, fur: Rgb, paint: Paint, rimPass: boolean): void {
  ctx.fillStyle = paint(fur)
  for (const side of [-1, 1]) {
    ctx.beginPath()
    if (b.ears === 'point' || b.ears === 'big-point') {
      const s = b.ears === 'big-point' ? 1.45 : 1
      ctx.moveTo(x + side * r * 0.15, y - r * 0.8)
      ctx.lineTo(x + side * r * 0.55 * s, y - r * (0.95 + 0.65 * s))
      ctx.lineTo(x + side * r * 0.95, y - r * 0.35)
    } else if (b.ears === 'flop') ctx.ellipse(x + side * r * 0.9, y + r * 0.05, r * 0.26, r * 0.6, side * 0.25, 0, Math.PI * 2)
    else if (b.ears === 'round') ctx.arc(x + side * r * 0.72, y - r * 0.72, r * 0.3, 0, Math.PI * 2)
    else ctx.ellipse(x + side * r * 0.38, y - r - 0.13 * h, r * 0.24, 0.15 * h, side * 0.12, 0, Math.PI * 2)
    ctx.fill()
    if (!rimPass && b.ears !== 'flop') {
      ctx.fillStyle = css([236, 160, 170], 0.8)
      ctx.beginPath()
      if (b.ears === 'long') ctx.ellipse(x + side * r * 0.38, y - r - 0.13 * h, r * 0.1, 0.11 * h, side * 0.12, 0, Math.PI * 2)
      else if (b.ears === 'round') ctx.arc(x + side * r * 0.72, y - r * 0.72, r * 0.15, 0, Math.PI * 2)
      else {
        const s = b.ears === 'big-point' ? 1.45 : 1
        ctx.moveTo(x + side * r * 0.3, y - r * 0.8)
        ctx.lineTo(x + side * r * 0.55 * s, y - r * (0.85 + 0.55 * s))
        ctx.lineTo(x + side * r * 0.8, y - r * 0.45)
      }
      ctx.fill()
      ctx.fillStyle = paint(fur)
    }
  }
}

function face(ctx: SKRSContext2D, look: FigureLook, b: Build, x: number, y: number, r: number, dir: number, eyes: Array<[number, number]>, mouth: number, muzzle: Rgb, species: Species): void {
  if (b.snout > 0.05) {
    ctx.fillStyle = css(species === 'fox' ? [245, 240, 232] : muzzle)
    ctx.beginPath()
    ctx.ellipse(x, y + r * 0.4, r * 0.5, r * 0.36, 0, 0, Math.PI * 2)
    ctx.fill()
  }
  const eyeCol = look.spec.colours.eye ? look.eye : species === 'cat' ? ([120, 180, 60] as Rgb) : ([25, 18, 22] as Rgb)
  ctx.fillStyle = css(eyeCol)
  ctx.beginPath()
  for (const [ex, ey] of eyes) {
    ctx.moveTo(ex + r * 0.13, ey)
    ctx.ellipse(ex, ey, r * 0.13, r * 0.16, 0, 0, Math.PI * 2)
  }
  ctx.fill()
  if (species === 'cat' || look.spec.colours.eye) {
    ctx.fillStyle = 'rgb(20,16,18)'
    for (const [ex, ey] of eyes) ctx.fillRect(ex - r * 0.03, ey - r * 0.13, r * 0.06, r * 0.26)
  }
  ctx.fillStyle = 'rgb(40,24,28)'
  ctx.beginPath()
  ctx.ellipse(x, y + r * 0.25, r * 0.12, r * 0.08, 0, 0, Math.PI * 2)
  ctx.fill()
  ctx.fillStyle = 'rgb(100,30,40)'
  ctx.beginPath()
  ctx.ellipse(x, y + r * 0.52, r * 0.16, Math.max(r * 0.03, r * 0.2 * mouth), 0, 0, Math.PI * 2)
  ctx.fill()
  if (species === 'cat') {
    ctx.strokeStyle = 'rgba(250,250,250,0.7)'
    ctx.lineWidth = Math.max(1, r * 0.03)
    for (const s of [-1, 1]) for (const k of [-1, 0, 1]) line(ctx, x + s * r * 0.2, y + r * 0.35, x + s * r * 0.85, y + r * (0.3 + 0.12 * k))
  }
  void dir
}

function drawBird(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean, owl: boolean): void {
  const c = look.body
  const by = -h * (owl ? 0.4 : 0.36)
  const bx = h * (owl ? 0.3 : 0.24)
  const bh = h * (owl ? 0.36 : 0.3)
  const headY = owl ? -h * 0.72 : -h * 0.74
  const r = h * (owl ? 0.22 : 0.17)
  const flap = m.action === 'dance' || m.action === 'walk' || m.action === 'run' ? Math.sin(Math.PI * 2 * m.pulse) * 0.6 : m.pulse * 0.3
  ctx.strokeStyle = paint([230, 150, 50])
  ctx.lineWidth = h * 0.025
  for (const [k, s] of [-1, 1].entries()) line(ctx, s * bx * 0.35, by + bh * 0.8, s * bx * 0.35 + Math.sin(m.legs[k]) * h * 0.05, -m.lift[k] * h)
  // Wings flap on the beat.
  ctx.fillStyle = paint(scale(c, 0.75))
  for (const s of [-1, 1]) {
    ctx.save()
    ctx.translate(s * bx * 0.85, by - bh * 0.3)
    ctx.rotate(s * (0.25 + flap))
    ctx.beginPath()
    ctx.ellipse(0, bh * 0.45, bx * 0.32, bh * 0.6, 0, 0, Math.PI * 2)
    ctx.fill()
    ctx.restore()
  }
  ctx.fillStyle = paint(c)
  ctx.beginPath()
  ctx.ellipse(0, by, bx, bh, 0, 0, Math.PI * 2)
  ctx.arc(0, headY, r, 0, Math.PI * 2)
  ctx.fill()
  if (owl) {
    for (const s of [-1, 1]) {
      ctx.beginPath()
      ctx.moveTo(s * r * 0.4, headY - r * 0.7)
      ctx.lineTo(s * r * 0.95, headY - r * 1.35)
      ctx.lineTo(s * r * 0.95, headY - r * 0.3)
      ctx.fill()
    }
  }
  const eyes: Array<[number, number]> = [[-r * 0.42, headY - r * 0.05], [r * 0.42, headY - r * 0.05]]
  if (!rimPass) {
    ctx.fillStyle = css(mix(c, [245, 238, 220], 0.6))
    ctx.beginPath()
    ctx.ellipse(0, by + bh * 0.2, bx * 0.6, bh * 0.62, 0, 0, Math.PI * 2)
    ctx.fill()
    const er = r * (owl ? 0.36 : 0.16)
    if (owl) {
      ctx.fillStyle = 'rgb(250,230,120)'
      ctx.beginPath()
      for (const [ex, ey] of eyes) {
        ctx.moveTo(ex + er, ey)
        ctx.arc(ex, ey, er, 0, Math.PI * 2)
      }
      ctx.fill()
    }
    ctx.fillStyle = css(look.spec.colours.eye ? look.eye : [20, 16, 18])
    ctx.beginPath()
    for (const [ex, ey] of eyes) {
      ctx.moveTo(ex + er * 0.5, ey)
      ctx.arc(ex, ey, owl ? er * 0.5 : er, 0, Math.PI * 2)
    }
    ctx.fill()
    // Beak opens with the voice.
    const open = r * 0.25 * m.mouth
    ctx.fillStyle = 'rgb(236,160,40)'
    ctx.beginPath()
    ctx.moveTo(-r * 0.18, headY + r * 0.2)
    ctx.lineTo(r * 0.18, headY + r * 0.2)
    ctx.lineTo(0, headY + r * (owl ? 0.5 : 0.6) + open)
    ctx.fill()
  }
  drawHeadwear(ctx, look, { x: 0, y: headY, r, eyes, neckY: headY + r * 0.9, neckW: r * 1.4, drop: r }, paint, rimPass)
}
