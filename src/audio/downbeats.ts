import type { FrameMatrix } from './features.js'

export interface DownbeatResult {
  meter: number
  /** Indices into the beat list that start a bar. */
  downbeatIndices: number[]
}

/**
 * Bar phase without a model: for meters 4 and 3, every phase is scored by how much more
 * low-frequency onset energy (kick, bass notes) and harmonic change (chords move on the bar)
 * its beats carry than the other beats. Meter 3 wins only when its contrast is clearly larger.
 */
export function findDownbeats(beatFrames: number[], lowOnset: Float64Array, chroma: FrameMatrix): DownbeatResult {
  const n = beatFrames.length
  if (n < 2) return { meter: 4, downbeatIndices: n ? [0] : [] }
  const low = zscore(beatFrames.map((f) => windowMax(lowOnset, f - 2, f + 2)))
  const harm = zscore(harmonicChange(beatFrames, chroma))
  const evidence = low.map((v, i) => v + harm[i])

  // Bar-level harmonic change: chords usually move on the bar, so with the right meter and phase
  // consecutive bar-mean chroma vectors differ most (a wrong phase blends two chords per bar).
  const beatChroma = beatMeans(beatFrames, chroma)
  const barChange = (m: number, p: number) => {
    let s = 0
    let c = 0
    let prev: Float64Array | undefined
    for (let i = p; i + m <= n; i += m) {
      const v = new Float64Array(12)
      for (let k = i; k < i + m; k++) for (let d = 0; d < 12; d++) v[d] += beatChroma[k][d]
      if (prev) {
        s += cosineDistance(prev, v)
        c++
      }
      prev = v
    }
    return c ? s / c : 0
  }

  const best = (m: number) => {
    const bc = Array.from({ length: m }, (_, p) => barChange(m, p))
    const bcMean = bc.reduce((a, b) => a + b, 0) / m
    const bcSpread = Math.max(1e-3, Math.max(...bc) - Math.min(...bc), bcMean)
    let top = { phase: 0, contrast: -Infinity }
    for (let p = 0; p < m; p++) {
      let on = 0
      let onN = 0
      let off = 0
      let offN = 0
      for (let i = 0; i < n; i++) {
        if ((i - p) % m === 0) {
          on += evidence[i]
          onN++
        } else {
          off += evidence[i]
          offN++
        }
      }
      const c = (onN && offN ? on / onN - off / offN : 0) + BAR_CHANGE_WEIGHT * ((bc[p] - bcMean) / bcSpread)
      if (c > top.contrast) top = { phase: p, contrast: c }
    }
    return top
  }
  const four = best(4)
  const three = n >= 6 ? best(3) : { phase: 0, contrast: -Infinity }
  const useThree = three.contrast > 0.3 && three.contrast > 1.5 * Math.max(0, four.contrast)
  const meter = useThree ? 3 : 4
  const phase = useThree ? three.phase : four.phase
  const idx: number[] = []
  for (let i = phase; i < n; i += meter) idx.push(i)
  return { meter, downbeatIndices: idx }
}

/** Weight of the bar-level chord-change term against the beat-level contrasts. */
const BAR_CHANGE_WEIGHT = 1.5

/** Mean chroma over each beat (to the next beat). */
function beatMeans(beatFrames: number[], chroma: FrameMatrix): Float64Array[] {
  const n = beatFrames.length
  const period = n > 1 ? (beatFrames[n - 1] - beatFrames[0]) / (n - 1) : 20
  return beatFrames.map((f, i) => {
    const end = i + 1 < n ? beatFrames[i + 1] : Math.round(f + period)
    const v = new Float64Array(12)
    for (let t = Math.max(0, f); t < Math.min(chroma.frames, end); t++) for (let c = 0; c < 12; c++) v[c] += chroma.data[t * 12 + c]
    return v
  })
}

function windowMax(x: Float64Array, a: number, b: number): number {
  let m = 0
  for (let i = Math.max(0, a); i <= Math.min(x.length - 1, b); i++) m = Math.max(m, x[i])
  return m
}

/** Cosine distance between the mean chroma of the beat before and the beat starting at each beat. */
function harmonicChange(beatFrames: number[], chroma: FrameMatrix): number[] {
  const n = beatFrames.length
  const mean = (a: number, b: number): Float64Array => {
    const v = new Float64Array(12)
    const lo = Math.max(0, a)
    const hi = Math.min(chroma.frames, b)
    for (let t = lo; t < hi; t++) for (let c = 0; c < 12; c++) v[c] += chroma.data[t * 12 + c]
    return v
  }
  const period = n > 1 ? (beatFrames[n - 1] - beatFrames[0]) / (n - 1) : 20
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const f = beatFrames[i]
    const prev = i > 0 ? beatFrames[i - 1] : Math.round(f - period)
    const next = i + 1 < n ? beatFrames[i + 1] : Math.round(f + period)
    out.push(cosineDistance(mean(prev, f), mean(f, next)))
  }
  return out
}

function cosineDistance(a: Float64Array, b: Float64Array): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i]
    aa += a[i] * a[i]
    bb += b[i] * b[i]
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0
}

function zscore(x: number[]): number[] {
  const n = x.length
  const m = x.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / n)
  return x.map((v) => (sd > 1e-12 ? (v - m) / sd : 0))
}
