/**
 * Band-limited resampling (Hann-windowed sinc, 16 zero crossings a side) for callers whose
 * samples are not at the feature rate. The analysis decodes at the feature rate already, so
 * this path is for API users; its cost (~32 taps per output sample) is paid only then.
 */
export function resampleSinc(x: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return x
  const ratio = to / from
  const n = Math.max(1, Math.round(x.length * ratio))
  const out = new Float32Array(n)
  // Cut-off just below the lower Nyquist frequency, relative to the input rate.
  const fc = 0.97 * Math.min(1, ratio)
  const zeros = 16
  const half = Math.ceil(zeros / fc)
  for (let i = 0; i < n; i++) {
    const pos = i / ratio
    const c = Math.floor(pos)
    let acc = 0
    let norm = 0
    for (let j = c - half + 1; j <= c + half; j++) {
      const d = pos - j
      const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / (half + 1))
      const arg = Math.PI * fc * d
      const k = (arg === 0 ? 1 : Math.sin(arg) / arg) * w
      norm += k
      if (j >= 0 && j < x.length) acc += x[j] * k
    }
    out[i] = acc / norm
  }
  return out
}
