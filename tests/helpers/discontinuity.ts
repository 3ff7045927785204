/**
 * Measures of an audio edit: the largest sample-to-sample jump and the spectral flux in a window,
 * and the same measures over every window of a reference signal (to say whether an edit stands out).
 */
import { RealFFT } from '../../src/audio/fft.js'

/** Largest |x[n] - x[n-1]| for n in [from, to). */
export function maxJump(x: Float32Array, from: number, to: number): number {
  let m = 0
  for (let n = Math.max(1, from); n < Math.min(x.length, to); n++) m = Math.max(m, Math.abs(x[n] - x[n - 1]))
  return m
}

const N = 1024
const HOP = 256
const fft = new RealFFT(N)

function spectrum(x: Float32Array, at: number): Float64Array {
  const re = new Float64Array(N)
  for (let i = 0; i < N; i++) re[i] = (x[at + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N))
  const outRe = new Float64Array(N / 2 + 1)
  const outIm = new Float64Array(N / 2 + 1)
  fft.forward(re, outRe, outIm)
  return outRe.map((r, k) => Math.hypot(r, outIm[k]))
}

/** Positive spectral flux (sum of magnitude increases) between the frame at `at - HOP` and `at`. */
export function fluxAt(x: Float32Array, at: number): number {
  const a = spectrum(x, at - HOP)
  const b = spectrum(x, at)
  let f = 0
  for (let k = 0; k < a.length; k++) f += Math.max(0, b[k] - a[k])
  return f
}

/** Largest flux of frames whose window starts in [from, to). */
export function maxFlux(x: Float32Array, from: number, to: number): number {
  let m = 0
  for (let at = Math.max(HOP, from); at < to; at += HOP / 2) m = Math.max(m, fluxAt(x, at))
  return m
}

/** The q-quantile (0..1) of `f` over consecutive windows of `win` samples of `x`. */
export function windowQuantile(x: Float32Array, win: number, q: number, f: (x: Float32Array, from: number, to: number) => number): number {
  const vals: number[] = []
  for (let s = HOP; s + win < x.length - N; s += win) vals.push(f(x, s, s + win))
  vals.sort((a, b) => a - b)
  return vals[Math.min(vals.length - 1, Math.floor(q * vals.length))]
}
