/**
 * Where a diffusers ONNX export lives and what it must look like (models/README.md, "ONNX
 * diffusion"). Two halves: `locateDiffusionModel` checks the folder and its small JSON files
 * without loading anything; the `*Io` validators check the names, ranks and element types a
 * loaded session declares, against the contract of diffusers' and optimum's exports:
 *
 *   text_encoder  in  input_ids              int32|int64 [B, 77]
 *                 out last_hidden_state      float [B, 77, D]   (+ pooler_output, unused)
 *   unet          in  sample                 float [B, 4, h, w]
 *                     timestep               float32|float16|int64|int32, [] or [1] or [B]
 *                     encoder_hidden_states  float [B, 77, D]
 *                     timestep_cond          float [B, Dc]      (optional: LCM-distilled UNets)
 *                 out out_sample             float [B, 4, h, w]
 *   vae_decoder   in  latent_sample          float [B, 4, h, w]
 *                 out sample                 float [B, 3, 8h, 8w] in [-1, 1]
 *   vae_encoder   in  sample                 float [B, 3, 8h, 8w] in [-1, 1]
 *                 out latent_sample [B, 4, h, w] (diffusers' converter, older optimum)
 *                     or latent_parameters [B, 8, h, w] (optimum ≥ 1.14: mean then log-variance)
 *
 * "float" is float32 or float16 (fp16 exports for GPUs).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { listModelFolders, modelsDirectory, presentList } from '../../../models/index.js'
import { OnnxModelError } from './errors.js'

export { modelsDirectory }

/** SD 1.x/2.x VAE latent scale, used when vae_decoder/config.json does not say. */
export const DEFAULT_SCALING_FACTOR = 0.18215

/** model_index.json as diffusers and optimum write it; only the class name is read. */
export const ModelIndex = z.object({ _class_name: z.string().optional() }).passthrough()

/** vae_decoder/config.json (diffusers' AutoencoderKL config): the latent scale and shift. */
export const VaeConfig = z
  .object({
    scaling_factor: z.number().positive().optional(),
    shift_factor: z.number().nullable().optional(),
    latent_channels: z.number().int().positive().optional(),
    block_out_channels: z.array(z.number().int().positive()).min(1).optional(),
  })
  .passthrough()
export type VaeConfig = z.infer<typeof VaeConfig>

/** unet/config.json: the size of LCM's guidance embedding when the ONNX shape leaves it symbolic. */
export const UnetConfig = z
  .object({
    time_cond_proj_dim: z.number().int().positive().nullable().optional(),
    in_channels: z.number().int().positive().optional(),
  })
  .passthrough()
export type UnetConfig = z.infer<typeof UnetConfig>

export interface DiffusionModelLayout {
  name: string
  dir: string
  textEncoder: string
  unet: string
  vaeDecoder: string
  /** Absent: text-to-image only (the animation needs it; `requireVaeEncoder`). */
  vaeEncoder?: string
  tokenizerDir: string
  schedulerConfig: string
  /** model_index.json's `_class_name`, when the file is there. */
  pipelineClass?: string
  /** Latents = scalingFactor × (encoder output − shiftFactor); decoding inverts it. */
  scalingFactor: number
  shiftFactor: number
  /** Pixels per latent cell (8 for SD's VAE): 2^(len(block_out_channels) − 1) when the config says. */
  vaeScaleFactor: number
  unetConfig: UnetConfig
}

/** Files the tokenizer folder must hold (CLIP's byte-level BPE). */
export const TOKENIZER_FILES = ['vocab.json', 'merges.txt'] as const

const isFile = (p: string) => existsSync(p) && statSync(p).isFile()
const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory()

/**
 * The folder of model `model`: an absolute path to an export, else `<models>/diffusion/<model>/`,
 * else `<models>/<model>/`. Throws when none exists, naming where it looked.
 */
export function resolveModelDir(model: string, modelsDir?: string): string {
  if (!model.trim()) throw new OnnxModelError('no ONNX diffusion model named: pass the name of a folder in models/diffusion/ (--onnx-model NAME)')
  if (isAbsolute(model)) {
    if (isDir(model)) return model
    throw new OnnxModelError(`ONNX diffusion model folder ${model} does not exist`)
  }
  const root = modelsDirectory(modelsDir)
  const tried = [join(root, 'diffusion', model), join(root, model)]
  const found = tried.find(isDir)
  if (found) return found
  throw new OnnxModelError(
    `ONNX diffusion model "${model}" not found: looked in ${tried.join(' and ')} (present: ${presentList(diffusionModelNames(root))}). Export one with ` +
      `\`optimum-cli export onnx --model <hub id or folder> ${tried[0]}\` (see models/README.md)`,
  )
}

/** The exports in a models folder: the folders of `diffusion/`, and those beside it that hold a UNet or a model_index.json. */
export function diffusionModelNames(root: string): string[] {
  const nested = listModelFolders(join(root, 'diffusion'))
  const beside = [...listModelFolders(root, join('unet', 'model.onnx')), ...listModelFolders(root, 'model_index.json')]
  return [...new Set([...nested, ...beside])].sort()
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new OnnxModelError(`${file}: cannot be read as JSON (${(e as Error).message}); it should be the ${what} the export wrote`)
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new OnnxModelError(`${file}: ${issues}`)
  }
  return parsed.data
}

/**
 * Checks the folder of a diffusers ONNX export without loading any model: every part present,
 * the JSON files valid, and no architecture this pipeline cannot drive (SDXL's second text
 * encoder, SD3/Flux transformers).
 */
export function locateDiffusionModel(opts: { model: string; modelsDir?: string }): DiffusionModelLayout {
  const dir = resolveModelDir(opts.model, opts.modelsDir)
  const at = (...p: string[]) => join(dir, ...p)

  const indexFile = at('model_index.json')
  const pipelineClass = isFile(indexFile) ? readJson(indexFile, ModelIndex, 'model_index.json')._class_name : undefined

  if (isFile(at('transformer', 'model.onnx')) && !isFile(at('unet', 'model.onnx')))
    throw new OnnxModelError(
      `${at('transformer', 'model.onnx')}: transformer (DiT) exports such as SD3 and Flux are not supported yet; ` +
        'use a UNet model (Stable Diffusion 1.x/2.x, or an LCM-distilled one) exported with unet/model.onnx',
    )
  if (isDir(at('text_encoder_2')) || /XL/i.test(pipelineClass ?? ''))
    throw new OnnxModelError(
      `${dir}: Stable Diffusion XL exports (text_encoder_2, UNet inputs text_embeds/time_ids) are not supported yet; ` +
        'use a Stable Diffusion 1.x/2.x or LCM export',
    )

  const part = (sub: string, hint: string): string => {
    const file = at(sub, 'model.onnx')
    if (!isFile(file)) throw new OnnxModelError(`${file} is missing: ${hint}. Re-export the model (models/README.md)`)
    return file
  }
  const textEncoder = part('text_encoder', 'the CLIP text encoder (input_ids → last_hidden_state)')
  const unet = part('unet', 'the UNet (sample, timestep, encoder_hidden_states → out_sample)')
  const vaeDecoder = part('vae_decoder', 'the VAE decoder (latent_sample → sample)')
  const vaeEncoder = isFile(at('vae_encoder', 'model.onnx')) ? at('vae_encoder', 'model.onnx') : undefined

  const tokenizerDir = at('tokenizer')
  for (const f of TOKENIZER_FILES)
    if (!isFile(join(tokenizerDir, f)))
      throw new OnnxModelError(`${join(tokenizerDir, f)} is missing: the tokenizer folder needs ${TOKENIZER_FILES.join(' and ')} (CLIP's BPE vocabulary)`)

  const schedulerConfig = at('scheduler', 'scheduler_config.json')
  if (!isFile(schedulerConfig)) throw new OnnxModelError(`${schedulerConfig} is missing: it names the sampler and its noise schedule`)

  const vaeFile = at('vae_decoder', 'config.json')
  const vae: VaeConfig = isFile(vaeFile) ? readJson(vaeFile, VaeConfig, 'VAE config') : {}
  const unetFile = at('unet', 'config.json')
  const unetConfig: UnetConfig = isFile(unetFile) ? readJson(unetFile, UnetConfig, 'UNet config') : {}

  return {
    name: opts.model,
    dir,
    textEncoder,
    unet,
    vaeDecoder,
    vaeEncoder,
    tokenizerDir,
    schedulerConfig,
    pipelineClass,
    scalingFactor: vae.scaling_factor ?? DEFAULT_SCALING_FACTOR,
    shiftFactor: vae.shift_factor ?? 0,
    vaeScaleFactor: vae.block_out_channels ? 2 ** (vae.block_out_channels.length - 1) : 8,
    unetConfig,
  }
}

/** The VAE encoder, or an error saying why it is needed. */
export function requireVaeEncoder(layout: DiffusionModelLayout): string {
  if (layout.vaeEncoder) return layout.vaeEncoder
  throw new OnnxModelError(
    `${join(layout.dir, 'vae_encoder', 'model.onnx')} is missing: image-to-image (every animated frame, continuing shots, ` +
      "reference keyframes) encodes pictures with it. optimum-cli's export writes it; re-export the model",
  )
}

// ---------------------------------------------------------------------------------------------
// I/O contracts of the loaded sessions

/** What `validate*Io` read from a session: its names and declared metadata. */
export interface SessionSignature {
  inputNames: readonly string[]
  outputNames: readonly string[]
  inputMetadata: readonly ort.InferenceSession.ValueMetadata[]
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[]
}

export type FloatType = 'float32' | 'float16'
export type IdType = 'int32' | 'int64'
export type TimestepType = 'float32' | 'float16' | 'int64' | 'int32'
/** A declared dimension: a number when fixed, undefined when symbolic or unknown. */
export type Dim = number | undefined

interface Declared {
  type?: string
  /** undefined: no shape declared (anything goes). */
  shape?: Dim[]
}

function declared(meta: readonly ort.InferenceSession.ValueMetadata[], name: string): Declared {
  const m = meta.find((v) => v.name === name)
  if (!m || !m.isTensor) return {}
  return {
    type: m.type,
    shape: m.shape.length === 0 ? undefined : m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined)),
  }
}

function declaredScalarAware(meta: readonly ort.InferenceSession.ValueMetadata[], name: string): Declared & { rank?: number } {
  const m = meta.find((v) => v.name === name)
  if (!m || !m.isTensor) return {}
  // A scalar and "shape unknown" both come back as []: treat [] as rank 0 (optimum's scalar timestep).
  return { type: m.type, rank: m.shape.length, shape: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined)) }
}

const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ') || 'none'

function need(sig: SessionSignature, file: string, kind: 'input' | 'output', name: string, expect: string): Declared {
  const names = kind === 'input' ? sig.inputNames : sig.outputNames
  if (!names.includes(name))
    throw new OnnxModelError(`${file}: ${kind} "${name}" not found (the model has ${list(names)}); expected ${name}: ${expect}`)
  return declared(kind === 'input' ? sig.inputMetadata : sig.outputMetadata, name)
}

function checkType<T extends string>(d: Declared, allowed: readonly T[], file: string, what: string): T {
  if (d.type === undefined) return allowed[0]
  if (!(allowed as readonly string[]).includes(d.type)) throw new OnnxModelError(`${file}: ${what} is ${d.type}, expected ${allowed.join(' or ')}`)
  return d.type as T
}

function checkRank(d: Declared, rank: number, file: string, what: string, expect: string): Dim[] {
  if (!d.shape) return new Array<Dim>(rank).fill(undefined)
  if (d.shape.length !== rank) throw new OnnxModelError(`${file}: ${what} has rank ${d.shape.length}, expected ${expect}`)
  return d.shape
}

function noOtherInputs(sig: SessionSignature, file: string, known: readonly string[], hint: string): void {
  const extra = sig.inputNames.filter((n) => !known.includes(n))
  if (extra.length) throw new OnnxModelError(`${file}: unexpected input ${list(extra)} (${hint}); expected only ${list(known)}`)
}

const FLOATS: readonly FloatType[] = ['float32', 'float16']

/** Parts run one picture or prompt at a time: a batch pinned to anything but 1 cannot be fed. */
function batchOfOne(batch: Dim, file: string, what: string): void {
  if (batch !== undefined && batch !== 1)
    throw new OnnxModelError(`${file}: ${what} is exported with a fixed batch of ${batch}; re-export with a dynamic batch axis (optimum-cli does)`)
}

export interface TextEncoderIo {
  idType: IdType
  /** Fixed sequence length when the export pins it. */
  sequence: Dim
  hiddenType: FloatType
  hidden: Dim
  batch: Dim
}

export function validateTextEncoderIo(sig: SessionSignature, file: string): TextEncoderIo {
  noOtherInputs(sig, file, ['input_ids'], 'diffusers\' text encoders take token ids only')
  const ids = need(sig, file, 'input', 'input_ids', 'int32 [batch, 77]')
  const idType = checkType(ids, ['int32', 'int64'] as const, file, 'input "input_ids"')
  const [batch, sequence] = checkRank(ids, 2, file, 'input "input_ids"', '[batch, 77]')
  const out = need(sig, file, 'output', 'last_hidden_state', 'float32 [batch, 77, D]')
  const hiddenType = checkType(out, FLOATS, file, 'output "last_hidden_state"')
  const [, , hidden] = checkRank(out, 3, file, 'output "last_hidden_state"', '[batch, 77, D]')
  batchOfOne(batch, file, 'input "input_ids"')
  return { idType, sequence, hiddenType, hidden, batch }
}

export interface UnetIo {
  sampleType: FloatType
  /** Fixed batch size when the export pins it (then CFG runs as separate calls). */
  batch: Dim
  channels: Dim
  /** Fixed latent size when the export pins it (the render size follows). */
  latentHeight: Dim
  latentWidth: Dim
  timestepType: TimestepType
  /** How the timestep is fed: a scalar, one value, or one per batch item. */
  timestepShape: 'scalar' | 'one' | 'batch'
  hiddenType: FloatType
  hidden: Dim
  sequence: Dim
  /** Present for LCM-distilled UNets: the guidance-scale embedding. */
  timestepCond?: { type: FloatType; dim: number }
  outputType: FloatType
}

export function validateUnetIo(sig: SessionSignature, file: string, config: UnetConfig = {}): UnetIo {
  noOtherInputs(
    sig,
    file,
    ['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond'],
    'inputs such as text_embeds/time_ids belong to SDXL, which is not supported yet',
  )
  const sample = need(sig, file, 'input', 'sample', 'float32 [batch, 4, h, w]')
  const sampleType = checkType(sample, FLOATS, file, 'input "sample"')
  const [batch, channels, latentHeight, latentWidth] = checkRank(sample, 4, file, 'input "sample"', '[batch, 4, h, w]')

  need(sig, file, 'input', 'timestep', 'float32 or int64, shape [], [1] or [batch]')
  const ts = declaredScalarAware(sig.inputMetadata, 'timestep')
  const timestepType = checkType(ts, ['float32', 'float16', 'int64', 'int32'] as const, file, 'input "timestep"')
  let timestepShape: UnetIo['timestepShape']
  if (ts.rank === undefined || ts.rank === 0) timestepShape = 'scalar'
  else if (ts.rank === 1) timestepShape = ts.shape?.[0] === 1 ? 'one' : 'batch'
  else throw new OnnxModelError(`${file}: input "timestep" has rank ${ts.rank}, expected a scalar, [1] or [batch]`)

  const ehs = need(sig, file, 'input', 'encoder_hidden_states', 'float32 [batch, 77, D]')
  const hiddenType = checkType(ehs, FLOATS, file, 'input "encoder_hidden_states"')
  const [, sequence, hidden] = checkRank(ehs, 3, file, 'input "encoder_hidden_states"', '[batch, 77, D]')

  let timestepCond: UnetIo['timestepCond']
  if (sig.inputNames.includes('timestep_cond')) {
    const tc = declared(sig.inputMetadata, 'timestep_cond')
    const type = checkType(tc, FLOATS, file, 'input "timestep_cond"')
    const [, dim] = checkRank(tc, 2, file, 'input "timestep_cond"', '[batch, time_cond_proj_dim]')
    const size = dim ?? config.time_cond_proj_dim ?? undefined
    if (!size)
      throw new OnnxModelError(
        `${file}: input "timestep_cond" has a symbolic size and unet/config.json gives no time_cond_proj_dim; add the UNet's config.json beside model.onnx`,
      )
    timestepCond = { type, dim: size }
  }

  const out = need(sig, file, 'output', 'out_sample', 'float32 [batch, 4, h, w]')
  const outputType = checkType(out, FLOATS, file, 'output "out_sample"')
  checkRank(out, 4, file, 'output "out_sample"', '[batch, 4, h, w]')
  if (channels !== undefined && channels !== 4)
    throw new OnnxModelError(`${file}: input "sample" has ${channels} channels, expected 4 (inpainting UNets with 9 are not supported)`)
  return { sampleType, batch, channels, latentHeight, latentWidth, timestepType, timestepShape, hiddenType, hidden, sequence, timestepCond, outputType }
}

export interface VaeDecoderIo {
  inputType: FloatType
  outputType: FloatType
}

export function validateVaeDecoderIo(sig: SessionSignature, file: string): VaeDecoderIo {
  noOtherInputs(sig, file, ['latent_sample'], 'a VAE decoder takes latents only')
  const input = need(sig, file, 'input', 'latent_sample', 'float32 [batch, 4, h, w]')
  const inputType = checkType(input, FLOATS, file, 'input "latent_sample"')
  batchOfOne(checkRank(input, 4, file, 'input "latent_sample"', '[batch, 4, h, w]')[0], file, 'input "latent_sample"')
  const out = need(sig, file, 'output', 'sample', 'float32 [batch, 3, 8h, 8w]')
  const outputType = checkType(out, FLOATS, file, 'output "sample"')
  checkRank(out, 4, file, 'output "sample"', '[batch, 3, 8h, 8w]')
  return { inputType, outputType }
}

export interface VaeEncoderIo {
  inputType: FloatType
  output: 'latent_sample' | 'latent_parameters'
  outputType: FloatType
}

export function validateVaeEncoderIo(sig: SessionSignature, file: string): VaeEncoderIo {
  noOtherInputs(sig, file, ['sample'], 'a VAE encoder takes pictures only')
  const input = need(sig, file, 'input', 'sample', 'float32 [batch, 3, H, W]')
  const inputType = checkType(input, FLOATS, file, 'input "sample"')
  batchOfOne(checkRank(input, 4, file, 'input "sample"', '[batch, 3, H, W]')[0], file, 'input "sample"')
  const output = sig.outputNames.includes('latent_sample') ? 'latent_sample' : sig.outputNames.includes('latent_parameters') ? 'latent_parameters' : undefined
  if (!output)
    throw new OnnxModelError(
      `${file}: output "latent_sample" (or optimum's "latent_parameters") not found (the model has ${list(sig.outputNames)}); expected latents [batch, 4, h, w]`,
    )
  const out = declared(sig.outputMetadata, output)
  const outputType = checkType(out, FLOATS, file, `output "${output}"`)
  checkRank(out, 4, file, `output "${output}"`, '[batch, 4 or 8, h, w]')
  return { inputType, output, outputType }
}
