import { link, copyFile, mkdtemp, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { LongavError } from '../errors.js'
import { probeMedia } from './probe.js'
import { segmentVideoArgs } from './rawVideoEncoder.js'
import { runFfmpeg } from './run.js'
import { ffmpegRate } from '../time.js'

/**
 * Input a remote generator produced that cannot become a segment (no frames, animated WebP on an
 * old ffmpeg…): the shot's step failed (kind `failure`, code `IMAGES_TO_VIDEO_FAILED`).
 */
export class ImagesToVideoError extends LongavError {
  constructor(message: string) {
    super(message, { kind: 'failure', code: 'IMAGES_TO_VIDEO_FAILED' })
    this.name = 'ImagesToVideoError'
  }
}

const STILL_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff'])
const VIDEO_EXTENSIONS = new Set(['.mp4', '.webm', '.mov', '.mkv', '.avi', '.gif', '.m4v'])

export interface ImagesToVideoOptions {
  /** Still images in order (PNG, JPEG, WebP…: one frame each), or exactly one video/GIF file. */
  inputs: string[]
  /** The segment to write (temp file + rename). */
  out: string
  width: number
  height: number
  fps: number
  /** Exact frame count of the segment. */
  frames: number
  /**
   * The rate the input frames were made at. Unset: input frames map one to one onto output
   * frames. Set: the clip is retimed from this rate to `fps`: output frame i shows the input
   * frame nearest in time (frames repeated when sourceFps < fps, dropped when it is higher).
   */
  sourceFps?: number
  signal?: AbortSignal
  /** Fraction of the encode done, 0..1. */
  onProgress?: (fraction: number) => void
}

export interface ImagesToVideoResult {
  /** Frames the input held. */
  sourceFrames: number
  /** The input's length in output frames (sourceFrames, or retimed from sourceFps to fps, rounded). */
  sourceOutputFrames: number
  /** Frames written: always `frames`. */
  frames: number
  /** Copies of the last frame appended because the input was short (in output frames). */
  held: number
  /** Output frames' worth of input dropped from the end because it was long. */
  trimmed: number
}

/**
 * Turns a remote generator's output into a canonical segment (`segmentVideoArgs`): a sequence of
 * stills or one video/GIF, scaled to cover width×height and centre-cropped, with EXACTLY
 * `frames` frames. Input frames map one to one onto output frames unless `sourceFps` says the
 * rate they were made at (then the clip is retimed to `fps`); a short input holds its last
 * frame, a long one is cut. Animated WebP needs ffmpeg ≥ 7.1 to decode and is refused with a clear error.
 */
export async function imagesToVideo(opts: ImagesToVideoOptions): Promise<ImagesToVideoResult> {
  const { width, height, fps, frames } = opts
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`)
  if (width % 2 || height % 2 || width < 2 || height < 2) throw new RangeError(`size must be even for yuv420p, got ${width}x${height}`)
  if (opts.inputs.length === 0) throw new ImagesToVideoError('no frames to encode: the generator produced no images')

  const exts = opts.inputs.map((p) => extname(p).toLowerCase())
  const single = opts.inputs.length === 1
  const asVideo = single && (VIDEO_EXTENSIONS.has(exts[0]) || (exts[0] === '.webp' && (await isAnimatedWebp(opts.inputs[0]))))
  if (asVideo && exts[0] === '.webp')
    throw new ImagesToVideoError(
      `${basename(opts.inputs[0])} is an animated WebP, which this ffmpeg cannot decode (animated WebP decoding arrived in ffmpeg 7.1): save PNG frames (SaveImage) or an mp4 (VHS_VideoCombine, SaveVideo) in the workflow instead`,
    )
  if (!asVideo) {
    const bad = exts.find((e) => !STILL_EXTENSIONS.has(e))
    if (bad !== undefined) throw new ImagesToVideoError(`cannot use ${bad || 'extension-less'} files as frames (expected ${[...STILL_EXTENSIONS].join(', ')}, or one video file)`)
  }

  const scratch = await mkdtemp(join(dirname(opts.out), '.frames-'))
  const tmpOut = join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.partial.mp4`)
  try {
    let input: string[]
    let sourceFrames: number
    if (asVideo) {
      const info = await probeMedia(opts.inputs[0], { countFrames: true, signal: opts.signal })
      sourceFrames = info.video?.frames ?? 0
      if (!info.video || sourceFrames < 1) throw new ImagesToVideoError(`${basename(opts.inputs[0])} has no video frames`)
      input = ['-i', opts.inputs[0]]
    } else {
      // The image2 demuxer reads a numbered pattern: link (or copy) the stills in order.
      const ext = exts[0] === '.jpeg' ? '.jpg' : exts[0]
      if (exts.some((e) => (e === '.jpeg' ? '.jpg' : e) !== ext)) throw new ImagesToVideoError(`frames mix image formats (${[...new Set(exts)].join(', ')}): the workflow should save one format`)
      await Promise.all(opts.inputs.map((p, i) => linkOrCopy(p, join(scratch, `${String(i).padStart(6, '0')}${ext}`))))
      sourceFrames = opts.inputs.length
      input = ['-framerate', ffmpegRate(fps), '-start_number', '0', '-i', join(scratch, `%06d${ext}`)]
    }

    const rate = opts.sourceFps ?? fps
    const sourceOutputFrames = opts.sourceFps ? Math.round((sourceFrames * fps) / opts.sourceFps) : sourceFrames
    const held = Math.max(0, frames - sourceOutputFrames)
    const trimmed = Math.max(0, sourceOutputFrames - frames)
    const filters = [
      // Frame n is shown at n/rate whatever the input's own timing (GIF delays, VFR clips);
      // the fps filter then repeats or drops frames only when the rates differ.
      `setpts=N/(${rate}*TB)`,
      `fps=${ffmpegRate(fps)}`,
      `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=bicubic`,
      `crop=${width}:${height}`,
      'setsar=1',
      // Pad generously (the retimed count is rounded); -frames:v cuts to the exact count.
      `tpad=stop_mode=clone:stop=${frames}`,
    ]
    await runFfmpeg([...input, '-map', '0:v:0', '-vf', filters.join(','), '-frames:v', String(frames), ...segmentVideoArgs(fps), tmpOut], {
      signal: opts.signal,
      onStderrLine: (line) => {
        const m = /frame=\s*(\d+)/.exec(line)
        if (m && opts.onProgress) opts.onProgress(Math.min(1, Number(m[1]) / frames))
      },
    })
    const check = await probeMedia(tmpOut, { countFrames: true, signal: opts.signal })
    if (check.video?.frames !== frames) throw new ImagesToVideoError(`encoded ${check.video?.frames ?? 0} frames instead of ${frames}`)
    await rename(tmpOut, opts.out)
    opts.onProgress?.(1)
    return { sourceFrames, sourceOutputFrames, frames, held, trimmed }
  } finally {
    await rm(tmpOut, { force: true })
    await rm(scratch, { recursive: true, force: true })
  }
}

async function linkOrCopy(src: string, dest: string): Promise<void> {
  try {
    await link(src, dest)
  } catch {
    await copyFile(src, dest)
  }
}

/** RIFF/WEBP with a VP8X chunk whose animation flag (bit 1) is set. */
async function isAnimatedWebp(path: string): Promise<boolean> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(21)
    const { bytesRead } = await fh.read(head, 0, 21, 0)
    if (bytesRead < 21) return false
    return head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WEBP' && head.toString('ascii', 12, 16) === 'VP8X' && (head[20] & 0x02) !== 0
  } finally {
    await fh.close()
  }
}
