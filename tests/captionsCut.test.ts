/**
 * Captions across a cut, through the real generator and ffmpeg: a line spanning the cut keeps its
 * brightness (no fade, no dip), and the line before a cut leaves no ghost after it.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { clipCaptions } from '../src/agents/planner/captions.js'
import { decodeFrames } from '../src/ffmpeg/index.js'
import { createShotRenderer, generateProcedural } from '../src/render/generators/procedural/index.js'
import { drawCaption } from '../src/render/generators/procedural/captions.js'
import type { Caption, Shot } from '../src/schemas/index.js'
import { captionRequest, snapshot } from './helpers/captionRequest.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-captions-cut-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const W = 480
const H = 270
const FPS = 12
const CUT = 18
const ctl = { signal: new AbortController().signal, onProgress: () => {} }

/** Shot A [0, CUT) wide, shot B [CUT, 2 CUT) close, continuing A; each with its pieces of `lines`. */
async function twoShots(name: string, lines: Caption[]) {
  const shotA: Partial<Shot> = { framing: 'wide', camera: 'pan-left', seed: 3 }
  const a = captionRequest({ width: W, height: H, fps: FPS, startFrame: 0, frames: CUT, captions: clipCaptions(lines, 0, CUT), shot: shotA, dir: path.join(tmp, `${name}-a`) })
  await generateProcedural(a, ctl)
  const shotB: Partial<Shot> = { index: 1, framing: 'close', camera: 'push-in', seed: 9, continuesPrevious: true }
  const b = captionRequest({ width: W, height: H, fps: FPS, startFrame: CUT, frames: CUT, captions: clipCaptions(lines, CUT, 2 * CUT), shot: shotB, dir: path.join(tmp, `${name}-b`), initKeyframe: a.out.lastFrame })
  await generateProcedural(b, ctl)
  return { a, b }
}

/** Luma of every frame of a video, decoded by ffmpeg. */
async function lumaFrames(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  await decodeFrames(file, { width: W, height: H, format: 'gray' }, (f) => out.push(new Uint8Array(f)))
  return out
}

/** Pixels of a caption's white glyph cores (drawn alone; eroded by a pixel so x264's softening does not matter). */
function glyphMask(text: string): Uint8Array {
  const c = createCanvas(W, H)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#000'
  ctx.fillRect(0, 0, W, H)
  drawCaption(ctx, text, W, H, 1, 'DejaVu Sans')
  const d = ctx.getImageData(0, 0, W, H).data
  const white = (x: number, y: number) => d[(y * W + x) * 4] > 230
  const m = new Uint8Array(W * H)
  for (let y = 1; y < H - 1; y++) for (let x = 1; x < W - 1; x++) m[y * W + x] = white(x, y) && white(x - 1, y) && white(x + 1, y) && white(x, y - 1) && white(x, y + 1) ? 1 : 0
  return m
}

const meanIn = (luma: ArrayLike<number>, m: Uint8Array) => {
  let s = 0
  let n = 0
  for (let i = 0; i < m.length; i++) if (m[i]) (s += luma[i], n++)
  return s / n
}
const brightShare = (luma: ArrayLike<number>, m: Uint8Array) => {
  let b = 0
  let n = 0
  for (let i = 0; i < m.length; i++) if (m[i]) (n++, (b += luma[i] > 200 ? 1 : 0))
  return b / n
}

/** Luma of an RGBA image (BT.709, as ffmpeg's gray of a bt709 stream is close enough here). */
const toLuma = (rgba: Uint8ClampedArray) => Float64Array.from({ length: rgba.length / 4 }, (_, i) => 0.2126 * rgba[4 * i] + 0.7152 * rgba[4 * i + 1] + 0.0722 * rgba[4 * i + 2])

async function pngLuma(file: string) {
  const img = await loadImage(readFileSync(file))
  const c = createCanvas(W, H)
  c.getContext('2d').drawImage(img, 0, 0)
  return toLuma(c.getContext('2d').getImageData(0, 0, W, H).data)
}

describe('captions across a cut', () => {
  it('a line spanning the cut keeps its brightness on every frame around it (no fade, no dip)', async () => {
    const text = 'WE LIGHT THE CITY UP'
    const { a, b } = await twoShots('span', [{ startFrame: 6, endFrame: 30, text }])
    const frames = [...(await lumaFrames(a.out.video)), ...(await lumaFrames(b.out.video))]
    expect(frames).toHaveLength(2 * CUT)
    const mask = glyphMask(text)
    // Between the line's own fade-in (frames 6-8) and fade-out (27-29): every frame, before and after the cut.
    const lumas = frames.slice(9, 27).map((f) => meanIn(f, mask))
    const atCut = lumas.slice(CUT - 9 - 2, CUT - 9 + 4)
    expect(Math.min(...lumas), lumas.map((l) => l.toFixed(0)).join(' ')).toBeGreaterThan(215)
    expect(Math.max(...lumas) - Math.min(...lumas), lumas.map((l) => l.toFixed(0)).join(' ')).toBeLessThan(12)
    expect(Math.min(...atCut)).toBeGreaterThan(Math.max(...lumas) - 12)
    // The fade is the line's own: its first frame is dimmer than its middle.
    expect(meanIn(frames[6], mask)).toBeLessThan(lumas[0] - 40)
  }, 60_000)

  it('the line that ends at the cut leaves no ghost in the next shot, which starts from a caption-free frame', async () => {
    const first = 'WE LIGHT THE FIRST LINE UP, MORE WORDS'
    const second = 'so'
    const { a, b } = await twoShots('change', [{ startFrame: 0, endFrame: CUT, text: first }, { startFrame: CUT, endFrame: 2 * CUT, text: second }])
    // Where only the first line's glyphs are (the second's, widened by 3 px, left out).
    const m1 = glyphMask(first)
    const m2 = glyphMask(second)
    const only = new Uint8Array(W * H)
    for (let y = 3; y < H - 3; y++) {
      for (let x = 3; x < W - 3; x++) {
        let near = 0
        for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) near |= m2[(y + dy) * W + x + dx]
        only[y * W + x] = m1[y * W + x] && !near ? 1 : 0
      }
    }
    expect(only.reduce((s, v) => s + v, 0)).toBeGreaterThan(150)
    const framesA = await lumaFrames(a.out.video)
    // The mask is right: the first line is white there in shot A …
    expect(brightShare(framesA[10], only)).toBeGreaterThan(0.8)
    // … but not in A's last-frame still, which the next shot starts from: not even faded (it is A's picture without captions).
    const lastA = await pngLuma(a.out.lastFrame)
    // (A shot with no captions at all: the same picture, bar the singer's mouth, far from the caption.)
    const ra = createShotRenderer({ ...a, shot: { ...a.shot, captions: [] } })
    ra.renderFrame(CUT - 1)
    expect(Math.abs(meanIn(lastA, only) - meanIn(toLuma(snapshot(ra.canvas)), only))).toBeLessThan(1)
    expect(brightShare(lastA, only)).toBeLessThan(0.03)
    // B's first frame there is its picture without captions (whatever its opening blends in), within x264's error.
    const first0 = (await lumaFrames(b.out.video))[0]
    const r = createShotRenderer({ ...b, shot: { ...b.shot, captions: [] } }, await loadImage(readFileSync(a.out.lastFrame)))
    r.renderFrame(0)
    const clean = toLuma(snapshot(r.canvas))
    expect(Math.abs(meanIn(first0, only) - meanIn(clean, only))).toBeLessThan(6)
    expect(brightShare(first0, only)).toBeLessThan(0.03)
  }, 60_000)
})
