/**
 * Smart assembly of a whole-song variant and of a cut-down, with the real ffmpeg: a base made the way a render makes
 * one (shot segments from the raw-frame encoder, each starting on a keyframe, joined by the
 * stitcher), texts over the first and last shots only. The GOPs without text are copied: those
 * frames are the base's bit for bit, every frame is there at its own timestamp, the texts are where
 * the one-encode assembly puts them; a variant with text everywhere is left to that assembly.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assembleVariant } from '../src/batch/assemble.js'
import { planRuns, smartAssemble } from '../src/batch/smartAssemble.js'
import { readKeyframes } from '../src/batch/sampleDecode.js'
import type { Piece } from '../src/batch/types.js'
import { concatAndMux, decodeFrames, openRawVideoEncoder, runFfmpeg, runFfprobe } from '../src/ffmpeg/index.js'
import { makeTempDir, type TempDir } from './helpers/syntheticVideo.js'

const W = 160
const H = 96
const FPS = 12
const SHOT = 24
const TOTAL = 4 * SHOT

let tmp: TempDir
let base: string
let audio: string
let png: string
beforeAll(async () => {
  tmp = makeTempDir('longav-smart-')
  // Four shots: each a moving gradient with per-frame noise (like the grain), its own segment.
  const segments: string[] = []
  let seed = 7
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
  for (let s = 0; s < 4; s++) {
    const path = tmp.file(`seg${s}.mp4`)
    const enc = openRawVideoEncoder({ path, width: W, height: H, fps: FPS })
    for (let i = 0; i < SHOT; i++) {
      const px = new Uint8Array(W * H * 4)
      for (let p = 0; p < W * H; p++) {
        const x = p % W
        const v = (x * 2 + i * 3 + s * 60 + Math.floor(rnd() * 12)) & 255
        px.set([v, (v + 80 * s) & 255, 255 - v, 255], p * 4)
      }
      await enc.writeFrame(px)
    }
    await enc.finish()
    segments.push(path)
  }
  audio = tmp.file('a.wav')
  await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:duration=${(TOTAL / FPS).toFixed(6)}`, audio])
  base = tmp.file('base.mp4')
  await concatAndMux({ segments, audio, out: base, listPath: tmp.file('list.ffconcat'), frames: TOTAL, fps: FPS })
  const c = createCanvas(60, 24)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, 60, 24)
  png = tmp.file('t.png')
  await writeFile(png, await c.encode('png'))
}, 120_000)
afterAll(() => tmp.cleanup())

const whole: Piece[] = [{ startFrame: 0, endFrame: TOTAL, bars: [1, 4], startSec: 0, endSec: TOTAL / FPS }]
/** Base frames 30..71 (from mid-GOP) then 0..29: 72 output frames. */
const cutdown: Piece[] = [
  { startFrame: 30, endFrame: 72, bars: [2, 3], startSec: 2.5, endSec: 6 },
  { startFrame: 0, endFrame: 30, bars: [1, 2], startSec: 0, endSec: 2.5 },
]
const frames = async (path: string) => {
  const out: Uint8Array[] = []
  await decodeFrames(path, { width: W, height: H, format: 'rgb24' }, (f) => out.push(f.slice()))
  return out
}
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length
/** Mean absolute difference of two rgb24 frames inside a box. */
const meanDiffIn = (a: Uint8Array, b: Uint8Array, box: { x: number; y: number; w: number; h: number }) => {
  let sum = 0
  for (let y = box.y; y < box.y + box.h; y++) for (let x = box.x * 3; x < (box.x + box.w) * 3; x++) sum += Math.abs(a[y * W * 3 + x] - b[y * W * 3 + x])
  return sum / (box.w * box.h * 3)
}

describe('smart assembly', () => {
  it('plans copied runs where no text touches a GOP', () => {
    expect(planRuns([0, 24, 48, 72], 96, whole, [{ startFrame: 0, endFrame: 10 }, { startFrame: 80, endFrame: 96 }])).toEqual([
      { srcStart: 0, srcEnd: 24, outStart: 0, copy: false },
      { srcStart: 24, srcEnd: 72, outStart: 24, copy: true },
      { srcStart: 72, srcEnd: 96, outStart: 72, copy: false },
    ])
    expect(planRuns([0, 24, 48, 72], 96, whole, [{ startFrame: 20, endFrame: 30 }])).toEqual([
      { srcStart: 0, srcEnd: 48, outStart: 0, copy: false },
      { srcStart: 48, srcEnd: 96, outStart: 48, copy: true },
    ])
  })

  it('plans a cut-down: a piece\'s partial GOPs are encoded, its whole bare GOPs copied, pieces never merged', () => {
    expect(planRuns([0, 24, 48, 72], 96, cutdown, [])).toEqual([
      { srcStart: 30, srcEnd: 48, outStart: 0, copy: false },
      { srcStart: 48, srcEnd: 72, outStart: 18, copy: true },
      { srcStart: 0, srcEnd: 24, outStart: 42, copy: true },
      { srcStart: 24, srcEnd: 30, outStart: 66, copy: false },
    ])
    // A text on the second piece's first GOP (output frames 42..65) makes it encoded.
    expect(planRuns([0, 24, 48, 72], 96, cutdown, [{ startFrame: 50, endFrame: 55 }]).map((r) => r.copy)).toEqual([false, true, false])
  })

  it('copies the bare GOPs bit for bit, every frame at its time, texts as the one-encode assembly lays them', async () => {
    const overlays = [
      { png, x: 20, y: 10, startFrame: 0, endFrame: 10 },
      { png, x: 80, y: 60, startFrame: 78, endFrame: 96 },
    ]
    const smart = tmp.file('smart.mp4')
    const plain = tmp.file('plain.mp4')
    const opts = { base, pieces: whole, overlays, audio, fps: FPS, totalFrames: TOTAL, keyFrames: [5, 85] }
    expect(await smartAssemble({ ...opts, out: smart }, tmp.file('work'))).toBe(true)
    await assembleVariant({ ...opts, out: plain })
    const probe = JSON.parse((await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,key_frame', '-of', 'json', smart])).stdout.toString('utf8'))
    const pts: number[] = probe.frames.map((f: { pts_time: string }) => Number(f.pts_time))
    expect(pts.length).toBe(TOTAL)
    pts.forEach((t, n) => expect(Math.abs(t - n / FPS)).toBeLessThan(0.002))
    // The text check's frames are keyframes of the output.
    expect(probe.frames[85].key_frame).toBe(1)
    const [b, s, p] = await Promise.all([frames(base), frames(smart), frames(plain)])
    expect(s.length).toBe(TOTAL)
    for (let n = SHOT; n < 3 * SHOT; n++) expect(same(s[n], b[n]), `frame ${n}`).toBe(true)
    // The text's box: white in both assemblies (the base's picture under it); outside it, the two
    // differ only by their encoders (the base's own settings against the one-encode's).
    for (const [n, o] of [[3, overlays[0]], [88, overlays[1]]] as const) {
      const box = { x: o.x, y: o.y, w: 60, h: 24 }
      expect(meanDiffIn(s[n], b[n], box)).toBeGreaterThan(40)
      expect(meanDiffIn(s[n], p[n], box)).toBeLessThan(4)
    }
    const audioSec = Number((await runFfprobe(['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', smart])).stdout.toString('utf8'))
    expect(Math.abs(audioSec - TOTAL / FPS)).toBeLessThan(1.5 / FPS)
  }, 120_000)

  it('copies a cut-down\'s whole bare GOPs and encodes its partial ones, frame-exact', async () => {
    const overlays = [{ png, x: 20, y: 10, startFrame: 50, endFrame: 58 }]
    const smart = tmp.file('smart-cut.mp4')
    const plain = tmp.file('plain-cut.mp4')
    const opts = { base, baseFrames: TOTAL, pieces: cutdown, overlays, audio: tmp.file('a-cut.wav'), fps: FPS, totalFrames: 72, keyFrames: [52] }
    await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:duration=${(72 / FPS).toFixed(6)}`, opts.audio])
    expect(await smartAssemble({ ...opts, out: smart }, tmp.file('work-cut'))).toBe(true)
    await assembleVariant({ ...opts, out: plain })
    const probe = JSON.parse((await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,key_frame', '-of', 'json', smart])).stdout.toString('utf8'))
    const pts: number[] = probe.frames.map((f: { pts_time: string }) => Number(f.pts_time))
    expect(pts.length).toBe(72)
    pts.forEach((t, n) => expect(Math.abs(t - n / FPS)).toBeLessThan(0.002))
    expect(probe.frames[52].key_frame).toBe(1)
    const [b, s, p] = await Promise.all([frames(base), frames(smart), frames(plain)])
    // Base 48..71 copied whole (output 18..41); every other frame as the one-encode assembly makes it.
    for (let n = 18; n < 42; n++) expect(same(s[n], b[n + 30]), `frame ${n}`).toBe(true)
    // Every frame is its own source frame (nearer it than its neighbours), the text where it belongs.
    const src = (n: number) => (n < 42 ? 30 + n : n - 42)
    for (let n = 0; n < 72; n++) {
      if (n >= 50 && n < 58) continue
      const d = meanDiff(s[n], b[src(n)])
      for (const m of [src(n) - 1, src(n) + 1].filter((m) => m >= 0 && m < TOTAL)) expect(d, `frame ${n}`).toBeLessThan(meanDiff(s[n], b[m]))
    }
    expect(meanDiff(s[53], b[11])).toBeGreaterThan(2)
    expect(meanDiff(s[53], p[53])).toBeLessThan(3)
  }, 120_000)

  it('leaves a variant with text over most of it, or a cut-down inside one GOP, to the one-encode assembly', async () => {
    const busy = [{ png, x: 20, y: 10, startFrame: 0, endFrame: 80 }]
    expect(await smartAssemble({ base, pieces: whole, overlays: busy, audio, fps: FPS, totalFrames: TOTAL, out: tmp.file('no.mp4') }, tmp.file('w2'))).toBe(false)
    // A piece inside one GOP (x264 put keyframes at 24 and 45 here) has nothing whole to copy.
    const keys = (await readKeyframes(base, FPS)).map((k) => k.frame)
    const cut: Piece[] = [{ startFrame: 26, endFrame: 40, bars: [2, 3], startSec: 26 / FPS, endSec: 40 / FPS }]
    expect(keys.some((k) => k > 26 && k < 40), `keyframes ${keys}`).toBe(false)
    expect(await smartAssemble({ base, pieces: cut, overlays: [], audio, fps: FPS, totalFrames: 14, out: tmp.file('no2.mp4') }, tmp.file('w3'))).toBe(false)
  })
})
