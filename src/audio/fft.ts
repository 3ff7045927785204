/**
 * Real FFT: an N-point real transform computed as an N/2-point complex FFT on packed even/odd
 * samples, then split. The complex FFT runs two radix-2 stages per pass (a radix-4 butterfly:
 * three complex multiplies per four points instead of four, and half the passes over memory),
 * with each pass's twiddles stored contiguously. Tables are built once per size; instances are
 * reusable. This is the analysis' inner loop (one 2048-point transform per 23 ms of audio).
 */
export class RealFFT {
  readonly size: number
  private readonly half: number
  private readonly rev: Uint32Array
  /** Sub-length m of each fused pass (it combines stages m and 2m) and its twiddles W_m^k, W_2m^k for k < m/2. */
  private readonly passes: Array<{ m: number; w1r: Float64Array; w1i: Float64Array; w2r: Float64Array; w2i: Float64Array }>
  /** Whether one plain radix-2 stage (m = 2) runs before the fused passes (log2(N/2) odd). */
  private readonly oddStage: boolean
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
    this.oddStage = bits % 2 === 1
    this.passes = []
    for (let m = this.oddStage ? 4 : 2; 2 * m <= h; m *= 4) {
      const q = m / 2
      const pass = { m, w1r: new Float64Array(q), w1i: new Float64Array(q), w2r: new Float64Array(q), w2i: new Float64Array(q) }
      for (let k = 0; k < q; k++) {
        pass.w1r[k] = Math.cos((-2 * Math.PI * k) / m)
        pass.w1i[k] = Math.sin((-2 * Math.PI * k) / m)
        pass.w2r[k] = Math.cos((-2 * Math.PI * k) / (2 * m))
        pass.w2i[k] = Math.sin((-2 * Math.PI * k) / (2 * m))
      }
      this.passes.push(pass)
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
    this.complex(input)
    const h = this.half
    const re = this.re
    const im = this.im
    const sc = this.splitCos
    const ss = this.splitSin
    // Split: X[k] = E[k] + W^k O[k], with E, O recovered from Z[k] and conj(Z[h-k]).
    outRe[0] = re[0] + im[0]
    outIm[0] = 0
    outRe[h] = re[0] - im[0]
    outIm[h] = 0
    for (let k = 1; k < h; k++) {
      const zr = re[k]
      const zi = im[k]
      const cr = re[h - k]
      const ci = -im[h - k]
      const er = 0.5 * (zr + cr)
      const ei = 0.5 * (zi + ci)
      // O = (Z - conj(Z[h-k])) / (2i)
      const or = 0.5 * (zi - ci)
      const oi = -0.5 * (zr - cr)
      const wr = sc[k]
      const wi = ss[k]
      outRe[k] = er + (or * wr - oi * wi)
      outIm[k] = ei + (or * wi + oi * wr)
    }
  }

  /** |X[k]|² for bins 0..N/2 of the forward transform of `input`, into `out` (length N/2+1). */
  power(input: ArrayLike<number>, out: Float64Array): void {
    this.complex(input)
    const h = this.half
    const re = this.re
    const im = this.im
    const sc = this.splitCos
    const ss = this.splitSin
    const dc = re[0] + im[0]
    const ny = re[0] - im[0]
    out[0] = dc * dc
    out[h] = ny * ny
    for (let k = 1; k < h; k++) {
      const zr = re[k]
      const zi = im[k]
      const cr = re[h - k]
      const ci = -im[h - k]
      const or = 0.5 * (zi - ci)
      const oi = -0.5 * (zr - cr)
      const wr = sc[k]
      const wi = ss[k]
      const xr = 0.5 * (zr + cr) + (or * wr - oi * wi)
      const xi = 0.5 * (zi + ci) + (or * wi + oi * wr)
      out[k] = xr * xr + xi * xi
    }
  }

  /** The N/2-point complex FFT of the packed input, left in this.re / this.im. */
  private complex(input: ArrayLike<number>): void {
    const h = this.half
    const re = this.re
    const im = this.im
    const rev = this.rev
    for (let i = 0; i < h; i++) {
      const j = rev[i]
      re[j] = input[2 * i]
      im[j] = input[2 * i + 1]
    }
    if (this.oddStage) {
      for (let a = 0; a < h; a += 2) {
        const xr = re[a + 1]
        const xi = im[a + 1]
        re[a + 1] = re[a] - xr
        im[a + 1] = im[a] - xi
        re[a] += xr
        im[a] += xi
      }
    }
    for (const { m, w1r, w1i, w2r, w2i } of this.passes) {
      if (m === 2) {
        radix4Trivial(re, im, h)
        continue
      }
      const q = m >> 1
      const span = 2 * m
      for (let s = 0; s < h; s += span) {
        for (let k = 0; k < q; k++) {
          const i0 = s + k
          const i1 = i0 + q
          const i2 = i0 + m
          const i3 = i2 + q
          const ar = w1r[k]
          const ai = w1i[k]
          // Stage m: B = A0 ± W_m^k A1, C = A2 ± W_m^k A3.
          const t1r = re[i1] * ar - im[i1] * ai
          const t1i = re[i1] * ai + im[i1] * ar
          const t3r = re[i3] * ar - im[i3] * ai
          const t3i = re[i3] * ai + im[i3] * ar
          const b0r = re[i0] + t1r
          const b0i = im[i0] + t1i
          const b1r = re[i0] - t1r
          const b1i = im[i0] - t1i
          const c0r = re[i2] + t3r
          const c0i = im[i2] + t3i
          const c1r = re[i2] - t3r
          const c1i = im[i2] - t3i
          // Stage 2m: W_2m^k C0 and W_2m^(k+m/2) C1 = −i W_2m^k C1.
          const br = w2r[k]
          const bi = w2i[k]
          const u0r = c0r * br - c0i * bi
          const u0i = c0r * bi + c0i * br
          const v1r = c1r * br - c1i * bi
          const v1i = c1r * bi + c1i * br
          const u1r = v1i
          const u1i = -v1r
          re[i0] = b0r + u0r
          im[i0] = b0i + u0i
          re[i2] = b0r - u0r
          im[i2] = b0i - u0i
          re[i1] = b1r + u1r
          im[i1] = b1i + u1i
          re[i3] = b1r - u1r
          im[i3] = b1i - u1i
        }
      }
    }
  }
}

/** The first fused pass when it combines single points (m = 2): every twiddle is 1 (or −i). */
function radix4Trivial(re: Float64Array, im: Float64Array, h: number): void {
  for (let i0 = 0; i0 < h; i0 += 4) {
    const a0r = re[i0]
    const a0i = im[i0]
    const a1r = re[i0 + 1]
    const a1i = im[i0 + 1]
    const a2r = re[i0 + 2]
    const a2i = im[i0 + 2]
    const a3r = re[i0 + 3]
    const a3i = im[i0 + 3]
    const b0r = a0r + a1r
    const b0i = a0i + a1i
    const b1r = a0r - a1r
    const b1i = a0i - a1i
    const c0r = a2r + a3r
    const c0i = a2i + a3i
    const c1r = a2r - a3r
    const c1i = a2i - a3i
    re[i0] = b0r + c0r
    im[i0] = b0i + c0i
    re[i0 + 2] = b0r - c0r
    im[i0 + 2] = b0i - c0i
    // −i · C1 = (c1i, −c1r)
    re[i0 + 1] = b1r + c1i
    im[i0 + 1] = b1i - c1r
    re[i0 + 3] = b1r - c1i
    im[i0 + 3] = b1i + c1r
  }
}
