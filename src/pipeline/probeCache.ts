/**
 * A file's ffprobe summary kept in the store, keyed like its film trace (path, size, modification
 * time: store files never change), so stitching a render again does not probe every segment again.
 */
import { statSync } from 'node:fs'
import { z } from 'zod'
import { probeMedia, type MediaInfo } from '../ffmpeg/index.js'
import { stepKey, type Store } from '../store/index.js'

const StoredMediaInfo = z.object({
  durationSec: z.number(),
  formatName: z.string(),
  video: z
    .object({ codec: z.string(), width: z.number(), height: z.number(), fps: z.number(), pixFmt: z.string(), frames: z.number().optional(), durationSec: z.number().optional() })
    .optional(),
  audio: z.object({ codec: z.string(), sampleRate: z.number(), channels: z.number(), durationSec: z.number().optional() }).optional(),
})

/** probeMedia(path), read from the store when this very file was probed before. */
export async function storedProbe(store: Store, path: string, signal?: AbortSignal): Promise<MediaInfo> {
  const s = statSync(path)
  const key = stepKey('probe', 1, { path, size: s.size, mtimeMs: s.mtimeMs })
  const known = await store.get('probe', key, StoredMediaInfo)
  if (known) return known
  const info = await probeMedia(path, { signal })
  await store.put('probe', key, info)
  return info
}
