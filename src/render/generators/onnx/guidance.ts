/** Classifier-free guidance over flat Float32Array model outputs. */

/**
 * Classifier-free guidance (Ho & Salimans 2022): ε = ε_uncond + scale · (ε_cond − ε_uncond).
 * Scale 1 returns the conditional prediction; 0 the unconditional one.
 */
export function classifierFreeGuidance(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  if (uncond.length !== cond.length) throw new RangeError(`classifierFreeGuidance: unconditional and conditional outputs differ in length (${uncond.length} vs ${cond.length})`)
  if (!Number.isFinite(scale)) throw new RangeError(`classifierFreeGuidance: scale must be finite, got ${scale}`)
  const out = new Float32Array(cond.length)
  for (let i = 0; i < out.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i])
  return out
}

/**
 * Splits a batched output (NCHW, batch first) into `parts` equal items, in batch order: for the
 * UNet run on [uncond, cond] it returns [uncond, cond]. The items are views on `output`'s buffer.
 */
export function splitBatch(output: Float32Array, parts: number): Float32Array[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`splitBatch: parts must be a positive integer, got ${parts}`)
  if (output.length % parts !== 0) throw new RangeError(`splitBatch: ${output.length} values do not split into ${parts} equal items`)
  const size = output.length / parts
  return Array.from({ length: parts }, (_, i) => output.subarray(i * size, (i + 1) * size))
}
