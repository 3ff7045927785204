/**
 * Bar cues from the analysis's own spectral pass, for the bar phase of a model's beats: a model's
 * downbeat curve on unfamiliar music often marks beat 2, 3 or 4 as the one, while the music says
 * where the bar starts in ways the DSP tracker already reads (src/audio/downbeats.ts): bass and
 * kick notes start the bar (low-band onsets) and chords change on it (chroma change at the beat).
 * Each cue per beat is relative to the song's mean (0 = an average beat), so they add without
 * units, and what the bar HMM adds to its downbeat log-odds is their weighted sum.
 */
import type { FrameMatrix } from '../features.js'
import { cosineDistance, windowMax } from '../vectors.js'
import { onsetStrength, ONSET_LATENCY_FRAMES } from '../onset.js'
import type { SpectralPass } from '../streams/index.js'

export interface AnalysisCues {
  /** Frames per second of the analysis grid. */
  fps: number
  /** Low-band (< 200 Hz) onset strength per frame (librosa's onset convention: lags by ONSET_LATENCY_FRAMES). */
  lowOnset: Float64Array
  /** Chroma per frame (12 pitch classes). */
  chroma: FrameMatrix
}

/** The cues from the analysis's spectral pass and its dB mel spectrogram. */
export function analysisCues(pass: Pick<SpectralPass, 'bank' | 'frames' | 'fps' | 'nFft' | 'hop' | 'chroma'>, melDb: Float32Array): AnalysisCues {
  const nMels = pass.bank.centers.length
  let low = 0
  while (low < nMels && pass.bank.centers[low] < 200) low++
  const lowOnset = onsetStrength(melDb, pass.frames, nMels, { aggregate: 'mean', bandHi: Math.max(1, low), nFft: pass.nFft, hop: pass.hop })
  return { fps: pass.fps, lowOnset, chroma: pass.chroma }
}

export interface BeatCues {
  /** Low-band onset at each beat, relative to the song's mean beat (0 = average). */
  low: number[]
  /** Chroma change into each beat from the beat before, relative likewise. */
  change: number[]
}

/** Each beat's cues; `beats` in seconds. A beatless gap before a beat makes its change unknown (set to the mean). */
export function beatCues(beats: number[], cues: AnalysisCues, gapBefore?: boolean[]): BeatCues {
  const n = beats.length
  if (n === 0) return { low: [], change: [] }
  const f = beats.map((t) => t * cues.fps + ONSET_LATENCY_FRAMES)
  const low = f.map((x) => windowMax(cues.lowOnset, Math.round(x) - 2, Math.round(x) + 2))
  const chroma = beats.map((_, i) => {
    const a = Math.max(0, Math.round(f[i]))
    const b = i + 1 < n ? Math.round(f[i + 1]) : Math.round(f[i] + (n > 1 ? (f[n - 1] - f[0]) / (n - 1) : cues.fps / 2))
    const v = new Float64Array(12)
    const { data, frames } = cues.chroma
    for (let t = a; t < Math.min(frames, b); t++) for (let c = 0; c < 12; c++) v[c] += data[t * 12 + c]
    return v
  })
  const change = chroma.map((v, i) => (i > 0 && !gapBefore?.[i] ? cosineDistance(chroma[i - 1], v) : NaN))
  const known = change.filter((x) => !Number.isNaN(x))
  const meanChange = known.length ? known.reduce((s, x) => s + x, 0) / known.length : 0
  return { low: relative(low), change: relative(change.map((x) => (Number.isNaN(x) ? meanChange : x))) }
}

function relative(x: number[]): number[] {
  const m = x.reduce((a, b) => a + b, 0) / Math.max(1, x.length)
  return x.map((v) => (m > 1e-12 ? v / m - 1 : 0))
}
