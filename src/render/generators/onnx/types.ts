/**
 * Contracts between the ONNX diffusion pipeline and its pure parts (tokenizer, schedulers,
 * guidance, noise). Arrays are flat Float32Array in NCHW order, batch 1 unless stated.
 */

/** CLIP's byte-level BPE tokenizer, as in the export's tokenizer/ folder (vocab.json + merges.txt). */
export interface ClipTokenizer {
  /** Sequence length the text encoder expects (model_max_length, 77 for SD). */
  readonly maxLength: number
  readonly bosId: number
  readonly eosId: number
  readonly padId: number
  /** Token ids: bos, tokens (truncated so eos fits), eos, then pad up to maxLength. */
  encode(text: string): Int32Array
  /** BPE tokens without specials or padding (for tests and prompt-length warnings). */
  tokenize(text: string): string[]
}

/** A diffusion sampler over a fixed run of steps, built from scheduler/scheduler_config.json. */
export interface Scheduler {
  /** 'euler' | 'ddim' | 'lcm' (the config's _class_name decides). */
  readonly kind: string
  /** The model timesteps of this run, first to last (already cut by strength for img2img). */
  readonly timesteps: number[]
  /** Multiply fresh Gaussian noise by this for text-to-image's starting latents. */
  readonly initNoiseSigma: number
  /** What the UNet is fed at step i (Euler divides by sqrt(sigma^2 + 1); DDIM/LCM: unchanged). */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array
  /**
   * One denoising step from the model's output at step i. `noise` supplies fresh Gaussian noise
   * for samplers that need it (LCM between steps); deterministic when the caller's noise is.
   */
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise: (n: number) => Float32Array): Float32Array
  /** Noises clean latents to the level of step i (image-to-image's start: stepIndex 0). */
  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array
}

export interface SchedulerRun {
  /** Number of inference steps for a full (strength 1) run. */
  steps: number
  /** Image-to-image strength in (0, 1]: only the last round(steps × strength) steps run. */
  strength?: number
}
