/**
 * Radix-2 real FFT: an N-point real transform computed as an N/2-point complex FFT on packed
 * even/odd samples, then split. Tables are built once per size; instances are reusable.
 */
export class RealFFT {
  readonly size: number
  private readonly half: number
  private readonly rev: Uint32Array
  private readonly cos: Float64Array
  private readonly sin: Float64Array
  private readonly splitCos: Float64Array
  private readonly splitSin: Float64Array
  private readonly re: Float64Array
  private readonly im: Float64Array

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two ≥ 4, got ${size}`)
    this.size = size
    const h = size / 2
    this.half = h
    this.rev = new Uint32Array(h)
    const bits = Math.log2(h)
    for (let i = 0; i < h; i++) {
      let r = 0
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
      this.rev[i] = r
    }
    this.cos = new Float64Array(h / 2 || 1)
    this.sin = new Float64Array(h / 2 || 1)
    for (let i = 0; i < h / 2; i++) {
      this.cos[i] = Math.cos((-2 * Math.PI * i) / h)
      this.sin[i] = Math.sin((-2 * Math.PI * i) / h)
    }
    this.splitCos = new Float64Array(h + 1)
    this.splitSin = new Float64Array(h + 1)
    for (let k = 0; k <= h; k++) {
      this.splitCos[k] = Math.cos((-2 * Math.PI * k) / size)
      this.splitSin[k] = Math.sin((-2 * Math.PI * k) / size)
    }
    this.re = new Float64Array(h)
    this.im = new Float64Array(h)
  }

  /** Forward transform of `input` (length N); writes bins 0..N/2 into outRe/outIm (length N/2+1). */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const h = this.half
    const re = this.re
    const im = this.im
    const rev = this.rev
    for (let i = 0; i < h; i++) {
      const j = rev[i]
      re[j] = input[2 * i]
      im[j] = input[2 * i + 1]
    }
    // Iterative Cooley–Tukey on the packed complex sequence.
    for (let len = 2; len <= h; len <<= 1) {
      const halfLen = len >> 1
      const step = h / len
      for (let start = 0; start < h; start += len) {
        for (let k = 0; k < halfLen; k++) {
          const wr = this.cos[k * step]
          const wi = this.sin[k * step]
          const a = start + k
          const b = a + halfLen
          const xr = re[b] * wr - im[b] * wi
          const xi = re[b] * wi + im[b] * wr
          re[b] = re[a] - xr
          im[b] = im[a] - xi
          re[a] += xr
          im[a] += xi
        }
      }
    }
    // Split: X[k] = E[k] + W^k O[k], with E, O recovered from Z[k] and conj(Z[h-k]).
    for (let k = 0; k <= h; k++) {
      const k1 = k % h
      const k2 = (h - k) % h
      const zr = re[k1]
      const zi = im[k1]
      const cr = re[k2]
      const ci = -im[k2]
      const er = 0.5 * (zr + cr)
      const ei = 0.5 * (zi + ci)
      // O = (Z - conj(Z[h-k])) / (2i)
      const dr = zr - cr
      const di = zi - ci
      const or = 0.5 * di
      const oi = -0.5 * dr
      const wr = this.splitCos[k]
      const wi = this.splitSin[k]
      outRe[k] = er + (or * wr - oi * wi)
      outIm[k] = ei + (or * wi + oi * wr)
    }
  }
}
