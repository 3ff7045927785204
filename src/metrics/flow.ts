/**
 * Dense optical flow from real grey frames, in pure TypeScript: pyramidal Lucas–Kanade, solved for
 * every pixel with iterative warping (the video-side input of AV-Align and the motion-beat metrics).
 *
 * Algorithm, for a pair `prev`, `next` (grey 0..255, row-major):
 * 1. Pyramids. Level 0 is the frame smoothed by the 5-tap binomial [1 4 6 4 1]/16 (σ ≈ 1 px, so
 *    gradients of 8-bit, compressed pictures are stable); level l+1 is level l smoothed by the same
 *    kernel and decimated by 2 (pyr_scale 0.5; size ⌈w/2⌉×⌈h/2⌉). Central-difference gradients are
 *    kept per level.
 * 2. Coarse to fine. The coarsest level starts from zero flow; each finer level starts from the
 *    coarser flow, bilinearly upsampled and doubled.
 * 3. At each level, `iterations` warping refinements. `next` and its gradients are sampled
 *    bilinearly at (x + f_x) for every pixel x with its current flow f_x; g = (∇prev + ∇next_warped)/2
 *    (symmetric gradient), e = next_warped − prev. Each pixel j's brightness-constancy equation,
 *    linearised at its own flow, is g_j·(f − f_j) + e_j + κ = 0, where κ is a brightness offset
 *    shared by the window. Around every pixel the equations of its (2r+1)² box window W are solved
 *    in the least-squares sense for one flow f and one κ: with κ eliminated,
 *      (Σ g gᵀ − Σg Σgᵀ/N + λI) f = Σ (g gᵀ f_j − g e_j) − Σg Σ(g·f_j − e_j)/N + λ f_current
 *    (sums over W's N valid pixels; separable running sums, so the cost does not depend on r).
 *    Linearising each pixel at its own flow (rather than stepping every pixel by its window's mean
 *    residual) is what keeps the iteration stable for a per-pixel field.
 *    - κ makes the match insensitive to a local brightness offset (lighting drift, flashes, the
 *      additive part of a fade), which plain brightness constancy reads as motion.
 *    - λ = FLOW_DAMPING·(2r+1)² pulls towards the current estimate: flat, noisy areas and pure edges
 *      (the aperture problem) keep the flow they had (zero from the top level) instead of amplifying
 *      noise; it does not bias the converged result.
 *    - Samples that land outside the picture contribute nothing (content entering the frame does
 *      not drag its neighbours).
 *
 * Parameters (FlowOptions): `levels` 3 (including full size; pyr_scale 0.5, as references.md's
 * Farnebäck 0.5, 3 levels), `windowRadius` 7 (a 15×15 window: its winsize 15), `iterations` 3 per
 * level (its 3 iterations). At 160×90 these track shifts of 7 px/frame on fine texture (periods
 * down to 6 px) and about 15 px/frame on coarse texture; faster motion needs `levels` 4.
 */

/** A dense flow field: pixel (x, y) of `prev` moved to (x + u, y + v) in `next`. */
export interface FlowField {
  width: number
  height: number
  u: Float32Array
  v: Float32Array
}

export interface FlowOptions {
  /**
   * Pyramid levels including the full-size frame; each halves the size (pyr_scale 0.5). Default 3.
   * Fewer are used when a level would be under 8 px on a side.
   */
  levels?: number
  /** Half-size r of the square summation window ((2r+1)² pixels). Default 7 (winsize 15). */
  windowRadius?: number
  /** Warping refinements per pyramid level. Default 3. */
  iterations?: number
}

export interface MotionTrackerOptions extends FlowOptions {
  /** Border (pixels) left out of the mean magnitude. Default DEFAULT_FLOW_BORDER. */
  border?: number
}

export const DEFAULT_FLOW_LEVELS = 3
export const DEFAULT_FLOW_WINDOW_RADIUS = 7
export const DEFAULT_FLOW_ITERATIONS = 3
/** Pixels at the picture's edge left out of MotionTracker's mean (the smoothing clamps there). */
export const DEFAULT_FLOW_BORDER = 2
/**
 * Damping per window pixel, in (grey levels / px)²: well above the squared gradient of 8-bit
 * compression noise (~1), well below that of any visible texture (≫ 10).
 */
export const FLOW_DAMPING = 2
/** A level is only built while both sides stay at least this long (smaller ones carry no texture). */
const MIN_LEVEL_SIDE = 8

interface ResolvedOptions {
  levels: number
  radius: number
  iterations: number
}

function resolveOptions(width: number, height: number, opts: FlowOptions = {}): ResolvedOptions {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
    throw new RangeError(`flow: frame size must be integers ≥ 2 (got ${width}×${height})`)
  }
  const levels = opts.levels ?? DEFAULT_FLOW_LEVELS
  const radius = opts.windowRadius ?? DEFAULT_FLOW_WINDOW_RADIUS
  const iterations = opts.iterations ?? DEFAULT_FLOW_ITERATIONS
  for (const [name, value, min] of [
    ['levels', levels, 1],
    ['windowRadius', radius, 1],
    ['iterations', iterations, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`flow: ${name} must be an integer ≥ ${min} (got ${value})`)
  }
  // Stop halving before a level becomes too small to hold texture.
  let usable = 1
  let w = width
  let h = height
  while (usable < levels) {
    w = Math.ceil(w / 2)
    h = Math.ceil(h / 2)
    if (Math.min(w, h) < MIN_LEVEL_SIDE) break
    usable++
  }
  return { levels: usable, radius, iterations }
}

/** One pyramid level: the smoothed picture and its gradients. */
interface Level {
  width: number
  height: number
  img: Float32Array
  gx: Float32Array
  gy: Float32Array
}

/** A frame's pyramid in preallocated buffers, rebuilt in place for each new frame. */
class Pyramid {
  readonly levels: Level[] = []
  private readonly src: Float32Array
  private readonly tmp: Float32Array

  constructor(width: number, height: number, levels: number) {
    let w = width
    let h = height
    for (let l = 0; l < levels; l++) {
      const n = w * h
      this.levels.push({ width: w, height: h, img: new Float32Array(n), gx: new Float32Array(n), gy: new Float32Array(n) })
      w = Math.ceil(w / 2)
      h = Math.ceil(h / 2)
    }
    this.src = new Float32Array(width * height)
    this.tmp = new Float32Array(width * height)
  }

  build(frame: ArrayLike<number>): void {
    const src = this.src
    // One copy into Float32Array keeps the inner loops monomorphic whatever the caller passes.
    for (let i = 0; i < src.length; i++) src[i] = frame[i]
    const base = this.levels[0]
    smoothBinomial(src, base.img, base.width, base.height, this.tmp)
    gradients(base)
    for (let l = 1; l < this.levels.length; l++) {
      downsample(this.levels[l - 1], this.levels[l], this.tmp)
      gradients(this.levels[l])
    }
  }
}

/** [1 4 6 4 1]/16 along rows then columns, edges clamped. */
function smoothBinomial(src: Float32Array, dst: Float32Array, w: number, h: number, tmp: Float32Array): void {
  for (let y = 0; y < h; y++) {
    const o = y * w
    for (let x = 0; x < w; x++) {
      const xm2 = x >= 2 ? x - 2 : 0
      const xm1 = x >= 1 ? x - 1 : 0
      const xp1 = x + 1 < w ? x + 1 : w - 1
      const xp2 = x + 2 < w ? x + 2 : w - 1
      tmp[o + x] = (src[o + xm2] + src[o + xp2] + 4 * (src[o + xm1] + src[o + xp1]) + 6 * src[o + x]) * 0.0625
    }
  }
  for (let y = 0; y < h; y++) {
    const om2 = (y >= 2 ? y - 2 : 0) * w
    const om1 = (y >= 1 ? y - 1 : 0) * w
    const o = y * w
    const op1 = (y + 1 < h ? y + 1 : h - 1) * w
    const op2 = (y + 2 < h ? y + 2 : h - 1) * w
    for (let x = 0; x < w; x++) {
      dst[o + x] = (tmp[om2 + x] + tmp[op2 + x] + 4 * (tmp[om1 + x] + tmp[op1 + x]) + 6 * tmp[o + x]) * 0.0625
    }
  }
}

/** Binomial smoothing evaluated only at even columns and rows: fine pixel 2i becomes coarse pixel i. */
function downsample(fine: Level, coarse: Level, tmp: Float32Array): void {
  const w = fine.width
  const h = fine.height
  const cw = coarse.width
  const ch = coarse.height
  const src = fine.img
  for (let y = 0; y < h; y++) {
    const o = y * w
    const t = y * cw
    for (let cx = 0; cx < cw; cx++) {
      const x = 2 * cx
      const xm2 = x >= 2 ? x - 2 : 0
      const xm1 = x >= 1 ? x - 1 : 0
      const xp1 = x + 1 < w ? x + 1 : w - 1
      const xp2 = x + 2 < w ? x + 2 : w - 1
      tmp[t + cx] = (src[o + xm2] + src[o + xp2] + 4 * (src[o + xm1] + src[o + xp1]) + 6 * src[o + x]) * 0.0625
    }
  }
  const dst = coarse.img
  for (let cy = 0; cy < ch; cy++) {
    const y = 2 * cy
    const om2 = (y >= 2 ? y - 2 : 0) * cw
    const om1 = (y >= 1 ? y - 1 : 0) * cw
    const o = y * cw
    const op1 = (y + 1 < h ? y + 1 : h - 1) * cw
    const op2 = (y + 2 < h ? y + 2 : h - 1) * cw
    const d = cy * cw
    for (let cx = 0; cx < cw; cx++) {
      dst[d + cx] = (tmp[om2 + cx] + tmp[op2 + cx] + 4 * (tmp[om1 + cx] + tmp[op1 + cx]) + 6 * tmp[o + cx]) * 0.0625
    }
  }
}

/** Central differences inside, one-sided at the edges. */
function gradients(level: Level): void {
  const { width: w, height: h, img, gx, gy } = level
  for (let y = 0; y < h; y++) {
    const o = y * w
    gx[o] = img[o + 1] - img[o]
    for (let x = 1; x < w - 1; x++) gx[o + x] = 0.5 * (img[o + x + 1] - img[o + x - 1])
    gx[o + w - 1] = img[o + w - 1] - img[o + w - 2]
  }
  for (let x = 0; x < w; x++) {
    gy[x] = img[w + x] - img[x]
    gy[(h - 1) * w + x] = img[(h - 1) * w + x] - img[(h - 2) * w + x]
  }
  for (let y = 1; y < h - 1; y++) {
    const o = y * w
    for (let x = 0; x < w; x++) gy[o + x] = 0.5 * (img[o + w + x] - img[o - w + x])
  }
}

/** Terms per pixel, interleaved: gxx gxy gyy, (G·f − g·e)x, (G·f − g·e)y, gx, gy, g·f − e, valid (1/0). */
const TERMS = 9

/** Scratch buffers and per-level flow for one frame size, reused across frames. */
class FlowSolver {
  private readonly u: Float32Array[] = []
  private readonly v: Float32Array[] = []
  /** The full-size flow (level 0's buffers). */
  private readonly field: FlowField
  /** The TERMS per pixel, interleaved (one contiguous pass slides every column sum at once). */
  private readonly terms: Float32Array
  /** Their column sums over the window's rows, zero-padded by windowRadius + 1 columns each side. */
  private readonly cols: Float64Array

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly opts: ResolvedOptions,
  ) {
    let w = width
    let h = height
    for (let l = 0; l < opts.levels; l++) {
      this.u.push(new Float32Array(w * h))
      this.v.push(new Float32Array(w * h))
      w = Math.ceil(w / 2)
      h = Math.ceil(h / 2)
    }
    this.field = { width, height, u: this.u[0], v: this.v[0] }
    this.terms = new Float32Array(TERMS * width * height)
    this.cols = new Float64Array(TERMS * (width + 2 * opts.radius + 2))
  }

  /** Full-resolution flow from `prev` to `next`, in buffers owned by the solver (overwritten next call). */
  solve(prev: Pyramid, next: Pyramid): FlowField {
    const top = this.opts.levels - 1
    this.u[top].fill(0)
    this.v[top].fill(0)
    for (let l = top; l >= 0; l--) {
      if (l < top) upsampleFlow(this.u[l + 1], this.v[l + 1], prev.levels[l + 1], this.u[l], this.v[l], prev.levels[l])
      for (let it = 0; it < this.opts.iterations; it++) {
        this.linearise(prev.levels[l], next.levels[l], this.u[l], this.v[l])
        this.sweep(prev.levels[l].width, prev.levels[l].height, this.u[l], this.v[l])
      }
    }
    return this.field
  }

  /** Warps `next` (and its gradients) by the current flow and writes every pixel's TERMS. */
  private linearise(P: Level, N: Level, u: Float32Array, v: Float32Array): void {
    const w = P.width
    const h = P.height
    const t = this.terms
    const pImg = P.img
    const pGx = P.gx
    const pGy = P.gy
    const nImg = N.img
    const nGx = N.gx
    const nGy = N.gy
    const maxX = w - 1
    const maxY = h - 1
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        const k = TERMS * i
        const fu = u[i]
        const fv = v[i]
        const sx = x + fu
        const sy = y + fv
        if (!(sx >= 0 && sy >= 0 && sx <= maxX && sy <= maxY)) {
          // Lands outside the picture (or NaN): no evidence from this pixel.
          for (let q = 0; q < TERMS; q++) t[k + q] = 0
          continue
        }
        let x0 = sx | 0
        let y0 = sy | 0
        if (x0 >= maxX) x0 = maxX - 1
        if (y0 >= maxY) y0 = maxY - 1
        const fx = sx - x0
        const fy = sy - y0
        const j = y0 * w + x0
        const w00 = (1 - fx) * (1 - fy)
        const w01 = fx * (1 - fy)
        const w10 = (1 - fx) * fy
        const w11 = fx * fy
        const nI = w00 * nImg[j] + w01 * nImg[j + 1] + w10 * nImg[j + w] + w11 * nImg[j + w + 1]
        const nx = w00 * nGx[j] + w01 * nGx[j + 1] + w10 * nGx[j + w] + w11 * nGx[j + w + 1]
        const ny = w00 * nGy[j] + w01 * nGy[j + 1] + w10 * nGy[j + w] + w11 * nGy[j + w + 1]
        const gx = 0.5 * (pGx[i] + nx)
        const gy = 0.5 * (pGy[i] + ny)
        const e = nI - pImg[i]
        const gxx = gx * gx
        const gxy = gx * gy
        const gyy = gy * gy
        t[k] = gxx
        t[k + 1] = gxy
        t[k + 2] = gyy
        // This pixel's equation g·(f − f_i) + e + κ = 0 (κ: the window's brightness offset),
        // linearised at its own flow f_i: summed, these terms give the normal equations.
        t[k + 3] = gxx * fu + gxy * fv - gx * e
        t[k + 4] = gxy * fu + gyy * fv - gy * e
        t[k + 5] = gx
        t[k + 6] = gy
        t[k + 7] = gx * fu + gy * fv - e
        t[k + 8] = 1
      }
    }
  }

  /**
   * Sums the TERMS over every pixel's window and solves, in one sweep down the rows: the column
   * sums slide down one row at a time (one contiguous pass over the interleaved terms), and a
   * running sum along the row gives each window (zero padding: no branches at the edges).
   * Per pixel, with S the window sums: the offset κ = (Sρ − Sg·f)/N is eliminated, leaving
   *   (SG − Sg Sgᵀ/N + λI) f = SB − Sg Sρ/N + λ f_current,
   * damped towards the current estimate so that the converged flow is unbiased.
   */
  private sweep(w: number, h: number, u: Float32Array, v: Float32Array): void {
    const r = this.opts.radius
    const side = 2 * r + 1
    const lambda = FLOW_DAMPING * side * side
    const t = this.terms
    const cols = this.cols
    const pad = r + 1
    const rowLen = TERMS * w
    const padOff = TERMS * pad
    cols.fill(0, 0, TERMS * (w + 2 * pad))
    for (let y = 0; y <= Math.min(r, h - 1); y++) {
      const o = y * rowLen
      for (let q = 0; q < rowLen; q++) cols[padOff + q] += t[o + q]
    }
    for (let y = 0; y < h; y++) {
      // Window of x = 0 covers padded columns 1 … 2r+1.
      let sxx = 0
      let sxy = 0
      let syy = 0
      let sbx = 0
      let sby = 0
      let sgx = 0
      let sgy = 0
      let sr = 0
      let sn = 0
      for (let q = TERMS; q <= TERMS * side; q += TERMS) {
        sxx += cols[q]
        sxy += cols[q + 1]
        syy += cols[q + 2]
        sbx += cols[q + 3]
        sby += cols[q + 4]
        sgx += cols[q + 5]
        sgy += cols[q + 6]
        sr += cols[q + 7]
        sn += cols[q + 8]
      }
      const o = y * w
      let qa = TERMS * (side + 1)
      let qs = TERMS
      for (let x = 0; x < w; x++) {
        const i = o + x
        const inv = sn >= 0.5 ? 1 / sn : 0
        const gxm = sgx * inv
        const gym = sgy * inv
        const a = sxx - sgx * gxm + lambda
        const b = sxy - sgx * gym
        const c = syy - sgy * gym + lambda
        const d = sbx - gxm * sr + lambda * u[i]
        const e = sby - gym * sr + lambda * v[i]
        const det = a * c - b * b
        u[i] = (c * d - b * e) / det
        v[i] = (a * e - b * d) / det
        sxx += cols[qa] - cols[qs]
        sxy += cols[qa + 1] - cols[qs + 1]
        syy += cols[qa + 2] - cols[qs + 2]
        sbx += cols[qa + 3] - cols[qs + 3]
        sby += cols[qa + 4] - cols[qs + 4]
        sgx += cols[qa + 5] - cols[qs + 5]
        sgy += cols[qa + 6] - cols[qs + 6]
        sr += cols[qa + 7] - cols[qs + 7]
        sn += cols[qa + 8] - cols[qs + 8]
        qa += TERMS
        qs += TERMS
      }
      // Slide the columns down: row y + r + 1 enters, row y − r leaves.
      const enter = y + r + 1 < h ? (y + r + 1) * rowLen : -1
      const leave = y - r >= 0 ? (y - r) * rowLen : -1
      if (enter >= 0 && leave >= 0) {
        for (let q = 0; q < rowLen; q++) cols[padOff + q] += t[enter + q] - t[leave + q]
      } else if (enter >= 0) {
        for (let q = 0; q < rowLen; q++) cols[padOff + q] += t[enter + q]
      } else if (leave >= 0) {
        for (let q = 0; q < rowLen; q++) cols[padOff + q] -= t[leave + q]
      }
    }
  }
}

/** Coarse flow → finer level: bilinear at (x/2, y/2), doubled (displacements double with the size). */
function upsampleFlow(cu: Float32Array, cv: Float32Array, coarse: Level, fu: Float32Array, fv: Float32Array, fine: Level): void {
  const cw = coarse.width
  const ch = coarse.height
  const w = fine.width
  const h = fine.height
  for (let y = 0; y < h; y++) {
    const sy = y * 0.5
    let y0 = sy | 0
    if (y0 >= ch - 1) y0 = Math.max(0, ch - 2)
    const fy = ch > 1 ? Math.min(1, sy - y0) : 0
    for (let x = 0; x < w; x++) {
      const sx = x * 0.5
      let x0 = sx | 0
      if (x0 >= cw - 1) x0 = Math.max(0, cw - 2)
      const fx = cw > 1 ? Math.min(1, sx - x0) : 0
      const j = y0 * cw + x0
      const w00 = (1 - fx) * (1 - fy)
      const w01 = fx * (1 - fy)
      const w10 = (1 - fx) * fy
      const w11 = fx * fy
      const i = y * w + x
      fu[i] = 2 * (w00 * cu[j] + w01 * cu[j + 1] + w10 * cu[j + cw] + w11 * cu[j + cw + 1])
      fv[i] = 2 * (w00 * cv[j] + w01 * cv[j + 1] + w10 * cv[j + cw] + w11 * cv[j + cw + 1])
    }
  }
}

function checkFrame(name: string, frame: ArrayLike<number>, width: number, height: number): void {
  if (frame.length !== width * height) {
    throw new RangeError(`flow: ${name} has ${frame.length} pixels, expected ${width}×${height} = ${width * height}`)
  }
}

/**
 * Dense flow from `prev` to `next` (grey, 0..255, row-major, width×height): next(x+u, y+v) ≈ prev(x, y).
 * Pyramidal Lucas–Kanade with iterative warping (see the module comment for the algorithm and the
 * defaults of `opts`). Returns freshly allocated arrays.
 */
export function denseFlow(prev: ArrayLike<number>, next: ArrayLike<number>, width: number, height: number, opts?: FlowOptions): FlowField {
  const resolved = resolveOptions(width, height, opts)
  checkFrame('prev', prev, width, height)
  checkFrame('next', next, width, height)
  const a = new Pyramid(width, height, resolved.levels)
  const b = new Pyramid(width, height, resolved.levels)
  a.build(prev)
  b.build(next)
  return new FlowSolver(width, height, resolved).solve(a, b)
}

/** The interior rectangle left after dropping `border` pixels per side (at least one pixel remains). */
function interior(flow: FlowField, border: number): { x0: number; x1: number; y0: number; y1: number } {
  const b = Math.max(0, Math.floor(border))
  const bx = Math.min(b, Math.floor((flow.width - 1) / 2))
  const by = Math.min(b, Math.floor((flow.height - 1) / 2))
  return { x0: bx, x1: flow.width - bx, y0: by, y1: flow.height - by }
}

/**
 * Mean flow magnitude (pixels/frame) over the field, ignoring a border of `border` pixels:
 * mean of √(u² + v²) over the interior pixels. `border` defaults to 0 (the whole field).
 */
export function meanFlowMagnitude(flow: FlowField, border = 0): number {
  const { x0, x1, y0, y1 } = interior(flow, border)
  const { u, v, width: w } = flow
  let sum = 0
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x
      sum += Math.sqrt(u[i] * u[i] + v[i] * v[i])
    }
  }
  return sum / ((x1 - x0) * (y1 - y0))
}

/** Mean flow vector (pixels/frame) over the field, ignoring a border of `border` pixels (default 0). */
export function meanFlowVector(flow: FlowField, border = 0): { u: number; v: number } {
  const { x0, x1, y0, y1 } = interior(flow, border)
  const { u, v, width: w } = flow
  let su = 0
  let sv = 0
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      su += u[y * w + x]
      sv += v[y * w + x]
    }
  }
  const n = (x1 - x0) * (y1 - y0)
  return { u: su / n, v: sv / n }
}

/**
 * Streaming motion measurement for a video: feed grey frames (Uint8Array, reused buffers are fine)
 * in order; `add` returns the mean flow magnitude between this frame and the previous one
 * (0 for the first frame), i.e. meanFlowMagnitude(denseFlow(previous, this), border) with
 * `opts.border` (default DEFAULT_FLOW_BORDER). Holds only the previous frame's pyramid; every
 * buffer is allocated once, in the constructor. Across a cut the value measures no motion (two
 * unrelated pictures give a few px/frame): call `reset()` at known cuts.
 */
export class MotionTracker {
  private readonly opts: ResolvedOptions
  private readonly border: number
  private prev: Pyramid
  private cur: Pyramid
  private readonly solver: FlowSolver
  private hasPrev = false
  private last: FlowField | undefined

  constructor(
    readonly width: number,
    readonly height: number,
    opts: MotionTrackerOptions = {},
  ) {
    this.opts = resolveOptions(width, height, opts)
    this.border = opts.border ?? DEFAULT_FLOW_BORDER
    this.prev = new Pyramid(width, height, this.opts.levels)
    this.cur = new Pyramid(width, height, this.opts.levels)
    this.solver = new FlowSolver(width, height, this.opts)
  }

  add(gray: Uint8Array): number {
    checkFrame('frame', gray, this.width, this.height)
    this.cur.build(gray)
    let magnitude = 0
    if (this.hasPrev) {
      this.last = this.solver.solve(this.prev, this.cur)
      magnitude = meanFlowMagnitude(this.last, this.border)
    }
    // The new frame becomes the previous one; the old pyramid's buffers are reused next time.
    const t = this.prev
    this.prev = this.cur
    this.cur = t
    this.hasPrev = true
    return magnitude
  }

  /** The flow computed by the last `add` (buffers are reused: copy to keep), undefined before a pair. */
  get lastFlow(): FlowField | undefined {
    return this.last
  }

  /** Forgets the previous frame (e.g. at a cut): the next `add` returns 0. */
  reset(): void {
    this.hasPrev = false
    this.last = undefined
  }
}
