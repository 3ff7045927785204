import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

export interface TinySeparatorOptions {
  /** Gain per stem: stem s = input × gains[s], so the expected output is known exactly. */
  gains: number[]
  /** Fixed channel count and chunk length in the declared shapes; omitted → symbolic dims. */
  channels?: number
  chunk?: number
  inputName?: string
  outputName?: string
}

/**
 * A tiny "separation model" as ONNX bytes (IR 8, opset 17): input float32 [1, C, L]; each stem is
 * Mul(input, gain) → Unsqueeze(axis 1) → [1, 1, C, L]; Concat on axis 1 → output [1, S, C, L].
 */
export function tinySeparatorOnnx(opts: TinySeparatorOptions): Uint8Array {
  const input = opts.inputName ?? 'mix'
  const output = opts.outputName ?? 'stems'
  const S = opts.gains.length
  const dim = (v: number | undefined, name: string) => (v === undefined ? { dimParam: name } : { dimValue: v })
  const FLOAT = onnx.TensorProto.DataType.FLOAT
  const initializer = [
    onnx.TensorProto.create({ name: 'axis1', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] }),
    ...opts.gains.map((g, s) => onnx.TensorProto.create({ name: `gain${s}`, dims: [], dataType: FLOAT, floatData: [g] })),
  ]
  const node = [
    ...opts.gains.flatMap((_, s) => [
      onnx.NodeProto.create({ opType: 'Mul', input: [input, `gain${s}`], output: [`scaled${s}`], name: `mul${s}` }),
      onnx.NodeProto.create({ opType: 'Unsqueeze', input: [`scaled${s}`, 'axis1'], output: [`stem${s}`], name: `unsqueeze${s}` }),
    ]),
    onnx.NodeProto.create({
      opType: 'Concat',
      input: opts.gains.map((_, s) => `stem${s}`),
      output: [output],
      name: 'concat',
      attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
    }),
  ]
  const valueInfo = (name: string, dims: object[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } } })
  const graph = onnx.GraphProto.create({
    name: 'tiny-separator',
    node,
    initializer,
    input: [valueInfo(input, [{ dimValue: 1 }, dim(opts.channels, 'C'), dim(opts.chunk, 'L')])],
    output: [valueInfo(output, [{ dimValue: 1 }, { dimValue: S }, dim(opts.channels, 'C'), dim(opts.chunk, 'L')])],
  })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'longav-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
  })
  return onnx.ModelProto.encode(model).finish()
}

/** Writes `<modelsDir>/separation/<name>/{model.onnx, separation.json}`; returns the model folder. */
export function writeSeparationModel(modelsDir: string, name: string, model: Uint8Array, config: unknown): string {
  const dir = join(modelsDir, 'separation', name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'model.onnx'), model)
  writeFileSync(join(dir, 'separation.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2))
  return dir
}
