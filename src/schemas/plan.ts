import { z } from 'zod'
import { CaptionStyle, GeneratorName } from './brief.js'
import { FrameRate } from './frameRate.js'

export const CAMERA_MOVES = ['static', 'push-in', 'pull-out', 'pan-left', 'pan-right', 'drift', 'crane-up'] as const
export const CameraMove = z.enum(CAMERA_MOVES)
export type CameraMove = z.infer<typeof CameraMove>

/** What the figures do in a shot: the procedural figure animates it, other generators read it in the prompt. */
export const SHOT_ACTIONS = ['perform', 'play', 'walk', 'run', 'dance'] as const
export const ShotAction = z.enum(SHOT_ACTIONS)
export type ShotAction = z.infer<typeof ShotAction>

/** What a shot shows: figures in the place, figures as silhouettes against the light, an insert of a prop, lyric typography, an abstract audio-reactive insert. */
export const SHOT_KINDS = ['figures', 'silhouette', 'insert', 'lyric', 'abstract'] as const
export const ShotKind = z.enum(SHOT_KINDS)
export type ShotKind = z.infer<typeof ShotKind>

/**
 * How a shot opens: a hard cut; a match cut (same figures where they were, another framing); one
 * continuous camera move on from the previous shot's last frame; a full-frame dissolve (quiet music only).
 */
export const SHOT_TRANSITIONS = ['cut', 'match', 'continuous', 'dissolve'] as const
export const ShotTransition = z.enum(SHOT_TRANSITIONS)
export type ShotTransition = z.infer<typeof ShotTransition>

export const Caption = z.object({
  /** Absolute output frames [startFrame, endFrame). */
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  text: z.string(),
  /**
   * The whole lyric line's frames when this caption is its piece inside one shot: the line fades
   * in and out (and pages through a long text) on these, so a cut changes nothing on screen.
   * Absent in plans written before: the piece's own frames.
   */
  lineStartFrame: z.number().int().nonnegative().optional(),
  lineEndFrame: z.number().int().positive().optional(),
})
export type Caption = z.infer<typeof Caption>

export const Shot = z.object({
  index: z.number().int().nonnegative(),
  /** Frames [startFrame, endFrame) of the output. */
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  sectionIndex: z.number().int().nonnegative(),
  /** What the cut that opens this shot lands on. */
  cutOn: z.enum(['start', 'downbeat', 'beat']),
  locationId: z.string(),
  characterIds: z.array(z.string()),
  camera: CameraMove,
  /** Shot framing: wide shows the world, medium the figures, close one face. */
  framing: z.enum(['wide', 'medium', 'close']),
  prompt: z.string(),
  seed: z.number().int().nonnegative(),
  /** Starts from the previous shot's last frame (keyframe chaining). */
  continuesPrevious: z.boolean(),
  /** How strongly percussive hits move the picture, 0..1 (the verifier may change it). */
  motionGain: z.number().min(0).max(1),
  captions: z.array(Caption),
  /** Absent in plans written before shot grammar: read as 'perform', 'figures' and 'cut'. */
  action: ShotAction.optional(),
  kind: ShotKind.optional(),
  transition: ShotTransition.optional(),
  /** For an insert: the prop (a vocabulary id the location holds) the shot shows. */
  prop: z.string().optional(),
  /** Set by the user in an edited plan: this shot's generator, whatever the brief's rules say. */
  generator: GeneratorName.optional(),
  /** Set by the user in an edited plan: keep the first take (no rounds of revision). */
  locked: z.boolean().optional(),
})
export type Shot = z.infer<typeof Shot>

/** What became of each sentence of the brief's notes (agents/notes.ts reads them; the report lists both). */
export const NotesOutcome = z.object({
  applied: z.array(z.object({ note: z.string(), effect: z.string() })),
  notApplied: z.array(z.object({ note: z.string(), reason: z.string() })),
})
export type NotesOutcome = z.infer<typeof NotesOutcome>

export const ShotPlan = z.object({
  fps: FrameRate,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  totalFrames: z.number().int().positive(),
  shots: z.array(Shot).min(1),
  author: z.string(),
  /** False: shots keep their captions for timing (lip sync) but generators draw no text. */
  captionsShown: z.boolean().optional(),
  /** Generators that draw captions keep a caption-free still per caption line (set for a batch's base renders only). */
  bareStills: z.boolean().optional(),
  notes: NotesOutcome.optional(),
  /** The brief's caption style (weight, position, box, size); absent: the default look. */
  captionStyle: CaptionStyle.optional(),
})
export type ShotPlan = z.infer<typeof ShotPlan>
