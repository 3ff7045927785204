import { decodeGrayFrames } from '../ffmpeg/decodeFrames.js'
import { FrameStatsAccumulator, type FrameStats } from './frameStats.js'

/** Decodes a segment at 64×36 grey and measures it. */
export async function measureSegment(path: string, signal?: AbortSignal): Promise<FrameStats> {
  const acc = new FrameStatsAccumulator()
  await decodeGrayFrames(path, { width: 64, height: 36, signal }, (f) => acc.add(f))
  return acc.summary()
}
