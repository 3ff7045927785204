/**
 * The drawing helper's thread: keeps one shot renderer per shot id and draws the frames it is
 * asked for, sending each back as straight RGBA whose buffer is transferred, not copied.
 * Frames are a function of (request, frame index), so any thread may draw any frame.
 */
import { loadImage } from '@napi-rs/canvas'
import { readFile } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import type { SegmentRequest } from '../types.js'
import { createShotRenderer, type ShotRenderer } from './scene.js'
import type { ToHelper } from './drawHelper.js'

const shots = new Map<number, Promise<ShotRenderer>>()

async function open(req: SegmentRequest): Promise<ShotRenderer> {
  const init = req.shot.continuesPrevious && req.initKeyframe ? await loadImage(await readFile(req.initKeyframe)) : undefined
  return createShotRenderer(req, init)
}

parentPort?.on('message', (m: ToHelper) => {
  if (m.type === 'open') shots.set(m.id, open(m.req))
  else if (m.type === 'close') shots.delete(m.id)
  else {
    const shot = shots.get(m.id)
    if (!shot) return parentPort?.postMessage({ type: 'error', id: m.id, i: m.i, message: `shot ${m.id} is not open` })
    shot.then(
      (r) => {
        r.renderFrame(m.i)
        // Opaque canvas: the image data equals the premultiplied pixels the encoder takes.
        const px = r.canvas.getContext('2d').getImageData(0, 0, r.canvas.width, r.canvas.height).data
        parentPort?.postMessage({ type: 'frame', id: m.id, i: m.i, px }, [px.buffer as ArrayBuffer])
      },
      (err: unknown) => parentPort?.postMessage({ type: 'error', id: m.id, i: m.i, message: String((err as Error)?.message ?? err) }),
    )
  }
})
