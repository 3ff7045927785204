/** A person: hair style, garments, accessories and an instrument over a simple cut-out body. */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, scale } from '../colour.js'
import type { Motion } from './actions.js'
import { drawHeadwear } from './headwear.js'
import { instrumentRig } from './instruments.js'
import type { FigureLook } from './look.js'
import { drawArm, drawLeg, skeleton, trapezoid, type Paint, type Skeleton } from './parts.js'

export function drawPerson(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const sh = look.shape
  const wear = new Set(look.spec.wear)
  const sk = skeleton(h, sh.headSize, sh.build)
  const { headR, sw, neckY, hipY, legW, headY } = sk
  const top = neckY + headR * 0.25
  const coat = wear.has('coat')
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'

  // Behind the body: long hair, braids' roots, a hood, a backpack.
  hairBack(ctx, look, headR, headY, paint)
  if (wear.has('backpack')) {
    ctx.fillStyle = paint(look.part('backpack'))
    ctx.beginPath()
    ctx.roundRect(-sw * 0.62, top + headR * 0.1, sw * 1.24, (hipY - top) * 0.85, sw * 0.16)
    ctx.fill()
  }
  if (wear.has('hoodie')) {
    ctx.fillStyle = paint(scale(look.top, 0.85))
    ctx.beginPath()
    ctx.ellipse(0, headY + headR * 0.15, headR * 1.3, headR * 1.3, 0, 0, Math.PI * 2)
    ctx.fill()
  }

  // Legs (swung by walking and dancing), or a dress; then shoes.
  const legPaint = paint(wear.has('dress') ? look.skin : look.bottom)
  const feet: Array<[number, number]> = []
  for (const [k, side] of [-1, 1].entries()) {
    feet.push(drawLeg(ctx, side * sw * 0.2, hipY, m.legs[k] + side * 0.03, m.lift[k] * h, wear.has('dress') ? legW * 0.6 : legW, legPaint))
  }
  if (wear.has('dress')) {
    ctx.fillStyle = paint(look.top)
    trapezoid(ctx, sw * 0.3, sw * 0.62, hipY - h * 0.06, hipY + h * 0.28)
    ctx.fill()
  }
  ctx.fillStyle = paint(mix(look.bottom, [15, 15, 15], 0.7))
  ctx.beginPath()
  for (const [fx, fy] of feet) {
    ctx.moveTo(fx + legW * 0.75, fy - legW * 0.25)
    ctx.ellipse(fx, fy - legW * 0.25, legW * 0.75, legW * 0.4, 0, 0, Math.PI * 2)
  }
  ctx.fill()

  // Torso (a coat runs down past the hips).
  ctx.fillStyle = paint(look.top)
  trapezoid(ctx, sw * 0.5, coat ? sw * 0.46 : sw * 0.34, top, coat ? hipY + h * 0.2 : hipY)
  ctx.fill()
  if (!rimPass) torsoDetail(ctx, look, sk, top, wear, paint)
  if (wear.has('backpack')) {
    ctx.strokeStyle = paint(scale(look.part('backpack'), 0.7))
    ctx.lineWidth = sw * 0.07
    ctx.beginPath()
    ctx.moveTo(-sw * 0.3, top)
    ctx.lineTo(-sw * 0.3, hipY - h * 0.03)
    ctx.moveTo(sw * 0.3, top)
    ctx.lineTo(sw * 0.3, hipY - h * 0.03)
    ctx.stroke()
  }

  // The instrument, then the arms over it (hands where the instrument wants them).
  const rig = instrumentRig(look, sk, m)
  rig.draw?.(ctx, paint, rimPass)
  const sleeve = paint(wear.has('dress') && !coat && !wear.has('jacket') && !wear.has('hoodie') ? look.skin : look.top)
  const hands = [-1, 1].map((side, k) => drawArm(ctx, rig.arms[k] ?? m.arms[k], side, side * sw * 0.46, sk.shoulderY, sk, sleeve, paint(look.skin))) as [[number, number], [number, number]]

  // Neck and head.
  ctx.fillStyle = paint(look.skin)
  ctx.fillRect(-headR * 0.3, neckY - headR * 0.2, headR * 0.6, headR * 0.55)
  ctx.beginPath()
  ctx.ellipse(0, headY, headR * 0.92, headR, 0, 0, Math.PI * 2)
  ctx.fill()
  hairFront(ctx, look, headR, headY, paint)
  if (!rimPass) face(ctx, look, headR, headY, m.mouth)
  drawHeadwear(ctx, look, { x: 0, y: headY, r: headR, eyes: [[-headR * 0.36, headY - headR * 0.05], [headR * 0.36, headY - headR * 0.05]], neckY, neckW: sw * 0.55, drop: (hipY - neckY) * 0.45 }, paint, rimPass)
  rig.inHands?.(ctx, hands, paint)
}

function torsoDetail(ctx: SKRSContext2D, look: FigureLook, sk: Skeleton, top: number, wear: Set<string>, paint: Paint): void {
  const { sw, hipY, h } = sk
  const coat = wear.has('coat')
  const open = wear.has('jacket') || coat
  // The shirt: the whole torso, or the strip an open jacket or coat shows; stripes go on the shirt.
  const [a, b] = open ? [sw * 0.14, sw * 0.1] : [sw * 0.5, sw * 0.34]
  const end = coat ? hipY + h * 0.2 : hipY
  if (open) {
    ctx.fillStyle = paint(look.shirt)
    trapezoid(ctx, a, b, top, end)
    ctx.fill()
  }
  if (wear.has('stripes')) {
    ctx.save()
    trapezoid(ctx, a, b, top, open ? end : hipY)
    ctx.clip()
    ctx.fillStyle = paint(look.stripe)
    const step = (hipY - top) / 6
    for (let k = 0; k < 6; k += 2) ctx.fillRect(-sw, top + step * (k + 0.5), sw * 2, step)
    ctx.restore()
  }
  if (open) {
    // Lapels; a coat gets buttons and a belt.
    ctx.strokeStyle = paint(scale(look.top, 0.6))
    ctx.lineWidth = sw * 0.035
    ctx.beginPath()
    ctx.moveTo(-sw * 0.16, top)
    ctx.lineTo(-sw * 0.02, top + (hipY - top) * 0.35)
    ctx.moveTo(sw * 0.16, top)
    ctx.lineTo(sw * 0.02, top + (hipY - top) * 0.35)
    ctx.stroke()
    if (coat) {
      ctx.fillStyle = paint(scale(look.top, 0.5))
      ctx.beginPath()
      for (let k = 0; k < 3; k++) ctx.arc(sw * 0.2, top + (hipY - top) * (0.45 + 0.2 * k), sw * 0.03, 0, Math.PI * 2)
      ctx.fill()
      ctx.fillRect(-sw * 0.42, hipY - (hipY - top) * 0.05, sw * 0.84, sw * 0.06)
    }
  }
  if (wear.has('hoodie')) {
    ctx.fillStyle = paint(scale(look.top, 0.8))
    ctx.beginPath()
    ctx.roundRect(-sw * 0.24, top + (hipY - top) * 0.6, sw * 0.48, (hipY - top) * 0.3, sw * 0.06)
    ctx.fill()
    ctx.strokeStyle = paint([236, 236, 230])
    ctx.lineWidth = Math.max(1, sw * 0.025)
    ctx.beginPath()
    ctx.moveTo(-sw * 0.08, top)
    ctx.lineTo(-sw * 0.09, top + (hipY - top) * 0.3)
    ctx.moveTo(sw * 0.08, top)
    ctx.lineTo(sw * 0.09, top + (hipY - top) * 0.3)
    ctx.stroke()
  }
  if (wear.has('dress')) {
    ctx.fillStyle = paint(look.accent)
    ctx.fillRect(-sw * 0.36, hipY - (hipY - top) * 0.12, sw * 0.72, (hipY - top) * 0.08)
  }
}

function hairBack(ctx: SKRSContext2D, look: FigureLook, r: number, hy: number, paint: Paint): void {
  const s = look.spec.hairStyle
  ctx.fillStyle = paint(look.hair)
  ctx.beginPath()
  if (s === 'long') ctx.roundRect(-r * 1.15, hy - r * 1.1, r * 2.3, r * 3.2, r)
  else if (s === 'ponytail') ctx.ellipse(r * 1.1, hy - r * 0.3, r * 0.45, r * 0.9, 0.5, 0, Math.PI * 2)
  else if (s === 'afro') ctx.arc(0, hy - r * 0.25, r * 1.55, 0, Math.PI * 2)
  else if (s === 'bob') ctx.roundRect(-r * 1.12, hy - r * 1.05, r * 2.24, r * 1.9, r * 0.6)
  else return
  ctx.fill()
}

function hairFront(ctx: SKRSContext2D, look: FigureLook, r: number, hy: number, paint: Paint): void {
  const s = look.spec.hairStyle
  if (s === 'none') return
  ctx.fillStyle = paint(look.hair)
  ctx.beginPath()
  if (s === 'curly' || s === 'afro') {
    // A crown of curls.
    for (let k = 0; k < 7; k++) {
      const a = Math.PI * (1.0 + k / 6)
      const rr = s === 'afro' ? r * 0.42 : r * 0.34
      ctx.moveTo(Math.cos(a) * r * 0.95 + rr, hy - r * 0.2 + Math.sin(a) * r * 0.95)
      ctx.arc(Math.cos(a) * r * 0.95, hy - r * 0.2 + Math.sin(a) * r * 0.95, rr, 0, Math.PI * 2)
    }
    ctx.fill()
    return
  }
  if (s === 'spiky') {
    ctx.moveTo(-r * 0.95, hy - r * 0.1)
    for (let k = 0; k <= 6; k++) {
      const a = Math.PI + (k / 6) * Math.PI
      const rr = k % 2 === 0 ? r * 1.0 : r * 1.55
      ctx.lineTo(Math.cos(a) * rr * 0.95, hy - r * 0.1 + Math.sin(a) * rr)
    }
    ctx.closePath()
    ctx.fill()
    return
  }
  // Cap of hair over the top of the head (short, long, ponytail, bob, bun, braids).
  ctx.ellipse(0, hy - r * 0.2, r * 1.0, r * 0.85, 0, Math.PI, Math.PI * 2)
  ctx.fill()
  if (s === 'bun' || s === 'ponytail') {
    ctx.beginPath()
    ctx.arc(s === 'bun' ? 0 : r * 0.2, hy - r * (s === 'bun' ? 1.2 : 1.05), r * (s === 'bun' ? 0.45 : 0.38), 0, Math.PI * 2)
    ctx.fill()
  } else if (s === 'braids') {
    ctx.fillStyle = paint(look.hair)
    for (const side of [-1, 1]) {
      ctx.beginPath()
      for (let k = 0; k < 5; k++) {
        const bx = side * r * 0.95
        const by = hy + r * (0.1 + k * 0.42)
        ctx.moveTo(bx + r * 0.22, by)
        ctx.ellipse(bx, by, r * 0.2, r * 0.24, 0, 0, Math.PI * 2)
      }
      ctx.fill()
    }
  } else if (s === 'long') {
    // Locks falling past the shoulders, so long hair reads from the front too.
    ctx.beginPath()
    ctx.roundRect(-r * 1.12, hy - r * 0.4, r * 0.42, r * 2.6, r * 0.2)
    ctx.roundRect(r * 0.7, hy - r * 0.4, r * 0.42, r * 2.6, r * 0.2)
    ctx.fill()
  } else if (s === 'bob') {
    ctx.fillRect(-r * 1.02, hy - r * 0.3, r * 0.3, r * 1.0)
    ctx.fillRect(r * 0.72, hy - r * 0.3, r * 0.3, r * 1.0)
  }
}

function face(ctx: SKRSContext2D, look: FigureLook, r: number, hy: number, mouth: number): void {
  ctx.fillStyle = 'rgb(25,18,22)'
  ctx.beginPath()
  ctx.arc(-r * 0.33, hy - r * 0.05, r * 0.1, 0, Math.PI * 2)
  ctx.arc(r * 0.33, hy - r * 0.05, r * 0.1, 0, Math.PI * 2)
  ctx.fill()
  if (look.spec.colours.eye) {
    ctx.fillStyle = css(look.eye)
    ctx.beginPath()
    ctx.arc(-r * 0.33, hy - r * 0.05, r * 0.06, 0, Math.PI * 2)
    ctx.arc(r * 0.33, hy - r * 0.05, r * 0.06, 0, Math.PI * 2)
    ctx.fill()
  }
  ctx.fillStyle = css(mix(look.skin, [230, 90, 90], 0.45), 0.6)
  ctx.beginPath()
  ctx.arc(-r * 0.5, hy + r * 0.25, r * 0.13, 0, Math.PI * 2)
  ctx.arc(r * 0.5, hy + r * 0.25, r * 0.13, 0, Math.PI * 2)
  ctx.fill()
  // Mouth: a line when closed, an open oval when singing.
  ctx.fillStyle = 'rgb(90,20,30)'
  ctx.beginPath()
  ctx.ellipse(0, hy + r * 0.45, r * (0.22 + 0.08 * mouth), Math.max(r * 0.04, r * 0.32 * mouth), 0, 0, Math.PI * 2)
  ctx.fill()
}

