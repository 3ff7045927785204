/**
 * An optional ONNX image-embedding model (a CLIP or DINOv2 image encoder, say) for identity
 * consistency: `models/embedding/<name>/model.onnx` with `embedding.json` stating its contract.
 * The model takes one picture as float32 NCHW `[1, 3, height, width]`, RGB scaled to 0..1 and
 * normalised per channel as `(x − mean[c]) / std[c]`, and returns float32 `[1, dimensions]`.
 * Embeddings are compared with `cosineSimilarity` (identity.ts). See models/embedding/README.md.
 */
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { LongavError } from '../errors.js'
import { chooseModelFolder, openOnnxModel, readModelConfig, type LocatedModel, type ModelFamily } from '../models/index.js'

export type EmbeddingErrorCode = 'NOT_FOUND' | 'BAD_CONFIG' | 'LOAD_FAILED' | 'IO_MISMATCH' | 'RUN_FAILED'

/**
 * An embedding model in models/embedding/ that cannot be used; `code` says why without parsing
 * text. The user's model folder does not fit (kind `input`), except RUN_FAILED (a `failure`).
 */
export class EmbeddingError extends LongavError {
  declare readonly code: EmbeddingErrorCode

  constructor(code: EmbeddingErrorCode, message: string) {
    super(message, { kind: code === 'RUN_FAILED' ? 'failure' : 'input', code })
    this.name = 'EmbeddingError'
  }
}

const Triple = z.tuple([z.number(), z.number(), z.number()])

/** `models/embedding/<name>/embedding.json`. Unknown fields are refused so a typo does not pass silently. */
export const EmbeddingConfig = z
  .object({
    inputName: z.string().min(1),
    outputName: z.string().min(1),
    /** The picture size the model takes; callers decode images at exactly this size. */
    width: z.number().int().min(8).max(4096),
    height: z.number().int().min(8).max(4096),
    /** The only layout supported: `[1, 3, height, width]`, channels R, G, B. */
    layout: z.literal('NCHW'),
    /** Per-channel normalisation (R, G, B) of values scaled to 0..1: `(x − mean) / std`. */
    mean: Triple,
    std: Triple.refine((s) => s.every((v) => v > 0), { message: 'every std must be positive' }),
    /** Length D of the embedding: the output is `[1, D]`. */
    dimensions: z.number().int().min(1).max(65536),
  })
  .strict()
export type EmbeddingConfig = z.infer<typeof EmbeddingConfig>

export interface EmbeddingModel {
  name: string
  width: number
  height: number
  /** Set when several models were present and none was named: which one is used and why. */
  note?: string
  /** Embedding (length `dimensions`) of one rgb24 picture of exactly `width × height`. */
  embed(rgb: Uint8Array): Promise<Float32Array>
  release(): Promise<void>
}

/** models/embedding/<name>/: embedding.json beside model.onnx (models/embedding/README.md). */
const EMBEDDING: ModelFamily<EmbeddingConfig> = { configFile: 'embedding.json', schema: EmbeddingConfig, error: EmbeddingError }

/** Reads and validates `<dir>/embedding.json`. */
export async function readEmbeddingConfig(dir: string): Promise<EmbeddingConfig> {
  return readModelConfig(EMBEDDING, dir)
}

/**
 * The embedding model in `<modelsDir>/embedding/<name>/` (a folder with model.onnx), else the only
 * one present, else the alphabetically first (with a `note`); undefined when there is none.
 * Naming a model that is absent is an error (NOT_FOUND) naming the models present. Loads nothing.
 */
export function locateEmbeddingModel(modelsDir?: string, name?: string): LocatedModel | undefined {
  return chooseModelFolder({ kind: 'embedding', modelsDir, name, notFound: (message) => new EmbeddingError('NOT_FOUND', message) })
}

/**
 * `rgb24` pixels → the model's input: planar R, G, B (NCHW), each `(byte / 255 − mean[c]) / std[c]`.
 */
export function embeddingInput(rgb: Uint8Array, config: Pick<EmbeddingConfig, 'width' | 'height' | 'mean' | 'std'>): Float32Array {
  const n = config.width * config.height
  if (rgb.length !== n * 3)
    throw new RangeError(`embedding input must be rgb24 ${config.width}×${config.height} (${n * 3} bytes), got ${rgb.length} bytes`)
  const out = new Float32Array(n * 3)
  for (let c = 0; c < 3; c++) {
    const m = config.mean[c]
    const s = config.std[c]
    for (let p = 0; p < n; p++) out[c * n + p] = (rgb[p * 3 + c] / 255 - m) / s
  }
  return out
}

/**
 * The model in `<modelsDir>/embedding/<name>/` (a folder with model.onnx), else the only one
 * present, else the alphabetically first (with a `note`); null when there is none. Naming a model
 * that is absent is an error (NOT_FOUND). The config is validated before the model is loaded and
 * the model's input and output names, element types and fixed dimensions are checked against it.
 */
export async function loadEmbeddingModel(modelsDir: string, name?: string): Promise<EmbeddingModel | null> {
  const located = locateEmbeddingModel(modelsDir, name)
  if (!located) return null
  const { name: chosen, dir, note } = located
  const config = await readEmbeddingConfig(dir)
  const file = join(dir, 'model.onnx')
  const { inputName, outputName, width, height, dimensions } = config
  const inShape = [1, 3, height, width]
  const outShape = [1, dimensions]
  const session = await openOnnxModel(EMBEDDING, file, { input: { name: inputName, shape: inShape }, output: { name: outputName, shape: outShape } })
  return {
    name: chosen,
    width,
    height,
    note,
    async embed(rgb: Uint8Array): Promise<Float32Array> {
      const feeds = { [inputName]: new ort.Tensor('float32', embeddingInput(rgb, config), inShape) }
      let result: ort.InferenceSession.OnnxValueMapType
      try {
        result = await session.run(feeds, [outputName])
      } catch (e) {
        throw new EmbeddingError('RUN_FAILED', `${file}: inference failed (${(e as Error).message})`)
      }
      const out = result[outputName] as ort.Tensor | undefined
      // Symbolic output dimensions pass loading: the real shape is only known here.
      if (!out || out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== 1 || out.dims[1] !== dimensions)
        throw new EmbeddingError(
          'IO_MISMATCH',
          `${file}: output "${outputName}" is ${out ? `${out.type} [${out.dims.join(', ')}]` : 'missing'}, embedding.json implies float32 [${outShape.join(', ')}]`,
        )
      const data = out.data as Float32Array
      if (!data.every(Number.isFinite)) throw new EmbeddingError('RUN_FAILED', `${file}: the embedding holds non-finite values`)
      return Float32Array.from(data)
    },
    release: () => session.release(),
  }
}
