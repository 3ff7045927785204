/**
 * Beat and downbeat activations: the interface between an activation model and the grid
 * decoder (src/audio/grid/). This branch holds the type only; the model helper's file of the
 * same name adds `learnedActivations` (ONNX at run time), and the integrator keeps theirs.
 */
export interface BeatActivations {
  /** Frames per second of both curves; frame i is at time i / fps. */
  fps: number
  /** Probability, 0..1, that frame i is a beat. */
  beat: Float32Array
  /** Probability, 0..1, that frame i is a downbeat (the first beat of a bar). */
  downbeat: Float32Array
}

/** The signature of the model's entry point, so callers can take it as an injected function. */
export type LearnedActivationsFn = (
  samples: Float32Array,
  sampleRate: number,
  opts?: { modelPath?: string; signal?: AbortSignal },
) => Promise<BeatActivations>
