import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mika, otto } from './helpers/shotFixtures.js'
import { keepPng, pngPixels, proceduralAt } from './helpers/pngFrames.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-kinds-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const keep = keepPng
const pixels = pngPixels

const W = 320
const H = 180
const FPS = 24
const { run, base } = proceduralAt(tmp, { width: W, height: H, fps: FPS })

const lum = (px: Uint8ClampedArray, i: number) => 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2]
/** Mean luma of the frame region [x0,x1)×[y0,y1) (fractions). */
function regionLuma(px: Uint8ClampedArray, x0: number, x1: number, y0: number, y1: number): number {
  let s = 0
  let n = 0
  for (let y = Math.floor(y0 * H); y < y1 * H; y++) {
    for (let x = Math.floor(x0 * W); x < x1 * W; x++) {
      s += lum(px, (y * W + x) * 4)
      n++
    }
  }
  return s / n
}
function teal(px: Uint8ClampedArray): number {
  let n = 0
  for (let i = 0; i < px.length; i += 4) if (px[i + 1] > px[i] + 40 && px[i + 2] > px[i] + 20) n++
  return n
}

describe('silhouette and abstract shots', () => {
  it('a silhouette shot draws the figures as dark shapes against a bright light', async () => {
    const shot = { startFrame: 0, framing: 'medium' as const, camera: 'static' as const, kind: 'silhouette' as const, characterIds: ['mika', 'otto'] }
    const sil = base({ name: 'silhouette', frames: 12, shot, characters: [mika, otto], loudness: 0.3, hits: false })
    const lit = base({ name: 'lit', frames: 12, shot: { ...shot, kind: 'figures' }, characters: [mika, otto], loudness: 0.3, hits: false })
    await Promise.all([run(sil), run(lit)])
    keep(sil.out.keyFrame, 'silhouette.png')
    keep(lit.out.keyFrame, 'silhouette-lit-reference.png')
    const [s, l] = await Promise.all([pixels(sil.out.keyFrame), pixels(lit.out.keyFrame)])
    // The teal shirt is gone: the figures are flooded dark.
    expect(teal(l)).toBeGreaterThan(300)
    expect(teal(s)).toBeLessThan(teal(l) / 20)
    // Between the two figures the light is brighter than in the normal shot, and the figures
    // (their torsos, at the sides) are darker than the light behind them.
    const gap = regionLuma(s, 0.45, 0.55, 0.35, 0.55)
    expect(gap).toBeGreaterThan(regionLuma(l, 0.45, 0.55, 0.35, 0.55) + 20)
    let darkest = 255
    for (let x = 0.05; x < 0.95; x += 0.02) darkest = Math.min(darkest, regionLuma(s, x, x + 0.02, 0.45, 0.6))
    expect(darkest).toBeLessThan(gap / 2.5)
  })

  it('an abstract insert fills the frame with shapes that burst on hits, and no figures', async () => {
    const ab = base({ name: 'abstract', frames: 24, shot: { startFrame: 0, framing: 'wide', kind: 'abstract', characterIds: [] }, characters: [], loudness: 0.7 })
    await run(ab)
    keep(ab.out.keyFrame, 'abstract.png')
    const frames: Uint8ClampedArray[] = []
    // Hits fall on frames 0 and 12 (a beat every 12 frames at 24 fps): a ring is born at 12.
    const { createShotRenderer } = await import('../src/render/generators/procedural/index.js')
    const r = createShotRenderer(ab)
    for (const i of [9, 10, 11, 12]) {
      r.renderFrame(i)
      frames.push(r.canvas.getContext('2d').getImageData(0, 0, W, H).data)
    }
    const diff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
      let s = 0
      for (let i = 0; i < a.length; i += 4) s += Math.abs(lum(a, i) - lum(b, i))
      return s / (a.length / 4)
    }
    const calm = diff(frames[1], frames[2])
    const burst = diff(frames[2], frames[3])
    expect(calm).toBeGreaterThan(0.3) // it keeps turning between hits
    expect(burst).toBeGreaterThan(2 * calm)
    // Full frame: every quarter of the picture is drawn (no flat empty quadrant).
    const px = await pixels(ab.out.keyFrame)
    for (const [x0, y0] of [[0, 0], [0.5, 0], [0, 0.5], [0.5, 0.5]]) {
      const m = regionLuma(px, x0, x0 + 0.5, y0, y0 + 0.5)
      expect(m).toBeGreaterThan(8)
    }
  })
})
