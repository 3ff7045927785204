/**
 * The `onnx` segment generator: a diffusers ONNX export in models/diffusion/<name>/ (see
 * models/README.md) run with onnxruntime-node, shots animated Deforum-style (animate.ts).
 * The export's folder is checked when the generator is made; its sessions load on the first
 * shot (or `prepare()`) and are shared by every shot of the render.
 */
import { z } from 'zod'
import type { Segment } from '../../../schemas/index.js'
import type { GenerateContext, SegmentGenerator, SegmentRequest } from '../types.js'
import { animateShot, type AnimationSettings } from './animate.js'
import { requireVaeEncoder, type DiffusionModelLayout } from './layout.js'
import { createDiffusionPipeline, type DiffusionPipeline } from './pipeline.js'
import { createSessionLoader, resolveProvider, type OnnxProvider, type RunTrace } from './sessions.js'

export { OnnxModelError } from './errors.js'
export { locateDiffusionModel, modelsDirectory, type DiffusionModelLayout } from './layout.js'
export { createDiffusionPipeline, type DiffusionPipeline, type ImageToImageParams, type TextToImageParams } from './pipeline.js'
export { createSessionLoader, openDiffusionSessions, resolveProvider, type DiffusionSessions, type OnnxProvider, type RunTrace } from './sessions.js'
export { warpRgb, type Warp2d } from './warp.js'

const unit = z.number().min(0).max(1)

/** The tunable settings (all optional); checked when the generator is made. */
export const OnnxGeneratorSettings = z
  .object({
    /** Inference steps of a full run (image-to-image runs round(steps × strength)). Default 20, LCM 4. */
    steps: z.number().int().min(1).max(1000).optional(),
    /** CFG scale. Default 7.5; LCM UNets with timestep_cond 8.5 (embedded, diffusers' default); other LCM 1. */
    guidance: z.number().min(0).max(50).optional(),
    /** Image-to-image strength of each animated frame. Default 0.35. */
    strength: unit.optional(),
    /** Extra strength on a full percussive hit. Default 0.25. */
    hitStrength: unit.optional(),
    /** First frame of a continuing shot (0: the previous last frame, warped, as is). Default: `strength`. */
    continueStrength: unit.optional(),
    /** First frame from an entity's reference keyframe. Default 0.6. */
    referenceStrength: unit.optional(),
    /** Diffuse every N-th frame, warp only in between. Default 1. */
    cadence: z.number().int().min(1).max(64).optional(),
    /** Camera motion multiplier. Default 1. */
    motion: z.number().min(0).max(20).optional(),
    /** Longest side of the diffusion size (output is scaled to fit). Default 768. */
    maxSide: z.number().int().min(64).max(4096).optional(),
    negativePrompt: z.string().optional(),
    /** Keep every diffused frame's colours on the first frame's. Default true. */
    colourCoherence: z.boolean().optional(),
  })
  .strict()
export type OnnxGeneratorSettings = z.infer<typeof OnnxGeneratorSettings>

export interface OnnxGeneratorOptions extends OnnxGeneratorSettings {
  /** Folder name in `<models>/diffusion/` (or `<models>/`), or an absolute path to an export. */
  model: string
  /** Default: env LONGAV_MODELS_DIR, else the package's models/. */
  modelsDir?: string
  /** 'cpu' | 'cuda' | 'dml' | 'coreml'; default env LONGAV_ONNX_PROVIDER, else 'cpu'. */
  provider?: string
  onLog?: (message: string) => void
  /** Observes every session run (tests check the plumbing with it). */
  onRun?: (trace: RunTrace) => void
}

export interface OnnxGenerator extends SegmentGenerator {
  readonly layout: DiffusionModelLayout
  readonly provider: OnnxProvider
  /** Loads and checks every session now instead of on the first shot. */
  prepare(): Promise<void>
  /** Frees the sessions (a later shot loads them again). */
  release(): Promise<void>
}

export const DEFAULT_NEGATIVE_PROMPT = 'blurry, low quality, jpeg artifacts, watermark, text, deformed'

/** Frames a request may ask for: every frame is a diffusion, so shots are kept short. */
export const ONNX_MAX_FRAMES = 240

/** The settings for a loaded pipeline: the user's values over defaults that suit its sampler. */
export function animationSettings(s: OnnxGeneratorSettings, pipeline: Pick<DiffusionPipeline, 'schedulerKind' | 'embedsGuidance'>): AnimationSettings {
  const lcm = pipeline.schedulerKind === 'lcm'
  const strength = s.strength ?? 0.35
  return {
    steps: s.steps ?? (lcm ? 4 : 20),
    guidance: s.guidance ?? (pipeline.embedsGuidance ? 8.5 : lcm ? 1 : 7.5),
    negativePrompt: s.negativePrompt ?? DEFAULT_NEGATIVE_PROMPT,
    strength,
    hitStrength: s.hitStrength ?? 0.25,
    continueStrength: s.continueStrength ?? strength,
    referenceStrength: s.referenceStrength ?? 0.6,
    cadence: s.cadence ?? 1,
    motion: s.motion ?? 1,
    colourCoherence: s.colourCoherence ?? true,
  }
}

/**
 * `--generator onnx`: checks the export's folder now (an OnnxModelError names what is missing),
 * loads the sessions lazily on the chosen execution provider, and renders each shot with
 * animateShot. Id `onnx:<model>`.
 */
export function createOnnxGenerator(opts: OnnxGeneratorOptions): OnnxGenerator {
  const { model, modelsDir, provider: providerOption, onLog, onRun, ...rest } = opts
  const parsed = OnnxGeneratorSettings.safeParse(rest)
  if (!parsed.success)
    throw new RangeError(`onnx generator: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const settings = parsed.data
  const provider = resolveProvider(providerOption)
  const loader = createSessionLoader({ model, modelsDir, provider, onRun })
  requireVaeEncoder(loader.layout)
  const id = `onnx:${model}`

  let ready: Promise<{ pipeline: DiffusionPipeline; settings: AnimationSettings }> | undefined
  const load = () =>
    (ready ??= loader.get().then((sessions) => {
      const pipeline = createDiffusionPipeline(sessions)
      const s = animationSettings(settings, pipeline)
      onLog?.(
        `${id}: ${sessions.layout.dir} on ${provider}, ${sessions.scheduler.kind} sampler${sessions.scheduler.note ? ` (${sessions.scheduler.note})` : ''}, ` +
          `${s.steps} steps, guidance ${s.guidance}${pipeline.embedsGuidance ? ' (embedded, LCM)' : ''}, strength ${s.strength}`,
      )
      return { pipeline, settings: s }
    }))

  return {
    id,
    layout: loader.layout,
    provider,
    capabilities: { audioConditioned: false, keyframeIn: true, referenceImages: true, maxFrames: ONNX_MAX_FRAMES },
    async generate(req: SegmentRequest, ctx: GenerateContext): Promise<Segment> {
      const { pipeline, settings: s } = await load()
      return animateShot(req, ctx, { pipeline, settings: s, maxSide: settings.maxSide ?? 768, generatorId: id, onLog })
    },
    async prepare() {
      await load()
    },
    async release() {
      ready = undefined
      await loader.release()
    },
  }
}
