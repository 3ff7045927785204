/**
 * diffusers' scheduler/scheduler_config.json: its schema, and which of our samplers runs it.
 * Missing keys take the defaults of the class the file names (diffusers' constructor defaults),
 * so a config behaves here as `<Class>.from_pretrained` would.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { OnnxModelError } from './errors.js'

/** The samplers schedulers.ts implements. */
export type SchedulerKind = 'euler' | 'euler-ancestral' | 'ddim' | 'lcm'

export const BetaSchedule = z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2'])
export const PredictionType = z.enum(['epsilon', 'v_prediction', 'sample'])
export const TimestepSpacing = z.enum(['leading', 'trailing', 'linspace'])

/** diffusers writes Python's None as null: every optional key accepts null as "not set". */
export const SchedulerConfigSchema = z.looseObject({
  _class_name: z.string().min(1),
  num_train_timesteps: z.number().int().positive().nullish(),
  beta_start: z.number().positive().nullish(),
  beta_end: z.number().positive().nullish(),
  beta_schedule: BetaSchedule.nullish(),
  trained_betas: z.array(z.number().gt(0).lt(1)).min(1).nullish(),
  prediction_type: PredictionType.nullish(),
  timestep_spacing: TimestepSpacing.nullish(),
  steps_offset: z.number().int().nonnegative().nullish(),
  set_alpha_to_one: z.boolean().nullish(),
  clip_sample: z.boolean().nullish(),
  clip_sample_range: z.number().positive().nullish(),
  /** LCM: length of the distillation schedule the inference timesteps are picked from. */
  original_inference_steps: z.number().int().positive().nullish(),
  /** LCM: timestep multiplier in the boundary-condition scalings c_skip, c_out. */
  timestep_scaling: z.number().positive().nullish(),
})
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>
/**
 * A parsed config, or a JSON object straight from the file: functions taking it validate it
 * themselves (an OnnxModelError when it does not fit the schema).
 */
export type SchedulerConfigInput = SchedulerConfig | { readonly _class_name: string; readonly [key: string]: unknown }

/** Every setting a sampler reads, defaults filled in. */
export interface ResolvedSchedulerConfig {
  kind: SchedulerKind
  className: string
  numTrainTimesteps: number
  betaStart: number
  betaEnd: number
  betaSchedule: z.infer<typeof BetaSchedule>
  trainedBetas?: number[]
  predictionType: z.infer<typeof PredictionType>
  timestepSpacing: z.infer<typeof TimestepSpacing>
  stepsOffset: number
  setAlphaToOne: boolean
  clipSample: boolean
  clipSampleRange: number
  originalInferenceSteps: number
  timestepScaling: number
  /** Set when the file asks for something we do not run exactly (a fallback sampler, an ignored option). */
  note?: string
}

interface ClassDefaults {
  betaStart: number
  betaEnd: number
  betaSchedule: z.infer<typeof BetaSchedule>
  timestepSpacing: z.infer<typeof TimestepSpacing>
  setAlphaToOne: boolean
  clipSample: boolean
}

// diffusers' constructor defaults per class. Classes we fall back from keep their own defaults
// for the shared keys (PNDM: set_alpha_to_one False, leading) so the betas and timesteps match.
const LINEAR = { betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear' } as const
const DEFAULTS: Record<string, ClassDefaults> = {
  EulerDiscreteScheduler: { ...LINEAR, timestepSpacing: 'linspace', setAlphaToOne: true, clipSample: false },
  EulerAncestralDiscreteScheduler: { ...LINEAR, timestepSpacing: 'linspace', setAlphaToOne: true, clipSample: false },
  DDIMScheduler: { ...LINEAR, timestepSpacing: 'leading', setAlphaToOne: true, clipSample: true },
  LCMScheduler: { betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear', timestepSpacing: 'leading', setAlphaToOne: true, clipSample: false },
  PNDMScheduler: { ...LINEAR, timestepSpacing: 'leading', setAlphaToOne: false, clipSample: false },
  DDPMScheduler: { ...LINEAR, timestepSpacing: 'leading', setAlphaToOne: true, clipSample: false },
}
/** Other discrete schedulers (DPM-Solver, LMS, Heun, UniPC, …) default to linspace spacing. */
const OTHER_DEFAULTS: ClassDefaults = { ...LINEAR, timestepSpacing: 'linspace', setAlphaToOne: true, clipSample: false }

const EXACT: Record<string, SchedulerKind> = {
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler-ancestral',
  DDIMScheduler: 'ddim',
  LCMScheduler: 'lcm',
}

/**
 * The sampler for a config's `_class_name`: Euler, Euler ancestral, DDIM and LCM run as named;
 * every other discrete-time scheduler (PNDM, SD 1.5's default, DPM-Solver, LMS, …) runs as DDIM
 * with the same betas, and `note` says so. Flow-matching schedulers (SD3, Flux) have no betas to
 * share and are refused.
 */
export function schedulerKindFor(className: string): { kind: SchedulerKind; note?: string } {
  const exact = EXACT[className]
  if (exact) return { kind: exact }
  if (/^FlowMatch/i.test(className))
    throw new OnnxModelError(`${className} is a flow-matching scheduler (SD3/Flux), which this pipeline cannot run; use a Stable Diffusion 1.x/2.x or LCM export`)
  return { kind: 'ddim', note: `${className} is not implemented; sampling with DDIM (eta 0) on the same noise schedule instead` }
}

/** Parses a scheduler_config.json object; a bad one is an OnnxModelError naming `source`. */
export function parseSchedulerConfig(raw: unknown, source = 'scheduler_config.json'): SchedulerConfig {
  const parsed = SchedulerConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 4)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    throw new OnnxModelError(`${source} is not a diffusers scheduler config (${issues}); re-export the model or fix the file`)
  }
  return parsed.data
}

/** Settings that change sampling in diffusers but that we do not implement: named in the note. */
function ignoredOptions(raw: Record<string, unknown>): string[] {
  const out: string[] = []
  const flag = (key: string) => raw[key] === true && out.push(`${key}=true`)
  flag('use_karras_sigmas')
  flag('use_exponential_sigmas')
  flag('use_beta_sigmas')
  flag('rescale_betas_zero_snr')
  flag('thresholding')
  if (typeof raw.interpolation_type === 'string' && raw.interpolation_type !== 'linear') out.push(`interpolation_type=${raw.interpolation_type}`)
  if (typeof raw.timestep_type === 'string' && raw.timestep_type !== 'discrete') out.push(`timestep_type=${raw.timestep_type}`)
  if (typeof raw.final_sigmas_type === 'string' && raw.final_sigmas_type !== 'zero') out.push(`final_sigmas_type=${raw.final_sigmas_type}`)
  return out
}

/** The config with every default filled in from its class, plus the sampler that runs it. */
export function resolveSchedulerConfig(input: SchedulerConfigInput): ResolvedSchedulerConfig {
  const c = parseSchedulerConfig(input)
  const { kind, note } = schedulerKindFor(c._class_name)
  const d = DEFAULTS[c._class_name] ?? OTHER_DEFAULTS
  const ignored = ignoredOptions(c as Record<string, unknown>)
  const notes = [note, ignored.length ? `ignored (not implemented): ${ignored.join(', ')}` : undefined].filter((n): n is string => !!n)
  const numTrainTimesteps = c.num_train_timesteps ?? 1000
  if (c.trained_betas && c.trained_betas.length !== numTrainTimesteps)
    throw new OnnxModelError(`scheduler_config.json: trained_betas has ${c.trained_betas.length} values but num_train_timesteps is ${numTrainTimesteps}`)
  return {
    kind,
    className: c._class_name,
    numTrainTimesteps,
    betaStart: c.beta_start ?? d.betaStart,
    betaEnd: c.beta_end ?? d.betaEnd,
    betaSchedule: c.beta_schedule ?? d.betaSchedule,
    trainedBetas: c.trained_betas ?? undefined,
    predictionType: c.prediction_type ?? 'epsilon',
    timestepSpacing: c.timestep_spacing ?? d.timestepSpacing,
    stepsOffset: c.steps_offset ?? 0,
    setAlphaToOne: c.set_alpha_to_one ?? d.setAlphaToOne,
    clipSample: c.clip_sample ?? d.clipSample,
    clipSampleRange: c.clip_sample_range ?? 1,
    originalInferenceSteps: c.original_inference_steps ?? 50,
    timestepScaling: c.timestep_scaling ?? 10,
    note: notes.length ? notes.join('; ') : undefined,
  }
}

/**
 * Reads and validates scheduler_config.json. `path` is the file, the export's scheduler/ folder,
 * or the model folder holding it.
 */
export function loadSchedulerConfig(path: string): SchedulerConfig {
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile()
  const file = [path, join(path, 'scheduler_config.json'), join(path, 'scheduler', 'scheduler_config.json')].find(isFile)
  if (!file) throw new OnnxModelError(`${path}: no scheduler_config.json found (looked for it there, in scheduler_config.json and scheduler/scheduler_config.json); the export's scheduler/ folder names the sampler`)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new OnnxModelError(`${file} is not valid JSON (${(e as Error).message}); it should be diffusers' scheduler config`, { cause: e })
  }
  return parseSchedulerConfig(raw, file)
}
