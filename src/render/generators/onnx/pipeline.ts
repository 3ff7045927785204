/**
 * Text-to-image and image-to-image through a diffusers ONNX export, as diffusers'
 * OnnxStableDiffusion(Img2Img)Pipeline and the LCM pipeline do it: CLIP text embeddings,
 * classifier-free guidance with an (uncond, cond) batch when guidance > 1, or LCM's
 * guidance-scale embedding fed as `timestep_cond` when the UNet takes one (no CFG batch then),
 * the scheduler's loop over the UNet, and the VAE at both ends. Pictures are RGB24 bytes.
 */
import * as ort from 'onnxruntime-node'
import { abortError } from '../../../ffmpeg/index.js'
import { OnnxModelError } from './errors.js'
import { classifierFreeGuidance, splitBatch } from './guidance.js'
import { noiseStream } from './noise.js'
import { createScheduler } from './schedulers.js'
import { floatTensor, tensorFloats, type DiffusionSessions } from './sessions.js'
import type { Scheduler } from './types.js'

/** Latent channels of SD's VAE. */
export const LATENT_CHANNELS = 4

export interface TextToImageParams {
  prompt: string
  /** The unconditional side of CFG; '' when absent (diffusers' default). */
  negativePrompt?: string
  seed: number
  /** Inference steps of a full (strength 1) run. */
  steps: number
  /** CFG scale (> 1 runs the uncond+cond batch); for LCM UNets, the scale embedded as `timestep_cond`. */
  guidance: number
  /** Multiples of the VAE's scale factor (8). */
  width: number
  height: number
  signal?: AbortSignal
  /** After every UNet step: step index (0-based) and the number of steps of this run. */
  onStep?: (step: number, of: number) => void
}

export interface ImageToImageParams extends TextToImageParams {
  /** RGB24, width × height. */
  init: Uint8Array
  /** In (0, 1]: the share of the steps run, from the init picture noised to that level. */
  strength: number
}

export interface DiffusionPipeline {
  readonly sessions: DiffusionSessions
  /** 'euler' | 'ddim' | 'lcm', from scheduler_config.json. */
  readonly schedulerKind: string
  /** True when the UNet takes LCM's `timestep_cond` (guidance is embedded, never batched). */
  readonly embedsGuidance: boolean
  /** Pixels per latent cell. */
  readonly scaleFactor: number
  /** Render size the UNet pins (fixed-shape exports), else undefined: any multiple of scaleFactor. */
  readonly fixedSize?: { width: number; height: number }
  textToImage(p: TextToImageParams): Promise<Uint8Array>
  imageToImage(p: ImageToImageParams): Promise<Uint8Array>
  /** The text encoder's last_hidden_state for a prompt, [1, maxLength, D] flat (cached). */
  encodePrompt(text: string): Promise<Float32Array>
}

/**
 * LCM's guidance-scale embedding (diffusers' `get_guidance_scale_embedding`, after VDM): with
 * w' = 1000·w, half = ⌊dim/2⌋ and f_k = exp(−k·ln(10000)/(half − 1)), the vector is
 * [sin(w'·f_0..half−1), cos(w'·f_0..half−1)], zero-padded to `dim` when dim is odd.
 * The LCM pipeline embeds w = guidance − 1.
 */
export function guidanceScaleEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2)
  if (half < 2) throw new RangeError(`timestep_cond size must be at least 4, got ${dim}`)
  const out = new Float32Array(dim)
  const step = Math.log(10000) / (half - 1)
  for (let k = 0; k < half; k++) {
    const a = w * 1000 * Math.exp(-k * step)
    out[k] = Math.sin(a)
    out[half + k] = Math.cos(a)
  }
  return out
}

/** RGB24 → the VAE encoder's input: planar R, G, B (NCHW, batch 1), each byte/127.5 − 1. */
export function rgbToVaeInput(rgb: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height
  if (rgb.length !== n * 3) throw new RangeError(`picture must be RGB24 ${width}×${height} (${n * 3} bytes), got ${rgb.length}`)
  const out = new Float32Array(n * 3)
  for (let p = 0; p < n; p++) {
    out[p] = rgb[p * 3] / 127.5 - 1
    out[n + p] = rgb[p * 3 + 1] / 127.5 - 1
    out[2 * n + p] = rgb[p * 3 + 2] / 127.5 - 1
  }
  return out
}

/** The VAE decoder's output (planar, batch 1, in [−1, 1]) → RGB24: round(clamp(x/2 + 0.5, 0, 1)·255). */
export function vaeOutputToRgb(planar: Float32Array, width: number, height: number): Uint8Array {
  const n = width * height
  const out = new Uint8Array(n * 3)
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < n; p++) {
      const v = planar[c * n + p] / 2 + 0.5
      out[p * 3 + c] = Math.round((v < 0 ? 0 : v > 1 ? 1 : Number.isNaN(v) ? 0 : v) * 255)
    }
  return out
}

/** Prompt embeddings kept per pipeline: a shot's prompt and the negative prompt are reused every frame. */
const PROMPT_CACHE = 32

export function createDiffusionPipeline(sessions: DiffusionSessions): DiffusionPipeline {
  const { layout, tokenizer, unet, textEncoder, vaeDecoder } = sessions
  const uio = unet.io
  const schedulerKind = sessions.scheduler.kind
  const embedsGuidance = uio.timestepCond !== undefined
  const f = layout.vaeScaleFactor
  const fixedSize =
    uio.latentHeight !== undefined && uio.latentWidth !== undefined ? { width: uio.latentWidth * f, height: uio.latentHeight * f } : undefined
  const promptCache = new Map<string, Promise<Float32Array>>()

  function checkSize(width: number, height: number): { h: number; w: number } {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < f || height < f || width % f || height % f)
      throw new RangeError(`diffusion size must be positive multiples of ${f}, got ${width}×${height}`)
    if (fixedSize && (fixedSize.width !== width || fixedSize.height !== height))
      throw new RangeError(`${unet.file} is exported for ${fixedSize.width}×${fixedSize.height} only, asked for ${width}×${height}`)
    return { h: height / f, w: width / f }
  }

  async function runTextEncoder(text: string): Promise<Float32Array> {
    const ids = tokenizer.encode(text)
    const L = ids.length
    const input =
      textEncoder.io.idType === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, L])
        : new ort.Tensor('int32', Int32Array.from(ids), [1, L])
    const out = (await textEncoder.run({ input_ids: input }, ['last_hidden_state'])).last_hidden_state
    if (out.dims.length !== 3 || out.dims[0] !== 1 || out.dims[1] !== L)
      throw new OnnxModelError(`${textEncoder.file}: output "last_hidden_state" is [${out.dims.join(', ')}], expected [1, ${L}, D]`)
    return tensorFloats(out, textEncoder.file, 'last_hidden_state')
  }

  function encodePrompt(text: string): Promise<Float32Array> {
    let p = promptCache.get(text)
    if (!p) {
      p = runTextEncoder(text)
      p.catch(() => promptCache.delete(text))
      promptCache.set(text, p)
      if (promptCache.size > PROMPT_CACHE) promptCache.delete(promptCache.keys().next().value as string)
    }
    return p
  }

  function timestepTensor(t: number, batch: number): ort.Tensor {
    const dims = uio.timestepShape === 'scalar' ? [] : uio.timestepShape === 'one' ? [1] : [batch]
    const n = uio.timestepShape === 'batch' ? batch : 1
    switch (uio.timestepType) {
      case 'int64':
        return new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(Math.round(t))), dims)
      case 'int32':
        return new ort.Tensor('int32', new Int32Array(n).fill(Math.round(t)), dims)
      default:
        return floatTensor(new Float32Array(n).fill(t), uio.timestepType, dims)
    }
  }

  /** One UNet evaluation per (sample, hidden) pair, batched as the export allows. */
  async function runUnet(samples: Float32Array[], hiddens: Float32Array[], t: number, h: number, w: number, cond?: Float32Array): Promise<Float32Array[]> {
    const chunk = uio.batch ?? samples.length
    const results: Float32Array[] = []
    const per = LATENT_CHANNELS * h * w
    const hid = hiddens[0].length
    for (let start = 0; start < samples.length; start += chunk) {
      const count = Math.min(chunk, samples.length - start)
      // A pinned batch larger than what is left is padded with copies of the last item.
      const pick = (k: number) => start + Math.min(k, count - 1)
      const sample = new Float32Array(chunk * per)
      const ehs = new Float32Array(chunk * hid)
      for (let k = 0; k < chunk; k++) {
        sample.set(samples[pick(k)], k * per)
        ehs.set(hiddens[pick(k)], k * hid)
      }
      const feeds: Record<string, ort.Tensor> = {
        sample: floatTensor(sample, uio.sampleType, [chunk, LATENT_CHANNELS, h, w]),
        timestep: timestepTensor(t, chunk),
        encoder_hidden_states: floatTensor(ehs, uio.hiddenType, [chunk, tokenizer.maxLength, hid / tokenizer.maxLength]),
      }
      if (uio.timestepCond) {
        const tc = new Float32Array(chunk * uio.timestepCond.dim)
        for (let k = 0; k < chunk; k++) tc.set(cond!, k * uio.timestepCond.dim)
        feeds.timestep_cond = floatTensor(tc, uio.timestepCond.type, [chunk, uio.timestepCond.dim])
      }
      const out = (await unet.run(feeds, ['out_sample'])).out_sample
      const want = [chunk, LATENT_CHANNELS, h, w]
      if (out.dims.length !== 4 || out.dims.some((d, i) => d !== want[i]))
        throw new OnnxModelError(`${unet.file}: output "out_sample" is [${out.dims.join(', ')}], expected [${want.join(', ')}]`)
      const parts = splitBatch(tensorFloats(out, unet.file, 'out_sample'), chunk)
      results.push(...parts.slice(0, count))
    }
    return results
  }

  async function decode(latents: Float32Array, h: number, w: number): Promise<Uint8Array> {
    const scaled = new Float32Array(latents.length)
    for (let i = 0; i < latents.length; i++) scaled[i] = latents[i] / layout.scalingFactor + layout.shiftFactor
    const out = (await vaeDecoder.run({ latent_sample: floatTensor(scaled, vaeDecoder.io.inputType, [1, LATENT_CHANNELS, h, w]) }, ['sample'])).sample
    const want = [1, 3, h * f, w * f]
    if (out.dims.length !== 4 || out.dims.some((d, i) => d !== want[i]))
      throw new OnnxModelError(`${vaeDecoder.file}: output "sample" is [${out.dims.join(', ')}], expected [${want.join(', ')}]`)
    return vaeOutputToRgb(tensorFloats(out, vaeDecoder.file, 'sample'), w * f, h * f)
  }

  async function encode(rgb: Uint8Array, width: number, height: number, h: number, w: number): Promise<Float32Array> {
    const enc = sessions.vaeEncoder
    if (!enc)
      throw new OnnxModelError(`${layout.dir}: vae_encoder/model.onnx is missing, and image-to-image needs it; re-export the model with optimum-cli`)
    const name = enc.io.output
    const out = (await enc.run({ sample: floatTensor(rgbToVaeInput(rgb, width, height), enc.io.inputType, [1, 3, height, width]) }, [name]))[name]
    const channels = name === 'latent_parameters' ? 2 * LATENT_CHANNELS : LATENT_CHANNELS
    const want = [1, channels, h, w]
    if (out.dims.length !== 4 || out.dims.some((d, i) => d !== want[i]))
      throw new OnnxModelError(`${enc.file}: output "${name}" is [${out.dims.join(', ')}], expected [${want.join(', ')}]`)
    const values = tensorFloats(out, enc.file, name)
    // latent_parameters holds the distribution's mean then its log-variance: take the mean (its mode).
    const latents = new Float32Array(LATENT_CHANNELS * h * w)
    for (let i = 0; i < latents.length; i++) latents[i] = (values[i] - layout.shiftFactor) * layout.scalingFactor
    return latents
  }

  /** The scheduler's loop: guidance per step, the signal checked before every UNet call. */
  async function denoise(
    latents: Float32Array,
    scheduler: Scheduler,
    p: TextToImageParams,
    draw: (n: number) => Float32Array,
    h: number,
    w: number,
  ): Promise<Float32Array> {
    const cond = await encodePrompt(p.prompt)
    const cfg = !embedsGuidance && p.guidance > 1
    const uncond = cfg ? await encodePrompt(p.negativePrompt ?? '') : undefined
    const tcond = uio.timestepCond ? guidanceScaleEmbedding(p.guidance - 1, uio.timestepCond.dim) : undefined
    const n = scheduler.timesteps.length
    for (let i = 0; i < n; i++) {
      if (p.signal?.aborted) throw abortError(p.signal)
      const t = scheduler.timesteps[i]
      const input = scheduler.scaleModelInput(latents, i)
      let eps: Float32Array
      if (uncond) {
        const [eu, ec] = await runUnet([input, input], [uncond, cond], t, h, w, tcond)
        eps = classifierFreeGuidance(eu, ec, p.guidance)
      } else {
        eps = (await runUnet([input], [cond], t, h, w, tcond))[0]
      }
      latents = scheduler.step(eps, i, latents, draw)
      p.onStep?.(i, n)
    }
    if (p.signal?.aborted) throw abortError(p.signal)
    return latents
  }

  function checkParams(p: TextToImageParams): void {
    if (!Number.isInteger(p.steps) || p.steps < 1) throw new RangeError(`steps must be a positive integer, got ${p.steps}`)
    if (!Number.isFinite(p.guidance) || p.guidance < 0) throw new RangeError(`guidance must be ≥ 0, got ${p.guidance}`)
    if (!Number.isInteger(p.seed) || p.seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${p.seed}`)
  }

  return {
    sessions,
    schedulerKind,
    embedsGuidance,
    scaleFactor: f,
    fixedSize,
    encodePrompt,
    async textToImage(p) {
      checkParams(p)
      const { h, w } = checkSize(p.width, p.height)
      if (p.signal?.aborted) throw abortError(p.signal)
      const scheduler = createScheduler(sessions.scheduler.config, { steps: p.steps })
      const draw = noiseStream(p.seed)
      const noise = draw(LATENT_CHANNELS * h * w)
      const latents = new Float32Array(noise.length)
      for (let i = 0; i < noise.length; i++) latents[i] = noise[i] * scheduler.initNoiseSigma
      return decode(await denoise(latents, scheduler, p, draw, h, w), h, w)
    },
    async imageToImage(p) {
      checkParams(p)
      const { h, w } = checkSize(p.width, p.height)
      if (!(p.strength > 0 && p.strength <= 1)) throw new RangeError(`strength must be in (0, 1], got ${p.strength}`)
      if (p.signal?.aborted) throw abortError(p.signal)
      // Too weak to run a single step: the init picture is the answer (no VAE round trip).
      if (Math.round(p.steps * p.strength) < 1) return Uint8Array.from(checkedInit(p))
      const scheduler = createScheduler(sessions.scheduler.config, { steps: p.steps, strength: p.strength })
      if (scheduler.timesteps.length === 0) return Uint8Array.from(checkedInit(p))
      const clean = await encode(checkedInit(p), p.width, p.height, h, w)
      const draw = noiseStream(p.seed)
      const latents = scheduler.addNoise(clean, draw(clean.length), 0)
      return decode(await denoise(latents, scheduler, p, draw, h, w), h, w)
    },
  }
}

function checkedInit(p: ImageToImageParams): Uint8Array {
  if (p.init.length !== p.width * p.height * 3)
    throw new RangeError(`init picture must be RGB24 ${p.width}×${p.height} (${p.width * p.height * 3} bytes), got ${p.init.length}`)
  return p.init
}
