import { StftStream } from '../stft.js'
import { melBank, type MelBank } from '../mel.js'
import { chromaBins, type FrameMatrix } from '../features.js'
import { HpssProjector, projectMel, type HpssParts } from './hpssParts.js'
import type { HpssThread } from './hpssThread.js'
import { grown } from './grown.js'

/** Everything the analysis reads from the spectrum, gathered in one streaming STFT pass. */
export interface SpectralPass {
  frames: number
  /** Analysis frames per second (sampleRate / hop). */
  fps: number
  nFft: number
  hop: number
  sampleRate: number
  bank: MelBank
  /** Mel power of the mix, frame-major `[t * nMels + m]`. */
  mel: Float32Array
  /** Mel power of the HPSS harmonic and percussive parts (soft masks applied to the STFT magnitude). */
  harmonicMel: Float32Array
  percussiveMel: Float32Array
  /** 12-bin chroma, each frame scaled to max 1. */
  chroma: FrameMatrix
  /** Spectral centroid (Hz) of the mix, 0 on silent frames. */
  centroid: Float64Array
  /** Full-band STFT energy of the harmonic and percussive parts per frame (Σ |masked X|²). */
  harmonicEnergy: Float64Array
  percussiveEnergy: Float64Array
  /** Time-domain RMS of each centred frame (nFft samples, zeros outside the song). */
  rms: Float64Array
  /** Largest |sample| of the song. */
  peak: number
  /** Samples in the song. */
  length: number
}

export interface SpectralPassOptions {
  nFft?: number
  hop?: number
  nMels?: number
  hpssKernel?: number
  /** Expected frame count (from the probed duration): the stores are sized once. */
  framesHint?: number
}

/**
 * One pass over the STFT, frame by frame: mel, chroma and centroid of the mix, and
 * median-filter HPSS on the full-resolution magnitude (projected to mel afterwards). Only the
 * per-frame reductions are kept (3 × nMels + 20 floats per frame), never the 1025-bin spectrogram.
 */
export function spectralPass(samples: Float32Array, sampleRate: number, opts: SpectralPassOptions = {}): SpectralPass {
  const steps = spectralPassSteps(samples, sampleRate, opts)
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value
}

/** Frames per piece of `spectralPassSteps`: about 24 s of audio at the analysis rate. */
const FRAMES_PER_STEP = 1024

/** `spectralPass` in pieces: yields between pieces of the song so a caller can stay responsive. */
export function* spectralPassSteps(samples: Float32Array, sampleRate: number, opts: SpectralPassOptions = {}): Generator<void, SpectralPass> {
  const hop = opts.hop ?? 512
  const pass = new SpectralPassStream(sampleRate, { ...opts, framesHint: 1 + Math.floor(samples.length / hop) })
  for (let i = 0; i < samples.length; i += FRAMES_PER_STEP * hop) {
    pass.push(samples.subarray(i, i + FRAMES_PER_STEP * hop))
    yield
  }
  return pass.finish()
}

/**
 * The spectral pass over samples that arrive in chunks (a decoder's stream); `finish()` when the
 * song is over. With an HpssThread the HPSS half runs in that worker (`finishAsync()` then).
 */
export class SpectralPassStream {
  private readonly nFft: number
  private readonly hop: number
  private readonly nMels: number
  private readonly sampleRate: number
  private readonly bank: MelBank
  private readonly stft: StftStream
  private readonly projector: HpssProjector | undefined
  private readonly thread: HpssThread | undefined
  private cap = 0
  private mel = new Float32Array(0)
  private chroma = new Float32Array(0)
  private centroid = new Float64Array(0)
  private rms = new Float64Array(0)

  constructor(sampleRate: number, opts: SpectralPassOptions & { thread?: HpssThread } = {}) {
    const nFft = (this.nFft = opts.nFft ?? 2048)
    this.hop = opts.hop ?? 512
    const nMels = (this.nMels = opts.nMels ?? 128)
    this.sampleRate = sampleRate
    const bins = nFft / 2 + 1
    const bank = (this.bank = melBank(sampleRate, nFft, nMels))
    this.grow(Math.max(16, opts.framesHint ?? 0))
    this.thread = opts.thread
    if (this.thread && opts.framesHint) this.thread.reserve(opts.framesHint)
    const projector = (this.projector = this.thread ? undefined : new HpssProjector({ sampleRate, nFft, nMels, hpssKernel: opts.hpssKernel, framesHint: opts.framesHint }))
    const thread = this.thread
    const pc = chromaBins(sampleRate, nFft)
    const hz = new Float64Array(bins)
    for (let k = 0; k < bins; k++) hz[k] = (k * sampleRate) / nFft
    const mag = new Float64Array(bins)
    const onFrame = (t: number, power: Float64Array, energy: number) => {
      if (t >= this.cap) this.grow(Math.ceil(this.cap * 1.5))
      projectMel(bank, power, this.mel, t)
      const chroma = this.chroma
      let num = 0
      let den = 0
      const co = t * 12
      for (let k = 0; k < bins; k++) {
        const a = Math.sqrt(power[k])
        mag[k] = a
        num += a * hz[k]
        den += a
        const c = pc[k]
        if (c >= 0) chroma[co + c] += a
      }
      this.centroid[t] = den > 1e-9 ? num / den : 0
      let mx = 0
      for (let c = 0; c < 12; c++) mx = Math.max(mx, chroma[co + c])
      if (mx > 0) for (let c = 0; c < 12; c++) chroma[co + c] /= mx
      this.rms[t] = Math.sqrt(energy / nFft)
      if (thread) thread.push(power)
      else projector!.push(power, mag)
    }
    this.stft = new StftStream(nFft, this.hop, onFrame)
  }

  push(chunk: Float32Array): void {
    this.stft.push(chunk)
  }

  /** Samples pushed so far. */
  get length(): number {
    return this.stft.length
  }

  /** The song is over (HPSS in this thread). */
  finish(): SpectralPass {
    if (!this.projector) throw new Error('SpectralPassStream: HPSS runs in a worker; use finishAsync()')
    return this.assemble(this.stft.end(), this.projector.finish())
  }

  /** The song is over: waits for the worker's HPSS when there is one. */
  async finishAsync(): Promise<SpectralPass> {
    if (this.projector) return this.finish()
    const frames = this.stft.end()
    return this.assemble(frames, await this.thread!.finish())
  }

  /** Stops the worker, if any (an aborted analysis). */
  dispose(): void {
    this.thread?.dispose()
  }

  private assemble(frames: number, parts: HpssParts): SpectralPass {
    const nMels = this.nMels
    return {
      frames,
      fps: this.sampleRate / this.hop,
      nFft: this.nFft,
      hop: this.hop,
      sampleRate: this.sampleRate,
      bank: this.bank,
      mel: this.mel.subarray(0, frames * nMels),
      ...parts,
      chroma: { data: this.chroma.subarray(0, frames * 12), frames, dims: 12 },
      centroid: this.centroid.subarray(0, frames),
      rms: this.rms.subarray(0, frames),
      peak: this.stft.peak,
      length: this.stft.length,
    }
  }

  /** Room for `cap` frames (the stores keep what was written). */
  private grow(cap: number): void {
    this.mel = grown(this.mel, cap * this.nMels)
    this.chroma = grown(this.chroma, cap * 12)
    this.centroid = grown(this.centroid, cap)
    this.rms = grown(this.rms, cap)
    this.cap = cap
  }
}
