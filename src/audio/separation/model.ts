import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { SeparationConfig } from './config.js'
import { SeparationModelError } from './errors.js'

/** A loaded separation model: its validated config and a function that separates one chunk. */
export interface SeparationModel {
  name: string
  dir: string
  config: SeparationConfig
  /** Planar `[channels, chunkSamples]` in, `[stems, channels, chunkSamples]` out (both flat float32). */
  run(input: Float32Array): Promise<Float32Array>
  release(): Promise<void>
}

/** Reads and validates `<dir>/separation.json`. */
export async function readSeparationConfig(dir: string): Promise<SeparationConfig> {
  const file = join(dir, 'separation.json')
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new SeparationModelError('BAD_CONFIG', `${file}: cannot be read as JSON (${(e as Error).message})`)
  }
  const parsed = SeparationConfig.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new SeparationModelError('BAD_CONFIG', `${file}: ${issues}`)
  }
  return parsed.data
}

/** Loads `<dir>/model.onnx` on the CPU and checks its inputs and outputs against the config. */
export async function loadSeparationModel(dir: string, name: string): Promise<SeparationModel> {
  const config = await readSeparationConfig(dir)
  const file = join(dir, 'model.onnx')
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] })
  } catch (e) {
    throw new SeparationModelError('LOAD_FAILED', `${file}: onnxruntime cannot load it (${(e as Error).message})`)
  }
  const { channels, chunkSamples, stems, inputName, outputName } = config
  checkValue(session.inputMetadata, session.inputNames, inputName, [1, channels, chunkSamples], `${file}: input`)
  checkValue(session.outputMetadata, session.outputNames, outputName, [1, stems.length, channels, chunkSamples], `${file}: output`)
  const want = [1, stems.length, channels, chunkSamples]
  return {
    name,
    dir,
    config,
    async run(input: Float32Array): Promise<Float32Array> {
      const feeds = { [inputName]: new ort.Tensor('float32', input, [1, channels, chunkSamples]) }
      let result: ort.InferenceSession.OnnxValueMapType
      try {
        result = await session.run(feeds, [outputName])
      } catch (e) {
        throw new SeparationModelError('RUN_FAILED', `${file}: inference failed (${(e as Error).message})`)
      }
      const out = result[outputName] as ort.Tensor | undefined
      if (!out || out.type !== 'float32' || out.dims.length !== 4 || out.dims.some((d, i) => d !== want[i]))
        throw new SeparationModelError(
          'IO_MISMATCH',
          `${file}: output "${outputName}" is ${out ? `${out.type} [${out.dims.join(', ')}]` : 'missing'}, expected float32 [${want.join(', ')}]`,
        )
      return out.data as Float32Array
    },
    release: () => session.release(),
  }
}

/** Name, element type and any fixed dimensions of one model input/output must match the config. */
function checkValue(
  metadata: readonly ort.InferenceSession.ValueMetadata[],
  names: readonly string[],
  name: string,
  shape: number[],
  what: string,
): void {
  if (!names.includes(name))
    throw new SeparationModelError('IO_MISMATCH', `${what} "${name}" not found: the model has ${names.map((n) => `"${n}"`).join(', ') || 'none'}`)
  const meta = metadata.find((m) => m.name === name)
  if (!meta || !meta.isTensor) return
  if (meta.type !== 'float32') throw new SeparationModelError('IO_MISMATCH', `${what} "${name}" is ${meta.type}, expected float32`)
  if (meta.shape.length === 0) return
  const bad = meta.shape.length !== shape.length || meta.shape.some((d, i) => typeof d === 'number' && d > 0 && d !== shape[i])
  if (bad)
    throw new SeparationModelError(
      'IO_MISMATCH',
      `${what} "${name}" has shape [${meta.shape.join(', ')}], separation.json implies [${shape.join(', ')}]`,
    )
}
