import { bytesPerPixel, type FramePixelFormat } from './decodeFrames.js'
import { abortError, FfmpegError, spawnFfmpeg } from './run.js'

/**
 * Decodes the frames at the given indices (0-based, in decode order) in one pass over the file:
 * ffmpeg decodes everything but converts and pipes only the selected frames, so a few frames of
 * a long or grainy video cost one decode, not one seek-and-decode each. Resolves with the frames
 * by index (copies); an index past the end is absent from the map.
 */
export function decodeFramesAt(
  path: string,
  indices: number[],
  opts: { width: number; height: number; format?: FramePixelFormat; signal?: AbortSignal },
): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices.map((i) => Math.floor(i)).filter((i) => i >= 0))].sort((a, b) => a - b)
  const frames = new Map<number, Uint8Array>()
  if (wanted.length === 0) return Promise.resolve(frames)
  const format = opts.format ?? 'rgb24'
  const frameBytes = opts.width * opts.height * bytesPerPixel(format)
  // Whole numbers only: the expression is built from sorted integers, never from text.
  const select = wanted.map((i) => `eq(n\\,${i})`).join('+')
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal))
    const child = spawnFfmpeg(
      ['-i', path, '-map', '0:v:0', '-vf', `select=${select},scale=${opts.width}:${opts.height}:flags=area,format=${format}`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', format, 'pipe:1'],
      { stdin: false, stdout: true },
    )
    const pending = Buffer.alloc(frameBytes)
    let filled = 0
    let k = 0
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      let offset = 0
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset)
        chunk.copy(pending, filled, offset, offset + take)
        filled += take
        offset += take
        if (filled === frameBytes) {
          if (k < wanted.length) frames.set(wanted[k], new Uint8Array(pending))
          k++
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
      if (opts.signal?.aborted) return reject(abortError(opts.signal))
      if (code !== 0) return reject(new FfmpegError(`could not decode ${path}: ${stderr.trim().split('\n').pop() ?? ''}`, stderr, code))
      resolve(frames)
    })
  })
}
