/**
 * Identity views (descriptors or embeddings of key frames and references) in the store, so a
 * picture is decoded once per render folder rather than once per score: an edit reads only its
 * new shot's pictures. Keyed by the file (path, size, modification time: store files never
 * change) and how it is read. Float32 values survive JSON exactly.
 */
import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { analysisSize } from '../ffmpeg/index.js'
import { describeImage } from '../metrics/identity.js'
import type { ImageSource, View, ViewCache } from '../metrics/identityScore.js'
import { METRIC_WIDTH } from '../metrics/measureFrames.js'
import { stepKey, type Store } from '../store/index.js'

const Stored = z.object({
  descriptor: z.object({ colour: z.array(z.number()), structure: z.array(z.number()), focus: z.enum(['subject', 'scene']) }).optional(),
  embedding: z.array(z.number()).optional(),
})

function key(source: ImageSource, how: string): string | undefined {
  try {
    const s = statSync(source.path)
    return stepKey('identity-view', 1, { path: source.path, size: s.size, mtimeMs: s.mtimeMs, timeSec: source.timeSec ?? null, how })
  } catch {
    return undefined
  }
}

export function storeViewCache(store: Store): ViewCache {
  return {
    async get(source, how) {
      const k = key(source, how)
      const v = k ? await store.get('identity-view', k, Stored) : undefined
      if (!v) return undefined
      return {
        descriptor: v.descriptor && { colour: Float32Array.from(v.descriptor.colour), structure: Float32Array.from(v.descriptor.structure), focus: v.descriptor.focus },
        embedding: v.embedding && Float32Array.from(v.embedding),
      }
    },
    async put(source, how, view: View) {
      const k = key(source, how)
      if (!k) return
      await store.put('identity-view', k, {
        descriptor: view.descriptor && { colour: Array.from(view.descriptor.colour), structure: Array.from(view.descriptor.structure), focus: view.descriptor.focus },
        embedding: view.embedding && Array.from(view.embedding),
      })
    },
  }
}

/**
 * A draft's identity views: descriptors read from the key frames (PNG) with Skia in this process,
 * scaled to the descriptor size, instead of one ffmpeg per picture; kept in memory only, so a
 * view read this way never stands in the store for one read by ffmpeg. Embeddings are left to
 * the model's reader (undefined: read as usual).
 */
export function canvasViewCache(): ViewCache {
  const views = new Map<string, View>()
  return {
    async get(source, how) {
      const focus = how === 'descriptor:subject' ? 'subject' : how === 'descriptor:scene' ? 'scene' : undefined
      if (!focus || source.timeSec !== undefined || !source.path.endsWith('.png')) return undefined
      const id = `${source.path}@${how}`
      let v = views.get(id)
      if (!v) {
        const { width, height } = analysisSize(16, 9, METRIC_WIDTH)
        const rgb = await readPngRgb(source.path, width, height)
        v = { descriptor: describeImage(rgb, width, height, { focus }) }
        views.set(id, v)
      }
      return v
    },
    async put() {},
  }
}

/** A PNG scaled to width×height (Skia, high quality) as RGB24. */
async function readPngRgb(path: string, width: number, height: number): Promise<Uint8Array> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas')
  const img = await loadImage(await readFile(path))
  const canvas = createCanvas(width, height)
  const g = canvas.getContext('2d')
  g.imageSmoothingQuality = 'high'
  g.drawImage(img, 0, 0, width, height)
  const rgba = g.getImageData(0, 0, width, height).data
  const rgb = new Uint8Array(width * height * 3)
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i]
    rgb[j + 1] = rgba[i + 1]
    rgb[j + 2] = rgba[i + 2]
  }
  return rgb
}
