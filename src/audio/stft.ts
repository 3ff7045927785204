import { RealFFT } from './fft.js'

/** Power spectrogram, frame-major: `power[t * bins + k]`. */
export interface Spectrogram {
  power: Float32Array
  frames: number
  bins: number
  nFft: number
  hop: number
  sampleRate: number
  /** Frames per second (sampleRate / hop). */
  fps: number
}

/** Periodic Hann window (librosa/scipy `fftbins=True`). */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
  return w
}

/** Frames a centred STFT has for `length` samples (zero padding of nFft/2 on both sides). */
export function frameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop)
}

/** |STFT|² with a periodic Hann window, centred frames, zero padding (librosa defaults). */
export function powerSpectrogram(samples: Float32Array, sampleRate: number, nFft = 2048, hop = 512): Spectrogram {
  const frames = frameCount(samples.length, hop)
  const bins = nFft / 2 + 1
  const power = new Float32Array(frames * bins)
  const fft = new RealFFT(nFft)
  const win = hannPeriodic(nFft)
  const frame = new Float64Array(nFft)
  const row = new Float64Array(bins)
  for (let t = 0; t < frames; t++) {
    windowFrame(samples, 0, samples.length, t * hop - nFft / 2, win, frame)
    fft.power(frame, row)
    power.set(row, t * bins)
  }
  return { power, frames, bins, nFft, hop, sampleRate, fps: sampleRate / hop }
}

/**
 * Centred STFT (periodic Hann, zero padding) computed one frame at a time: `onFrame(t, power)`
 * gets |X|² of bins 0..nFft/2 in a buffer reused for the next frame, so nothing of size
 * frames × bins is ever held (a one-hour song would need ~640 MB for its full spectrogram).
 */
export function forEachStftFrame(
  samples: Float32Array,
  nFft: number,
  hop: number,
  onFrame: (t: number, power: Float64Array) => void,
  /** Only frames [from, to): a long song in pieces, with the same frames as in one go. */
  range: { from: number; to: number } = { from: 0, to: Infinity },
): number {
  const frames = frameCount(samples.length, hop)
  const fft = new RealFFT(nFft)
  const win = hannPeriodic(nFft)
  const frame = new Float64Array(nFft)
  const power = new Float64Array(nFft / 2 + 1)
  for (let t = Math.max(0, range.from); t < Math.min(frames, range.to); t++) {
    windowFrame(samples, 0, samples.length, t * hop - nFft / 2, win, frame)
    fft.power(frame, power)
    onFrame(t, power)
  }
  return frames
}

/**
 * `x[j − offset] · win[i]` for j = start + i into `frame`, 0 where j is outside [0, length);
 * returns Σ x² over the frame's samples (unwindowed: the frame's RMS energy).
 */
function windowFrame(x: Float32Array, offset: number, length: number, start: number, win: Float64Array, frame: Float64Array): number {
  const n = win.length
  let energy = 0
  if (start >= 0 && start + n <= length) {
    const o = start - offset
    for (let i = 0; i < n; i++) {
      const v = x[o + i]
      frame[i] = v * win[i]
      energy += v * v
    }
    return energy
  }
  for (let i = 0; i < n; i++) {
    const j = start + i
    if (j >= 0 && j < length) {
      const v = x[j - offset]
      frame[i] = v * win[i]
      energy += v * v
    } else frame[i] = 0
  }
  return energy
}

/**
 * The centred STFT of a song whose samples arrive in chunks (a decoder's stream): frame t is
 * computed as soon as its last sample has arrived and the frames that reach past the end when
 * `end()` says the song is over, with the same values as `forEachStftFrame` on the whole song.
 * Only the samples of the next frame's window are kept. `onFrame` also gets Σ x² of the frame's
 * samples, for a time-domain RMS of the same centred frames.
 */
export class StftStream {
  readonly nFft: number
  readonly hop: number
  private readonly onFrame: (t: number, power: Float64Array, energy: number) => void
  private readonly fft: RealFFT
  private readonly win: Float64Array
  private readonly frame: Float64Array
  private readonly power: Float64Array
  /** Samples `bufStart ..` of the song (absolute indices), `bufLen` of them. */
  private buf: Float32Array
  private bufStart = 0
  private bufLen = 0
  private received = 0
  private next = 0
  /** Largest |sample| so far. */
  peak = 0

  constructor(nFft: number, hop: number, onFrame: (t: number, power: Float64Array, energy: number) => void) {
    this.nFft = nFft
    this.hop = hop
    this.onFrame = onFrame
    this.fft = new RealFFT(nFft)
    this.win = hannPeriodic(nFft)
    this.frame = new Float64Array(nFft)
    this.power = new Float64Array(nFft / 2 + 1)
    this.buf = new Float32Array(4 * nFft)
  }

  /** Samples pushed so far. */
  get length(): number {
    return this.received
  }

  push(chunk: Float32Array): void {
    let peak = this.peak
    for (let i = 0; i < chunk.length; i++) {
      const a = Math.abs(chunk[i])
      if (a > peak) peak = a
    }
    this.peak = peak
    // Drop what no later frame reads, then append.
    const keepFrom = Math.max(this.bufStart, this.next * this.hop - this.nFft / 2)
    const keep = this.bufStart + this.bufLen - keepFrom
    if (keep + chunk.length > this.buf.length) {
      const grown = new Float32Array(Math.max(2 * this.buf.length, keep + chunk.length))
      grown.set(this.buf.subarray(keepFrom - this.bufStart, this.bufLen))
      this.buf = grown
    } else if (keepFrom > this.bufStart) this.buf.copyWithin(0, keepFrom - this.bufStart, this.bufLen)
    this.bufStart = keepFrom
    this.buf.set(chunk, keep)
    this.bufLen = keep + chunk.length
    this.received += chunk.length
    while (this.next * this.hop + this.nFft / 2 <= this.received) this.emit(this.next++)
  }

  /** The song is over: emits the remaining frames; returns the frame count. */
  end(): number {
    const frames = frameCount(this.received, this.hop)
    while (this.next < frames) this.emit(this.next++)
    return frames
  }

  private emit(t: number): void {
    const energy = windowFrame(this.buf, this.bufStart, this.received, t * this.hop - this.nFft / 2, this.win, this.frame)
    this.fft.power(this.frame, this.power)
    this.onFrame(t, this.power, energy)
  }
}

/** Root-mean-square per centred frame, computed in the time domain with a running sum. */
export function frameRms(samples: Float32Array, frames: number, frameLength = 2048, hop = 512): Float64Array {
  const out = new Float64Array(frames)
  const n = samples.length
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + samples[i] * samples[i]
  const half = frameLength / 2
  for (let t = 0; t < frames; t++) {
    const a = Math.max(0, t * hop - half)
    const b = Math.min(n, t * hop + half)
    out[t] = b > a ? Math.sqrt(Math.max(0, prefix[b] - prefix[a]) / frameLength) : 0
  }
  return out
}
