import type { Analysis } from '../schemas/index.js'
import { ONSET_LATENCY_FRAMES } from './analyze.js'
import { melBank, melSpectrogram, powerToDb } from './mel.js'
import { normalizeMax, onsetStrength, peakPick } from './onset.js'
import { powerSpectrogram } from './stft.js'

const N_FFT = 2048
const HOP = 512
const N_MELS = 128

/**
 * The analysis's onset envelope (median flux of the dB mel spectrogram, librosa's convention)
 * for any mono samples, normalised to 0..1: what `analyzeSong` computes, without the rest. Used to
 * line a video's own audio up against the song.
 */
export function onsetEnvelope(samples: Float32Array, sampleRate: number): { fps: number; values: Float64Array } {
  const spec = powerSpectrogram(samples, sampleRate, N_FFT, HOP)
  const melDb = powerToDb(melSpectrogram(spec, melBank(sampleRate, N_FFT, N_MELS)))
  const onset = onsetStrength(melDb, spec.frames, N_MELS, { aggregate: 'median', nFft: N_FFT, hop: HOP })
  return { fps: spec.fps, values: normalizeMax(onset) }
}

/**
 * Audio peaks for AV-Align: librosa `peak_pick` on the normalised onset envelope with
 * pre_max 1, post_max 1, pre_avg 4, post_avg 5, wait 1, delta 0.07 (frames at 43 fps; scaled when
 * the curve has another rate). Times in seconds, moved back by the envelope's latency like beats.
 */
export function onsetPeakTimes(analysis: Pick<Analysis, 'features'>): number[] {
  const { fps, values } = analysis.features.onset
  const k = fps / 43.066
  const r = (n: number) => Math.max(n === 0 ? 0 : 1, Math.round(n * k))
  const peaks = peakPick(values, { preMax: r(1), postMax: r(1), preAvg: r(4), postAvg: r(5), delta: 0.07, wait: r(1) })
  return peaks.map((i) => Math.max(0, (i - ONSET_LATENCY_FRAMES * k) / fps))
}
