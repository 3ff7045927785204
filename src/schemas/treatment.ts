import { z } from 'zod'
import { TimeOfDay, World } from './brief.js'
import { FigureFields } from './figure.js'

const Hex = z.string().regex(/^#[0-9a-fA-F]{6}$/)

/** Stylised figure parameters: what makes a character recognisable in every shot. */
export const CharacterShape = z.object({
  /** Body height relative to frame height. */
  height: z.number().min(0.2).max(0.9),
  /** Shoulder width relative to height. */
  build: z.number().min(0.15).max(0.5),
  headSize: z.number().min(0.1).max(0.3),
  /** Hair silhouette: 0 none, 1 short, 2 long, 3 curly, 4 ponytail, 5 spiky. */
  hair: z.number().int().min(0).max(5),
  /** Index of an accessory: 0 none, 1 hat, 2 scarf, 3 glasses, 4 headphones, 5 guitar. */
  accessory: z.number().int().min(0).max(5),
  /** Outfit pattern: 0 plain, 1 stripes, 2 jacket, 3 dress. */
  outfit: z.number().int().min(0).max(3),
  /**
   * The vocabulary fields (schemas/figure.ts): kind, species, robot body/eyes/antenna, hair style,
   * wear, instrument, part colours. Optional, so treatments written before them still parse; the
   * old indices above stay set to the nearest equivalent for readers that only know them.
   */
  ...FigureFields,
})
export type CharacterShape = z.infer<typeof CharacterShape>

/** Props a place can hold, drawn by the procedural renderer (src/render/generators/procedural/props/). */
export const PROP_IDS = [
  'moon', 'sun', 'clouds', 'gulls',
  'lighthouse', 'mountain-peak', 'windmill', 'ferris-wheel', 'bridge', 'telescope-dome', 'boat',
  'street-lamp', 'car', 'bench', 'bicycle', 'traffic-light', 'billboard', 'road-sign', 'neon-sign', 'arcade-cabinet', 'crate',
  'tree', 'palm-tree', 'tent', 'campfire', 'cactus', 'plant', 'snowman', 'telescope',
  'drum-kit', 'guitar-amp', 'piano', 'microphone-stand', 'speakers', 'spotlights', 'disco-ball', 'bookshelf', 'lamp', 'window',
  'fish', 'jellyfish', 'coral', 'bubbles',
] as const
export const PropId = z.enum(PROP_IDS)
export type PropId = z.infer<typeof PropId>

export const WEATHERS = ['rain', 'snow'] as const
export const Weather = z.enum(WEATHERS)
export type Weather = z.infer<typeof Weather>

export const LocationShape = z.object({
  world: World,
  timeOfDay: TimeOfDay,
  /** Density of the world's elements (buildings, trees, stars…): 0..1. */
  density: z.number().min(0).max(1),
  /** Props the place holds, drawn in the world's layers (absent = none). */
  props: z.array(PropId).optional(),
  /** Rain or snow falling over any world (absent = the world's own weather). */
  weather: Weather.optional(),
})
export type LocationShape = z.infer<typeof LocationShape>

const CardBase = z.object({
  /** Stable slug, unique across characters and locations. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string(),
  description: z.string(),
  /** 2–6 colours, most characteristic first. */
  palette: z.array(Hex).min(2).max(6),
  seed: z.number().int().nonnegative(),
  /** Vocabulary ids the built-in renderer draws for this entity (e.g. "robot", "eye:cyan", "lighthouse"). */
  features: z.array(z.string()).optional(),
  /** What the description asks for that the built-in renderer does not draw: listed, never dropped silently. */
  notDrawn: z.array(z.string()).optional(),
})

export const CharacterCard = CardBase.extend({ kind: z.literal('character'), shape: CharacterShape })
export const LocationCard = CardBase.extend({ kind: z.literal('location'), shape: LocationShape })
export const IdentityCard = z.discriminatedUnion('kind', [CharacterCard, LocationCard])
export type CharacterCard = z.infer<typeof CharacterCard>
export type LocationCard = z.infer<typeof LocationCard>
export type IdentityCard = z.infer<typeof IdentityCard>

export const StyleBible = z.object({
  look: z.string(),
  palette: z.array(Hex).min(2).max(8),
  /** Film grain / vignette strength the renderer applies, 0..1. */
  grain: z.number().min(0).max(1),
  vignette: z.number().min(0).max(1),
  captionFont: z.string(),
})
export type StyleBible = z.infer<typeof StyleBible>

export const SectionMood = z.object({
  sectionIndex: z.number().int().nonnegative(),
  label: z.string(),
  mood: z.string(),
  colour: Hex,
  /** 0..1: drives light and motion. */
  intensity: z.number().min(0).max(1),
  locationId: z.string(),
  characterIds: z.array(z.string()),
})
export type SectionMood = z.infer<typeof SectionMood>

export const Treatment = z.object({
  title: z.string(),
  logline: z.string(),
  styleBible: StyleBible,
  entities: z.array(IdentityCard).min(1),
  sectionMoods: z.array(SectionMood).min(1),
  /** Who wrote it: "heuristic" or a model id. */
  author: z.string(),
})
export type Treatment = z.infer<typeof Treatment>
