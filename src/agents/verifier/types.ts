import { z } from 'zod'
import { Segment, Shot, CAMERA_MOVES } from '../../schemas/index.js'

export const FrameStatsSchema = z.object({
  frames: z.number().int().nonnegative(),
  longestBlackRun: z.number().nonnegative(),
  longestFrozenRun: z.number().nonnegative(),
  meanLuma: z.number(),
  meanFrameDiff: z.number(),
  maxLumaJump: z.number(),
})

export const VerifierThresholds = z.object({
  /** Overall score a shot needs to be accepted, 0..1. */
  minScore: z.number().min(0).max(1).default(0.6),
  /** Longest black run allowed, seconds. */
  maxBlackSec: z.number().nonnegative().default(0.5),
  /** Longest frozen run allowed, seconds. */
  maxFrozenSec: z.number().nonnegative().default(1.0),
})
export type VerifierThresholds = z.infer<typeof VerifierThresholds>

export const VerifierInput = z.object({
  shot: Shot,
  segment: Segment,
  stats: FrameStatsSchema,
  fps: z.number().positive(),
  thresholds: VerifierThresholds,
})
export type VerifierInput = z.infer<typeof VerifierInput>

/** What the verifier changes in a shot before regenerating it. */
export const ShotRevision = z.object({
  seed: z.number().int().nonnegative().optional(),
  camera: z.enum(CAMERA_MOVES).optional(),
  motionGain: z.number().min(0).max(1).optional(),
  prompt: z.string().optional(),
})
export type ShotRevision = z.infer<typeof ShotRevision>

export const Verdict = z.object({
  score: z.number().min(0).max(1),
  accepted: z.boolean(),
  /** One line per problem found; empty when the shot passed cleanly. */
  critique: z.string(),
  /** Per-check figures the score came from. */
  checks: z.object({
    exactDuration: z.boolean(),
    blackSec: z.number(),
    frozenSec: z.number(),
    meanLuma: z.number(),
    motion: z.number(),
  }),
  revision: ShotRevision.optional(),
})
export type Verdict = z.infer<typeof Verdict>

export interface Verifier {
  id: string
  verify(input: VerifierInput, ctx: { signal?: AbortSignal }): Promise<Verdict>
}
