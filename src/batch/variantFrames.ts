import { extractFramePng } from '../ffmpeg/extractFrame.js'
import { variantFile } from './variantLabels.js'
import type { ManifestEntry } from './types.js'

/** Where in a variant its representative frame is taken: past the opening hook, before the end card. */
export const SHEET_FRAME_AT = 0.4

/** The frame's PNG, or why there is none (a failed variant, or its file gone or unreadable). */
export async function representativeFrame(e: ManifestEntry, batchDir: string, png: string, signal?: AbortSignal): Promise<{ png: string } | { error: string }> {
  if (e.status === 'failed') return { error: e.error ?? 'failed' }
  const file = variantFile(e, batchDir)
  if ('error' in file) return file
  const index = Math.max(0, Math.min(e.totalFrames - 1, Math.floor(e.totalFrames * SHEET_FRAME_AT)))
  try {
    await extractFramePng(file.abs, index, png, signal)
    return { png }
  } catch (err) {
    if (signal?.aborted) throw err
    return { error: `no frame from ${e.file}: ${String((err as Error).message).split('\n')[0]}` }
  }
}

/** Maps with at most `limit` calls in flight (ffmpeg on two cores). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, k: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const k = next++
      out[k] = await fn(items[k], k)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
