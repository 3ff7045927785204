import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mika, otto } from './helpers/shotFixtures.js'
import { keepPng, pngPixels, proceduralAt } from './helpers/pngFrames.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-transitions-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const keep = keepPng
const pixels = pngPixels

const W = 320
const H = 180
const FPS = 24
const { run, base } = proceduralAt(tmp, { width: W, height: H, fps: FPS })

function meanAbsDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let s = 0
  for (let i = 0; i < a.length; i += 4) s += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2])
  return s / ((a.length / 4) * 3)
}
/** Pixels of Otto's teal shirt (#2a9d8f, shaded; nothing else in the dusk city is teal): count and mean x (0..1). */
function teal(px: Uint8ClampedArray): { n: number; x: number } {
  let n = 0
  let sx = 0
  for (let i = 0; i < px.length; i += 4) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]]
    if (g > r + 40 && b > r + 20) {
      n++
      sx += (i / 4) % W
    }
  }
  return { n, x: n ? sx / n / W : NaN }
}

describe('honest transitions in the procedural renderer', () => {
  const wide = base({ name: 'wide', frames: 24, shot: { startFrame: 0, framing: 'wide', camera: 'drift', transition: 'cut', characterIds: ['mika', 'otto'] }, characters: [mika, otto] })

  it('a match cut keeps the figures where they stood, closer, with no blend of the two framings', async () => {
    await run(wide)
    const match = (init?: string, name = 'match') =>
      base({
        name, frames: 12, initKeyframe: init, previousShot: wide.shot, characters: [mika, otto],
        shot: { startFrame: 24, index: 1, framing: 'medium', camera: 'push-in', transition: 'match', continuesPrevious: true },
      })
    const withInit = match(wide.out.lastFrame)
    const without = match(undefined, 'match-no-init')
    await Promise.all([run(withInit), run(without)])
    keep(wide.out.lastFrame, 'match-a-wide-last.png')
    keep(withInit.out.firstFrame, 'match-b-medium-first.png')
    const [prev, first, bare] = await Promise.all([pixels(wide.out.lastFrame), pixels(withInit.out.firstFrame), pixels(without.out.firstFrame)])
    // No blend: the previous frame leaves no trace in the first frame.
    expect(meanAbsDiff(first, bare)).toBe(0)
    expect(meanAbsDiff(first, prev)).toBeGreaterThan(8)
    // Same figures, same side of the frame, seen larger.
    const a = teal(prev)
    const b = teal(first)
    expect(a.n).toBeGreaterThan(20)
    expect(b.n).toBeGreaterThan(1.8 * a.n)
    expect(Math.sign(b.x - 0.5)).toBe(Math.sign(a.x - 0.5))
  })

  it('a continuous move starts on the previous shot\'s last frame and travels in', async () => {
    // Without beat hits: a hit on the join would flash and shake the picture as it would in one long shot.
    const calm = base({ name: 'calm', frames: 24, hits: false, shot: { startFrame: 0, framing: 'wide', camera: 'drift', transition: 'cut' }, characters: [mika, otto] })
    await run(calm)
    const cont = base({
      name: 'continuous', frames: 24, hits: false, initKeyframe: calm.out.lastFrame, previousShot: calm.shot, characters: [mika, otto],
      shot: { startFrame: 24, index: 1, framing: 'medium', camera: 'push-in', transition: 'continuous', continuesPrevious: true },
    })
    await run(cont)
    keep(cont.out.firstFrame, 'continuous-first.png')
    keep(cont.out.lastFrame, 'continuous-last.png')
    const [prev, first, last] = await Promise.all([pixels(calm.out.lastFrame), pixels(cont.out.firstFrame), pixels(cont.out.lastFrame)])
    // One frame of motion apart (camera drift, figures, grain), not a new picture.
    console.log('continuous join: mean abs diff', meanAbsDiff(first, prev).toFixed(2), 'vs end of move', meanAbsDiff(last, prev).toFixed(2))
    expect(meanAbsDiff(first, prev)).toBeLessThan(6)
    expect(meanAbsDiff(last, prev)).toBeGreaterThan(12)
    expect(teal(last).n).toBeGreaterThan(1.8 * teal(prev).n)
  })

  it('without a planned dissolve a continuing shot never blends, and a dissolve is full-frame and brief', async () => {
    const cut = base({ name: 'cut-init', frames: 6, initKeyframe: wide.out.lastFrame, shot: { startFrame: 24, continuesPrevious: true, framing: 'close', characterIds: ['mika'] }, characters: [mika] })
    const clean = base({ name: 'cut-clean', frames: 6, shot: { startFrame: 24, framing: 'close', characterIds: ['mika'] }, characters: [mika] })
    const dissolve = base({ name: 'dissolve', frames: 24, initKeyframe: wide.out.lastFrame, shot: { startFrame: 24, continuesPrevious: true, transition: 'dissolve', framing: 'close', characterIds: ['mika'] }, characters: [mika] })
    await Promise.all([run(cut), run(clean), run(dissolve)])
    const [prev, a, b, d0] = await Promise.all([pixels(wide.out.lastFrame), pixels(cut.out.firstFrame), pixels(clean.out.firstFrame), pixels(dissolve.out.firstFrame)])
    expect(meanAbsDiff(a, b)).toBe(0)
    expect(meanAbsDiff(d0, prev)).toBeLessThan(3)
    expect(meanAbsDiff(await pixels(dissolve.out.lastFrame), prev)).toBeGreaterThan(10)
  })
})
