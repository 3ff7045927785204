import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { packageRoot } from '../../util/packageRoot.js'
import { BeatModelError } from './errors.js'

/**
 * The learned beat model: beat.onnx (features [1, T, bands] → activations [1, T, 2], sigmoid
 * applied, channel 0 beat, 1 downbeat; T is free) and beat.json beside it, which says how the
 * features were made and how far the network looks (so chunked inference can give the same
 * numbers as one pass). tools/beatnet/train.py writes both.
 */
export const BeatModelMeta = z
  .object({
    version: z.literal(1),
    name: z.string().min(1),
    features: z
      .object({
        sampleRate: z.number().int().min(8000).max(96000),
        nFft: z.number().int().min(64),
        hop: z.number().int().min(1),
        bands: z.number().int().min(1).max(512),
        fmin: z.number().min(0),
        fmax: z.number().positive(),
        logScale: z.number().positive(),
      })
      .strict(),
    fps: z.number().positive(),
    inputName: z.string().min(1),
    outputName: z.string().min(1),
    outputs: z.tuple([z.literal('beat'), z.literal('downbeat')]),
    /** Frames the network sees on each side of the frame it scores. */
    receptiveFieldFrames: z.number().int().min(0),
    parameters: z.number().int().positive(),
    /** How the model was trained (data, hash, time); for people, not read at run time. */
    training: z.record(z.string(), z.unknown()),
  })
  .refine((m) => Math.abs(m.fps - m.features.sampleRate / m.features.hop) < 1e-9, { message: 'fps must equal features.sampleRate / features.hop', path: ['fps'] })
export type BeatModelMeta = z.infer<typeof BeatModelMeta>

/** `<package root>/models/beat/beat.onnx`: the shipped model. */
export function defaultBeatModelPath(): string {
  return join(packageRoot(), 'models', 'beat', 'beat.onnx')
}

/** beat.json beside the .onnx file (same stem). */
export function metaPathOf(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json'
}

export interface BeatModel {
  path: string
  meta: BeatModelMeta
  /** Features `[frames * bands]` → interleaved `[frames * 2]` (beat, downbeat) in 0..1. */
  run(features: Float32Array, frames: number): Promise<Float32Array>
  release(): Promise<void>
}

/** Loads the model at `modelPath` (default the shipped one); BeatModelError with a code saying why it cannot. */
export async function loadBeatModel(modelPath?: string): Promise<BeatModel> {
  const given = modelPath !== undefined
  const path = modelPath ?? defaultBeatModelPath()
  const fail = (code: BeatModelError['code'], message: string) => new BeatModelError(code, message, path, given)
  if (!existsSync(path) || !statSync(path).isFile()) throw fail('NOT_FOUND', `beat model not found: ${path}`)
  const metaPath = metaPathOf(path)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(metaPath, 'utf8'))
  } catch (e) {
    throw fail('BAD_CONFIG', `${metaPath}: cannot be read as JSON (${(e as Error).message})`)
  }
  const parsed = BeatModelMeta.safeParse(raw)
  if (!parsed.success) throw fail('BAD_CONFIG', `${metaPath}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const meta = parsed.data
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' })
  } catch (e) {
    throw fail('LOAD_FAILED', `${path}: onnxruntime cannot load it (${(e as Error).message})`)
  }
  if (!session.inputNames.includes(meta.inputName) || !session.outputNames.includes(meta.outputName)) {
    await session.release()
    throw fail('IO_MISMATCH', `${path}: expected input "${meta.inputName}" and output "${meta.outputName}", the model has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`)
  }
  const B = meta.features.bands
  return {
    path,
    meta,
    async run(features: Float32Array, frames: number): Promise<Float32Array> {
      let result: ort.InferenceSession.OnnxValueMapType
      try {
        result = await session.run({ [meta.inputName]: new ort.Tensor('float32', features, [1, frames, B]) }, [meta.outputName])
      } catch (e) {
        throw new BeatModelError('RUN_FAILED', `${path}: inference failed (${(e as Error).message})`, path)
      }
      const out = result[meta.outputName] as ort.Tensor | undefined
      if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[1] !== frames || out.dims[2] !== 2)
        throw fail('IO_MISMATCH', `${path}: output "${meta.outputName}" is ${out ? `${out.type} [${out.dims.join(', ')}]` : 'missing'}, expected float32 [1, ${frames}, 2]`)
      return out.data as Float32Array
    },
    release: () => session.release(),
  }
}
