/**
 * The figures as a viewer sees them: single shots rendered by the real procedural renderer at a
 * small size, measured in pixels against the same shot without the figure (or with one thing changed).
 */
import { describe, expect, it } from 'vitest'
import { actionTrack, danceMove, figureLook } from '../src/render/generators/procedural/figure/index.js'
import type { CharacterCard, FrameControl } from '../src/schemas/index.js'
import { card, framesOf, shotRequest, songControls } from './helpers/figureShot.js'

const W = 320
const H = 180

interface Mask {
  on: Uint8Array
  count: number
  x0: number
  x1: number
  y0: number
  y1: number
  cx: number
}

/** Pixels that differ between two frames (sum of channel differences above `thr`). */
function diff(a: Uint8ClampedArray, b: Uint8ClampedArray, thr = 40): Mask {
  const on = new Uint8Array(W * H)
  let count = 0
  let x0 = W
  let x1 = -1
  let y0 = H
  let y1 = -1
  let sx = 0
  for (let p = 0; p < W * H; p++) {
    const d = Math.abs(a[p * 4] - b[p * 4]) + Math.abs(a[p * 4 + 1] - b[p * 4 + 1]) + Math.abs(a[p * 4 + 2] - b[p * 4 + 2])
    if (d > thr) {
      on[p] = 1
      count++
      const x = p % W
      const y = Math.floor(p / W)
      x0 = Math.min(x0, x)
      x1 = Math.max(x1, x)
      y0 = Math.min(y0, y)
      y1 = Math.max(y1, y)
      sx += x
    }
  }
  return { on, count, x0, x1, y0, y1, cx: count > 0 ? sx / count : NaN }
}

/** Hue (degrees), saturation and value of a pixel. */
function hsv(px: Uint8ClampedArray, p: number): [number, number, number] {
  const r = px[p * 4] / 255
  const g = px[p * 4 + 1] / 255
  const b = px[p * 4 + 2] / 255
  const mx = Math.max(r, g, b)
  const mn = Math.min(r, g, b)
  const d = mx - mn
  let h = 0
  if (d > 0) h = mx === r ? 60 * (((g - b) / d) % 6) : mx === g ? 60 * ((b - r) / d + 2) : 60 * ((r - g) / d + 4)
  return [(h + 360) % 360, mx > 0 ? d / mx : 0, mx]
}

/** The figure alone: the shot with it against the same shot without it. */
function figureMask(c: CharacterCard, shot: Parameters<typeof shotRequest>[1], i: number): { mask: Mask; px: Uint8ClampedArray } {
  const [withFig] = framesOf(shotRequest([c], shot, { width: W, height: H }), [i])
  const [empty] = framesOf(shotRequest([], shot, { width: W, height: H }), [i])
  return { mask: diff(withFig, empty), px: withFig }
}

const robot = card('Bolt', 'a small round silver robot with one cyan eye and an orange antenna')
const girl = card('Ana', 'a girl with long red hair, a green scarf, glasses and a guitar')

describe('figure pixels', () => {
  it("draws the robot's cyan eye inside its head and the orange antenna light above it", () => {
    const { mask, px } = figureMask(robot, { action: 'perform' }, 6)
    expect(mask.count).toBeGreaterThan(300)
    const headBottom = mask.y0 + (mask.y1 - mask.y0) * 0.4
    let cyanHead = 0
    let cyanElsewhere = 0
    let orangeTop = 0
    for (let p = 0; p < W * H; p++) {
      if (!mask.on[p]) continue
      const y = Math.floor(p / W)
      const [hue, s, v] = hsv(px, p)
      if (hue > 170 && hue < 205 && s > 0.45 && v > 0.45) y <= headBottom ? cyanHead++ : cyanElsewhere++
      if (hue > 12 && hue < 45 && s > 0.5 && v > 0.5 && y < mask.y0 + (mask.y1 - mask.y0) * 0.2) orangeTop++
    }
    expect(cyanHead).toBeGreaterThan(4)
    expect(cyanHead).toBeGreaterThan(cyanElsewhere)
    expect(orangeTop).toBeGreaterThan(2)
  })

  it("puts the guitar in front of the body (its pixels change the torso band when the guitar is taken away)", () => {
    const noGuitar: CharacterCard = { ...girl, shape: { ...girl.shape, instrument: undefined, accessory: 0 } }
    const [a] = framesOf(shotRequest([girl], { action: 'perform' }, { width: W, height: H }), [6])
    const [b] = framesOf(shotRequest([noGuitar], { action: 'perform' }, { width: W, height: H }), [6])
    const { mask } = figureMask(girl, { action: 'perform' }, 6)
    const g = diff(a, b)
    expect(g.count).toBeGreaterThan(60)
    // The guitar sits between the shoulders (its headstock) and the knees, over the figure's own column.
    const top = mask.y0 + (mask.y1 - mask.y0) * 0.2
    const bottom = mask.y0 + (mask.y1 - mask.y0) * 0.8
    expect(g.y0).toBeGreaterThanOrEqual(top - 2)
    expect(g.y1).toBeLessThanOrEqual(bottom + 2)
    expect(g.cx).toBeGreaterThan(mask.x0)
    expect(g.cx).toBeLessThan(mask.x1)
    expect(figureLook(girl).spec.instrument).toBe('guitar')
  })

  it('moves a walking figure across the shot and keeps it in frame', () => {
    for (const c of [girl, robot, card('Tom', 'an orange cat')]) {
      const first = figureMask(c, { action: 'walk' }, 0).mask
      const last = figureMask(c, { action: 'walk' }, 47).mask
      expect(Math.abs(last.cx - first.cx), c.name).toBeGreaterThan(W * 0.12)
      for (const m of [first, last]) {
        expect(m.x0).toBeGreaterThan(0)
        expect(m.x1).toBeLessThan(W - 1)
      }
    }
    // A performer stays where it stands.
    const a = figureMask(girl, { action: 'perform' }, 0).mask
    const b = figureMask(girl, { action: 'perform' }, 47).mask
    expect(Math.abs(a.cx - b.cx)).toBeLessThan(W * 0.04)
  })

  it('dances a different move in consecutive bars', () => {
    for (let bar = 1; bar < 64; bar++) expect(danceMove(girl.seed, bar)).not.toBe(danceMove(girl.seed, bar - 1))
    // Frames at the same beat of bars 0 and 1 (24 frames per bar): the pose differs.
    const [a, b] = framesOf(shotRequest([girl], { action: 'dance' }, { width: W, height: H }), [3, 27])
    const [ea, eb] = framesOf(shotRequest([], { action: 'dance' }, { width: W, height: H }), [3, 27])
    const ma = diff(a, ea)
    const mb = diff(b, eb)
    let xor = 0
    for (let p = 0; p < W * H; p++) xor += ma.on[p] ^ mb.on[p]
    expect(xor).toBeGreaterThan(Math.min(ma.count, mb.count) * 0.1)
  })

  it('strikes drums on percussive hits and strums on harmonic changes', () => {
    const controls = songControls(48)
    const t = actionTrack(controls, 48)
    const hits = controls.flatMap((c, i) => (c.hit > 0 ? [i] : []))
    for (const i of hits) expect(t.stick[i]).toBeGreaterThan(0.9)
    for (const i of hits) if (i + 3 < 48) expect(t.stick[i + 3]).toBeLessThan(0.5)
    const changes = controls.flatMap((c, i) => (i > 0 && c.hue !== controls[i - 1].hue ? [i] : []))
    expect(changes.length).toBeGreaterThan(2)
    for (const i of changes) expect(t.strum[i]).toBe(1)
    // The drummer's hands are elsewhere on a hit frame than half a beat later.
    const drummer = card('Jun', 'a drummer in a black hoodie')
    const { mask: hit } = figureMask(drummer, { action: 'play' }, 6)
    const { mask: off } = figureMask(drummer, { action: 'play' }, 9)
    let xor = 0
    for (let p = 0; p < W * H; p++) xor += hit.on[p] ^ off.on[p]
    expect(xor).toBeGreaterThan(20)
  })

  it("opens the performer's mouth on the vocal stream (only the face changes)", () => {
    const singer = card('Mo', 'a woman with short hair')
    const quiet: FrameControl[] = songControls(48).map((c) => ({ ...c, vocal: 0 }))
    const loud: FrameControl[] = songControls(48).map((c) => ({ ...c, vocal: 1 }))
    const reqQ = { ...shotRequest([singer], { action: 'perform', framing: 'close' }, { width: W, height: H }), controls: quiet }
    const reqL = { ...shotRequest([singer], { action: 'perform', framing: 'close' }, { width: W, height: H }), controls: loud }
    const [q] = framesOf(reqQ, [5])
    const [l] = framesOf(reqL, [5])
    const d = diff(q, l)
    expect(d.count).toBeGreaterThan(10)
    // Close-up: the head is the top part of the frame.
    expect(d.y1).toBeLessThan(H * 0.6)
  })

  it('draws every kind at wide, medium and close, larger with each framing', () => {
    const kinds = ['a woman', 'a robot', 'a cat', 'a dog', 'a fox', 'a bear', 'a rabbit', 'a bird', 'an owl', 'a blob', 'a ghost', 'a dragon']
    for (const d of kinds) {
      const c = card('K', d)
      const sizes = (['wide', 'medium', 'close'] as const).map((framing) => figureMask(c, { framing }, 4).mask.count)
      expect(sizes[0], d).toBeGreaterThan(30)
      expect(sizes[1], d).toBeGreaterThan(sizes[0])
      expect(sizes[2], d).toBeGreaterThan(sizes[1])
    }
  })
})
