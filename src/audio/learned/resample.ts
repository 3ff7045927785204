/**
 * Band-limited resampling (Hann-windowed sinc, 12 zero crossings a side) for callers whose
 * samples are not at the feature rate. The analysis decodes at the feature rate already, so
 * this path is for API users. Polyphase: with the rates reduced to to'/from', output i sits at
 * input i·from'/to', so only to' distinct fractional offsets occur; their kernels are built once
 * (1 for 44.1 kHz → 22.05 kHz, 147 for 48 kHz) and each output costs one dot product.
 */
const ZEROS = 12

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

export function resampleSinc(x: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return x
  if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0) throw new RangeError(`sample rates must be positive integers, got ${from} → ${to}`)
  const g = gcd(from, to)
  const up = to / g
  const down = from / g
  const n = Math.max(1, Math.round((x.length * to) / from))
  const out = new Float32Array(n)
  // Cut-off just below the lower Nyquist frequency, relative to the input rate.
  const fc = 0.97 * Math.min(1, to / from)
  const half = Math.ceil(ZEROS / fc)
  const taps = 2 * half
  const kernels = new Float32Array(up * taps)
  for (let ph = 0; ph < up; ph++) {
    const frac = ph / up
    let norm = 0
    for (let t = 0; t < taps; t++) {
      const d = frac - (t - half + 1)
      const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / (half + 1))
      const arg = Math.PI * fc * d
      const k = (arg === 0 ? 1 : Math.sin(arg) / arg) * w
      kernels[ph * taps + t] = k
      norm += k
    }
    for (let t = 0; t < taps; t++) kernels[ph * taps + t] /= norm
  }
  const len = x.length
  for (let i = 0; i < n; i++) {
    const num = i * down
    const c = Math.floor(num / up)
    const o = (num - c * up) * taps
    const j0 = c - half + 1
    let acc = 0
    if (j0 >= 0 && j0 + taps <= len) {
      for (let t = 0; t < taps; t++) acc += x[j0 + t] * kernels[o + t]
    } else {
      for (let t = 0; t < taps; t++) {
        const j = j0 + t
        if (j >= 0 && j < len) acc += x[j] * kernels[o + t]
      }
    }
    out[i] = acc
  }
  return out
}
