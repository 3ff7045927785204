/**
 * Renders a still as a segment: the picture converted by ffmpeg (any format it reads) to a PNG at
 * a working size, then every frame drawn through the moving window with canvas (sub-pixel
 * positions, so the move is smooth rather than stepping a pixel at a time) and streamed into the
 * canonical encoder; the first, middle and last frames are written as PNGs.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { randomBytes } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { abortError, openRawVideoEncoder, type RawVideoEncoder } from '../../../ffmpeg/index.js'
import { prepareStillPng } from '../../../ffmpeg/footage.js'
import type { GenerateContext, SegmentRequest } from '../types.js'
import { STILL_ZOOM, stillWindowAt, type StillMove } from './framing.js'
import type { FootageStill } from './library.js'

/** Source pixels per output pixel kept in the working picture at the tightest zoom (supersampling). */
const SUPERSAMPLE = 1.5

export async function renderStill(req: SegmentRequest, still: FootageStill, move: StillMove, ctx: GenerateContext): Promise<void> {
  const { signal } = ctx
  // Enough resolution for the tightest window, never more than the original.
  const tightest = move.baseWidth / Math.max(STILL_ZOOM, move.from.zoom, move.to.zoom)
  const f = Math.min(1, (SUPERSAMPLE * req.width) / tightest)
  const ww = Math.max(2, Math.round(still.width * f))
  const wh = Math.max(2, Math.round(still.height * f))
  const work = join(dirname(req.out.video), `.${basename(req.out.video)}.${process.pid}-${randomBytes(4).toString('hex')}.still.png`)
  const stills: Array<[number, string]> = [
    [0, req.out.firstFrame],
    [Math.floor(req.frames / 2), req.out.keyFrame],
    [req.frames - 1, req.out.lastFrame],
  ]
  let enc: RawVideoEncoder | undefined
  try {
    await prepareStillPng(still.path, work, ww, wh, signal)
    const img = await loadImage(await readFile(work))
    const canvas = createCanvas(req.width, req.height)
    const g = canvas.getContext('2d')
    g.imageSmoothingEnabled = true
    g.imageSmoothingQuality = 'high'
    const sx = ww / still.width
    const sy = wh / still.height
    enc = openRawVideoEncoder({ path: req.out.video, width: req.width, height: req.height, fps: req.fps, signal })
    const step = Math.max(1, Math.floor(req.frames / 50))
    for (let i = 0; i < req.frames; i++) {
      if (signal.aborted) throw abortError(signal)
      const win = stillWindowAt(move, still.width, still.height, req.frames > 1 ? i / (req.frames - 1) : 0)
      g.fillStyle = '#000'
      g.fillRect(0, 0, req.width, req.height)
      g.drawImage(img, win.x * sx, win.y * sy, win.width * sx, win.height * sy, 0, 0, req.width, req.height)
      for (const [k, path] of stills) if (k === i) await writeFile(path, canvas.encodeSync('png'))
      await enc.writeFrame(canvas.data())
      if (i % step === 0) ctx.onProgress(i / req.frames)
    }
    await enc.finish()
  } catch (err) {
    enc?.abort()
    await Promise.all(stills.map(([, p]) => rm(p, { force: true })))
    throw signal.aborted ? abortError(signal) : err
  } finally {
    await rm(work, { force: true })
  }
}
