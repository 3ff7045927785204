/** Puts a location's props into its world's layers: a slot per prop, spread by the seed, cached as sprites. */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import type { LocationCard, PropId } from '../../../../schemas/index.js'
import { hexToRgb, mix, scale } from '../colour.js'
import type { Lighting } from '../lighting.js'
import { mixSeed, mulberry32, range, type Rng } from '../prng.js'
import type { FrameState, Layer, Stage } from '../stage.js'
import type { World } from '../worlds/types.js'
import type { PlacedProp } from './types.js'
export type { PlacedProp } from './types.js'
import { PROP_DEFS } from './index.js'
import type { Box, PropColours, PropDef } from './types.js'

/** Colours for props in a place: its palette lit for the time of day. */
export function propColours(loc: LocationCard, L: Lighting): PropColours {
  const p = loc.palette.map(hexToRgb)
  const lit = 0.45 + 0.55 * L.ambient
  return {
    ink: scale(mix([42, 40, 48], p[0], 0.15), 0.5 + 0.5 * L.ambient),
    main: scale(mix(p[0], [200, 60, 50], 0.15), lit),
    accent: scale(p[1], lit),
    glow: [255, 206, 130],
    light: L.light,
    night: L.isNight,
    amb: L.ambient,
  }
}

/** Renders a prop's still part once into a sprite just big enough for it. */
export function propSprite(def: PropDef, box: Box, c: PropColours, rng: Rng): { canvas: Canvas; x0: number; y0: number } {
  // Tight: every transparent pixel is resampled on every frame under the camera's zoom.
  const side = box.w * (def.spread ?? 0.56) + 2
  const x0 = Math.floor(box.x - side)
  const y0 = Math.floor(box.y - box.h * (def.reach ?? 1.05) - 2)
  const canvas = createCanvas(Math.max(1, Math.ceil(2 * side) + 1), Math.max(1, Math.ceil(box.y + box.h * 0.05 - y0) + 2))
  const ctx = canvas.getContext('2d')
  ctx.translate(-x0, -y0)
  def.draw(ctx, box, c, rng)
  return { canvas, x0, y0 }
}

/** Draws placed props for one frame: the cached sprite moved by the prop's motion, then its moving part. */
export function drawPlaced(ctx: SKRSContext2D, props: PlacedProp[], c: PropColours, f: FrameState): void {
  for (const p of props) {
    const [dx, dy, rot] = p.def.motion?.(f, p.box, p.k) ?? [0, 0, 0]
    if (p.sprite) {
      if (rot !== 0) {
        ctx.save()
        ctx.translate(p.box.x + dx, p.box.y + dy)
        ctx.rotate(rot)
        ctx.drawImage(p.sprite.canvas, p.sprite.x0 - p.box.x, p.sprite.y0 - p.box.y)
        ctx.restore()
      } else {
        ctx.drawImage(p.sprite.canvas, p.sprite.x0 + dx, p.sprite.y0 + dy)
      }
    }
    if (p.def.anim) p.def.anim(ctx, dx || dy ? { ...p.box, x: p.box.x + dx, y: p.box.y + dy } : p.box, c, f, p.k)
  }
}

/** Spread n positions over [lo, hi] in equal cells, jittered inside each cell. */
function spread(rng: Rng, n: number, lo: number, hi: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i).sort(() => rng() - 0.5)
  return order.map((i) => lo + ((i + 0.2 + 0.6 * rng()) / n) * (hi - lo))
}

/** Ground positions at the sides of the frame: figures stand in the middle (0.27..0.73 of the width). */
function sideX(rng: Rng, j: number, n: number, leftFirst: boolean): number {
  const left = (j % 2 === 0) === leftFirst
  const perSide = Math.ceil(n / 2)
  const cell = Math.floor(j / 2)
  const u = (cell + 0.25 + 0.5 * rng()) / perSide
  return left ? 0.03 + u * 0.2 : 0.97 - u * 0.2
}

export function placeProps(s: Stage, loc: LocationCard, world: World): void {
  const ids = [...new Set(loc.shape.props ?? [])].filter((id) => PROP_DEFS[id] !== undefined)
  if (ids.length === 0) return
  const rng = mulberry32(mixSeed(loc.seed, 'props'))
  const c = propColours(loc, world.lighting)
  const back = Math.max(0.05, ...world.layers.filter((l) => l.image && l.depth < 1).map((l) => l.depth)) + 0.01
  const hasWall = world.slots?.wall !== undefined
  const wall = world.slots?.wall ?? [0.15, 0.45]
  const instances = ids.flatMap((id) => Array.from({ length: PROP_DEFS[id].count }, (_, k) => ({ id, def: PROP_DEFS[id], k })))
  const slotOf = (d: PropDef) => (d.slot === 'wall' && !hasWall ? 'ground' : d.slot)
  const placed: PlacedProp[] = []
  const bySlot = (slot: string) => instances.filter((x) => slotOf(x.def) === slot)

  const box = (d: PropDef, x: number, y: number, k = 1, wallMounted = false): Box => {
    const h = d.h * s.H * k
    return { x, y, w: h * d.aspect, h, ...(wallMounted ? { wall: true } : {}) }
  }
  for (const [slot, depth] of [['sky', 0.06], ['far', back], ['water', back], ['wall', back], ['ceiling', back], ['swim', back]] as const) {
    const xs = bySlot(slot)
    const pos = spread(rng, xs.length, 0.08, 0.92)
    xs.forEach((x, j) => {
      const d = x.def
      let b: Box
      if (slot === 'sky' && (d.id === 'moon' || d.id === 'sun')) {
        // The sky's own light body becomes the prop: one moon, one sun.
        const L = world.lighting.lightPos
        b = box(d, s.X(L.x), s.Y(L.y) + (d.h * s.H) / 2)
      } else if (slot === 'sky') b = box(d, s.X(pos[j]), s.Y(range(rng, 0.12, 0.3)))
      else if (slot === 'far') b = box(d, s.X(pos[j]), s.Y(world.horizon))
      else if (slot === 'water') b = box(d, s.X(pos[j]), s.Y((world.slots?.water ?? world.horizon + 0.06) + range(rng, -0.02, 0.05)), 0.8 + 0.4 * rng())
      else if (slot === 'wall') b = box(d, s.X(pos[j]), s.Y(wall[1]), 1, true)
      else if (slot === 'ceiling') b = box(d, s.X(pos[j]), s.Y(-0.02) + d.h * s.H)
      else b = box(d, s.X(pos[j]), s.Y(range(rng, 0.25, 0.62)), 0.8 + 0.4 * rng())
      placed.push({ ...x, box: b, depth })
    })
  }
  // Ground: nearer ones bigger and lower in the frame, drawn far to near, at the sides of the figures.
  const ground = bySlot('ground')
  const leftFirst = rng() < 0.5
  const near = ground.map((x, j) => ({ x, v: x.def.h >= 0.4 ? range(rng, 0.45, 0.8) : range(rng, 0.6, 1), j })).sort((a, b) => a.v - b.v)
  near.forEach(({ x, v }, j) => {
    const y = world.horizon + 0.03 + (world.groundY + 0.03 - world.horizon - 0.03) * v
    placed.push({ ...x, box: box(x.def, s.X(sideX(rng, j, near.length, leftFirst)), s.Y(y), 0.5 + 0.5 * v), depth: 1 })
  })
  for (const p of placed) if (!p.def.animOnly) p.sprite = propSprite(p.def, p.box, c, mulberry32(mixSeed(loc.seed, p.id, p.k)))

  const depths = [...new Set(placed.map((p) => p.depth))].sort((a, b) => a - b)
  for (const depth of depths) {
    const group = placed.filter((p) => p.depth === depth)
    const layer: Layer = { depth, draw: (ctx, f) => drawPlaced(ctx, group, c, f) }
    const at = world.layers.findIndex((l) => l.depth > depth)
    world.layers.splice(at < 0 ? world.layers.length : at, 0, layer)
  }
  world.props = placed
}
