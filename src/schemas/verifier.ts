import { z } from 'zod'

/**
 * What a shot must reach to be accepted; each check can be loosened or tightened per render
 * (brief front matter `verifier:`, the API's `thresholds`, `--threshold name=value`).
 */
export const VerifierThresholds = z.object({
  /** Overall score a shot needs to be accepted, 0..1. */
  minScore: z.number().min(0).max(1).default(0.6),
  /** Longest black run allowed, seconds. */
  maxBlackSec: z.number().nonnegative().default(0.5),
  /** Longest frozen run allowed, seconds. */
  maxFrozenSec: z.number().nonnegative().default(1.0),
  /** Lowest mean similarity of consecutive frames (Temp-C). */
  minTemporalConsistency: z.number().min(0).max(1).default(0.6),
  /**
   * Highest flicker index (metrics/temporal.ts: luma alternating ±a gives a; the procedural
   * renders measure 0.001–0.015).
   */
  maxFlicker: z.number().nonnegative().default(0.05),
  /**
   * How far AV-Align may fall below its own shifted-audio baseline (a shot whose motion ignores
   * the music sits at the baseline; one that moves against it, below). Checked on shots with at
   * least 3 audio peaks.
   */
  maxAvAlignDeficit: z.number().min(0).max(1).default(0.1),
  /**
   * How far beat alignment may sit below its own shifted-beats baseline, checked on shots with at
   * least 4 beats (fewer say too little). Relative, like AV-Align: a shot's absolute figure depends
   * on its frame rate and how busy its picture is.
   */
  maxBeatAlignmentDeficit: z.number().min(0).max(1).default(0.2),
  /**
   * Lowest similarity of a place to its reference keyframes (descriptor scale: the same place in
   * another shot measures 0.83–1, another world 0.62–0.82).
   */
  minPlaceIdentity: z.number().min(0).max(1).default(0.8),
  /**
   * Lowest similarity of a character to its references taken in the same place. Looser: the
   * whole-frame descriptors vary with framing (the same figure wide and close measures 0.74–1), so
   * this catches a figure that is missing or wholly different, not a subtle change.
   */
  minCharacterIdentity: z.number().min(0).max(1).default(0.6),
  /** Cuts allowed inside one shot. */
  maxUnplannedCuts: z.number().int().nonnegative().default(0),
})
export type VerifierThresholds = z.infer<typeof VerifierThresholds>

/**
 * Which identities a shot's picture is a fair view of, so it is judged on them and promoted to
 * their references: the place in a wide or medium shot of figures (its references are such views;
 * a face filling the frame, a silhouette's backlit glow, a prop, a lyric card or an abstract insert
 * cannot look like them: silhouettes measured 0.65–0.72 against the place's own references), a
 * character in a shot of figures (a silhouette hides the palette; inserts, lyric and abstract
 * shots hold no one).
 */
export function identityShown(shot: { framing: string; kind?: string }): Record<'character' | 'location', boolean> {
  const kind = shot.kind ?? 'figures'
  return {
    location: kind === 'figures' && shot.framing !== 'close',
    character: kind === 'figures',
  }
}
