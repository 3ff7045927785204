/**
 * A tiny "diffusers ONNX export" written by the tests: the four models with exactly the real
 * exports' input/output names, ranks and element types, but tiny sizes (D = 8, latents of
 * h × w for pictures of 8h × 8w) and arithmetic that can be worked out by hand:
 *
 *   text_encoder  last_hidden_state[b, l, :] = TABLE[input_ids[b, l]]       (a Gather)
 *                 pooler_output[b, :]        = mean over l
 *   unet          out_sample = a·sample + b·mean(encoder_hidden_states[b]) + c·timestep
 *                              (+ dc·mean(timestep_cond[b]) when it takes timestep_cond)
 *   vae_decoder   sample = nearest ×8 upsample of a 1×1 conv: RGB = latent channels 0, 1, 2 / G
 *   vae_encoder   8×8 average pool, then a 1×1 conv: latent = G·(R, G, B, (R+G+B)/2)
 *                 (G = LATENT_GAIN: the round trip is exact, the latents have a real VAE's range)
 *                 (optimum's latent_parameters variant appends 4 log-variance channels of −10)
 *
 * plus a CLIP tokenizer with a vocabulary of 66 tokens (letters, a few words, the specials).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
const T = onnx.TensorProto.DataType
const AT = onnx.AttributeProto.AttributeType

export const HIDDEN = 8
export const SEQUENCE = 77
/**
 * The UNet's coefficients: c and dc small enough that one Euler step from σ ≈ 14.6 stays inside
 * the VAE's [−1, 1] (σ·c·999 ≈ 0.3); b large because prompts differ in few of 77 tokens.
 */
export const UNET = { a: 1, b: 1, c: 0.00002, dc: 0.01 }

/**
 * The VAE's latent gain: the encoder multiplies by it and the decoder divides, so that after
 * SD's 0.18215 latent scale a picture's latents span about ±1, like a real VAE's.
 */
export const LATENT_GAIN = 1 / 0.18215

// ---------------------------------------------------------------------------------------------
// Tokenizer: a..z, a</w>..z</w>, the merges of four words, then the specials.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('')
/** Merges, best first: they build neon</w>, city</w>, red</w> and night</w>. */
export const MERGES = ['n e', 'ne o', 'neo n</w>', 'c i', 'ci t', 'cit y</w>', 'r e', 're d</w>', 'n i', 'ni g', 'nig h', 'nigh t</w>']

export function tinyVocab(): Record<string, number> {
  const tokens = [...LETTERS, ...LETTERS.map((l) => `${l}</w>`), ...MERGES.map((m) => m.replace(' ', '')), '<|startoftext|>', '<|endoftext|>']
  if (tokens.indexOf('<|endoftext|>') !== EOS_ID) throw new Error('EOS_ID is out of date')
  return Object.fromEntries(tokens.map((t, i) => [t, i]))
}

/** Id of `<|endoftext|>`, also the padding: its embedding row is zero so padding adds nothing. */
export const EOS_ID = 65

/** The text encoder's embedding table: row v, column d. Distinct rows with mixed signs. */
export function tokenEmbedding(v: number, d: number): number {
  if (v === EOS_ID) return 0
  return (((v * 37 + d * 11) % 23) / 23 - 0.5) * 0.8
}

/** mean over the sequence and the width of last_hidden_state for these ids (what the UNet uses). */
export function meanEmbedding(ids: ArrayLike<number>): number {
  let s = 0
  for (let l = 0; l < ids.length; l++) for (let d = 0; d < HIDDEN; d++) s += tokenEmbedding(ids[l], d)
  return s / (ids.length * HIDDEN)
}

// ---------------------------------------------------------------------------------------------

type Dim = number | string
const dims = (ds: Dim[]) => ds.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
const value = (name: string, elemType: number, shape: Dim[]) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims(shape) } } } })
const floats = (name: string, shape: number[], data: number[]) => onnx.TensorProto.create({ name, dims: shape, dataType: T.FLOAT, floatData: data })
const ints64 = (name: string, data: number[]) => onnx.TensorProto.create({ name, dims: [data.length], dataType: T.INT64, int64Data: data })
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) =>
  onnx.NodeProto.create({ opType, input, output, name: `${opType}_${output[0]}`, attribute })
const intsAttr = (name: string, ints: number[]) => onnx.AttributeProto.create({ name, type: AT.INTS, ints })
const intAttr = (name: string, i: number) => onnx.AttributeProto.create({ name, type: AT.INT, i })
const strAttr = (name: string, s: string) => onnx.AttributeProto.create({ name, type: AT.STRING, s: new TextEncoder().encode(s) })

function model(name: string, graph: { node: object[]; initializer: object[]; input: object[]; output: object[] }): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'longav-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph: onnx.GraphProto.create({ name, ...graph }),
  })
  return onnx.ModelProto.encode(m).finish()
}

export function textEncoderOnnx(opts: { idType?: 'int32' | 'int64'; vocabSize: number; inputName?: string }): Uint8Array {
  const input = opts.inputName ?? 'input_ids'
  const table: number[] = []
  for (let v = 0; v < opts.vocabSize; v++) for (let d = 0; d < HIDDEN; d++) table.push(tokenEmbedding(v, d))
  return model('tiny-text-encoder', {
    node: [
      node('Gather', ['table', input], ['last_hidden_state'], [intAttr('axis', 0)]),
      node('ReduceMean', ['last_hidden_state'], ['pooler_output'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    ],
    initializer: [floats('table', [opts.vocabSize, HIDDEN], table)],
    input: [value(input, opts.idType === 'int64' ? T.INT64 : T.INT32, ['batch_size', 'sequence_length'])],
    output: [value('last_hidden_state', T.FLOAT, ['batch_size', 'sequence_length', HIDDEN]), value('pooler_output', T.FLOAT, ['batch_size', HIDDEN])],
  })
}

export interface TinyUnetOptions {
  /** Element type and shape of `timestep`: optimum's float scalar, diffusers' float [batch], int64 [1], … */
  timestepType?: 'float32' | 'int64'
  timestepShape?: 'scalar' | 'one' | 'batch'
  /** Size of LCM's timestep_cond; absent: no such input. */
  timestepCond?: number
  /** Pin the latent size / batch (fixed-shape exports). */
  fixedLatent?: { h: number; w: number }
  fixedBatch?: number
  /** Rename an input (to test the name check). */
  rename?: Partial<Record<'sample' | 'timestep' | 'encoder_hidden_states', string>>
}

export function unetOnnx(opts: TinyUnetOptions = {}): Uint8Array {
  const n = (k: 'sample' | 'timestep' | 'encoder_hidden_states') => opts.rename?.[k] ?? k
  const B: Dim = opts.fixedBatch ?? 'batch_size'
  const h: Dim = opts.fixedLatent?.h ?? 'height'
  const w: Dim = opts.fixedLatent?.w ?? 'width'
  const tsType = opts.timestepType === 'int64' ? T.INT64 : T.FLOAT
  const tsShape: Dim[] = opts.timestepShape === 'one' ? [1] : opts.timestepShape === 'batch' ? [B] : []
  const nodes = [
    node('Mul', [n('sample'), 'a'], ['scaled']),
    node('ReduceMean', [n('encoder_hidden_states')], ['ehsMean'], [intsAttr('axes', [1, 2]), intAttr('keepdims', 1)]),
    node('Reshape', ['ehsMean', 'col'], ['ehsCol']),
    node('Mul', ['ehsCol', 'b'], ['ehsTerm']),
    ...(opts.timestepType === 'int64' ? [node('Cast', [n('timestep')], ['tsFloat'], [intAttr('to', T.FLOAT)])] : []),
    node('Reshape', [opts.timestepType === 'int64' ? 'tsFloat' : n('timestep'), 'col'], ['tsCol']),
    node('Mul', ['tsCol', 'c'], ['tsTerm']),
    node('Add', ['scaled', 'ehsTerm'], ['sum1']),
    node('Add', ['sum1', 'tsTerm'], [opts.timestepCond ? 'sum2' : 'out_sample']),
    ...(opts.timestepCond
      ? [
          node('ReduceMean', ['timestep_cond'], ['tcMean'], [intsAttr('axes', [1]), intAttr('keepdims', 1)]),
          node('Reshape', ['tcMean', 'col'], ['tcCol']),
          node('Mul', ['tcCol', 'dc'], ['tcTerm']),
          node('Add', ['sum2', 'tcTerm'], ['out_sample']),
        ]
      : []),
  ]
  return model('tiny-unet', {
    node: nodes,
    initializer: [
      floats('a', [], [UNET.a]),
      floats('b', [], [UNET.b]),
      floats('c', [], [UNET.c]),
      ...(opts.timestepCond ? [floats('dc', [], [UNET.dc])] : []),
      ints64('col', [-1, 1, 1, 1]),
    ],
    input: [
      value(n('sample'), T.FLOAT, [B, 4, h, w]),
      value(n('timestep'), tsType, tsShape),
      value(n('encoder_hidden_states'), T.FLOAT, [B, 'sequence_length', HIDDEN]),
      ...(opts.timestepCond ? [value('timestep_cond', T.FLOAT, [B, opts.timestepCond])] : []),
    ],
    output: [value('out_sample', T.FLOAT, [B, 4, h, w])],
  })
}

export function vaeDecoderOnnx(): Uint8Array {
  // RGB = latent channels 0..2 / LATENT_GAIN; channel 3 is ignored.
  const k = 1 / LATENT_GAIN
  const weight = [k, 0, 0, 0, 0, k, 0, 0, 0, 0, k, 0]
  return model('tiny-vae-decoder', {
    node: [
      node('Conv', ['latent_sample', 'w', 'bias'], ['rgb']),
      node('Resize', ['rgb', '', 'scales'], ['sample'], [strAttr('mode', 'nearest'), strAttr('coordinate_transformation_mode', 'asymmetric'), strAttr('nearest_mode', 'floor')]),
    ],
    initializer: [floats('w', [3, 4, 1, 1], weight), floats('bias', [3], [0, 0, 0]), floats('scales', [4], [1, 1, 8, 8])],
    input: [value('latent_sample', T.FLOAT, ['batch_size', 4, 'height_latent', 'width_latent'])],
    output: [value('sample', T.FLOAT, ['batch_size', 3, 'height', 'width'])],
  })
}

export function vaeEncoderOnnx(opts: { output?: 'latent_sample' | 'latent_parameters' } = {}): Uint8Array {
  const output = opts.output ?? 'latent_sample'
  const params = output === 'latent_parameters'
  const weight = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5].map((v) => v * LATENT_GAIN).concat(params ? new Array(12).fill(0) : [])
  const bias = params ? [0, 0, 0, 0, -10, -10, -10, -10] : [0, 0, 0, 0]
  const C = params ? 8 : 4
  return model('tiny-vae-encoder', {
    node: [
      node('AveragePool', ['sample'], ['pooled'], [intsAttr('kernel_shape', [8, 8]), intsAttr('strides', [8, 8])]),
      node('Conv', ['pooled', 'w', 'bias'], [output]),
    ],
    initializer: [floats('w', [C, 3, 1, 1], weight), floats('bias', [C], bias)],
    input: [value('sample', T.FLOAT, ['batch_size', 3, 'height', 'width'])],
    output: [value(output, T.FLOAT, ['batch_size', C, 'height_latent', 'width_latent'])],
  })
}

/** SD 1.5's Euler config as optimum exports it (scaled_linear betas, leading spacing, offset 1). */
export const EULER_CONFIG = {
  _class_name: 'EulerDiscreteScheduler',
  _diffusers_version: '0.30.0',
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  prediction_type: 'epsilon',
  steps_offset: 1,
  timestep_spacing: 'leading',
}
export const DDIM_CONFIG = { ...EULER_CONFIG, _class_name: 'DDIMScheduler', clip_sample: false, set_alpha_to_one: false }
export const LCM_CONFIG = { ...EULER_CONFIG, _class_name: 'LCMScheduler', original_inference_steps: 50, timestep_scaling: 10, clip_sample: false }

export interface TinyDiffusionOptions {
  idType?: 'int32' | 'int64'
  unet?: TinyUnetOptions
  encoderOutput?: 'latent_sample' | 'latent_parameters'
  scheduler?: object
  /** vae_decoder/config.json; absent: no file (the 0.18215 default applies). */
  vaeConfig?: object
  /** Leave out vae_encoder/. */
  noEncoder?: boolean
}

/** Writes `<modelsDir>/diffusion/<name>/` as optimum-cli lays an export out; returns the folder. */
export function writeTinyDiffusionModel(modelsDir: string, name: string, opts: TinyDiffusionOptions = {}): string {
  const dir = join(modelsDir, 'diffusion', name)
  const put = (rel: string, data: Uint8Array | string) => {
    const file = join(dir, rel)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, data)
  }
  const json = (v: unknown) => JSON.stringify(v, null, 2)
  const vocab = tinyVocab()
  put('model_index.json', json({ _class_name: 'ORTStableDiffusionPipeline', _diffusers_version: '0.30.0' }))
  put('tokenizer/vocab.json', json(vocab))
  put('tokenizer/merges.txt', ['#version: 0.2', ...MERGES, ''].join('\n'))
  put('tokenizer/tokenizer_config.json', json({ model_max_length: SEQUENCE, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>' }))
  put('scheduler/scheduler_config.json', json(opts.scheduler ?? EULER_CONFIG))
  put('text_encoder/model.onnx', textEncoderOnnx({ idType: opts.idType, vocabSize: Object.keys(vocab).length }))
  put('unet/model.onnx', unetOnnx(opts.unet))
  put('vae_decoder/model.onnx', vaeDecoderOnnx())
  if (opts.vaeConfig) put('vae_decoder/config.json', json(opts.vaeConfig))
  if (!opts.noEncoder) put('vae_encoder/model.onnx', vaeEncoderOnnx({ output: opts.encoderOutput }))
  return dir
}
