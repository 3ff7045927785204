import { z } from 'zod'
import { VerifierThresholds } from './verifier.js'

/** Worlds the procedural renderer knows; other generators read the description instead. */
export const WORLDS = [
  'skyline',
  'dunes',
  'shoreline',
  'forest',
  'neon-grid',
  'interior',
  'starfield',
] as const
export const World = z.enum(WORLDS)
export type World = z.infer<typeof World>

export const TIMES_OF_DAY = ['dawn', 'day', 'dusk', 'night'] as const
export const TimeOfDay = z.enum(TIMES_OF_DAY)
export type TimeOfDay = z.infer<typeof TimeOfDay>

const HexColour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#1a2b3c"')

/** Section labels ("chorus") or indices (0-based) where an entity should appear. */
const SectionRefs = z.array(z.union([z.string().min(1), z.number().int().nonnegative()]))

export const BriefCharacter = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  palette: z.array(HexColour).min(1).max(6).optional(),
  /** Names of locations this character belongs in. */
  locations: z.array(z.string().min(1)).optional(),
  sections: SectionRefs.optional(),
})
export type BriefCharacter = z.infer<typeof BriefCharacter>

export const BriefLocation = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  world: World.optional(),
  timeOfDay: TimeOfDay.optional(),
  palette: z.array(HexColour).min(1).max(6).optional(),
  sections: SectionRefs.optional(),
})
export type BriefLocation = z.infer<typeof BriefLocation>

export const BriefAsset = z.object({
  /** Relative to the brief's folder; must stay inside it. */
  path: z.string().min(1),
  tags: z.array(z.string()).default([]),
})
export type BriefAsset = z.infer<typeof BriefAsset>

export const LyricLine = z.object({
  /** Seconds from the start of the song; absent for plain-text lyrics. */
  time: z.number().nonnegative().optional(),
  text: z.string(),
})
export type LyricLine = z.infer<typeof LyricLine>

export const OutputFormat = z.object({
  width: z.number().int().min(64).max(7680).refine((v) => v % 2 === 0, 'an even number'),
  height: z.number().int().min(64).max(4320).refine((v) => v % 2 === 0, 'an even number'),
  fps: z.number().int().min(1).max(120),
})
export type OutputFormat = z.infer<typeof OutputFormat>

export const DEFAULT_OUTPUT: OutputFormat = { width: 1280, height: 720, fps: 30 }

/** A validated brief: front matter plus the Markdown body as creative notes. */
export const Brief = z.object({
  title: z.string().min(1),
  artist: z.string().optional(),
  concept: z.string().min(1),
  style: z.string().optional(),
  characters: z.array(BriefCharacter).default([]),
  locations: z.array(BriefLocation).default([]),
  /** Parsed lyric lines (from LRC or plain text in the front matter's `lyrics`). */
  lyrics: z.array(LyricLine).default([]),
  assets: z.array(BriefAsset).default([]),
  output: OutputFormat,
  /** Verifier thresholds for this video (any subset; the rest keep their defaults). */
  verifier: VerifierThresholds.partial().strict().optional(),
  notes: z.string().default(''),
  /** Absolute folder of brief.md: asset paths resolve against it. */
  baseDir: z.string(),
})
export type Brief = z.infer<typeof Brief>
