import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

export interface TinyEmbedderOptions {
  /** 3 × D projection, row-major: embedding[d] = Σ_c mean_c · weights[c][d]. */
  weights: number[][]
  width: number
  height: number
  inputName?: string
  outputName?: string
  /** Declare these dims of the graph's values symbolic (the real shapes are then only known at run time). */
  symbolic?: boolean
}

/**
 * A tiny "image encoder" as ONNX bytes (IR 8, opset 17): input float32 [1, 3, H, W] →
 * ReduceMean over H and W (global average pool of the normalised channels) → [1, 3] →
 * MatMul with a fixed [3, D] matrix → output [1, D]. The expected embedding is computable by hand.
 * `symbolic`: every dimension but the channels is declared symbolic and the output is reshaped
 * to [1, N·D], so its width is only known when it runs.
 */
export function tinyEmbedderOnnx(opts: TinyEmbedderOptions): Uint8Array {
  const input = opts.inputName ?? 'pixel_values'
  const output = opts.outputName ?? 'embedding'
  const D = opts.weights[0].length
  if (opts.weights.length !== 3 || opts.weights.some((r) => r.length !== D)) throw new RangeError('weights must be 3 × D')
  const FLOAT = onnx.TensorProto.DataType.FLOAT
  const fixed = (v: number, name: string) => (opts.symbolic ? { dimParam: name } : { dimValue: v })
  const node = [
    onnx.NodeProto.create({
      opType: 'ReduceMean',
      input: [input],
      output: ['pooled'],
      name: 'pool',
      attribute: [
        onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 3] }),
        onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
      ],
    }),
    onnx.NodeProto.create({ opType: 'MatMul', input: ['pooled', 'proj'], output: [opts.symbolic ? 'projected' : output], name: 'project' }),
    // Symbolic: [N, D] → [1, N·D], so onnxruntime's shape inference cannot pin the output to D.
    ...(opts.symbolic ? [onnx.NodeProto.create({ opType: 'Reshape', input: ['projected', 'flat'], output: [output], name: 'flatten' })] : []),
  ]
  const initializer = [
    onnx.TensorProto.create({ name: 'proj', dims: [3, D], dataType: FLOAT, floatData: opts.weights.flat() }),
    ...(opts.symbolic ? [onnx.TensorProto.create({ name: 'flat', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1, -1] })] : []),
  ]
  const valueInfo = (name: string, dims: object[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } } })
  const graph = onnx.GraphProto.create({
    name: 'tiny-embedder',
    node,
    initializer,
    input: [valueInfo(input, [fixed(1, 'N'), { dimValue: 3 }, fixed(opts.height, 'H'), fixed(opts.width, 'W')])],
    output: [valueInfo(output, [fixed(1, 'N'), fixed(D, 'D')])],
  })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'longav-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
  })
  return onnx.ModelProto.encode(model).finish()
}

/** Writes `<modelsDir>/embedding/<name>/{model.onnx, embedding.json}`; returns the model folder. */
export function writeEmbeddingModel(modelsDir: string, name: string, model: Uint8Array | string, config: unknown): string {
  const dir = join(modelsDir, 'embedding', name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'model.onnx'), model)
  writeFileSync(join(dir, 'embedding.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2))
  return dir
}
