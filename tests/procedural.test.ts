import { createCanvas, loadImage } from '@napi-rs/canvas'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FfmpegError, openRawVideoEncoder, probeMedia } from '../src/ffmpeg/index.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-procedural-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const W = 320
const H = 180
const FPS = 24

const mika: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
const otto: CharacterCard = {
  kind: 'character', id: 'otto', name: 'Otto', description: 'guitarist in stripes', seed: 27,
  palette: ['#2a9d8f', '#f4a261', '#264653'],
  shape: { height: 0.7, build: 0.4, headSize: 0.14, hair: 4, accessory: 5, outfit: 1 },
}
const city: LocationCard = {
  kind: 'location', id: 'city', name: 'City', description: 'night skyline', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}
const desert: LocationCard = {
  kind: 'location', id: 'desert', name: 'Desert', description: 'dunes at noon', seed: 7,
  palette: ['#e9a56b', '#f4d8a0', '#7a4b2a'], shape: { world: 'dunes', timeOfDay: 'day', density: 0.5 },
}

/** Synthetic controls: a 120 bpm pulse with hits on beats and a vocal phrase in the middle. */
function controls(start: number, frames: number): FrameControl[] {
  const fpb = FPS / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    const beat = (f % fpb) / fpb
    return {
      frame: f, loudness: 0.5 + 0.3 * Math.sin(f / 9), hit: f % fpb === 0 ? 1 : 0, hue: (f * 3) % 360,
      brightness: 0.6, harmonic: 0.5, vocal: i > frames / 3 && i < (2 * frames) / 3 ? 0.8 : 0, sectionIndex: 0,
      beatPhase: beat, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

let counter = 0
function request(over: { shot?: Partial<Shot>; location?: LocationCard; characters?: CharacterCard[]; frames?: number; initKeyframe?: string } = {}): SegmentRequest {
  const frames = over.frames ?? 48
  const startFrame = over.shot?.startFrame ?? 0
  const dir = path.join(tmp, `seg-${counter++}`)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 0, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'start', locationId: (over.location ?? city).id,
    characterIds: (over.characters ?? [mika, otto]).map((c) => c.id), camera: 'push-in', framing: 'medium', prompt: 'two friends',
    seed: 5, continuesPrevious: false, motionGain: 0.8,
    captions: [{ startFrame: startFrame + 10, endFrame: startFrame + 30, text: 'under the\u0007 city lights' }],
    ...over.shot,
  }
  return {
    shot, fps: FPS, width: W, height: H, frames, attempt: 0,
    style: { look: 'flat pastel', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location: over.location ?? city, characters: over.characters ?? [mika, otto], controls: controls(startFrame, frames),
    audio: { path: '/nonexistent.wav', startSec: startFrame / FPS, endSec: (startFrame + frames) / FPS },
    initKeyframe: over.initKeyframe, referenceKeyframes: {},
    out: {
      video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'),
      lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png'),
    },
  }
}

const gen = createProceduralGenerator()
const run = (req: SegmentRequest, signal = new AbortController().signal, onProgress: (p: number) => void = () => {}) =>
  gen.generate(req, { signal, onProgress })

/** RGBA pixels of a PNG. */
async function pixels(file: string): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const img = await loadImage(readFileSync(file))
  const c = createCanvas(img.width, img.height)
  const ctx = c.getContext('2d')
  ctx.drawImage(img, 0, 0)
  return { data: ctx.getImageData(0, 0, img.width, img.height).data, width: img.width, height: img.height }
}

function meanRgb(p: { data: Uint8ClampedArray }): [number, number, number] {
  const s = [0, 0, 0]
  const n = p.data.length / 4
  for (let i = 0; i < p.data.length; i += 4) for (let k = 0; k < 3; k++) s[k] += p.data[i + k]
  return [s[0] / n, s[1] / n, s[2] / n]
}

function meanAbsDiff(a: { data: Uint8ClampedArray }, b: { data: Uint8ClampedArray }): number {
  let d = 0
  for (let i = 0; i < a.data.length; i += 4) for (let k = 0; k < 3; k++) d += Math.abs(a.data[i + k] - b.data[i + k])
  return d / ((a.data.length / 4) * 3)
}

/** Normalised 4x4x4 RGB histogram of a crop given in frame fractions. */
function histogram(p: { data: Uint8ClampedArray; width: number; height: number }, x0: number, x1: number, y0: number, y1: number): Float64Array {
  const h = new Float64Array(64)
  let n = 0
  for (let y = Math.floor(y0 * p.height); y < Math.floor(y1 * p.height); y++) {
    for (let x = Math.floor(x0 * p.width); x < Math.floor(x1 * p.width); x++) {
      const i = (y * p.width + x) * 4
      h[(p.data[i] >> 6) * 16 + (p.data[i + 1] >> 6) * 4 + (p.data[i + 2] >> 6)]++
      n++
    }
  }
  return h.map((v) => v / n)
}
const l1 = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0)

describe('procedural generator', () => {
  it('writes a canonical h264 segment with the exact frame count and three keyframe PNGs', async () => {
    // bareStills: as a batch's base render asks (the caption-free still below).
    const req = { ...request(), bareStills: true }
    const progress: number[] = []
    const seg = await run(req, undefined, (p) => progress.push(p))
    expect(seg).toMatchObject({ shotIndex: 0, attempt: 0, generator: 'procedural', path: req.out.video, frames: 48 })
    const info = await probeMedia(req.out.video, { countFrames: true })
    expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: W, height: H, frames: 48 })
    expect(info.video!.fps).toBeCloseTo(FPS, 5)
    expect(info.audio).toBeUndefined()
    for (const p of [req.out.firstFrame, req.out.keyFrame, req.out.lastFrame]) {
      const px = await pixels(p)
      expect([px.width, px.height]).toEqual([W, H])
    }
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true)
    // Nothing but the outputs in the folder (no temp files left behind).
    // bare-12.png: the caption-free still of the caption's first fully shown frame (a batch measures captions against it).
    expect(readdirSync(path.dirname(req.out.video)).sort()).toEqual(['bare-12.png', 'first.png', 'key.png', 'last.png', 'shot.mp4'])
    // The picture moves: first and last frames differ.
    expect(meanAbsDiff(await pixels(req.out.firstFrame), await pixels(req.out.lastFrame))).toBeGreaterThan(1)
  })

  it('keeps no caption-free still unless asked (only a batch base needs them)', async () => {
    const req = request({ frames: 16 })
    await run(req)
    expect(readdirSync(path.dirname(req.out.video)).sort()).toEqual(['first.png', 'key.png', 'last.png', 'shot.mp4'])
  })

  it('is deterministic: the same request gives identical keyframes', async () => {
    const a = request({ frames: 16 })
    const b = request({ frames: 16 })
    await run(a)
    await run(b)
    for (const k of ['firstFrame', 'keyFrame', 'lastFrame'] as const) {
      expect(readFileSync(a.out[k]).equals(readFileSync(b.out[k]))).toBe(true)
    }
  })

  it('draws different locations as clearly different places', async () => {
    const a = request({ frames: 6, location: city })
    const b = request({ frames: 6, location: desert })
    await Promise.all([run(a), run(b)])
    const ma = meanRgb(await pixels(a.out.keyFrame))
    const mb = meanRgb(await pixels(b.out.keyFrame))
    const dist = Math.hypot(ma[0] - mb[0], ma[1] - mb[1], ma[2] - mb[2])
    expect(dist).toBeGreaterThan(40)
  })

  it('keeps a character recognisable across shots and distinct from another character', async () => {
    // One figure, centred, medium framing; the two mika shots differ in index, seed, camera and music phase.
    const shotA = { index: 1, seed: 1, camera: 'static' as const, captions: [] }
    const shotB = { index: 7, seed: 99, camera: 'drift' as const, startFrame: 300, captions: [] }
    const a = request({ frames: 8, characters: [mika], shot: shotA })
    const b = request({ frames: 8, characters: [mika], shot: shotB })
    const c = request({ frames: 8, characters: [otto], shot: shotA })
    await Promise.all([run(a), run(b), run(c)])
    const crop = async (r: SegmentRequest) => histogram(await pixels(r.out.keyFrame), 0.44, 0.56, 0.45, 0.7)
    const [ha, hb, hc] = await Promise.all([crop(a), crop(b), crop(c)])
    const same = l1(ha, hb)
    const diff = l1(ha, hc)
    expect(same).toBeLessThan(0.5)
    expect(diff).toBeGreaterThan(0.8)
    expect(diff).toBeGreaterThan(same * 3)
  })

  it('dissolves in from the init keyframe when the shot is planned as a dissolve', async () => {
    const prev = request({ frames: 10, location: desert })
    await run(prev)
    const next = request({ frames: 16, location: city, shot: { continuesPrevious: true, transition: 'dissolve', startFrame: 10 }, initKeyframe: prev.out.lastFrame })
    await run(next)
    const init = await pixels(prev.out.lastFrame)
    expect(meanAbsDiff(await pixels(next.out.firstFrame), init)).toBeLessThan(3)
    // …and then becomes its own shot.
    expect(meanAbsDiff(await pixels(next.out.lastFrame), init)).toBeGreaterThan(15)
    // Without continuesPrevious the init keyframe is ignored.
    const fresh = request({ frames: 4, location: city, shot: { startFrame: 10 }, initKeyframe: prev.out.lastFrame })
    await run(fresh)
    expect(meanAbsDiff(await pixels(fresh.out.firstFrame), init)).toBeGreaterThan(15)
  })

  it('rejects on abort mid-render and leaves no file at the output path', async () => {
    const req = { ...request({ frames: 400 }), bareStills: true }
    const ac = new AbortController()
    let maxProgress = 0
    const p = run(req, ac.signal, (x) => {
      maxProgress = Math.max(maxProgress, x)
      if (x > 0.2) ac.abort(new Error('user cancelled'))
    })
    await expect(p).rejects.toThrow('user cancelled')
    expect(maxProgress).toBeLessThan(0.5)
    expect(existsSync(req.out.video)).toBe(false)
    expect(readdirSync(path.dirname(req.out.video))).toEqual([])
  })
})

describe('raw video encoder', () => {
  it('rejects frames of the wrong size', async () => {
    const out = path.join(tmp, 'bad-size.mp4')
    const enc = openRawVideoEncoder({ path: out, width: 64, height: 36, fps: 25 })
    await expect(enc.writeFrame(Buffer.alloc(10))).rejects.toThrow(RangeError)
    enc.abort()
    expect(existsSync(out)).toBe(false)
  })

  it('surfaces ffmpeg failures as FfmpegError with the stderr tail', async () => {
    // An odd width cannot be encoded as yuv420p by libx264: ffmpeg fails after reading input.
    const out = path.join(tmp, 'odd.mp4')
    const enc = openRawVideoEncoder({ path: out, width: 63, height: 35, fps: 25 })
    const err = await (async () => {
      for (let i = 0; i < 5; i++) await enc.writeFrame(Buffer.alloc(63 * 35 * 4, 128))
      await enc.finish()
    })().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FfmpegError)
    expect((err as FfmpegError).stderrTail.length).toBeGreaterThan(0)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(tmp).filter((f) => f.includes('odd.mp4'))).toEqual([])
  })

  it('streams frames into an mp4 with the exact count', async () => {
    const out = path.join(tmp, 'grey.mp4')
    const enc = openRawVideoEncoder({ path: out, width: 64, height: 36, fps: 30 })
    for (let i = 0; i < 30; i++) await enc.writeFrame(Buffer.alloc(64 * 36 * 4, i * 8))
    await enc.finish()
    const info = await probeMedia(out, { countFrames: true })
    expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 64, height: 36, frames: 30 })
  })
})

describe('captions off', () => {
  it('draws no caption text when asked, and changes nothing else', async () => {
    const caption = [{ startFrame: 0, endFrame: 40, text: 'WE LIGHT THE CITY UP' }]
    const shown = request({ frames: 12, shot: { captions: caption } })
    const hidden = { ...request({ frames: 12, shot: { captions: caption } }), hideCaptions: true }
    await run(shown)
    await run(hidden)
    // The key frame: the last-frame still is caption-free either way (the next shot starts from it).
    const a = await pixels(shown.out.keyFrame)
    const b = await pixels(hidden.out.keyFrame)
    const band = (p: { data: Uint8ClampedArray; width: number; height: number }, y0: number, y1: number) => ({
      data: p.data.slice(Math.floor(y0 * p.height) * p.width * 4, Math.floor(y1 * p.height) * p.width * 4),
    })
    // The caption sits in the lower part of the frame; the top two thirds are the same picture.
    expect(meanAbsDiff(band(a, 0, 0.6), band(b, 0, 0.6))).toBeLessThan(0.5)
    expect(meanAbsDiff(band(a, 0.6, 1), band(b, 0.6, 1))).toBeGreaterThan(2)
  })
})
