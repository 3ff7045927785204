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
  opts: {
    width: number
    height: number
    format?: FramePixelFormat
    signal?: AbortSignal
    /**
     * The video's frame rate: frames far apart are then decoded as separate stretches, each from
     * an accurate seek, instead of decoding everything in between.
     */
    fps?: number
  },
): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices.map((i) => Math.floor(i)).filter((i) => i >= 0))].sort((a, b) => a - b)
  const frames = new Map<number, Uint8Array>()
  if (wanted.length === 0) return frames
  const { fps, ...decode } = opts
  for (const run of stretches(wanted, fps === undefined ? Infinity : GAP_SEC * fps)) {
    const first = run[0]
    // Half a frame before the first wanted frame: the accurate seek then starts exactly on it.
    const seek = fps === undefined || first === 0 ? {} : { startSec: (first - 0.5) / fps, durationSec: (run[run.length - 1] - first + 1) / fps }
    const offset = 'startSec' in seek ? first : 0
    await decodeFrames(path, { ...decode, ...seek, format: opts.format ?? 'rgb24', only: run.map((i) => i - offset) }, (frame, index) => {
      frames.set(index + offset, frame.slice())
    })
  }
  return frames
}

/** Gaps longer than this are skipped by a seek rather than decoded through. */
const GAP_SEC = 3

/** Sorted indices split where two neighbours are more than `maxGap` apart. */
function stretches(sorted: number[], maxGap: number): number[][] {
  const out: number[][] = [[sorted[0]]]
  for (const i of sorted.slice(1)) {
    const run = out[out.length - 1]
    if (i - run[run.length - 1] > maxGap) out.push([i])
    else run.push(i)
  }
  return out
}
