/**
 * The contract of a single-session ONNX model in the models folder (a separation model, an
 * image embedder): a JSON config beside model.onnx, validated before the model is loaded, and
 * the model's input and output checked against it once loaded. Errors are the family's own
 * class (SeparationModelError, EmbeddingError) with a code saying why.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { z } from 'zod'

export type ModelErrorCode = 'NOT_FOUND' | 'BAD_CONFIG' | 'LOAD_FAILED' | 'IO_MISMATCH' | 'RUN_FAILED'

export interface ModelFamily<C> {
  /** The config file beside model.onnx, e.g. `separation.json`. */
  configFile: string
  schema: z.ZodType<C>
  error: new (code: ModelErrorCode, message: string) => Error
}

/** Reads and validates `<dir>/<configFile>`: BAD_CONFIG naming the file and every issue otherwise. */
export async function readModelConfig<C>(family: ModelFamily<C>, dir: string): Promise<C> {
  const file = join(dir, family.configFile)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new family.error('BAD_CONFIG', `${file}: cannot be read as JSON (${(e as Error).message})`)
  }
  const parsed = family.schema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new family.error('BAD_CONFIG', `${file}: ${issues}`)
  }
  return parsed.data
}

/** One named float32 tensor of a model and the shape its config implies. */
export interface TensorContract {
  name: string
  shape: number[]
}

/**
 * Loads `file` on the CPU (LOAD_FAILED when onnxruntime cannot) and checks its input and output
 * against the contract (IO_MISMATCH); the session is released when a check fails.
 */
export async function openOnnxModel<C>(family: ModelFamily<C>, file: string, contract: { input: TensorContract; output: TensorContract }): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] })
  } catch (e) {
    throw new family.error('LOAD_FAILED', `${file}: onnxruntime cannot load it (${(e as Error).message})`)
  }
  try {
    checkTensor(family, session.inputMetadata, session.inputNames, contract.input, `${file}: input`)
    checkTensor(family, session.outputMetadata, session.outputNames, contract.output, `${file}: output`)
  } catch (e) {
    await session.release()
    throw e
  }
  return session
}

/** Name, element type (float32) and any fixed dimensions of one model input/output must match the config. */
export function checkTensor<C>(
  family: ModelFamily<C>,
  metadata: readonly ort.InferenceSession.ValueMetadata[],
  names: readonly string[],
  want: TensorContract,
  what: string,
): void {
  const { name, shape } = want
  const fail = (message: string) => new family.error('IO_MISMATCH', message)
  if (!names.includes(name)) throw fail(`${what} "${name}" not found: the model has ${names.map((n) => `"${n}"`).join(', ') || 'none'}`)
  const meta = metadata.find((m) => m.name === name)
  if (!meta || !meta.isTensor) return
  if (meta.type !== 'float32') throw fail(`${what} "${name}" is ${meta.type}, expected float32`)
  if (meta.shape.length === 0) return
  const bad = meta.shape.length !== shape.length || meta.shape.some((d, i) => typeof d === 'number' && d > 0 && d !== shape[i])
  if (bad) throw fail(`${what} "${name}" has shape [${meta.shape.join(', ')}], ${family.configFile} implies [${shape.join(', ')}]`)
}
