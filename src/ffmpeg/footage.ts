/**
 * ffmpeg work of the footage generator: probing a user's clip or still (with its display size,
 * rotation and pixel aspect applied), rendering a trimmed, retimed, cropped and scaled clip span
 * as a canonical segment, and converting a still of any format ffmpeg reads into a PNG.
 */
import { randomBytes } from 'node:crypto'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { runFfmpeg } from './run.js'
import { frameRate, probeJson } from './probe.js'
import { segmentVideoArgs } from './rawVideoEncoder.js'
import { ffmpegRate } from '../time.js'

/** What the footage generator needs to know about a file before decoding it. */
export interface FootageProbe {
  /** 'still' for single pictures (png, jpg, webp…), 'clip' for anything with a timeline. */
  kind: 'clip' | 'still'
  formatName: string
  codec: string
  /** Size as displayed: rotation and the pixel aspect ratio applied, square pixels. */
  width: number
  height: number
  /** Pixel aspect ratio of the stored pictures (1 for square pixels). */
  sar: number
  /** Nominal frame rate (r_frame_rate); 0 for stills. */
  fps: number
  durationSec: number
  /** Frame count from the container, when it states one. */
  frames?: number
}

/** Demuxers that hold one picture (ffmpeg's image2 and *_pipe image readers). */
function isImageFormat(formatName: string): boolean {
  return formatName.split(',').some((f) => f === 'image2' || f.endsWith('_pipe'))
}

/**
 * Probes a clip or still. Throws ffmpeg's error (FfmpegError) when ffprobe cannot read the file,
 * and a plain Error when it has no picture; the caller turns both into a message about the asset.
 */
export async function probeFootage(path: string, signal?: AbortSignal): Promise<FootageProbe> {
  const j = await probeJson(path, { signal })
  // A cover picture inside an audio file is not footage.
  const v = j.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  if (!v || !v.width || !v.height) throw new Error('no picture stream')
  const formatName = j.format?.format_name ?? ''
  const fps = frameRate(v.r_frame_rate) || frameRate(v.avg_frame_rate)
  const frames = v.nb_frames !== undefined && Number.isFinite(Number(v.nb_frames)) ? Number(v.nb_frames) : undefined
  const durationSec = Number(v.duration ?? j.format?.duration ?? 0) || 0
  const still = isImageFormat(formatName) || frames === 1 || (durationSec === 0 && !frames)
  // Display size: pixel aspect first (it applies to stored columns), then a quarter-turn swaps sides.
  const [sn, sd] = (v.sample_aspect_ratio ?? '1:1').split(':').map(Number)
  const sar = sn > 0 && sd > 0 ? sn / sd : 1
  let width = Math.max(2, Math.round(v.width * sar))
  let height = v.height
  const rotation = v.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation ?? Number(v.tags?.rotate ?? 0)
  if (Math.abs(Math.round(rotation / 90)) % 2 === 1) [width, height] = [height, width]
  return {
    kind: still ? 'still' : 'clip',
    formatName,
    codec: v.codec_name ?? '',
    width,
    height,
    sar,
    fps: still ? 0 : fps,
    durationSec: still ? 0 : durationSec,
    frames: still ? 1 : frames,
  }
}

/** How source frames become output frames (see FootageClipRender.resample). */
export type FootageResample = 'conform' | 'drop' | 'blend'

/** A crop window position at an output frame (source pixels, display orientation); linear in between. */
export interface CropKeyframe {
  frame: number
  x: number
  y: number
}

export interface FootageClipRender {
  source: string
  /** Source display size (FootageProbe.width/height) and pixel aspect (FootageProbe.sar). */
  sourceWidth: number
  sourceHeight: number
  sar: number
  /** Source frame rate (the in-point's frame is at inSec = inFrame / sourceFps). */
  sourceFps: number
  /** Where the span starts in the source, seconds from its first frame. */
  inSec: number
  /** Source seconds played per output second (1 real time, < 1 slowed). */
  speed: number
  /**
   * - conform: every source frame becomes one output frame (speed = source fps / output fps),
   *   so no frame is repeated or skipped irregularly;
   * - drop: the output takes every k-th source frame (the source rate is k times the output's);
   * - blend: frames in between are blended from their neighbours (other ratios, slowed clips).
   */
  resample: FootageResample
  crop: { width: number; height: number; keyframes: CropKeyframe[] }
  width: number
  height: number
  fps: number
  /** Exactly this many frames are written. */
  frames: number
  /** Final mp4 path: written to a temp file and renamed once complete. */
  out: string
  signal?: AbortSignal
  onProgress?(fraction: number): void
}

/** A number for a filter expression: finite, short, never in exponent notation. */
function num(x: number): string {
  const r = Math.round(x * 1000) / 1000
  return Object.is(r, -0) ? '0' : r.toFixed(3).replace(/\.?0+$/, '') || '0'
}

/**
 * A piecewise-linear function of the output frame index `n` through the keyframes, as a flat
 * ffmpeg expression: x0 + Σ slope_k · clip(n − f_k, 0, f_{k+1} − f_k) (flat sums, no nesting, so
 * long paths stay cheap to parse). Before the first keyframe it holds the first value, after the
 * last the last.
 */
export function piecewiseLinearExpr(points: ReadonlyArray<{ frame: number; value: number }>): string {
  if (!points.length) return '0'
  let expr = num(points[0].value)
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]
    const b = points[k + 1]
    const span = b.frame - a.frame
    if (span <= 0 || b.value === a.value) continue
    expr += `+${num((b.value - a.value) / span)}*clip(n-${a.frame},0,${span})`
  }
  return expr.replace(/\+-/g, '-')
}

/** The -vf chain of a clip render (exported for tests of the argument building). */
export function footageClipFilter(r: FootageClipRender): string {
  const chain: string[] = []
  // ffmpeg applies a rotation on decode, before these filters; non-square pixels are squared here,
  // so every later size and position is in display pixels.
  if (Math.abs(r.sar - 1) > 1e-3) chain.push(`scale=${r.sourceWidth}:${r.sourceHeight}`, 'setsar=1')
  if (r.resample === 'conform') {
    // Timestamps from the frame count: frame k of the span is output frame k, exactly.
    chain.push(`setpts=N/(${ffmpegRate(r.fps)}*TB)`, `fps=${ffmpegRate(r.fps)}`)
  } else {
    chain.push(`setpts=(PTS-STARTPTS)/${num(r.speed)}`)
    chain.push(r.resample === 'drop' ? `fps=${ffmpegRate(r.fps)}` : `framerate=fps=${ffmpegRate(r.fps)}`)
  }
  const xs = r.crop.keyframes.map((k) => ({ frame: k.frame, value: k.x }))
  const ys = r.crop.keyframes.map((k) => ({ frame: k.frame, value: k.y }))
  chain.push(`crop=w=${r.crop.width}:h=${r.crop.height}:x='${piecewiseLinearExpr(xs)}':y='${piecewiseLinearExpr(ys)}':exact=1`)
  chain.push(`scale=${r.width}:${r.height}:flags=bicubic`, 'setsar=1')
  // A span that ends a frame early (rounding at the clip's end) holds its last picture.
  chain.push(`tpad=stop_mode=clone:stop=${r.frames}`)
  return chain.join(',')
}

/**
 * Renders one span of a clip as a canonical segment (segmentVideoArgs): accurate seek to the
 * in-point, retime, crop along the keyframes, scale to the output size, exactly `frames` frames.
 */
export async function renderFootageClip(r: FootageClipRender): Promise<void> {
  if (!Number.isInteger(r.frames) || r.frames < 1) throw new RangeError(`frames must be a positive integer, got ${r.frames}`)
  const tmp = join(dirname(r.out), `.${basename(r.out)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`)
  const args = [
    '-v', 'error', '-stats',
    // Input seek is frame-accurate when transcoding; a quarter of a source frame early so float
    // rounding of the timestamp cannot drop the in-point frame itself (nor keep the one before).
    ...(r.inSec > 0 ? ['-ss', Math.max(0, r.inSec - 0.25 / Math.max(1, r.sourceFps)).toFixed(6)] : []),
    '-i', r.source,
    '-map', '0:v:0',
    '-vf', footageClipFilter(r),
    '-frames:v', String(r.frames),
    ...segmentVideoArgs(r.fps),
    tmp,
  ]
  try {
    await runFfmpeg(args, {
      signal: r.signal,
      onStderrLine: (line) => {
        const m = /frame=\s*(\d+)/.exec(line)
        if (m && r.onProgress) r.onProgress(Math.min(1, Number(m[1]) / r.frames))
      },
    })
    await rename(tmp, r.out)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/**
 * Converts a still (any picture ffmpeg reads; the first frame of an animated one) into an RGBA PNG
 * of exactly width×height, for drawing with canvas.
 */
export async function prepareStillPng(source: string, outPng: string, width: number, height: number, signal?: AbortSignal): Promise<void> {
  const tmp = `${outPng}.${process.pid}-${randomBytes(4).toString('hex')}.tmp.png`
  try {
    await runFfmpeg(['-v', 'error', '-i', source, '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=lanczos,format=rgba`, tmp], { signal })
    await rename(tmp, outPng)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
