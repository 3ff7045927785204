import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { openOnnxModel, readModelConfig, type ModelFamily } from '../../models/index.js'
import { SeparationConfig } from './config.js'
import { SeparationModelError } from './errors.js'

/** models/separation/<name>/: separation.json beside model.onnx (models/separation/README.md). */
const SEPARATION: ModelFamily<SeparationConfig> = { configFile: 'separation.json', schema: SeparationConfig, error: SeparationModelError }

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
  return readModelConfig(SEPARATION, dir)
}

/** Loads `<dir>/model.onnx` on the CPU and checks its inputs and outputs against the config. */
export async function loadSeparationModel(dir: string, name: string): Promise<SeparationModel> {
  const config = await readSeparationConfig(dir)
  const file = join(dir, 'model.onnx')
  const { channels, chunkSamples, stems, inputName, outputName } = config
  const want = [1, stems.length, channels, chunkSamples]
  const session = await openOnnxModel(SEPARATION, file, { input: { name: inputName, shape: [1, channels, chunkSamples] }, output: { name: outputName, shape: want } })
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
