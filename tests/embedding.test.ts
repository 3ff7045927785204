import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage, runFfmpeg } from '../src/ffmpeg/index.js'
import { EmbeddingError, embeddingInput, loadEmbeddingModel, type EmbeddingModel } from '../src/metrics/embedding.js'
import { cosineSimilarity } from '../src/metrics/identity.js'
import { tinyEmbedderOnnx, writeEmbeddingModel } from './helpers/embeddingModel.js'

const tmp = mkdtempSync(join(tmpdir(), 'longav-embedding-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const W = 32
const H = 24
const D = 8
/** Mixed signs, so embeddings of different pictures point in different directions. */
const WEIGHTS = [
  [1, -0.5, 0.25, 2, 0, -1, 0.5, 1.5],
  [-0.75, 1, 0.5, -1, 1.25, 0, -0.5, 0.25],
  [0.5, 0.25, -1, 0.5, -0.5, 1.5, 1, -0.25],
]
const CONFIG = {
  inputName: 'pixel_values',
  outputName: 'embedding',
  width: W,
  height: H,
  layout: 'NCHW',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  dimensions: D,
}

let n = 0
/** A fresh models folder holding one embedding model. */
function modelsWith(model: Uint8Array | string, config: unknown, name = 'tiny'): string {
  const dir = join(tmp, `models-${n++}`)
  writeEmbeddingModel(dir, name, model, config)
  return dir
}

/** The embedding by hand: per channel, the mean of (byte/255 − mean)/std, then times WEIGHTS. */
function expectedEmbedding(rgb: Uint8Array): number[] {
  const px = rgb.length / 3
  const m = [0, 1, 2].map((c) => {
    let s = 0
    for (let p = 0; p < px; p++) s += (rgb[p * 3 + c] / 255 - CONFIG.mean[c]) / CONFIG.std[c]
    return s / px
  })
  return Array.from({ length: D }, (_, d) => m[0] * WEIGHTS[0][d] + m[1] * WEIGHTS[1][d] + m[2] * WEIGHTS[2][d])
}

/** Pictures made by ffmpeg, decoded at the model's size the way callers do. */
const pictures: Record<'warm' | 'warmBrighter' | 'cool' | 'bars', Uint8Array> = {} as never
beforeAll(async () => {
  const make = async (name: keyof typeof pictures, source: string) => {
    const png = join(tmp, `${name}.png`)
    await runFfmpeg(['-f', 'lavfi', '-i', source, '-frames:v', '1', png])
    pictures[name] = await decodeImage(png, { width: W, height: H, format: 'rgb24' })
  }
  // A warm gradient, the same 10 % brighter, a cool gradient, and colour bars.
  await make('warm', `gradients=s=64x48:c0=0xc04020:c1=0xe0a060:n=2:seed=1,format=rgb24`)
  await make('warmBrighter', `gradients=s=64x48:c0=0xc04020:c1=0xe0a060:n=2:seed=1,format=rgb24,lutrgb=r=val*1.1:g=val*1.1:b=val*1.1`)
  await make('cool', `gradients=s=64x48:c0=0x203080:c1=0x40c0a0:n=2:seed=1,format=rgb24`)
  await make('bars', `smptebars=s=64x48`)
})

describe('embedding model', () => {
  it('embeds a picture as the documented contract says (checked by hand) and compares by cosine', async () => {
    const model = (await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), CONFIG)))!
    try {
      expect(model).not.toBeNull()
      expect({ name: model.name, width: model.width, height: model.height, note: model.note }).toEqual({ name: 'tiny', width: W, height: H, note: undefined })
      const emb: Record<string, Float32Array> = {}
      for (const [k, rgb] of Object.entries(pictures)) {
        emb[k] = await model.embed(rgb)
        expect(emb[k].length).toBe(D)
        const want = expectedEmbedding(rgb)
        for (let d = 0; d < D; d++) expect(emb[k][d]).toBeCloseTo(want[d], 4)
      }
      // The pictures really differ (so the comparisons below mean something).
      expect(Math.max(...emb.warm.map((v, d) => Math.abs(v - emb.cool[d])))).toBeGreaterThan(0.5)
      const same = cosineSimilarity(emb.warm, emb.warm)
      const brighter = cosineSimilarity(emb.warm, emb.warmBrighter)
      const cool = cosineSimilarity(emb.warm, emb.cool)
      const bars = cosineSimilarity(emb.warm, emb.bars)
      console.log(`tiny embedder cosine: warm/warm ${same.toFixed(3)}, warm/warm+10% ${brighter.toFixed(3)}, warm/cool ${cool.toFixed(3)}, warm/bars ${bars.toFixed(3)}`)
      expect(same).toBeCloseTo(1, 6)
      expect(brighter).toBeGreaterThan(0.95)
      expect(cool).toBeLessThan(brighter - 0.3)
      expect(bars).toBeLessThan(brighter - 0.3)
    } finally {
      await model.release()
    }
  })

  it('normalises the input as NCHW planes of (x/255 − mean)/std', () => {
    const rgb = new Uint8Array([255, 0, 128, 0, 255, 64])
    const x = embeddingInput(rgb, { width: 2, height: 1, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] })
    expect(Array.from(x)).toEqual([1, -1, -1, 3, 128 / 255 / 2, 64 / 255 / 2].map((v) => Math.fround(v)))
    expect(() => embeddingInput(new Uint8Array(5), { width: 2, height: 1, mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/rgb24 2×1 \(6 bytes\), got 5/)
  })

  it('refuses a picture that is not at the model size', async () => {
    const model = (await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), CONFIG)))!
    try {
      await expect(model.embed(new Uint8Array(W * H * 3 - 3))).rejects.toThrow(RangeError)
    } finally {
      await model.release()
    }
  })

  it('finds no model (null) unless one is named, which is then an error', async () => {
    const empty = join(tmp, 'empty-models')
    mkdirSync(join(empty, 'embedding', 'no-model-here'), { recursive: true })
    expect(await loadEmbeddingModel(empty)).toBeNull()
    expect(await loadEmbeddingModel(join(tmp, 'does-not-exist'))).toBeNull()
    const err = await loadEmbeddingModel(empty, 'clip').catch((e) => e)
    expect(err).toBeInstanceOf(EmbeddingError)
    expect(err).toMatchObject({ code: 'NOT_FOUND' })
    expect(err.message).toMatch(/"clip" not found .*present: none/)
  })

  it('takes the named model, else the alphabetically first with a note', async () => {
    const dir = join(tmp, 'two-models')
    writeEmbeddingModel(dir, 'zeta', tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), CONFIG)
    writeEmbeddingModel(dir, 'alpha', tinyEmbedderOnnx({ weights: WEIGHTS, width: 16, height: 16 }), { ...CONFIG, width: 16, height: 16 })
    const first = (await loadEmbeddingModel(dir))!
    expect(first.name).toBe('alpha')
    expect(first.width).toBe(16)
    expect(first.note).toMatch(/several embedding models .*alpha, zeta.*"alpha"/)
    await first.release()
    const named = (await loadEmbeddingModel(dir, 'zeta'))!
    expect([named.name, named.width, named.note]).toEqual(['zeta', W, undefined])
    await named.release()
  })

  it('refuses a bad embedding.json with the file and the field', async () => {
    const model = tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H })
    const cases: Array<[unknown, RegExp]> = [
      ['{ not json', /embedding\.json: cannot be read as JSON/],
      [{ ...CONFIG, mean: [0.5, 0.5] }, /mean:/],
      [{ ...CONFIG, std: [0.2, 0, 0.2] }, /std: every std must be positive/],
      [{ ...CONFIG, layout: 'NHWC' }, /layout:/],
      [{ ...CONFIG, dimensions: 0 }, /dimensions:/],
      [{ ...CONFIG, outputname: 'x' }, /outputname/],
      [(({ inputName: _, ...rest }) => rest)(CONFIG), /inputName:/],
    ]
    for (const [config, message] of cases) {
      const err = await loadEmbeddingModel(modelsWith(model, config)).catch((e) => e)
      expect(err).toBeInstanceOf(EmbeddingError)
      expect(err.code).toBe('BAD_CONFIG')
      expect(err.message).toMatch(/embedding\.json/)
      expect(err.message).toMatch(message)
    }
    // Missing config next to a model.
    const dir = join(tmp, 'no-config')
    mkdirSync(join(dir, 'embedding', 'bare'), { recursive: true })
    writeFileSync(join(dir, 'embedding', 'bare', 'model.onnx'), model)
    await expect(loadEmbeddingModel(dir)).rejects.toMatchObject({ code: 'BAD_CONFIG' })
  })

  it('refuses a model whose input name or size does not match embedding.json', async () => {
    const wrongName = await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H, inputName: 'image' }), CONFIG)).catch((e) => e)
    expect(wrongName).toBeInstanceOf(EmbeddingError)
    expect(wrongName.code).toBe('IO_MISMATCH')
    expect(wrongName.message).toMatch(/input "pixel_values" not found: the model has "image"/)
    const wrongSize = await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), { ...CONFIG, width: 64 })).catch((e) => e)
    expect(wrongSize.code).toBe('IO_MISMATCH')
    expect(wrongSize.message).toMatch(/input "pixel_values" has shape \[1, 3, 24, 32\], embedding\.json implies \[1, 3, 24, 64\]/)
  })

  it('refuses a model whose output shape does not match: at load when fixed, at the first embedding when symbolic', async () => {
    const fixed = await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), { ...CONFIG, dimensions: 16 })).catch((e) => e)
    expect(fixed).toBeInstanceOf(EmbeddingError)
    expect(fixed.code).toBe('IO_MISMATCH')
    expect(fixed.message).toMatch(/output "embedding" has shape \[1, 8\], embedding\.json implies \[1, 16\]/)
    const wrongOutput = await loadEmbeddingModel(modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H }), { ...CONFIG, outputName: 'features' })).catch((e) => e)
    expect(wrongOutput.message).toMatch(/output "features" not found: the model has "embedding"/)

    const symbolic: EmbeddingModel = (await loadEmbeddingModel(
      modelsWith(tinyEmbedderOnnx({ weights: WEIGHTS, width: W, height: H, symbolic: true }), { ...CONFIG, dimensions: 16 }),
    ))!
    try {
      const err = await symbolic.embed(pictures.warm).catch((e) => e)
      expect(err).toBeInstanceOf(EmbeddingError)
      expect(err.code).toBe('IO_MISMATCH')
      expect(err.message).toMatch(/output "embedding" is float32 \[1, 8\], embedding\.json implies float32 \[1, 16\]/)
    } finally {
      await symbolic.release()
    }
  })

  it('refuses garbage bytes as model.onnx', async () => {
    const err = await loadEmbeddingModel(modelsWith('this is not an onnx model\u0000\u0001\u0002', CONFIG)).catch((e) => e)
    expect(err).toBeInstanceOf(EmbeddingError)
    expect(err.code).toBe('LOAD_FAILED')
    expect(err.message).toMatch(/model\.onnx: onnxruntime cannot load it/)
  })
})
