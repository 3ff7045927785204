/** The procedural figure: each kind draws itself from its look and the shot's action, with a rim of light. */
import type { SKRSContext2D } from '@napi-rs/canvas'
import type { FigureSpec, ShotAction } from '../../../../schemas/index.js'
import { css, scale, type Rgb } from '../colour.js'
import type { FrameState } from '../stage.js'
import { motionFor, type ActionTrack, type Motion } from './actions.js'
import { drawAnimal } from './animal.js'
import { drawCreature } from './creature.js'
import type { FigureLook } from './look.js'
import type { Paint } from './parts.js'
import { drawPerson } from './person.js'
import { drawRobot } from './robot.js'

export { actionTrack, danceMove, DANCE_MOVES, motionFor, type ActionTrack, type DanceMove, type Motion } from './actions.js'
export { figureLook, type FigureLook } from './look.js'

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
  /** What the figure does (absent: perform) and the shot's precomputed music tracks. */
  action?: ShotAction
  track?: ActionTrack
  /** Walk/run: pixels travelled over the whole shot (sign = direction), centred on x. */
  travel?: number
}

type Drawer = (ctx: SKRSContext2D, look: FigureLook, h: number, m: Motion, paint: Paint, rimPass: boolean) => void
const DRAW: Record<FigureSpec['kind'], Drawer> = { person: drawPerson, robot: drawRobot, animal: drawAnimal, creature: drawCreature }

/** A still track for callers without one (one frame, no bars, no hits). */
const STILL: ActionTrack = { frames: 1, seed: 0, bar: new Int32Array(1), strum: new Float32Array(1), stick: new Float32Array(1), side: new Uint8Array(1) }

/** Head height as a fraction of the figure: close-ups scale each kind so its head fills the same share of the frame. */
export function headShare(look: FigureLook): number {
  const s = look.spec
  if (s.kind === 'person') return 0.16
  if (s.kind === 'robot') return s.body === 'tall' ? 0.2 : 0.26
  if (s.kind === 'animal') return s.species === 'rabbit' ? 0.5 : s.species === 'bird' || s.species === 'owl' ? 0.4 : 0.45
  return s.species === 'dragon' ? 0.3 : 0.55
}

export function drawFigure(ctx: SKRSContext2D, look: FigureLook, pose: FigurePose, f: FrameState): void {
  const track = pose.track ?? STILL
  const action = pose.action ?? 'perform'
  const travel = pose.travel ?? 0
  const m = motionFor(look, { action, track, direction: travel < 0 ? -1 : 1 }, f)
  const u = track.frames > 1 ? Math.min(f.i, track.frames - 1) / (track.frames - 1) : 0.5
  const x = pose.x + travel * (u - 0.5)
  const { h } = pose
  const shade: Paint = (c) => css(scale(c, pose.shade))
  const draw = DRAW[look.spec.kind]
  // Ground shadow (does not bob).
  ctx.fillStyle = 'rgba(0,0,0,0.35)'
  ctx.beginPath()
  ctx.ellipse(x, pose.y, h * (look.spec.kind === 'animal' ? 0.4 : look.shape.build * 0.55), h * 0.02, 0, 0, Math.PI * 2)
  ctx.fill()

  ctx.save()
  ctx.translate(x, pose.y - m.bob * h)
  ctx.rotate(m.sway * 0.3)
  // Travelling bipeds turn towards the way they go: narrower, so legs and arms swing fore and aft.
  if (m.facing !== 0 && (look.spec.kind === 'person' || look.spec.kind === 'robot')) ctx.scale(0.72 * m.facing, 1)
  // Rim pass: the whole figure in the light colour, nudged towards the light, then the figure over it.
  const rimOff = h * 0.006
  ctx.save()
  ctx.translate(pose.lightSide * rimOff, -rimOff * 0.5)
  draw(ctx, look, h, m, () => css(pose.rim), true)
  ctx.restore()
  draw(ctx, look, h, m, shade, false)
  ctx.restore()
}
