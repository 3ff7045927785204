/**
 * The shapes the batch modules hand each other (zod: these are the types). A batch turns one
 * song and one brief into many ad variants: formats (size + safe zone), lengths (cut-downs chosen
 * and edited by the music), and texts laid out inside the safe zone.
 */
import { z } from 'zod'
import { FrameRate } from '../schemas/frameRate.js'

/** A rectangle in output pixels. */
export const Box = z.object({ x: z.number(), y: z.number(), width: z.number().nonnegative(), height: z.number().nonnegative() })
export type Box = z.infer<typeof Box>

/** A format resolved to pixels: what the variant is rendered at and where text may go. */
export const VariantFormat = z.object({
  /** The preset's name (`tiktok`, `9:16`, …) or `WxH` for an explicit size. */
  name: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The area every text must stay inside, in output pixels. */
  safe: Box,
  /** The platform's longest video, seconds (null: no limit). */
  maxSec: z.number().positive().nullable(),
})
export type VariantFormat = z.infer<typeof VariantFormat>

/** One stretch of the source song used by a cut-down, in output frames of the source timeline. */
export const Piece = z.object({
  /** Source frames [startFrame, endFrame) at the batch's fps. */
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  /** 1-based bar numbers of the source (bar 1 starts at the first downbeat) this piece covers. */
  bars: z.tuple([z.number().int(), z.number().int()]),
  /**
   * The downbeat times (seconds, unsnapped) the piece's whole bars run between: the audio is cut
   * here, so it stays on the beat although the frames are snapped (set by chooseCutdown).
   */
  startSec: z.number().nonnegative().optional(),
  endSec: z.number().positive().optional(),
})
export type Piece = z.infer<typeof Piece>

/** A cut-down: pieces of the song played one after another, joined at downbeats. */
export const Cutdown = z.object({
  /** The requested length, seconds (the output is round(lengthSec * fps) frames). */
  lengthSec: z.number().positive(),
  fps: FrameRate,
  totalFrames: z.number().int().positive(),
  pieces: z.array(Piece).min(1),
  /** Crossfade at each join between pieces, seconds (audio only; the picture cuts). */
  joinCrossfadeSec: z.number().nonnegative(),
  /** The audio fade at the end, seconds (the last bar, or what is left of it). */
  fadeOutSec: z.number().nonnegative(),
  /**
   * Frames at the end of the last piece past its last whole bar: the remainder of the length that
   * whole bars cannot fill, played on from the source under the fade (0 or absent: none).
   */
  ringFrames: z.number().int().nonnegative().optional(),
  /** Why this span: the sections it draws on and the score that chose it. */
  reason: z.string(),
})
export type Cutdown = z.infer<typeof Cutdown>

/** The texts of one variant after its data row filled the placeholders. */
export const TextStyle = z.object({
  color: z.string().default('#ffffff'),
  /** Box / card colour behind the text (brand colour). */
  background: z.string().optional(),
  /** Font size in px at the output size; default scales with the frame. */
  fontPx: z.number().positive().optional(),
})
export type TextStyle = z.infer<typeof TextStyle>

/** One text on screen, laid out: what, where (inside the safe zone) and when (output frames). */
export const TextItem = z.object({
  role: z.enum(['hook', 'cta', 'endcard', 'caption']),
  text: z.string(),
  /** Absolute path of a logo image (end card), already checked to lie in the brief's folder. */
  logo: z.string().optional(),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  /** Where the text (and logo, card) is drawn, output pixels: must lie inside format.safe. */
  box: Box,
  style: TextStyle,
  /** The text as laid out, one entry per line (word-wrapped at style.fontPx): what is drawn. */
  lines: z.array(z.string()).optional(),
  /** Drawn into the base render by the generator (a lyric caption), not laid over the variant. */
  inBase: z.boolean().optional(),
})
export type TextItem = z.infer<typeof TextItem>

/** One measured check of a variant (size, length, safe zone, loudness, …). */
export const VariantCheck = z.object({
  name: z.string(),
  passed: z.boolean(),
  /** What was measured, in words a marketer can read ("text box 12..300 x 40..80 inside safe zone"). */
  detail: z.string(),
})
export type VariantCheck = z.infer<typeof VariantCheck>

/** One variant in manifest.json. */
export const ManifestEntry = z.object({
  name: z.string(),
  status: z.enum(['ok', 'failed']),
  /** Set when status is failed: the error's message. */
  error: z.string().optional(),
  format: VariantFormat,
  fps: FrameRate,
  /** `full` or the requested seconds. */
  length: z.union([z.literal('full'), z.number().positive()]),
  totalFrames: z.number().int().nonnegative(),
  /** The song's bars used, as 1-based inclusive ranges in play order, and their source spans. */
  pieces: z.array(Piece),
  /** Relative to the batch folder: variants/<name>.mp4 (absent when failed). */
  file: z.string().optional(),
  sha256: z.string().optional(),
  /** Relative to the batch folder: variants/<name>.timeline, the edit as OTIO, FCPXML, EDL and MLT with its media. */
  timeline: z.string().optional(),
  /** The data-table row that filled the texts (column → value), if any. */
  row: z.record(z.string(), z.string()).optional(),
  texts: z.array(TextItem),
  loudness: z.object({ targetLufs: z.number().nullable(), measuredLufs: z.number().nullable() }),
  checks: z.array(VariantCheck),
  /**
   * The base this variant is cut from (`<WxH>[-captions]`) and, when its shots were drawn as
   * another format's base kept and verified them (no verification of their own), that base's key.
   */
  base: z.object({ key: z.string(), takesFrom: z.string().nullable() }).optional(),
  cost: z.object({ wallSec: z.number().nonnegative(), shotsGenerated: z.number().int().nonnegative(), shotsReused: z.number().int().nonnegative() }),
})
export type ManifestEntry = z.infer<typeof ManifestEntry>

export const Manifest = z.object({
  version: z.literal(1),
  song: z.string(),
  brief: z.string(),
  variantsFile: z.string(),
  /** Hash of the inputs: a rerun with the same inputs continues, other inputs start afresh. */
  inputsHash: z.string(),
  variants: z.array(ManifestEntry),
  total: z.object({ wallSec: z.number().nonnegative(), shotsGenerated: z.number().int().nonnegative(), shotsReused: z.number().int().nonnegative() }),
})
export type Manifest = z.infer<typeof Manifest>
