import { analysisSize, decodeFrames, probeMedia, type MediaInfo } from '../ffmpeg/index.js'
import { MotionTracker } from './flow.js'
import { FrameStatsAccumulator, type FrameStats } from './frameStats.js'
import { ShotBoundaryDetector } from './shotBoundaries.js'
import { TemporalAccumulator } from './temporal.js'
import { TraceRecorder, type FilmTrace } from './filmTrace.js'

/** Frame width every picture metric runs at: enough for motion, cuts and colour, and cheap. */
export const METRIC_WIDTH = 160

export interface FrameMeasurement {
  info: MediaInfo
  fps: number
  /** Frames decoded. */
  frames: number
  /** Size the metrics ran at. */
  width: number
  height: number
  /**
   * Mean optical-flow magnitude from frame i−1 to frame i, px/frame at `width` (motion[0] = 0):
   * a change is placed on the frame where it becomes visible. (Yariv et al. place the flow of
   * frames i→i+1 at i/fps, which credits every change one frame before anyone can see it.)
   */
  motion: Float32Array
  /** Frames where a new shot starts, found from the pictures. */
  cuts: number[]
  temporal: TemporalAccumulator
  stats: FrameStats
  /** The frame that shows the picture best: sharp and still (highest gradient energy at low motion). */
  bestFrame: number
  /** With `trace`: what a film made of this video needs to be scored without decoding it again. */
  trace?: FilmTrace
}

export interface MeasureFramesOptions {
  width?: number
  /** The file's probe, when the caller has it already (else it is probed here). */
  info?: MediaInfo
  signal?: AbortSignal
  /** Keep the film trace (filmTrace.ts) too. */
  trace?: boolean
  /** Fraction of the video decoded, 0..1. */
  onProgress?(fraction: number): void
}

/**
 * Decodes a video once at the metric size (RGB) and feeds every frame to the streaming metrics:
 * optical flow, the shot-boundary detector, temporal consistency, black/frozen statistics. Only
 * the previous frame and per-frame scalars are kept, never the video.
 */
export async function measureFrames(path: string, opts: MeasureFramesOptions = {}): Promise<FrameMeasurement> {
  const info = opts.info ?? (await probeMedia(path, { signal: opts.signal }))
  const v = info.video
  if (!v) throw new Error(`${path} has no video stream`)
  const { width, height } = analysisSize(v.width, v.height, opts.width ?? METRIC_WIDTH)
  const px = width * height
  const expected = Math.max(1, Math.round((v.durationSec ?? info.durationSec) * v.fps))
  const tracker = new MotionTracker(width, height)
  const cutsDetector = new ShotBoundaryDetector(width, height)
  const temporal = new TemporalAccumulator({ width, height })
  const stats = new FrameStatsAccumulator()
  const recorder = opts.trace ? new TraceRecorder(width, height) : undefined
  const gradual = recorder ? cutsDetector.recordGradual() : []
  const gray = new Uint8Array(px)
  let motion = new Float32Array(expected + 16)
  let best = { frame: 0, quality: -Infinity }
  let lastReport = 0
  const frames = await decodeFrames(path, { width, height, format: 'rgb24', signal: opts.signal }, (rgb, i) => {
    lumaOf(rgb, gray)
    const m = tracker.add(gray)
    if (i >= motion.length) {
      const grown = new Float32Array(motion.length * 2)
      grown.set(motion)
      motion = grown
    }
    motion[i] = m
    cutsDetector.add(rgb)
    recorder?.add(gray, cutsDetector.lastDescriptor()!, cutsDetector.frameScore(i))
    temporal.add(gray)
    stats.add(gray)
    // Sharpness over motion: a still, detailed frame is the best view to keep as a reference.
    const quality = gradientEnergy(gray, width, height) / (1 + m)
    if (quality > best.quality) best = { frame: i, quality }
    if (opts.onProgress && i - lastReport >= 30) {
      lastReport = i
      opts.onProgress(Math.min(1, i / expected))
    }
  })
  opts.onProgress?.(1)
  const cuts = cutsDetector.finish()
  motion = motion.slice(0, frames)
  const trace = recorder?.finish({ motion, sim: temporal.similaritySeries(), cutScore: cutsDetector.frameScores(), meanValue: cutsDetector.frameMeans() }, best.frame, gradual)
  return {
    info,
    fps: v.fps,
    frames,
    width,
    height,
    motion,
    cuts,
    temporal,
    stats: stats.summary(),
    bestFrame: best.frame,
    trace,
  }
}

/** BT.601 luma of an RGB24 frame into `out` (full range, like ffmpeg's gray output). */
export function lumaOf(rgb: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (77 * rgb[j] + 150 * rgb[j + 1] + 29 * rgb[j + 2] + 128) >> 8
  return out
}

/** Mean squared central-difference gradient of a grey frame: how much detail it shows. */
export function gradientEnergy(gray: Uint8Array, width: number, height: number): number {
  let sum = 0
  for (let y = 1; y < height - 1; y++) {
    const row = y * width
    for (let x = 1; x < width - 1; x++) {
      const gx = gray[row + x + 1] - gray[row + x - 1]
      const gy = gray[row + width + x] - gray[row - width + x]
      sum += gx * gx + gy * gy
    }
  }
  return sum / Math.max(1, (width - 2) * (height - 2))
}
