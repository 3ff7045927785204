import { melBank, type MelBank } from '../mel.js'
import { forEachStftFrame, frameCount } from '../stft.js'

/**
 * The learned beat model's input: a log-compressed mel spectrogram of the STFT magnitude at
 * 50 frames per second. The same function computes it for the training dump
 * (tools/beatnet/dump.ts) and at run time, so the network sees exactly the features it was
 * trained on.
 *
 * Why these numbers: 22050 Hz is the rate the analysis decodes at already (no second decode);
 * hop 441 gives exactly 50 fps (the frame rate of Beat This!; 100 fps would double the network's
 * cost for a resolution the ±70 ms evaluation window does not need); a 1024-point window is
 * 46 ms, madmom's onset window; 64 mel bands from 30 Hz to 11 kHz, magnitude (not power) mel
 * and log1p(1000·x) follow Beat This!'s front end at a quarter of its band count.
 */
export interface FeatureParams {
  sampleRate: number
  nFft: number
  hop: number
  bands: number
  fmin: number
  fmax: number
  /** x → log1p(logScale · x) on the mel magnitude. */
  logScale: number
}

export const FEATURE_PARAMS: Readonly<FeatureParams> = Object.freeze({
  sampleRate: 22050,
  nFft: 1024,
  hop: 441,
  bands: 64,
  fmin: 30,
  fmax: 11000,
  logScale: 1000,
})

export function featureFps(p: FeatureParams = FEATURE_PARAMS): number {
  return p.sampleRate / p.hop
}

/** Frames of the features for `samples` samples (centred frames: frame i is at i·hop). */
export function featureFrames(samples: number, p: FeatureParams = FEATURE_PARAMS): number {
  return frameCount(samples, p.hop)
}

const banks = new Map<string, MelBank>()

function bankFor(p: FeatureParams): MelBank {
  const key = `${p.sampleRate}:${p.nFft}:${p.bands}:${p.fmin}:${p.fmax}`
  let b = banks.get(key)
  if (!b) banks.set(key, (b = melBank(p.sampleRate, p.nFft, p.bands, p.fmin, p.fmax)))
  return b
}

/**
 * Log-mel frames [from, to) of `samples` (at p.sampleRate), frame-major `[t * bands + b]`.
 * Frames are the same whether computed in one go or in ranges (the STFT zero-pads only at the
 * song's ends), so a long song can be processed in pieces.
 */
export function logMelFeatures(
  samples: Float32Array,
  range: { from: number; to: number } = { from: 0, to: Infinity },
  p: FeatureParams = FEATURE_PARAMS,
): Float32Array {
  const total = featureFrames(samples.length, p)
  const from = Math.max(0, range.from)
  const to = Math.min(total, range.to)
  const bank = bankFor(p)
  const B = p.bands
  const out = new Float32Array(Math.max(0, to - from) * B)
  const mag = new Float64Array(p.nFft / 2 + 1)
  forEachStftFrame(
    samples,
    p.nFft,
    p.hop,
    (t, power) => {
      for (let k = 0; k < power.length; k++) mag[k] = Math.sqrt(power[k])
      const o = (t - from) * B
      for (let m = 0; m < B; m++) {
        const w = bank.weights[m]
        const s = bank.start[m]
        let acc = 0
        for (let i = 0; i < w.length; i++) acc += w[i] * mag[s + i]
        out[o + m] = Math.log1p(p.logScale * acc)
      }
    },
    { from, to },
  )
  return out
}
