/** Things worn on a head or a neck, drawn for any kind around its head (hats, glasses, headphones, scarf, mask). */
import type { SKRSContext2D } from '@napi-rs/canvas'
import type { WearItem } from '../../../../schemas/index.js'
import { css, scale, type Rgb } from '../colour.js'
import type { FigureLook } from './look.js'
import type { Paint } from './parts.js'

export interface HeadFrame {
  /** Head centre and radius. */
  x: number
  y: number
  r: number
  /** Eye centres (glasses sit on them). */
  eyes: Array<[number, number]>
  /** Neck: where a scarf wraps, and how wide. */
  neckY: number
  neckW: number
  /** Length a scarf's end hangs. */
  drop: number
}

const has = (look: FigureLook, w: WearItem) => look.spec.wear.includes(w)

/** Behind the head: nothing yet (kept for hoods/backpacks in person.ts). Over the head: hats, glasses, headphones. */
export function drawHeadwear(ctx: SKRSContext2D, look: FigureLook, hf: HeadFrame, paint: Paint, rimPass: boolean): void {
  const { x, y, r } = hf
  if (has(look, 'scarf')) {
    const c = look.part('scarf')
    ctx.fillStyle = paint(c)
    ctx.beginPath()
    ctx.roundRect(x - hf.neckW * 0.55, hf.neckY - r * 0.12, hf.neckW * 1.1, r * 0.5, r * 0.22)
    ctx.fill()
    ctx.fillRect(x + hf.neckW * 0.12, hf.neckY + r * 0.2, hf.neckW * 0.26, hf.drop)
    if (!rimPass) {
      ctx.fillStyle = paint(scale(c, 0.7))
      for (let k = 1; k <= 2; k++) ctx.fillRect(x + hf.neckW * 0.12, hf.neckY + r * 0.2 + hf.drop * (0.55 + 0.18 * k), hf.neckW * 0.26, hf.drop * 0.06)
    }
  }
  if (has(look, 'mask') && !rimPass) {
    ctx.fillStyle = paint(look.part('mask'))
    ctx.beginPath()
    ctx.roundRect(x - r * 0.62, y + r * 0.12, r * 1.24, r * 0.62, r * 0.28)
    ctx.fill()
    ctx.strokeStyle = paint(scale(look.part('mask'), 0.7))
    ctx.lineWidth = Math.max(1, r * 0.05)
    ctx.beginPath()
    ctx.moveTo(x - r * 0.62, y + r * 0.3)
    ctx.lineTo(x - r * 0.9, y)
    ctx.moveTo(x + r * 0.62, y + r * 0.3)
    ctx.lineTo(x + r * 0.9, y)
    ctx.stroke()
  }
  if (has(look, 'glasses') || has(look, 'sunglasses')) {
    if (!rimPass) {
      const sun = has(look, 'sunglasses')
      ctx.strokeStyle = 'rgb(20,20,24)'
      ctx.fillStyle = sun ? 'rgb(18,18,24)' : css(look.part(sun ? 'sunglasses' : 'glasses'), 0.45)
      ctx.lineWidth = Math.max(1, r * 0.08)
      const lr = r * (sun ? 0.3 : 0.27)
      ctx.beginPath()
      for (const [ex, ey] of hf.eyes) {
        ctx.moveTo(ex + lr, ey)
        ctx.ellipse(ex, ey, lr, sun ? lr * 0.8 : lr, 0, 0, Math.PI * 2)
      }
      ctx.fill()
      ctx.stroke()
      if (hf.eyes.length >= 2) {
        const [a, b] = [hf.eyes[0], hf.eyes[hf.eyes.length - 1]]
        ctx.beginPath()
        ctx.moveTo(a[0] + lr, a[1] - lr * 0.2)
        ctx.lineTo(b[0] - lr, b[1] - lr * 0.2)
        ctx.stroke()
      }
      if (sun) {
        ctx.fillStyle = 'rgba(255,255,255,0.35)'
        for (const [ex, ey] of hf.eyes) ctx.fillRect(ex - lr * 0.5, ey - lr * 0.45, lr * 0.35, lr * 0.2)
      }
    }
  }
  if (has(look, 'headphones')) {
    const c = look.part('headphones')
    ctx.strokeStyle = paint(scale(c, 0.5))
    ctx.lineWidth = r * 0.16
    ctx.beginPath()
    ctx.arc(x, y, r * 1.08, Math.PI * 1.05, Math.PI * 1.95)
    ctx.stroke()
    ctx.fillStyle = paint(c)
    ctx.beginPath()
    ctx.roundRect(x - r * 1.22, y - r * 0.35, r * 0.4, r * 0.7, r * 0.15)
    ctx.roundRect(x + r * 0.82, y - r * 0.35, r * 0.4, r * 0.7, r * 0.15)
    ctx.fill()
  }
  if (has(look, 'hat')) {
    const c = look.part('hat')
    ctx.fillStyle = paint(scale(c, 0.6))
    ctx.fillRect(x - r * 1.4, y - r * 0.75, r * 2.8, r * 0.22)
    ctx.fillRect(x - r * 0.85, y - r * 1.6, r * 1.7, r * 0.9)
    ctx.fillStyle = paint(c)
    ctx.fillRect(x - r * 0.85, y - r * 0.95, r * 1.7, r * 0.2)
  } else if (has(look, 'cap')) {
    const c = look.part('cap')
    ctx.fillStyle = paint(c)
    ctx.beginPath()
    ctx.ellipse(x, y - r * 0.35, r * 1.0, r * 0.78, 0, Math.PI, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = paint(scale(c, 0.7))
    ctx.beginPath()
    ctx.ellipse(x + r * 0.55, y - r * 0.36, r * 0.85, r * 0.16, 0.08, 0, Math.PI * 2)
    ctx.fill()
    if (!rimPass) {
      ctx.fillStyle = paint(scale(c, 0.5))
      ctx.beginPath()
      ctx.arc(x, y - r * 1.12, r * 0.1, 0, Math.PI * 2)
      ctx.fill()
    }
  } else if (has(look, 'beanie')) {
    const c = look.part('beanie')
    ctx.fillStyle = paint(c)
    ctx.beginPath()
    ctx.ellipse(x, y - r * 0.3, r * 1.02, r * 0.98, 0, Math.PI, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = paint(scale(c, 0.75))
    ctx.beginPath()
    ctx.roundRect(x - r * 1.05, y - r * 0.5, r * 2.1, r * 0.34, r * 0.1)
    ctx.fill()
    ctx.fillStyle = paint(scale(c, 1.15) as Rgb)
    ctx.beginPath()
    ctx.arc(x, y - r * 1.32, r * 0.24, 0, Math.PI * 2)
    ctx.fill()
  }
}
