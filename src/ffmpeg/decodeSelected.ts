import { decodeFrames, type FramePixelFormat } from './decodeFrames.js'

/**
 * Decodes the frames at the given indices (0-based, in decode order) in one pass over the file:
 * ffmpeg decodes everything but converts and pipes only the selected frames, so a few frames of
 * a long or grainy video cost one decode, not one seek-and-decode each. Resolves with the frames
 * by index (copies); an index past the end is absent from the map.
 */
export async function decodeFramesAt(
  path: string,
  indices: number[],
  opts: { width: number; height: number; format?: FramePixelFormat; signal?: AbortSignal },
): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices.map((i) => Math.floor(i)).filter((i) => i >= 0))].sort((a, b) => a - b)
  const frames = new Map<number, Uint8Array>()
  if (wanted.length === 0) return frames
  await decodeFrames(path, { ...opts, format: opts.format ?? 'rgb24', only: wanted }, (frame, index) => {
    if (index !== undefined) frames.set(index, frame.slice())
  })
  return frames
}
