/**
 * Insert shots: the camera close on one prop of the place, sharp, with the world behind it soft
 * (drawn small and scaled up). Used when a shot's kind is 'insert'; shot.prop names the prop.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import type { PropId } from '../../../schemas/index.js'
import type { SegmentRequest } from '../types.js'
import { mixSeed, mulberry32 } from './prng.js'
import { drawPlaced, propColours, propSprite, type PlacedProp } from './props/place.js'
import type { FrameState, Stage } from './stage.js'
import type { World } from './worlds/types.js'

/** The background is drawn at this fraction of the frame size, then scaled up: the soft focus. */
const BG_SCALE = 1 / 6

export interface InsertView {
  prop: PropId
  /** Frame fraction box of the prop on screen at rest (for checks and captions). */
  box: { x: number; y: number; w: number; h: number }
  /** Draws the whole picture (before grade, vignette and grain); u is the progress through the shot. */
  draw(ctx: SKRSContext2D, f: FrameState, u: number): void
}

/** The placed instance an insert shows: the named prop if the place holds it, else the first prop it holds. */
export function insertTarget(world: World, prop: string | undefined): PlacedProp | undefined {
  const placed = world.props ?? []
  return placed.find((p) => p.id === prop && p.k === 0) ?? placed.find((p) => p.k === 0)
}

export function createInsertView(req: SegmentRequest, stage: Stage, world: World): InsertView | undefined {
  const target = insertTarget(world, req.shot.prop)
  if (!target) return undefined
  const { width: W, height: H } = req
  const b = target.box
  // Large: the framed part fills about 60 % of the height, or 85 % of the width if it is wide.
  const fh = b.h * (target.def.focus ?? 1)
  const Z = Math.max(1.2, Math.min((0.6 * H) / fh, (0.85 * W) / b.w, 12))
  // The world point at the centre of the frame: the framed part's bottom sits at 85 % of the height,
  // moved where needed so the frame stays inside the painted world (props stand near its edges).
  const centre = (k: number): [number, number] => {
    const hw = W / (2 * k)
    const hh = H / (2 * k)
    const want: [number, number] = [b.x, b.y - b.h + fh - (0.35 * H) / Z]
    return [Math.min(Math.max(want[0], hw), stage.LW - hw), Math.min(Math.max(want[1], hh), stage.LH - hh)]
  }
  const [c1x, c1y] = centre(Z)
  const screenBox = { x: (b.x - c1x) * Z + W / 2, y: (b.y - c1y) * Z + H / 2, w: b.w * Z, h: b.h * Z }
  const colours = propColours(req.location, world.lighting)
  const sharp: PlacedProp = { ...target, box: screenBox, depth: 1 }
  if (!target.def.animOnly) sharp.sprite = propSprite(target.def, screenBox, colours, mulberry32(mixSeed(req.location.seed, target.id, target.k)))

  const layers = [...world.layers]
  const bgW = Math.max(2, Math.round(W * BG_SCALE))
  const bgH = Math.max(2, Math.round(H * BG_SCALE))
  const bg = createCanvas(bgW, bgH)
  const bctx = bg.getContext('2d')
  bctx.imageSmoothingEnabled = true
  bctx.imageSmoothingQuality = 'low'

  const draw = (ctx: SKRSContext2D, f: FrameState, u: number) => {
    // A slow push-in; far layers are magnified less than the prop (they are farther away).
    const push = 1 + 0.05 * u
    bctx.setTransform(1, 0, 0, 1, 0, 0)
    bctx.fillStyle = 'rgb(0,0,0)'
    bctx.fillRect(0, 0, bgW, bgH)
    for (const layer of layers) {
      const k = Math.max(1, Z * (0.6 + 0.4 * Math.min(1, layer.depth))) * push
      const [cx, cy] = centre(k)
      const kb = k * BG_SCALE
      bctx.setTransform(kb, 0, 0, kb, bgW / 2 - cx * kb, bgH / 2 - cy * kb)
      if (layer.image) bctx.drawImage(layer.image.canvas, 0, layer.image.y0)
      layer.draw?.(bctx, f)
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.drawImage(bg, 0, 0, W, H)
    ctx.fillStyle = 'rgba(0,0,0,0.12)'
    ctx.fillRect(0, 0, W, H)
    ctx.setTransform(push, 0, 0, push, (W / 2) * (1 - push), (H / 2) * (1 - push))
    drawPlaced(ctx, [sharp], colours, f)
    ctx.setTransform(1, 0, 0, 1, 0, 0)
  }
  return { prop: target.id, box: { x: (screenBox.x - screenBox.w / 2) / W, y: (screenBox.y - screenBox.h) / H, w: screenBox.w / W, h: screenBox.h / H }, draw }
}

/**
 * Turns the shot's world into the insert: one layer that paints the whole picture, drawn as the
 * foreground so it also covers the figures. Returns the view, or undefined when the place holds no
 * prop (the shot then shows the place as usual).
 */
export function showInsert(req: SegmentRequest, stage: Stage, world: World): InsertView | undefined {
  const view = createInsertView(req, stage, world)
  if (!view) return undefined
  const last = Math.max(1, req.frames - 1)
  world.layers = []
  world.foreground = [{ depth: 1, draw: (ctx, f) => view.draw(ctx, f, f.i / last) }]
  return view
}
