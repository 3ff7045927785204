/**
 * A shot animated the way Deforum's 2D mode does it: the first picture comes from
 * text-to-image (or from the previous shot's last frame, or an entity's reference keyframe,
 * through image-to-image); every later frame warps the previous one by the shot's camera move
 * and runs image-to-image on it at a low strength. Motion and strength follow the music: the
 * camera path is scaled by loudness, percussive hits punch the zoom and raise the strength.
 * With a diffusion cadence N only every N-th frame is diffused; the frames between are warped
 * and crossfade from the previous diffused picture to the new one, as Deforum's cadence does.
 * Frames are streamed to the encoder; at most three pictures are held.
 */
import { createCanvas, ImageData } from '@napi-rs/canvas'
import { writeFile, rm } from 'node:fs/promises'
import { abortError, decodeImage, openRawVideoEncoder, type RawVideoEncoder } from '../../../ffmpeg/index.js'
import type { FrameControl, Segment } from '../../../schemas/index.js'
import { cameraAt } from '../procedural/camera.js'
import { mixSeed, mulberry32 } from '../procedural/prng.js'
import { envelopes } from '../procedural/scene.js'
import type { GenerateContext, SegmentRequest } from '../types.js'
import type { DiffusionPipeline } from './pipeline.js'
import { resizeCover, warpRgb, type Warp2d } from './warp.js'
import { segmentFor } from '../segment.js'

export interface AnimationSettings {
  steps: number
  guidance: number
  negativePrompt: string
  /** Image-to-image strength of an ordinary frame. */
  strength: number
  /** Added to the strength in proportion to the hit envelope (0..1, already scaled by the shot's motionGain). */
  hitStrength: number
  /** Strength of the first frame of a continuing shot, from the previous shot's last frame. */
  continueStrength: number
  /** Strength of the first frame when it starts from an entity's reference keyframe. */
  referenceStrength: number
  /** Diffuse every N-th frame; warp only in between (Deforum's diffusion_cadence). */
  cadence: number
  /** Multiplies the camera path's motion. */
  motion: number
  /** Match every diffused frame's colour statistics to the first frame's (Deforum's colour coherence). */
  colourCoherence: boolean
}

/** Where the first picture of a shot comes from. */
export type ShotStart = { kind: 'continue'; path: string } | { kind: 'reference'; entityId: string; path: string } | { kind: 'text' }

/**
 * The first picture's source: the previous shot's last frame when the shot continues it, else the
 * newest reference keyframe of the first of its characters that has one, then of its location,
 * else text-to-image.
 */
export function shotStart(req: Pick<SegmentRequest, 'shot' | 'initKeyframe' | 'referenceKeyframes'>): ShotStart {
  if (req.initKeyframe && req.shot.continuesPrevious) return { kind: 'continue', path: req.initKeyframe }
  for (const id of [...req.shot.characterIds, req.shot.locationId]) {
    const refs = req.referenceKeyframes[id]
    if (refs?.length) return { kind: 'reference', entityId: id, path: refs[refs.length - 1] }
  }
  return { kind: 'text' }
}

/** Zoom added on a full hit, as the procedural camera punches in (relaxes as the hit decays). */
const HIT_ZOOM = 0.035
/** Camera shake on a full hit, as a fraction of the frame height. */
const HIT_SHAKE = 0.012

/**
 * Per-frame camera warps of a shot, Deforum-style: warp i takes frame i − 1 to frame i (warp 0
 * takes the previous shot's last frame to frame 0). The planned move is procedural/camera.ts's
 * path P(u) at u = i/(frames − 1); with loudness envelope e_i and hit envelope h_i (envelopes()):
 *   zoom_i = (P_i.zoom/P_{i−1}.zoom)^(m_i) · (1 + k·h_i)/(1 + k·h_{i−1}),   k = 0.035
 *   tx_i   = −(P_i.x − P_{i−1}.x)·W·m_i − (s_i.x − s_{i−1}.x),   likewise ty with H
 * where m_i = motion·(0.6 + 0.8·e_i) scales the planned move by loudness and s_i is the
 * seeded hit shake (±1.2 % of H × h_i). A camera moving right slides the picture left.
 */
export function shotWarps(
  req: Pick<SegmentRequest, 'shot' | 'controls' | 'frames' | 'fps'>,
  width: number,
  height: number,
  motion = 1,
): Warp2d[] {
  const { shot, frames, fps } = req
  const { energy, hit } = envelopes(req.controls, frames, shot.motionGain)
  const path = (i: number) => {
    const u = frames > 1 ? Math.max(0, i) / (frames - 1) : 0
    return cameraAt(shot.camera, u, i / fps, 1)
  }
  const shake = (i: number) => {
    if (i < 0) return { x: 0, y: 0 }
    const r = mulberry32(mixSeed(shot.seed, 'onnx-shake', i))
    const a = hit[i] * height * HIT_SHAKE
    return { x: (r() - 0.5) * 2 * a, y: (r() - 0.5) * 2 * a }
  }
  const warps: Warp2d[] = []
  let prev = path(-1)
  let prevShake = shake(-1)
  let prevHit = 0
  for (let i = 0; i < frames; i++) {
    const cur = path(i)
    const s = shake(i)
    const m = motion * (0.6 + 0.8 * energy[i])
    warps.push({
      zoom: (cur.zoom / prev.zoom) ** m * ((1 + HIT_ZOOM * hit[i]) / (1 + HIT_ZOOM * prevHit)),
      angle: 0,
      tx: -(cur.x - prev.x) * width * m - (s.x - prevShake.x),
      ty: -(cur.y - prev.y) * height * m - (s.y - prevShake.y),
    })
    prev = cur
    prevShake = s
    prevHit = hit[i]
  }
  return warps
}

/** Image-to-image strength per frame: base + hitStrength × hit envelope, kept in [0.05, 0.95]. */
export function frameStrengths(controls: FrameControl[], frames: number, motionGain: number, base: number, hitStrength: number): number[] {
  const { hit } = envelopes(controls, frames, motionGain)
  return Array.from(hit, (h) => Math.min(0.95, Math.max(0.05, base + hitStrength * h)))
}

/**
 * The diffusion size for an output size: scaled so the longer side is at most `maxSide`, each
 * side rounded to the nearest multiple of `multiple` (at least one multiple). A model exported
 * for one fixed size gets that size. The result is scaled and cropped to the output afterwards.
 */
export function diffusionSize(
  width: number,
  height: number,
  maxSide: number,
  multiple = 8,
  fixed?: { width: number; height: number },
): { width: number; height: number } {
  if (fixed) return fixed
  const s = Math.min(1, maxSide / Math.max(width, height))
  const snap = (v: number) => Math.max(multiple, Math.round((v * s) / multiple) * multiple)
  return { width: snap(width), height: snap(height) }
}

/** Per-channel mean and standard deviation of an RGB24 picture. */
export function colourStats(rgb: Uint8Array): { mean: number[]; std: number[] } {
  const n = rgb.length / 3
  const sum = [0, 0, 0]
  const sq = [0, 0, 0]
  for (let p = 0; p < rgb.length; p += 3)
    for (let c = 0; c < 3; c++) {
      const v = rgb[p + c]
      sum[c] += v
      sq[c] += v * v
    }
  const mean = sum.map((s) => s / n)
  return { mean, std: sq.map((s, c) => Math.sqrt(Math.max(0, s / n - mean[c] * mean[c]))) }
}

/**
 * Colour coherence (Deforum's "Match Frame 0 RGB", reduced to moments): each channel is shifted
 * and scaled so its mean and standard deviation equal the reference's: v' = (v − μ)·σ_ref/σ + μ_ref.
 * A flat channel (σ < 1) is only shifted.
 */
export function matchColour(rgb: Uint8Array, ref: { mean: number[]; std: number[] }): Uint8Array {
  const { mean, std } = colourStats(rgb)
  const out = new Uint8Array(rgb.length)
  const gain = std.map((s, c) => (s < 1 ? 1 : ref.std[c] / s))
  for (let p = 0; p < rgb.length; p += 3)
    for (let c = 0; c < 3; c++) {
      const v = (rgb[p + c] - mean[c]) * gain[c] + ref.mean[c]
      out[p + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
    }
  return out
}

/** (1 − t)·a + t·b per byte, rounded. */
export function blendRgb(a: Uint8Array, b: Uint8Array, t: number): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = Math.round(a[i] + (b[i] - a[i]) * t)
  return out
}

/** A fresh buffer per frame: the encoder's pipe may still hold the previous one. */
function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const rgba = new Uint8Array((rgb.length / 3) * 4)
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p]
    rgba[q + 1] = rgb[p + 1]
    rgba[q + 2] = rgb[p + 2]
    rgba[q + 3] = 255
  }
  return rgba
}

async function writePng(path: string, rgba: Uint8Array, width: number, height: number): Promise<void> {
  const canvas = createCanvas(width, height)
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0)
  await writeFile(path, await canvas.encode('png'))
}

/** Seed of frame i's image-to-image noise: Deforum's "iter" seed behaviour (seed + i). */
const frameSeed = (seed: number, i: number) => (seed + i) % 2 ** 32

export interface AnimateShotOptions {
  pipeline: DiffusionPipeline
  settings: AnimationSettings
  /** Longest side of the diffusion size. */
  maxSide: number
  generatorId: string
  onLog?: (message: string) => void
}

/** Renders one shot: exactly `req.frames` frames to `req.out.video`, and the first/key/last PNGs. */
export async function animateShot(req: SegmentRequest, ctx: GenerateContext, opts: AnimateShotOptions): Promise<Segment> {
  if (!Number.isInteger(req.frames) || req.frames < 1) throw new RangeError(`frames must be a positive integer, got ${req.frames}`)
  if (req.width % 2 || req.height % 2) throw new RangeError(`size must be even for yuv420p, got ${req.width}x${req.height}`)
  const { signal } = ctx
  if (signal.aborted) throw abortError(signal)
  const { pipeline, settings: st } = opts
  const { shot, frames } = req
  const size = diffusionSize(req.width, req.height, opts.maxSide, pipeline.scaleFactor, pipeline.fixedSize)
  const { width: W, height: H } = size
  const warps = shotWarps(req, W, H, st.motion)
  const strengths = frameStrengths(req.controls, frames, shot.motionGain, st.strength, st.hitStrength)
  const cadence = Math.max(1, Math.floor(st.cadence))
  const start = shotStart(req)
  const log = (m: string) => opts.onLog?.(`shot ${shot.index}: ${m}`)
  log(
    `${opts.generatorId} at ${W}×${H} → ${req.width}×${req.height}, ${frames} frames, first frame ${
      start.kind === 'text' ? 'by text-to-image' : start.kind === 'continue' ? 'from the previous shot' : `from ${start.entityId}'s reference keyframe`
    }, cadence ${cadence}`,
  )

  const base = {
    prompt: shot.prompt,
    negativePrompt: st.negativePrompt,
    steps: st.steps,
    guidance: st.guidance,
    width: W,
    height: H,
    signal,
  }
  const mid = Math.floor(frames / 2)
  const stills: Array<[number, string]> = [
    [0, req.out.firstFrame],
    [mid, req.out.keyFrame],
    [frames - 1, req.out.lastFrame],
  ]
  const cleanupStills = () => Promise.all(stills.map(([, p]) => rm(p, { force: true })))
  let enc: RawVideoEncoder | undefined
  const progress = (frame: number, within = 1) => ctx.onProgress(Math.min(1, (frame + within) / frames))
  const onStep = (frame: number) => (step: number, of: number) => progress(frame, (step + 1) / (of + 1))

  try {
    enc = openRawVideoEncoder({ path: req.out.video, width: req.width, height: req.height, fps: req.fps, signal })
    const emit = async (i: number, rgb: Uint8Array) => {
      const out = rgbToRgba(resizeCover(rgb, W, H, req.width, req.height))
      for (const [k, path] of stills) if (k === i) await writePng(path, out, req.width, req.height)
      await enc!.writeFrame(out)
      progress(i)
    }

    // Frame 0.
    let cur: Uint8Array
    // Colour coherence keeps the shot on its first frame's colours; a continuing shot keeps the previous one's.
    let palette: { mean: number[]; std: number[] }
    if (start.kind === 'text') {
      cur = await pipeline.textToImage({ ...base, seed: shot.seed, onStep: onStep(0) })
      palette = colourStats(cur)
    } else {
      const init = await decodeImage(start.path, { width: W, height: H, format: 'rgb24', signal })
      // Continuing: the previous picture keeps moving by this shot's camera.
      const from = start.kind === 'continue' ? warpRgb(init, W, H, warps[0]) : init
      const strength = start.kind === 'continue' ? st.continueStrength : st.referenceStrength
      cur = strength > 0 ? await pipeline.imageToImage({ ...base, init: from, strength, seed: shot.seed, onStep: onStep(0) }) : from
      palette = colourStats(start.kind === 'continue' ? init : cur)
    }
    await emit(0, cur)

    // Frames 1…n−1: warp, and diffuse every cadence-th frame.
    let old: Uint8Array | undefined
    let lastKey = 0
    for (let i = 1; i < frames; i++) {
      if (signal.aborted) throw abortError(signal)
      cur = warpRgb(cur, W, H, warps[i])
      if (old) old = warpRgb(old, W, H, warps[i])
      if (i % cadence === 0) {
        const init = st.colourCoherence ? matchColour(cur, palette) : cur
        const next = await pipeline.imageToImage({ ...base, init, strength: strengths[i], seed: frameSeed(shot.seed, i), onStep: onStep(i) })
        old = cadence > 1 ? cur : undefined
        cur = next
        lastKey = i
      }
      // The newest diffused picture fades in over `cadence` frames (no lookahead needed).
      const t = (i - lastKey + 1) / cadence
      await emit(i, old && t < 1 ? blendRgb(old, cur, t) : cur)
    }
    if (signal.aborted) throw abortError(signal)
    await enc.finish()
  } catch (err) {
    enc?.abort()
    await cleanupStills()
    throw signal.aborted ? abortError(signal) : err
  }
  ctx.onProgress(1)
  return segmentFor(req, opts.generatorId)
}
