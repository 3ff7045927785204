/**
 * The loaded parts of one diffusion export: four onnxruntime sessions (validated against the
 * contract in layout.ts), the tokenizer and the scheduler config. Loaded once per render and
 * shared by every shot (`createSessionLoader`); the execution provider comes from the option,
 * else env LONGAV_ONNX_PROVIDER, else the CPU.
 */
import * as ort from 'onnxruntime-node'
import { config, OnnxProvider } from '../../../config.js'
import { OnnxModelError } from './errors.js'
import {
  locateDiffusionModel,
  validateTextEncoderIo,
  validateUnetIo,
  validateVaeDecoderIo,
  validateVaeEncoderIo,
  type DiffusionModelLayout,
  type TextEncoderIo,
  type UnetIo,
  type VaeDecoderIo,
  type VaeEncoderIo,
} from './layout.js'
import { loadSchedulerConfig, resolveSchedulerConfig, type SchedulerConfig, type SchedulerKind } from './schedulerConfig.js'
import { loadClipTokenizer } from './tokenizer.js'
import type { ClipTokenizer } from './types.js'

export { OnnxProvider }

/** The execution provider: the option, else env LONGAV_ONNX_PROVIDER (validated in src/config.ts), else 'cpu'. */
export function resolveProvider(option?: string): OnnxProvider {
  if (option === undefined) return config().onnxProvider ?? 'cpu'
  const raw = option.trim().toLowerCase()
  const parsed = OnnxProvider.safeParse(raw)
  if (!parsed.success) throw new OnnxModelError(`unknown ONNX execution provider "${raw}": use one of ${OnnxProvider.options.join(', ')}`)
  return parsed.data
}

// ---------------------------------------------------------------------------------------------
// float16 <-> float32 (fp16 exports take and return IEEE half floats as Uint16Array)

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE 754 binary32 → binary16 bits, round to nearest even, with subnormals and ±Inf/NaN. */
export function toHalf(v: number): number {
  f32[0] = v
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    let half = mant >>> shift
    const rest = mant & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    if (rest > mid || (rest === mid && half & 1)) half++
    return sign | half
  }
  let half = sign | (e << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++
  return half
}

/** IEEE 754 binary16 bits → number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? NaN : sign * Infinity
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

/** A float tensor of the declared element type from float32 values. */
export function floatTensor(data: Float32Array, type: 'float32' | 'float16', dims: readonly number[]): ort.Tensor {
  if (type === 'float32') return new ort.Tensor('float32', data, dims)
  const half = new Uint16Array(data.length)
  for (let i = 0; i < data.length; i++) half[i] = toHalf(data[i])
  return new ort.Tensor('float16', half, dims)
}

/** Float32 values of a float32 or float16 output tensor (a copy: session outputs are released). */
export function tensorFloats(t: ort.Tensor, file: string, name: string): Float32Array {
  if (t.type === 'float32') return Float32Array.from(t.data as Float32Array)
  if (t.type === 'float16') {
    const h = t.data as Uint16Array
    const out = new Float32Array(h.length)
    for (let i = 0; i < h.length; i++) out[i] = fromHalf(h[i])
    return out
  }
  throw new OnnxModelError(`${file}: output "${name}" is ${t.type}, expected float32 or float16`)
}

// ---------------------------------------------------------------------------------------------

/** What a traced run fed a session: per input, element type and dims (for tests and logs). */
export interface RunTrace {
  part: 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder'
  inputs: Record<string, { type: string; dims: readonly number[] }>
}

export interface LoadedPart<Io> {
  file: string
  io: Io
  /** Runs the session; failures become OnnxModelError naming the file. Returns the named outputs. */
  run(feeds: Record<string, ort.Tensor>, outputs: string[]): Promise<Record<string, ort.Tensor>>
}

export interface DiffusionSessions {
  layout: DiffusionModelLayout
  provider: OnnxProvider
  tokenizer: ClipTokenizer
  /** scheduler_config.json as parsed, the sampler that runs it, and why it differs from the named one. */
  scheduler: { config: SchedulerConfig; kind: SchedulerKind; note?: string }
  textEncoder: LoadedPart<TextEncoderIo>
  unet: LoadedPart<UnetIo>
  vaeDecoder: LoadedPart<VaeDecoderIo>
  vaeEncoder?: LoadedPart<VaeEncoderIo>
  release(): Promise<void>
}

export interface OpenSessionsOptions {
  provider?: OnnxProvider
  /** Called before every session run with what it is fed (tests check the plumbing with it). */
  onRun?: (trace: RunTrace) => void
}

async function createSession(file: string, provider: OnnxProvider): Promise<ort.InferenceSession> {
  // Every accelerator falls back to the CPU for the operators it lacks.
  const executionProviders = provider === 'cpu' ? ['cpu'] : [provider, 'cpu']
  try {
    // Severity 3 (errors only): onnxruntime would otherwise write its warnings to stderr itself.
    return await ort.InferenceSession.create(file, { executionProviders, graphOptimizationLevel: 'all', logSeverityLevel: 3 })
  } catch (e) {
    const msg = (e as Error).message
    const hint =
      provider === 'cpu'
        ? 'the file is not a valid ONNX model (a partial download or a Git LFS pointer?); re-export it'
        : `the ${provider} execution provider may be missing from this onnxruntime-node build (for CUDA: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node), or unset LONGAV_ONNX_PROVIDER to run on the CPU`
    throw new OnnxModelError(`${file}: onnxruntime cannot load it (${msg.split('\n')[0]}): ${hint}`)
  }
}

function wrap<Io>(
  part: RunTrace['part'],
  file: string,
  session: ort.InferenceSession,
  io: Io,
  onRun?: (t: RunTrace) => void,
): LoadedPart<Io> {
  return {
    file,
    io,
    async run(feeds, outputs) {
      onRun?.({ part, inputs: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { type: t.type, dims: t.dims }])) })
      let result: ort.InferenceSession.OnnxValueMapType
      try {
        result = await session.run(feeds, outputs)
      } catch (e) {
        throw new OnnxModelError(`${file}: inference failed (${(e as Error).message.split('\n')[0]})`)
      }
      const out: Record<string, ort.Tensor> = {}
      for (const name of outputs) {
        const t = result[name] as ort.Tensor | undefined
        if (!t) throw new OnnxModelError(`${file}: output "${name}" missing from the result`)
        out[name] = t
      }
      return out
    },
  }
}

/** Opens and validates every part of an export. Everything opened is released if a later part fails. */
export async function openDiffusionSessions(layout: DiffusionModelLayout, opts: OpenSessionsOptions = {}): Promise<DiffusionSessions> {
  const provider = opts.provider ?? 'cpu'
  const opened: ort.InferenceSession[] = []
  const open = async (file: string) => {
    const s = await createSession(file, provider)
    opened.push(s)
    return s
  }
  const releaseAll = () => Promise.all(opened.map((s) => s.release().catch(() => undefined))).then(() => undefined)
  try {
    const config = loadSchedulerConfig(layout.schedulerConfig)
    const { kind, note } = resolveSchedulerConfig(config)
    const scheduler = { config, kind, note }
    let tokenizer: ClipTokenizer
    try {
      tokenizer = await loadClipTokenizer(layout.tokenizerDir)
    } catch (e) {
      if (e instanceof OnnxModelError) throw e
      throw new OnnxModelError(`${layout.tokenizerDir}: the tokenizer cannot be read (${(e as Error).message})`)
    }

    const te = await open(layout.textEncoder)
    const teIo = validateTextEncoderIo(te, layout.textEncoder)
    const un = await open(layout.unet)
    const unIo = validateUnetIo(un, layout.unet, layout.unetConfig)
    const vd = await open(layout.vaeDecoder)
    const vdIo = validateVaeDecoderIo(vd, layout.vaeDecoder)
    let vaeEncoder: LoadedPart<VaeEncoderIo> | undefined
    if (layout.vaeEncoder) {
      const ve = await open(layout.vaeEncoder)
      vaeEncoder = wrap('vae_encoder', layout.vaeEncoder, ve, validateVaeEncoderIo(ve, layout.vaeEncoder), opts.onRun)
    }

    // The parts must agree with each other and with the tokenizer.
    if (teIo.sequence !== undefined && teIo.sequence !== tokenizer.maxLength)
      throw new OnnxModelError(`${layout.textEncoder}: input "input_ids" is fixed at ${teIo.sequence} tokens, the tokenizer pads to ${tokenizer.maxLength}`)
    if (unIo.sequence !== undefined && unIo.sequence !== tokenizer.maxLength)
      throw new OnnxModelError(`${layout.unet}: input "encoder_hidden_states" is fixed at ${unIo.sequence} tokens, the tokenizer pads to ${tokenizer.maxLength}`)
    if (teIo.hidden !== undefined && unIo.hidden !== undefined && teIo.hidden !== unIo.hidden)
      throw new OnnxModelError(
        `${layout.unet}: input "encoder_hidden_states" is ${unIo.hidden} wide but the text encoder gives ${teIo.hidden}: the parts come from different models`,
      )

    return {
      layout,
      provider,
      tokenizer,
      scheduler,
      textEncoder: wrap('text_encoder', layout.textEncoder, te, teIo, opts.onRun),
      unet: wrap('unet', layout.unet, un, unIo, opts.onRun),
      vaeDecoder: wrap('vae_decoder', layout.vaeDecoder, vd, vdIo, opts.onRun),
      vaeEncoder,
      release: releaseAll,
    }
  } catch (e) {
    await releaseAll()
    throw e
  }
}

export interface SessionLoaderOptions extends OpenSessionsOptions {
  model: string
  modelsDir?: string
}

export interface SessionLoader {
  /** The export's folder, checked when the loader is made (no model loaded yet). */
  layout: DiffusionModelLayout
  /** Loads the sessions on first use; later calls share them (a failure is remembered, not retried). */
  get(): Promise<DiffusionSessions>
  release(): Promise<void>
}

/** Locates the export now (errors early) and loads its sessions lazily, once. */
export function createSessionLoader(opts: SessionLoaderOptions): SessionLoader {
  const layout = locateDiffusionModel({ model: opts.model, modelsDir: opts.modelsDir })
  let loading: Promise<DiffusionSessions> | undefined
  return {
    layout,
    get() {
      loading ??= openDiffusionSessions(layout, opts)
      return loading
    },
    async release() {
      const l = loading
      loading = undefined
      if (!l) return
      const s = await l.catch(() => undefined)
      await s?.release()
    },
  }
}
