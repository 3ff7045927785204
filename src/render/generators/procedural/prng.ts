import { mulberry32, type Rng } from '../../../util/random.js'

export { mulberry32, type Rng }

/** Mixes seeds and labels into one 32-bit seed (so each use of a seed gets its own stream). */
export function mixSeed(...parts: Array<number | string>): number {
  let h = 0x811c9dc5
  for (const p of parts) {
    const s = String(p)
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    h ^= 0xff
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export const range = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng()
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length) % xs.length]
