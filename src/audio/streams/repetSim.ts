import type { MelBank } from '../mel.js'
import { median10Bits, medianOf } from './median.js'

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

  // Band magnitudes (≥ 0), computed once: the background reads each frame's up to 2k times.
  const mags = new Float32Array(frames * bands)
  const bits = new Int32Array(mags.buffer)
  for (let t = 0; t < frames; t++) {
    const s = t * nMels + lo
    const o = t * bands
    for (let m = 0; m < bands; m++) mags[o + m] = Math.sqrt(harmonicMel[s + m])
  }

  // Reduced frames: magnitudes averaged over D frames and band pairs, unit norm.
  const R = Math.ceil(frames / D)
  const dims = Math.ceil(bands / 2)
  const red = new Float32Array(R * dims)
  for (let t = 0; t < frames; t++) {
    const o = ((t / D) | 0) * dims
    const s = t * bands
    for (let m = 0; m < bands; m++) red[o + (m >> 1)] += mags[s + m]
  }
  for (let r = 0; r < R; r++) {
    let n2 = 0
    for (let d = 0; d < dims; d++) n2 += red[r * dims + d] ** 2
    const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0
    for (let d = 0; d < dims; d++) red[r * dims + d] *= inv
  }

  const { nbIdx } = nearestNeighbours(Float64Array.from(red), R, dims, k, minLag, maxLag, minSim)

  // Background = median of the neighbours' magnitudes at the same offset inside their block.
  const vals = new Float32Array(k)
  const rows = new Int32Array(k)
  for (let t = 0; t < frames; t++) {
    const r = (t / D) | 0
    const off = t - r * D
    let count = 0
    for (let i = 0; i < k; i++) {
      const j = nbIdx[r * k + i]
      if (j < 0) break
      rows[count++] = Math.min(frames - 1, j * D + off) * bands
    }
    if (count === 0) continue
    let fg = 0
    const s = t * nMels + lo
    for (let m = 0; m < bands; m++) {
      let bg: number
      if (count === 10) bg = median10Bits(rows, bits, m)
      else {
        for (let i = 0; i < count; i++) vals[i] = mags[rows[i] + m]
        bg = medianOf(vals, count)
      }
      const x = Math.sqrt(harmonicMel[s + m])
      if (x > bg) fg += (x - bg) * (x - bg)
    }
    out[t] = fg
  }
  return out
}

/**
 * The k most similar reduced frames of each (dot product of unit rows, lag minLag..maxLag on
 * either side, similarity ≥ minSim and > 0), most similar first; -1 fills missing ones. Each
 * pair's similarity is computed once.
 */
function nearestNeighbours(red: Float64Array, R: number, dims: number, k: number, minLag: number, maxLag: number, minSim: number): { nbIdx: Int32Array } {
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
  const take = (a: number, b: number, sim: number) => {
    if (sim < minSim || sim <= 0) return
    offer(a, b, sim)
    offer(b, a, sim)
  }
  for (let a = 0; a < R; a++) {
    const ao = a * dims
    const end = Math.min(R - 1, a + maxLag)
    let b = a + minLag
    // Four lags at once share the loads of row a; each sum still runs over d in order (exact).
    for (; b + 3 <= end; b += 4) {
      const bo = b * dims
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let d = 0; d < dims; d++) {
        const x = red[ao + d]
        s0 += x * red[bo + d]
        s1 += x * red[bo + dims + d]
        s2 += x * red[bo + 2 * dims + d]
        s3 += x * red[bo + 3 * dims + d]
      }
      take(a, b, s0)
      take(a, b + 1, s1)
      take(a, b + 2, s2)
      take(a, b + 3, s3)
    }
    for (; b <= end; b++) {
      const bo = b * dims
      let sim = 0
      for (let d = 0; d < dims; d++) sim += red[ao + d] * red[bo + d]
      take(a, b, sim)
    }
  }
  return { nbIdx }
}
