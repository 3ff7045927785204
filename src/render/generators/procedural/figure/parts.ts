/** Drawing helpers shared by the figure kinds: a skeleton's geometry, limbs, arms by angle or by target. */
import type { SKRSContext2D } from '@napi-rs/canvas'
import type { Rgb } from '../colour.js'
import type { Arm } from './actions.js'

export type Paint = (c: Rgb) => string

/** A biped's proportions in pixels, origin at the feet, y up negative (people and robots share it). */
export interface Skeleton {
  h: number
  headR: number
  /** Head centre y. */
  headY: number
  sw: number
  neckY: number
  shoulderY: number
  hipY: number
  legW: number
  armW: number
  upper: number
  fore: number
}

export function skeleton(h: number, headSize: number, build: number): Skeleton {
  const headR = headSize * h * 0.5
  const sw = build * h
  const neckY = -(h - 2 * headR) + headR * 0.15
  return {
    h, headR, sw, neckY,
    headY: neckY - headR,
    shoulderY: neckY + headR * 0.45,
    hipY: -h * 0.46,
    legW: sw * 0.26,
    armW: sw * 0.17,
    upper: h * 0.2,
    fore: h * 0.18,
  }
}

export function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath()
  ctx.moveTo(x0, y0)
  ctx.lineTo(x1, y1)
  ctx.stroke()
}

/** Elbow and hand of an arm from the shoulder (sx, sy) on `side` (-1 left, 1 right). */
export function armJoints(arm: Arm, side: number, sx: number, sy: number, upper: number, fore: number, h: number): [number, number, number, number] {
  if ('a' in arm) {
    const ex = sx + side * Math.sin(arm.a) * upper
    const ey = sy + Math.cos(arm.a) * upper
    const b = arm.a + arm.b
    return [ex, ey, ex + side * Math.sin(b) * fore, ey + Math.cos(b) * fore]
  }
  // Two-bone reach to a target; the elbow bends away from the body.
  let tx = arm.tx * h
  let ty = arm.ty * h
  let dx = tx - sx
  let dy = ty - sy
  let d = Math.hypot(dx, dy)
  const reach = (upper + fore) * 0.999
  if (d > reach) {
    tx = sx + (dx / d) * reach
    ty = sy + (dy / d) * reach
    dx = tx - sx
    dy = ty - sy
    d = reach
  }
  d = Math.max(d, Math.abs(upper - fore) + 1e-3)
  const along = (upper * upper - fore * fore + d * d) / (2 * d)
  const off = Math.sqrt(Math.max(0, upper * upper - along * along))
  const ux = dx / d
  const uy = dy / d
  // Perpendicular pointing outward on this side (and down).
  let px = -uy
  let py = ux
  if (px * side < 0 || (Math.abs(px) < 1e-3 && py < 0)) {
    px = -px
    py = -py
  }
  return [sx + ux * along + px * off, sy + uy * along + py * off, tx, ty]
}

/** Draws an arm as a two-segment stroke with a round hand; returns the hand position. */
export function drawArm(ctx: SKRSContext2D, arm: Arm, side: number, sx: number, sy: number, sk: Skeleton, sleeve: string, hand: string, handR = sk.armW * 0.62): [number, number] {
  const [ex, ey, hx, hy] = armJoints(arm, side, sx, sy, sk.upper, sk.fore, sk.h)
  ctx.strokeStyle = sleeve
  ctx.lineWidth = sk.armW
  ctx.beginPath()
  ctx.moveTo(sx, sy)
  ctx.lineTo(ex, ey)
  ctx.lineTo(hx, hy)
  ctx.stroke()
  ctx.fillStyle = hand
  ctx.beginPath()
  ctx.arc(hx, hy, handR, 0, Math.PI * 2)
  ctx.fill()
  return [hx, hy]
}

/** A leg from the hip, swung by `swing` radians and lifted by `lift` pixels; returns the foot. */
export function drawLeg(ctx: SKRSContext2D, hx: number, hy: number, swing: number, lift: number, width: number, colour: string): [number, number] {
  const len = -hy - width * 0.5
  const fx = hx + Math.sin(swing) * len
  const fy = hy + Math.cos(swing) * len - lift
  ctx.strokeStyle = colour
  ctx.lineWidth = width
  line(ctx, hx, hy, fx, fy)
  return [fx, fy]
}

export function trapezoid(ctx: SKRSContext2D, a: number, b: number, top: number, bottom: number): void {
  ctx.beginPath()
  ctx.moveTo(-a, top)
  ctx.lineTo(a, top)
  ctx.lineTo(b, bottom)
  ctx.lineTo(-b, bottom)
  ctx.closePath()
}
