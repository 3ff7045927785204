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
  /**
   * How sure the analysis is of the boundary at `start`, 0..1: the novelty peak's strength and
   * the confidence of the downbeat it sits on (1 for the first section, which starts the song).
   */
  confidence: z.number().min(0).max(1),
})
export type Section = z.infer<typeof Section>

const Confidence = z.number().min(0).max(1)

/**
 * A beat, downbeat or boundary confidence at or above this is one to rely on: the planner cuts on
 * such downbeats first, and the analysis plot draws less certain downbeats short.
 */
export const SURE_CONFIDENCE = 0.5

const AnalysisObject = z.object({
  version: z.literal(1),
  source: z.object({
    path: z.string(),
    sha256: z.string(),
    durationSec: z.number().positive(),
    /** Rate the analysis ran at (mono). */
    sampleRate: z.number().int().positive(),
  }),
  tempo: z.object({
    /** The song's main tempo (median of the local tempo where beats were found). */
    bpm: z.number().positive(),
    confidence: z.number().min(0).max(1),
    /** Slowest and fastest local tempo (over ~8 s windows); equal to bpm when steady. */
    min: z.number().positive(),
    max: z.number().positive(),
    /** True when the tempo drifts or changes by more than ~4 % across the song. */
    varying: z.boolean(),
  }),
  /** Beats per bar. */
  meter: z.number().int().min(2).max(12),
  /** Beat times in seconds, increasing. */
  beats: z.array(z.number()),
  /** How sure the tracker is of each beat, 0..1 (same length as `beats`). */
  beatConfidence: z.array(Confidence),
  /** Downbeat times in seconds, a subset of `beats`. */
  downbeats: z.array(z.number()),
  /** How sure the tracker is of each downbeat (beat and bar phase), 0..1 (same length as `downbeats`). */
  downbeatConfidence: z.array(Confidence),
  /** Which tracker found beats, downbeats and meter. */
  tracker: z.object({
    /** 'dsp': onset-envelope dynamic programming; 'learned': model activations decoded by src/audio/grid. */
    method: z.enum(['dsp', 'learned']),
    /** The tracker's variant or the model's name, and what the decoder chose. */
    detail: z.string(),
  }),
  /** Spans (seconds) with no steady pulse, e.g. a rubato intro: no beats are reported inside them. */
  beatless: z.array(z.object({ start: z.number().nonnegative(), end: z.number().positive() })),
  /** Sections tile [0, durationSec]. */
  sections: z.array(Section),
  /** How the harmonic / percussive / vocal streams were separated. */
  streams: z.object({
    /** 'dsp': median-filter HPSS + a weight-free vocal estimate; 'onnx': a model from models/separation/. */
    method: z.enum(['dsp', 'onnx']),
    /** The vocal estimator ('repet-sim', …) or the ONNX model's folder name. */
    detail: z.string(),
  }),
  /** Feature curves at the analysis hop rate, each normalised to 0..1 except hue (0..360). */
  features: z.object({
    onset: Curve,
    rms: Curve,
    /** Percussive stream: onset strength of the percussive part (drives hits). */
    percussive: Curve,
    /** Harmonic stream: loudness of the harmonic bed (drives mood and light). */
    harmonic: Curve,
    centroid: Curve,
    hue: Curve,
    /** Vocal activity, 0..1 (drives performance and lips). */
    vocal: Curve,
  }),
})

/**
 * Analyses written before confidences existed read as fully confident (so plans made from them do
 * not change) and as the DSP tracker's; everything else must be there.
 */
function upgradeLegacy(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw
  const a = raw as Record<string, unknown>
  if ('tracker' in a) return raw
  const ones = (x: unknown) => (Array.isArray(x) ? x.map(() => 1) : x)
  return {
    ...a,
    beatConfidence: a.beatConfidence ?? ones(a.beats),
    downbeatConfidence: a.downbeatConfidence ?? ones(a.downbeats),
    tracker: { method: 'dsp', detail: 'legacy analysis (no confidences recorded)' },
    sections: Array.isArray(a.sections)
      ? a.sections.map((s: unknown) => (typeof s === 'object' && s !== null && !('confidence' in s) ? { ...s, confidence: 1 } : s))
      : a.sections,
  }
}

export const Analysis = z.preprocess(
  upgradeLegacy,
  AnalysisObject.superRefine((a, ctx) => {
    if (a.beatConfidence.length !== a.beats.length) {
      ctx.addIssue({ code: 'custom', path: ['beatConfidence'], message: `has ${a.beatConfidence.length} values for ${a.beats.length} beats` })
    }
    if (a.downbeatConfidence.length !== a.downbeats.length) {
      ctx.addIssue({ code: 'custom', path: ['downbeatConfidence'], message: `has ${a.downbeatConfidence.length} values for ${a.downbeats.length} downbeats` })
    }
  }),
)
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
  /** Loudness of the harmonic bed, 0..1. */
  harmonic: z.number(),
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
