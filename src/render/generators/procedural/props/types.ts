import type { Canvas, SKRSContext2D } from '@napi-rs/canvas'
import type { PropId } from '../../../../schemas/index.js'
import type { Rgb } from '../colour.js'
import type { Rng } from '../prng.js'
import type { FrameState } from '../stage.js'

/** Where a prop goes in a world: in the sky, on the horizon, on the water, on the ground, on the back wall, hanging from above, or swimming. */
export type Slot = 'sky' | 'far' | 'water' | 'ground' | 'wall' | 'ceiling' | 'swim'

/** A prop's box in world pixels: x is the centre, y the base (bottom), h the height. */
export interface Box {
  x: number
  y: number
  w: number
  h: number
  /** Hung on a wall (no post or legs). */
  wall?: boolean
}

/** Colours a prop is drawn with, already lit for the place's time of day. */
export interface PropColours {
  /** Dark structure (poles, frames, silhouettes). */
  ink: Rgb
  /** The place's main and second colour, lit. */
  main: Rgb
  accent: Rgb
  /** Warm practical light (lamps, windows, fire). */
  glow: Rgb
  /** The sun or moon's colour. */
  light: Rgb
  night: boolean
  /** 0..1 how lit the scene is. */
  amb: number
}

export interface PropDef {
  id: PropId
  slot: Slot
  /** Height as a fraction of the frame height, at the front of the ground. */
  h: number
  /** Width / height. */
  aspect: number
  /** How many are placed (a flock of gulls is one). */
  count: number
  /** Drawn entirely per frame (nothing to cache). */
  animOnly?: boolean
  /** For an insert: the top part of the box the camera frames (0..1 of the height; default all of it). */
  focus?: number
  /** How far above the base the still drawing reaches, in box heights (default 1.05). */
  reach?: number
  /** How far either side of the centre the still drawing reaches, in box widths (default 0.56). */
  spread?: number
  /** The still part, drawn once into a cached sprite. */
  draw(ctx: SKRSContext2D, b: Box, c: PropColours, rng: Rng): void
  /** Moves the whole sprite per frame: [dx, dy] in pixels and a rotation in radians about the base. */
  motion?(f: FrameState, b: Box, k: number): [number, number, number]
  /** The moving part, drawn every frame on top of the sprite (beams, flames, spinning parts). */
  anim?(ctx: SKRSContext2D, b: Box, c: PropColours, f: FrameState, k: number): void
}

/** A prop placed in a world: where, at which depth, and its cached sprite. */
export interface PlacedProp {
  id: PropId
  def: PropDef
  /** Index among the instances of the same prop (varies the motion). */
  k: number
  box: Box
  /** Parallax depth of the layer it is drawn in. */
  depth: number
  sprite?: { canvas: Canvas; x0: number; y0: number }
}
