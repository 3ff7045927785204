/** Frames of the places, measured: worlds differ and move with the music, props sit in their boxes, inserts show the prop large. */
import { createCanvas } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import { makeStage, type FrameState } from '../src/render/generators/procedural/stage.js'
import { buildWorld } from '../src/render/generators/procedural/worlds.js'
import { createInsertView } from '../src/render/generators/procedural/insert.js'
import { PROP_IDS, WORLDS, type FrameControl, type PropId, type World } from '../src/schemas/index.js'
import { changed, diffIn, frame, histogram, place, request, steady, type Pixels } from './helpers/places.js'

const W = 160
const H = 90

/** A world each prop suits. */
const HOME: Partial<Record<PropId, World>> = {
  fish: 'underwater', jellyfish: 'underwater', coral: 'underwater', bubbles: 'underwater',
  'drum-kit': 'club-stage', 'guitar-amp': 'club-stage', piano: 'studio', 'microphone-stand': 'studio', speakers: 'club-stage', spotlights: 'club-stage', 'disco-ball': 'club-stage',
  bookshelf: 'interior', lamp: 'interior', window: 'interior', plant: 'interior',
  boat: 'shoreline', lighthouse: 'shoreline', gulls: 'shoreline', 'palm-tree': 'shoreline', clouds: 'dunes', sun: 'dunes', moon: 'dunes',
  cactus: 'desert-road', 'road-sign': 'desert-road', snowman: 'snow', bridge: 'shoreline',
  tent: 'mountains', campfire: 'mountains', tree: 'mountains', windmill: 'mountains', 'telescope-dome': 'mountains', telescope: 'mountains', 'mountain-peak': 'shoreline',
}
const home = (id: PropId): World => HOME[id] ?? 'city-street'

/** Props whose moving part is light thrown beyond the prop (beams, glows, sparkles). */
const THROWS_LIGHT = new Set<PropId>(['lighthouse', 'spotlights', 'street-lamp', 'campfire', 'lamp', 'disco-ball', 'moon', 'sun'])

const still = (id: PropId | undefined, world: World, opts: { weather?: 'rain' } = {}) =>
  frame(request(place(world, { ...(id ? { props: [id] } : {}), ...opts }), { width: W, height: H, frames: 1, controls: steady(1) }), 0)

/** Union of a prop's placed boxes in frame fractions, grown by `grow` of each box's size. */
function propBoxes(id: PropId, world: World, grow: number): Array<{ x0: number; x1: number; y0: number; y1: number }> {
  const s = makeStage(W, H)
  const w = buildWorld(s, place(world, { props: [id] }))
  return (w.props ?? []).map(({ box: b }) => ({
    x0: (b.x - b.w / 2 - b.w * grow - s.ox) / W,
    x1: (b.x + b.w / 2 + b.w * grow - s.ox) / W,
    y0: (b.y - b.h * (1.15 + grow) - s.oy) / H,
    y1: (b.y + b.h * grow - s.oy) / H,
  }))
}

/** Share of the pixels changed between a and b that lie inside any of the boxes. */
function shareInside(a: Pixels, b: Pixels, boxes: ReturnType<typeof propBoxes>, t = 24): { inside: number; total: number } {
  let total = 0
  let inside = 0
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4
      const d = Math.max(Math.abs(a.data[i] - b.data[i]), Math.abs(a.data[i + 1] - b.data[i + 1]), Math.abs(a.data[i + 2] - b.data[i + 2]))
      if (d <= t) continue
      total++
      const fx = (x + 0.5) / a.width
      const fy = (y + 0.5) / a.height
      if (boxes.some((bx) => fx >= bx.x0 && fx <= bx.x1 && fy >= bx.y0 && fy <= bx.y1)) inside++
    }
  }
  return { inside: total > 0 ? inside / total : 0, total }
}

describe('worlds', () => {
  const frames = new Map(WORLDS.map((w) => [w, still(undefined, w)]))

  it('every world renders distinct from every other (colour histogram distance)', () => {
    let min = Infinity
    let pair = ''
    for (const a of WORLDS) {
      for (const b of WORLDS) {
        if (a >= b) continue
        const ha = histogram(frames.get(a)!)
        const hb = histogram(frames.get(b)!)
        const d = ha.reduce((s, v, i) => s + Math.abs(v - hb[i]), 0)
        if (d < min) [min, pair] = [d, `${a}/${b}`]
      }
    }
    expect(min, `closest pair ${pair}`).toBeGreaterThan(0.25)
  })

  it('every world has parallax layers and moving parts driven by the music', () => {
    const s = makeStage(W, H)
    const fc = (o: Partial<FrameControl>): FrameControl => ({ frame: 24, loudness: 0.5, hit: 0, hue: 200, brightness: 0.5, harmonic: 0.5, vocal: 0, sectionIndex: 0, beatPhase: 0.1, barPhase: 0.1, onBeat: false, onDownbeat: false, ...o })
    const quiet: FrameState = { i: 24, t: 2, fc: fc({}), hitEnv: 0, energy: 0.05, singing: false }
    const loud: FrameState = { i: 24, t: 2, fc: fc({ beatPhase: 0.6, barPhase: 0.6 }), hitEnv: 1, energy: 1, singing: false }
    const moves: Array<[World, number]> = []
    for (const w of WORLDS) {
      const world = buildWorld(s, place(w))
      expect(new Set(world.layers.map((l) => l.depth)).size, w).toBeGreaterThanOrEqual(2)
      const paint = (f: FrameState) => {
        const c = createCanvas(s.LW, s.LH)
        const ctx = c.getContext('2d')
        for (const l of [...world.layers, ...world.foreground]) {
          if (l.image) ctx.drawImage(l.image.canvas, 0, l.image.y0)
          l.draw?.(ctx, f)
        }
        return { data: ctx.getImageData(0, 0, s.LW, s.LH).data, width: s.LW, height: s.LH, canvas: c }
      }
      const d = diffIn(paint(quiet), paint(loud), { x0: 0, x1: 1, y0: 0, y1: 1 })
      moves.push([w, d])
    }
    const weakest = moves.reduce((a, b) => (b[1] < a[1] ? b : a))
    expect(weakest[1], moves.map(([w, d]) => `${w}:${d.toFixed(2)}`).join(' ')).toBeGreaterThan(0.25)
  })

  it('rain falls over any world as a weather layer', () => {
    const c = changed(still(undefined, 'forest'), still(undefined, 'forest', { weather: 'rain' }), 16)
    expect(c.share).toBeGreaterThan(0.005)
  })
})

describe('props', () => {
  it('each prop occupies its own region: with and without it, the frames differ inside its boxes', () => {
    const report: string[] = []
    for (const id of PROP_IDS) {
      const w = home(id)
      const { inside, total } = shareInside(still(undefined, w), still(id, w), propBoxes(id, w, id === 'spotlights' ? 6 : THROWS_LIGHT.has(id) ? 0.6 : 0.15))
      report.push(`${id}:${total}/${inside.toFixed(2)}`)
      expect(total, `${id} changes pixels`).toBeGreaterThan(8)
      expect(inside, `${id} stays in its box (${report.at(-1)})`).toBeGreaterThan(THROWS_LIGHT.has(id) ? 0.5 : 0.85)
    }
  })

  it('props leave the figures standing area mostly clear', () => {
    const many: PropId[] = ['street-lamp', 'car', 'bench', 'bicycle', 'traffic-light', 'billboard', 'crate', 'tree', 'plant']
    const bare = frame(request(place('city-street'), { width: W, height: H, frames: 1, controls: steady(1) }), 0)
    const full = frame(request(place('city-street', { props: many }), { width: W, height: H, frames: 1, controls: steady(1) }), 0)
    const c = shareInside(bare, full, [{ x0: 0.3, x1: 0.7, y0: 0.55, y1: 0.95 }])
    const area = 0.4 * 0.4 * W * H
    expect((c.inside * c.total) / area).toBeLessThan(0.15)
  })

  it('moving props move: lighthouse beam, boats, neon, disco ball, ferris wheel, windmill, fire, speakers, traffic light', () => {
    const movers: PropId[] = ['lighthouse', 'boat', 'neon-sign', 'disco-ball', 'ferris-wheel', 'windmill', 'campfire', 'speakers', 'traffic-light', 'fish', 'gulls']
    for (const id of movers) {
      // On a plain floor: on the stage (or street) what sweeps behind them moves more than their small parts.
      const w = id === 'speakers' || id === 'traffic-light' ? 'interior' : home(id)
      const boxes = propBoxes(id, w, 0.1)
      const motion = (props: PropId[]) => {
        const req = request(place(w, { props }), { width: W, height: H, frames: 24 })
        const a = frame(req, 1)
        const b = frame(req, 19)
        return boxes.reduce((s, bx) => s + diffIn(a, b, bx), 0)
      }
      expect(motion([id]), id).toBeGreaterThan(motion([]) + 1)
    }
  })
})

describe('inserts', () => {
  /** Mean absolute horizontal gradient inside and outside a box (frame fractions). */
  function sharpness(p: Pixels, box: { x: number; y: number; w: number; h: number }): { inside: number; outside: number } {
    let si = 0
    let ni = 0
    let so = 0
    let no = 0
    for (let y = 0; y < p.height; y++) {
      for (let x = 1; x < p.width; x++) {
        const i = (y * p.width + x) * 4
        const g = Math.abs(p.data[i] - p.data[i - 4]) + Math.abs(p.data[i + 1] - p.data[i - 3]) + Math.abs(p.data[i + 2] - p.data[i - 2])
        const fx = x / p.width
        const fy = y / p.height
        if (fx >= box.x && fx <= box.x + box.w && fy >= box.y && fy <= box.y + box.h) [si, ni] = [si + g, ni + 1]
        else [so, no] = [so + g, no + 1]
      }
    }
    return { inside: si / Math.max(1, ni), outside: so / Math.max(1, no) }
  }

  for (const id of ['boat', 'lighthouse', 'car', 'drum-kit', 'telescope-dome', 'arcade-cabinet', 'piano', 'cactus', 'bookshelf', 'snowman'] as PropId[]) {
    it(`an insert of the ${id} shows it large and sharp against a soft world`, () => {
      const loc = place(home(id), { props: [id] })
      const req = request(loc, { width: 320, height: 180, frames: 6, shot: { kind: 'insert', prop: id } })
      const s = makeStage(320, 180)
      const view = createInsertView(req, s, buildWorld(s, loc))!
      expect(view.prop).toBe(id)
      expect(Math.max(view.box.h, view.box.w / 0.85 * (180 / 320) * 0.6)).toBeGreaterThan(0.3)
      expect(Math.max(view.box.h, view.box.w)).toBeGreaterThan(0.5)
      const pic = frame(req, 2)
      const sh = sharpness(pic, view.box)
      expect(sh.inside, `${id}: ${sh.inside.toFixed(1)} vs ${sh.outside.toFixed(1)}`).toBeGreaterThan(1.5 * sh.outside)
      // And it is not the wide shot.
      const wide = frame(request(loc, { width: 320, height: 180, frames: 6 }), 2)
      expect(diffIn(pic, wide, { x0: 0, x1: 1, y0: 0, y1: 1 })).toBeGreaterThan(10)
    })
  }

  it('an insert of a prop the place does not hold shows one it holds; a place without props renders as usual', () => {
    const loc = place('shoreline', { props: ['boat'] })
    const s = makeStage(W, H)
    expect(createInsertView(request(loc, { width: W, height: H, shot: { kind: 'insert', prop: 'piano' } }), s, buildWorld(s, loc))!.prop).toBe('boat')
    const bare = place('shoreline')
    expect(createInsertView(request(bare, { width: W, height: H, shot: { kind: 'insert', prop: 'boat' } }), s, buildWorld(s, bare))).toBeUndefined()
    const a = frame(request(bare, { width: W, height: H, frames: 1, controls: steady(1), shot: { kind: 'insert', prop: 'boat' } }), 0)
    const b = frame(request(bare, { width: W, height: H, frames: 1, controls: steady(1) }), 0)
    expect(diffIn(a, b, { x0: 0, x1: 1, y0: 0, y1: 1 })).toBe(0)
  })
})
