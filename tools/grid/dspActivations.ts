/**
 * Beat / downbeat activations made from the DSP analysis's own cues, to exercise the grid decoder
 * on real audio before a learned model exists (and to compare the decoder with the DSP tracker on
 * the same evidence). Beat: the onset envelope (librosa's median mel flux), moved back by its
 * latency and scaled to its running maximum, squared so weak onsets read as unlikely beats.
 * Downbeat: the beat curve weighted by the low-band onset and the chord change at each frame
 * (the two cues src/audio/downbeats.ts scores bar phase with). Not a product path.
 */
import type { BeatActivations } from '../../src/audio/learned/activations.js'
import { powerToDb } from '../../src/audio/mel.js'
import { onsetStrength, ONSET_LATENCY_FRAMES } from '../../src/audio/onset.js'
import { spectralPass } from '../../src/audio/streams/spectralPass.js'

const N_FFT = 2048
const HOP = 512
const N_MELS = 128
/** Running-maximum window (s) the onsets are scaled by: loud and soft passages both reach 1. */
const NORM_SEC = 3
/** Half window (s) of the chord-change measure. */
const CHANGE_SEC = 0.3

export function dspActivations(samples: Float32Array, sampleRate: number): BeatActivations {
  const pass = spectralPass(samples, sampleRate, { nFft: N_FFT, hop: HOP, nMels: N_MELS })
  const { frames, fps, bank, chroma } = pass
  const melDb = powerToDb(pass.mel)
  const onset = onsetStrength(melDb, frames, N_MELS, { aggregate: 'median', nFft: N_FFT, hop: HOP })
  let lowBands = 0
  while (lowBands < N_MELS && bank.centers[lowBands] < 200) lowBands++
  const low = onsetStrength(melDb, frames, N_MELS, { aggregate: 'mean', bandHi: Math.max(1, lowBands), nFft: N_FFT, hop: HOP })

  const beatRaw = runningScale(shiftBack(onset, ONSET_LATENCY_FRAMES), Math.round(NORM_SEC * fps))
  const lowN = runningScale(shiftBack(low, ONSET_LATENCY_FRAMES), Math.round(NORM_SEC * fps))
  const w = Math.max(2, Math.round(CHANGE_SEC * fps))
  const change = new Float64Array(frames)
  for (let t = w; t + w < frames; t++) change[t] = cosineDistance(meanChroma(chroma.data, t - w, t), meanChroma(chroma.data, t, t + w))
  const changeN = runningScale(change, Math.round(4 * NORM_SEC * fps))

  const beat = new Float32Array(frames)
  const downbeat = new Float32Array(frames)
  for (let t = 0; t < frames; t++) {
    beat[t] = beatRaw[t] ** 2
    downbeat[t] = beat[t] * (0.5 * lowN[t] + 0.5 * changeN[t])
  }
  return { fps, beat, downbeat }
}

/** x(t + d) by linear interpolation: moves a curve `d` frames earlier. */
function shiftBack(x: Float64Array, d: number): Float64Array {
  const out = new Float64Array(x.length)
  const k = Math.floor(d)
  const f = d - k
  for (let i = 0; i < x.length; i++) {
    const a = x[Math.min(x.length - 1, i + k)]
    const b = x[Math.min(x.length - 1, i + k + 1)]
    out[i] = a + f * (b - a)
  }
  return out
}

/** x divided by its maximum over ±w frames (0..1). */
function runningScale(x: Float64Array, w: number): Float64Array {
  const n = x.length
  const out = new Float64Array(n)
  // Block maxima keep this O(n · n/w) at worst; songs are short enough for the plain scan below.
  const step = Math.max(1, w >> 2)
  const blocks = Math.ceil(n / step)
  const bmax = new Float64Array(blocks)
  for (let i = 0; i < n; i++) bmax[Math.floor(i / step)] = Math.max(bmax[Math.floor(i / step)], x[i])
  for (let i = 0; i < n; i++) {
    let m = 0
    for (let b = Math.max(0, Math.floor((i - w) / step)); b <= Math.min(blocks - 1, Math.floor((i + w) / step)); b++) m = Math.max(m, bmax[b])
    out[i] = m > 0 ? Math.min(1, x[i] / m) : 0
  }
  return out
}

function meanChroma(data: Float32Array | Float64Array, a: number, b: number): Float64Array {
  const v = new Float64Array(12)
  for (let t = a; t < b; t++) for (let c = 0; c < 12; c++) v[c] += data[t * 12 + c]
  return v
}

function cosineDistance(a: Float64Array, b: Float64Array): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < 12; i++) {
    ab += a[i] * b[i]
    aa += a[i] * a[i]
    bb += b[i] * b[i]
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0
}
