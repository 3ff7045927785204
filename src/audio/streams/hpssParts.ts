import { melBank, type MelBank } from '../mel.js'
import { HPSS_KERNEL, StreamingHpss } from './hpss.js'
import { grown } from './grown.js'

/** What HPSS gives the spectral pass, per frame: mel power and full-band energy of each part. */
export interface HpssParts {
  harmonicMel: Float32Array
  percussiveMel: Float32Array
  harmonicEnergy: Float64Array
  percussiveEnergy: Float64Array
}

export interface HpssPartsOptions {
  sampleRate: number
  nFft: number
  nMels: number
  hpssKernel?: number
  framesHint?: number
}

/** One frame's spectrum (power per bin) through the mel bank, into `out[t * nMels ..]`. */
export function projectMel(bank: MelBank, power: ArrayLike<number>, out: Float32Array, t: number): void {
  const nMels = bank.nMels
  const o = t * nMels
  for (let m = 0; m < nMels; m++) {
    const w = bank.weights[m]
    const s = bank.start[m]
    let acc = 0
    for (let i = 0; i < w.length; i++) acc += w[i] * power[s + i]
    out[o + m] = acc
  }
}

/**
 * Median-filter HPSS of the STFT frames pushed, projected to mel as the frames come out (kernel/2
 * frames later): the per-frame parts of the spectral pass that HPSS makes. Runs in the analysis'
 * thread or in a worker (hpssThread.ts); the numbers are the same either way.
 */
export class HpssProjector {
  private readonly bins: number
  private readonly nMels: number
  private readonly hpss: StreamingHpss
  private readonly emit: (t: number, m: Float32Array, maskH: Float64Array) => void
  private cap = 0
  private parts: HpssParts = { harmonicMel: new Float32Array(0), percussiveMel: new Float32Array(0), harmonicEnergy: new Float64Array(0), percussiveEnergy: new Float64Array(0) }
  private frames = 0

  constructor(opts: HpssPartsOptions) {
    const bins = (this.bins = opts.nFft / 2 + 1)
    this.nMels = opts.nMels
    const bank = melBank(opts.sampleRate, opts.nFft, opts.nMels)
    this.hpss = new StreamingHpss(bins, opts.hpssKernel ?? HPSS_KERNEL)
    this.grow(Math.max(16, opts.framesHint ?? 0))
    const hPow = new Float64Array(bins)
    const pPow = new Float64Array(bins)
    this.emit = (t: number, m: Float32Array, maskH: Float64Array) => {
      let eh = 0
      let ep = 0
      for (let k = 0; k < bins; k++) {
        const h = m[k] * maskH[k]
        const p = m[k] - h
        const h2 = h * h
        const p2 = p * p
        hPow[k] = h2
        pPow[k] = p2
        eh += h2
        ep += p2
      }
      const parts = this.parts
      parts.harmonicEnergy[t] = eh
      parts.percussiveEnergy[t] = ep
      projectMel(bank, hPow, parts.harmonicMel, t)
      projectMel(bank, pPow, parts.percussiveMel, t)
    }
  }

  /** Room for `frames` frames at once (the expected count, once known). */
  reserve(frames: number): void {
    if (frames > this.cap) this.grow(frames)
  }

  /** The next frame's STFT power (and its magnitude, √power, when the caller has it). */
  push(power: ArrayLike<number>, magnitude?: ArrayLike<number>): void {
    if (this.frames >= this.cap) this.grow(Math.ceil(this.cap * 1.5))
    this.frames++
    this.hpss.push(power, this.emit, magnitude)
  }

  /** The song is over: the parts of every frame pushed. */
  finish(): HpssParts {
    this.hpss.flush(this.emit)
    const f = this.frames
    const p = this.parts
    return {
      harmonicMel: p.harmonicMel.subarray(0, f * this.nMels),
      percussiveMel: p.percussiveMel.subarray(0, f * this.nMels),
      harmonicEnergy: p.harmonicEnergy.subarray(0, f),
      percussiveEnergy: p.percussiveEnergy.subarray(0, f),
    }
  }

  private grow(cap: number): void {
    const p = this.parts
    const n = cap * this.nMels
    this.parts = { harmonicMel: grown(p.harmonicMel, n), percussiveMel: grown(p.percussiveMel, n), harmonicEnergy: grown(p.harmonicEnergy, cap), percussiveEnergy: grown(p.percussiveEnergy, cap) }
    this.cap = cap
  }
}
