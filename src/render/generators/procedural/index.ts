import { loadImage, type Image } from '@napi-rs/canvas'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { abortError, openRawVideoEncoder, type RawVideoEncoder } from '../../../ffmpeg/index.js'
import type { Segment } from '../../../schemas/index.js'
import type { GenerateContext, SegmentGenerator, SegmentRequest } from '../types.js'
import { captionAlpha } from './captions.js'
import { createShotRenderer } from './scene.js'
import { segmentFor } from '../segment.js'
import { openHelperShot } from './drawHelper.js'

export { createShotRenderer } from './scene.js'
export { DISSOLVE_FRAMES, DISSOLVE_SECONDS, dissolveFrames } from './transition.js'
export { lyricShotFits } from './lyricShot.js'
export { setDrawHelper } from './drawHelper.js'

/** Where the generator's time went, summed over the process (wall ms on the main thread), for bench/. */
export interface ProceduralFrameStats {
  /** Frames drawn on the main thread, and taken from the helper thread. */
  framesHere: number
  framesHelper: number
  /** Recording the draw calls (renderFrame). */
  drawMs: number
  /** Reading the pixels back (Skia rasterises here). */
  readbackMs: number
  /** Waiting for the helper's frames. */
  helperWaitMs: number
  /** Handing frames to the encoder (waits when its pipe is full). */
  pipeMs: number
}
const stats: ProceduralFrameStats = { framesHere: 0, framesHelper: 0, drawMs: 0, readbackMs: 0, helperWaitMs: 0, pipeMs: 0 }
export function proceduralFrameStats(): ProceduralFrameStats {
  return { ...stats }
}

/** Frames the helper thread draws ahead of the one being written (each is a frame of RGBA in memory). */
const AHEAD = 2
/** Shorter shots are drawn on one thread: opening a shot on the helper costs about a frame. */
const MIN_HELPER_FRAMES = 12

/**
 * Built-in generator: audio-reactive 2.5D scenes drawn with Skia, no weights, no GPU.
 * Every look is a function of the request (cards, shot, controls, seeds), so reruns are identical.
 */
export function createProceduralGenerator(): SegmentGenerator {
  return {
    id: 'procedural',
    // It draws from the cards, never from reference keyframes: saying so keeps them out of its segments' keys.
    capabilities: { audioConditioned: true, keyframeIn: true, referenceImages: false, maxFrames: 1_000_000 },
    generate: generateProcedural,
  }
}

export async function generateProcedural(req: SegmentRequest, ctx: GenerateContext): Promise<Segment> {
  if (!Number.isInteger(req.frames) || req.frames < 1) throw new RangeError(`frames must be a positive integer, got ${req.frames}`)
  if (req.width % 2 || req.height % 2) throw new RangeError(`size must be even for yuv420p, got ${req.width}x${req.height}`)
  const { signal } = ctx
  if (signal.aborted) throw abortError(signal)

  const init: Image | undefined = req.shot.continuesPrevious && req.initKeyframe ? await loadImage(await readFile(req.initKeyframe)) : undefined
  const renderer = createShotRenderer(req, init)
  const mid = Math.floor(req.frames / 2)
  const stills: Array<[number, string]> = [
    [0, req.out.firstFrame],
    [mid, req.out.keyFrame],
  ]
  const last = req.frames - 1

  // A batch measures the captions drawn here against these: one caption-free still (bare-<song frame>.png
  // beside the stills) per caption line and shot, at the line's first fully shown frame in the shot.
  const bare = new Set(req.hideCaptions || !req.bareStills ? [] : req.shot.captions.flatMap((c) => {
    for (let a = Math.max(c.startFrame, req.shot.startFrame); a < Math.min(c.endFrame, req.shot.startFrame + req.frames); a++) if (captionAlpha(c, a) >= 1) return [a - req.shot.startFrame]
    return []
  }))
  const barePath = (i: number) => join(dirname(req.out.firstFrame), `bare-${req.shot.startFrame + i}.png`)
  const cleanupStills = () => Promise.all([...stills.map(([, p]) => p), req.out.lastFrame, ...[...bare].map(barePath)].map((p) => rm(p, { force: true })))
  let enc: RawVideoEncoder | undefined
  // Every other frame goes to the helper thread when there is one, except the frames whose stills are kept here.
  const helper = req.frames >= MIN_HELPER_FRAMES ? openHelperShot(req) : undefined
  const keep = new Set([...stills.map(([k]) => k), last, ...bare])
  const onHelper = (i: number) => helper !== undefined && i % 2 === 1 && !keep.has(i)
  const ask = (from: number) => {
    for (let j = from, n = 0; j < req.frames && n < AHEAD; j++) if (onHelper(j)) (helper?.request(j), n++)
  }
  try {
    enc = openRawVideoEncoder({ path: req.out.video, width: req.width, height: req.height, fps: req.fps, signal })
    const step = Math.max(1, Math.floor(req.frames / 50))
    for (let i = 0; i < req.frames; i++) {
      if (signal.aborted) throw abortError(signal)
      ask(i)
      if (onHelper(i)) {
        // A helper that failed leaves the frame to this thread: the same pixels, only slower.
        const t0 = performance.now()
        const px = await helper!.take(i).catch(() => undefined)
        stats.helperWaitMs += performance.now() - t0
        if (px) {
          stats.framesHelper++
          const t1 = performance.now()
          await enc.writeFrame(px)
          stats.pipeMs += performance.now() - t1
          if (i % step === 0) ctx.onProgress(i / req.frames)
          continue
        }
      }
      // The last frame starts the next shot when it continues: kept without its caption, so a
      // caption never ghosts into the next shot (nor into another generator's init image).
      if (i === last) {
        renderer.renderFrame(i, { captions: false })
        await writeFile(req.out.lastFrame, renderer.canvas.encodeSync('png'))
      }
      if (bare.has(i)) {
        renderer.renderFrame(i, { captions: false })
        await writeFile(barePath(i), renderer.canvas.encodeSync('png'))
      }
      const t0 = performance.now()
      renderer.renderFrame(i)
      const t1 = performance.now()
      for (const [k, path] of stills) if (k === i) await writeFile(path, renderer.canvas.encodeSync('png'))
      // Opaque canvas: premultiplied data() equals straight RGBA, and it is the fastest readback.
      const t2 = performance.now()
      const px = renderer.canvas.data()
      const t3 = performance.now()
      await enc.writeFrame(px)
      stats.framesHere++
      stats.drawMs += t1 - t0
      stats.readbackMs += t3 - t2
      stats.pipeMs += performance.now() - t3
      if (i % step === 0) ctx.onProgress(i / req.frames)
    }
    if (signal.aborted) throw abortError(signal)
    await enc.finish()
  } catch (err) {
    enc?.abort()
    await cleanupStills()
    throw signal.aborted ? abortError(signal) : err
  } finally {
    helper?.close()
  }
  ctx.onProgress(1)
  return segmentFor(req, 'procedural')
}
