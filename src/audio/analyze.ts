import { sha256File } from '../util/files.js'
import type { Analysis } from '../schemas/index.js'
import { decodeAudioMono } from '../ffmpeg/index.js'
import { powerSpectrogram, frameRms } from './stft.js'
import { melBank, melSpectrogram, powerToDb } from './mel.js'
import { onsetStrength, normalizeMax } from './onset.js'
import { estimateTempo } from './tempo.js'
import { trackBeats, tempoFromBeats } from './beats.js'
import { findDownbeats } from './downbeats.js'
import { findSections } from './sections.js'
import {
  chromagram,
  chromaHue,
  hpssMel,
  scaleRobust,
  spectralCentroid,
  timbreCoefficients,
  vocalActivity,
} from './features.js'
import { SilentSongError } from './errors.js'

export const ANALYSIS_SAMPLE_RATE = 22050
const N_FFT = 2048
const HOP = 512
const N_MELS = 128
/** Peaks below this are treated as silence (no musical content to analyse). */
const SILENCE_DBFS = -60

/**
 * librosa's onset envelope (flux of dB frames, shifted 3 frames for centring) peaks about 1.5
 * frames (≈ 35 ms) after a sharp attack: measured on synthesized drums at 85–140 BPM. Beat
 * frames stay exactly librosa's; only the reported times are moved back by this much, so cuts
 * land on the hit rather than a video frame after it.
 */
const ONSET_LATENCY_FRAMES = 1.5

export type StageListener = (fraction: number, stage: string) => void

/** Analyses decoded mono samples into tempo, beats, downbeats, sections and feature curves. Pure. */
export function analyzeSamples(samples: Float32Array, sampleRate: number, source: { path: string; sha256: string }): Analysis {
  return analyzeStaged(samples, sampleRate, source)
}

function analyzeStaged(samples: Float32Array, sampleRate: number, source: { path: string; sha256: string }, onStage?: StageListener): Analysis {
  let peak = 0
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i])
    if (a > peak) peak = a
  }
  const peakDb = peak > 0 ? 20 * Math.log10(peak) : -Infinity
  if (!(peakDb > SILENCE_DBFS)) throw new SilentSongError(source.path, peakDb)
  const durationSec = samples.length / sampleRate

  onStage?.(0, 'spectrum')
  const spec = powerSpectrogram(samples, sampleRate, N_FFT, HOP)
  const { frames, fps } = spec
  const bank = melBank(sampleRate, N_FFT, N_MELS)
  const mel = melSpectrogram(spec, bank)
  const melDb = powerToDb(mel)

  onStage?.(0.25, 'beats')
  const onset = onsetStrength(melDb, frames, N_MELS, { aggregate: 'median', nFft: N_FFT, hop: HOP })
  const tempoEst = estimateTempo(onset, fps)
  const beatFrames = trackBeats(onset, fps, tempoEst.bpm)
  const beats = beatFrames.map((f) => round4(Math.max(0, ((f - ONSET_LATENCY_FRAMES) * HOP) / sampleRate)))

  let lowBands = 0
  while (lowBands < N_MELS && bank.centers[lowBands] < 200) lowBands++
  const lowOnset = onsetStrength(melDb, frames, N_MELS, { aggregate: 'mean', bandHi: Math.max(1, lowBands), nFft: N_FFT, hop: HOP })
  const chroma = chromagram(spec)
  const db = findDownbeats(beatFrames, lowOnset, chroma)
  const downbeats = db.downbeatIndices.map((i) => beats[i])

  onStage?.(0.5, 'features')
  const rms = frameRms(samples, frames, N_FFT, HOP)
  const { harmonic, percussive } = hpssMel(mel, frames, N_MELS)
  const percOnset = onsetStrength(powerToDb(percussive), frames, N_MELS, { aggregate: 'mean', nFft: N_FFT, hop: HOP })
  const centroid = spectralCentroid(spec)
  const logCentroid = centroid.map((c) => (c > 0 ? Math.log2(c) : 0))
  const brightness = scaleRobust(logCentroid)
  const hue = chromaHue(chroma, fps)
  const vocal = vocalActivity(harmonic, frames, bank, rms, fps)

  onStage?.(0.75, 'sections')
  const sections = findSections({
    beatFrames,
    downbeats,
    meter: db.meter,
    fps,
    frames,
    durationSec,
    chroma,
    timbre: timbreCoefficients(melDb, frames, N_MELS),
    rms,
  })

  const bpm = tempoFromBeats(beats) ?? tempoEst.bpm
  const curve = (x: ArrayLike<number>) => ({ fps, values: Array.from(x, round4) })
  onStage?.(1, 'done')
  return {
    version: 1,
    source: { path: source.path, sha256: source.sha256, durationSec, sampleRate },
    tempo: { bpm: round4(bpm), confidence: round4(beats.length >= 4 ? tempoEst.confidence : 0), ...tempoRange(beats, bpm) },
    meter: db.meter,
    beats,
    downbeats,
    beatless: [],
    sections: sections.map((s, index) => ({ index, label: s.label, start: round4(s.start), end: round4(s.end), energy: s.energy })),
    streams: { method: 'dsp', detail: 'hpss-mel+vocal-band-motion' },
    features: {
      onset: curve(normalizeMax(onset)),
      rms: curve(normalizeMax(rms)),
      percussive: curve(normalizeMax(percOnset)),
      harmonic: curve(normalizeMax(bandSums(harmonic, frames, N_MELS))),
      centroid: curve(brightness),
      hue: curve(hue),
      vocal: curve(vocal),
    },
  }
}

/** Decodes the song at 22050 Hz mono, hashes the file, and analyses it. */
export async function analyzeSong(
  path: string,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, stage: string) => void } = {},
): Promise<Analysis> {
  opts.onProgress?.(0, 'decode')
  // Hash while decoding; a hashing failure is reported only after the decoder's clearer errors.
  const hashing = sha256File(path, opts.signal).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
  const decoded = await decodeAudioMono(path, { sampleRate: ANALYSIS_SAMPLE_RATE, signal: opts.signal })
  const sha256 = await hashing
  if (sha256 instanceof Error) throw sha256
  opts.signal?.throwIfAborted()
  opts.onProgress?.(0.3, 'analyse')
  return analyzeStaged(decoded.samples, decoded.sampleRate, { path, sha256 }, (f, stage) => opts.onProgress?.(0.3 + 0.7 * f, stage))
}

/** sha256 of a file, streamed. */

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/** Root of the total power per frame of a frame-major mel spectrogram (`[t * bands + m]`). */
function bandSums(mel: Float32Array, frames: number, bands: number): Float64Array {
  const out = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    let acc = 0
    for (let m = 0; m < bands; m++) acc += mel[t * bands + m]
    out[t] = Math.sqrt(acc)
  }
  return out
}

/** Slowest and fastest local tempo over ~8 s windows of beats; varying when they differ by > 4 %. */
function tempoRange(beats: number[], bpm: number): { min: number; max: number; varying: boolean } {
  const local: number[] = []
  for (let i = 0; i + 1 < beats.length; ) {
    let j = i + 1
    while (j + 1 < beats.length && beats[j] - beats[i] < 8) j++
    if (j - i >= 4) local.push((60 * (j - i)) / (beats[j] - beats[i]))
    i = j
  }
  if (!local.length) return { min: round4(bpm), max: round4(bpm), varying: false }
  const min = Math.min(...local)
  const max = Math.max(...local)
  return { min: round4(min), max: round4(max), varying: max / min > 1.04 }
}
