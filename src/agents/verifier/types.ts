import { z } from 'zod'
import { Segment, Shot, CAMERA_MOVES, VerifierThresholds } from '../../schemas/index.js'

const FrameRunSchema = z.object({ start: z.number().int().nonnegative(), frames: z.number().int().positive() })

export const FrameStatsSchema = z.object({
  frames: z.number().int().nonnegative(),
  longestBlackRun: z.number().nonnegative(),
  longestFrozenRun: z.number().nonnegative(),
  meanLuma: z.number(),
  meanFrameDiff: z.number(),
  maxLumaJump: z.number(),
  blackRuns: z.array(FrameRunSchema).optional(),
  frozenRuns: z.array(FrameRunSchema).optional(),
})

/** What the metrics measured on one segment's real frames, against the song's span it covers. */
export const SegmentMetrics = z.object({
  stats: FrameStatsSchema,
  /** Mean optical-flow magnitude, px/frame at the metric width. */
  motion: z.number().nonnegative(),
  /** AV-Align of the segment's motion peaks against the song's onset peaks in its span (null: nothing to match). */
  avAlign: z.number().min(0).max(1).nullable(),
  avAlignBaseline: z.number().min(0).max(1).nullable(),
  /** Onset peaks of the song inside the segment's span. */
  audioPeaks: z.number().int().nonnegative(),
  /** Beat alignment of the segment's motion beats against the song's beats in its span. */
  beatAlignment: z.number().min(0).max(1).nullable(),
  beatAlignmentBaseline: z.number().min(0).max(1).nullable(),
  /** Beats of the song inside the segment's span. */
  beats: z.number().int().nonnegative(),
  temporalConsistency: z.number().min(0).max(1),
  flicker: z.number().nonnegative(),
  /** Cuts found inside the segment (a shot has none of its own). */
  unplannedCuts: z.array(z.number().int().nonnegative()),
  /** Similarity of the segment's view to each entity's reference keyframes, where it has some. */
  identity: z.array(z.object({ id: z.string(), kind: z.enum(['character', 'location']), similarity: z.number().min(0).max(1), method: z.string() })),
  /** The sharpest, stillest frame: the candidate reference keyframe. */
  bestFrame: z.number().int().nonnegative(),
})
export type SegmentMetrics = z.infer<typeof SegmentMetrics>

export { VerifierThresholds } from '../../schemas/index.js'

export const VerifierInput = z.object({
  shot: Shot,
  segment: Segment,
  metrics: SegmentMetrics,
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
  /** Per-check figures the score came from (null: not applicable to this shot). */
  checks: z.record(z.string(), z.union([z.number(), z.boolean(), z.null()])),
  /** Which checks failed, by name. */
  failed: z.array(z.string()).default([]),
  revision: ShotRevision.optional(),
  /** The segment's best frame as a PNG: promoted to the entities' reference keyframes when the shot is kept. */
  referenceFrame: z.string().optional(),
})
export type Verdict = z.infer<typeof Verdict>

export interface Verifier {
  id: string
  verify(input: VerifierInput, ctx: { signal?: AbortSignal }): Promise<Verdict>
}
