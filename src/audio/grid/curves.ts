/** Small helpers on activation curves: resampling, peaks near a time, neighbourhood levels. */

/** Linear upsampling by an integer factor k (frame i of the result is at time i / (fps·k)). */
export function upsample(x: Float32Array, k: number): Float32Array {
  if (k <= 1) return x
  const n = x.length
  const out = new Float32Array(Math.max(0, (n - 1) * k + 1))
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i]
    const d = (x[i + 1] - a) / k
    for (let j = 0; j < k; j++) out[i * k + j] = a + j * d
  }
  if (n > 0) out[out.length - 1] = x[n - 1]
  return out
}

/** Frame of the maximum of x in [lo, hi] (clamped); `center` when the range is empty. */
export function argmaxIn(x: ArrayLike<number>, lo: number, hi: number, center: number): number {
  const a = Math.max(0, Math.floor(lo))
  const b = Math.min(x.length - 1, Math.ceil(hi))
  let best = Math.max(0, Math.min(x.length - 1, Math.round(center)))
  for (let i = a; i <= b; i++) if (x[i] > x[best]) best = i
  return best
}

/** Maximum of x over frames [lo, hi] (clamped); 0 when empty. */
export function maxIn(x: ArrayLike<number>, lo: number, hi: number): number {
  const a = Math.max(0, Math.floor(lo))
  const b = Math.min(x.length - 1, Math.ceil(hi))
  let m = 0
  for (let i = a; i <= b; i++) if (x[i] > m) m = x[i]
  return m
}

/** Mean of x over frames [lo, hi] (clamped); 0 when empty. */
export function meanIn(x: ArrayLike<number>, lo: number, hi: number): number {
  const a = Math.max(0, Math.floor(lo))
  const b = Math.min(x.length - 1, Math.ceil(hi))
  let s = 0
  for (let i = a; i <= b; i++) s += x[i]
  return b >= a ? s / (b - a + 1) : 0
}

/** Sub-frame peak position by a parabola through frame f and its neighbours. */
export function refinePeak(x: ArrayLike<number>, f: number): number {
  if (f <= 0 || f >= x.length - 1) return f
  const y0 = x[f - 1]
  const y1 = x[f]
  const y2 = x[f + 1]
  const d = y0 - 2 * y1 + y2
  if (!(d < 0)) return f
  const delta = (0.5 * (y0 - y2)) / d
  return Math.abs(delta) <= 0.5 ? f + delta : f
}

export function median(values: ArrayLike<number>): number {
  const s = Array.from(values).sort((a, b) => a - b)
  if (s.length === 0) return 0
  const m = s.length >> 1
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m])
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0
}
