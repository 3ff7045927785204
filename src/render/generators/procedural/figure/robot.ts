/** A robot: round, boxy or tall metal body, glowing eyes (one to three), an antenna whose light pulses on the beat. */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, mix, scale } from '../colour.js'
import type { Arm, Motion } from './actions.js'
import { drawHeadwear } from './headwear.js'
import { instrumentRig } from './instruments.js'
import type { FigureLook } from './look.js'
import { drawArm, drawLeg, type Paint, type Skeleton } from './parts.js'

/** Robots dance in snaps: arm angles jump between steps instead of flowing. */
const snap = (arm: Arm): Arm => ('a' in arm ? { a: Math.round(arm.a / 0.55) * 0.55, b: Math.round(arm.b / 0.8) * 0.8 } : arm)

export function drawRobot(ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean): void {
  const spec = look.spec
  const metal = look.body
  const dark = scale(metal, 0.55)
  const antennaLen = spec.antenna ? h * 0.1 : 0
  const top = -h + antennaLen
  const body = spec.body
  // Proportions per body shape: [torso half-width, torso top, torso bottom, head half-width, head height].
  const P = body === 'round'
    ? { tw: 0.3, tt: -0.64, tb: -0.16, hw: 0.2, hh: 0.26 }
    : body === 'tall'
      ? { tw: 0.15, tt: -0.7, tb: -0.42, hw: 0.12, hh: 0.17 }
      : { tw: 0.24, tt: -0.64, tb: -0.26, hw: 0.19, hh: 0.2 }
  const headTop = top
  const headH = P.hh * h - antennaLen * 0.4
  const headY = headTop + headH / 2
  const hw = P.hw * h
  const sk: Skeleton = {
    h, headR: headH / 2, headY, sw: P.tw * 2 * h, neckY: P.tt * h, shoulderY: (P.tt + 0.05) * h, hipY: P.tb * h,
    legW: h * (body === 'round' ? 0.07 : 0.06), armW: h * 0.045, upper: h * (body === 'tall' ? 0.19 : 0.15), fore: h * (body === 'tall' ? 0.17 : 0.14),
  }
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'

  // Legs: jointed tubes with block feet.
  const feet = [-1, 1].map((side, k) => drawLeg(ctx, side * sk.sw * 0.28, sk.hipY + h * 0.02, m.legs[k], m.lift[k] * h, sk.legW, paint(dark)))
  ctx.fillStyle = paint(scale(metal, 0.75))
  for (const [fx, fy] of feet) ctx.fillRect(fx - sk.legW * 1.1, fy - sk.legW * 0.7, sk.legW * 2.2, sk.legW * 0.8)

  // Torso.
  ctx.fillStyle = paint(metal)
  ctx.beginPath()
  if (body === 'round') ctx.ellipse(0, (P.tt + P.tb) * 0.5 * h, P.tw * h, (P.tb - P.tt) * 0.5 * h, 0, 0, Math.PI * 2)
  else ctx.roundRect(-P.tw * h, P.tt * h, P.tw * 2 * h, (P.tb - P.tt) * h, h * 0.03)
  ctx.fill()
  if (!rimPass) {
    // A sheen on the metal and a chest panel whose lights follow the hits.
    ctx.fillStyle = css(mix(metal, [255, 255, 255], 0.6), 0.45)
    ctx.beginPath()
    ctx.ellipse(-P.tw * h * 0.45, (P.tt * 0.7 + P.tb * 0.3) * h, P.tw * h * 0.22, (P.tb - P.tt) * h * 0.12, -0.5, 0, Math.PI * 2)
    ctx.fill()
    const py = (P.tt * 0.45 + P.tb * 0.55) * h
    ctx.fillStyle = css(scale(metal, 0.35))
    ctx.fillRect(-P.tw * h * 0.55, py, P.tw * h * 1.1, h * 0.07)
    for (let k = 0; k < 3; k++) {
      const on = m.stick[k % 2] > 0.3 || m.pulse > 0.6 - 0.2 * k
      ctx.fillStyle = css(on ? mix(look.eye, [255, 255, 255], 0.3) : scale(look.eye, 0.3))
      ctx.fillRect(-P.tw * h * 0.45 + k * P.tw * h * 0.35, py + h * 0.02, P.tw * h * 0.2, h * 0.03)
    }
  }

  // Instrument, arms (snapped when dancing), hands as clamps.
  const rig = instrumentRig(look, sk, m)
  rig.draw?.(ctx, paint, rimPass)
  const hands = [-1, 1].map((side, k) => {
    const arm = rig.arms[k] ?? (m.action === 'dance' ? snap(m.arms[k]) : m.arms[k])
    return drawArm(ctx, arm, side, side * (P.tw * h + sk.armW * 0.3), sk.shoulderY, sk, paint(dark), paint(scale(metal, 0.8)), sk.armW * 0.9)
  }) as [[number, number], [number, number]]

  // Neck, head, face screen, eyes.
  ctx.fillStyle = paint(dark)
  ctx.fillRect(-h * 0.03, headTop + headH - h * 0.01, h * 0.06, P.tt * h - (headTop + headH) + h * 0.02)
  ctx.fillStyle = paint(metal)
  ctx.beginPath()
  if (body === 'round') ctx.ellipse(0, headY, hw, headH / 2, 0, 0, Math.PI * 2)
  else ctx.roundRect(-hw, headTop, hw * 2, headH, h * 0.025)
  ctx.fill()
  const eyes: Array<[number, number]> = []
  const n = spec.eyes
  const er = Math.min(hw * (n === 1 ? 0.42 : n === 2 ? 0.26 : 0.2), headH * 0.3)
  for (let k = 0; k < n; k++) eyes.push([n === 1 ? 0 : (-1 + (2 * k) / (n - 1)) * hw * (n === 2 ? 0.45 : 0.6), headY - headH * 0.08])
  if (!rimPass) {
    ctx.fillStyle = css(scale(metal, 0.2))
    ctx.beginPath()
    ctx.roundRect(-hw * 0.85, headY - headH * 0.32, hw * 1.7, headH * 0.5, headH * 0.12)
    ctx.fill()
    // Eyes glow brighter with the voice when performing.
    const glow = 0.5 + 0.5 * Math.max(m.mouth, m.pulse * 0.6)
    ctx.fillStyle = css(look.eye, 0.35 * glow)
    ctx.beginPath()
    for (const [ex, ey] of eyes) {
      ctx.moveTo(ex + er * 1.6, ey)
      ctx.arc(ex, ey, er * 1.6, 0, Math.PI * 2)
    }
    ctx.fill()
    ctx.fillStyle = css(look.eye)
    ctx.beginPath()
    for (const [ex, ey] of eyes) {
      ctx.moveTo(ex + er, ey)
      ctx.arc(ex, ey, er, 0, Math.PI * 2)
    }
    ctx.fill()
    ctx.fillStyle = css(mix(look.eye, [255, 255, 255], 0.75))
    ctx.beginPath()
    for (const [ex, ey] of eyes) {
      ctx.moveTo(ex - er * 0.2, ey - er * 0.3)
      ctx.arc(ex - er * 0.35, ey - er * 0.3, er * 0.25, 0, Math.PI * 2)
    }
    ctx.fill()
    // Mouth grille: lit bars follow the voice.
    const bars = 5
    for (let k = 0; k < bars; k++) {
      const lit = Math.abs(k - (bars - 1) / 2) / bars < m.mouth * 0.6
      ctx.fillStyle = css(lit ? look.eye : scale(metal, 0.4))
      ctx.fillRect(-hw * 0.5 + k * hw * 0.22, headY + headH * 0.25, hw * 0.13, headH * 0.1)
    }
  }
  if (spec.antenna) {
    ctx.strokeStyle = paint(dark)
    ctx.lineWidth = Math.max(1, h * 0.012)
    ctx.beginPath()
    ctx.moveTo(0, headTop + h * 0.01)
    ctx.lineTo(0, top - antennaLen * 0.75)
    ctx.stroke()
    const br = h * 0.028
    ctx.fillStyle = paint(look.antenna)
    ctx.beginPath()
    ctx.arc(0, top - antennaLen * 0.8, br, 0, Math.PI * 2)
    ctx.fill()
    if (!rimPass && m.pulse > 0.05) {
      // The antenna light pulses on every beat.
      ctx.fillStyle = css(mix(look.antenna, [255, 255, 255], 0.3), 0.5 * m.pulse)
      ctx.beginPath()
      ctx.arc(0, top - antennaLen * 0.8, br * (1.4 + 1.4 * m.pulse), 0, Math.PI * 2)
      ctx.fill()
    }
  }
  drawHeadwear(ctx, look, { x: 0, y: headY, r: Math.max(hw, headH / 2) * 0.95, eyes, neckY: P.tt * h, neckW: hw * 1.4, drop: h * 0.15 }, paint, rimPass)
  rig.inHands?.(ctx, hands, paint)
}
