/**
 * Ambient motes: soft specks of light drifting up through the frame, brightest when the music is
 * quiet. With the camera's idle drift they are the floor of motion that keeps a quiet or beatless
 * stretch alive; loud music fades them (the picture moves by itself then).
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, type Rgb } from './colour.js'
import { mixSeed, mulberry32 } from './prng.js'

interface Mote {
  x: number
  y: number
  r: number
  speed: number
  sway: number
  phase: number
}

export interface Ambient {
  draw(ctx: SKRSContext2D, t: number, energy: number): void
}

const MOTES = 26

export function createAmbient(W: number, H: number, seed: number, colour: Rgb): Ambient {
  const rng = mulberry32(mixSeed(seed, 'ambient'))
  const motes: Mote[] = Array.from({ length: MOTES }, () => ({
    x: rng(),
    y: rng(),
    r: 0.008 + 0.016 * rng(),
    speed: 0.035 + 0.05 * rng(),
    sway: 0.01 + 0.02 * rng(),
    phase: rng() * Math.PI * 2,
  }))
  return {
    draw(ctx, t, energy) {
      const level = Math.min(1, Math.max(0, (0.8 - energy) / 0.45))
      if (level <= 0) return
      ctx.globalCompositeOperation = 'lighter'
      for (const m of motes) {
        // Rise and wrap; sway sideways; twinkle slowly.
        const y = (((m.y - t * m.speed) % 1) + 1) % 1
        const x = m.x + m.sway * Math.sin(t * 0.7 + m.phase)
        const a = level * (0.3 + 0.2 * Math.sin(t * 1.3 + m.phase * 3))
        if (a <= 0.01) continue
        ctx.fillStyle = css(colour, a)
        ctx.beginPath()
        ctx.arc(x * W, y * H, m.r * H, 0, Math.PI * 2)
        ctx.fill()
      }
      ctx.globalCompositeOperation = 'source-over'
    },
  }
}
