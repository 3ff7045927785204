import { z } from 'zod'
import { VerifierThresholds } from './verifier.js'
import { FrameRate } from './frameRate.js'

/** Worlds the procedural renderer knows; other generators read the description instead. */
export const WORLDS = [
  'skyline',
  'dunes',
  'shoreline',
  'forest',
  'neon-grid',
  'interior',
  'starfield',
  'city-street',
  'mountains',
  'rain',
  'underwater',
  'club-stage',
  'studio',
  'desert-road',
  'snow',
] as const
export const World = z.enum(WORLDS)
export type World = z.infer<typeof World>

export const TIMES_OF_DAY = ['dawn', 'day', 'dusk', 'night'] as const
export const TimeOfDay = z.enum(TIMES_OF_DAY)
export type TimeOfDay = z.infer<typeof TimeOfDay>

/**
 * Length limits of the brief's text, in characters. Far above any real brief; they exist so a
 * pasted megabyte is refused with a message naming the field instead of slowing every step.
 */
export const TEXT_LIMITS = { name: 200, title: 500, text: 10_000, lyricLine: 10_000, lyricLines: 10_000, notes: 100_000, path: 1_000 } as const

/** A string of at most `max` characters; the message names the limit (the path names the field). */
const text = (max: number) => z.string().max(max, `at most ${max.toLocaleString('en-US')} characters`)

const HexColour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#1a2b3c"')

/** Section labels ("chorus") or indices (0-based) where an entity should appear. */
const SectionRefs = z.array(z.union([text(TEXT_LIMITS.name).min(1), z.number().int().nonnegative()]))

export const BriefCharacter = z.object({
  name: text(TEXT_LIMITS.name).min(1),
  description: text(TEXT_LIMITS.text).min(1),
  palette: z.array(HexColour).min(1).max(6).optional(),
  /** Names of locations this character belongs in. */
  locations: z.array(text(TEXT_LIMITS.name).min(1)).optional(),
  sections: SectionRefs.optional(),
})
export type BriefCharacter = z.infer<typeof BriefCharacter>

export const BriefLocation = z.object({
  name: text(TEXT_LIMITS.name).min(1),
  description: text(TEXT_LIMITS.text).min(1),
  world: World.optional(),
  timeOfDay: TimeOfDay.optional(),
  palette: z.array(HexColour).min(1).max(6).optional(),
  sections: SectionRefs.optional(),
})
export type BriefLocation = z.infer<typeof BriefLocation>

export const BriefAsset = z.object({
  /** Relative to the brief's folder; must stay inside it. */
  path: text(TEXT_LIMITS.path).min(1),
  tags: z.array(text(TEXT_LIMITS.name)).default([]),
})
export type BriefAsset = z.infer<typeof BriefAsset>

export const LyricLine = z.object({
  /** Seconds from the start of the song; absent for plain-text lyrics. */
  time: z.number().nonnegative().optional(),
  text: text(TEXT_LIMITS.lyricLine),
})
export type LyricLine = z.infer<typeof LyricLine>

export const OutputFormat = z.object({
  width: z.number().int().min(64).max(7680).refine((v) => v % 2 === 0, 'an even number'),
  height: z.number().int().min(64).max(4320).refine((v) => v % 2 === 0, 'an even number'),
  fps: FrameRate,
  /** Draw the lyric captions into the picture (default true; a batch draws its own text layer). */
  captions: z.boolean().optional(),
  /** Keep a caption-free still of each caption line's first full frame (a batch's base renders: its text check's reference). */
  bareStills: z.boolean().optional(),
  /**
   * A preview (`render --draft`): DRAFT_OUTPUT's size and rate unless given, one take per shot,
   * x264 ultrafast, no timeline export unless asked; its shots have their own store keys.
   */
  draft: z.boolean().optional(),
})
export type OutputFormat = z.infer<typeof OutputFormat>

/** How captions look: `captionStyle` in the brief's front matter; every key optional. */
export const CAPTION_WEIGHTS = ['normal', 'bold'] as const
export const CAPTION_POSITIONS = ['bottom', 'top', 'center'] as const
/** none: outlined text; box: a dark box behind the text; band: a dark band across the frame. */
export const CAPTION_BOXES = ['none', 'box', 'band'] as const
export const CAPTION_SIZE = { min: 0.5, max: 2 } as const
export const CaptionStyle = z
  .object({
    weight: z.enum(CAPTION_WEIGHTS).default('bold'),
    position: z.enum(CAPTION_POSITIONS).default('bottom'),
    box: z.enum(CAPTION_BOXES).default('none'),
    /** Scale of the text against the default size (1). */
    size: z.number().min(CAPTION_SIZE.min).max(CAPTION_SIZE.max).default(1),
  })
  .strict()
export type CaptionStyle = z.infer<typeof CaptionStyle>
export const DEFAULT_CAPTION_STYLE: CaptionStyle = { weight: 'bold', position: 'bottom', box: 'none', size: 1 }

export const DEFAULT_OUTPUT: OutputFormat = { width: 1280, height: 720, fps: 30 }

/** A draft's long side (px) and frame rate: the brief's shape at 480 px (1280x720 → 480x270), 12 fps. */
export const DRAFT_OUTPUT = { longSide: 480, fps: 12 } as const

/** Segment generators a render can use. */
export const GENERATOR_NAMES = ['procedural', 'footage', 'onnx', 'comfyui'] as const
export const GeneratorName = z.enum(GENERATOR_NAMES)
export type GeneratorName = z.infer<typeof GeneratorName>

/** A folder name under models/ (no path: it never leaves the models folder). */
const ModelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a folder name under models/ (letters, digits, . _ -)')

/** Settings of the ONNX diffusion generator (models/<model>/). */
export const OnnxSettings = z
  .object({
    model: ModelName.optional(),
    steps: z.number().int().min(1).max(150).optional(),
    guidance: z.number().min(0).max(30).optional(),
    /** Image-to-image strength between frames (Deforum's strength schedule base). */
    strength: z.number().min(0).max(1).optional(),
    /** Diffuse every N-th frame; warp only in between. */
    cadence: z.number().int().min(1).max(16).optional(),
  })
  .strict()
export type OnnxSettings = z.infer<typeof OnnxSettings>

/** Settings of the ComfyUI generator. */
export const ComfyuiSettings = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL like http://127.0.0.1:8188' }).optional(),
    workflow: ModelName.optional(),
    /** An audio-driven workflow (ltx2-a2v, wan22-s2v) for singing shots, heard with the vocal stream. */
    singingWorkflow: ModelName.optional(),
    /** Most chained runs per shot: a long take past one run of the workflow (default 1). */
    maxRuns: z.number().int().min(1).max(16).optional(),
  })
  .strict()
export type ComfyuiSettings = z.infer<typeof ComfyuiSettings>

/** Shots that use another generator than the brief's: by section (label or index), time span or shot index. */
export const ShotGenerator = z
  .object({
    generator: GeneratorName,
    sections: SectionRefs.optional(),
    /** Seconds: shots that start in [from, to). */
    from: z.number().nonnegative().optional(),
    to: z.number().positive().optional(),
    /** Shot indices of the plan (0-based). */
    shots: z.array(z.number().int().nonnegative()).optional(),
  })
  .strict()
  .refine((o) => o.sections !== undefined || o.from !== undefined || o.to !== undefined || o.shots !== undefined, 'say which shots: sections, from/to (seconds) or shots (indices)')
  .refine((o) => o.from === undefined || o.to === undefined || o.to > o.from, 'to must be after from')
export type ShotGenerator = z.infer<typeof ShotGenerator>

/** A validated brief: front matter plus the Markdown body as creative notes. */
export const Brief = z.object({
  title: text(TEXT_LIMITS.title).min(1),
  artist: text(TEXT_LIMITS.title).optional(),
  concept: text(TEXT_LIMITS.text).min(1),
  style: text(TEXT_LIMITS.text).optional(),
  characters: z.array(BriefCharacter).default([]),
  locations: z.array(BriefLocation).default([]),
  /** Parsed lyric lines (from LRC or plain text in the front matter's `lyrics`). */
  lyrics: z.array(LyricLine).max(TEXT_LIMITS.lyricLines).default([]),
  assets: z.array(BriefAsset).default([]),
  output: OutputFormat,
  /** How captions look (weight, position, box, size); absent: bold outlined text at the bottom. */
  captionStyle: CaptionStyle.optional(),
  /** Verifier thresholds for this video (any subset; the rest keep their defaults). */
  verifier: VerifierThresholds.partial().strict().optional(),
  /** The generator for every shot (default procedural; the --generator flag wins). */
  generator: GeneratorName.optional(),
  onnx: OnnxSettings.optional(),
  comfyui: ComfyuiSettings.optional(),
  /** Per-shot overrides of the generator; the first that matches a shot wins. */
  shots: z.array(ShotGenerator).default([]),
  notes: text(TEXT_LIMITS.notes).default(''),
  /** Absolute folder of brief.md: asset paths resolve against it. */
  baseDir: z.string(),
})
export type Brief = z.infer<typeof Brief>
