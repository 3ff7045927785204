import type { SKRSContext2D } from '@napi-rs/canvas'
import type { CharacterCard } from '../../../schemas/index.js'
import { css, hexToRgb, mix, scale, type Rgb } from './colour.js'
import { mixSeed, mulberry32 } from './prng.js'
import type { FrameState } from './stage.js'

const SKIN: Rgb[] = [[255, 219, 172], [241, 194, 125], [224, 172, 105], [198, 134, 66], [141, 85, 36], [92, 58, 33]]

/** A character's fixed look, derived from its card only (so it is the same in every shot). */
export interface FigureLook {
  shape: CharacterCard['shape']
  top: Rgb
  bottom: Rgb
  accent: Rgb
  hair: Rgb
  skin: Rgb
  /** Per-character phase so a group does not move in lockstep. */
  phase: number
}

export function figureLook(card: CharacterCard): FigureLook {
  const rng = mulberry32(mixSeed(card.seed, card.id, 'figure'))
  const p = card.palette.map(hexToRgb)
  return {
    shape: card.shape,
    top: p[0],
    bottom: p[1],
    accent: p[2] ?? mix(p[0], [255, 255, 255], 0.5),
    hair: p[3] ? p[3] : mix(p[1], [20, 15, 10], 0.6),
    skin: SKIN[Math.floor(rng() * SKIN.length)],
    phase: rng(),
  }
}

export interface FigurePose {
  /** Feet centre, in the current transform's pixels. */
  x: number
  y: number
  /** Total height in pixels. */
  h: number
  /** Light: rim colour and which side it comes from (-1 left, 1 right); `shade` darkens flat colours. */
  rim: Rgb
  lightSide: number
  shade: number
}

/** Pose from the music: bob on the beat, jump on hits, arms with energy, mouth with the voice. */
function motion(look: FigureLook, f: FrameState) {
  const ph = look.phase
  const beat = f.fc.beatPhase
  const bob = Math.abs(Math.sin(Math.PI * (beat + ph * 0.25))) * (0.012 + 0.02 * f.energy) + 0.035 * f.hitEnv
  const sway = Math.sin(2 * Math.PI * (f.fc.barPhase * 2 + ph)) * (0.03 + 0.05 * f.energy)
  const lift = Math.min(1, f.energy * 1.3 + f.hitEnv * 0.6)
  const armL = 0.18 + lift * (1.5 + 0.7 * Math.sin(2 * Math.PI * (beat + ph)))
  const armR = 0.18 + lift * (1.3 + 0.7 * Math.sin(2 * Math.PI * (beat + ph + 0.5)))
  const wobble = f.singing ? 0.5 + 0.5 * Math.sin(f.t * 17 + ph * 10) : 0
  const mouth = Math.min(1, Math.max(f.fc.vocal, f.singing ? 0.35 + 0.55 * wobble : 0))
  return { bob, sway, armL, armR, mouth }
}

export function drawFigure(ctx: SKRSContext2D, look: FigureLook, pose: FigurePose, f: FrameState): void {
  const m = motion(look, f)
  const { h } = pose
  const sh = look.shape
  const shade = (c: Rgb) => css(scale(c, pose.shade))
  // Ground shadow (does not bob).
  ctx.fillStyle = 'rgba(0,0,0,0.35)'
  ctx.beginPath()
  ctx.ellipse(pose.x, pose.y, h * sh.build * 0.55, h * 0.02, 0, 0, Math.PI * 2)
  ctx.fill()

  ctx.save()
  ctx.translate(pose.x, pose.y - m.bob * h)
  ctx.rotate(m.sway * 0.3)
  // Rim pass: the whole figure in the light colour, nudged towards the light, then the body over it.
  const rimOff = h * 0.006
  ctx.save()
  ctx.translate(pose.lightSide * rimOff, -rimOff * 0.5)
  body(ctx, look, h, m, () => css(pose.rim), true)
  ctx.restore()
  body(ctx, look, h, m, shade, false)
  ctx.restore()
}

type Paint = (c: Rgb) => string

function body(ctx: SKRSContext2D, look: FigureLook, h: number, m: ReturnType<typeof motion>, paint: Paint, rimPass: boolean): void {
  const sh = look.shape
  const headR = sh.headSize * h * 0.5
  const sw = sh.build * h
  const neckY = -(h - 2 * headR) + headR * 0.15
  const hipY = -h * 0.46
  const legW = sw * 0.26
  const armW = sw * 0.17
  const upper = h * 0.2
  const fore = h * 0.18
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'

  // Back hair (long hair hangs behind the body).
  if (sh.hair === 2 || sh.hair === 4) {
    ctx.fillStyle = paint(look.hair)
    ctx.beginPath()
    if (sh.hair === 2) {
      roundRect(ctx, -headR * 1.15, neckY - headR * 2.1, headR * 2.3, headR * 3.2, headR)
    } else {
      ctx.ellipse(headR * 1.1, neckY - headR * 1.3, headR * 0.45, headR * 0.9, 0.5, 0, Math.PI * 2)
    }
    ctx.fill()
  }

  // Legs, or a dress.
  if (sh.outfit === 3) {
    ctx.fillStyle = paint(look.top)
    ctx.beginPath()
    ctx.moveTo(-sw * 0.3, hipY - h * 0.06)
    ctx.lineTo(sw * 0.3, hipY - h * 0.06)
    ctx.lineTo(sw * 0.62, hipY + h * 0.28)
    ctx.lineTo(-sw * 0.62, hipY + h * 0.28)
    ctx.closePath()
    ctx.fill()
    ctx.strokeStyle = paint(look.skin)
    ctx.lineWidth = legW * 0.6
    limb(ctx, -sw * 0.2, hipY + h * 0.26, -sw * 0.2, -legW * 0.3)
    limb(ctx, sw * 0.2, hipY + h * 0.26, sw * 0.2, -legW * 0.3)
  } else {
    ctx.strokeStyle = paint(look.bottom)
    ctx.lineWidth = legW
    limb(ctx, -sw * 0.2, hipY, -sw * 0.24, -legW * 0.5)
    limb(ctx, sw * 0.2, hipY, sw * 0.24, -legW * 0.5)
  }
  // Shoes.
  ctx.fillStyle = paint(mix(look.bottom, [15, 15, 15], 0.7))
  ctx.beginPath()
  ctx.ellipse(-sw * 0.26, -legW * 0.25, legW * 0.75, legW * 0.4, 0, 0, Math.PI * 2)
  ctx.ellipse(sw * 0.26, -legW * 0.25, legW * 0.75, legW * 0.4, 0, 0, Math.PI * 2)
  ctx.fill()

  // Torso: shoulders wider than hips.
  ctx.fillStyle = paint(look.top)
  ctx.beginPath()
  ctx.moveTo(-sw * 0.5, neckY + headR * 0.25)
  ctx.lineTo(sw * 0.5, neckY + headR * 0.25)
  ctx.lineTo(sw * 0.34, hipY)
  ctx.lineTo(-sw * 0.34, hipY)
  ctx.closePath()
  ctx.fill()
  if (!rimPass) outfitDetail(ctx, look, sw, neckY + headR * 0.25, hipY, paint)

  // Arms: shoulder and elbow angles (0 = hanging down), mirrored.
  const arm = (side: number, a: number) => {
    const sx = side * sw * 0.46
    const sy = neckY + headR * 0.45
    const ex = sx + side * Math.sin(a) * upper
    const ey = sy + Math.cos(a) * upper
    const b = a + 0.6 + 0.3 * a
    const hx = ex + side * Math.sin(b) * fore
    const hy = ey + Math.cos(b) * fore
    ctx.strokeStyle = paint(sh.outfit === 3 ? look.skin : look.top)
    ctx.lineWidth = armW
    ctx.beginPath()
    ctx.moveTo(sx, sy)
    ctx.lineTo(ex, ey)
    ctx.lineTo(hx, hy)
    ctx.stroke()
    ctx.fillStyle = paint(look.skin)
    ctx.beginPath()
    ctx.arc(hx, hy, armW * 0.62, 0, Math.PI * 2)
    ctx.fill()
  }
  arm(-1, m.armL)
  arm(1, m.armR)

  // Neck and head.
  ctx.fillStyle = paint(look.skin)
  ctx.fillRect(-headR * 0.3, neckY - headR * 0.2, headR * 0.6, headR * 0.55)
  const hy = neckY - headR
  ctx.beginPath()
  ctx.ellipse(0, hy, headR * 0.92, headR, 0, 0, Math.PI * 2)
  ctx.fill()
  hairFront(ctx, look, headR, hy, paint)
  if (!rimPass) face(ctx, look, headR, hy, m.mouth)
  accessory(ctx, look, sw, headR, hy, neckY, hipY, paint, rimPass)
}

function limb(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath()
  ctx.moveTo(x0, y0)
  ctx.lineTo(x1, y1)
  ctx.stroke()
}

/** A symmetric trapezoid path centred on x = 0, from `top` (half-width a) to `bottom` (half-width b). */
function torsoPath(ctx: SKRSContext2D, a: number, b: number, top: number, bottom: number): void {
  ctx.beginPath()
  ctx.moveTo(-a, top)
  ctx.lineTo(a, top)
  ctx.lineTo(b, bottom)
  ctx.lineTo(-b, bottom)
  ctx.closePath()
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.roundRect(x, y, w, h, r)
}

function outfitDetail(ctx: SKRSContext2D, look: FigureLook, sw: number, top: number, hipY: number, paint: Paint): void {
  const o = look.shape.outfit
  if (o === 1) {
    ctx.save()
    torsoPath(ctx, sw * 0.5, sw * 0.34, top, hipY)
    ctx.clip()
    ctx.fillStyle = paint(look.accent)
    const step = (hipY - top) / 6
    for (let k = 0; k < 6; k += 2) ctx.fillRect(-sw, top + step * (k + 0.5), sw * 2, step)
    ctx.restore()
  } else if (o === 2) {
    // Open jacket over a shirt in the accent colour.
    ctx.fillStyle = paint(look.accent)
    torsoPath(ctx, sw * 0.14, sw * 0.1, top, hipY)
    ctx.fill()
    ctx.strokeStyle = paint(scale(look.top, 0.6))
    ctx.lineWidth = sw * 0.03
    ctx.beginPath()
    ctx.moveTo(-sw * 0.14, top)
    ctx.lineTo(-sw * 0.02, top + (hipY - top) * 0.35)
    ctx.moveTo(sw * 0.14, top)
    ctx.lineTo(sw * 0.02, top + (hipY - top) * 0.35)
    ctx.stroke()
  } else if (o === 3) {
    ctx.fillStyle = paint(look.accent)
    ctx.fillRect(-sw * 0.36, hipY - (hipY - top) * 0.12, sw * 0.72, (hipY - top) * 0.08)
  }
}

function hairFront(ctx: SKRSContext2D, look: FigureLook, r: number, hy: number, paint: Paint): void {
  const hair = look.shape.hair
  if (hair === 0) return
  ctx.fillStyle = paint(look.hair)
  ctx.beginPath()
  if (hair === 1 || hair === 2 || hair === 4) {
    // Cap of hair over the top of the head.
    ctx.ellipse(0, hy - r * 0.2, r * 1.0, r * 0.85, 0, Math.PI, Math.PI * 2)
    ctx.fill()
    if (hair === 4) {
      ctx.beginPath()
      ctx.arc(r * 0.2, hy - r * 1.05, r * 0.38, 0, Math.PI * 2)
      ctx.fill()
    }
  } else if (hair === 3) {
    // Big round curls.
    ctx.arc(0, hy - r * 0.35, r * 1.35, Math.PI * 0.9, Math.PI * 2.1)
    ctx.closePath()
    ctx.fill()
  } else if (hair === 5) {
    // Spikes.
    ctx.moveTo(-r * 0.95, hy - r * 0.1)
    for (let k = 0; k <= 6; k++) {
      const a = Math.PI + (k / 6) * Math.PI
      const rr = k % 2 === 0 ? r * 1.0 : r * 1.55
      ctx.lineTo(Math.cos(a) * rr * 0.95, hy - r * 0.1 + Math.sin(a) * rr)
    }
    ctx.closePath()
    ctx.fill()
  }
}

function face(ctx: SKRSContext2D, look: FigureLook, r: number, hy: number, mouth: number): void {
  const ink = 'rgb(25,18,22)'
  ctx.fillStyle = ink
  ctx.beginPath()
  ctx.arc(-r * 0.33, hy - r * 0.05, r * 0.1, 0, Math.PI * 2)
  ctx.arc(r * 0.33, hy - r * 0.05, r * 0.1, 0, Math.PI * 2)
  ctx.fill()
  // Cheeks for warmth.
  ctx.fillStyle = css(mix(look.skin, [230, 90, 90], 0.45), 0.6)
  ctx.beginPath()
  ctx.arc(-r * 0.5, hy + r * 0.25, r * 0.13, 0, Math.PI * 2)
  ctx.arc(r * 0.5, hy + r * 0.25, r * 0.13, 0, Math.PI * 2)
  ctx.fill()
  // Mouth: a line when closed, an open oval when singing.
  const open = r * 0.32 * mouth
  ctx.fillStyle = 'rgb(90,20,30)'
  ctx.beginPath()
  ctx.ellipse(0, hy + r * 0.45, r * (0.22 + 0.08 * mouth), Math.max(r * 0.04, open), 0, 0, Math.PI * 2)
  ctx.fill()
}

function accessory(ctx: SKRSContext2D, look: FigureLook, sw: number, r: number, hy: number, neckY: number, hipY: number, paint: Paint, rimPass: boolean): void {
  const a = look.shape.accessory
  const acc = look.accent
  if (a === 1) {
    ctx.fillStyle = paint(scale(acc, 0.6))
    ctx.fillRect(-r * 1.4, hy - r * 0.75, r * 2.8, r * 0.22)
    ctx.fillRect(-r * 0.85, hy - r * 1.6, r * 1.7, r * 0.9)
    ctx.fillStyle = paint(acc)
    ctx.fillRect(-r * 0.85, hy - r * 0.95, r * 1.7, r * 0.2)
  } else if (a === 2) {
    ctx.fillStyle = paint(acc)
    ctx.beginPath()
    ctx.roundRect(-sw * 0.3, neckY - r * 0.05, sw * 0.6, r * 0.45, r * 0.2)
    ctx.fill()
    ctx.fillRect(sw * 0.08, neckY + r * 0.2, sw * 0.14, (hipY - neckY) * 0.45)
  } else if (a === 3 && !rimPass) {
    ctx.strokeStyle = 'rgb(20,20,24)'
    ctx.fillStyle = css(acc, 0.55)
    ctx.lineWidth = Math.max(1, r * 0.08)
    ctx.beginPath()
    ctx.arc(-r * 0.36, hy - r * 0.05, r * 0.27, 0, Math.PI * 2)
    ctx.moveTo(r * 0.63, hy - r * 0.05)
    ctx.arc(r * 0.36, hy - r * 0.05, r * 0.27, 0, Math.PI * 2)
    ctx.fill()
    ctx.stroke()
    ctx.beginPath()
    ctx.moveTo(-r * 0.1, hy - r * 0.1)
    ctx.lineTo(r * 0.1, hy - r * 0.1)
    ctx.stroke()
  } else if (a === 4) {
    ctx.strokeStyle = paint(scale(acc, 0.5))
    ctx.lineWidth = r * 0.16
    ctx.beginPath()
    ctx.arc(0, hy, r * 1.08, Math.PI * 1.05, Math.PI * 1.95)
    ctx.stroke()
    ctx.fillStyle = paint(acc)
    ctx.beginPath()
    ctx.roundRect(-r * 1.22, hy - r * 0.35, r * 0.4, r * 0.7, r * 0.15)
    ctx.roundRect(r * 0.82, hy - r * 0.35, r * 0.4, r * 0.7, r * 0.15)
    ctx.fill()
  } else if (a === 5) {
    // Guitar slung across the body.
    ctx.save()
    ctx.translate(-sw * 0.05, hipY - (hipY - neckY) * 0.15)
    ctx.rotate(-0.5)
    ctx.fillStyle = paint(mix(acc, [120, 60, 20], 0.4))
    ctx.beginPath()
    ctx.ellipse(-sw * 0.22, 0, sw * 0.32, sw * 0.26, 0, 0, Math.PI * 2)
    ctx.ellipse(sw * 0.12, 0, sw * 0.24, sw * 0.2, 0, 0, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = paint([40, 28, 20])
    ctx.fillRect(sw * 0.2, -sw * 0.04, sw * 0.9, sw * 0.08)
    if (!rimPass) {
      ctx.beginPath()
      ctx.arc(-sw * 0.12, 0, sw * 0.07, 0, Math.PI * 2)
      ctx.fill()
    }
    ctx.restore()
  }
}
