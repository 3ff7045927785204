/**
 * Per-segment picture statistics from decoded grey frames: exact frame count, black and frozen
 * runs, mean luma and flicker. Streaming: feed frames one at a time, read the summary at the end.
 */

/** A run of frames [start, start + frames). */
export interface FrameRun {
  start: number
  frames: number
}

export interface FrameStats {
  frames: number
  /** Longest run of frames whose mean luma is under BLACK_LUMA. */
  longestBlackRun: number
  /**
   * Longest run of frames (counting the first of the run) that barely differ from their predecessor
   * (up to FROZEN_MAX_BLIPS keyframe blips inside a run do not end it, see FROZEN_BLIP_DIFF).
   */
  longestFrozenRun: number
  /** Mean luma over all frames, 0..1. */
  meanLuma: number
  /** Mean absolute luma change between consecutive frames, 0..1 (the motion/flicker level). */
  meanFrameDiff: number
  /** Largest mean-luma jump between consecutive frames, 0..1: a spike flags flicker or an unplanned cut. */
  maxLumaJump: number
  /**
   * Every frozen run of at least `minFrozenRun` frames: `frames` consecutive frames that show the
   * same picture (each differs from its predecessor by less than FROZEN_DIFF); `start` is the
   * first of them (the picture that then holds).
   */
  frozenRuns: FrameRun[]
  /** Every run of at least `minBlackRun` consecutive frames with mean luma under BLACK_LUMA. */
  blackRuns: FrameRun[]
}

export interface FrameStatsOptions {
  /** Shortest frozen run listed in `frozenRuns`, frames (≥ 2: one frame alone is not frozen). Default 2. */
  minFrozenRun?: number
  /** Shortest black run listed in `blackRuns`, frames. Default 1. */
  minBlackRun?: number
}

/** Mean luma under this (0..1) reads as a black frame (ffmpeg blackdetect uses 0.10 pixel threshold). */
export const BLACK_LUMA = 0.06
/** Mean absolute difference under this (0..1) reads as no change at all. */
export const FROZEN_DIFF = 0.0015
/**
 * Compression blips inside a frozen run. An H.264 keyframe re-encodes a still picture with fresh
 * compression noise, sometimes refined again on the next frame, and that splits a frozen run in
 * two (measured on textured stills, libx264 crf 18–30: 0.001–0.007 at 64×36, 0.0015–0.017 at
 * 160×90). So up to FROZEN_MAX_BLIPS frames that differ by less than FROZEN_BLIP_DIFF do not end
 * a run when the picture is exactly still (under FROZEN_STRICT_DIFF) both right before and right
 * after them, as the skipped P-frames around a keyframe are. Slow real motion changes frames by
 * the same amounts, but is never exactly still on both sides of a change, or only rarely: on two
 * procedural renders the bridge lengthened the longest frozen run from 32 to 36 frames.
 */
export const FROZEN_BLIP_DIFF = 0.02
export const FROZEN_MAX_BLIPS = 2
/** Mean absolute difference under this (0..1) reads as the very same picture, re-decoded. */
export const FROZEN_STRICT_DIFF = 0.0003

export class FrameStatsAccumulator {
  private readonly minFrozen: number
  private readonly minBlack: number
  private readonly frozenRuns: FrameRun[] = []
  private readonly blackRuns: FrameRun[] = []
  private prev: Uint8Array | undefined
  private prevLuma = 0
  private frames = 0
  private lumaSum = 0
  private diffSum = 0
  private blackRun = 0
  private frozenRun = 0
  /** Blip frames pending after a frozen run (see FROZEN_BLIP_DIFF): an exactly still pair next confirms them. */
  private blips = 0
  /** Whether the last frozen pair was exactly still (under FROZEN_STRICT_DIFF). */
  private lastStrict = false
  private longestBlack = 0
  private longestFrozen = 0
  private maxJump = 0

  constructor(opts: FrameStatsOptions = {}) {
    this.minFrozen = Math.max(2, opts.minFrozenRun ?? 2)
    this.minBlack = Math.max(1, opts.minBlackRun ?? 1)
  }

  add(frame: Uint8Array): void {
    let sum = 0
    for (let i = 0; i < frame.length; i++) sum += frame[i]
    let diff: number | null = null
    if (this.prev) {
      let d = 0
      for (let i = 0; i < frame.length; i++) d += Math.abs(frame[i] - this.prev[i])
      diff = d / frame.length / 255
      this.prev.set(frame)
    } else {
      this.prev = new Uint8Array(frame)
    }
    this.addScalars(sum / frame.length / 255, diff)
  }

  /**
   * The same as `add` from what it reads of a frame: its mean luma (0..1) and its mean absolute
   * difference to the frame before (null for the first frame). Replays a film from its shots' figures.
   */
  addScalars(luma: number, diff: number | null): void {
    const index = this.frames
    this.lumaSum += luma
    if (luma < BLACK_LUMA) {
      this.blackRun++
    } else {
      this.closeRun(this.blackRuns, index, this.blackRun, this.minBlack)
      this.blackRun = 0
    }
    this.longestBlack = Math.max(this.longestBlack, this.blackRun)
    if (diff !== null && index > 0) {
      this.diffSum += diff
      this.trackFrozen(diff, index)
      this.longestFrozen = Math.max(this.longestFrozen, this.frozenRun)
      this.maxJump = Math.max(this.maxJump, Math.abs(luma - this.prevLuma))
    }
    this.prevLuma = luma
    this.frames++
  }

  /** Extends, bridges or closes the frozen run with the difference of frame `index` to its predecessor. */
  private trackFrozen(diff: number, index: number): void {
    const strict = diff < FROZEN_STRICT_DIFF
    if (this.blips > 0) {
      if (strict) {
        // Still again: the blip frames and this one join the run.
        this.frozenRun += this.blips + 1
        this.blips = 0
        this.lastStrict = true
        return
      }
      if (diff >= FROZEN_DIFF && diff < FROZEN_BLIP_DIFF && this.blips < FROZEN_MAX_BLIPS) {
        this.blips++
        return
      }
      // Not a keyframe blip after all: the run ended on the frame before the blip frames.
      this.closeRun(this.frozenRuns, index - this.blips, this.frozenRun, this.minFrozen)
      this.frozenRun = 0
      this.blips = 0
    } else if (diff >= FROZEN_DIFF && diff < FROZEN_BLIP_DIFF && this.frozenRun > 0 && this.lastStrict && FROZEN_MAX_BLIPS > 0) {
      this.blips = 1
      return
    }
    if (diff < FROZEN_DIFF) {
      this.frozenRun = this.frozenRun === 0 ? 2 : this.frozenRun + 1
      this.lastStrict = strict
    } else {
      this.closeRun(this.frozenRuns, index, this.frozenRun, this.minFrozen)
      this.frozenRun = 0
    }
  }

  /** Records a run that ended just before frame `end`, if long enough. */
  private closeRun(runs: FrameRun[], end: number, length: number, min: number): void {
    if (length >= min) runs.push({ start: end - length, frames: length })
  }

  /** The figures so far (a run still open at the last frame is included; adding more frames may extend it). */
  summary(): FrameStats {
    const open = (runs: FrameRun[], end: number, length: number, min: number) =>
      length >= min ? [...runs, { start: end - length, frames: length }] : [...runs]
    return {
      frames: this.frames,
      longestBlackRun: this.longestBlack,
      longestFrozenRun: this.longestFrozen,
      meanLuma: this.frames ? this.lumaSum / this.frames : 0,
      meanFrameDiff: this.frames > 1 ? this.diffSum / (this.frames - 1) : 0,
      maxLumaJump: this.maxJump,
      frozenRuns: open(this.frozenRuns, this.frames - this.blips, this.frozenRun, this.minFrozen),
      blackRuns: open(this.blackRuns, this.frames, this.blackRun, this.minBlack),
    }
  }
}
