import { rename } from 'node:fs/promises'
import { runFfmpeg } from './run.js'

/**
 * Writes frame `index` (0-based, counted in decode order) of a video as a PNG at full size.
 * Written beside the target and renamed, so a reader never sees half a file.
 */
export async function extractFramePng(video: string, index: number, outPng: string, signal?: AbortSignal): Promise<void> {
  const tmp = `${outPng}.${process.pid}.tmp.png`
  await runFfmpeg(['-y', '-i', video, '-map', '0:v:0', '-vf', `select=eq(n\\,${Math.max(0, Math.floor(index))})`, '-frames:v', '1', '-fps_mode', 'passthrough', tmp], { signal })
  await rename(tmp, outPng)
}
