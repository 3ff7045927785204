/**
 * Per-segment picture statistics from decoded grey frames: exact frame count, black and frozen
 * runs, mean luma and flicker. Streaming: feed frames one at a time, read the summary at the end.
 */
export interface FrameStats {
  frames: number
  /** Longest run of frames whose mean luma is under BLACK_LUMA. */
  longestBlackRun: number
  /** Longest run of frames (counting the first of the run) that barely differ from their predecessor. */
  longestFrozenRun: number
  /** Mean luma over all frames, 0..1. */
  meanLuma: number
  /** Mean absolute luma change between consecutive frames, 0..1 (the motion/flicker level). */
  meanFrameDiff: number
  /** Largest mean-luma jump between consecutive frames, 0..1: a spike flags flicker or an unplanned cut. */
  maxLumaJump: number
}

/** Mean luma under this (0..1) reads as a black frame (ffmpeg blackdetect uses 0.10 pixel threshold). */
export const BLACK_LUMA = 0.06
/** Mean absolute difference under this (0..1) reads as no change at all. */
export const FROZEN_DIFF = 0.0015

export class FrameStatsAccumulator {
  private prev: Uint8Array | undefined
  private prevLuma = 0
  private frames = 0
  private lumaSum = 0
  private diffSum = 0
  private blackRun = 0
  private frozenRun = 0
  private longestBlack = 0
  private longestFrozen = 0
  private maxJump = 0

  add(frame: Uint8Array): void {
    let sum = 0
    for (let i = 0; i < frame.length; i++) sum += frame[i]
    const luma = sum / frame.length / 255
    this.lumaSum += luma
    this.blackRun = luma < BLACK_LUMA ? this.blackRun + 1 : 0
    this.longestBlack = Math.max(this.longestBlack, this.blackRun)
    if (this.prev) {
      let d = 0
      for (let i = 0; i < frame.length; i++) d += Math.abs(frame[i] - this.prev[i])
      const diff = d / frame.length / 255
      this.diffSum += diff
      this.frozenRun = diff < FROZEN_DIFF ? (this.frozenRun === 0 ? 2 : this.frozenRun + 1) : 0
      this.longestFrozen = Math.max(this.longestFrozen, this.frozenRun)
      this.maxJump = Math.max(this.maxJump, Math.abs(luma - this.prevLuma))
      this.prev.set(frame)
    } else {
      this.prev = new Uint8Array(frame)
    }
    this.prevLuma = luma
    this.frames++
  }

  summary(): FrameStats {
    return {
      frames: this.frames,
      longestBlackRun: this.longestBlack,
      longestFrozenRun: this.longestFrozen,
      meanLuma: this.frames ? this.lumaSum / this.frames : 0,
      meanFrameDiff: this.frames > 1 ? this.diffSum / (this.frames - 1) : 0,
      maxLumaJump: this.maxJump,
    }
  }
}
