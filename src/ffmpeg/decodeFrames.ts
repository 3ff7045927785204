import { abortError, FfmpegError } from './run.js'
import { spawnFfmpeg } from './run.js'

/** 'gray': one byte per pixel; 'rgb24': three bytes per pixel, R G B, row-major. */
export type FramePixelFormat = 'gray' | 'rgb24'

export interface FrameDecodeOptions {
  /** Decoded size; small sizes keep metrics cheap. The picture is scaled to exactly this size. */
  width: number
  height: number
  format?: FramePixelFormat
  /** Decode only from this time (seconds, accurate seek) … */
  startSec?: number
  /** … for this long (seconds). */
  durationSec?: number
  /** Stop after this many frames. */
  maxFrames?: number
  /**
   * Only these frames (0-based, sorted, distinct): ffmpeg decodes everything but converts and
   * pipes only them, and the callback gets each one's own index.
   */
  only?: number[]
  signal?: AbortSignal
}

/** Kept for callers that only need grey. */
export type GrayDecodeOptions = Omit<FrameDecodeOptions, 'format'>

/** Bytes per pixel of a decoded frame. */
export function bytesPerPixel(format: FramePixelFormat): number {
  return format === 'rgb24' ? 3 : 1
}

/**
 * A small analysis size with the source's aspect ratio: the longer side `longSide` px, the other
 * rounded to even. Bounding the longer side keeps the pixel budget the same for portrait and
 * landscape (a 9:16 frame at 160 px wide would cost 3.2× the pixels of a 16:9 one for nothing).
 * (160 px is plenty for motion, cuts and colour statistics, and cheap.)
 */
export function analysisSize(srcWidth: number, srcHeight: number, longSide = 160): { width: number; height: number } {
  const long = Math.max(8, Math.round(longSide / 2) * 2)
  const short = (n: number, d: number) => Math.max(8, Math.round((long * n) / d / 2) * 2)
  return srcWidth >= srcHeight ? { width: long, height: short(srcHeight, srcWidth) } : { width: short(srcWidth, srcHeight), height: long }
}

/**
 * Streams a video's (or an image's) frames at a fixed small size, one callback per frame, so a
 * whole video is never held in memory: the callback runs synchronously on ffmpeg's output and the
 * pipe applies backpressure. The frame buffer is reused: copy it to keep it. Resolves with the
 * number of frames decoded.
 */
export function decodeFrames(
  path: string,
  opts: FrameDecodeOptions,
  onFrame: (frame: Uint8Array, index: number) => void,
): Promise<number> {
  const format = opts.format ?? 'gray'
  const frameBytes = opts.width * opts.height * bytesPerPixel(format)
  const seek: string[] = []
  if (opts.startSec !== undefined && opts.startSec > 0) seek.push('-ss', opts.startSec.toFixed(6))
  if (opts.durationSec !== undefined) seek.push('-t', opts.durationSec.toFixed(6))
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal))
    const child = spawnFfmpeg(
      [
        ...seek,
        '-i',
        path,
        '-map',
        '0:v:0',
        '-vf',
        // Whole numbers only: the select expression is built from integers, never from text.
        `${opts.only ? `select=${opts.only.map((i) => `eq(n\\,${i})`).join('+')},` : ''}scale=${opts.width}:${opts.height}:flags=area,format=${format}`,
        ...(opts.only ? ['-fps_mode', 'passthrough'] : []),
        '-f',
        'rawvideo',
        '-pix_fmt',
        format,
        ...(opts.maxFrames !== undefined ? ['-frames:v', String(opts.maxFrames)] : []),
        'pipe:1',
      ],
      { stdin: false, stdout: true },
    )
    const pending = Buffer.alloc(frameBytes)
    let filled = 0
    let index = 0
    let stderr = ''
    let failed: Error | undefined
    child.stdout!.on('data', (chunk: Buffer) => {
      let offset = 0
      while (offset < chunk.length && !failed) {
        const take = Math.min(frameBytes - filled, chunk.length - offset)
        chunk.copy(pending, filled, offset, offset + take)
        filled += take
        offset += take
        if (filled === frameBytes) {
          try {
            const at = opts.only ? opts.only[index] : index
            index++
            onFrame(new Uint8Array(pending.buffer, pending.byteOffset, frameBytes), at)
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

/** Streams 8-bit grey frames (see decodeFrames). */
export function decodeGrayFrames(
  path: string,
  opts: GrayDecodeOptions,
  onFrame: (frame: Uint8Array, index: number) => void,
): Promise<number> {
  return decodeFrames(path, { ...opts, format: 'gray' }, onFrame)
}

/** Decodes one frame of an image or video (the first, or the one at `startSec`) into memory: a reference keyframe. */
export async function decodeImage(path: string, opts: Omit<FrameDecodeOptions, 'durationSec' | 'maxFrames'>): Promise<Uint8Array> {
  let first: Uint8Array | undefined
  const n = await decodeFrames(path, { ...opts, maxFrames: 1 }, (frame) => {
    if (!first) first = new Uint8Array(frame)
  })
  if (!first || n === 0) throw new FfmpegError(`could not decode an image from ${path}${opts.startSec !== undefined ? ` at ${opts.startSec.toFixed(3)} s` : ''}`, '', 0)
  return first
}
