import type { LocationCard } from '../../../../schemas/index.js'
import type { Rgb } from '../colour.js'
import type { Lighting } from '../lighting.js'
import type { Rng } from '../prng.js'
import type { PlacedProp } from '../props/types.js'
import type { Layer, Stage } from '../stage.js'

/** A location made into parallax layers; the layout depends only on the location card. */
export interface World {
  /** Back to front, drawn before the figures. */
  layers: Layer[]
  /** Drawn over the figures (foreground framing). */
  foreground: Layer[]
  /** Frame fraction where figures' feet stand at rest. */
  groundY: number
  /** Frame fraction of the horizon (or where the back wall meets the floor): far props stand on it. */
  horizon: number
  lighting: Lighting
  /** Where the light glows from (frame fractions), pulsed by loudness. */
  glow: { x: number; y: number; colour: Rgb; radius: number }
  /** Where props of each slot go, when the world differs from the defaults (frame fractions). */
  slots?: { water?: number; wall?: [number, number] }
  /** The props placed in the layers (for inserts: where each one stands). */
  props?: PlacedProp[]
}

export type Painter = (s: Stage, loc: LocationCard, L: Lighting, rng: Rng) => Omit<World, 'lighting'>
