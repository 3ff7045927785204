/**
 * Diffusion samplers over flat Float32Array latents, following diffusers' EulerDiscreteScheduler,
 * EulerAncestralDiscreteScheduler, DDIMScheduler (eta 0) and LCMScheduler line by line, with the
 * image-to-image cut of diffusers' img2img pipelines (get_timesteps + set_begin_index).
 *
 * Arithmetic is float64 per element, results stored as float32; diffusers keeps its betas,
 * alphas_cumprod and sigmas in float32, so values agree to float32 precision (~1e-6 relative).
 */
import { OnnxModelError } from './errors.js'
import { type ResolvedSchedulerConfig, type SchedulerConfigInput, type SchedulerKind, resolveSchedulerConfig } from './schedulerConfig.js'
import type { Scheduler, SchedulerRun } from './types.js'

/** A Scheduler plus what it was built from, for logs and tests. */
export interface OnnxScheduler extends Scheduler {
  readonly kind: SchedulerKind
  /** Why this sampler is not exactly what the config names, when it is not. */
  readonly note?: string
  /** The schedule of a full-strength run (timesteps is its tail from `startIndex`). */
  readonly fullTimesteps: readonly number[]
  readonly startIndex: number
  /** Euler kinds: sigma per full-schedule step plus the final 0 (length steps + 1); else empty. */
  readonly sigmas: readonly number[]
  /** ᾱ_t for every training timestep t. */
  readonly alphasCumprod: Float64Array
}

// ---------------------------------------------------------------------------------------------
// Noise schedule

/** numpy's linspace: a + i·((b − a)/(n − 1)), the last value exactly b ([a] when n = 1). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a]
  const step = (b - a) / (n - 1)
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * step + a))
}

/** numpy's round: halves go to the even neighbour (np.round(2.5) = 2). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * β_t for t = 0…N−1. linear: linspace(β_start, β_end, N); scaled_linear: linspace(√β_start,
 * √β_end, N)²; squaredcos_cap_v2 (GLIDE's cosine): β_t = min(1 − ᾱ((t+1)/N)/ᾱ(t/N), 0.999) with
 * ᾱ(s) = cos²((s + 0.008)/1.008 · π/2).
 */
export function betasFor(c: Pick<ResolvedSchedulerConfig, 'numTrainTimesteps' | 'betaStart' | 'betaEnd' | 'betaSchedule' | 'trainedBetas'>): Float64Array {
  const n = c.numTrainTimesteps
  if (c.trainedBetas) return Float64Array.from(c.trainedBetas)
  switch (c.betaSchedule) {
    case 'linear':
      return Float64Array.from(linspace(c.betaStart, c.betaEnd, n))
    case 'scaled_linear':
      return Float64Array.from(linspace(Math.sqrt(c.betaStart), Math.sqrt(c.betaEnd), n), (v) => v * v)
    case 'squaredcos_cap_v2': {
      const alphaBar = (s: number) => Math.cos((((s + 0.008) / 1.008) * Math.PI) / 2) ** 2
      return Float64Array.from({ length: n }, (_, i) => Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999))
    }
  }
}

/** ᾱ_t = ∏_{s≤t} (1 − β_s). */
export function alphasCumprodFor(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length)
  let p = 1
  for (let i = 0; i < betas.length; i++) out[i] = p *= 1 - betas[i]
  return out
}

/** np.interp(x, [0, 1, …, len−1], values): linear between integer positions, clamped at the ends. */
function interpAtIndex(values: ArrayLike<number>, x: number): number {
  if (x <= 0) return values[0]
  const last = values.length - 1
  if (x >= last) return values[last]
  const i = Math.floor(x)
  const f = x - i
  return f === 0 ? values[i] : values[i] + (values[i + 1] - values[i]) * f
}

/**
 * A full run's timesteps, first (noisiest) to last, as diffusers' set_timesteps spaces them:
 *   linspace: linspace(0, N−1, steps) reversed (Euler keeps the fractions; DDIM rounds them);
 *   leading:  (0…steps−1)·(N // steps) reversed, + steps_offset;
 *   trailing: round(N − i·N/steps) − 1 for i = 0…steps−1.
 * LCM picks its own (lcmTimesteps).
 */
export function spacedTimesteps(c: Pick<ResolvedSchedulerConfig, 'numTrainTimesteps' | 'timestepSpacing' | 'stepsOffset'>, steps: number, integer: boolean): number[] {
  const n = c.numTrainTimesteps
  switch (c.timestepSpacing) {
    case 'linspace': {
      const t = linspace(0, n - 1, steps).reverse()
      return integer ? t.map(roundHalfEven) : t
    }
    case 'leading': {
      const ratio = Math.floor(n / steps)
      return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + c.stepsOffset)
    }
    case 'trailing': {
      // np.arange(N, 0, −N/steps) sometimes yields steps + 1 values from rounding (steps = 61,
      // 103, … for N = 1000), ending in timestep −1; the intended `steps` values are kept.
      const ratio = n / steps
      return Array.from({ length: steps }, (_, i) => roundHalfEven(n - i * ratio) - 1)
    }
  }
}

/**
 * LCM's schedule: the distillation grid t_k = k·(N // original_steps) − 1 for k = 1…original_steps,
 * reversed, sampled at floor(linspace(0, original_steps, steps, endpoint=False)).
 * (N = 1000, 50 original steps, 4 steps → 999, 759, 499, 259.)
 */
export function lcmTimesteps(c: Pick<ResolvedSchedulerConfig, 'numTrainTimesteps' | 'originalInferenceSteps'>, steps: number): number[] {
  const original = c.originalInferenceSteps
  if (original > c.numTrainTimesteps)
    throw new OnnxModelError(`scheduler_config.json: original_inference_steps ${original} exceeds num_train_timesteps ${c.numTrainTimesteps}`)
  if (steps > original) throw new OnnxModelError(`this LCM model takes at most ${original} steps (its original_inference_steps); ask for ${original} or fewer`)
  const k = Math.floor(c.numTrainTimesteps / original)
  const grid = Array.from({ length: original }, (_, i) => (original - i) * k - 1)
  // numpy's floor(linspace(0, original, steps, endpoint=False)) is floor(i · (original/steps)).
  const stride = original / steps
  return Array.from({ length: steps }, (_, i) => grid[Math.floor(i * stride)])
}

/**
 * Where an image-to-image run starts in the full schedule: the last round(steps × strength)
 * steps run (at least one), as diffusers' get_timesteps keeps the tail of the schedule
 * (diffusers truncates with int(); rounding avoids 0.29 × 100 = 28.999… losing a step).
 */
export function strengthStartIndex(steps: number, strength = 1): number {
  if (!(strength > 0 && strength <= 1)) throw new RangeError(`image-to-image strength must be in (0, 1], got ${strength}`)
  const kept = Math.min(steps, Math.max(1, Math.round(steps * strength)))
  return steps - kept
}

// ---------------------------------------------------------------------------------------------
// Samplers

function sameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`)
}

/** x̂₀ from the model output, per prediction type, with ᾱ_t given (DDIM/LCM parameterisation). */
function predictOriginalAlpha(pred: ResolvedSchedulerConfig['predictionType'], out: number, x: number, sqrtA: number, sqrtB: number): number {
  if (pred === 'epsilon') return (x - sqrtB * out) / sqrtA
  if (pred === 'v_prediction') return sqrtA * x - sqrtB * out
  return out
}

/** x̂₀ from the model output in Euler's σ parameterisation (x = x₀ + σ·ε). */
function predictOriginalSigma(pred: ResolvedSchedulerConfig['predictionType'], out: number, x: number, sigma: number): number {
  if (pred === 'epsilon') return x - sigma * out
  if (pred === 'v_prediction') return out * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1)
  return out
}

/**
 * Builds the sampler a scheduler_config.json names (see schedulerKindFor) for a run of
 * `run.steps` steps, cut to the last round(steps × strength) for image-to-image.
 */
export function createScheduler(config: SchedulerConfigInput, run: SchedulerRun): OnnxScheduler {
  const c = resolveSchedulerConfig(config)
  const steps = run.steps
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`scheduler steps must be a positive integer, got ${steps}`)
  if (steps > c.numTrainTimesteps) throw new RangeError(`scheduler steps (${steps}) cannot exceed the model's num_train_timesteps (${c.numTrainTimesteps})`)
  const startIndex = strengthStartIndex(steps, run.strength)
  const acp = alphasCumprodFor(betasFor(c))
  switch (c.kind) {
    case 'euler':
    case 'euler-ancestral':
      return eulerScheduler(c, steps, startIndex, acp)
    case 'ddim':
      return ddimScheduler(c, steps, startIndex, acp)
    case 'lcm':
      return lcmScheduler(c, steps, startIndex, acp)
  }
}

function checkIndex(stepIndex: number, count: number): void {
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= count) throw new RangeError(`step index ${stepIndex} is outside this run's ${count} steps`)
}

/** Shared by DDIM and LCM: x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (DDPM's add_noise). */
function addNoiseAlpha(acp: Float64Array, t: number, original: Float32Array, noise: Float32Array): Float32Array {
  sameLength(original, noise, 'addNoise')
  const a = Math.sqrt(acp[t])
  const b = Math.sqrt(1 - acp[t])
  const out = new Float32Array(original.length)
  for (let i = 0; i < out.length; i++) out[i] = a * original[i] + b * noise[i]
  return out
}

/**
 * Euler (Karras et al. 2022, Algorithm 2 with s_churn 0), and Euler ancestral.
 *   σ_t = √((1 − ᾱ_t)/ᾱ_t), interpolated linearly at fractional timesteps; σ after the last step = 0.
 *   Model input: x / √(σ² + 1). Initial noise: σ_max (linspace, trailing) or √(σ_max² + 1) (leading).
 *   Euler:     x' = x + (x − x̂₀)/σ_i · (σ_{i+1} − σ_i).
 *   Ancestral: σ_up = √(σ_{i+1}²(σ_i² − σ_{i+1}²)/σ_i²), σ_down = √(σ_{i+1}² − σ_up²),
 *              x' = x + (x − x̂₀)/σ_i · (σ_down − σ_i) + σ_up·z.
 *   add_noise: x₀ + σ_i·ε.
 */
function eulerScheduler(c: ResolvedSchedulerConfig, steps: number, startIndex: number, acp: Float64Array): OnnxScheduler {
  const full = spacedTimesteps(c, steps, false)
  const trainSigmas = Array.from(acp, (a) => Math.sqrt((1 - a) / a))
  const sigmas = [...full.map((t) => interpAtIndex(trainSigmas, t)), 0]
  const maxSigma = Math.max(...sigmas)
  const initNoiseSigma = c.timestepSpacing === 'leading' ? Math.sqrt(maxSigma * maxSigma + 1) : maxSigma
  const timesteps = full.slice(startIndex)
  const ancestral = c.kind === 'euler-ancestral'
  return {
    kind: c.kind,
    note: c.note,
    timesteps,
    fullTimesteps: full,
    startIndex,
    sigmas,
    alphasCumprod: acp,
    initNoiseSigma,
    scaleModelInput(sample, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      const sigma = sigmas[startIndex + stepIndex]
      const k = 1 / Math.sqrt(sigma * sigma + 1)
      const out = new Float32Array(sample.length)
      for (let i = 0; i < out.length; i++) out[i] = sample[i] * k
      return out
    },
    step(modelOutput, stepIndex, sample, noise) {
      checkIndex(stepIndex, timesteps.length)
      sameLength(modelOutput, sample, 'step')
      const s = startIndex + stepIndex
      const sigma = sigmas[s]
      const next = sigmas[s + 1]
      let target = next
      let up = 0
      if (ancestral) {
        up = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma))
        target = Math.sqrt(next * next - up * up)
      }
      const z = up > 0 ? noise(sample.length) : undefined
      if (z) sameLength(z, sample, 'noise')
      const dt = target - sigma
      const out = new Float32Array(sample.length)
      for (let i = 0; i < out.length; i++) {
        const x = sample[i]
        const x0 = predictOriginalSigma(c.predictionType, modelOutput[i], x, sigma)
        out[i] = x + ((x - x0) / sigma) * dt + (z ? z[i] * up : 0)
      }
      return out
    },
    addNoise(original, noise, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      sameLength(original, noise, 'addNoise')
      const sigma = sigmas[startIndex + stepIndex]
      const out = new Float32Array(original.length)
      for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma
      return out
    },
  }
}

/**
 * DDIM with eta 0 (deterministic), as diffusers' DDIMScheduler.step:
 *   t' = t − N // steps (whatever the spacing), ᾱ' = ᾱ_{t'} or, when t' < 0, 1 (set_alpha_to_one)
 *   or ᾱ_0;
 *   x̂₀ and ε̂ from the prediction type; x̂₀ clipped to ±clip_sample_range when clip_sample;
 *   x' = √ᾱ'·x̂₀ + √(1 − ᾱ')·ε̂.
 */
function ddimScheduler(c: ResolvedSchedulerConfig, steps: number, startIndex: number, acp: Float64Array): OnnxScheduler {
  const full = spacedTimesteps(c, steps, true)
  for (const t of full)
    if (t < 0 || t >= c.numTrainTimesteps) throw new OnnxModelError(`scheduler_config.json: steps_offset ${c.stepsOffset} puts timestep ${t} outside 0…${c.numTrainTimesteps - 1} for ${steps} steps`)
  const finalAlpha = c.setAlphaToOne ? 1 : acp[0]
  const stride = Math.floor(c.numTrainTimesteps / steps)
  const timesteps = full.slice(startIndex)
  return {
    kind: c.kind,
    note: c.note,
    timesteps,
    fullTimesteps: full,
    startIndex,
    sigmas: [],
    alphasCumprod: acp,
    initNoiseSigma: 1,
    scaleModelInput(sample, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      return sample.slice()
    },
    step(modelOutput, stepIndex, sample) {
      checkIndex(stepIndex, timesteps.length)
      sameLength(modelOutput, sample, 'step')
      const t = timesteps[stepIndex]
      const prev = t - stride
      const a = acp[t]
      const aPrev = prev >= 0 ? acp[prev] : finalAlpha
      const sqrtA = Math.sqrt(a)
      const sqrtB = Math.sqrt(1 - a)
      const sqrtAPrev = Math.sqrt(aPrev)
      const dirScale = Math.sqrt(1 - aPrev)
      const lim = c.clipSampleRange
      const out = new Float32Array(sample.length)
      for (let i = 0; i < out.length; i++) {
        const x = sample[i]
        const m = modelOutput[i]
        let x0 = predictOriginalAlpha(c.predictionType, m, x, sqrtA, sqrtB)
        // ε̂ comes from the unclipped x̂₀, as diffusers (use_clipped_model_output False).
        const eps = c.predictionType === 'epsilon' ? m : c.predictionType === 'v_prediction' ? sqrtA * m + sqrtB * x : (x - sqrtA * x0) / sqrtB
        if (c.clipSample) x0 = Math.min(lim, Math.max(-lim, x0))
        out[i] = sqrtAPrev * x0 + dirScale * eps
      }
      return out
    },
    addNoise(original, noise, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      return addNoiseAlpha(acp, timesteps[stepIndex], original, noise)
    },
  }
}

/**
 * Latent Consistency Model sampling, as diffusers' LCMScheduler.step:
 *   c_skip = σ_d²/((t·s)² + σ_d²), c_out = t·s/√((t·s)² + σ_d²), σ_d = 0.5, s = timestep_scaling;
 *   denoised = c_out·x̂₀ + c_skip·x;
 *   x' = √ᾱ_{t_next}·denoised + √(1 − ᾱ_{t_next})·z before the last step, x' = denoised at it.
 */
function lcmScheduler(c: ResolvedSchedulerConfig, steps: number, startIndex: number, acp: Float64Array): OnnxScheduler {
  const full = lcmTimesteps(c, steps)
  const timesteps = full.slice(startIndex)
  const sigmaData = 0.5
  return {
    kind: c.kind,
    note: c.note,
    timesteps,
    fullTimesteps: full,
    startIndex,
    sigmas: [],
    alphasCumprod: acp,
    initNoiseSigma: 1,
    scaleModelInput(sample, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      return sample.slice()
    },
    step(modelOutput, stepIndex, sample, noise) {
      checkIndex(stepIndex, timesteps.length)
      sameLength(modelOutput, sample, 'step')
      const t = timesteps[stepIndex]
      const last = stepIndex === timesteps.length - 1
      const a = acp[t]
      const sqrtA = Math.sqrt(a)
      const sqrtB = Math.sqrt(1 - a)
      const scaled = t * c.timestepScaling
      const cSkip = (sigmaData * sigmaData) / (scaled * scaled + sigmaData * sigmaData)
      const cOut = scaled / Math.sqrt(scaled * scaled + sigmaData * sigmaData)
      const lim = c.clipSampleRange
      const out = new Float32Array(sample.length)
      for (let i = 0; i < out.length; i++) {
        let x0 = predictOriginalAlpha(c.predictionType, modelOutput[i], sample[i], sqrtA, sqrtB)
        if (c.clipSample) x0 = Math.min(lim, Math.max(-lim, x0))
        out[i] = cOut * x0 + cSkip * sample[i]
      }
      if (last) return out
      const aNext = acp[timesteps[stepIndex + 1]]
      const z = noise(sample.length)
      sameLength(z, sample, 'noise')
      const k = Math.sqrt(aNext)
      const kz = Math.sqrt(1 - aNext)
      for (let i = 0; i < out.length; i++) out[i] = k * out[i] + kz * z[i]
      return out
    },
    addNoise(original, noise, stepIndex) {
      checkIndex(stepIndex, timesteps.length)
      return addNoiseAlpha(acp, timesteps[stepIndex], original, noise)
    },
  }
}
