import { featureFrames, logMelFeatures, type FeatureParams } from './features.js'
import { loadBeatModel, type BeatModel } from './model.js'
import { resampleSinc } from './resample.js'

/** beat[i], downbeat[i] in 0..1: how likely frame i (time i / fps s) is a beat / a downbeat. */
export interface BeatActivations {
  fps: number
  beat: Float32Array
  downbeat: Float32Array
}

/** The signature of the model's entry point, so callers can take it as an injected function (the decoder branch's name). */
export type LearnedActivationsFn = (samples: Float32Array, sampleRate: number, opts?: { modelPath?: string; signal?: AbortSignal }) => Promise<BeatActivations>

export interface LearnedActivationOptions {
  /** The .onnx file (beat.json beside it); default `<package root>/models/beat/beat.onnx`. */
  modelPath?: string
  signal?: AbortSignal
  /** A model already loaded (then `modelPath` is not read and the model is not released). */
  model?: BeatModel
  /** Frames scored per network call (2 min by default); each call also sees the receptive field on both sides. */
  chunkFrames?: number
}

/** 2 min at 50 fps: features ~2 MB and the network's buffers ~20 MB per call, whatever the song's length. */
const DEFAULT_CHUNK_FRAMES = 6000

/**
 * Beat and downbeat activations of mono `samples` from the learned model. The song is scored in
 * chunks whose inputs overlap by the network's receptive field, so the result equals one pass
 * over the whole song while memory stays bounded (an hour holds only its samples and 1.4 MB of
 * activations). BeatModelError when the model is missing or broken: the caller falls back to DSP.
 */
export async function learnedActivations(samples: Float32Array, sampleRate: number, opts: LearnedActivationOptions = {}): Promise<BeatActivations> {
  const model = opts.model ?? (await loadBeatModel(opts.modelPath))
  try {
    return await activationsWith(model, samples, sampleRate, opts)
  } finally {
    if (!opts.model) await model.release()
  }
}

async function activationsWith(model: BeatModel, samples: Float32Array, sampleRate: number, opts: LearnedActivationOptions): Promise<BeatActivations> {
  const p: FeatureParams = model.meta.features
  const x = sampleRate === p.sampleRate ? samples : resampleSinc(samples, sampleRate, p.sampleRate)
  const total = featureFrames(x.length, p)
  const beat = new Float32Array(total)
  const downbeat = new Float32Array(total)
  const chunk = Math.max(1, Math.floor(opts.chunkFrames ?? DEFAULT_CHUNK_FRAMES))
  const margin = model.meta.receptiveFieldFrames
  for (let a = 0; a < total; a += chunk) {
    opts.signal?.throwIfAborted()
    const b = Math.min(total, a + chunk)
    const from = Math.max(0, a - margin)
    const to = Math.min(total, b + margin)
    const feats = logMelFeatures(x, { from, to }, p)
    const out = await model.run(feats, to - from)
    for (let t = a; t < b; t++) {
      const i = (t - from) * 2
      beat[t] = out[i]
      downbeat[t] = out[i + 1]
    }
    // Let a signal (Ctrl-C) be seen between chunks of a long song.
    await new Promise((resolve) => setImmediate(resolve))
  }
  opts.signal?.throwIfAborted()
  return { fps: model.meta.fps, beat, downbeat }
}
