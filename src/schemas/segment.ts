import { z } from 'zod'

/** A generated shot on disk. Paths are absolute. */
export const Segment = z.object({
  shotIndex: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  generator: z.string(),
  path: z.string(),
  frames: z.number().int().positive(),
  firstFrame: z.string(),
  lastFrame: z.string(),
  /** A representative frame (middle of the shot) for storyboards and reference keyframes. */
  keyFrame: z.string(),
})
export type Segment = z.infer<typeof Segment>

export const SegmentScore = z.object({
  shotIndex: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  /** Decoded frame count equals the planned count. */
  exactDuration: z.boolean(),
  decodedFrames: z.number().int().nonnegative(),
  /** Longest run of black frames, in frames. */
  blackFrames: z.number().nonnegative(),
  /** Longest run of frozen frames, in frames. */
  frozenFrames: z.number().nonnegative(),
  /** Mean luma 0..1. */
  meanLuma: z.number(),
  score: z.number().min(0).max(1),
  accepted: z.boolean(),
  critique: z.string(),
})
export type SegmentScore = z.infer<typeof SegmentScore>
