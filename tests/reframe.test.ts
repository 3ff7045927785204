import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { planCropPath, reframe, cropSize, sendcmdScript, trackSubjects } from '../src/batch/reframe/index.js'
import { probeMedia } from '../src/ffmpeg/index.js'
import type { Box } from '../src/batch/types.js'
import { makeTempDir } from './helpers/syntheticVideo.js'
import { FIGURE, subjectStats, writeStrip, writeSubjectVideo, type SubjectVideo } from './helpers/subjectVideo.js'

const FMT = { width: 320, height: 180, fps: 12 }
const tmp = makeTempDir('longav-reframe-')
let moving: SubjectVideo
let still: SubjectVideo

beforeAll(async () => {
  // Shot 1: the figure walks left to right with a small bob; shot 2 (cut at 40): it is back on the
  // left, walking right slowly. Frames 12 and 55 flash (brighter all over): not cuts.
  moving = await writeSubjectVideo(
    tmp.file('moving.mp4'),
    [
      { frames: 40, at: (k) => ({ x: 40 + k * 6, y: 95 + 6 * Math.sin(k / 3) }), background: [30, 40, 80] },
      { frames: 32, at: (k) => ({ x: 50 + k * 2, y: 90 }), background: [20, 70, 60] },
    ],
    { ...FMT, audio: true, flashes: [12, 55] },
  )
  still = await writeSubjectVideo(tmp.file('still.mp4'), [{ frames: 36, at: () => ({ x: 215, y: 92 }), background: [50, 30, 70] }], FMT)
})
afterAll(() => tmp.cleanup())

const centreX = (b: Box) => b.x + b.width / 2

/** Share of output frames whose subject is fully shown: no subject pixel on the edge, and (nearly) all its pixels there. */
async function insideShare(out: string, dst: { width: number; height: number }, path: Box[]): Promise<number> {
  const [src, got] = await Promise.all([subjectStats(moving.path, FMT.width, FMT.height), subjectStats(out, dst.width, dst.height)])
  const scale = (dst.width / path[0].width) * (dst.height / path[0].height)
  // The source shows the whole figure on every frame (flashes included): the measure has something to find.
  expect(src.every((s) => s.count > 0.8 * FIGURE.width * FIGURE.height * 0.7)).toBe(true)
  let inside = 0
  got.forEach((g, i) => {
    if (g.onEdge === 0 && g.count >= 0.85 * src[i].count * scale) inside++
  })
  return inside / got.length
}

describe('planCropPath (pure)', () => {
  const src = { width: 1280, height: 720 }
  const dst = { width: 720, height: 1280 }

  it('is the largest crop of the destination aspect, still for a still subject with a noisy estimate', () => {
    expect(cropSize(src, dst)).toEqual({ width: 404, height: 720 })
    expect(cropSize(src, { width: 1080, height: 1080 })).toEqual({ width: 720, height: 720 })
    expect(cropSize({ width: 720, height: 1280 }, { width: 1280, height: 720 })).toEqual({ width: 720, height: 404 })
    const noisy = Array.from({ length: 120 }, (_, i) => ({ x: 800 + 9 * Math.sin(i * 1.7), y: 200 + 5 * Math.cos(i), width: 100, height: 300 }))
    const path = planCropPath(noisy, src, dst)
    expect(new Set(path.map((b) => `${b.x},${b.y}`)).size).toBe(1)
    for (const [i, b] of path.entries()) expect(b.x <= noisy[i].x && b.x + b.width >= noisy[i].x + noisy[i].width).toBe(true)
  })

  it('keeps a moving subject inside, pans without jitter and jumps at a cut', () => {
    const subj = Array.from({ length: 100 }, (_, i) => ({ x: i < 60 ? 100 + i * 12 : 150 + (i - 60) * 3, y: 300, width: 120, height: 300 }))
    const path = planCropPath(subj, src, dst, { shotStarts: [60] })
    for (const [i, b] of path.entries()) expect(b.x <= subj[i].x + 1 && b.x + b.width >= subj[i].x + subj[i].width - 1).toBe(true)
    const steps = path.slice(1).map((b, i) => Math.abs(centreX(b) - centreX(path[i])))
    expect(Math.max(...steps.filter((_, i) => i + 1 !== 60))).toBeLessThanOrEqual(14)
    expect(steps[59]).toBeGreaterThan(300)
    // No reversal inside a shot: the string pans one way per move, it does not wobble.
    const dirs = steps.map((_, i) => Math.sign(centreX(path[i + 1]) - centreX(path[i]))).filter((d, i) => d !== 0 && i + 1 !== 60)
    expect(dirs.slice(0, 40).every((d) => d === 1)).toBe(true)
  })

  it('centres a subject wider than the crop on its most salient point; an empty box leaves the crop where it is', () => {
    const wide = Array.from({ length: 10 }, () => ({ x: 100, y: 0, width: 1000, height: 720 }))
    const focus = wide.map(() => ({ x: 900, y: 360 }))
    const path = planCropPath(wide, src, dst, { focus })
    for (const b of path) expect(Math.abs(centreX(b) - 900)).toBeLessThanOrEqual(0.08 * 404 + 2)
    const empty = planCropPath([{ x: 500, y: 0, width: 100, height: 100 }, ...Array.from({ length: 9 }, () => ({ x: 0, y: 0, width: 0, height: 0 }))], src, dst)
    expect(new Set(empty.map((b) => b.x)).size).toBe(1)
  })

  it('writes a sendcmd script of numbers only, one line per change', () => {
    const s = sendcmdScript([{ x: 10, y: 0, width: 100, height: 180 }, { x: 10, y: 0, width: 100, height: 180 }, { x: 12, y: 0, width: 100, height: 180 }], 12)
    expect(s).toBe('0.000000 crop@rf x 10, crop@rf y 0;\n0.125000 crop@rf x 12, crop@rf y 0;\n')
  })
})

describe('reframe (real ffmpeg)', () => {
  for (const dst of [{ width: 90, height: 160 }, { width: 160, height: 160 }]) {
    it(`tracks the moving subject to ${dst.width}x${dst.height}: inside, smooth, a jump at the cut, exact frames`, async () => {
      const out = tmp.file(`moving-${dst.width}x${dst.height}.mp4`)
      const { path } = await reframe(moving.path, out, dst)
      if (dst.width === 90) expect((await trackSubjects(moving.path)).cuts).toEqual(moving.cuts)
      const info = await probeMedia(out, { countFrames: true })
      expect(info.video).toMatchObject({ width: dst.width, height: dst.height, fps: 12, frames: moving.frames, codec: 'h264', pixFmt: 'yuv420p' })
      expect(info.audio?.codec).toBe('aac')
      expect(path).toHaveLength(moving.frames)
      const share = await insideShare(out, dst, path)
      expect(share).toBeGreaterThanOrEqual(0.98)
      const cut = moving.cuts[0]
      const steps = path.slice(1).map((b, i) => Math.abs(centreX(b) - centreX(path[i])))
      const maxStep = Math.max(...steps.filter((_, i) => i + 1 !== cut))
      // The figure walks 6 px a frame: the crop never moves faster than twice that.
      expect(maxStep).toBeLessThanOrEqual(12)
      if (path[0].width < FMT.width) {
        // The crop jumps at the cut, in one frame, and does not keep sliding afterwards.
        expect(steps[cut - 1]).toBeGreaterThan(60)
        expect(Math.abs(centreX(path[cut + 1]) - centreX(path[cut]))).toBeLessThanOrEqual(4)
      }
      process.env.REFRAME_REPORT && console.log(`${dst.width}x${dst.height}: inside ${(share * 100).toFixed(1)} %, max step ${maxStep} px`)
      if (dst.width === 90) {
        const png = join(tmpdir(), 'longav-reframe-strip.png')
        await writeStrip(png, { path: moving.path, ...FMT }, { path: out, ...dst }, path, [0, 20, 39, 40, 71])
        expect(statSync(png).size).toBeGreaterThan(1000)
      }
    })
  }

  it('applies each frame its own crop (no lag): the subject sits where the path puts it', async () => {
    const dst = { width: 90, height: 160 }
    const out = tmp.file('exact.mp4')
    // A path that moves 4 px every frame whatever the subject does: a one-frame lag would show as 3.6 output px.
    const path = moving.boxes.map((_, i) => ({ x: 20 + 4 * (i % 40), y: 0, width: 100, height: 180 }))
    const { reframeVideo } = await import('../src/batch/reframe/index.js')
    await reframeVideo(moving.path, out, path, dst)
    const stats = await subjectStats(out, dst.width, dst.height)
    let checked = 0
    stats.forEach((s, i) => {
      const b = moving.boxes[i]
      const cx = b.x + b.width / 2
      if (cx - FIGURE.width < path[i].x || cx + FIGURE.width > path[i].x + path[i].width) return
      expect(Math.abs(s.cx - ((cx - path[i].x) * dst.width) / path[i].width)).toBeLessThan(1.2)
      checked++
    })
    expect(checked).toBeGreaterThan(10)
  })

  it('uses the generator’s own subject boxes when given', async () => {
    const out = tmp.file('known.mp4')
    const { path } = await reframe(moving.path, out, { width: 90, height: 160 }, { subjects: moving.boxes, shotStarts: moving.cuts })
    for (const [i, b] of path.entries()) {
      const s = moving.boxes[i]
      expect(b.x <= s.x + 1 && b.x + b.width >= s.x + s.width - 1).toBe(true)
    }
    expect(await insideShare(out, { width: 90, height: 160 }, path)).toBe(1)
    await expect(reframe(moving.path, tmp.file('bad.mp4'), { width: 90, height: 160 }, { subjects: moving.boxes.slice(1) })).rejects.toThrow(/subjects: 71 boxes for 72 frames/)
    expect(existsSync(tmp.file('bad.mp4'))).toBe(false)
  })

  it('refuses an odd size and stops on abort, leaving no file', async () => {
    await expect(reframe(still.path, tmp.file('odd.mp4'), { width: 91, height: 160 })).rejects.toThrow(/91x160 must be positive even integers/)
    const ac = new AbortController()
    const run = reframe(moving.path, tmp.file('aborted.mp4'), { width: 90, height: 160 }, { signal: ac.signal })
    ac.abort()
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(existsSync(tmp.file('odd.mp4')) || existsSync(tmp.file('aborted.mp4'))).toBe(false)
  })

  it('holds a still crop on a still subject (no drift, no jitter)', async () => {
    const out = tmp.file('still-9x16.mp4')
    const { path } = await reframe(still.path, out, { width: 90, height: 160 })
    expect(new Set(path.map((b) => `${b.x},${b.y}`)).size).toBe(1)
    const b = path[0]
    expect(b.x <= 215 - FIGURE.width / 2 && b.x + b.width >= 215 + FIGURE.width / 2).toBe(true)
    const stats = await subjectStats(out, 90, 160)
    expect(stats).toHaveLength(still.frames)
    expect(stats.every((s) => s.onEdge === 0 && s.count > 100)).toBe(true)
  })
})
