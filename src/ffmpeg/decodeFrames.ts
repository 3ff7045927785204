import { abortError, FfmpegError } from './run.js'
import { spawnFfmpeg } from './run.js'

export interface GrayDecodeOptions {
  /** Decoded size; small sizes keep metrics cheap. */
  width: number
  height: number
  signal?: AbortSignal
}

/**
 * Streams a video's frames as 8-bit grey images of a fixed small size, one callback per frame,
 * so a whole video is never held in memory. Resolves with the number of frames decoded.
 */
export function decodeGrayFrames(
  path: string,
  opts: GrayDecodeOptions,
  onFrame: (frame: Uint8Array, index: number) => void,
): Promise<number> {
  const frameBytes = opts.width * opts.height
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal))
    const child = spawnFfmpeg(
      ['-i', path, '-map', '0:v:0', '-vf', `scale=${opts.width}:${opts.height}:flags=area,format=gray`, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
      { stdin: false, stdout: true },
    )
    const pending = Buffer.alloc(frameBytes)
    let filled = 0
    let index = 0
    let stderr = ''
    let failed: Error | undefined
    child.stdout!.on('data', (chunk: Buffer) => {
      let offset = 0
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset)
        chunk.copy(pending, filled, offset, offset + take)
        filled += take
        offset += take
        if (filled === frameBytes) {
          try {
            onFrame(new Uint8Array(pending.buffer, pending.byteOffset, frameBytes), index++)
          } catch (err) {
            failed = err as Error
            child.kill('SIGKILL')
            return
          }
          filled = 0
        }
      }
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)))
    const onAbort = () => child.kill('SIGKILL')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', reject)
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (failed) return reject(failed)
      if (opts.signal?.aborted) return reject(abortError(opts.signal))
      if (code !== 0) return reject(new FfmpegError(`could not decode ${path}: ${stderr.trim().split('\n').pop() ?? ''}`, stderr, code))
      resolve(index)
    })
  })
}
