import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { runFfmpeg } from './run.js'

/**
 * Cuts [startSec, endSec) of any audio ffmpeg reads into a 16-bit PCM WAV (the source's rate and
 * channels), for audio-conditioned remote generators. Accurate to the sample: the seek decodes.
 */
export async function extractAudioSpanWav(src: string, startSec: number, endSec: number, out: string, signal?: AbortSignal): Promise<void> {
  if (!(endSec > startSec) || startSec < 0) throw new RangeError(`bad audio span ${startSec}..${endSec} s`)
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.partial.wav`)
  try {
    await runFfmpeg(['-ss', startSec.toFixed(6), '-t', (endSec - startSec).toFixed(6), '-i', src, '-map', '0:a:0', '-vn', '-c:a', 'pcm_s16le', '-f', 'wav', tmp], { signal })
    await rename(tmp, out)
  } finally {
    await rm(tmp, { force: true })
  }
}
