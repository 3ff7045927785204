import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames, decodeImage, probeMedia, runFfmpeg } from '../src/ffmpeg/index.js'
import { cameraAt } from '../src/render/generators/procedural/camera.js'
import { blendRgb, diffusionSize, frameStrengths, matchColour, colourStats, shotStart, shotWarps } from '../src/render/generators/onnx/animate.js'
import {
  createDiffusionPipeline,
  createOnnxGenerator,
  locateDiffusionModel,
  OnnxModelError,
  openDiffusionSessions,
  resolveProvider,
  type DiffusionPipeline,
  type DiffusionSessions,
  type RunTrace,
} from '../src/render/generators/onnx/index.js'
import { noiseStream } from '../src/render/generators/onnx/noise.js'
import { guidanceScaleEmbedding } from '../src/render/generators/onnx/pipeline.js'
import { createScheduler } from '../src/render/generators/onnx/schedulers.js'
import { fromHalf, toHalf } from '../src/render/generators/onnx/sessions.js'
import { resizeCover, warpRgb } from '../src/render/generators/onnx/warp.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'
import { DDIM_CONFIG, EULER_CONFIG, LATENT_GAIN, LCM_CONFIG, meanEmbedding, tinyVocab, UNET, writeTinyDiffusionModel } from './helpers/tinyDiffusion.js'

const tmp = mkdtempSync(join(tmpdir(), 'longav-onnx-'))
const models = join(tmp, 'models')
const W = 64
const H = 48
const h = H / 8
const w = W / 8
const EULER_TRAILING = { ...EULER_CONFIG, timestep_spacing: 'trailing', steps_offset: 0 }
const LCM_VAE = { scaling_factor: 0.25, block_out_channels: [32, 64, 64, 64], latent_channels: 4 }

/** Every session run of the shared sessions, in order (cleared by `runs()`). */
let traces: RunTrace[] = []
const runs = () => {
  const t = traces
  traces = []
  return t
}
const unetRuns = (t: RunTrace[]) => t.filter((r) => r.part === 'unet')

const sessions: Record<string, DiffusionSessions> = {}
const pipes: Record<string, DiffusionPipeline> = {}

beforeAll(async () => {
  writeTinyDiffusionModel(models, 'tiny')
  writeTinyDiffusionModel(models, 'trailing', { scheduler: EULER_TRAILING })
  writeTinyDiffusionModel(models, 'int64', { idType: 'int64', unet: { timestepType: 'int64', timestepShape: 'one' }, scheduler: DDIM_CONFIG })
  writeTinyDiffusionModel(models, 'batch', { unet: { timestepShape: 'batch' } })
  writeTinyDiffusionModel(models, 'fixed', { unet: { fixedBatch: 1, fixedLatent: { h, w }, timestepShape: 'batch' } })
  writeTinyDiffusionModel(models, 'lcm', { unet: { timestepCond: 8 }, scheduler: LCM_CONFIG, encoderOutput: 'latent_parameters', vaeConfig: LCM_VAE })
  for (const name of ['tiny', 'trailing', 'int64', 'batch', 'fixed', 'lcm']) {
    sessions[name] = await openDiffusionSessions(locateDiffusionModel({ model: name, modelsDir: models }), { onRun: (t) => traces.push(t) })
    pipes[name] = createDiffusionPipeline(sessions[name])
  }
})
afterAll(async () => {
  await Promise.all(Object.values(sessions).map((s) => s.release()))
  rmSync(tmp, { recursive: true, force: true })
})

/** A smooth test picture: red ramps right, green ramps down, blue a checker of 16 px squares. */
function testPicture(width = W, height = H): Uint8Array {
  const out = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      out[o] = Math.round((x / (width - 1)) * 255)
      out[o + 1] = Math.round((y / (height - 1)) * 255)
      out[o + 2] = ((x >> 4) + (y >> 4)) % 2 ? 200 : 40
    }
  return out
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}

/** Pearson correlation of two pictures' bytes: structure carried over, whatever the shift in level. */
const correlation = (a: Uint8Array, b: Uint8Array) => {
  let ma = 0
  let mb = 0
  for (let i = 0; i < a.length; i++) {
    ma += a[i]
    mb += b[i]
  }
  ma /= a.length
  mb /= b.length
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) ** 2
    sbb += (b[i] - mb) ** 2
  }
  return sab / Math.sqrt(saa * sbb)
}

const base = { prompt: 'red neon', negativePrompt: 'city', seed: 7, steps: 4, guidance: 7.5, width: W, height: H }

describe('the export folder (layout.ts)', () => {
  it('finds models/diffusion/<name>/ and reads the optional configs (defaults otherwise)', () => {
    const tiny = locateDiffusionModel({ model: 'tiny', modelsDir: models })
    expect(tiny.dir).toBe(join(models, 'diffusion', 'tiny'))
    expect(tiny.unet).toBe(join(models, 'diffusion', 'tiny', 'unet', 'model.onnx'))
    expect(tiny.vaeEncoder).toBe(join(models, 'diffusion', 'tiny', 'vae_encoder', 'model.onnx'))
    expect(tiny.pipelineClass).toBe('ORTStableDiffusionPipeline')
    expect(tiny.scalingFactor).toBe(0.18215)
    expect(tiny.vaeScaleFactor).toBe(8)
    const lcm = locateDiffusionModel({ model: 'lcm', modelsDir: models })
    expect(lcm.scalingFactor).toBe(0.25)
    expect(lcm.vaeScaleFactor).toBe(8)
    // LONGAV_MODELS_DIR is the fallback for the models folder.
    const saved = process.env.LONGAV_MODELS_DIR
    process.env.LONGAV_MODELS_DIR = models
    try {
      expect(locateDiffusionModel({ model: 'tiny' }).dir).toBe(tiny.dir)
    } finally {
      if (saved === undefined) delete process.env.LONGAV_MODELS_DIR
      else process.env.LONGAV_MODELS_DIR = saved
    }
  })

  it('reads what every session declares: names, ranks, element types', () => {
    expect(sessions.tiny.textEncoder.io).toMatchObject({ idType: 'int32', hiddenType: 'float32', hidden: 8 })
    expect(sessions.tiny.unet.io).toMatchObject({ sampleType: 'float32', timestepType: 'float32', timestepShape: 'scalar', channels: 4, hidden: 8 })
    expect(sessions.tiny.unet.io.timestepCond).toBeUndefined()
    expect(sessions.int64.textEncoder.io.idType).toBe('int64')
    expect(sessions.int64.unet.io).toMatchObject({ timestepType: 'int64', timestepShape: 'one' })
    expect(sessions.batch.unet.io.timestepShape).toBe('batch')
    expect(sessions.fixed.unet.io).toMatchObject({ batch: 1, latentHeight: h, latentWidth: w })
    expect(pipes.fixed.fixedSize).toEqual({ width: W, height: H })
    expect(sessions.lcm.unet.io.timestepCond).toEqual({ type: 'float32', dim: 8 })
    expect(sessions.lcm.vaeEncoder?.io.output).toBe('latent_parameters')
    expect(sessions.tiny.vaeEncoder?.io.output).toBe('latent_sample')
    expect(sessions.tiny.scheduler.kind).toBe('euler')
    expect(sessions.int64.scheduler.kind).toBe('ddim')
    expect(sessions.lcm.scheduler.kind).toBe('lcm')
  })

  it('a missing model folder says where it looked and how to export one', () => {
    const err = (() => {
      try {
        locateDiffusionModel({ model: 'nope', modelsDir: models })
      } catch (e) {
        return e as Error
      }
    })()
    expect(err).toBeInstanceOf(OnnxModelError)
    expect(err!.message).toContain(join(models, 'diffusion', 'nope'))
    expect(err!.message).toContain('optimum-cli export onnx')
  })

  it('a missing part names the file', () => {
    for (const [rel, what] of [
      [join('unet', 'model.onnx'), 'UNet'],
      [join('vae_decoder', 'model.onnx'), 'VAE decoder'],
      [join('text_encoder', 'model.onnx'), 'text encoder'],
      [join('tokenizer', 'merges.txt'), 'merges'],
      [join('scheduler', 'scheduler_config.json'), 'sampler'],
    ]) {
      const dir = writeTinyDiffusionModel(models, 'partial')
      rmSync(join(dir, rel))
      expect(() => locateDiffusionModel({ model: 'partial', modelsDir: models }), rel).toThrow(OnnxModelError)
      expect(() => locateDiffusionModel({ model: 'partial', modelsDir: models }), rel).toThrow(new RegExp(`${join(dir, rel).replace(/[.\\/]/g, '\\$&')} is missing.*${what}`))
      rmSync(dir, { recursive: true })
    }
  })

  it('refuses transformer (SD3/Flux) and SDXL exports as not supported yet', () => {
    const dit = join(models, 'diffusion', 'dit')
    mkdirSync(join(dit, 'transformer'), { recursive: true })
    writeFileSync(join(dit, 'transformer', 'model.onnx'), 'x')
    expect(() => locateDiffusionModel({ model: 'dit', modelsDir: models })).toThrow(/transformer.*not supported yet/)
    const xl = writeTinyDiffusionModel(models, 'xl')
    mkdirSync(join(xl, 'text_encoder_2'))
    expect(() => locateDiffusionModel({ model: 'xl', modelsDir: models })).toThrow(/XL.*not supported yet/)
  })

  it('a UNet input under another name is refused, naming the file, the name expected and the names found', async () => {
    writeTinyDiffusionModel(models, 'renamed', { unet: { rename: { sample: 'latents' } } })
    const layout = locateDiffusionModel({ model: 'renamed', modelsDir: models })
    const err = await openDiffusionSessions(layout).catch((e: Error) => e)
    expect(err).toBeInstanceOf(OnnxModelError)
    expect((err as Error).message).toContain(layout.unet)
    expect((err as Error).message).toMatch(/"latents"/)
  })

  it('a text encoder of garbage bytes is refused with the file named', async () => {
    const dir = writeTinyDiffusionModel(models, 'garbage')
    writeFileSync(join(dir, 'text_encoder', 'model.onnx'), Buffer.from('this is not a protobuf \x00\x01\x02'))
    const err = await openDiffusionSessions(locateDiffusionModel({ model: 'garbage', modelsDir: models })).catch((e: Error) => e)
    expect(err).toBeInstanceOf(OnnxModelError)
    expect((err as Error).message).toContain(join(dir, 'text_encoder', 'model.onnx'))
    expect((err as Error).message).toMatch(/cannot load it/)
  })

  it('the generator needs the VAE encoder and a known execution provider, and says so when it is made', () => {
    writeTinyDiffusionModel(models, 'noenc', { noEncoder: true })
    expect(() => createOnnxGenerator({ model: 'noenc', modelsDir: models })).toThrow(/vae_encoder.*missing.*image-to-image/)
    expect(() => createOnnxGenerator({ model: 'tiny', modelsDir: models, provider: 'tpu' })).toThrow(/unknown ONNX execution provider "tpu"/)
    expect(() => createOnnxGenerator({ model: 'tiny', modelsDir: models, cadence: 0 })).toThrow(/cadence/)
    expect(resolveProvider()).toBe('cpu')
    expect(resolveProvider('CUDA')).toBe('cuda')
  })
})

describe('the pipeline through the real sessions (pipeline.ts)', () => {
  it('CFG feeds the UNet an (uncond, cond) batch of 2; guidance 1 a batch of 1; the timestep as each export declares it', async () => {
    runs()
    await pipes.tiny.textToImage({ ...base, prompt: 'neon', steps: 3 })
    let t = runs()
    expect(t.filter((r) => r.part === 'text_encoder').map((r) => r.inputs.input_ids)).toEqual([
      { type: 'int32', dims: [1, 77] },
      { type: 'int32', dims: [1, 77] },
    ])
    expect(unetRuns(t)).toHaveLength(3)
    for (const r of unetRuns(t))
      expect(r.inputs).toEqual({
        sample: { type: 'float32', dims: [2, 4, h, w] },
        timestep: { type: 'float32', dims: [] },
        encoder_hidden_states: { type: 'float32', dims: [2, 77, 8] },
      })
    expect(t.filter((r) => r.part === 'vae_decoder').map((r) => r.inputs.latent_sample.dims)).toEqual([[1, 4, h, w]])

    await pipes.tiny.textToImage({ ...base, prompt: 'night', guidance: 1, steps: 2 })
    t = runs()
    expect(t.filter((r) => r.part === 'text_encoder')).toHaveLength(1)
    expect(unetRuns(t).map((r) => r.inputs.sample.dims)).toEqual([
      [1, 4, h, w],
      [1, 4, h, w],
    ])

    await pipes.int64.textToImage({ ...base, steps: 2 })
    t = runs()
    expect(t.find((r) => r.part === 'text_encoder')!.inputs.input_ids).toEqual({ type: 'int64', dims: [1, 77] })
    expect(unetRuns(t)[0].inputs.timestep).toEqual({ type: 'int64', dims: [1] })

    await pipes.batch.textToImage({ ...base, steps: 1 })
    expect(unetRuns(runs())[0].inputs.timestep).toEqual({ type: 'float32', dims: [2] })

    // An export pinned to batch 1 gets CFG as two calls per step; its size is fixed too.
    await pipes.fixed.textToImage({ ...base, steps: 2 })
    expect(unetRuns(runs()).map((r) => r.inputs.sample.dims[0])).toEqual([1, 1, 1, 1])
    await expect(pipes.fixed.textToImage({ ...base, height: 64 })).rejects.toThrow(/64×48 only/)
    await expect(pipes.tiny.textToImage({ ...base, width: 60 })).rejects.toThrow(/multiples of 8/)
  })

  it('the guidance arithmetic of one Euler step matches a computation by hand', async () => {
    const { tokenizer } = sessions.trailing
    const vocab = tinyVocab()
    const ids = Array.from(tokenizer.encode('red neon'))
    expect(ids.slice(0, 5)).toEqual([vocab['<|startoftext|>'], vocab['red</w>'], vocab['neon</w>'], vocab['<|endoftext|>'], vocab['<|endoftext|>']])
    expect(ids).toHaveLength(77)

    const g = 5
    const seed = 11
    const image = await pipes.trailing.textToImage({ ...base, seed, steps: 1, guidance: g })

    // By hand: x₀ = noise·σ_init; ε = a·x₀/√(σ²+1) + c·t + b·(m_u + g·(m_c − m_u)); Euler to σ = 0: x₁ = x₀ − σ·ε.
    const sched = createScheduler(EULER_TRAILING, { steps: 1 })
    const t = sched.timesteps[0]
    const sigma = sched.sigmas[0]
    expect(t).toBe(999)
    expect(sched.sigmas[1]).toBe(0)
    const mc = meanEmbedding(tokenizer.encode('red neon'))
    const mu = meanEmbedding(tokenizer.encode('city'))
    const byHand = (guided: number) => {
      const noise = noiseStream(seed)(4 * h * w)
      const out = new Uint8Array(W * H * 3)
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < h * w; i++) {
          const x0 = noise[c * h * w + i] * sched.initNoiseSigma
          const eps = UNET.a * (x0 / Math.sqrt(sigma * sigma + 1)) + UNET.c * t + UNET.b * guided
          const x1 = x0 - sigma * eps
          // decoder input x₁/0.18215, decoder output that / LATENT_GAIN = x₁
          const v = Math.min(1, Math.max(0, x1 / 0.18215 / LATENT_GAIN / 2 + 0.5))
          const ly = Math.floor(i / w)
          const lx = i % w
          for (let yy = 0; yy < 8; yy++) for (let xx = 0; xx < 8; xx++) out[((ly * 8 + yy) * W + lx * 8 + xx) * 3 + c] = Math.round(v * 255)
        }
      return out
    }
    const expected = byHand(mu + g * (mc - mu))
    let worst = 0
    for (let i = 0; i < image.length; i++) worst = Math.max(worst, Math.abs(image[i] - expected[i]))
    expect(worst).toBeLessThanOrEqual(1)
    // The check can fail: the conditional prediction alone is many levels away.
    const condOnly = byHand(mc)
    let gap = 0
    for (let i = 0; i < image.length; i++) gap = Math.max(gap, Math.abs(condOnly[i] - expected[i]))
    expect(gap).toBeGreaterThan(10)
  })

  it('an LCM UNet gets guidance as timestep_cond (the VDM embedding of guidance − 1), no CFG batch', async () => {
    // The embedding by hand for w = 0.5, dim 8: frequencies 10000^(−k/3), arguments 500·f_k.
    const emb = guidanceScaleEmbedding(0.5, 8)
    const args = [0, 1, 2, 3].map((k) => 500 * 10000 ** (-k / 3))
    expect(Array.from(emb)).toEqual([...args.map(Math.sin), ...args.map(Math.cos)].map((v) => expect.closeTo(v, 5)))

    runs()
    const g = 8.5
    const image = await pipes.lcm.textToImage({ ...base, steps: 1, guidance: g, seed: 3 })
    const t = runs()
    expect(unetRuns(t)).toHaveLength(1)
    expect(unetRuns(t)[0].inputs.timestep_cond).toEqual({ type: 'float32', dims: [1, 8] })
    expect(unetRuns(t)[0].inputs.sample.dims).toEqual([1, 4, h, w])
    expect(t.filter((r) => r.part === 'text_encoder')).toHaveLength(1)

    // One LCM step by hand: x̂₀ = (x − √(1−ᾱ)·ε)/√ᾱ, out = c_out·x̂₀ + c_skip·x, decoded with scale 0.25.
    const sched = createScheduler(LCM_CONFIG, { steps: 1 })
    const ts = sched.timesteps[0]
    const a = sched.alphasCumprod[ts]
    const tc = guidanceScaleEmbedding(g - 1, 8).reduce((s, v) => s + v, 0) / 8
    const m = meanEmbedding(sessions.lcm.tokenizer.encode(base.prompt))
    const scaled = ts * 10
    const cSkip = 0.25 / (scaled * scaled + 0.25)
    const cOut = scaled / Math.sqrt(scaled * scaled + 0.25)
    const noise = noiseStream(3)(4 * h * w)
    let worst = 0
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < h * w; i++) {
        const x = noise[c * h * w + i]
        const eps = UNET.a * x + UNET.b * m + UNET.c * ts + UNET.dc * tc
        const x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a)
        const v = Math.min(1, Math.max(0, (cOut * x0 + cSkip * x) / 0.25 / LATENT_GAIN / 2 + 0.5))
        const px = ((Math.floor(i / w) * 8) * W + (i % w) * 8) * 3 + c
        worst = Math.max(worst, Math.abs(image[px] - Math.round(v * 255)))
      }
    expect(worst).toBeLessThanOrEqual(1)
    const other = await pipes.lcm.textToImage({ ...base, steps: 1, guidance: 2, seed: 3 })
    expect(meanAbsDiff(image, other)).toBeGreaterThan(1)
  })

  it('image-to-image: lower strength runs fewer UNet steps and stays nearer the init picture', async () => {
    const init = testPicture()
    const results: Record<number, { calls: number; diff: number }> = {}
    for (const strength of [0.2, 0.5, 0.8]) {
      runs()
      const out = await pipes.tiny.imageToImage({ ...base, steps: 10, init, strength })
      const t = runs()
      expect(t.filter((r) => r.part === 'vae_encoder').map((r) => r.inputs.sample)).toEqual([{ type: 'float32', dims: [1, 3, H, W] }])
      results[strength] = { calls: unetRuns(t).length, diff: meanAbsDiff(out, init) }
    }
    expect([results[0.2].calls, results[0.5].calls, results[0.8].calls]).toEqual([2, 5, 8])
    expect(results[0.2].diff).toBeLessThan(results[0.5].diff)
    expect(results[0.5].diff).toBeLessThan(results[0.8].diff)
    expect(results[0.2].diff).toBeLessThan(40)

    // Too weak for a single step: the init picture comes back untouched, no model run.
    const same = await pipes.tiny.imageToImage({ ...base, steps: 10, init, strength: 0.01 })
    expect(runs()).toHaveLength(0)
    expect(same).toEqual(init)

    // optimum's latent_parameters encoder (mean, log-variance): the mean is the latent.
    const lcmOut = await pipes.lcm.imageToImage({ ...base, steps: 4, guidance: 1.5, init, strength: 0.5 })
    expect(unetRuns(runs())).toHaveLength(2)
    expect(meanAbsDiff(lcmOut, init)).toBeLessThan(meanAbsDiff(await pipes.lcm.textToImage({ ...base, steps: 4, guidance: 1.5 }), init))
  })

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await pipes.tiny.textToImage({ ...base, seed: 21 })
    const b = await pipes.tiny.textToImage({ ...base, seed: 21 })
    const c = await pipes.tiny.textToImage({ ...base, seed: 22 })
    expect(b).toEqual(a)
    expect(meanAbsDiff(a, c)).toBeGreaterThan(5)
    const init = testPicture()
    const i1 = await pipes.int64.imageToImage({ ...base, seed: 5, init, strength: 0.6, steps: 5 })
    const i2 = await pipes.int64.imageToImage({ ...base, seed: 5, init, strength: 0.6, steps: 5 })
    const i3 = await pipes.int64.imageToImage({ ...base, seed: 6, init, strength: 0.6, steps: 5 })
    expect(i2).toEqual(i1)
    expect(meanAbsDiff(i1, i3)).toBeGreaterThan(1)
  })

  it('checks the signal between UNet calls', async () => {
    const controller = new AbortController()
    runs()
    const err = await pipes.tiny
      .textToImage({ ...base, steps: 6, signal: controller.signal, onStep: (i) => i === 1 && controller.abort() })
      .catch((e: Error) => e)
    expect((err as Error).name).toBe('AbortError')
    expect(unetRuns(runs())).toHaveLength(2)
  })

  it('converts float16 both ways (fp16 exports)', () => {
    for (const v of [0, 1, -2.5, 0.1, 65504, 6.1e-5, 3e-7, -1e-3]) expect(fromHalf(toHalf(v))).toBeCloseTo(v, Math.abs(v) < 1e-4 ? 7 : 2)
    expect(toHalf(1)).toBe(0x3c00)
    expect(toHalf(-2)).toBe(0xc000)
    expect(fromHalf(0x7c00)).toBe(Infinity)
    expect(toHalf(1e6)).toBe(0x7c00)
  })
})

describe('the 2D warp (warp.ts)', () => {
  const random = (width: number, height: number) => {
    const r = noiseStream(99)(width * height * 3)
    return Uint8Array.from(r, (v) => Math.max(0, Math.min(255, Math.round(128 + 60 * v))))
  }
  const at = (img: Uint8Array, width: number, x: number, y: number) => Array.from(img.subarray((y * width + x) * 3, (y * width + x) * 3 + 3))

  it('identity copies; an integer translation shifts with the border repeated', () => {
    const src = random(20, 14)
    expect(warpRgb(src, 20, 14, { zoom: 1, angle: 0, tx: 0, ty: 0 })).toEqual(src)
    const out = warpRgb(src, 20, 14, { zoom: 1, angle: 0, tx: 3, ty: -2 })
    for (let y = 0; y < 14; y++)
      for (let x = 0; x < 20; x++) expect(at(out, 20, x, y)).toEqual(at(src, 20, Math.max(0, x - 3), Math.min(13, y + 2)))
  })

  it('a half turn maps the picture onto itself rotated; a quarter turn is counter-clockwise', () => {
    for (const [ww, hh] of [
      [20, 14],
      [15, 9],
    ]) {
      const src = random(ww, hh)
      const out = warpRgb(src, ww, hh, { zoom: 1, angle: 180, tx: 0, ty: 0 })
      for (let y = 0; y < hh; y++) for (let x = 0; x < ww; x++) expect(at(out, ww, x, y)).toEqual(at(src, ww, ww - 1 - x, hh - 1 - y))
    }
    const N = 12
    const src = random(N, N)
    const out = warpRgb(src, N, N, { zoom: 1, angle: 90, tx: 0, ty: 0 })
    // What was at the right edge is now at the top: out(x, y) = src(N − 1 − y, x).
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) expect(at(out, N, x, y)).toEqual(at(src, N, N - 1 - y, x))
  })

  it('zooms about the centre and samples bilinearly', () => {
    const ramp = new Uint8Array(64 * 8 * 3)
    for (let y = 0; y < 8; y++) for (let x = 0; x < 64; x++) ramp.fill(4 * x, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3)
    const cx = 31.5
    const zoomed = warpRgb(ramp, 64, 8, { zoom: 2, angle: 0, tx: 0, ty: 0 })
    for (let x = 0; x < 64; x++) expect(Math.abs(at(zoomed, 64, x, 4)[0] - 4 * (cx + (x - cx) / 2))).toBeLessThanOrEqual(0.5)
    const half = warpRgb(ramp, 64, 8, { zoom: 1, angle: 0, tx: 0.5, ty: 0 })
    expect(at(half, 64, 0, 3)[0]).toBe(0)
    for (let x = 1; x < 64; x++) expect(at(half, 64, x, 3)[0]).toBe(4 * x - 2)
  })

  it('resizeCover scales to cover and crops the centre', () => {
    const src = testPicture(64, 64)
    const crop = resizeCover(src, 64, 64, 64, 32)
    for (let y = 0; y < 32; y++) expect(at(crop, 64, 10, y)).toEqual(at(src, 64, 10, y + 16))
    const down = resizeCover(testPicture(64, 48), 64, 48, 32, 24)
    // Red ramps 0→255 over 64 px; at half size pixel x covers source pixels 2x and 2x + 1.
    for (let x = 0; x < 32; x++) expect(Math.abs(at(down, 32, x, 5)[0] - ((2 * x + 0.5) / 63) * 255)).toBeLessThanOrEqual(1)
    expect(resizeCover(src, 64, 64, 64, 64)).toEqual(src)
  })
})

// ---------------------------------------------------------------------------------------------

const FPS = 24
const mara: CharacterCard = {
  kind: 'character', id: 'mara', name: 'Mara', description: 'singer with a red scarf', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee'], shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
const roof: LocationCard = {
  kind: 'location', id: 'roof', name: 'Rooftop', description: 'a rooftop at night', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}

/** Steady loudness, a full hit every `every` frames (none when 0). */
function controls(start: number, frames: number, every = 6, loudness = 0.5): FrameControl[] {
  return Array.from({ length: frames }, (_, i) => ({
    frame: start + i, loudness, hit: every && i % every === every - 1 ? 1 : 0, hue: 200, brightness: 0.5, harmonic: 0.5, vocal: 0,
    sectionIndex: 0, beatPhase: 0, barPhase: 0, onBeat: false, onDownbeat: false,
  }))
}

let seg = 0
function request(over: { shot?: Partial<Shot>; frames?: number; initKeyframe?: string; references?: Record<string, string[]>; every?: number } = {}): SegmentRequest {
  const frames = over.frames ?? 10
  const startFrame = over.shot?.startFrame ?? 0
  const dir = join(tmp, `seg-${seg++}`)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 0, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'start', locationId: 'roof', characterIds: ['mara'],
    camera: 'push-in', framing: 'medium', prompt: 'red neon city night', seed: 5, continuesPrevious: false, motionGain: 0.8, captions: [],
    ...over.shot,
  }
  return {
    shot, fps: FPS, width: W, height: H, frames, attempt: 0,
    style: { look: 'neon', palette: ['#ff6b6b', '#4d96ff'], grain: 0, vignette: 0, captionFont: 'DejaVu Sans' },
    location: roof, characters: [mara], controls: controls(startFrame, frames, over.every ?? 6),
    audio: { path: '/nonexistent.wav', startSec: startFrame / FPS, endSec: (startFrame + frames) / FPS },
    initKeyframe: over.initKeyframe, referenceKeyframes: over.references ?? {},
    out: { video: join(dir, 'shot.mp4'), firstFrame: join(dir, 'first.png'), lastFrame: join(dir, 'last.png'), keyFrame: join(dir, 'key.png') },
  }
}

const countFrames = (video: string) => decodeFrames(video, { width: W, height: H }, () => {})
const png = (path: string) => decodeImage(path, { width: W, height: H, format: 'rgb24' })

describe('camera motion and strength from the shot and the music (animate.ts)', () => {
  it('the per-frame warps compose to the planned camera move at steady loudness', () => {
    const frames = 30
    const quiet = { ...request({ frames, every: 0 }) }
    const push = shotWarps(quiet, W, H)
    expect(push).toHaveLength(frames)
    const total = push.reduce((z, p) => z * p.zoom, 1)
    expect(total).toBeCloseTo(cameraAt('push-in', 1, 0, 1).zoom / cameraAt('push-in', 0, 0, 1).zoom, 6)
    expect(push.every((p) => p.zoom >= 1 && p.angle === 0)).toBe(true)
    const pan = shotWarps({ ...quiet, shot: { ...quiet.shot, camera: 'pan-right' } }, W, H)
    // The camera moves right by 14 % of the width: the picture slides left by as much.
    expect(pan.reduce((s, p) => s + p.tx, 0)).toBeCloseTo(-0.14 * W, 6)
    const louder = shotWarps({ ...quiet, controls: controls(0, frames, 0, 1) }, W, H)
    expect(louder[15].zoom).toBeGreaterThan(push[15].zoom)
  })

  it('hits punch the zoom and raise the strength', () => {
    const req = request({ frames: 12, every: 6 })
    const warps = shotWarps(req, W, H)
    const quiet = shotWarps({ ...req, controls: controls(0, 12, 0) }, W, H)
    expect(warps[5].zoom).toBeGreaterThan(quiet[5].zoom * 1.01)
    const s = frameStrengths(req.controls, 12, req.shot.motionGain, 0.35, 0.25)
    expect(s[0]).toBe(0.35)
    expect(s[5]).toBeCloseTo(0.35 + 0.25 * 0.8, 6)
    expect(s[6]).toBeLessThan(s[5])
    expect(s[6]).toBeGreaterThan(0.35)
  })

  it('sizes, colour coherence and the first picture’s source', () => {
    expect(diffusionSize(1280, 720, 768)).toEqual({ width: 768, height: 432 })
    expect(diffusionSize(64, 48, 768)).toEqual({ width: 64, height: 48 })
    expect(diffusionSize(100, 62, 768)).toEqual({ width: 104, height: 64 })
    expect(diffusionSize(1920, 1080, 512, 8, { width: 512, height: 512 })).toEqual({ width: 512, height: 512 })
    const pic = testPicture()
    const dull = Uint8Array.from(pic, (v) => 100 + (v >> 2))
    const matched = colourStats(matchColour(dull, colourStats(pic)))
    const want = colourStats(pic)
    for (let c = 0; c < 3; c++) {
      expect(matched.mean[c]).toBeCloseTo(want.mean[c], -0.5)
      expect(matched.std[c]).toBeCloseTo(want.std[c], -0.5)
    }
    expect(blendRgb(Uint8Array.of(0, 100), Uint8Array.of(100, 0), 0.25)).toEqual(Uint8Array.of(25, 75))
    const r = request({ references: { mara: ['/a.png', '/b.png'], roof: ['/c.png'] } })
    expect(shotStart(r)).toEqual({ kind: 'reference', entityId: 'mara', path: '/b.png' })
    expect(shotStart({ ...r, initKeyframe: '/last.png', shot: { ...r.shot, continuesPrevious: true } })).toEqual({ kind: 'continue', path: '/last.png' })
    expect(shotStart({ ...r, referenceKeyframes: {} })).toEqual({ kind: 'text' })
  })
})

describe('createOnnxGenerator: whole shots to real files', () => {
  const logs: string[] = []
  const calls: RunTrace[] = []
  const opts = { model: 'tiny', modelsDir: models, steps: 6, onLog: (m: string) => logs.push(m), onRun: (t: RunTrace) => calls.push(t) }
  let gen: ReturnType<typeof createOnnxGenerator>
  beforeAll(() => {
    gen = createOnnxGenerator(opts)
  })
  afterAll(() => gen.release())
  const run = (req: SegmentRequest, g?: ReturnType<typeof createOnnxGenerator>, signal = new AbortController().signal, onProgress: (p: number) => void = () => {}) =>
    (g ?? gen).generate(req, { signal, onProgress })

  let first: { req: SegmentRequest; last: Uint8Array; firstFrame: Uint8Array }

  it('renders a shot: exactly the planned frames in a real mp4, the stills, progress to 1', async () => {
    expect(gen.id).toBe('onnx:tiny')
    expect(gen.capabilities).toMatchObject({ audioConditioned: false, keyframeIn: true, referenceImages: true })
    const req = request({ frames: 13 })
    const progress: number[] = []
    calls.length = 0
    const segment = await run(req, gen, undefined, (p) => progress.push(p))
    expect(segment).toMatchObject({ shotIndex: 0, generator: 'onnx:tiny', frames: 13, path: req.out.video })
    expect(await countFrames(req.out.video)).toBe(13)
    const info = await probeMedia(req.out.video)
    expect(info.video).toMatchObject({ width: W, height: H, codec: 'h264' })
    for (const p of [req.out.firstFrame, req.out.keyFrame, req.out.lastFrame]) expect(existsSync(p)).toBe(true)
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true)
    expect(progress.length).toBeGreaterThanOrEqual(13)
    expect(logs.some((l) => /shot 0: onnx:tiny at 64×48 → 64×48, 13 frames, first frame by text-to-image/.test(l))).toBe(true)
    expect(logs.some((l) => /euler sampler, 6 steps, guidance 7.5/.test(l))).toBe(true)
    // Text-to-image (6 steps), then 12 image-to-image frames of round(6 × strength) ≥ 2 steps each.
    const unet = unetRuns(calls).length
    expect(unet).toBeGreaterThanOrEqual(6 + 12 * 2)
    expect(calls.filter((c) => c.part === 'vae_encoder')).toHaveLength(12)
    // The animation moves: consecutive stills differ, but not like a cut.
    const [a, k, z] = await Promise.all([png(req.out.firstFrame), png(req.out.keyFrame), png(req.out.lastFrame)])
    expect(meanAbsDiff(a, k)).toBeGreaterThan(0.5)
    expect(meanAbsDiff(k, z)).toBeGreaterThan(0.5)
    first = { req, last: z, firstFrame: a }
  })

  it('a diffusion cadence of 3 diffuses every third frame and warps in between', async () => {
    const cadenced = createOnnxGenerator({ ...opts, cadence: 3 })
    calls.length = 0
    const req = request({ frames: 13 })
    await run(req, cadenced)
    expect(await countFrames(req.out.video)).toBe(13)
    // Frames 3, 6, 9 and 12 are diffused.
    expect(calls.filter((c) => c.part === 'vae_encoder')).toHaveLength(4)
    await cadenced.release()
  })

  it('a continuing shot starts from the previous shot’s last frame', async () => {
    const asIs = createOnnxGenerator({ ...opts, continueStrength: 0 })
    const next = request({ frames: 6, shot: { index: 1, startFrame: 13, seed: 99, continuesPrevious: true }, initKeyframe: first.req.out.lastFrame })
    await run(next, asIs)
    expect(await countFrames(next.out.video)).toBe(6)
    const start = await png(next.out.firstFrame)
    // One frame's warp of the previous last frame (a push-in of well under 1 %).
    expect(meanAbsDiff(start, first.last)).toBeLessThan(4)
    expect(logs.some((l) => /shot 1: .*first frame from the previous shot/.test(l))).toBe(true)
    await asIs.release()

    // At the default strength it is re-diffused, yet much nearer the previous frame than a fresh start.
    const diffused = request({ frames: 4, shot: { index: 2, startFrame: 13, seed: 99, continuesPrevious: true }, initKeyframe: first.req.out.lastFrame })
    const fresh = request({ frames: 4, shot: { index: 3, startFrame: 13, seed: 99 } })
    await run(diffused)
    await run(fresh)
    const dStart = await png(diffused.out.firstFrame)
    const fStart = await png(fresh.out.firstFrame)
    // (measured: mean difference 34 against 58 levels, correlation 0.53 against −0.05)
    expect(meanAbsDiff(dStart, first.last)).toBeLessThan(meanAbsDiff(fStart, first.last) * 0.75)
    expect(correlation(dStart, first.last)).toBeGreaterThan(0.4)
    expect(Math.abs(correlation(fStart, first.last))).toBeLessThan(0.2)
  })

  it('an entity’s reference keyframe seeds its shot', async () => {
    const ref = join(tmp, 'mara-ref.png')
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=1`, '-frames:v', '1', ref])
    const reference = await png(ref)
    const seeded = request({ frames: 4, shot: { index: 4, seed: 31 }, references: { mara: [ref] } })
    const plain = request({ frames: 4, shot: { index: 5, seed: 31 } })
    await run(seeded)
    await run(plain)
    const s = await png(seeded.out.firstFrame)
    const p = await png(plain.out.firstFrame)
    // Strength 0.6 keeps the reference's layout (measured correlation 0.26; text-to-image 0.01).
    expect(meanAbsDiff(s, reference)).toBeLessThan(meanAbsDiff(p, reference))
    expect(correlation(s, reference)).toBeGreaterThan(0.18)
    expect(Math.abs(correlation(p, reference))).toBeLessThan(0.08)
    expect(logs.some((l) => /shot 4: .*first frame from mara's reference keyframe/.test(l))).toBe(true)
  })

  it('honours the signal mid-shot: an AbortError and no video or stills left behind', async () => {
    const controller = new AbortController()
    const req = request({ frames: 12 })
    const err = await run(req, gen, controller.signal, (p) => p > 0.4 && controller.abort()).catch((e: Error) => e)
    expect((err as Error).name).toBe('AbortError')
    for (const p of [req.out.video, req.out.firstFrame, req.out.keyFrame, req.out.lastFrame]) expect(existsSync(p)).toBe(false)
  })

  it('an LCM export renders with its own defaults (4 steps, guidance embedded, no CFG batch)', async () => {
    const lcmLogs: string[] = []
    const lcmCalls: RunTrace[] = []
    const lcm = createOnnxGenerator({ model: 'lcm', modelsDir: models, onLog: (m) => lcmLogs.push(m), onRun: (t) => lcmCalls.push(t) })
    const req = request({ frames: 5 })
    await run(req, lcm)
    expect(await countFrames(req.out.video)).toBe(5)
    expect(lcmLogs.some((l) => /lcm sampler, 4 steps, guidance 8.5 \(embedded, LCM\)/.test(l))).toBe(true)
    expect(unetRuns(lcmCalls).every((c) => c.inputs.sample.dims[0] === 1 && c.inputs.timestep_cond !== undefined)).toBe(true)
    await lcm.release()
  })
})
