/**
 * Instruments people and robots hold, and where the hands go while playing: strums on harmonic
 * changes (Motion.strum), sticks and keys on percussive hits (Motion.stick).
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { mix, scale, type Rgb } from '../colour.js'
import type { Arm, Motion } from './actions.js'
import type { FigureLook } from './look.js'
import type { Paint, Skeleton } from './parts.js'

export interface Rig {
  /** Hand targets per side (-1, +1) while the instrument needs them; undefined keeps the action's arm. */
  arms: [Arm | undefined, Arm | undefined]
  /** Drawn over the torso, under the arms (held instruments, a drum in front). */
  draw?(ctx: SKRSContext2D, paint: Paint, rimPass: boolean): void
  /** Drawn from the hands once the arms are placed (a microphone, sticks). */
  inHands?(ctx: SKRSContext2D, hands: [[number, number], [number, number]], paint: Paint): void
}

const rot = (x: number, y: number, a: number): [number, number] => [x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)]
const DARK: Rgb = [36, 26, 20]
const METAL: Rgb = [222, 196, 110]

export function instrumentRig(look: FigureLook, sk: Skeleton, m: Motion): Rig {
  const inst = look.spec.instrument
  const playing = m.action === 'play'
  const performing = m.action === 'perform' || playing
  const u = sk.h * 0.3
  const h = sk.h
  const col = look.part('instrument')
  const T = (x: number, y: number): Arm => ({ tx: x / h, ty: y / h })
  if (!inst) return { arms: [undefined, undefined] }

  if (inst === 'guitar' || inst === 'bass' || inst === 'keytar') {
    const keytar = inst === 'keytar'
    const gx = -0.05 * u
    const gy = sk.hipY - (sk.hipY - sk.neckY) * 0.15
    const a = keytar ? -0.28 : -0.5
    const neck = inst === 'bass' ? 1.45 : 1.1
    const at = (lx: number, ly: number): [number, number] => {
      const [x, y] = rot(lx * u, ly * u, a)
      return [gx + x, gy + y]
    }
    const strumY = (0.5 - m.strum) * 0.55
    const arms: Rig['arms'] = playing ? [T(...at(keytar ? -0.1 + 0.06 * m.stick[0] : -0.1, keytar ? -0.05 - 0.05 * m.stick[0] : strumY)), T(...at(neck * 0.8, -0.02))] : [undefined, undefined]
    return {
      arms,
      draw(ctx, paint, rimPass) {
        ctx.save()
        ctx.translate(gx, gy)
        ctx.rotate(a)
        ctx.fillStyle = paint(col)
        ctx.beginPath()
        if (keytar) ctx.roundRect(-0.5 * u, -0.16 * u, 1.05 * u, 0.32 * u, 0.12 * u)
        else {
          ctx.ellipse(-0.22 * u, 0, 0.32 * u, 0.27 * u, 0, 0, Math.PI * 2)
          ctx.ellipse(0.12 * u, 0, 0.24 * u, 0.2 * u, 0, 0, Math.PI * 2)
        }
        ctx.fill()
        ctx.fillStyle = paint(DARK)
        ctx.fillRect(keytar ? 0.5 * u : 0.2 * u, -0.045 * u, (keytar ? 0.55 : neck - 0.1) * u, 0.09 * u)
        ctx.fillRect((keytar ? 1.0 : neck + 0.05) * u, -0.08 * u, 0.14 * u, 0.16 * u)
        if (!rimPass) {
          if (keytar) {
            ctx.fillStyle = 'rgb(240,240,236)'
            ctx.fillRect(-0.42 * u, -0.08 * u, 0.8 * u, 0.16 * u)
            ctx.fillStyle = 'rgb(30,30,34)'
            for (let k = 0; k < 9; k++) if (k % 7 !== 2 && k % 7 !== 6) ctx.fillRect((-0.38 + k * 0.09) * u, -0.08 * u, 0.04 * u, 0.09 * u)
          } else {
            ctx.beginPath()
            ctx.arc(-0.12 * u, 0, 0.075 * u, 0, Math.PI * 2)
            ctx.fill()
            // Strings shimmer while strummed.
            ctx.strokeStyle = `rgba(245,235,210,${(0.35 + 0.5 * m.strum).toFixed(3)})`
            ctx.lineWidth = Math.max(1, u * 0.012)
            for (const s of [-0.025, 0, 0.025]) {
              ctx.beginPath()
              ctx.moveTo(-0.38 * u, s * u + Math.sin(m.strum * 40) * m.strum * 0.01 * u)
              ctx.lineTo((neck + 0.05) * u, s * u)
              ctx.stroke()
            }
          }
        }
        ctx.restore()
      },
    }
  }

  if (inst === 'keyboard') {
    if (!playing) return { arms: [undefined, undefined] }
    const ky = sk.hipY + 0.03 * h
    const w = 0.95 * u
    return {
      arms: [T(-0.22 * u, ky - 0.01 * h + m.stick[0] * 0.025 * h), T(0.25 * u, ky - 0.01 * h + (m.stick[1] + m.strum * 0.4) * 0.02 * h)],
      draw(ctx, paint, rimPass) {
        ctx.fillStyle = paint(DARK)
        ctx.fillRect(-0.04 * u - w * 0.5, ky + 0.06 * u, 0.06 * u, -ky - 0.06 * u)
        ctx.fillRect(0.04 * u + w * 0.4, ky + 0.06 * u, 0.06 * u, -ky - 0.06 * u)
        ctx.fillStyle = paint(scale(col, 0.6))
        ctx.fillRect(-w * 0.55, ky - 0.02 * u, w * 1.1, 0.14 * u)
        if (!rimPass) {
          ctx.fillStyle = 'rgb(240,240,236)'
          ctx.fillRect(-w * 0.5, ky - 0.02 * u, w, 0.08 * u)
          ctx.fillStyle = 'rgb(30,30,34)'
          for (let k = 0; k < 14; k++) if (k % 7 !== 2 && k % 7 !== 6) ctx.fillRect(-w * 0.5 + (k + 0.7) * (w / 14), ky - 0.02 * u, w / 28, 0.045 * u)
        }
      },
    }
  }

  if (inst === 'microphone') {
    const mouthY = sk.headY + sk.headR * 0.5
    return {
      arms: [performing ? T(-sk.headR * 1.0, mouthY + sk.headR * 1.3) : undefined, undefined],
      inHands(ctx, hands, paint) {
        const [hx, hy] = hands[0]
        const tx = performing ? -sk.headR * 0.6 : hx
        const ty = performing ? mouthY + sk.headR * 0.62 : hy - 0.12 * u
        ctx.strokeStyle = paint([40, 40, 44])
        ctx.lineWidth = sk.armW * 0.5
        ctx.beginPath()
        ctx.moveTo(hx, hy + sk.armW * 0.5)
        ctx.lineTo(tx, ty)
        ctx.stroke()
        ctx.fillStyle = paint([170, 172, 178])
        ctx.beginPath()
        ctx.arc(tx, ty, sk.armW * 0.75, 0, Math.PI * 2)
        ctx.fill()
      },
    }
  }

  if (inst === 'drums' || inst === 'drumsticks') {
    const drumY = sk.hipY + 0.06 * h
    const strike = (k: number) => drumY - (0.03 + 0.12 * (1 - m.stick[k])) * h
    const sticks: Rig['inHands'] = (ctx, hands, paint) => {
      ctx.strokeStyle = paint([226, 200, 150])
      ctx.lineWidth = Math.max(1, sk.armW * 0.32)
      hands.forEach(([hx, hy], k) => {
        const side = k === 0 ? -1 : 1
        const lift = playing ? 1 - m.stick[k] : 0.6
        ctx.beginPath()
        ctx.moveTo(hx, hy)
        ctx.lineTo(hx - side * 0.12 * u, hy + (0.28 - 0.5 * lift) * u)
        ctx.stroke()
      })
    }
    if (inst === 'drumsticks' || !playing) return { arms: playing ? [T(-0.3 * u, strike(0)), T(0.3 * u, strike(1))] : [undefined, undefined], inHands: sticks }
    return {
      arms: [T(-0.3 * u, strike(0)), T(0.3 * u, strike(1))],
      draw(ctx, paint, rimPass) {
        // A snare in front and a cymbal that shivers on the hit.
        ctx.fillStyle = paint(col)
        ctx.fillRect(-0.45 * u, drumY, 0.9 * u, 0.32 * u)
        ctx.fillStyle = paint(mix(col, [255, 255, 255], 0.6))
        ctx.beginPath()
        ctx.ellipse(0, drumY, 0.45 * u, 0.09 * u, 0, 0, Math.PI * 2)
        ctx.fill()
        ctx.fillStyle = paint(METAL)
        ctx.beginPath()
        ctx.ellipse(0.75 * u, sk.shoulderY + 0.05 * h, 0.3 * u, 0.05 * u, -0.2 + 0.15 * m.stick[1], 0, Math.PI * 2)
        ctx.fill()
        ctx.strokeStyle = paint(DARK)
        ctx.lineWidth = Math.max(1, 0.025 * u)
        ctx.beginPath()
        ctx.moveTo(0.75 * u, sk.shoulderY + 0.05 * h)
        ctx.lineTo(0.75 * u, 0)
        ctx.stroke()
        if (!rimPass) {
          ctx.strokeStyle = 'rgba(255,255,255,0.5)'
          ctx.beginPath()
          ctx.moveTo(-0.45 * u, drumY + 0.16 * u)
          ctx.lineTo(0.45 * u, drumY + 0.16 * u)
          ctx.stroke()
        }
      },
      inHands: sticks,
    }
  }

  if (inst === 'violin') {
    if (!playing) return { arms: [undefined, undefined] }
    const vx = sk.sw * 0.3
    const vy = sk.neckY + sk.headR * 0.3
    const bow = ((m.strum * 0.6 + 0.4 * Math.sin(m.pulse * Math.PI)) - 0.5) * 0.7 * u
    return {
      arms: [T(vx - 0.35 * u + bow, vy + 0.12 * u), T(vx + 0.75 * u, vy - 0.1 * u)],
      draw(ctx, paint) {
        ctx.save()
        ctx.translate(vx, vy)
        ctx.rotate(-0.25)
        ctx.fillStyle = paint(mix(col, [150, 70, 25], 0.6))
        ctx.beginPath()
        ctx.ellipse(0.12 * u, 0, 0.2 * u, 0.13 * u, 0, 0, Math.PI * 2)
        ctx.ellipse(0.34 * u, 0, 0.14 * u, 0.1 * u, 0, 0, Math.PI * 2)
        ctx.fill()
        ctx.fillStyle = paint(DARK)
        ctx.fillRect(0.4 * u, -0.025 * u, 0.45 * u, 0.05 * u)
        ctx.restore()
      },
      inHands(ctx, hands, paint) {
        const [hx, hy] = hands[0]
        ctx.strokeStyle = paint([230, 220, 200])
        ctx.lineWidth = Math.max(1, 0.02 * u)
        ctx.beginPath()
        ctx.moveTo(hx - 0.2 * u, hy + 0.12 * u)
        ctx.lineTo(hx + 0.75 * u, hy - 0.2 * u)
        ctx.stroke()
      },
    }
  }

  // Trumpet or sax, at the mouth while playing or performing.
  if (!performing) return { arms: [undefined, undefined] }
  const mx = 0
  const my = sk.headY + sk.headR * 0.5
  const sax = inst === 'sax'
  const tilt = -0.15 - 0.2 * m.strum
  return {
    arms: sax ? [T(-0.05 * u, sk.shoulderY + 0.25 * u), T(0.05 * u, sk.hipY - 0.05 * u)] : [T(0.45 * u, my + 0.12 * u), T(0.75 * u, my + 0.08 * u)],
    draw(ctx, paint) {
      ctx.fillStyle = paint(METAL)
      ctx.strokeStyle = paint(METAL)
      ctx.lineCap = 'round'
      if (sax) {
        ctx.lineWidth = 0.12 * u
        ctx.beginPath()
        ctx.moveTo(mx, my)
        ctx.quadraticCurveTo(-0.15 * u, sk.shoulderY + 0.4 * u, 0, sk.hipY + 0.05 * u)
        ctx.quadraticCurveTo(0.1 * u, sk.hipY + 0.22 * u, 0.3 * u, sk.hipY - 0.02 * u)
        ctx.stroke()
        ctx.beginPath()
        ctx.ellipse(0.32 * u, sk.hipY - 0.05 * u, 0.14 * u, 0.08 * u, -0.5, 0, Math.PI * 2)
        ctx.fill()
      } else {
        ctx.save()
        ctx.translate(mx, my)
        ctx.rotate(tilt)
        ctx.lineWidth = 0.06 * u
        ctx.beginPath()
        ctx.moveTo(0, 0)
        ctx.lineTo(0.95 * u, 0)
        ctx.stroke()
        ctx.fillRect(0.35 * u, -0.09 * u, 0.3 * u, 0.12 * u)
        ctx.beginPath()
        ctx.moveTo(0.95 * u, -0.03 * u)
        ctx.lineTo(1.25 * u, -0.16 * u)
        ctx.lineTo(1.25 * u, 0.16 * u)
        ctx.lineTo(0.95 * u, 0.03 * u)
        ctx.fill()
        ctx.restore()
      }
    },
  }
}
