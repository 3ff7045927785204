import { createCanvas, loadImage } from '@napi-rs/canvas'
import { readFile } from 'node:fs/promises'

/** An image ready to inline in HTML: a data: URI and its pixel size. */
export interface InlineImage {
  uri: string
  width: number
  height: number
  /** Bytes of the encoded image (before base64). */
  bytes: number
}

/** Mime type from the magic bytes, so a mislabelled file is still declared correctly. */
export function sniffImageMime(b: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP')
    return 'image/webp'
  return undefined
}

function dataUri(mime: string, b: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')}`
}

async function decode(path: string) {
  const buf = await readFile(path)
  const mime = sniffImageMime(buf)
  if (!mime) throw new Error(`${path}: not a PNG, JPEG or WebP image`)
  // Decoding (not just sniffing) makes a corrupt file fail here rather than show broken in the page.
  const img = await loadImage(buf)
  if (!(img.width > 0 && img.height > 0)) throw new Error(`${path}: image has no pixels`)
  return { buf, mime, img }
}

/**
 * A plot or contact sheet inlined as it is (lossless, so plot lines stay crisp), unless it is
 * larger than `maxBytes`: then it is re-encoded as a JPEG at full size, which keeps a photographic
 * storyboard of a hundred shots from making the report tens of megabytes.
 */
export async function inlineImage(path: string, opts: { maxBytes?: number; quality?: number } = {}): Promise<InlineImage> {
  const { buf, mime, img } = await decode(path)
  const maxBytes = opts.maxBytes ?? 1_500_000
  if (buf.byteLength <= maxBytes) return { uri: dataUri(mime, buf), width: img.width, height: img.height, bytes: buf.byteLength }
  const canvas = createCanvas(img.width, img.height)
  canvas.getContext('2d').drawImage(img, 0, 0)
  const jpeg = await canvas.encode('jpeg', opts.quality ?? 85)
  return { uri: dataUri('image/jpeg', jpeg), width: img.width, height: img.height, bytes: jpeg.byteLength }
}

/** A keyframe scaled down to `width` pixels (never up) and encoded as a JPEG thumbnail. */
export async function inlineThumbnail(path: string, opts: { width?: number; quality?: number } = {}): Promise<InlineImage> {
  const { img } = await decode(path)
  const w = Math.max(1, Math.min(img.width, Math.round(opts.width ?? 320)))
  const h = Math.max(1, Math.round((img.height * w) / img.width))
  const canvas = createCanvas(w, h)
  const ctx = canvas.getContext('2d')
  ctx.imageSmoothingEnabled = true
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(img, 0, 0, w, h)
  const jpeg = await canvas.encode('jpeg', opts.quality ?? 80)
  return { uri: dataUri('image/jpeg', jpeg), width: w, height: h, bytes: jpeg.byteLength }
}
