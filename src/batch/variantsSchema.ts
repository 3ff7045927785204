/**
 * What a variants file may say (YAML or JSON), as zod schemas. One entry may list several formats
 * and lengths: it stands for every combination (a campaign matrix in one line).
 */
import { z } from 'zod'

const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#1a2b3c"')

/** A variant's name is its file name: letters, digits, '.', '_' and '-'. */
export const VariantName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'a file-name-safe name: letters, digits, . _ - (at most 80)')

const TextObject = z
  .object({
    text: z.string().trim().min(1, 'a non-empty text').max(300, 'at most 300 characters'),
    color: Colour.optional(),
    background: Colour.optional(),
    fontPx: z.number().min(8).max(400).optional(),
  })
  .strict()
/** A text: a plain string or `{ text, color, background, fontPx }`. */
export const TextField = z.union([z.string().trim().min(1, 'a non-empty text').max(300, 'at most 300 characters'), TextObject])
export type TextField = z.infer<typeof TextField>

const EndCardObject = TextObject.extend({
  /** An image file relative to the brief's folder (and inside it). */
  logo: z.string().min(1).optional(),
})
export const EndCardField = z.union([TextField, EndCardObject.strict()])
export type EndCardField = z.infer<typeof EndCardField>

export const TextsSpec = z
  .object({
    hook: TextField.optional(),
    cta: TextField.optional(),
    endcard: EndCardField.optional(),
    /** Show the brief's timed lyrics as captions (default on when the brief has timed lyrics). */
    captions: z.boolean().optional(),
    /** Brand colours: the default text colour and card/box colour of every text. */
    brand: z.object({ color: Colour.optional(), background: Colour.optional() }).strict().optional(),
  })
  .strict()
export type TextsSpec = z.infer<typeof TextsSpec>

/** An explicit size, a preset name, or a preset with its own size. */
export const FormatField = z.union([
  z.string().min(1),
  z.object({ width: z.number().int(), height: z.number().int() }).strict(),
  z.object({ preset: z.string().min(1), width: z.number().int().optional(), height: z.number().int().optional() }).strict(),
])
export type FormatField = z.infer<typeof FormatField>

/** `full`, a number of seconds, or an explicit span of the song in seconds. */
export const LengthField = z.union([
  z.literal('full'),
  z.number().positive('a positive number of seconds'),
  z.object({ start: z.number().nonnegative(), end: z.number().positive() }).strict().refine((s) => s.end > s.start, 'end after start'),
])
export type LengthField = z.infer<typeof LengthField>

const VariantFields = {
  format: z.union([FormatField, z.array(FormatField).min(1).max(20)]),
  length: z.union([LengthField, z.array(LengthField).min(1).max(20)]).optional(),
  texts: TextsSpec.optional(),
  /** Integrated loudness target, LUFS (−14 for social, −23 for broadcast). */
  loudness: z.number().min(-40).max(-5).optional(),
  /** A CSV or JSON file of rows (relative to the variants file) whose columns fill {{placeholders}}. */
  data: z.string().min(1).optional(),
}

export const VariantEntry = z.object({ name: VariantName, ...VariantFields }).strict()
export type VariantEntry = z.infer<typeof VariantEntry>

export const VariantsFile = z
  .object({
    /** Applied to every variant (a variant's own fields win; texts merge field by field). */
    defaults: z.object(VariantFields).partial().strict().optional(),
    variants: z.array(z.unknown()).min(1, 'at least one variant').max(500, 'at most 500 entries'),
  })
  .strict()
