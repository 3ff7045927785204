import type { MelBank } from '../mel.js'
import { medianOf } from './median.js'

export interface RepetSimOptions {
  /** Neighbours must be at least this far apart (REPET-SIM's minimum distance). */
  minDistanceSec?: number
  /** …and at most this far: keeps the search linear in song length (choruses recur within it). */
  maxDistanceSec?: number
  /** Number of most similar frames whose median models the repeating background. */
  k?: number
  /** Frames averaged into one for the similarity search (4 → ~10.8 frames/s at hop 512). */
  downsample?: number
  /** Similarities below this do not count as repetitions. */
  minSimilarity?: number
  /** The vocal band the foreground is measured in. */
  bandHz?: [number, number]
}

/**
 * REPET-SIM (Rafii & Pardo 2012) on the harmonic part: every frame's repeating background is the
 * median of its k most similar frames (cosine similarity, ≥ minDistance apart); the foreground
 * is what rises above that background, |X| − min(|X|, B), i.e. the soft mask 1 − min(B, X)/X.
 * Similarity is searched on a reduced form (time-averaged frames, paired vocal-band mel bands);
 * background and mask are computed per frame on the harmonic mel magnitude of the vocal band.
 * Returns the foreground power in the vocal band per frame (0 where no repetition was found).
 */
export function repetSimForeground(harmonicMel: Float32Array, frames: number, bank: MelBank, fps: number, opts: RepetSimOptions = {}): Float64Array {
  const nMels = bank.nMels
  const [fLo, fHi] = opts.bandHz ?? [80, 8000]
  let lo = 0
  while (lo < nMels && bank.centers[lo] < fLo) lo++
  let hi = lo
  while (hi < nMels && bank.centers[hi] <= fHi) hi++
  const out = new Float64Array(frames)
  const bands = hi - lo
  if (bands <= 0 || frames === 0) return out
  const D = Math.max(1, Math.round(opts.downsample ?? 4))
  const k = Math.max(1, Math.round(opts.k ?? 10))
  const minSim = opts.minSimilarity ?? 0
  const minLag = Math.max(1, Math.ceil(((opts.minDistanceSec ?? 2) * fps) / D))
  const maxLag = Math.max(minLag, Math.floor(((opts.maxDistanceSec ?? 60) * fps) / D))

  // Reduced frames: magnitudes averaged over D frames and band pairs, unit norm.
  const R = Math.ceil(frames / D)
  const dims = Math.ceil(bands / 2)
  const red = new Float32Array(R * dims)
  for (let t = 0; t < frames; t++) {
    const o = ((t / D) | 0) * dims
    const s = t * nMels + lo
    for (let m = 0; m < bands; m++) red[o + (m >> 1)] += Math.sqrt(harmonicMel[s + m])
  }
  for (let r = 0; r < R; r++) {
    let n2 = 0
    for (let d = 0; d < dims; d++) n2 += red[r * dims + d] ** 2
    const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0
    for (let d = 0; d < dims; d++) red[r * dims + d] *= inv
  }

  // k nearest neighbours per reduced frame; each pair's similarity is computed once.
  const nbIdx = new Int32Array(R * k).fill(-1)
  const nbSim = new Float32Array(R * k).fill(-Infinity)
  const offer = (r: number, j: number, sim: number) => {
    const o = r * k
    if (sim <= nbSim[o + k - 1]) return
    let i = k - 1
    while (i > 0 && nbSim[o + i - 1] < sim) {
      nbSim[o + i] = nbSim[o + i - 1]
      nbIdx[o + i] = nbIdx[o + i - 1]
      i--
    }
    nbSim[o + i] = sim
    nbIdx[o + i] = j
  }
  for (let a = 0; a < R; a++) {
    const ao = a * dims
    const end = Math.min(R - 1, a + maxLag)
    for (let b = a + minLag; b <= end; b++) {
      const bo = b * dims
      let sim = 0
      for (let d = 0; d < dims; d++) sim += red[ao + d] * red[bo + d]
      if (sim < minSim || sim <= 0) continue
      offer(a, b, sim)
      offer(b, a, sim)
    }
  }

  // Background = median of the neighbours' magnitudes at the same offset inside their block.
  const vals = new Float32Array(k)
  const nb = new Int32Array(k)
  for (let t = 0; t < frames; t++) {
    const r = (t / D) | 0
    const off = t - r * D
    let count = 0
    for (let i = 0; i < k; i++) {
      const j = nbIdx[r * k + i]
      if (j < 0) break
      nb[count++] = Math.min(frames - 1, j * D + off)
    }
    if (count === 0) continue
    let fg = 0
    const s = t * nMels + lo
    for (let m = 0; m < bands; m++) {
      for (let i = 0; i < count; i++) vals[i] = Math.sqrt(harmonicMel[nb[i] * nMels + lo + m])
      const bg = medianOf(vals, count)
      const x = Math.sqrt(harmonicMel[s + m])
      if (x > bg) fg += (x - bg) * (x - bg)
    }
    out[t] = fg
  }
  return out
}
