/**
 * Shot-boundary detection (hard cuts, dissolves, fades through black) from small decoded RGB
 * frames, streaming.
 *
 * Design (thresholds are `CutDetectorOptions`, defaults in `DEFAULT_CUT_OPTIONS`):
 *
 * 1. Per frame, descriptors that a global brightness change (gain or lift: the beat pulses
 *    music-video generators add) leaves alone:
 *    - a colour histogram: hue (12 bins) × saturation (3 bins) for coloured pixels, and for the
 *      others (saturation < 0.2 or value < 24) their luma normalised by the frame's mean and
 *      standard deviation (6 bins); normalised to sum 1;
 *    - the luma at half size (80×45 for 160×90);
 *    - a coarse grid (8 cells across) of cell means: luma normalised by the frame's mean and sd,
 *      and gain-free chroma ratios (r − g, r + g − 2b over r + g + b); and the cells' mean RGB.
 *    The changed share of a pair of frames is the share of cells (either way, keeping the larger)
 *    with no look-alike cell within `gap` cells in the other frame: a cut renews nearly all the
 *    picture, a bar, an object or a flash of light a part of it. A cell also has a look-alike when
 *    the neighbouring cell of the other frame, seen through the two frames' global colour grade
 *    (colourGrade.ts: per channel gain 0.65–1.5 and offset, fitted on the cells robustly), is
 *    within `gradeTol` RGB levels of it: a beat flash toward white or a tint that follows the
 *    harmony moves every cell's chroma but renews nothing. Without it the procedural close-ups of
 *    the example song (a figure filling the frame, arms swinging, a caption changing on the beat)
 *    read as half new on every beat (score 0.5, a cut at shot 9's frame 60); with it ≤ 0.34.
 * 2. The score of frame b against frame a, 0..1, is the largest of
 *    - the structure distance: 1 − the motion-compensated contrast-structure similarity of the two
 *      half-size lumas (temporal.ts `compensatedSimilarity`: each 8×8 window is matched within
 *      ±`searchFraction` of the width, ±27 px at 160 px wide, so a pan, a zoom or a moving object
 *      finds itself again), averaged over the textured windows only (two flat windows look alike
 *      whatever they show), and computed both ways, keeping the worse: the flat background of a
 *      wide shot matches into a close-up of the same place, but the close-up's figure does not
 *      match into the wide shot; scaled down by changed share / `spreadFull` when that is under 1,
 *      so a local change (a bright bar jumping back across the frame, an object entering) does not
 *      count as a change of the whole picture;
 *    - `histScale` × the histogram distance `1 − Σ min(p, q)`: catches cuts between flat, untextured
 *      pictures (two colour fields), but only when the colours change almost completely, since
 *      colour-grading pulses move histograms too;
 *    - the histogram distance capped by the changed share: scenes of one layout in other colours
 *      (structure alike, the distribution of colours not) change the whole picture, a colour
 *      pulse or a local change does not.
 * 3. Frame i (the first frame of a new shot) is a candidate when its score against frame i−1 is at
 *    least `minScore` AND at least `adaptiveRatio` times the median score of its `window`
 *    neighbours on each side (PySceneDetect's adaptive detector: motion beyond the search raises
 *    every score, so only an outlier against the local level counts). The local level is floored
 *    at `minLocalScore` so compression noise in a still shot does not make every change an outlier.
 * 4. Flash rejection: a flash (one or two bright or dark frames on a beat) returns to the same
 *    picture, a cut does not. For candidate i, every pair (a, b) with a in [i−1−flashFrames, i−1]
 *    and b in [i, i+flashFrames] other than (i−1, i) itself is compared (nearest first, with a
 *    motion search widened by the frame gap); if any pair scores under `flashSimilarity` ×
 *    score(i), the two sides belong to the same shot and the candidate is dropped. This covers the
 *    frame into the flash and the frame back out of it. (A two-frame flash is usually already
 *    dropped by step 3: its frames' high scores raise each other's local median.)
 * 5. Minimum shot length: a candidate less than `minShotFrames` after the previous cut (or after
 *    frame 0) keeps only the stronger of the two.
 * 6. Gradual transitions (`decideGradual`): frames a < b at most `gradualFrames` apart, with no cut
 *    reported from a − `steadyFrames` on, whose colour part of the score is ≥ `minScore`, each
 *    steady against the frame `steadyFrames` outside the span (≤ a quarter of that change), and
 *    every frame between them a mix αA + βB (α, β ≥ 0) of the two in the grid's cell RGB, within
 *    `mixMisfit` of |A − B|: a dissolve (α + β = 1) or a fade through black (α + β < 1). A pan or
 *    a moving object makes in-between frames that are no such mix. Reported once, mid-span.
 * 7. A fade to black: a cut (or gradual transition) within `gradualFrames` after the previous
 *    cut, with a black frame (mean of max(R, G, B) under `darkLuma`) between them, is the way out
 *    of the same transition and is not reported again.
 *
 * The detector keeps the descriptors of the last `max(window, flashFrames, steadyFrames) +
 * flashFrames + 2` frames (≈ 15 KB each at 160×90, never the frames), the colour descriptors
 * (≈ 1 KB) of the last `gradualFrames + 2 × steadyFrames` and more, and two numbers per frame;
 * decisions lag `max(window, flashFrames, steadyFrames)` frames behind the input. Cost ≈ 3 ms per
 * 160×90 frame (bench/cuts-hard.mjs: ≈ 1.2× the detector before steps 6–7 and the grid).
 *
 * Measured at 160×90: synthetic hard cuts (tests/shotBoundaries.test.ts) score 0.52–1.0, fast
 * motion 0.02–0.3 per frame, a pan faster than the search ≈ 0.2 on every frame (the adaptive
 * ratio keeps it quiet), beat punches ≤ 0.16. On two 81-s renders of the procedural generator
 * (47 planned cuts, 26 of them visible; the others continue the picture across the cut) every
 * visible cut was found within a frame and nothing else: visible cuts scored 0.44–0.81, beat
 * punches and gestures at most 0.33, hence `minScore` 0.4.
 *
 * Generated hard cases (tests/helpers/hardCuts.ts, hardCutsCloseup.ts, `npm run bench:cuts`):
 * same-layout palette cuts under a sweeping bar, the bar alone, whip pans, flashes, fast local
 * motion, dissolves, fades, close-up figures with fast arms, beat flashes and caption changes
 * (drawn, and real procedural frames), with cuts behind the figure; precision and recall on the
 * dev and the held-out sets are printed there.
 *
 * Not handled: a cut to a picture whose every cell is a per-channel gain (0.65–1.5) and offset of
 * the cell beside it in the last frame (the same set re-lit, cut on the beat) reads as a grade;
 * wipes and other gradual transitions that are not mixes of their ends; a dissolve
 * between two pictures with the same colours (the gradual check looks at colour only). A black
 * insert of up to `gradualFrames` frames is one transition (one cut), a longer one a shot of its own.
 * A nearly flat picture with a single edge entering or leaving can score up to ≈ 0.4 (few
 * textured windows to average); only the adaptive ratio guards that case.
 */
import { analysisSize, decodeFrames, probeMedia } from '../ffmpeg/index.js'
import { fitColourGrade, gradeResidual, isVeil, type ColourGrade } from './colourGrade.js'
import { compensatedSimilarity, halve } from './temporal.js'

export interface CutDetectorOptions {
  /** The colour-histogram distance counts at this scale against the structure distance. Default 0.5. */
  histScale?: number
  /** Motion search radius as a share of the frame width. Default 1/6 (±27 px at 160 px wide). */
  searchFraction?: number
  /** Smallest score a cut can have, 0..1. Default 0.4. */
  minScore?: number
  /** A cut's score must be this many times the median score of its neighbours. Default 3. */
  adaptiveRatio?: number
  /** Neighbours on each side for the local median. Default 2. */
  window?: number
  /** Floor of the local median (compression noise and still shots). Default 0.05. */
  minLocalScore?: number
  /** Longest flash (frames) recognised as such. Default 2. */
  flashFrames?: number
  /** Two frames closer than this share of the candidate's score are the same shot. Default 0.5. */
  flashSimilarity?: number
  /** Shortest shot in frames. Default 4. */
  minShotFrames?: number
  /** Share of the picture that must be new for the structure distance to count in full. Default 0.3. */
  spreadFull?: number
  /** Largest normalised-luma difference (in frame sds) of two look-alike grid cells. Default 0.5. */
  cellLumaTol?: number
  /** Largest chroma difference of two look-alike grid cells. Default 0.06. */
  cellChromaTol?: number
  /** Longest gradual transition (dissolve, fade out and in) in frames; 0 turns their detection off. Default 30. */
  gradualFrames?: number
  /** Frames before and after a gradual transition that must be steady. Default 3. */
  steadyFrames?: number
  /** Largest misfit of a transition's frames as mixes of its two ends, relative to their difference. Default 0.25. */
  mixMisfit?: number
  /** A frame whose mean of max(R, G, B) is under this is black: two cuts around black frames are one fade. Default 24. */
  darkLuma?: number
  /**
   * Largest RGB distance (levels) of a grid cell from its counterpart seen through the two frames'
   * global colour grade for it to count as unchanged (a beat flash, a tint); 0 turns the grade off. Default 20.
   */
  gradeTol?: number
}

export const DEFAULT_CUT_OPTIONS: Required<CutDetectorOptions> = {
  histScale: 0.5,
  searchFraction: 1 / 6,
  minScore: 0.4,
  adaptiveRatio: 3,
  window: 2,
  minLocalScore: 0.05,
  flashFrames: 2,
  flashSimilarity: 0.5,
  minShotFrames: 4,
  spreadFull: 0.3,
  cellLumaTol: 0.5,
  cellChromaTol: 0.06,
  gradualFrames: 30,
  steadyFrames: 3,
  mixMisfit: 0.25,
  darkLuma: 24,
  gradeTol: 20,
}

const HUE_BINS = 12
const SAT_BINS = 3
/** Bins of the normalised luma of achromatic pixels, over −1.5σ…+1.5σ around the frame's mean. */
const GREY_BINS = 6
const HIST_BINS = HUE_BINS * SAT_BINS + GREY_BINS
/** Saturation under this, or a value under MIN_VALUE, makes a pixel achromatic: its hue is noise. */
const MIN_SAT = 0.2
const MIN_VALUE = 24

/** The descriptors of one frame. */
export interface FrameDescriptor {
  /** Brightness-invariant colour histogram, sums to 1. */
  hist: Float32Array
  /** The luma halved (2×2 box), one float per pixel: the structure comparison runs on it. */
  luma: Float32Array
  /** Mean of max(R, G, B) over the frame, 0..255: near 0 only for black (a dark blue is no black). */
  meanValue: number
  width: number
  height: number
  /**
   * A coarse grid (`gridW`×`gridH` cells) of [normalised luma, chroma u, chroma v] per cell: luma
   * as (mean − frame mean) / frame sd, chroma as gain-free opponent ratios. Says how much of the
   * picture changed, so a local change (a bar, an object) is told from a change everywhere.
   */
  cells: Float32Array
  /** Mean R, G, B per grid cell (0..255): a dissolve's frames are mixes of its two ends in these. */
  cellRgb: Float32Array
  gridW: number
  gridH: number
}

/**
 * Computes a frame's descriptors from packed RGB: the luma at half size and a histogram that a
 * global brightness change (gain or lift) leaves alone: hue × saturation for coloured pixels (both
 * invariant to a gain), and for the others their luma normalised by the frame's mean and standard
 * deviation.
 */
export function describeFrame(rgb: Uint8Array, width: number, height: number): FrameDescriptor {
  const n = width * height
  const y = new Uint8Array(n)
  let sum = 0
  let sum2 = 0
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const l = (77 * rgb[p] + 150 * rgb[p + 1] + 29 * rgb[p + 2] + 128) >> 8
    y[i] = l
    sum += l
    sum2 += l * l
  }
  const mean = sum / n
  // Floored so a flat frame's noise is not blown up into a spread of grey levels.
  const sd = Math.max(8, Math.sqrt(Math.max(0, sum2 / n - mean * mean)))
  const hist = new Float32Array(HIST_BINS)
  let valueSum = 0
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p]
    const g = rgb[p + 1]
    const b = rgb[p + 2]
    const max = r > g ? (r > b ? r : b) : g > b ? g : b
    const min = r < g ? (r < b ? r : b) : g < b ? g : b
    const chroma = max - min
    valueSum += max
    const sat = max === 0 ? 0 : chroma / max
    if (sat >= MIN_SAT && max >= MIN_VALUE) {
      let h: number
      if (max === r) h = (g - b) / chroma
      else if (max === g) h = 2 + (b - r) / chroma
      else h = 4 + (r - g) / chroma
      if (h < 0) h += 6
      const hueBin = Math.min(HUE_BINS - 1, Math.floor((h / 6) * HUE_BINS))
      const satBin = Math.min(SAT_BINS - 1, Math.floor(((sat - MIN_SAT) / (1 - MIN_SAT)) * SAT_BINS))
      hist[hueBin * SAT_BINS + satBin]++
    } else {
      const z = (y[i] - mean) / sd
      const bin = Math.max(0, Math.min(GREY_BINS - 1, Math.floor(((z + 1.5) / 3) * GREY_BINS)))
      hist[HUE_BINS * SAT_BINS + bin]++
    }
  }
  for (let i = 0; i < HIST_BINS; i++) hist[i] /= n
  const grid = describeCells(rgb, y, width, height, mean, sd)
  // Tiny frames are compared as they are.
  if (width < 32 || height < 16) return { hist, luma: Float32Array.from(y), meanValue: valueSum / n, width, height, ...grid }
  const half = halve(y, width, height)
  return { hist, luma: half.data, meanValue: valueSum / n, width: half.width, height: half.height, ...grid }
}

/** Cells across the frame's width in the coarse grid. */
const GRID_W = 8
/** Offset in the chroma ratios' denominator: keeps dark pixels' chroma (noise) near zero. */
const CHROMA_DARK = 60

function describeCells(
  rgb: Uint8Array,
  y: Uint8Array,
  width: number,
  height: number,
  mean: number,
  sd: number,
): { cells: Float32Array; cellRgb: Float32Array; gridW: number; gridH: number } {
  const gridW = Math.min(GRID_W, width)
  const gridH = Math.max(1, Math.min(height, Math.round((GRID_W * height) / width)))
  const cells = new Float32Array(gridW * gridH * 3)
  const cellRgb = new Float32Array(gridW * gridH * 3)
  const count = new Float32Array(gridW * gridH)
  for (let yy = 0; yy < height; yy++) {
    const row = Math.min(gridH - 1, Math.floor((yy * gridH) / height)) * gridW
    for (let x = 0; x < width; x++) {
      const c = row + Math.min(gridW - 1, Math.floor((x * gridW) / width))
      const i = yy * width + x
      const p = i * 3
      const r = rgb[p]
      const g = rgb[p + 1]
      const b = rgb[p + 2]
      const d = r + g + b + CHROMA_DARK
      cells[c * 3] += (y[i] - mean) / sd
      cells[c * 3 + 1] += (r - g) / d
      cells[c * 3 + 2] += (r + g - 2 * b) / d
      cellRgb[c * 3] += r
      cellRgb[c * 3 + 1] += g
      cellRgb[c * 3 + 2] += b
      count[c]++
    }
  }
  for (let c = 0; c < count.length; c++)
    for (let k = 0; k < 3; k++) {
      cells[c * 3 + k] /= Math.max(1, count[c])
      cellRgb[c * 3 + k] /= Math.max(1, count[c])
    }
  return { cells, cellRgb, gridW, gridH }
}

/**
 * Share of `b`'s cells, 0..1, that have no look-alike among `a`'s cells within `reach` cells: how
 * much of the picture is new. A cut renews nearly all of it, a bar or an object crossing a part.
 * With `grade`, a cell of `a` seen through that colour grade (colourGrade.ts) within `tol` RGB
 * levels of `b`'s cell is a look-alike too: a beat flash or a tint renews no part of the picture.
 * That looser test looks only at the next cells (not `reach`, which widens with the frame gap):
 * across several cells a graded look-alike is too easy to find (a wide shot and its close-up).
 */
export function changedShare(
  a: ColourDescriptor,
  b: ColourDescriptor,
  reach: number,
  lumaTol: number,
  chromaTol: number,
  grade?: { fit: ColourGrade; tol: number },
): number {
  const gw = b.gridW
  const gh = b.gridH
  let changed = 0
  for (let cy = 0; cy < gh; cy++)
    for (let cx = 0; cx < gw; cx++) {
      const q = (cy * gw + cx) * 3
      let found = false
      for (let dy = -reach; dy <= reach && !found; dy++) {
        const y1 = cy + dy
        if (y1 < 0 || y1 >= gh) continue
        for (let dx = -reach; dx <= reach; dx++) {
          const x1 = cx + dx
          if (x1 < 0 || x1 >= gw) continue
          const p = (y1 * gw + x1) * 3
          if (
            (Math.abs(a.cells[p] - b.cells[q]) <= lumaTol &&
              Math.hypot(a.cells[p + 1] - b.cells[q + 1], a.cells[p + 2] - b.cells[q + 2]) <= chromaTol) ||
            (grade && Math.abs(dx) <= 1 && Math.abs(dy) <= 1 && gradeResidual(a.cellRgb, p, b.cellRgb, q, grade.fit) <= grade.tol)
          ) {
            found = true
            break
          }
        }
      }
      if (!found) changed++
    }
  return changed / (gw * gh)
}

/** What the gradual check keeps of a frame (no luma: it looks further back). */
export type ColourDescriptor = Pick<FrameDescriptor, 'hist' | 'cells' | 'cellRgb' | 'gridW' | 'gridH'>

/**
 * How far `m` is from the nearest αA + βB with α, β ≥ 0 (a dissolve or a fade between A and B, least
 * squares), relative to |A − B|: 0 for an exact mix.
 */
export function mixMisfit(m: Float32Array, A: Float32Array, B: Float32Array): number {
  let aa = 0
  let bb = 0
  let ab = 0
  let am = 0
  let bm = 0
  let mm = 0
  let dd = 0
  for (let j = 0; j < m.length; j++) {
    aa += A[j] * A[j]
    bb += B[j] * B[j]
    ab += A[j] * B[j]
    am += A[j] * m[j]
    bm += B[j] * m[j]
    mm += m[j] * m[j]
    dd += (A[j] - B[j]) ** 2
  }
  // Residual |m − αA − βB|² expanded, for the candidates of the two-variable non-negative least squares.
  const res = (al: number, be: number) => mm + al * al * aa + be * be * bb + 2 * al * be * ab - 2 * al * am - 2 * be * bm
  let best = mm
  if (aa > 0) best = Math.min(best, res(Math.max(0, am / aa), 0))
  if (bb > 0) best = Math.min(best, res(0, Math.max(0, bm / bb)))
  const det = aa * bb - ab * ab
  if (det > 1e-9 * aa * bb) {
    const al = (am * bb - bm * ab) / det
    const be = (bm * aa - am * ab) / det
    if (al >= 0 && be >= 0) best = Math.min(best, res(al, be))
  }
  return Math.sqrt(Math.max(0, best)) / Math.max(1e-6, Math.sqrt(dd))
}

/** `1 − Σ min(p, q)`: 0 for equal colour distributions, 1 for disjoint ones. */
export function histogramDistance(a: Float32Array, b: Float32Array): number {
  let inter = 0
  for (let i = 0; i < a.length; i++) inter += a[i] < b[i] ? a[i] : b[i]
  return Math.max(0, 1 - inter)
}

/** Pair keys x · PAIR + y: frame indices stay under 2^26 (over 2 weeks at 30 fps), keys under 2^53. */
const PAIR = 2 ** 26

function median(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return 0
  const s = Float64Array.from(values as ArrayLike<number>).sort()
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

/** Streams frames in order and reports the frames where a new shot starts (see the module doc). */
export class ShotBoundaryDetector {
  private readonly o: Required<CutDetectorOptions>
  private readonly frameBytes: number
  /** Descriptors of the most recent frames, keyed by frame index. */
  private readonly recent = new Map<number, FrameDescriptor>()
  private readonly keep: number
  /** Colour descriptors (no luma) of more frames: the gradual check looks further back. */
  private readonly colours = new Map<number, ColourDescriptor>()
  private readonly keepColours: number
  /** score[i] = distance(frame i−1, frame i); score[0] = 0. Grows by one number per frame. */
  private scores = new Float32Array(256)
  /** Mean value (max channel) per frame: a black frame between two cuts makes them one fade through black. */
  private means = new Float32Array(256)
  private count = 0
  private nextToDecide = 1
  private readonly cuts: number[] = []
  private readonly cutScores: number[] = []
  private finished = false
  private readonly knownGradual = new Map<number, number>()
  private recorded: number[] | undefined

  constructor(
    readonly width: number,
    readonly height: number,
    opts: CutDetectorOptions = {},
  ) {
    this.o = { ...DEFAULT_CUT_OPTIONS, ...stripUndefined(opts) }
    this.frameBytes = width * height * 3
    // Descriptors needed by the flash check of the frame being decided (which lags the input).
    this.keep = this.lag() + this.o.flashFrames + 2
    this.keepColours = this.lag() + this.o.gradualFrames + 2 * this.o.steadyFrames + 2
  }

  /** Frames added so far. */
  get frames(): number {
    return this.count
  }

  add(rgb: Uint8Array): void {
    if (this.finished) throw new Error('ShotBoundaryDetector: add() after finish()')
    if (rgb.length !== this.frameBytes) throw new Error(`ShotBoundaryDetector: expected ${this.frameBytes} bytes (rgb24 ${this.width}×${this.height}), got ${rgb.length}`)
    const i = this.count++
    const desc = describeFrame(rgb, this.width, this.height)
    this.recent.set(i, desc)
    this.recent.delete(i - this.keep)
    this.colours.set(i, { hist: desc.hist, cells: desc.cells, cellRgb: desc.cellRgb, gridW: desc.gridW, gridH: desc.gridH })
    this.colours.delete(i - this.keepColours)
    this.grow(i)
    this.means[i] = desc.meanValue
    this.scores[i] = i === 0 ? 0 : this.distance(this.recent.get(i - 1)!, desc)
    const lag = this.lag()
    while (this.nextToDecide <= i - lag) this.decide(this.nextToDecide++)
  }

  /**
   * Adds a frame already described elsewhere: its score against the frame before (0 for the first),
   * its mean value, its colour descriptor and, where a decision may need it (the frames around a
   * high score, see filmTrace.ts), its full descriptor. Decisions are the same as `add`'s when
   * every descriptor a decision reads is there.
   */
  addKnown(frame: { score: number; meanValue: number; colour: ColourDescriptor; full?: FrameDescriptor }): void {
    if (this.finished) throw new Error('ShotBoundaryDetector: addKnown() after finish()')
    const i = this.count++
    if (frame.full) this.recent.set(i, frame.full)
    this.recent.delete(i - this.keep)
    this.colours.set(i, frame.colour)
    this.colours.delete(i - this.keepColours)
    this.grow(i)
    this.means[i] = frame.meanValue
    this.scores[i] = i === 0 ? 0 : frame.score
    const lag = this.lag()
    while (this.nextToDecide <= i - lag) this.decide(this.nextToDecide++)
  }

  /** The descriptor of the last frame added with `add` (undefined after `finish`). */
  lastDescriptor(): FrameDescriptor | undefined {
    return this.recent.get(this.count - 1)
  }

  /** The score of frame `b` against frame `a`, `gap` frames apart (what `add` computes for neighbours). */
  frameDistance(a: FrameDescriptor, b: FrameDescriptor, gap = 1): number {
    return this.distance(a, b, gap)
  }

  /** The score of frame `i` against frame i − 1 (0 for frame 0). */
  frameScore(i: number): number {
    return this.scores[i]
  }

  /** Mean value (max channel, 0..255) per frame so far. */
  frameMeans(): Float32Array {
    return this.means.slice(0, this.count)
  }

  private grow(i: number): void {
    if (i < this.scores.length) return
    const grown = new Float32Array(this.scores.length * 2)
    grown.set(this.scores)
    this.scores = grown
    const means = new Float32Array(this.scores.length)
    means.set(this.means)
    this.means = means
  }

  /** Decides the last frames (with whatever lookahead there is) and returns the cut frames, ascending. */
  finish(): number[] {
    if (!this.finished) {
      while (this.nextToDecide < this.count) this.decide(this.nextToDecide++)
      this.finished = true
      this.recent.clear()
      this.colours.clear()
    }
    return [...this.cuts]
  }

  /** Per-frame scores so far (score[i] compares frame i with i−1), for diagnostics and tuning. */
  frameScores(): Float32Array {
    return this.scores.slice(0, this.count)
  }

  /** Frames of lookahead a decision needs. */
  private lag(): number {
    return Math.max(this.o.window, this.o.flashFrames, this.o.gradualFrames > 0 ? this.o.steadyFrames : 0)
  }

  /**
   * The frame score of `b` against `a`, 0..1 (see the module doc). `gap`: how many frames apart
   * they are; the motion search widens with it (on a coarser lattice, so the cost stays the same).
   */
  private distance(a: FrameDescriptor, b: FrameDescriptor, gap = 1): number {
    const h = histogramDistance(a.hist, b.hist)
    const radius = Math.max(2, Math.round(a.width * this.o.searchFraction)) * gap
    const step = 2 * gap
    // Both ways: matching a wide shot's flat background into a close-up succeeds, the reverse does not.
    const forward = compensatedSimilarity(a.luma, b.luma, a.width, a.height, radius, step).texturedStructure
    const backward = compensatedSimilarity(b.luma, a.luma, a.width, a.height, radius, step).texturedStructure
    const share = this.share(a, b, gap)
    const structure = (1 - Math.min(forward, backward)) * Math.min(1, share.share / this.o.spreadFull)
    return Math.max(structure, this.colourDistance(a, b, gap, h, share))
  }

  /**
   * How much of the picture is new between `a` and `b`, 0..1: both ways (a bar appearing is new in
   * b, one leaving is new in a), a cell counting as new only when neither a displaced look-alike
   * nor one through the frames' global colour grade (a beat flash, a tint) matches it. `veil`: that
   * grade is a veil of one colour laid on or lifted (colourGrade.ts `isVeil`), a flash's doing.
   */
  private share(a: ColourDescriptor, b: ColourDescriptor, gap: number): { share: number; veil: boolean } {
    const o = this.o
    if (o.gradeTol <= 0) return { share: Math.max(changedShare(a, b, gap, o.cellLumaTol, o.cellChromaTol), changedShare(b, a, gap, o.cellLumaTol, o.cellChromaTol)), veil: false }
    const ab = fitColourGrade(a.cellRgb, b.cellRgb)
    const ba = fitColourGrade(b.cellRgb, a.cellRgb)
    const share = Math.max(
      changedShare(a, b, gap, o.cellLumaTol, o.cellChromaTol, { fit: ab, tol: o.gradeTol }),
      changedShare(b, a, gap, o.cellLumaTol, o.cellChromaTol, { fit: ba, tol: o.gradeTol }),
    )
    return { share, veil: isVeil(ab) || isVeil(ba) }
  }

  /**
   * The colour part of the score: the histogram distance, counted in full only as far as the change
   * covers the picture (a bar or an object changes the histogram a little, and only locally).
   */
  private colourDistance(a: ColourDescriptor, b: ColourDescriptor, gap: number, h = histogramDistance(a.hist, b.hist), share = this.share(a, b, gap)): number {
    // A veil (a strong flash) desaturates every colour and moves the whole histogram; the cells
    // say how much of the picture it left unexplained.
    if (share.veil) return Math.min(share.share, h)
    return Math.max(this.o.histScale * h, Math.min(share.share, h))
  }

  /**
   * The colour distance of frame `y` against frame `x` as the gradual check reads it: looked up
   * when it was worked out before (`knowGradual`: a film replayed from its segments' traces),
   * recorded when asked to (`recordGradual`).
   */
  private gradualDistance(x: number, y: number): number {
    const key = x * PAIR + y
    let d = this.knownGradual.get(key)
    if (d === undefined) {
      d = this.colourDistance(this.colours.get(x)!, this.colours.get(y)!, 1)
      this.recorded?.push(x, y, d)
    }
    return d
  }

  /** Keeps every colour distance the gradual check works out from now on: [x, y, distance] flat. */
  recordGradual(): number[] {
    this.recorded = []
    return this.recorded
  }

  /** Colour distances worked out before, of frames `offset + x` and `offset + y` (flat [x, y, distance] as recordGradual keeps them). */
  knowGradual(pairs: ArrayLike<number>, offset: number): void {
    for (let j = 0; j + 2 < pairs.length; j += 3) this.knownGradual.set((pairs[j] + offset) * PAIR + pairs[j + 1] + offset, pairs[j + 2])
  }

  private decide(i: number): void {
    this.decideHard(i)
    if (this.o.gradualFrames > 0) this.decideGradual(i)
  }

  /**
   * Gradual transitions ending `steadyFrames` before `i`: frames a < b (the last frame before the
   * transition, the first after it) that are each steady with their neighbours outside the span,
   * look like different shots (colour distance ≥ `minScore`), with no cut found in between, and
   * every frame between is a mix of the two (a dissolve: αA + (1−α)B; a fade through black:
   * αA + βB with α + β < 1). A pan or a moving object makes frames that are no such mix. The cut is
   * reported in the middle of the span.
   */
  private decideGradual(i: number): void {
    const o = this.o
    const k = o.steadyFrames
    const b = i - k
    const last = this.cuts.length ? this.cuts[this.cuts.length - 1] : 0
    const B = this.colours.get(b)
    const after = this.colours.get(i)
    if (!B || !after) return
    let steadyAfter: number | undefined
    for (let a = b - 2; a >= b - o.gradualFrames && a - k > last; a--) {
      const A = this.colours.get(a)
      const before = this.colours.get(a - k)
      if (!A || !before) return
      const c = this.gradualDistance(a, b)
      if (c < o.minScore) continue
      // Steady ends: the change over the span is ≥ 4× that over `steadyFrames` outside it.
      steadyAfter ??= this.gradualDistance(b, i)
      if (steadyAfter > c / 4) return
      if (this.gradualDistance(a - k, a) > c / 4) continue
      let mixes = true
      for (let m = a + 1; m < b && mixes; m++) mixes = mixMisfit(this.colours.get(m)!.cellRgb, A.cellRgb, B.cellRgb) <= o.mixMisfit
      if (!mixes) continue
      const cut = Math.round((a + b + 1) / 2)
      if (!this.endsFade(cut)) {
        this.cuts.push(cut)
        this.cutScores.push(c)
      }
      return
    }
  }

  /**
   * True when a cut at `cut` comes out of a fade (or cut) to black that the last cut already
   * reported: within `gradualFrames` of it, with a dark frame between.
   */
  private endsFade(cut: number): boolean {
    if (this.o.gradualFrames <= 0 || !this.cuts.length) return false
    const last = this.cuts[this.cuts.length - 1]
    if (cut - last > this.o.gradualFrames) return false
    for (let j = last; j < cut; j++) if (this.means[j] < this.o.darkLuma) return true
    return false
  }

  private decideHard(i: number): void {
    const o = this.o
    const s = this.scores[i]
    if (s < o.minScore) return
    const around: number[] = []
    for (let k = 1; k <= o.window; k++) {
      if (i - k >= 1) around.push(this.scores[i - k])
      if (i + k < this.count) around.push(this.scores[i + k])
    }
    const local = Math.max(o.minLocalScore, median(around))
    if (s < o.adaptiveRatio * local) return
    if (this.isFlash(i, s)) return
    const last = this.cuts.length ? this.cuts[this.cuts.length - 1] : 0
    // Out of black (or a fade's dark bottom) soon after a cut into it: one transition, reported once.
    if (this.endsFade(i)) return
    if (i - last < o.minShotFrames) {
      // Too close to the previous cut (or to the start): keep the stronger one.
      if (this.cuts.length && s > this.cutScores[this.cutScores.length - 1]) {
        this.cuts[this.cuts.length - 1] = i
        this.cutScores[this.cutScores.length - 1] = s
      }
      return
    }
    this.cuts.push(i)
    this.cutScores.push(s)
  }

  /** True when some frame before `i` and some frame from `i` on (other than i−1, i) look alike. */
  private isFlash(i: number, s: number): boolean {
    const L = this.o.flashFrames
    const pairs: Array<[number, number]> = []
    for (let a = i - 1 - L; a <= i - 1; a++) for (let b = i; b <= i + L; b++) if (!(a === i - 1 && b === i)) pairs.push([a, b])
    // Nearest pairs first: they are the likeliest to match, and the first match settles it.
    pairs.sort((p, q) => p[1] - p[0] - (q[1] - q[0]))
    for (const [a, b] of pairs) {
      const da = this.recent.get(a)
      const db = this.recent.get(b)
      if (da && db && this.distance(da, db, b - a) < this.o.flashSimilarity * s) return true
    }
    return false
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * Convenience: decodes a video at a small size (`width`, default 160, with the source's aspect
 * ratio) and returns the frames where a new shot starts.
 */
export async function detectShotBoundaries(
  path: string,
  opts: { width?: number; signal?: AbortSignal } & CutDetectorOptions = {},
): Promise<number[]> {
  const { width, signal, ...detectorOpts } = opts
  const info = await probeMedia(path, { signal })
  if (!info.video) throw new Error(`no video stream in ${path}`)
  const sz = analysisSize(info.video.width, info.video.height, width ?? 160)
  const detector = new ShotBoundaryDetector(sz.width, sz.height, detectorOpts)
  await decodeFrames(path, { ...sz, format: 'rgb24', signal }, (frame) => detector.add(frame))
  return detector.finish()
}
