import { sha256File } from '../util/files.js'
import type { Analysis } from '../schemas/index.js'
import { decodeAudioMono } from '../ffmpeg/index.js'
import { powerToDbInPlace } from './mel.js'
import { onsetStrength, normalizeMax } from './onset.js'
import { estimateTempo, tempoRange } from './tempo.js'
import { tempoFromBeats } from './beats.js'
import { findSections } from './sections.js'
import { chromaHue, scaleRobust, timbreCoefficients } from './features.js'
import { spectralPassSteps, streamCurves, type SeparatedCurves, type SpectralPass, type StreamCurves } from './streams/index.js'
import { decodeIntoSpectralPass } from './decodeStream.js'
import {
  loadSeparationModel,
  locateSeparationModel,
  separationCurves,
  type LocatedModel,
  type SeparationModel,
} from './separation/index.js'
import { SilentSongError } from './errors.js'
import type { BeatActivations } from './learned/activations.js'
import { defaultActivationsProvider, type ActivationsProvider } from './learned/provider.js'
import { dspGridSteps, learnedGrid, type TrackedGrid } from './trackGrid.js'
import { analysisCues } from './grid/cues.js'

export const ANALYSIS_SAMPLE_RATE = 22050
const N_FFT = 2048
const HOP = 512
const N_MELS = 128
/** Peaks below this are treated as silence (no musical content to analyse). */
const SILENCE_DBFS = -60

export { ONSET_LATENCY_FRAMES } from './onset.js'

export type StageListener = (fraction: number, stage: string) => void

/**
 * Analyses decoded mono samples into tempo, beats, downbeats, sections and feature curves. Pure.
 * With `activations` (a model's beat / downbeat curves for these samples) the grid is decoded
 * from them; without, the DSP tracker finds it.
 */
export function analyzeSamples(
  samples: Float32Array,
  sampleRate: number,
  source: { path: string; sha256: string },
  opts: { activations?: BeatActivations; activationsDetail?: string } = {},
): Analysis {
  const steps = samplesSteps(samples, sampleRate, source, undefined, opts)
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value
}

/** The spectral pass over decoded samples, then the analysis. */
function* samplesSteps(
  samples: Float32Array,
  sampleRate: number,
  source: { path: string; sha256: string },
  onStage?: StageListener,
  opts: StagedOptions = {},
): Generator<void, Analysis> {
  checkLoud(samplePeak(samples), source.path)
  onStage?.(0, 'spectrum')
  const pass = yield* spectralPassSteps(samples, sampleRate, PASS_OPTIONS)
  return yield* analysisSteps(pass, source, onStage, opts)
}

/**
 * Runs the analysis's steps, yielding to the event loop between them so a signal (Ctrl-C,
 * SIGTERM) is handled within a step's time instead of after the whole song's analysis.
 */
async function stepsAsync<T>(steps: Generator<void, T>, signal?: AbortSignal): Promise<T> {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value
    await new Promise((resolve) => setImmediate(resolve))
    signal?.throwIfAborted()
  }
}

interface StagedOptions {
  /** Streams from a separation model on the analysis grid; DSP streams when absent. */
  separated?: SeparatedCurves
  /** Beat / downbeat activations of the song (a model's): the grid is decoded from them; the DSP tracker runs when absent. */
  activations?: BeatActivations
  /** What made the activations (the model's name), for `tracker.detail`. */
  activationsDetail?: string
}

const PASS_OPTIONS = { nFft: N_FFT, hop: HOP, nMels: N_MELS }

function samplePeak(samples: Float32Array): number {
  let peak = 0
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i])
    if (a > peak) peak = a
  }
  return peak
}

/** Throws SilentSongError when the song peaks below SILENCE_DBFS. */
function checkLoud(peak: number, path: string): void {
  const peakDb = peak > 0 ? 20 * Math.log10(peak) : -Infinity
  if (!(peakDb > SILENCE_DBFS)) throw new SilentSongError(path, peakDb)
}

/** The analysis of a song's spectral pass as steps: each `yield` is a point where it may be interrupted. */
function* analysisSteps(
  pass: SpectralPass,
  source: { path: string; sha256: string },
  onStage?: StageListener,
  opts: StagedOptions = {},
): Generator<void, Analysis> {
  checkLoud(pass.peak, source.path)
  const { sampleRate, frames, fps, rms } = pass
  const durationSec = pass.length / sampleRate
  // The streams read the mix's mel power: made first, so the power can become dB in place (an
  // hour's mel is 80 MB).
  onStage?.(0.1, 'streams')
  const streams: StreamCurves = streamCurves(pass, rms, opts.separated)
  yield
  const melDb = powerToDbInPlace(pass.mel)
  pass.mel = new Float32Array(0)
  yield

  onStage?.(0.25, 'beats')
  const onset = onsetStrength(melDb, frames, N_MELS, { aggregate: 'median', nFft: N_FFT, hop: HOP })
  const tempoEst = estimateTempo(onset, fps)
  yield
  const chroma = pass.chroma
  const grid: TrackedGrid = opts.activations
    ? learnedGrid(opts.activations, fps, durationSec, opts.activationsDetail ?? 'activations', { onset, tempoEst, cues: analysisCues(pass, melDb) })
    : yield* dspGridSteps({ pass, melDb, onset, tempoEst, sampleRate, durationSec, nFft: N_FFT, hop: HOP, nMels: N_MELS })
  const { beats, beatFrames, downbeats } = grid
  yield

  onStage?.(0.5, 'features')
  const logCentroid = pass.centroid.map((c) => (c > 0 ? Math.log2(c) : 0))
  const brightness = scaleRobust(logCentroid)
  const hue = chromaHue(chroma, fps)
  yield

  onStage?.(0.75, 'sections')
  const sections = findSections({
    beatFrames,
    downbeats,
    downbeatConfidence: grid.downbeatConfidence,
    meter: grid.meter,
    fps,
    frames,
    durationSec,
    chroma,
    timbre: timbreCoefficients(melDb, frames, N_MELS),
    rms,
  })

  const bpm = tempoFromBeats(beats) ?? tempoEst.bpm
  // The learned path's tempo confidence is its beats' (the DSP one is the tempogram's peak).
  const tempoConfidence = grid.tracker.method === 'learned' ? median(grid.beatConfidence) : tempoEst.confidence
  // A non-finite value would make analysis.json invalid JSON for other readers: write 0 instead.
  const curve = (x: ArrayLike<number>) => ({ fps, values: Array.from(x, (v) => (Number.isFinite(v) ? round4(v) : 0)) })
  onStage?.(1, 'done')
  return {
    version: 1,
    source: { path: source.path, sha256: source.sha256, durationSec, sampleRate },
    tempo: { bpm: round4(bpm), confidence: round4(beats.length >= 4 ? tempoConfidence : 0), ...roundRange(tempoRange(beats, bpm)) },
    meter: grid.meter,
    beats,
    beatConfidence: grid.beatConfidence,
    downbeats,
    downbeatConfidence: grid.downbeatConfidence,
    tracker: grid.tracker,
    beatless: grid.beatless,
    sections: sections.map((s, index) => ({
      index,
      label: s.label,
      start: round4(s.start),
      end: round4(s.end),
      energy: s.energy,
      confidence: s.confidence,
    })),
    streams: { method: streams.method, detail: streams.detail },
    features: {
      onset: curve(normalizeMax(onset)),
      rms: curve(normalizeMax(rms)),
      percussive: curve(streams.percussive),
      harmonic: curve(streams.harmonic),
      centroid: curve(brightness),
      hue: curve(hue),
      vocal: curve(streams.vocal),
    },
  }
}

export interface AnalyzeSongOptions {
  signal?: AbortSignal
  onProgress?: (fraction: number, stage: string) => void
  /** Where models live: default env LONGAV_MODELS_DIR, else `<package root>/models`. */
  modelsDir?: string
  /** Folder name under `<modelsDir>/separation/`; default the only (or alphabetically first) one. */
  separationModel?: string
  /**
   * 'auto': beats, downbeats and meter from a learned model's activations when one is available,
   * else the DSP tracker; 'dsp' (default): the DSP tracker always.
   */
  beatTracker?: 'auto' | 'dsp'
  /**
   * Where 'auto' gets activations: resolves to undefined when no model is available (then the
   * DSP tracker runs). Default `defaultActivationsProvider`. Injected by tests.
   */
  activationsProvider?: ActivationsProvider
  /** With a separation model: write its "vocals" stem here as a WAV (16-bit, the model's rate). */
  vocalsOut?: string
}

export { defaultActivationsProvider, type ActivationsProvider } from './learned/provider.js'

/**
 * Decodes the song at 22050 Hz mono, hashes the file, and analyses it. When a separation model
 * is present in `<modelsDir>/separation/`, its stems give the vocal, percussive and harmonic
 * streams (`streams.method: 'onnx'`); otherwise median-filter HPSS and REPET-SIM do.
 */
export async function analyzeSong(path: string, opts: AnalyzeSongOptions = {}): Promise<Analysis> {
  // Find and load the model first: a broken model folder is reported before any decoding.
  const located = locateSeparationModel({ modelsDir: opts.modelsDir, name: opts.separationModel })
  const model = located ? await loadSeparationModel(located.dir, located.name) : undefined
  try {
    return await analyzeDecoded(path, opts, located && model ? { located, model } : undefined)
  } finally {
    await model?.release()
  }
}

async function analyzeDecoded(
  path: string,
  opts: AnalyzeSongOptions,
  sep: { located: LocatedModel; model: SeparationModel } | undefined,
): Promise<Analysis> {
  opts.onProgress?.(0, 'decode')
  // Hash while decoding; a hashing failure is reported only after the decoder's clearer errors.
  const hashing = sha256File(path, opts.signal).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
  let learned: { activations: BeatActivations; detail: string } | undefined
  let pass: SpectralPass
  if (opts.beatTracker === 'auto') {
    // The learned model reads the whole decoded song; the spectral pass then runs on it.
    const decoded = await decodeAudioMono(path, { sampleRate: ANALYSIS_SAMPLE_RATE, signal: opts.signal })
    checkLoud(samplePeak(decoded.samples), path)
    const provide = opts.activationsProvider ?? defaultActivationsProvider
    learned = await provide(decoded.samples, decoded.sampleRate, { modelsDir: opts.modelsDir, signal: opts.signal })
    opts.signal?.throwIfAborted()
    opts.onProgress?.(0.1, 'spectrum')
    pass = await stepsAsync(spectralPassSteps(decoded.samples, decoded.sampleRate, PASS_OPTIONS), opts.signal)
  } else {
    pass = await decodeIntoSpectralPass(path, { ...PASS_OPTIONS, sampleRate: ANALYSIS_SAMPLE_RATE, signal: opts.signal, onProgress: (f) => opts.onProgress?.(0.2 * f, 'decode') })
  }
  const sha256 = await hashing
  if (sha256 instanceof Error) throw sha256
  opts.signal?.throwIfAborted()
  checkLoud(pass.peak, path)
  let separated: SeparatedCurves | undefined
  if (sep) {
    opts.onProgress?.(0.2, sep.located.note ? `separate (${sep.located.note})` : `separate (${sep.located.name})`)
    const grid = { frames: pass.frames, fps: pass.fps }
    separated = await separationCurves(path, sep.located, grid, { signal: opts.signal, model: sep.model, vocalsOut: opts.vocalsOut })
  }
  opts.onProgress?.(0.3, 'analyse')
  const steps = analysisSteps(pass, { path, sha256 }, (f, stage) => opts.onProgress?.(0.3 + 0.7 * f, stage), {
    separated,
    activations: learned?.activations,
    activationsDetail: learned?.detail,
  })
  const analysis = await stepsAsync(steps, opts.signal)
  opts.signal?.throwIfAborted()
  return analysis
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}


function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

function roundRange(r: { min: number; max: number; varying: boolean }): { min: number; max: number; varying: boolean } {
  return { min: round4(r.min), max: round4(r.max), varying: r.varying }
}
