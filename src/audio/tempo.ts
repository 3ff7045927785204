import { RealFFT } from './fft.js'
import { hannPeriodic } from './stft.js'

export interface TempoEstimate {
  /** The tempogram's best tempo (quantised to a whole lag, as librosa reports it). */
  bpm: number
  /** How much the winning lag stands out from the rest of the averaged tempogram, 0..1. */
  confidence: number
}

/** Slowest tempo considered; longer lags cost time and lose to the prior anyway. */
const MIN_BPM = 30

/**
 * librosa `beat.tempo` defaults: autocorrelation tempogram over 8 s windows, averaged over time,
 * log-normal prior around 120 BPM (σ = 1 octave), tempos ≥ 320 BPM excluded.
 */
export function estimateTempo(onset: Float64Array, fps: number, opts: { startBpm?: number; stdBpm?: number; maxBpm?: number } = {}): TempoEstimate {
  const startBpm = opts.startBpm ?? 120
  const stdBpm = opts.stdBpm ?? 1
  const maxBpm = opts.maxBpm ?? 320
  const win = Math.round(8 * fps) // time_to_frames(8.0): 344 frames at 22050/512
  const n = onset.length
  const maxLag = Math.min(win - 1, Math.ceil((60 * fps) / MIN_BPM))
  const half = Math.floor(win / 2)
  // Centre the windows: pad with linear ramps down to zero (np.pad mode="linear_ramp").
  const padded = new Float64Array(n + 2 * half)
  for (let i = 0; i < half; i++) {
    padded[i] = n ? (onset[0] * i) / half : 0
    padded[n + 2 * half - 1 - i] = n ? (onset[n - 1] * i) / half : 0
  }
  padded.set(onset, half)
  const w = hannPeriodic(win)
  // Linear autocorrelation by FFT: zero-pad to ≥ win + maxLag so lags ≤ maxLag do not wrap.
  let size = 4
  while (size < win + maxLag + 1) size <<= 1
  const fft = new RealFFT(size)
  const seg = new Float64Array(size)
  const spec = new Float64Array(size)
  const re = new Float64Array(size / 2 + 1)
  const im = new Float64Array(size / 2 + 1)
  const tg = new Float64Array(maxLag + 1)
  let counted = 0
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < win; i++) seg[i] = padded[t + i] * w[i]
    counted++
    fft.forward(seg, re, im)
    // The power spectrum is real and even, so a forward transform of it gives size · acf.
    for (let k = 0; k <= size / 2; k++) {
      const p = re[k] * re[k] + im[k] * im[k]
      spec[k] = p
      if (k > 0 && k < size / 2) spec[size - k] = p
    }
    fft.forward(spec, re, im)
    const ac0 = re[0]
    if (ac0 <= 1e-20) continue
    for (let lag = 1; lag <= maxLag; lag++) tg[lag] += re[lag] / ac0
  }
  if (counted === 0) return { bpm: startBpm, confidence: 0 }
  for (let lag = 1; lag <= maxLag; lag++) tg[lag] /= counted
  let best = -1
  let bestScore = -Infinity
  for (let lag = 1; lag <= maxLag; lag++) {
    const bpm = (60 * fps) / lag
    if (bpm >= maxBpm) continue
    const prior = -0.5 * ((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm) ** 2
    const score = Math.log1p(1e6 * Math.max(0, tg[lag])) + prior
    if (score > bestScore) {
      bestScore = score
      best = lag
    }
  }
  if (best < 0 || tg[best] <= 0) return { bpm: startBpm, confidence: 0 }
  const vals: number[] = []
  for (let lag = Math.ceil((60 * fps) / maxBpm); lag <= maxLag; lag++) vals.push(Math.max(0, tg[lag]))
  vals.sort((a, b) => a - b)
  const med = vals[vals.length >> 1] ?? 0
  const confidence = Math.max(0, Math.min(1, (tg[best] - med) / (tg[best] + 1e-12)))
  return { bpm: (60 * fps) / best, confidence }
}
