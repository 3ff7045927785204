/**
 * Seeded standard-normal noise for latents: the same seed always gives the same numbers, on any
 * machine (no Math.random, no platform RNG). Uniforms from mulberry32 (src/util/random.ts),
 * turned into normals by Box–Muller, both of each pair used.
 */
import { mulberry32 } from '../../../util/random.js'

/** Draws the next n standard-normal values of a stream. */
export type NoiseSource = (n: number) => Float32Array

/**
 * Folds a seed (any safe integer, negative allowed) into mulberry32's 32-bit state, so seeds
 * that differ only above bit 32 still give different streams.
 */
function seedState(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`noise seed must be a finite number, got ${seed}`)
  const s = Math.trunc(seed)
  const lo = s >>> 0
  const hi = Math.floor(s / 4294967296) >>> 0
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0
}

/**
 * A stream of N(0, 1) values: each call returns the next n, so calls of 3 then 5 return the
 * same 8 numbers as gaussianNoise(seed, 8). Box–Muller: for uniforms u1 ∈ (0, 1], u2 ∈ [0, 1),
 * r = √(−2 ln u1), the pair is r·cos(2πu2), r·sin(2πu2).
 */
export function noiseStream(seed: number): NoiseSource {
  const uniform = mulberry32(seedState(seed))
  let spare: number | undefined
  return (n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`noise length must be a non-negative integer, got ${n}`)
    const out = new Float32Array(n)
    let i = 0
    if (spare !== undefined && n > 0) {
      out[i++] = spare
      spare = undefined
    }
    while (i < n) {
      const u1 = 1 - uniform()
      const u2 = uniform()
      const r = Math.sqrt(-2 * Math.log(u1))
      const a = 2 * Math.PI * u2
      out[i++] = r * Math.cos(a)
      const second = r * Math.sin(a)
      if (i < n) out[i++] = second
      else spare = second
    }
    return out
  }
}

/** n standard-normal values determined by `seed` alone. */
export function gaussianNoise(seed: number, n: number): Float32Array {
  return noiseStream(seed)(n)
}
