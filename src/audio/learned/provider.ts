/**
 * Where the analysis gets a learned model's beat / downbeat activations (analyzeSong, 'auto').
 * A provider resolves to undefined when no model is available: the DSP tracker then runs.
 */
import type { BeatActivations } from './activations.js'

/** Beat / downbeat activations of the decoded song and what made them; undefined: no model. */
export type ActivationsProvider = (
  samples: Float32Array,
  sampleRate: number,
  opts: { modelsDir?: string; signal?: AbortSignal },
) => Promise<{ activations: BeatActivations; detail: string } | undefined>

/**
 * INTEGRATION POINT (issue 15): the learned beat tracker. Replace this with a provider that
 * locates models/beat/ (under opts.modelsDir) and returns
 * `{ activations: await learnedActivations(samples, sampleRate, { modelPath, signal }), detail: '<model name>' }`,
 * or undefined when the model is absent. Until then 'auto' runs the DSP tracker.
 */
export const defaultActivationsProvider: ActivationsProvider = async () => undefined
