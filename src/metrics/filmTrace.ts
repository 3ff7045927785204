/**
 * A segment's film trace: everything the whole-film metrics read of its frames, kept so a film
 * can be scored from its shots without decoding it again (filmFrames.ts puts them together).
 *
 * Per frame: the motion, the temporal similarity, the cut detector's score and mean value (each
 * against the frame before, so index 0 is what the segment alone says and is replaced at a
 * junction), the mean luma and mean absolute difference the frame statistics read, and the colour
 * descriptor the gradual-transition check reads (≈ 1.1 KB at 160×90). The full descriptor (with
 * the half-size luma, ≈ 14 KB) only where a cut decision can read it: the first and last
 * FLASH_REACH frames, and the frames within the flash check's reach of any frame scoring at least
 * the detector's `minScore` (only those can become cut candidates). And the first and last grey
 * frames, for the motion, similarity and difference across a junction.
 */
import { DEFAULT_CUT_OPTIONS, type ColourDescriptor, type FrameDescriptor } from './shotBoundaries.js'

/** Bumped when a metric the trace records changes: older traces are then measured again. */
export const FILM_TRACE_VERSION = 3

export interface FilmTrace {
  width: number
  height: number
  frames: number
  motion: Float32Array
  sim: Float32Array
  cutScore: Float32Array
  meanValue: Float32Array
  /** Mean luma 0..1 and mean absolute difference to the frame before (NaN for frame 0), as FrameStatsAccumulator reads them. */
  luma: Float64Array
  diff: Float64Array
  colours: ColourDescriptor[]
  /** Full descriptors by frame (see the module doc for which frames). */
  full: Map<number, FrameDescriptor>
  firstGray: Uint8Array
  lastGray: Uint8Array
  /**
   * The colour distances the cut detector's gradual check worked out inside the segment, flat
   * [x, y, distance] (frames of this segment): the replay over the film looks them up instead of
   * working them out again (most of the detector's cost).
   */
  gradual: Float64Array
  /** The segment's best view (measureFrames' bestFrame), so a verifier reading the trace needs no decode. */
  bestFrame: number
}

/** Where traces are kept between runs (the pipeline's store), by the file they measured. */
export interface TraceStore {
  load(path: string): Promise<FilmTrace | undefined>
  save(path: string, trace: FilmTrace): Promise<void>
}

/** Frames a flash check reaches before (3) and after (2) a candidate: flashFrames + 1 and flashFrames. */
const BEFORE = DEFAULT_CUT_OPTIONS.flashFrames + 1
const AFTER = DEFAULT_CUT_OPTIONS.flashFrames
export const FLASH_REACH = BEFORE

/** Records a trace while measureFrames streams a segment (it hands over what its metrics computed). */
export class TraceRecorder {
  private luma: number[] = []
  private diff: number[] = []
  private colours: ColourDescriptor[] = []
  private full = new Map<number, FrameDescriptor>()
  private recent: Array<{ i: number; d: FrameDescriptor }> = []
  private keepUntil = -1
  private prevGray: Uint8Array | undefined
  private firstGray: Uint8Array | undefined
  private count = 0

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** Frame `count` after the detector has described it: its grey picture, descriptor and score against the frame before. */
  add(gray: Uint8Array, desc: FrameDescriptor, score: number): void {
    const i = this.count++
    let sum = 0
    for (let k = 0; k < gray.length; k++) sum += gray[k]
    this.luma.push(sum / gray.length / 255)
    if (this.prevGray) {
      let d = 0
      for (let k = 0; k < gray.length; k++) d += Math.abs(gray[k] - this.prevGray[k])
      this.diff.push(d / gray.length / 255)
      this.prevGray.set(gray)
    } else {
      this.diff.push(NaN)
      this.prevGray = new Uint8Array(gray)
      this.firstGray = new Uint8Array(gray)
    }
    this.colours.push({ hist: desc.hist, cells: desc.cells, cellRgb: desc.cellRgb, gridW: desc.gridW, gridH: desc.gridH })
    // A high score: the frames a flash check around it reads are kept, those before from `recent`.
    if (score >= DEFAULT_CUT_OPTIONS.minScore) {
      for (const r of this.recent) if (r.i >= i - BEFORE) this.full.set(r.i, r.d)
      this.keepUntil = Math.max(this.keepUntil, i + AFTER)
    }
    if (i < BEFORE || i <= this.keepUntil) this.full.set(i, desc)
    this.recent.push({ i, d: desc })
    if (this.recent.length > BEFORE) this.recent.shift()
  }

  /** The trace, given the series the metrics kept (motion, similarity, cut scores and mean values). */
  finish(series: { motion: Float32Array; sim: Float32Array; cutScore: Float32Array; meanValue: Float32Array }, bestFrame: number, gradual: readonly number[]): FilmTrace {
    const n = this.count
    if (!n || !this.firstGray || !this.prevGray) throw new Error('TraceRecorder: no frames')
    for (const r of this.recent) this.full.set(r.i, r.d)
    for (const [name, s] of Object.entries(series) as Array<[string, Float32Array]>) if (s.length !== n) throw new Error(`TraceRecorder: ${name} has ${s.length} values for ${n} frames`)
    return {
      width: this.width,
      height: this.height,
      frames: n,
      ...series,
      luma: Float64Array.from(this.luma),
      diff: Float64Array.from(this.diff),
      colours: this.colours,
      full: this.full,
      firstGray: this.firstGray,
      lastGray: this.prevGray,
      bestFrame,
      gradual: Float64Array.from(gradual),
    }
  }
}
