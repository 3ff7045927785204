import { forEachStftFrame } from '../stft.js'
import { melBank, type MelBank } from '../mel.js'
import { chromaBins, type FrameMatrix } from '../features.js'
import { HPSS_KERNEL, StreamingHpss } from './hpss.js'

/** Everything the analysis reads from the spectrum, gathered in one streaming STFT pass. */
export interface SpectralPass {
  frames: number
  /** Analysis frames per second (sampleRate / hop). */
  fps: number
  nFft: number
  hop: number
  sampleRate: number
  bank: MelBank
  /** Mel power of the mix, frame-major `[t * nMels + m]`. */
  mel: Float32Array
  /** Mel power of the HPSS harmonic and percussive parts (soft masks applied to the STFT magnitude). */
  harmonicMel: Float32Array
  percussiveMel: Float32Array
  /** 12-bin chroma, each frame scaled to max 1. */
  chroma: FrameMatrix
  /** Spectral centroid (Hz) of the mix, 0 on silent frames. */
  centroid: Float64Array
  /** Full-band STFT energy of the harmonic and percussive parts per frame (Σ |masked X|²). */
  harmonicEnergy: Float64Array
  percussiveEnergy: Float64Array
}

/**
 * One pass over the STFT, frame by frame: mel, chroma and centroid of the mix, and
 * median-filter HPSS on the full-resolution magnitude (projected to mel afterwards). Only the
 * per-frame reductions are kept (3 × nMels + 16 floats per frame), never the 1025-bin spectrogram.
 */
export function spectralPass(
  samples: Float32Array,
  sampleRate: number,
  opts: { nFft?: number; hop?: number; nMels?: number; hpssKernel?: number } = {},
): SpectralPass {
  const steps = spectralPassSteps(samples, sampleRate, opts)
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value
}

/** Frames per piece of `spectralPassSteps`: about 24 s of audio at the analysis rate. */
const FRAMES_PER_STEP = 1024

/** `spectralPass` in pieces: yields between pieces of the song so a caller can stay responsive. */
export function* spectralPassSteps(
  samples: Float32Array,
  sampleRate: number,
  opts: { nFft?: number; hop?: number; nMels?: number; hpssKernel?: number } = {},
): Generator<void, SpectralPass> {
  const nFft = opts.nFft ?? 2048
  const hop = opts.hop ?? 512
  const nMels = opts.nMels ?? 128
  const bins = nFft / 2 + 1
  const frames = 1 + Math.floor(samples.length / hop)
  const bank = melBank(sampleRate, nFft, nMels)
  const mel = new Float32Array(frames * nMels)
  const harmonicMel = new Float32Array(frames * nMels)
  const percussiveMel = new Float32Array(frames * nMels)
  const chroma = new Float32Array(frames * 12)
  const centroid = new Float64Array(frames)
  const harmonicEnergy = new Float64Array(frames)
  const percussiveEnergy = new Float64Array(frames)
  const pc = chromaBins(sampleRate, nFft)
  const hz = new Float64Array(bins)
  for (let k = 0; k < bins; k++) hz[k] = (k * sampleRate) / nFft
  const mag = new Float64Array(bins)
  const hPow = new Float64Array(bins)
  const pPow = new Float64Array(bins)
  const hpss = new StreamingHpss(bins, opts.hpssKernel ?? HPSS_KERNEL)

  const project = (power: ArrayLike<number>, out: Float32Array, t: number) => {
    const o = t * nMels
    for (let m = 0; m < nMels; m++) {
      const w = bank.weights[m]
      const s = bank.start[m]
      let acc = 0
      for (let i = 0; i < w.length; i++) acc += w[i] * power[s + i]
      out[o + m] = acc
    }
  }
  const emit = (t: number, m: Float32Array, maskH: Float64Array) => {
    let eh = 0
    let ep = 0
    for (let k = 0; k < bins; k++) {
      const h = m[k] * maskH[k]
      const p = m[k] - h
      hPow[k] = h * h
      pPow[k] = p * p
      eh += hPow[k]
      ep += pPow[k]
    }
    harmonicEnergy[t] = eh
    percussiveEnergy[t] = ep
    project(hPow, harmonicMel, t)
    project(pPow, percussiveMel, t)
  }

  const onFrame = (t: number, power: Float64Array) => {
    project(power, mel, t)
    let num = 0
    let den = 0
    const co = t * 12
    for (let k = 0; k < bins; k++) {
      const a = Math.sqrt(power[k])
      mag[k] = a
      num += a * hz[k]
      den += a
      const c = pc[k]
      if (c >= 0) chroma[co + c] += a
    }
    centroid[t] = den > 1e-9 ? num / den : 0
    let mx = 0
    for (let c = 0; c < 12; c++) mx = Math.max(mx, chroma[co + c])
    if (mx > 0) for (let c = 0; c < 12; c++) chroma[co + c] /= mx
    hpss.push(power, emit)
  }
  for (let from = 0; from < frames; from += FRAMES_PER_STEP) {
    forEachStftFrame(samples, nFft, hop, onFrame, { from, to: from + FRAMES_PER_STEP })
    yield
  }
  hpss.flush(emit)
  return {
    frames,
    fps: sampleRate / hop,
    nFft,
    hop,
    sampleRate,
    bank,
    mel,
    harmonicMel,
    percussiveMel,
    chroma: { data: chroma, frames, dims: 12 },
    centroid,
    harmonicEnergy,
    percussiveEnergy,
  }
}
