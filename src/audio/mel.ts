import type { Spectrogram } from './stft.js'

/** Slaney mel scale (librosa `htk=False`): linear below 1 kHz, logarithmic above. */
export function hzToMel(hz: number): number {
  const fSp = 200 / 3
  const minLogHz = 1000
  const minLogMel = minLogHz / fSp
  const logstep = Math.log(6.4) / 27
  return hz >= minLogHz ? minLogMel + Math.log(hz / minLogHz) / logstep : hz / fSp
}

export function melToHz(mel: number): number {
  const fSp = 200 / 3
  const minLogHz = 1000
  const minLogMel = minLogHz / fSp
  const logstep = Math.log(6.4) / 27
  return mel >= minLogMel ? minLogHz * Math.exp(logstep * (mel - minLogMel)) : fSp * mel
}

/** Sparse triangular filters: band m covers bins [start[m], start[m] + weights[m].length). */
export interface MelBank {
  nMels: number
  start: Int32Array
  weights: Float64Array[]
  /** Centre frequency of each band in Hz. */
  centers: Float64Array
}

/** librosa `filters.mel` with Slaney area normalisation. */
export function melBank(sampleRate: number, nFft: number, nMels = 128, fmin = 0, fmax = sampleRate / 2): MelBank {
  const bins = nFft / 2 + 1
  const melPts = new Float64Array(nMels + 2)
  const lo = hzToMel(fmin)
  const hi = hzToMel(fmax)
  for (let i = 0; i < nMels + 2; i++) melPts[i] = melToHz(lo + ((hi - lo) * i) / (nMels + 1))
  const start = new Int32Array(nMels)
  const weights: Float64Array[] = []
  const centers = new Float64Array(nMels)
  for (let m = 0; m < nMels; m++) {
    const f0 = melPts[m]
    const f1 = melPts[m + 1]
    const f2 = melPts[m + 2]
    const enorm = 2 / (f2 - f0)
    const w: number[] = []
    let first = -1
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / nFft
      const v = Math.max(0, Math.min((f - f0) / (f1 - f0), (f2 - f) / (f2 - f1)))
      if (v > 0) {
        if (first < 0) first = k
        // Fill any gap so the band stays one contiguous run.
        while (first + w.length < k) w.push(0)
        w.push(v * enorm)
      }
    }
    start[m] = first < 0 ? 0 : first
    weights.push(Float64Array.from(w))
    centers[m] = f1
  }
  return { nMels, start, weights, centers }
}

/** Mel power spectrogram, frame-major `[t * nMels + m]`. */
export function melSpectrogram(spec: Spectrogram, bank: MelBank): Float32Array {
  const out = new Float32Array(spec.frames * bank.nMels)
  for (let t = 0; t < spec.frames; t++) {
    const o = t * spec.bins
    for (let m = 0; m < bank.nMels; m++) {
      const w = bank.weights[m]
      const s = bank.start[m]
      let acc = 0
      for (let i = 0; i < w.length; i++) acc += w[i] * spec.power[o + s + i]
      out[t * bank.nMels + m] = acc
    }
  }
  return out
}

/** librosa `power_to_db(S, ref=1.0, amin=1e-10, top_db=80)`. */
export function powerToDb(power: Float32Array, topDb = 80): Float32Array {
  return powerToDbInPlace(power.slice(), topDb)
}

/** `powerToDb` written over its input (the same numbers, no second array); returns it. */
export function powerToDbInPlace(power: Float32Array, topDb = 80): Float32Array {
  let max = -Infinity
  for (let i = 0; i < power.length; i++) {
    const v = 10 * Math.log10(Math.max(1e-10, power[i]))
    power[i] = v
    if (v > max) max = v
  }
  const floor = max - topDb
  for (let i = 0; i < power.length; i++) if (power[i] < floor) power[i] = floor
  return power
}
