/**
 * Videos with a known subject for the reframe tests: a bright yellow figure (head + body) moving
 * over a dark textured background with static clutter and per-frame noise, cut into shots whose
 * backgrounds differ. Written through the real raw-video encoder (H.264). Also: counting the
 * subject's pixels in decoded frames, and a PNG strip (source with the crop drawn + output).
 */
import { writeFileSync } from 'node:fs'
import { mulberry32 } from '../../src/util/random.js'
import { createCanvas, ImageData } from '@napi-rs/canvas'
import { decodeFrames, openRawVideoEncoder, runFfmpeg } from '../../src/ffmpeg/index.js'
import type { Box } from '../../src/batch/types.js'

export interface SubjectShot {
  frames: number
  /** The figure's centre at frame k of the shot (source px). */
  at: (k: number) => { x: number; y: number }
  /** Background base colour [r, g, b] (dark, never yellow). */
  background: [number, number, number]
}

export interface SubjectVideo {
  path: string
  frames: number
  /** The figure's true box per frame (source px). */
  boxes: Box[]
  /** First frames of shots after the first. */
  cuts: number[]
}

export const FIGURE = { width: 24, height: 58 }

/** True when an rgb pixel is the figure's yellow (robust to H.264 and scaling blur at its core). */
export function isSubject(r: number, g: number, b: number): boolean {
  return r > 170 && g > 140 && b < 150
}


export async function writeSubjectVideo(
  path: string,
  shots: SubjectShot[],
  fmt: { width: number; height: number; fps: number; audio?: boolean; /** Frames brightened by +60 (a flash, not a cut). */ flashes?: number[] },
): Promise<SubjectVideo> {
  const { width: W, height: H } = fmt
  const rand = mulberry32(7)
  const boxes: Box[] = []
  const cuts: number[] = []
  const target = fmt.audio ? path.replace(/\.mp4$/, '.noaudio.mp4') : path
  const enc = openRawVideoEncoder({ path: target, width: W, height: H, fps: fmt.fps })
  const frame = Buffer.alloc(W * H * 4)
  let total = 0
  for (const [s, shot] of shots.entries()) {
    if (s > 0) cuts.push(total)
    // Static clutter per shot: darker and greyer rectangles (distinct enough to tempt a saliency map a little).
    const clutter = Array.from({ length: 6 }, () => ({ x: rand() * W, y: rand() * H, w: 10 + rand() * 30, h: 10 + rand() * 30, v: 30 + rand() * 50 }))
    for (let k = 0; k < shot.frames; k++) {
      const c = shot.at(k)
      const box = { x: c.x - FIGURE.width / 2, y: c.y - FIGURE.height / 2, width: FIGURE.width, height: FIGURE.height }
      boxes.push(box)
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 4
          const shade = 0.7 + (0.3 * x) / W
          let [r, g, b] = shot.background.map((v) => v * shade + (rand() - 0.5) * 12)
          for (const q of clutter) if (x >= q.x && x < q.x + q.w && y >= q.y && y < q.y + q.h) [r, g, b] = [q.v, q.v, q.v + 10]
          if (inFigure(x + 0.5 - c.x, y + 0.5 - c.y)) [r, g, b] = [250, 210, 40]
          if (fmt.flashes?.includes(total)) [r, g, b] = [Math.min(255, r + 60), Math.min(255, g + 60), Math.min(255, b + 60)]
          frame[i] = r
          frame[i + 1] = g
          frame[i + 2] = b
          frame[i + 3] = 255
        }
      }
      await enc.writeFrame(frame)
      total++
    }
  }
  await enc.finish()
  if (fmt.audio) {
    await runFfmpeg(['-i', target, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${(total / fmt.fps).toFixed(3)}`, '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac', '-shortest', path])
  }
  return { path, frames: total, boxes, cuts }
}

/** The figure: a round head on an oval body, centred on (0, 0), FIGURE.width × FIGURE.height. */
function inFigure(dx: number, dy: number): boolean {
  const headR = FIGURE.width * 0.35
  const headY = -FIGURE.height / 2 + headR
  if (dx * dx + (dy - headY) ** 2 <= headR * headR) return true
  const bodyTop = headY + headR - 1
  const ry = (FIGURE.height / 2 - bodyTop) / 2
  const cy = bodyTop + ry
  return (dx / (FIGURE.width / 2)) ** 2 + ((dy - cy) / ry) ** 2 <= 1
}

export interface SubjectStats {
  /** Subject pixels per frame. */
  count: number
  /** Subject pixels on the frame's outermost ring of pixels (the subject was cut by the edge). */
  onEdge: number
  /** Centroid of the subject pixels (NaN when none). */
  cx: number
  cy: number
}

/** Per decoded frame, how many subject pixels it shows and how many touch its edge. */
export async function subjectStats(path: string, width: number, height: number): Promise<SubjectStats[]> {
  const out: SubjectStats[] = []
  await decodeFrames(path, { width, height, format: 'rgb24' }, (rgb) => {
    let count = 0
    let onEdge = 0
    let sx = 0
    let sy = 0
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 3
        if (!isSubject(rgb[p], rgb[p + 1], rgb[p + 2])) continue
        count++
        sx += x + 0.5
        sy += y + 0.5
        if (x === 0 || y === 0 || x === width - 1 || y === height - 1) onEdge++
      }
    out.push({ count, onEdge, cx: sx / count, cy: sy / count })
  })
  return out
}

/** A PNG: for each chosen frame, the source with the crop drawn in red, then the output frame beside it. */
export async function writeStrip(png: string, src: { path: string; width: number; height: number }, out: { path: string; width: number; height: number }, path: Box[], frames: number[]): Promise<void> {
  const grab = async (file: string, w: number, h: number) => {
    const got = new Map<number, Uint8Array>()
    await decodeFrames(file, { width: w, height: h, format: 'rgb24' }, (rgb, i) => {
      if (frames.includes(i)) got.set(i, new Uint8Array(rgb))
    })
    return got
  }
  const [a, b] = await Promise.all([grab(src.path, src.width, src.height), grab(out.path, out.width, out.height)])
  const rowH = Math.max(src.height, out.height) + 8
  const canvas = createCanvas(src.width + out.width + 24, rowH * frames.length)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#222'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  const put = (rgb: Uint8Array, w: number, h: number, x: number, y: number) => {
    const rgba = new Uint8ClampedArray(w * h * 4)
    for (let i = 0; i < w * h; i++) [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]] = [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255]
    ctx.putImageData(new ImageData(rgba, w, h), x, y)
  }
  frames.forEach((f, row) => {
    const y = row * rowH + 4
    put(a.get(f)!, src.width, src.height, 4, y)
    put(b.get(f)!, out.width, out.height, src.width + 16, y)
    const c = path[f]
    ctx.strokeStyle = '#ff2020'
    ctx.lineWidth = 2
    ctx.strokeRect(4 + c.x + 1, y + c.y + 1, c.width - 2, c.height - 2)
    ctx.fillStyle = '#fff'
    ctx.font = '11px sans-serif'
    ctx.fillText(`frame ${f}`, 8, y + 12)
  })
  writeFileSync(png, canvas.toBuffer('image/png'))
}
