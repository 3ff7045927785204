import type { FrameMatrix } from './features.js'
import { cosineDistance, windowMax } from './vectors.js'

export interface DownbeatResult {
  meter: number
  /** Indices into the beat list that start a bar. */
  downbeatIndices: number[]
  /**
   * Each beat's bar-start accent: its low-band onset and chord change, each relative to the
   * song's mean (0 = an average beat). What the confidence of a downbeat is read from.
   */
  accent: number[]
}

/**
 * Bar phase without a model. For meters 4 and 3, every phase is scored by three beat-synchronous
 * cues, each as the relative accent of that phase's beats over the mean of all beats (scale-free,
 * so the cues add without weights):
 * - low-band onsets: kick and bass notes start the bar;
 * - chord change at the beat: the chroma of the beat differs from that of the beat before, since
 *   chords move on the bar (the most reliable cue across pop, funk, shuffle, waltz and ballad);
 * - bar-level change: consecutive bars' mean chroma differ most when the bars are cut at the
 *   right phase (a wrong phase blends two chords in every bar).
 * A backbeat (snare on 2 and 4) cue was measured and left out: a crash or kick on the one puts
 * as much snare-band energy on beat 1 as on 2 and 4. Meter 3 wins only when its score is
 * clearly larger than meter 4's.
 */
export function findDownbeats(beatFrames: number[], lowOnset: Float64Array, chroma: FrameMatrix): DownbeatResult {
  const n = beatFrames.length
  if (n < 2) return { meter: 4, downbeatIndices: n ? [0] : [], accent: n ? [0] : [] }
  const low = beatFrames.map((f) => windowMax(lowOnset, f - 2, f + 2))
  const beatChroma = beatMeans(beatFrames, chroma)
  const change = beatChroma.map((v, i) => (i > 0 ? cosineDistance(beatChroma[i - 1], v) : 0))
  // The first beat has no predecessor: its change is unknown, not zero.
  change[0] = n > 1 ? change.slice(1).reduce((a, b) => a + b, 0) / (n - 1) : 0

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
    const lowAcc = phaseAccent(low, m)
    const chgAcc = phaseAccent(change, m)
    const bc = Array.from({ length: m }, (_, p) => barChange(m, p))
    const bcMean = bc.reduce((a, b) => a + b, 0) / m
    let top = { phase: 0, score: -Infinity }
    for (let p = 0; p < m; p++) {
      const score = lowAcc[p] + chgAcc[p] + (bcMean > 1e-9 ? (bc[p] - bcMean) / bcMean : 0)
      if (score > top.score) top = { phase: p, score }
    }
    return top
  }
  const four = best(4)
  const three = n >= 6 ? best(3) : { phase: 0, score: -Infinity }
  const useThree = three.score > THREE_MIN && three.score > THREE_RATIO * Math.max(0, four.score)
  const meter = useThree ? 3 : 4
  const phase = useThree ? three.phase : four.phase
  const idx: number[] = []
  for (let i = phase; i < n; i += meter) idx.push(i)
  const rel = (x: number[]) => {
    const m = x.reduce((a, b) => a + b, 0) / n
    return x.map((v) => (m > 1e-12 ? v / m - 1 : 0))
  }
  const lowRel = rel(low)
  const chgRel = rel(change)
  return { meter, downbeatIndices: idx, accent: lowRel.map((v, i) => v + chgRel[i]) }
}

/** Triple meter needs this much accent, and this many times meter 4's, to win (4/4 is the default). */
const THREE_MIN = 0.3
const THREE_RATIO = 1.5

/** For each phase p of period m: (mean of x over beats ≡ p mod m − mean of x) / mean of x. */
function phaseAccent(x: number[], m: number): number[] {
  const mean = x.reduce((a, b) => a + b, 0) / Math.max(1, x.length)
  return Array.from({ length: m }, (_, p) => {
    let s = 0
    let c = 0
    for (let i = p; i < x.length; i += m) {
      s += x[i]
      c++
    }
    return c && mean > 1e-12 ? (s / c - mean) / mean : 0
  })
}

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
