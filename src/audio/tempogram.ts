import { RealFFT } from './fft.js'
import { hannPeriodic } from './stft.js'

/**
 * Autocorrelation tempogram sampled every `hop` frames (librosa computes one per frame; windows
 * 8 s long overlap so much that one per second gives the same average at 1/40 of the cost, and
 * the per-window rows are what the local tempo and pulse-clarity tracking need).
 */
export interface Tempogram {
  fps: number
  /** Frames between window centres. */
  hop: number
  windows: number
  /** Largest lag kept (frames). */
  maxLag: number
  /** Row-major [window][lag], autocorrelation normalised by lag 0 (librosa's, mean kept). */
  ac: Float64Array
  /** The same with each window's mean removed first: periodicity without the DC floor. */
  acCentered: Float64Array
  /** Centre frame of each window. */
  centers: Int32Array
  /** Mean onset strength in each window (silent windows have no pulse). */
  level: Float64Array
}

/** Slowest tempo considered; longer lags cost time and lose to the prior anyway. */
export const MIN_BPM = 30

export function tempogram(onset: Float64Array, fps: number, opts: { winSec?: number; hopSec?: number } = {}): Tempogram {
  const win = Math.round((opts.winSec ?? 8) * fps)
  const hop = Math.max(1, Math.round((opts.hopSec ?? 1) * fps))
  const n = onset.length
  const maxLag = Math.min(win - 1, Math.ceil((60 * fps) / MIN_BPM) * 2)
  const half = Math.floor(win / 2)
  // Centre the windows: pad with linear ramps down to zero (np.pad mode="linear_ramp").
  const padded = new Float64Array(n + 2 * half)
  for (let i = 0; i < half; i++) {
    padded[i] = n ? (onset[0] * i) / half : 0
    padded[n + 2 * half - 1 - i] = n ? (onset[n - 1] * i) / half : 0
  }
  padded.set(onset, half)
  const w = hannPeriodic(win)
  let size = 4
  while (size < win + maxLag + 1) size <<= 1
  const fft = new RealFFT(size)
  const seg = new Float64Array(size)
  const spec = new Float64Array(size)
  const re = new Float64Array(size / 2 + 1)
  const im = new Float64Array(size / 2 + 1)
  const windows = Math.max(1, Math.ceil(n / hop))
  const ac = new Float64Array(windows * (maxLag + 1))
  const acCentered = new Float64Array(windows * (maxLag + 1))
  const centers = new Int32Array(windows)
  const level = new Float64Array(windows)

  const acf = (out: Float64Array, row: number) => {
    fft.forward(seg, re, im)
    // The power spectrum is real and even, so a forward transform of it gives size · acf.
    for (let k = 0; k <= size / 2; k++) {
      const p = re[k] * re[k] + im[k] * im[k]
      spec[k] = p
      if (k > 0 && k < size / 2) spec[size - k] = p
    }
    fft.forward(spec, re, im)
    const ac0 = re[0]
    if (ac0 <= 1e-20) return
    for (let lag = 0; lag <= maxLag; lag++) out[row * (maxLag + 1) + lag] = re[lag] / ac0
  }
  for (let k = 0; k < windows; k++) {
    const c = Math.min(n - 1, k * hop)
    centers[k] = c
    let mean = 0
    for (let i = 0; i < win; i++) mean += padded[c + i]
    mean /= win
    level[k] = mean
    seg.fill(0)
    for (let i = 0; i < win; i++) seg[i] = padded[c + i] * w[i]
    acf(ac, k)
    seg.fill(0)
    for (let i = 0; i < win; i++) seg[i] = (padded[c + i] - mean) * w[i]
    acf(acCentered, k)
  }
  return { fps, hop, windows, maxLag, ac, acCentered, centers, level }
}

/** Linear interpolation of a row at a fractional lag. */
export function atLag(row: Float64Array, offset: number, maxLag: number, lag: number): number {
  if (!(lag >= 0) || lag > maxLag) return 0
  const i = Math.floor(lag)
  const f = lag - i
  const a = row[offset + i]
  const b = i + 1 <= maxLag ? row[offset + i + 1] : a
  return a + f * (b - a)
}
