/**
 * Temporal consistency and flicker from small grey frames, streaming.
 *
 * Cuts are only known once the whole video has been seen, so `add()` keeps per-frame scalars
 * (mean luma and the similarity to the previous frame: two floats per frame, never pictures) and
 * `summary(cuts, range)` computes the figures for any span afterwards, excluding every frame pair
 * or triplet that straddles a cut.
 *
 * **Temporal consistency** (the Temp-C of MTV, there CLIP similarity of consecutive frames; here
 * a picture measure that needs no model): the mean, over consecutive frame pairs inside shots, of
 * a motion-compensated structural similarity, 0..1. For a pair (previous, current) the frames are
 * halved (2×2 box) and every 8×8 window of the current frame (stride 4) is matched to the window
 * of the previous frame within ±1/8 of the frame width that differs least once both are made
 * zero-mean (plus half their brightness difference, so a flicker does not pull the match to
 * another place; coarse search in steps of 2 px, then ±1 px); the pair's similarity is the mean
 * SSIM (C1 = (0.01·255)², C2 = (0.03·255)²) of the matched windows, clipped to 0..1. The search
 * makes fast but coherent motion (a pan, a moving object: up to ~20 px per frame at 160 px wide)
 * score near 1, like an embedding similarity would, while flicker (luminance term), boiling noise
 * and texture that re-generates every frame (structure term) and jumps inside a shot score low.
 * Measured at 160×90: testsrc2 0.98, a 20 px/frame pan 0.97, a fast box 0.98, a 3 %/frame zoom
 * 0.94, a pan at 40 px/frame (beyond the search) 0.81, luma flicker ±15 % 0.77–0.82, boiling
 * noise 0.43; two procedural renders 0.95–0.97.
 *
 * **Flicker index**: the part of the mean-luma changes that reverts at once. With L the mean luma
 * (0..1), the local level m(i) = max(0.1, mean of L(i−1), L(i), L(i+1)) and the relative jumps
 * j1 = (L(i) − L(i−1)) / m, j2 = (L(i+1) − L(i)) / m, a triplet inside a shot contributes
 * r(i) = min(|j1|, |j2|) when j1 and j2 have opposite signs (up then down, or down then up), else 0;
 * flicker = RMS(r) / 2 over the triplets. Luma alternating by ±a (relative) every frame gives
 * r = 2a, hence a flicker index of a (a ±15 % alternation → 0.15); fades, ramps and steps (a light
 * switched on, a cut to black) give 0; normal footage stays under 0.01. (A second difference would
 * count steps too.) The floor of m keeps noise in near-black frames from counting as large
 * relative changes.
 *
 * **Flicker frames**: frames i where the luma jumps and comes back: |L(i) − L(i−1)| and
 * |L(i+1) − L(i)| are both at least `minJump` (relative to the local level, default 4 %), in
 * opposite directions, and L(i+1) returns to within half the smaller jump of L(i−1). A single
 * flash frame is flagged; a ramp, a step (a lighting change) or motion is not.
 */

export interface TemporalOptions {
  /** Frame size of the grey frames; inferred from the first frame's length when omitted (common aspect ratios). */
  width?: number
  height?: number
  /** Smallest luma jump (relative to the local level) that counts towards a flicker frame. Default 0.04. */
  minJump?: number
}

export interface TemporalSummary {
  /** Mean motion-compensated SSIM of consecutive frames within shots, 0..1 (1 when no pair). */
  consistency: number
  /** Flicker index, 0 upward: the equivalent relative amplitude of a frame-to-frame luma alternation. */
  flicker: number
  /** Frames where the luma jumps and reverts (absolute frame indices), ascending. */
  flickerFrames: number[]
  /** Frame pairs the consistency was averaged over. */
  pairs: number
}

const C1 = (0.01 * 255) ** 2
const C2 = (0.03 * 255) ** 2
const WIN = 8
/** σa² + σb² at or above this (grey levels²) marks a window pair with texture to compare. */
const TEXTURE_VAR = 400
/** `texturedStructure` averages at least this share of the windows (the most textured ones). */
const TEXTURED_MIN_SHARE = 0.3
const STRIDE = 4

/** The most common analysis aspect ratios, tried when the frame size is not given. */
const ASPECTS = [16 / 9, 9 / 16, 4 / 3, 3 / 4, 1, 21 / 9, 2.39, 1.85]

/** Guesses width×height of a frame of `pixels` pixels (analysisSize rounds heights to even numbers). */
export function inferFrameSize(pixels: number): { width: number; height: number } {
  for (const a of ASPECTS) {
    const w0 = Math.sqrt(pixels * a)
    for (const w of [Math.round(w0), Math.round(w0 / 2) * 2, Math.floor(w0), Math.ceil(w0)]) {
      if (w > 0 && pixels % w === 0) {
        const h = pixels / w
        if (Math.abs(w / h - a) / a < 0.03) return { width: w, height: h }
      }
    }
  }
  return { width: pixels, height: 1 }
}

/** Halves a grey frame with a 2×2 box filter (odd last row/column dropped). */
export function halve(src: Uint8Array, width: number, height: number, out?: Float32Array): { data: Float32Array; width: number; height: number } {
  const w = width >> 1
  const h = height >> 1
  const data = out && out.length === w * h ? out : new Float32Array(w * h)
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width
    const r1 = r0 + width
    for (let x = 0; x < w; x++) {
      const c = 2 * x
      data[y * w + x] = (src[r0 + c] + src[r0 + c + 1] + src[r1 + c] + src[r1 + c + 1]) / 4
    }
  }
  return { data, width: w, height: h }
}

/**
 * Motion-compensated mean SSIM of `cur` against `prev` (same size, one float per pixel), 0..1;
 * see the module doc. `radius`: the search range in pixels.
 */
export function compensatedSsim(prev: Float32Array, cur: Float32Array, width: number, height: number, radius: number): number {
  return compensatedSimilarity(prev, cur, width, height, radius).ssim
}

/**
 * The motion-compensated window comparison behind compensatedSsim, 0..1 each:
 * - `ssim`: the mean SSIM of the matched windows;
 * - `structure`: the mean of SSIM's contrast-structure term alone ((2·cov + C2) / (σa² + σb² + C2)),
 *   which ignores the windows' brightness: a cut changes it, a brightness pulse does not;
 * - `texturedStructure`: the same term averaged over the textured windows only (σa² + σb² ≥ 400,
 *   and at least the 30 % most textured): two flat windows are "similar" whatever they show, so
 *   flat walls and skies would water a cut down. (With few textured windows the 30 % floor keeps
 *   a handful of edges entering the frame from deciding alone.)
 */
export function compensatedSimilarity(
  prev: Float32Array,
  cur: Float32Array,
  width: number,
  height: number,
  radius: number,
  /** Lattice step of the coarse search (2 by default); a wide search can use a coarser one. */
  coarseStep = 2,
): { ssim: number; structure: number; texturedStructure: number } {
  const win = Math.min(WIN, width, height)
  const n = win * win
  let sum = 0
  let csSum = 0
  let count = 0
  /** [σa² + σb², structure term] per window. */
  const all: Array<[number, number]> = []
  // Window means of `prev` at every position, from a summed-area table: the match is made on
  // zero-mean windows so a brightness change (flicker) does not pull it to another place.
  const iw = width + 1
  const integral = new Float64Array(iw * (height + 1))
  for (let y = 0; y < height; y++) {
    let row = 0
    for (let x = 0; x < width; x++) {
      row += prev[y * width + x]
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + row
    }
  }
  const prevMean = (x: number, y: number) =>
    (integral[(y + win) * iw + x + win] - integral[y * iw + x + win] - integral[(y + win) * iw + x] + integral[y * iw + x]) / n
  /** Matching cost; stops early (returning ≥ `limit`) once it cannot beat the best so far. */
  const sad = (x0: number, y0: number, curMean: number, x1: number, y1: number, limit = Infinity) => {
    const off = curMean - prevMean(x1, y1)
    // Half weight on the brightness difference: it still decides between flat windows.
    let s = 0.5 * n * Math.abs(off)
    for (let y = 0; y < win && s < limit; y++) {
      const a = (y0 + y) * width + x0
      const b = (y1 + y) * width + x1
      for (let x = 0; x < win; x++) s += Math.abs(cur[a + x] - prev[b + x] - off)
    }
    return s
  }
  for (let y0 = 0; y0 + win <= height; y0 += STRIDE) {
    for (let x0 = 0; x0 + win <= width; x0 += STRIDE) {
      let curSum = 0
      for (let y = 0; y < win; y++) for (let x = 0; x < win; x++) curSum += cur[(y0 + y) * width + x0 + x]
      const cm = curSum / n
      // Coarse search on a lattice, then the 8 neighbours of the best at halving steps down to 1 px.
      let bx = x0
      let by = y0
      let best = sad(x0, y0, cm, x0, y0)
      for (let dy = -radius; dy <= radius; dy += coarseStep) {
        const y1 = y0 + dy
        if (y1 < 0 || y1 + win > height) continue
        for (let dx = -radius; dx <= radius; dx += coarseStep) {
          const x1 = x0 + dx
          if (x1 < 0 || x1 + win > width) continue
          const s = sad(x0, y0, cm, x1, y1, best)
          if (s < best) {
            best = s
            bx = x1
            by = y1
          }
        }
      }
      for (let step = coarseStep >> 1; step >= 1; step >>= 1) {
        const cx = bx
        const cy = by
        for (let dy = -step; dy <= step; dy += step) {
          for (let dx = -step; dx <= step; dx += step) {
            const x1 = cx + dx
            const y1 = cy + dy
            if ((dx === 0 && dy === 0) || x1 < 0 || y1 < 0 || x1 + win > width || y1 + win > height) continue
            const s = sad(x0, y0, cm, x1, y1, best)
            if (s < best) {
              best = s
              bx = x1
              by = y1
            }
          }
        }
      }
      // SSIM of the window and its match.
      let sa = 0
      let sb = 0
      let saa = 0
      let sbb = 0
      let sab = 0
      for (let y = 0; y < win; y++) {
        const a = (y0 + y) * width + x0
        const b = (by + y) * width + bx
        for (let x = 0; x < win; x++) {
          const p = cur[a + x]
          const q = prev[b + x]
          sa += p
          sb += q
          saa += p * p
          sbb += q * q
          sab += p * q
        }
      }
      const ma = sa / n
      const mb = sb / n
      const va = saa / n - ma * ma
      const vb = sbb / n - mb * mb
      const cov = sab / n - ma * mb
      const cs = (2 * cov + C2) / (va + vb + C2)
      sum += ((2 * ma * mb + C1) / (ma * ma + mb * mb + C1)) * cs
      csSum += cs
      count++
      all.push([va + vb, cs])
    }
  }
  const clip = (x: number) => Math.max(0, Math.min(1, x))
  if (!count) return { ssim: 1, structure: 1, texturedStructure: 1 }
  const structure = clip(csSum / count)
  all.sort((x, y) => y[0] - x[0])
  let k = 0
  while (k < all.length && all[k][0] >= TEXTURE_VAR) k++
  k = Math.max(k, Math.ceil(all.length * TEXTURED_MIN_SHARE))
  let t = 0
  for (let j = 0; j < k; j++) t += all[j][1]
  const texturedStructure = k ? clip(t / k) : structure
  return { ssim: clip(sum / count), structure, texturedStructure }
}

/** A grey frame as the consistency compares it: halved, unless too small to keep several windows. */
function temporalFrame(gray: Uint8Array, width: number, height: number, reuse?: Float32Array): { data: Float32Array; width: number; height: number } {
  const small = width < 32 || height < 16
  return small ? { data: Float32Array.from(gray), width, height } : halve(gray, width, height, reuse)
}

function searchRadius(width: number): number {
  return Math.max(2, Math.round(width / 8))
}

/** The similarity `TemporalAccumulator.add` records for `gray` following `prevGray` (same size). */
export function frameSimilarity(prevGray: Uint8Array, gray: Uint8Array, width: number, height: number): number {
  const a = temporalFrame(prevGray, width, height)
  const b = temporalFrame(gray, width, height)
  return compensatedSsim(a.data, b.data, b.width, b.height, searchRadius(b.width))
}

/** Streams grey frames; keeps two floats per frame; summarises any span given the cuts (see the module doc). */
export class TemporalAccumulator {
  private readonly minJump: number
  private width = 0
  private height = 0
  private luma = new Float32Array(256)
  /** sim[i]: similarity of frame i to frame i−1 (sim[0] unused). */
  private sim = new Float32Array(256)
  private prev: Float32Array | undefined
  private cur: Float32Array | undefined
  private count = 0

  constructor(opts: TemporalOptions = {}) {
    this.minJump = opts.minJump ?? 0.04
    if (opts.width && opts.height) {
      this.width = opts.width
      this.height = opts.height
    }
  }

  /** Frames added so far. */
  get frames(): number {
    return this.count
  }

  /**
   * An accumulator as if the frames behind these series had been added: `luma` and `sim` as
   * `lumaSeries()` and `similaritySeries()` return them (a film put together from its shots' series).
   */
  static fromSeries(luma: Float32Array, sim: Float32Array, opts: TemporalOptions = {}): TemporalAccumulator {
    if (luma.length !== sim.length) throw new Error(`TemporalAccumulator.fromSeries: ${luma.length} luma values but ${sim.length} similarities`)
    const t = new TemporalAccumulator(opts)
    t.luma = Float32Array.from(luma)
    t.sim = Float32Array.from(sim)
    t.count = luma.length
    return t
  }

  add(gray: Uint8Array): void {
    if (!this.width) Object.assign(this, inferFrameSize(gray.length))
    if (gray.length !== this.width * this.height) throw new Error(`TemporalAccumulator: expected ${this.width * this.height} bytes per frame, got ${gray.length}`)
    const i = this.count++
    if (i >= this.luma.length) {
      this.luma = grow(this.luma)
      this.sim = grow(this.sim)
    }
    let s = 0
    for (let k = 0; k < gray.length; k++) s += gray[k]
    this.luma[i] = s / gray.length / 255
    const frame = temporalFrame(gray, this.width, this.height, this.prev)
    // (halve() reuses the buffer of the frame before last: prev becomes cur below.)
    if (this.cur) {
      this.sim[i] = compensatedSsim(this.cur, frame.data, frame.width, frame.height, searchRadius(frame.width))
    } else {
      this.sim[i] = 1
    }
    this.prev = this.cur
    this.cur = frame.data
  }

  /** Mean luma per frame so far, 0..1 (a copy). */
  lumaSeries(): Float32Array {
    return this.luma.slice(0, this.count)
  }

  /** Similarity of each frame to the one before, 0..1 (index 0 is 1), a copy. */
  similaritySeries(): Float32Array {
    const s = this.sim.slice(0, this.count)
    if (s.length) s[0] = 1
    return s
  }

  /**
   * Consistency, flicker and flicker frames over frames [range.start, range.end) (default: all),
   * excluding pairs and triplets across any of `cuts` (frames where a new shot starts).
   */
  summary(cuts: readonly number[], range?: { start: number; end: number }): TemporalSummary {
    const start = Math.max(0, Math.floor(range?.start ?? 0))
    const end = Math.min(this.count, Math.ceil(range?.end ?? this.count))
    const cut = new Set(cuts)
    let simSum = 0
    let pairs = 0
    for (let i = start + 1; i < end; i++) {
      if (cut.has(i)) continue
      simSum += this.sim[i]
      pairs++
    }
    let revSum = 0
    let triplets = 0
    const flickerFrames: number[] = []
    const L = this.luma
    for (let i = start + 1; i + 1 < end; i++) {
      if (cut.has(i) || cut.has(i + 1)) continue
      triplets++
      const level = Math.max(0.1, (L[i - 1] + L[i] + L[i + 1]) / 3)
      const j1 = (L[i] - L[i - 1]) / level
      const j2 = (L[i + 1] - L[i]) / level
      if (j1 * j2 >= 0) continue
      const r = Math.min(Math.abs(j1), Math.abs(j2))
      revSum += r * r
      const back = Math.abs(L[i + 1] - L[i - 1]) / level
      if (r >= this.minJump && back <= 0.5 * r) flickerFrames.push(i)
    }
    return {
      consistency: pairs ? simSum / pairs : 1,
      flicker: triplets ? Math.sqrt(revSum / triplets) / 2 : 0,
      flickerFrames,
      pairs,
    }
  }
}

function grow(a: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> {
  const b = new Float32Array(a.length * 2)
  b.set(a)
  return b
}
