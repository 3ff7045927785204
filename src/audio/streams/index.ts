import { onsetStrengthOfPower, normalizeMax } from '../onset.js'
import type { SpectralPass } from './spectralPass.js'
import { repetSimForeground, type RepetSimOptions } from './repetSim.js'
import { vocalActivity } from './vocal.js'

export { spectralPass, spectralPassSteps, type SpectralPass } from './spectralPass.js'
export { StreamingHpss, HPSS_KERNEL } from './hpss.js'
export { repetSimForeground, type RepetSimOptions } from './repetSim.js'
export { vocalActivity, type VocalActivityOptions } from './vocal.js'

/** The three control streams at the analysis hop rate, each 0..1. */
export interface StreamCurves {
  /** Onset strength of the percussive part (drives hits). */
  percussive: Float64Array
  /** Loudness (root of the energy) of the harmonic part. */
  harmonic: Float64Array
  /** Vocal activity. */
  vocal: Float64Array
  method: 'dsp' | 'onnx'
  detail: string
}

/** The band a singing voice's energy lies in (fundamental to upper formants and sibilance). */
export const VOCAL_BAND_HZ: [number, number] = [80, 8000]

export const DSP_STREAMS_DETAIL = 'hpss+repet-sim'

/** Percussive and harmonic curves from the HPSS parts of a spectral pass. */
export function hpssCurves(pass: SpectralPass): { percussive: Float64Array; harmonic: Float64Array } {
  const { frames, bank } = pass
  const nMels = bank.nMels
  const percOnset = onsetStrengthOfPower(pass.percussiveMel, frames, nMels, { aggregate: 'mean', nFft: pass.nFft, hop: pass.hop })
  const harmonic = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    let acc = 0
    for (let m = 0; m < nMels; m++) acc += pass.harmonicMel[t * nMels + m]
    harmonic[t] = Math.sqrt(acc)
  }
  return { percussive: normalizeMax(percOnset), harmonic: normalizeMax(harmonic) }
}

/** Weight-free streams: HPSS for percussive/harmonic, REPET-SIM on the harmonic part for the voice. */
export function dspStreams(pass: SpectralPass, rms: ArrayLike<number>, opts: RepetSimOptions = {}): StreamCurves {
  const { frames, bank } = pass
  const nMels = bank.nMels
  const [fLo, fHi] = opts.bandHz ?? VOCAL_BAND_HZ
  const fg = repetSimForeground(pass.harmonicMel, frames, bank, pass.fps, { ...opts, bandHz: [fLo, fHi] })
  // The mix's energy in the same band: a kick drum's sub-bass should not hide a voice.
  const mixEnergy = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    let acc = 0
    for (let m = 0; m < nMels; m++) if (bank.centers[m] >= fLo && bank.centers[m] <= fHi) acc += pass.mel[t * nMels + m]
    mixEnergy[t] = acc
  }
  return { ...hpssCurves(pass), vocal: vocalActivity(fg, mixEnergy, rms, pass.fps), method: 'dsp', detail: DSP_STREAMS_DETAIL }
}

/** Curves from a separation model (percussive absent when it has no drums stem). */
export interface SeparatedCurves {
  vocal: Float64Array
  harmonic: Float64Array
  percussive?: Float64Array
  /** The model's folder name. */
  detail: string
}

/** The streams of the analysis: the model's when given (HPSS hits fill in a missing drums stem), else DSP. */
export function streamCurves(pass: SpectralPass, rms: ArrayLike<number>, separated?: SeparatedCurves): StreamCurves {
  if (!separated) return dspStreams(pass, rms)
  const fit = (x: Float64Array) => {
    const out = new Float64Array(pass.frames)
    out.set(x.subarray(0, pass.frames))
    return out
  }
  return {
    vocal: fit(separated.vocal),
    harmonic: fit(separated.harmonic),
    percussive: separated.percussive ? fit(separated.percussive) : hpssCurves(pass).percussive,
    method: 'onnx',
    detail: separated.detail,
  }
}
