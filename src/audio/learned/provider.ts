/**
 * Where the analysis gets a learned model's beat / downbeat activations (analyzeSong, 'auto'):
 * `<modelsDir>/beat/beat.onnx` when the user placed one there, else the model shipped in the
 * package's `models/beat/`. A provider resolves to undefined when no model is available: the DSP
 * tracker then runs. A model that is there but broken is an error, not a silent fallback.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { learnedActivations, type BeatActivations } from './activations.js'
import { defaultBeatModelPath } from './model.js'

/** Beat / downbeat activations of the decoded song and what made them; undefined: no model. */
export type ActivationsProvider = (
  samples: Float32Array,
  sampleRate: number,
  opts: { modelsDir?: string; signal?: AbortSignal },
) => Promise<{ activations: BeatActivations; detail: string } | undefined>

/** The beat model to use: the user's models folder first, then the shipped one; undefined when neither exists. */
export function locateBeatModel(modelsDir?: string): string | undefined {
  const own = modelsDir ? join(modelsDir, 'beat', 'beat.onnx') : undefined
  if (own && existsSync(own)) return own
  const shipped = defaultBeatModelPath()
  return existsSync(shipped) ? shipped : undefined
}

export const defaultActivationsProvider: ActivationsProvider = async (samples, sampleRate, opts) => {
  const modelPath = locateBeatModel(opts.modelsDir)
  if (!modelPath) return undefined
  const activations = await learnedActivations(samples, sampleRate, { modelPath, signal: opts.signal })
  return { activations, detail: `${basename(dirname(modelPath))}/${basename(modelPath)}` }
}
