import { RealFFT } from './fft.js'

/** Power spectrogram, frame-major: `power[t * bins + k]`. */
export interface Spectrogram {
  power: Float32Array
  frames: number
  bins: number
  nFft: number
  hop: number
  sampleRate: number
  /** Frames per second (sampleRate / hop). */
  fps: number
}

/** Periodic Hann window (librosa/scipy `fftbins=True`). */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
  return w
}

/** Frames a centred STFT has for `length` samples (zero padding of nFft/2 on both sides). */
export function frameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop)
}

/** |STFT|² with a periodic Hann window, centred frames, zero padding (librosa defaults). */
export function powerSpectrogram(samples: Float32Array, sampleRate: number, nFft = 2048, hop = 512): Spectrogram {
  const frames = frameCount(samples.length, hop)
  const bins = nFft / 2 + 1
  const power = new Float32Array(frames * bins)
  const fft = new RealFFT(nFft)
  const win = hannPeriodic(nFft)
  const frame = new Float64Array(nFft)
  const re = new Float64Array(bins)
  const im = new Float64Array(bins)
  const pad = nFft / 2
  for (let t = 0; t < frames; t++) {
    const start = t * hop - pad
    for (let i = 0; i < nFft; i++) {
      const j = start + i
      frame[i] = j >= 0 && j < samples.length ? samples[j] * win[i] : 0
    }
    fft.forward(frame, re, im)
    const o = t * bins
    for (let k = 0; k < bins; k++) power[o + k] = re[k] * re[k] + im[k] * im[k]
  }
  return { power, frames, bins, nFft, hop, sampleRate, fps: sampleRate / hop }
}

/**
 * Centred STFT (periodic Hann, zero padding) computed one frame at a time: `onFrame(t, power)`
 * gets |X|² of bins 0..nFft/2 in a buffer reused for the next frame, so nothing of size
 * frames × bins is ever held (a one-hour song would need ~640 MB for its full spectrogram).
 */
export function forEachStftFrame(
  samples: Float32Array,
  nFft: number,
  hop: number,
  onFrame: (t: number, power: Float64Array) => void,
  /** Only frames [from, to): a long song in pieces, with the same frames as in one go. */
  range: { from: number; to: number } = { from: 0, to: Infinity },
): number {
  const frames = frameCount(samples.length, hop)
  const bins = nFft / 2 + 1
  const fft = new RealFFT(nFft)
  const win = hannPeriodic(nFft)
  const frame = new Float64Array(nFft)
  const re = new Float64Array(bins)
  const im = new Float64Array(bins)
  const power = new Float64Array(bins)
  const pad = nFft / 2
  const n = samples.length
  for (let t = Math.max(0, range.from); t < Math.min(frames, range.to); t++) {
    const start = t * hop - pad
    if (start >= 0 && start + nFft <= n) {
      for (let i = 0; i < nFft; i++) frame[i] = samples[start + i] * win[i]
    } else {
      for (let i = 0; i < nFft; i++) {
        const j = start + i
        frame[i] = j >= 0 && j < n ? samples[j] * win[i] : 0
      }
    }
    fft.forward(frame, re, im)
    for (let k = 0; k < bins; k++) power[k] = re[k] * re[k] + im[k] * im[k]
    onFrame(t, power)
  }
  return frames
}

/** Root-mean-square per centred frame, computed in the time domain with a running sum. */
export function frameRms(samples: Float32Array, frames: number, frameLength = 2048, hop = 512): Float64Array {
  const out = new Float64Array(frames)
  const n = samples.length
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + samples[i] * samples[i]
  const half = frameLength / 2
  for (let t = 0; t < frames; t++) {
    const a = Math.max(0, t * hop - half)
    const b = Math.min(n, t * hop + half)
    out[t] = b > a ? Math.sqrt(Math.max(0, prefix[b] - prefix[a]) / frameLength) : 0
  }
  return out
}
