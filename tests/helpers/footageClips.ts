/**
 * Footage with known truth for the footage generator's tests, drawn frame by frame and encoded by
 * ffmpeg: a box that moves in short bursts whose motion peaks at known frames, a box that keeps
 * moving in one corner of an otherwise still picture, a short clip, and stills whose detail sits
 * in one region. Backgrounds are a fixed texture, so nothing but the box moves.
 */
import { writeFileSync } from 'node:fs'
import { openRawVideoEncoder, runFfmpeg } from '../../src/ffmpeg/index.js'

export interface ClipSpec {
  path: string
  width: number
  height: number
  fps: number
  frames: number
}

/** A static grey texture (4×4 px blocks, seeded), RGBA. */
function texture(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 4)
  let s = seed >>> 0 || 1
  const rnd = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
  const bw = Math.ceil(width / 4)
  const blocks = Array.from({ length: bw * Math.ceil(height / 4) }, () => 70 + Math.floor(rnd() * 60))
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = blocks[(y >> 2) * bw + (x >> 2)]
      const i = (y * width + x) * 4
      out[i] = v
      out[i + 1] = v
      out[i + 2] = v + 10
      out[i + 3] = 255
    }
  }
  return out
}

/** Draws a checkerboard box (8 px cells, black and white) with its top-left corner at (bx, by). */
function drawBox(frame: Uint8Array, width: number, height: number, bx: number, by: number, size: number): void {
  for (let y = Math.max(0, by); y < Math.min(height, by + size); y++) {
    for (let x = Math.max(0, bx); x < Math.min(width, bx + size); x++) {
      const v = (((x - bx) >> 3) + ((y - by) >> 3)) % 2 ? 245 : 15
      const i = (y * width + x) * 4
      frame[i] = v
      frame[i + 1] = v
      frame[i + 2] = v
    }
  }
}

async function encode(path: string, width: number, height: number, fps: number, frames: number, draw: (i: number, frame: Uint8Array) => void): Promise<void> {
  const enc = openRawVideoEncoder({ path, width, height, fps })
  const frame = new Uint8Array(width * height * 4)
  for (let i = 0; i < frames; i++) {
    draw(i, frame)
    await enc.writeFrame(frame)
  }
  await enc.finish()
}

/** Pixels the box moves on the frames around a burst's peak: peak − 1, peak, peak + 1. */
export const BURST_STEPS = [4, 8, 4] as const

/**
 * A 64 px box that holds still except for bursts: around each frame p of `peaks` it moves
 * BURST_STEPS px (peak − 1, p, p + 1), so the motion curve (flow from frame i−1 to i) has a strict
 * local maximum at exactly p. Bursts alternate direction to stay in frame. Peaks must be at least
 * 4 frames apart.
 */
export async function writeBurstClip(path: string, opts: { peaks: number[]; frames: number; fps?: number; width?: number; height?: number; seed?: number }): Promise<ClipSpec & { peaks: number[] }> {
  const width = opts.width ?? 320
  const height = opts.height ?? 180
  const fps = opts.fps ?? 24
  const size = 64
  const bg = texture(width, height, opts.seed ?? 7)
  // Position per frame: x[i] = x[i−1] + step at frame i.
  const dx = new Float64Array(opts.frames)
  opts.peaks.forEach((p, k) => {
    const sign = k % 2 === 0 ? 1 : -1
    dx[p - 1] += sign * BURST_STEPS[0]
    dx[p] += sign * BURST_STEPS[1]
    dx[p + 1] += sign * BURST_STEPS[2]
  })
  let x = Math.round(width / 2 - size / 2 - 8)
  const y = Math.round(height / 2 - size / 2)
  await encode(path, width, height, fps, opts.frames, (i, frame) => {
    x += dx[i]
    frame.set(bg)
    drawBox(frame, width, height, x, y, size)
  })
  return { path, width, height, fps, frames: opts.frames, peaks: [...opts.peaks] }
}

/**
 * A 40 px box circling (radius 6 px, one turn per second) around `centre` (pixels) of a still
 * textured picture: all the activity in one region. Re-encoded to `path`'s container by ffmpeg
 * (e.g. .mkv with MPEG-4 Part 2), so the generator reads more than one kind of file.
 */
export async function writeCornerClip(path: string, opts: { centre: { x: number; y: number }; frames: number; fps?: number; width?: number; height?: number }): Promise<ClipSpec> {
  const width = opts.width ?? 320
  const height = opts.height ?? 180
  const fps = opts.fps ?? 30
  const bg = texture(width, height, 11)
  const size = 40
  const mp4 = path.replace(/\.[^.]+$/, '') + '.src.mp4'
  await encode(mp4, width, height, fps, opts.frames, (i, frame) => {
    const a = (2 * Math.PI * i) / fps
    frame.set(bg)
    drawBox(frame, width, height, Math.round(opts.centre.x - size / 2 + 6 * Math.cos(a)), Math.round(opts.centre.y - size / 2 + 6 * Math.sin(a)), size)
  })
  if (path.endsWith('.mkv')) await runFfmpeg(['-i', mp4, '-c:v', 'mpeg4', '-q:v', '3', path])
  else await runFfmpeg(['-i', mp4, '-c', 'copy', path])
  return { path, width, height, fps, frames: opts.frames }
}

/**
 * A still: a soft texture (blurred noise on grey, like an out-of-focus background) with a sharp,
 * detailed patch (ffmpeg's testsrc2, 200×150) whose top-left corner is at `patch`; written as PNG
 * or JPEG by the extension of `path`.
 */
export async function writeStill(path: string, opts: { width?: number; height?: number; patch: { x: number; y: number } }): Promise<{ path: string; width: number; height: number; detail: { cx: number; cy: number } }> {
  const width = opts.width ?? 640
  const height = opts.height ?? 360
  await runFfmpeg([
    '-f', 'lavfi', '-i', `color=c=0x707478:s=${width}x${height}:d=1`,
    '-f', 'lavfi', '-i', 'testsrc2=s=200x150:d=1',
    '-filter_complex', `[0:v]noise=alls=60:allf=u,gblur=sigma=2.5[bg];[bg][1:v]overlay=x=${opts.patch.x}:y=${opts.patch.y}`,
    '-frames:v', '1', path,
  ])
  return { path, width, height, detail: { cx: (opts.patch.x + 100) / width, cy: (opts.patch.y + 75) / height } }
}

/** A file with a video's name that is not one. */
export function writeCorrupt(path: string): string {
  writeFileSync(path, Buffer.from('this is not a video, just forty-odd bytes of text\n'.repeat(20)))
  return path
}
