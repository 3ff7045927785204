/** Frames a test looks at: kept as PNG on request, read back as pixels; the procedural generator at a test size. */
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProceduralGenerator } from '../../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../../src/render/generators/types.js'
import { shotRequest, type RequestOptions } from './shotFixtures.js'

/** Set LONGAV_PNG_DIR to keep the frames a test looks at. */
export function keepPng(from: string, name: string): void {
  const dir = process.env.LONGAV_PNG_DIR
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  copyFileSync(from, join(dir, name))
}

/** A PNG's RGBA pixels. */
export async function pngPixels(p: string): Promise<Uint8ClampedArray> {
  const img = await loadImage(readFileSync(p))
  const c = createCanvas(img.width, img.height)
  const ctx = c.getContext('2d')
  ctx.drawImage(img, 0, 0)
  return ctx.getImageData(0, 0, img.width, img.height).data
}

/** The procedural generator at a test size: `run` makes a segment, `base` a request for it. */
export function proceduralAt(dir: string, size: { width: number; height: number; fps: number }) {
  const gen = createProceduralGenerator()
  const run = (req: SegmentRequest) => gen.generate(req, { signal: new AbortController().signal, onProgress: () => {} })
  const base = (o: Omit<RequestOptions, 'dir' | 'fps' | 'width' | 'height'>) => shotRequest({ dir, ...size, ...o })
  return { run, base }
}
