import { z } from 'zod'

/** A curve sampled at a fixed rate (the analysis hop rate unless stated). */
export const Curve = z.object({
  fps: z.number().positive(),
  values: z.array(z.number()),
})
export type Curve = z.infer<typeof Curve>

export const Section = z.object({
  index: z.number().int().nonnegative(),
  /** A, B, A', … or intro/verse/chorus/bridge/outro when the evidence supports it. */
  label: z.string(),
  start: z.number().nonnegative(),
  end: z.number().positive(),
  /** Mean loudness of the section normalised to the loudest section: 0..1. */
  energy: z.number().min(0).max(1),
})
export type Section = z.infer<typeof Section>

export const Analysis = z.object({
  version: z.literal(1),
  source: z.object({
    path: z.string(),
    sha256: z.string(),
    durationSec: z.number().positive(),
    /** Rate the analysis ran at (mono). */
    sampleRate: z.number().int().positive(),
  }),
  tempo: z.object({ bpm: z.number().positive(), confidence: z.number().min(0).max(1) }),
  /** Beats per bar. */
  meter: z.number().int().min(2).max(12),
  /** Beat times in seconds, increasing. */
  beats: z.array(z.number()),
  /** Downbeat times in seconds, a subset of `beats`. */
  downbeats: z.array(z.number()),
  /** Sections tile [0, durationSec]. */
  sections: z.array(Section),
  /** Feature curves at the analysis hop rate, each normalised to 0..1 except hue (0..360). */
  features: z.object({
    onset: Curve,
    rms: Curve,
    percussive: Curve,
    centroid: Curve,
    hue: Curve,
    vocal: Curve,
  }),
})
export type Analysis = z.infer<typeof Analysis>

/** What a generator gets for each output frame of a shot. */
export const FrameControl = z.object({
  /** Absolute output frame index. */
  frame: z.number().int().nonnegative(),
  loudness: z.number(),
  /** Strength of a percussive hit landing on this frame, 0 when none. */
  hit: z.number(),
  /** Harmonic colour as a hue in degrees. */
  hue: z.number(),
  brightness: z.number(),
  vocal: z.number(),
  sectionIndex: z.number().int(),
  /** 0..1 within the current beat and bar. */
  beatPhase: z.number(),
  barPhase: z.number(),
  /** True on the frame nearest a beat / downbeat. */
  onBeat: z.boolean(),
  onDownbeat: z.boolean(),
})
export type FrameControl = z.infer<typeof FrameControl>
