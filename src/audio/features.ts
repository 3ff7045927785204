import type { Spectrogram } from './stft.js'

/** Frame-major matrix helper: `data[t * dims + d]`. */
export interface FrameMatrix {
  data: Float32Array
  frames: number
  dims: number
}

/** Pitch class (0 = C) of each STFT bin between 55 Hz and 5 kHz, −1 outside that range. */
export function chromaBins(sampleRate: number, nFft: number): Int8Array {
  const bins = nFft / 2 + 1
  const pc = new Int8Array(bins).fill(-1)
  for (let k = 1; k < bins; k++) {
    const f = (k * sampleRate) / nFft
    if (f < 55 || f > 5000) continue
    const midi = 69 + 12 * Math.log2(f / 440)
    pc[k] = ((Math.round(midi) % 12) + 12) % 12
  }
  return pc
}

/**
 * 12-bin chroma from a stored power spectrogram (magnitude summed per pitch class, 55 Hz–5 kHz).
 * The analysis computes the same thing frame by frame in `streams/spectralPass.ts`.
 */
export function chromagram(spec: Spectrogram): FrameMatrix {
  const pc = chromaBins(spec.sampleRate, spec.nFft)
  const data = new Float32Array(spec.frames * 12)
  for (let t = 0; t < spec.frames; t++) {
    const o = t * spec.bins
    let max = 0
    for (let k = 1; k < spec.bins; k++) {
      const c = pc[k]
      if (c >= 0) data[t * 12 + c] += Math.sqrt(spec.power[o + k])
    }
    for (let c = 0; c < 12; c++) max = Math.max(max, data[t * 12 + c])
    if (max > 0) for (let c = 0; c < 12; c++) data[t * 12 + c] /= max
  }
  return { data, frames: spec.frames, dims: 12 }
}

/** Spectral centroid in Hz per frame (0 for silent frames). */
export function spectralCentroid(spec: Spectrogram): Float64Array {
  const out = new Float64Array(spec.frames)
  for (let t = 0; t < spec.frames; t++) {
    const o = t * spec.bins
    let num = 0
    let den = 0
    for (let k = 0; k < spec.bins; k++) {
      const m = Math.sqrt(spec.power[o + k])
      num += m * ((k * spec.sampleRate) / spec.nFft)
      den += m
    }
    out[t] = den > 1e-9 ? num / den : 0
  }
  return out
}

/** Centred moving average over `width` frames. */
export function movingAverage(x: ArrayLike<number>, width: number): Float64Array {
  const n = x.length
  const out = new Float64Array(n)
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i]
  const h = width >> 1
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - h)
    const b = Math.min(n, i + h + 1)
    out[i] = (prefix[b] - prefix[a]) / (b - a)
  }
  return out
}

/**
 * Harmonic colour as a hue: the chroma vector's circular mean on the circle of fifths (C = 0°,
 * G = 30°, …), so related keys get neighbouring hues. Chroma is smoothed over ~1 s first; frames
 * without clear harmony keep the previous hue.
 */
export function chromaHue(chroma: FrameMatrix, fps: number): Float64Array {
  const width = Math.max(1, Math.round(fps))
  const smoothed: Float64Array[] = []
  for (let c = 0; c < 12; c++) {
    const col = new Float64Array(chroma.frames)
    for (let t = 0; t < chroma.frames; t++) col[t] = chroma.data[t * 12 + c]
    smoothed.push(movingAverage(col, width))
  }
  const out = new Float64Array(chroma.frames)
  let prev = 0
  for (let t = 0; t < chroma.frames; t++) {
    let x = 0
    let y = 0
    let total = 0
    for (let c = 0; c < 12; c++) {
      const ang = (((c * 7) % 12) * Math.PI) / 6
      const w = smoothed[c][t]
      x += w * Math.cos(ang)
      y += w * Math.sin(ang)
      total += w
    }
    if (total > 1e-6 && Math.hypot(x, y) > 0.02 * total) prev = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360
    out[t] = prev
  }
  return out
}

/** q-quantile (0..1) by sorting a copy. */
export function percentile(x: ArrayLike<number>, q: number): number {
  if (x.length === 0) return 0
  const s = Float64Array.from(x as ArrayLike<number>).sort()
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]
}

/** Robust 0..1 scaling between two percentiles, clamped. */
export function scaleRobust(x: ArrayLike<number>, qLo = 0.02, qHi = 0.98): Float64Array {
  const lo = percentile(x, qLo)
  const hi = percentile(x, qHi)
  const out = new Float64Array(x.length)
  const span = hi - lo
  for (let i = 0; i < x.length; i++) out[i] = span > 1e-12 ? Math.max(0, Math.min(1, (x[i] - lo) / span)) : 0
  return out
}

/** MFCC-like timbre: DCT-II of the dB mel spectrogram, coefficients 1..count (0 = loudness, dropped). */
export function timbreCoefficients(melDb: Float32Array, frames: number, nMels: number, count = 12): FrameMatrix {
  const basis = new Float64Array(count * nMels)
  for (let c = 0; c < count; c++)
    for (let m = 0; m < nMels; m++) basis[c * nMels + m] = Math.cos((Math.PI * (c + 1) * (m + 0.5)) / nMels) * Math.sqrt(2 / nMels)
  const data = new Float32Array(frames * count)
  for (let t = 0; t < frames; t++) {
    const o = t * nMels
    for (let c = 0; c < count; c++) {
      let s = 0
      for (let m = 0; m < nMels; m++) s += basis[c * nMels + m] * melDb[o + m]
      data[t * count + c] = s
    }
  }
  return { data, frames, dims: count }
}
