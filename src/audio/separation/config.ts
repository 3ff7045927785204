import { z } from 'zod'

/**
 * `models/separation/<name>/separation.json`: how to feed `model.onnx` and read its stems.
 * The model takes float32 `[1, channels, chunkSamples]` (waveform at `sampleRate`) under
 * `inputName` and returns float32 `[1, stems.length, channels, chunkSamples]` under `outputName`
 * (Demucs/HTDemucs-style waveform in, waveform stems out).
 */
export const SeparationConfig = z
  .object({
    sampleRate: z.number().int().min(8000).max(192000),
    channels: z.number().int().min(1).max(8),
    /** Samples per channel in one model call (the model's fixed time length, e.g. 343980 for HTDemucs). */
    chunkSamples: z.number().int().min(64),
    /** Samples shared by consecutive chunks, cross-faded linearly; less than half a chunk. */
    overlapSamples: z.number().int().min(0),
    inputName: z.string().min(1),
    outputName: z.string().min(1),
    /** Stem order along the output's second axis; must name `vocals`. `drums` drives hits; the rest is the harmonic bed. */
    stems: z
      .array(z.string().min(1))
      .min(1)
      .refine((s) => s.includes('vocals'), { message: 'must include "vocals"' })
      .refine((s) => new Set(s).size === s.length, { message: 'stem names must be unique' }),
    inputDomain: z.literal('waveform'),
  })
  .strict()
  .refine((c) => c.overlapSamples * 2 < c.chunkSamples, { message: 'overlapSamples must be less than half of chunkSamples', path: ['overlapSamples'] })
export type SeparationConfig = z.infer<typeof SeparationConfig>
