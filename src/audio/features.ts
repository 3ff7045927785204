import type { Spectrogram } from './stft.js'
import type { MelBank } from './mel.js'

/** Frame-major matrix helper: `data[t * dims + d]`. */
export interface FrameMatrix {
  data: Float32Array
  frames: number
  dims: number
}

/** 12-bin chroma from the power spectrogram (magnitude summed per pitch class, 55 Hz–5 kHz). */
export function chromagram(spec: Spectrogram): FrameMatrix {
  const pc = new Int8Array(spec.bins).fill(-1)
  for (let k = 1; k < spec.bins; k++) {
    const f = (k * spec.sampleRate) / spec.nFft
    if (f < 55 || f > 5000) continue
    const midi = 69 + 12 * Math.log2(f / 440)
    pc[k] = ((Math.round(midi) % 12) + 12) % 12
  }
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

/**
 * Fitzgerald HPSS by median filtering, run on the mel magnitude spectrogram (128 bands) rather
 * than the 1025-bin STFT: the same separation for our purposes at a fraction of the cost.
 * Returns soft-masked harmonic and percussive mel power.
 */
export function hpssMel(melPower: Float32Array, frames: number, nMels: number, timeKernel = 17, freqKernel = 17): { harmonic: Float32Array; percussive: Float32Array } {
  const mag = new Float32Array(melPower.length)
  for (let i = 0; i < mag.length; i++) mag[i] = Math.sqrt(melPower[i])
  const H = new Float32Array(mag.length)
  const P = new Float32Array(mag.length)
  // Harmonic: median along time in each band; percussive: median along bands in each frame.
  slidingMedian(mag, nMels, 1, frames, timeKernel, H)
  slidingMedian(mag, 1, nMels, nMels, freqKernel, P, frames)
  const harmonic = new Float32Array(mag.length)
  const percussive = new Float32Array(mag.length)
  for (let i = 0; i < mag.length; i++) {
    const h2 = H[i] * H[i]
    const p2 = P[i] * P[i]
    const den = h2 + p2
    const mh = den > 0 ? h2 / den : 0.5
    harmonic[i] = melPower[i] * mh * mh
    percussive[i] = melPower[i] * (1 - mh) * (1 - mh)
  }
  return { harmonic, percussive }
}

/**
 * Centred running median (zero padded) along `len` elements spaced `stride` apart, for each of
 * `lanes` lanes starting `laneStep` apart; keeps a sorted window so each step costs O(kernel).
 */
function slidingMedian(x: Float32Array, stride: number, laneStep: number, len: number, kernel: number, out: Float32Array, lanes = stride): void {
  const h = kernel >> 1
  const win = new Float64Array(kernel)
  const at = (base: number, i: number) => (i >= 0 && i < len ? x[base + i * stride] : 0)
  for (let lane = 0; lane < lanes; lane++) {
    const base = lane * laneStep
    for (let j = 0; j < kernel; j++) win[j] = at(base, j - h)
    win.sort()
    for (let i = 0; i < len; i++) {
      out[base + i * stride] = win[h]
      if (i + 1 === len) break
      // Slide: drop x[i - h], add x[i + h + 1].
      const drop = at(base, i - h)
      const add = at(base, i + h + 1)
      let k = 0
      while (k < kernel - 1 && win[k] !== drop) k++
      while (k > 0 && win[k - 1] > add) {
        win[k] = win[k - 1]
        k--
      }
      while (k < kernel - 1 && win[k + 1] < add) {
        win[k] = win[k + 1]
        k++
      }
      win[k] = add
    }
  }
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

/**
 * Crude, weight-free vocal activity, 0..1: how much the harmonic part of the 200 Hz–3.5 kHz band
 * moves from frame to frame (sung lines change pitch and carry vibrato; pads and chords hold
 * still), smoothed over ~0.4 s and gated by loudness. It cannot tell a voice from a lead synth;
 * a separation model should replace it.
 */
export function vocalActivity(harmonicMel: Float32Array, frames: number, bank: MelBank, rms: Float64Array, fps: number): Float64Array {
  const nMels = bank.nMels
  let lo = 0
  while (lo < nMels && bank.centers[lo] < 200) lo++
  let hi = lo
  while (hi < nMels && bank.centers[hi] < 3500) hi++
  const raw = new Float64Array(frames)
  const db = (v: number) => 10 * Math.log10(v + 1e-10)
  for (let t = 1; t < frames; t++) {
    let s = 0
    let e = 0
    for (let m = lo; m < hi; m++) {
      const a = harmonicMel[t * nMels + m]
      const b = harmonicMel[(t - 1) * nMels + m]
      s += Math.abs(db(a) - db(b)) * Math.sqrt(a)
      e += Math.sqrt(a)
    }
    raw[t] = e > 0 ? s / e : 0
  }
  const sm = movingAverage(raw, Math.max(1, Math.round(0.4 * fps)))
  const ref = percentile(sm, 0.98)
  let rmsMax = 0
  for (let i = 0; i < rms.length; i++) rmsMax = Math.max(rmsMax, rms[i])
  const out = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    const gate = rmsMax > 0 ? Math.min(1, rms[t] / (0.1 * rmsMax)) : 0
    out[t] = ref > 0 ? Math.min(1, sm[t] / ref) * gate : 0
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
