/** How alike two signals are, sample for sample over their common length (no lag); rmsRatio is b's level against a's. */
export function similarity(a: Float32Array, b: Float32Array): { correlation: number; rmsRatio: number } {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    ab += a[i] * b[i]
    aa += a[i] * a[i]
    bb += b[i] * b[i]
  }
  return { correlation: ab / Math.sqrt(aa * bb), rmsRatio: Math.sqrt(bb / aa) }
}
