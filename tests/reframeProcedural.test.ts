/**
 * Reframe on real renders of the procedural generator: the same shot is rendered with and without
 * its character, so the figure's true pixels are where the two differ; the tracked 9:16 crop must
 * keep that figure inside (or, when it is wider than the crop, hold nearly as much of it as any crop could).
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { reframe, trackSubjects } from '../src/batch/reframe/index.js'
import { decodeFrames } from '../src/ffmpeg/index.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'
import type { Box } from '../src/batch/types.js'
import { makeTempDir } from './helpers/syntheticVideo.js'
import { writeStrip } from './helpers/subjectVideo.js'

const W = 320
const H = 180
const FPS = 12
const FRAMES = 36
const tmp = makeTempDir('longav-reframe-proc-')
afterAll(() => tmp.cleanup())

const mika: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
const city: LocationCard = {
  kind: 'location', id: 'city', name: 'City', description: 'night skyline', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}

function controls(frames: number): FrameControl[] {
  return Array.from({ length: frames }, (_, f) => ({
    frame: f, loudness: 0.5, hit: f % 6 === 0 ? 1 : 0, hue: 200, brightness: 0.6, harmonic: 0.5, vocal: 0, sectionIndex: 0,
    beatPhase: (f % 6) / 6, barPhase: (f % 24) / 24, onBeat: f % 6 === 0, onDownbeat: f % 24 === 0,
  }))
}

async function render(name: string, characters: CharacterCard[], framing: Shot['framing']): Promise<string> {
  const dir = tmp.file(name)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 0, startFrame: 0, endFrame: FRAMES, sectionIndex: 0, cutOn: 'start', locationId: city.id, characterIds: characters.map((c) => c.id),
    camera: 'pan-left', framing, prompt: 'the singer', seed: 5, continuesPrevious: false, motionGain: 0.8, captions: [],
  }
  const req: SegmentRequest = {
    shot, fps: FPS, width: W, height: H, frames: FRAMES, attempt: 0,
    style: { look: 'flat pastel', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location: city, characters, controls: controls(FRAMES),
    audio: { path: '/nonexistent.wav', startSec: 0, endSec: FRAMES / FPS }, referenceKeyframes: {},
    out: { video: join(dir, 'shot.mp4'), firstFrame: join(dir, 'first.png'), lastFrame: join(dir, 'last.png'), keyFrame: join(dir, 'key.png') },
  }
  await createProceduralGenerator().generate(req, { signal: new AbortController().signal, onProgress: () => {} })
  return req.out.video
}

/** Per frame, the pixels that differ between two renders (the figure and its shading): their box and count per column. */
async function figureMask(a: string, b: string): Promise<Array<{ box: Box; cols: number[] }>> {
  const frames: Uint8Array[] = []
  await decodeFrames(a, { width: W, height: H, format: 'rgb24' }, (f) => void frames.push(new Uint8Array(f)))
  const out: Array<{ box: Box; cols: number[] }> = []
  await decodeFrames(b, { width: W, height: H, format: 'rgb24' }, (f, i) => {
    const cols = new Array<number>(W).fill(0)
    const rows = new Array<number>(H).fill(0)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = (y * W + x) * 3
        const d = Math.abs(f[p] - frames[i][p]) + Math.abs(f[p + 1] - frames[i][p + 1]) + Math.abs(f[p + 2] - frames[i][p + 2])
        if (d <= 90) continue
        cols[x]++
        rows[y]++
      }
    // Columns and rows with at least 3 differing pixels: the figure, not a stray grain speck the encoder moved.
    const x0 = cols.findIndex((c) => c >= 3)
    const x1 = W - 1 - [...cols].reverse().findIndex((c) => c >= 3)
    const y0 = rows.findIndex((c) => c >= 3)
    const y1 = H - 1 - [...rows].reverse().findIndex((c) => c >= 3)
    out.push({ box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, cols })
  })
  return out
}

const sum = (a: number[], from: number, to: number) => a.slice(Math.max(0, from), Math.max(0, to)).reduce((s, v) => s + v, 0)

describe('reframe on a procedural render', () => {
  const dst = { width: 90, height: 160 }

  it('keeps a full figure inside a 1:1 crop on a panning medium shot, and finds no cut in one shot', async () => {
    const [withFigure, without] = await Promise.all([render('med-with', [mika], 'medium'), render('med-without', [], 'medium')])
    expect((await trackSubjects(withFigure)).cuts).toEqual([])
    const truth = await figureMask(withFigure, without)
    const out = tmp.file('med-1x1.mp4')
    const square = { width: 160, height: 160 }
    const { path } = await reframe(withFigure, out, square)
    expect(truth.every((t) => t.box.width > 0 && t.box.width <= path[0].width)).toBe(true)
    const inside = path.filter((c, i) => c.x <= truth[i].box.x + 2 && c.x + c.width >= truth[i].box.x + truth[i].box.width - 2).length / path.length
    process.env.REFRAME_REPORT && console.log(`procedural medium: figure ${truth[0].box.width} px wide in a ${path[0].width} px crop, inside ${(inside * 100).toFixed(1)} %`)
    await writeStrip(join(tmpdir(), 'longav-reframe-procedural-medium.png'), { path: withFigure, width: W, height: H }, { path: out, ...square }, path, [0, 18, 35])
    expect(inside).toBeGreaterThanOrEqual(0.98)
  })

  it('holds the most of a figure wider than the crop (close-up, arms out)', async () => {
    const [withFigure, without] = await Promise.all([render('close-with', [mika], 'close'), render('close-without', [], 'close')])
    const truth = await figureMask(withFigure, without)
    const out = tmp.file('close-9x16.mp4')
    const { path } = await reframe(withFigure, out, dst)
    const cw = path[0].width
    expect(truth.every((t) => t.box.width > cw)).toBe(true)
    // Per frame: the figure's pixels inside the crop against the best any crop position could hold.
    const ratios = path.map((c, i) => {
      let best = 0
      for (let x = 0; x + cw <= W; x++) best = Math.max(best, sum(truth[i].cols, x, x + cw))
      return sum(truth[i].cols, c.x, c.x + cw) / best
    })
    const worst = Math.min(...ratios)
    process.env.REFRAME_REPORT && console.log(`procedural close: figure ${truth[0].box.width} px wide in a ${cw} px crop, worst frame holds ${(worst * 100).toFixed(1)} % of the best crop's figure pixels`)
    await writeStrip(join(tmpdir(), 'longav-reframe-procedural-close.png'), { path: withFigure, width: W, height: H }, { path: out, ...dst }, path, [0, 18, 35])
    expect(worst).toBeGreaterThanOrEqual(0.6)
  })
})
