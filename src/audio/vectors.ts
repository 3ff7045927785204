/** Small vector helpers the beat-level analyses share. */

/** The largest value of `x` over indices a..b (clamped to the array), 0 when empty. */
export function windowMax(x: ArrayLike<number>, a: number, b: number): number {
  let m = 0
  for (let i = Math.max(0, a); i <= Math.min(x.length - 1, b); i++) m = Math.max(m, x[i])
  return m
}

/** 1 − cosine similarity; 0 when either vector is all zeros (no change to measure). */
export function cosineDistance(a: Float64Array, b: Float64Array): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i]
    aa += a[i] * a[i]
    bb += b[i] * b[i]
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0
}
