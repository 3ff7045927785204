import { readFile } from 'node:fs/promises'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import type { ContentPart } from '../../llm/types.js'

/**
 * Frames for a vision model: each PNG scaled to `width` (keeping its aspect) and sent as JPEG at
 * low detail, so a judgement costs a fixed, small number of image tokens whatever the video size.
 */
export async function framePart(path: string, width = 384): Promise<ContentPart> {
  const image = await loadImage(await readFile(path))
  const w = Math.min(width, image.width)
  const h = Math.max(2, Math.round((image.height * w) / image.width))
  const canvas = createCanvas(w, h)
  canvas.getContext('2d').drawImage(image, 0, 0, w, h)
  const jpeg = await canvas.encode('jpeg', 80)
  return { type: 'image', mime: 'image/jpeg', base64: jpeg.toString('base64'), detail: 'low', source: path }
}
