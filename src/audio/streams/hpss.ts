/** Fitzgerald (2010): 31-bin median filters along time (harmonic) and frequency (percussive). */
export const HPSS_KERNEL = 31

/**
 * Magnitudes are quantised to 256 levels of 0.6 dB (−90…+63 dB of STFT power; level 0 = silence)
 * so each running median is a histogram with a moving pointer: O(1) per step instead of O(kernel)
 * for a sorted window — 2 × 1025 medians per frame made the sorted form the analysis' hot spot.
 * ±0.3 dB is far below what changes a soft mask.
 */
const LEVELS = 256
const DB_FLOOR = -90
const DB_STEP = 0.6
/** Power of each level (0 for level 0). */
const LEVEL_POWER = Float64Array.from({ length: LEVELS }, (_, l) => (l === 0 ? 0 : 10 ** ((DB_FLOOR + l * DB_STEP) / 10)))

/** Quantised level of an STFT power value. */
export function powerLevel(power: number): number {
  if (!(power > 0)) return 0
  const l = Math.round((10 * Math.log10(power) - DB_FLOOR) / DB_STEP)
  return l < 1 ? 0 : l >= LEVELS ? LEVELS - 1 : l
}

/** log2 of 1 + m/256 for the top 8 mantissa bits: levels from float bits without Math.log10. */
const LOG2_MANTISSA = Float64Array.from({ length: 256 }, (_, m) => Math.log2(1 + (m + 0.5) / 256))
const DB_PER_LOG2 = 10 * Math.log10(2)

/**
 * `powerLevel` to within 0.02 dB from the float32 exponent and top 8 mantissa bits: a table
 * indexed by the 16 bits above the lower 15 of a non-negative float32 (sign bit 0).
 */
const LEVEL_OF_BITS = (() => {
  const t = new Uint8Array(1 << 16)
  for (let i = 0; i < t.length; i++) {
    const log2 = ((i >>> 8) & 0xff) - 127 + LOG2_MANTISSA[i & 0xff]
    const l = Math.round((DB_PER_LOG2 * log2 - DB_FLOOR) / DB_STEP)
    t[i] = l < 1 ? 0 : l >= LEVELS ? LEVELS - 1 : l
  }
  return t
})()

/** H²/(H²+P²) for every pair of levels (0.5 when both are silent). */
const MASK = (() => {
  const m = new Float64Array(LEVELS * LEVELS)
  for (let h = 0; h < LEVELS; h++)
    for (let p = 0; p < LEVELS; p++) {
      const a = LEVEL_POWER[h]
      const b = LEVEL_POWER[p]
      m[h * LEVELS + p] = a + b > 0 ? a / (a + b) : 0.5
    }
  return m
})()

/** Frames whose time medians are updated together, bin by bin (each bin's histogram stays in cache). */
const BATCH = 32

/**
 * Median-filter HPSS on the magnitude STFT, one frame in and (kernel/2 frames later) one frame
 * out: the time median keeps only `kernel` frames (plus a batch), so memory does not grow with
 * the song. Frames before 0 and after the end count as silence (as the centred STFT pads).
 */
export class StreamingHpss {
  readonly bins: number
  readonly kernel: number
  private readonly half: number
  /** Per bin: histogram of the last `kernel` levels, its median level and the count below it. */
  private readonly hist: Uint8Array
  private readonly med: Uint8Array
  private readonly below: Uint8Array
  /**
   * Rings of the last `kernel + BATCH` frames, frame-major (`slot * bins + b`): levels,
   * magnitudes, the level of the frequency median and of the time median (centred on the slot).
   */
  private readonly slots: number
  private readonly levelRing: Uint8Array
  private readonly magRing: Float32Array
  private readonly percRing: Uint8Array
  private readonly harmRing: Uint8Array
  private readonly fhist = new Uint8Array(LEVELS)
  private readonly mask: Float64Array
  /** One frame's power as float32 and the same memory as bits. */
  private readonly pow32: Float32Array
  private readonly bits: Uint32Array
  /** Frames pushed (silent padding included); frames whose time medians are done. */
  private pushed = 0
  private done = 0
  private real = 0

  constructor(bins: number, kernel = HPSS_KERNEL) {
    if (kernel < 1 || kernel % 2 === 0 || kernel > 255) throw new RangeError(`HPSS kernel must be odd, 1..255, got ${kernel}`)
    this.bins = bins
    this.kernel = kernel
    this.half = kernel >> 1
    // Every window starts full of silence (level 0).
    this.hist = new Uint8Array(bins * LEVELS)
    for (let b = 0; b < bins; b++) this.hist[b * LEVELS] = kernel
    this.med = new Uint8Array(bins)
    this.below = new Uint8Array(bins)
    this.slots = kernel + BATCH
    this.levelRing = new Uint8Array(bins * this.slots)
    this.magRing = new Float32Array(bins * this.slots)
    this.percRing = new Uint8Array(bins * this.slots)
    this.harmRing = new Uint8Array(bins * this.slots)
    this.mask = new Float64Array(bins)
    this.pow32 = new Float32Array(bins)
    this.bits = new Uint32Array(this.pow32.buffer)
  }

  /**
   * Adds the next frame (STFT power per bin; its magnitude √power per bin may be passed when the
   * caller has it). Once the frame `half` frames back has its full window, `emit(t, magnitude,
   * harmonicMask)` is called for it (in order, a batch of frames at a time) with the soft mask
   * H²/(H²+P²) per bin (the percussive mask is 1 − it). Buffers passed to `emit` are reused.
   */
  push(power: ArrayLike<number>, emit: HpssEmit, magnitude?: ArrayLike<number>): void {
    this.real++
    this.add(power, magnitude)
    if (this.pushed - this.done === BATCH) this.timeMedians(emit, Infinity)
  }

  /** Emits the last frames (their windows padded with silence). */
  flush(emit: HpssEmit): void {
    const zero = new Float64Array(this.bins)
    const want = this.real
    while (this.pushed - this.half < want) {
      this.add(zero, zero)
      if (this.pushed - this.done === BATCH) this.timeMedians(emit, want)
    }
    if (this.pushed > this.done) this.timeMedians(emit, want)
  }

  /** Stores a frame's levels and magnitudes and its frequency median. */
  private add(power: ArrayLike<number>, magnitude: ArrayLike<number> | undefined): void {
    const { bins, levelRing, magRing, pow32, bits } = this
    const o = (this.pushed % this.slots) * bins
    // float32 bits of each power (NaN and negatives cannot occur: |X|²).
    for (let b = 0; b < bins; b++) pow32[b] = power[b]
    for (let b = 0; b < bins; b++) levelRing[o + b] = LEVEL_OF_BITS[bits[b] >>> 15]
    if (magnitude) for (let b = 0; b < bins; b++) magRing[o + b] = magnitude[b]
    else for (let b = 0; b < bins; b++) magRing[o + b] = Math.sqrt(power[b])
    this.freqMedian(levelRing, o, this.percRing)
    this.pushed++
  }

  /**
   * Moves every bin's time window over the frames pushed since the last call (bin by bin), then
   * emits the frames whose windows are complete, up to `limit`.
   */
  private timeMedians(emit: HpssEmit, limit: number): void {
    const { bins, kernel, half, hist, med, below, levelRing, harmRing, slots } = this
    const from = this.done
    const to = this.pushed
    for (let b = 0; b < bins; b++) {
      const hb = b * LEVELS
      let m = med[b]
      let lo = below[b]
      for (let p = from; p < to; p++) {
        const add = levelRing[(p % slots) * bins + b]
        // Frames before 0 are silence: the ring starts zeroed, so slot p − kernel reads level 0 there.
        const drop = levelRing[((p + slots - kernel) % slots) * bins + b]
        hist[hb + add]++
        hist[hb + drop]--
        // Branch-free: (x − m) >>> 31 is 1 when x < m.
        lo += ((add - m) >>> 31) - ((drop - m) >>> 31)
        while (lo > half) lo -= hist[hb + --m]
        while (lo + hist[hb + m] <= half) lo += hist[hb + m++]
        // The window p − kernel + 1 .. p is centred on frame p − half.
        if (p >= half) harmRing[((p - half) % slots) * bins + b] = m
      }
      med[b] = m
      below[b] = lo
    }
    this.done = to
    const mask = this.mask
    const { magRing, percRing } = this
    for (let c = Math.max(0, from - half); c < Math.min(to - half, limit); c++) {
      const co = (c % slots) * bins
      for (let b = 0; b < bins; b++) mask[b] = MASK[harmRing[co + b] * LEVELS + percRing[co + b]]
      emit(c, magRing.subarray(co, co + bins), mask)
    }
  }

  /** Running median of one frame's levels along frequency (zero padded), into `out[o ..]`. */
  private freqMedian(levels: Uint8Array, o: number, out: Uint8Array): void {
    const { bins, half, fhist } = this
    fhist.fill(0)
    // Window of bin 0: `half` padding zeros and bins 0..half.
    fhist[0] = half
    for (let j = 0; j <= half; j++) fhist[j < bins ? levels[o + j] : 0]++
    let m = 0
    let lo = 0
    while (lo + fhist[m] <= half) lo += fhist[m++]
    for (let b = 0; b < bins; b++) {
      out[o + b] = m
      if (b + 1 === bins) break
      const d = b - half
      const a = b + half + 1
      const drop = d >= 0 ? levels[o + d] : 0
      const add = a < bins ? levels[o + a] : 0
      fhist[add]++
      fhist[drop]--
      lo += ((add - m) >>> 31) - ((drop - m) >>> 31)
      while (lo > half) lo -= fhist[--m]
      while (lo + fhist[m] <= half) lo += fhist[m++]
    }
  }
}

export type HpssEmit = (t: number, magnitude: Float32Array, harmonicMask: Float64Array) => void
