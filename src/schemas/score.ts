import { z } from 'zod'

/** A run of defective frames: [start, start + frames) in output frames. */
export const FrameRun = z.object({
  start: z.number().int().nonnegative(),
  frames: z.number().int().positive(),
})
export type FrameRun = z.infer<typeof FrameRun>

/** A sync metric beside its chance level: the same metric with the audio shifted off the beat grid. */
export const SyncFigure = z.object({
  score: z.number().min(0).max(1),
  /** Mean of the same metric with the audio shifted by each of `shiftsSec` (non-multiples of the beat period). */
  baseline: z.number().min(0).max(1),
  shiftsSec: z.array(z.number()),
})
export type SyncFigure = z.infer<typeof SyncFigure>

/** Identity consistency of one character or place across the shots it appears in. */
export const EntityConsistency = z.object({
  id: z.string(),
  kind: z.enum(['character', 'location']),
  shots: z.array(z.number().int().nonnegative()),
  /** Mean similarity of each shot's view to the entity's reference views, 0..1 (1: identical). */
  consistency: z.number().min(0).max(1),
  /** Lowest single-shot similarity, and which shot. */
  worst: z.object({ shot: z.number().int().nonnegative(), similarity: z.number().min(0).max(1) }).optional(),
  /** 'descriptor' (colour + structure) or 'embedding:<model>' (cosine of an ONNX image embedding). */
  method: z.string(),
})
export type EntityConsistency = z.infer<typeof EntityConsistency>

/** Scores of one shot (a span between two cuts: detected, or from the plan when one is given). */
export const ShotScore = z.object({
  index: z.number().int().nonnegative(),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  /** AV-Align within the shot's span (null when the span has no audio or no video peaks). */
  avAlign: z.number().min(0).max(1).nullable(),
  beatAlignment: z.number().min(0).max(1).nullable(),
  /** Mean optical-flow magnitude, pixels per frame at the analysis width. */
  motion: z.number().nonnegative(),
  /** Mean similarity of consecutive frames, 0..1. */
  temporalConsistency: z.number().min(0).max(1),
  /** Flicker index, 0 (none) upward; see metrics/temporal.ts. */
  flicker: z.number().nonnegative(),
  /** Whether the cut that opens the shot lands on a beat or downbeat (±1 frame); null for the first shot. */
  cutOnBeat: z.boolean().nullable(),
})
export type ShotScore = z.infer<typeof ShotScore>

/**
 * `longav score video song` (and every render): sync and consistency metrics measured from the
 * video's real frames and the song, written as score.json. Definitions live beside each metric in
 * src/metrics/.
 */
export const VideoScore = z.object({
  version: z.literal(1),
  video: z.object({
    path: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    fps: z.number().positive(),
    frames: z.number().int().nonnegative(),
    durationSec: z.number().nonnegative(),
    hasAudio: z.boolean(),
  }),
  song: z.object({ path: z.string(), durationSec: z.number().positive(), bpm: z.number().positive() }),
  /** Frame size the metrics ran at. */
  analysisSize: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  duration: z.object({
    /** Video duration minus song duration, seconds. */
    diffSec: z.number(),
    /** Within one frame of the song's length. */
    exact: z.boolean(),
  }),
  /**
   * Offset of the video's own audio track against the song, seconds (positive: the video's audio
   * is late). null when the video has no audio or the match is too weak to trust.
   */
  audioOffset: z.object({ seconds: z.number(), confidence: z.number().min(0).max(1) }).nullable(),
  avAlign: SyncFigure.extend({ audioPeaks: z.number().int().nonnegative(), videoPeaks: z.number().int().nonnegative() }),
  beatAlignment: SyncFigure,
  cuts: z.object({
    /** Frames where a new shot starts, found from the pictures (not from any plan). */
    frames: z.array(z.number().int().positive()),
    /** Share of cuts within ±1 frame of a beat or downbeat (null without cuts). */
    onBeatShare: z.number().min(0).max(1).nullable(),
    /** What a cut placed at random would score: ≈ 2·tolerance / beat period. */
    onBeatChance: z.number().min(0).max(1),
    /** Share of section boundaries (after the first section) that receive a cut within ±1 beat. */
    sectionsWithCut: z.number().min(0).max(1).nullable(),
  }),
  temporal: z.object({
    /** Mean similarity of consecutive frames within shots, 0..1. */
    consistency: z.number().min(0).max(1),
    flicker: z.number().nonnegative(),
    /** Frames where flicker was found (not at cuts). */
    flickerFrames: z.array(z.number().int().nonnegative()),
  }),
  frozenRuns: z.array(FrameRun),
  blackRuns: z.array(FrameRun),
  /** Mean optical-flow magnitude from frame i−1 to i (pixels/frame at the analysis size; index 0 is 0). */
  motion: z.object({ fps: z.number().positive(), values: z.array(z.number()) }),
  shots: z.array(ShotScore),
  identity: z.array(EntityConsistency),
})
export type VideoScore = z.infer<typeof VideoScore>
