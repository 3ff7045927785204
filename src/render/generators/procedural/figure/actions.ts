/**
 * What a figure does, frame by frame, from the shot's action and the music: the same Motion is read
 * by every kind in its own way (a person's arms, a robot's antenna light, an animal's tail).
 * Everything is a function of the frame controls, the shot and the character's seed: deterministic.
 */
import type { FrameControl, ShotAction } from '../../../../schemas/index.js'
import { mixSeed } from '../prng.js'
import type { FrameState } from '../stage.js'
import type { FigureLook } from './look.js'

/** Per-shot tracks computed once: bar index, strum (harmonic change) and stick (percussive hit) envelopes. */
export interface ActionTrack {
  frames: number
  /** The shot's seed: each shot opens on its own dance move. */
  seed: number
  bar: Int32Array
  strum: Float32Array
  stick: Float32Array
  /** Which hand strikes each hit (alternating), 0 or 1. */
  side: Uint8Array
}

const hueDelta = (a: number, b: number) => Math.abs((((a - b) % 360) + 540) % 360 - 180)

export function actionTrack(controls: FrameControl[], frames: number, seed = 0): ActionTrack {
  const bar = new Int32Array(frames)
  const strum = new Float32Array(frames)
  const stick = new Float32Array(frames)
  const side = new Uint8Array(frames)
  let b = 0
  let s = 0
  let k = 0
  let hand = 0
  let harm = controls[0]?.harmonic ?? 0
  for (let i = 0; i < frames; i++) {
    const c = controls[Math.min(i, controls.length - 1)]
    const prev = controls[Math.max(0, Math.min(i - 1, controls.length - 1))]
    if (i > 0 && c?.onDownbeat) b++
    bar[i] = b
    // A strum on a harmonic change (the chord's hue moves, or the harmonic bed swells), a light one on beats.
    const change = c && prev && i > 0 && (hueDelta(c.hue, prev.hue) > 22 || c.harmonic - harm > 0.12)
    s = change ? 1 : c?.onBeat ? Math.max(s * 0.8, 0.45) : s * 0.8
    if (c) harm += (c.harmonic - harm) * 0.2
    strum[i] = s
    const hit = Math.max(0, Math.min(1, c?.hit ?? 0))
    if (hit > 0.15 && hit > k * 0.9) hand ^= 1
    k = Math.max(hit, k * 0.62)
    stick[i] = k
    side[i] = hand
  }
  return { frames, seed, bar, strum, stick, side }
}

export const DANCE_MOVES = ['arms-up', 'sway', 'step', 'point', 'bounce', 'wave'] as const
export type DanceMove = (typeof DANCE_MOVES)[number]

/** The move for a bar: hashed by seed and bar, bumped when it would repeat the previous bar's. */
export function danceMove(seed: number, bar: number): DanceMove {
  const n = DANCE_MOVES.length
  let prev = -1
  let cur = 0
  for (let b = 0; b <= bar; b++) {
    cur = mixSeed(seed, 'dance', b) % n
    if (cur === prev) cur = (cur + 1 + (mixSeed(seed, 'skip', b) % (n - 1))) % n
    prev = cur
  }
  return DANCE_MOVES[cur]
}

/** A hand by its shoulder angle (0 hanging, π straight up) and elbow bend, or by a target in units of h from the feet. */
export type Arm = { a: number; b: number } | { tx: number; ty: number }

export interface Motion {
  action: ShotAction
  /** Upward offset and rotation of the whole figure, in units of h / radians. */
  bob: number
  sway: number
  /** Legs: swing (radians, + forward) and foot lift (units of h). */
  legs: [number, number]
  lift: [number, number]
  arms: [Arm, Arm]
  mouth: number
  strum: number
  /** Stick/key strike per hand, 0..1. */
  stick: [number, number]
  /** Beat pulse 0..1 (1 on the beat, decaying): antenna lights, tails, wings. */
  pulse: number
  /** Walking/running cycle phase (0..1 per step pair) when travelling. */
  step: number
  /** Which way a travelling figure faces: -1 left, 1 right (0 when facing the camera). */
  facing: number
  move?: DanceMove
}

export interface ActionContext {
  action: ShotAction
  track: ActionTrack
  /** -1/1: the direction a walk or run travels. */
  direction: number
}

const TAU = Math.PI * 2

export function motionFor(look: FigureLook, ctx: ActionContext, f: FrameState): Motion {
  const ph = look.phase
  const beat = f.fc.beatPhase
  const i = Math.min(f.i, ctx.track.frames - 1)
  const pulse = Math.pow(1 - beat, 3)
  const vocalMouth = Math.min(1, Math.max(f.fc.vocal, f.singing ? 0.35 + 0.55 * (0.5 + 0.5 * Math.sin(f.t * 17 + ph * 10)) : 0))
  // Nothing to play (no instrument, or a kind without hands): the figure performs instead.
  const action = ctx.action === 'play' && !look.spec.instrument ? 'perform' : ctx.action
  const base: Motion = {
    action, bob: 0, sway: 0, legs: [0, 0], lift: [0, 0], arms: [{ a: 0.15, b: 0.2 }, { a: 0.15, b: 0.2 }],
    mouth: vocalMouth * 0.6, strum: ctx.track.strum[i], stick: [0, 0], pulse, step: 0, facing: 0,
  }
  const e = f.energy
  const lift = Math.min(1, e * 1.3 + f.hitEnv * 0.6)
  switch (action) {
    case 'walk':
    case 'run': {
      const run = ctx.action === 'run'
      // One step per beat walking, two running: the feet land on the music.
      const beatInBar = Math.floor(f.fc.barPhase * 4) % 4
      const step = run ? beat : ((beatInBar % 2) + beat) / 2
      const s = Math.sin(TAU * step)
      const amp = run ? 0.62 : 0.36
      return {
        ...base, step, facing: ctx.direction,
        bob: Math.abs(Math.cos(TAU * step)) * (run ? 0.035 : 0.015),
        sway: ctx.direction * (run ? 0.12 : 0.03),
        legs: [s * amp, -s * amp],
        lift: [Math.max(0, s) * (run ? 0.08 : 0.03), Math.max(0, -s) * (run ? 0.08 : 0.03)],
        arms: [{ a: -s * amp * 0.9, b: run ? 1.4 : 0.35 }, { a: s * amp * 0.9, b: run ? 1.4 : 0.35 }],
        mouth: vocalMouth * 0.4,
      }
    }
    case 'dance':
      return dance(base, danceMove(mixSeed(look.seed, ctx.track.seed, 'moves'), ctx.track.bar[i]), f, ph, lift)
    case 'play':
      return { ...base, stick: [ctx.track.side[i] === 0 ? ctx.track.stick[i] : 0, ctx.track.side[i] === 1 ? ctx.track.stick[i] : 0], bob: pulse * 0.01 * (0.5 + e), sway: Math.sin(TAU * (f.fc.barPhase + ph)) * 0.02 }
    default: {
      // Perform to camera: mouth on the vocal stream, a bob on the beat, gestures with the energy.
      const bob = Math.abs(Math.sin(Math.PI * (beat + ph * 0.25))) * (0.012 + 0.02 * e) + 0.035 * f.hitEnv
      const sway = Math.sin(TAU * (f.fc.barPhase * 2 + ph)) * (0.03 + 0.05 * e)
      return {
        ...base, bob, sway, mouth: vocalMouth,
        arms: [{ a: 0.18 + lift * (1.5 + 0.7 * Math.sin(TAU * (beat + ph))), b: 0.6 }, { a: 0.18 + lift * (1.3 + 0.7 * Math.sin(TAU * (beat + ph + 0.5))), b: 0.6 }],
      }
    }
  }
}

function dance(m: Motion, move: DanceMove, f: FrameState, ph: number, lift: number): Motion {
  const beat = f.fc.beatPhase
  const bar = f.fc.barPhase
  const onBeat = Math.sin(Math.PI * beat)
  const alt = Math.floor(bar * 4) % 2 === 0 ? 1 : -1
  const amt = 0.6 + 0.4 * lift
  const out: Motion = { ...m, move, bob: Math.abs(onBeat) * 0.02 * amt }
  if (move === 'arms-up') {
    out.arms = [{ a: 2.7 + 0.25 * Math.sin(TAU * beat), b: 0.2 }, { a: 2.7 + 0.25 * Math.sin(TAU * beat + Math.PI), b: 0.2 }]
    out.bob = Math.abs(onBeat) * 0.04 * amt
  } else if (move === 'sway') {
    out.sway = Math.sin(TAU * (bar * 2 + ph)) * 0.14 * amt
    out.arms = [{ a: 0.5 + 0.4 * Math.sin(TAU * bar * 2), b: 0.9 }, { a: 0.5 - 0.4 * Math.sin(TAU * bar * 2), b: 0.9 }]
  } else if (move === 'step') {
    out.legs = [alt * 0.28, alt * 0.1]
    out.lift = [alt > 0 ? onBeat * 0.05 : 0, alt < 0 ? onBeat * 0.05 : 0]
    out.sway = alt * 0.06
    out.arms = [{ a: 0.9 + alt * 0.5, b: 1.2 }, { a: 0.9 - alt * 0.5, b: 1.2 }]
  } else if (move === 'point') {
    // Disco point: one arm up to the corner, the other on the hip, swapping every two beats.
    const up: Arm = { a: 2.5, b: 0 }
    const hip: Arm = { a: 0.7, b: 2.2 }
    out.arms = alt > 0 ? [up, hip] : [hip, up]
    out.sway = -alt * 0.08
  } else if (move === 'bounce') {
    out.bob = Math.abs(onBeat) * 0.06 * amt
    out.arms = [{ a: 0.9, b: 1.9 + 0.3 * onBeat }, { a: 0.9, b: 1.9 + 0.3 * onBeat }]
    out.lift = [onBeat * 0.02, onBeat * 0.02]
  } else {
    out.arms = [{ a: 1.6 + 0.35 * Math.sin(TAU * beat), b: 0.3 * Math.sin(TAU * beat + 1) }, { a: 1.6 + 0.35 * Math.sin(TAU * beat + 1.2), b: 0.3 * Math.sin(TAU * beat + 2.2) }]
    out.sway = Math.sin(TAU * bar) * 0.05
  }
  return out
}
