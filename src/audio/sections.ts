import type { FrameMatrix } from './features.js'

export interface SectionInput {
  /** Beat positions in analysis frames, increasing. */
  beatFrames: number[]
  /** Downbeat times in seconds (boundaries snap to these). */
  downbeats: number[]
  meter: number
  fps: number
  frames: number
  durationSec: number
  chroma: FrameMatrix
  /** MFCC-like timbre coefficients per frame. */
  timbre: FrameMatrix
  rms: Float64Array
}

export interface FoundSection {
  label: string
  start: number
  end: number
  energy: number
}

/**
 * Structure: Foote novelty on a beat-synchronous self-similarity matrix (chroma + timbre + energy),
 * boundaries snapped to downbeats, sections clustered to letters and named when the evidence
 * supports it (quiet first = intro, quiet last = outro, loudest repeated = chorus).
 */
export function findSections(inp: SectionInput): FoundSection[] {
  const whole = (): FoundSection[] => [{ label: 'A', start: 0, end: inp.durationSec, energy: 1 }]
  // Beat segments, with the beat grid extended over beatless stretches (a drumless intro).
  const edges = beatGridFrames(inp.beatFrames, inp.frames)
  const nSeg = edges.length - 1
  if (inp.beatFrames.length < 8 || nSeg < 8) return whole()

  // Median-filter each feature over two bars (msaf's m_median): beat-level timbre alternates
  // kick/snare and chroma follows the chords, which would swamp the difference between
  // sections, while a median keeps the step at a section change sharp.
  const feats = medianRows(beatFeatures(inp, edges), 2 * inp.meter + 1)
  const S = similarity(feats)
  // Two kernel scales, summed: 2 bars finds the boundaries of short (4-bar) sections, 4 bars
  // keeps the long-range contrast that separates 8- and 16-bar sections.
  const half = Math.max(4, Math.min(4 * inp.meter, Math.floor(nSeg / 6)))
  const nov = novelty(S, nSeg, half)
  const short = Math.max(4, Math.min(2 * inp.meter, half))
  if (short < half) {
    const nShort = novelty(S, nSeg, short)
    for (let i = 0; i < nSeg; i++) nov[i] += nShort[i]
  }
  const peaks = pickPeaks(nov, inp.meter * 2, 2 * half).filter((i) => i >= inp.meter && i <= nSeg - inp.meter)

  // Snap to downbeats, keep the stronger of boundaries closer than two bars, keep clear of the ends.
  const barSec = inp.downbeats.length > 1 ? (inp.downbeats[inp.downbeats.length - 1] - inp.downbeats[0]) / (inp.downbeats.length - 1) : (inp.meter * 60) / 120
  const cands = peaks
    .map((i) => ({ t: snap(edges[i] / inp.fps, downbeatGrid(inp.downbeats, barSec, inp.durationSec)), strength: nov[i] }))
    .filter((c) => c.t > 0.9 * barSec && c.t < inp.durationSec - 0.9 * barSec)
    .sort((a, b) => b.strength - a.strength)
  const chosen: number[] = []
  for (const c of cands) if (chosen.every((t) => Math.abs(t - c.t) >= 1.9 * barSec)) chosen.push(c.t)
  chosen.sort((a, b) => a - b)
  const bounds = [0, ...chosen, inp.durationSec]

  const segs = bounds.slice(0, -1).map((start, k) => ({ start, end: bounds[k + 1] }))
  const energies = segs.map((s) => meanRange(inp.rms, Math.round(s.start * inp.fps), Math.round(s.end * inp.fps)))
  const maxE = Math.max(...energies, 1e-12)
  const energy = energies.map((e) => Math.max(0, Math.min(1, e / maxE)))
  const labels = nameSections(segs, energy, clusterSegments(segs, edges, S, inp.fps))
  return segs.map((s, k) => ({ label: labels[k], start: s.start, end: s.end, energy: round4(energy[k]) }))
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/** Standardised beat-synchronous features, each group (chroma, timbre, energy) weighted equally. */
function beatFeatures(inp: SectionInput, edges: number[]): Float64Array[] {
  const nSeg = edges.length - 1
  const dims = 12 + inp.timbre.dims + 1
  const rows: Float64Array[] = []
  for (let s = 0; s < nSeg; s++) {
    const a = edges[s]
    const b = Math.max(edges[s + 1], a + 1)
    const v = new Float64Array(dims)
    let cnt = 0
    for (let t = a; t < Math.min(b, inp.frames); t++) {
      for (let c = 0; c < 12; c++) v[c] += inp.chroma.data[t * 12 + c]
      for (let c = 0; c < inp.timbre.dims; c++) v[12 + c] += inp.timbre.data[t * inp.timbre.dims + c]
      v[dims - 1] += Math.log(inp.rms[t] + 1e-5)
      cnt++
    }
    if (cnt) for (let d = 0; d < dims; d++) v[d] /= cnt
    rows.push(v)
  }
  const weight = (d: number) => (d < 12 ? CHROMA_WEIGHT / Math.sqrt(12) : d < dims - 1 ? 1 / Math.sqrt(inp.timbre.dims) : 1)
  for (let d = 0; d < dims; d++) {
    let m = 0
    for (const r of rows) m += r[d]
    m /= nSeg
    let sd = 0
    for (const r of rows) sd += (r[d] - m) ** 2
    sd = Math.sqrt(sd / nSeg)
    for (const r of rows) r[d] = sd > 1e-9 ? ((r[d] - m) / sd) * weight(d) : 0
  }
  return rows
}

/** Beat frames extended at the edge intervals to cover [0, frames]; returned as segment edges. */
function beatGridFrames(beats: number[], frames: number): number[] {
  const inside = beats.filter((f) => f > 0 && f < frames)
  if (inside.length < 2) return [0, ...inside, frames]
  const head = inside[1] - inside[0]
  const tail = inside[inside.length - 1] - inside[inside.length - 2]
  const before: number[] = []
  for (let f = inside[0] - head; f > head / 2; f -= head) before.unshift(Math.round(f))
  const after: number[] = []
  for (let f = inside[inside.length - 1] + tail; f < frames - tail / 2; f += tail) after.push(Math.round(f))
  return [0, ...before, ...inside, ...after, frames]
}

/** Centred running median of every column over `width` rows (shrinking at the ends). */
function medianRows(rows: Float64Array[], width: number): Float64Array[] {
  const h = width >> 1
  const n = rows.length
  const out = rows.map((r) => new Float64Array(r.length))
  const buf: number[] = []
  for (let d = 0; d < (rows[0]?.length ?? 0); d++) {
    for (let i = 0; i < n; i++) {
      buf.length = 0
      for (let j = Math.max(0, i - h); j <= Math.min(n - 1, i + h); j++) buf.push(rows[j][d])
      buf.sort((a, b) => a - b)
      out[i][d] = buf.length % 2 ? buf[buf.length >> 1] : 0.5 * (buf[buf.length / 2 - 1] + buf[buf.length / 2])
    }
  }
  return out
}

/** Gaussian similarity of beat features, bandwidth from the median squared distance. */
function similarity(rows: Float64Array[]): Float64Array {
  const n = rows.length
  const d2 = new Float64Array(n * n)
  const all: number[] = []
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0
      for (let d = 0; d < rows[i].length; d++) s += (rows[i][d] - rows[j][d]) ** 2
      d2[i * n + j] = s
      d2[j * n + i] = s
      all.push(s)
    }
  }
  all.sort((a, b) => a - b)
  const sigma2 = Math.max(1e-9, all[all.length >> 1] ?? 1)
  const S = new Float64Array(n * n)
  for (let i = 0; i < n * n; i++) S[i] = Math.exp(-d2[i] / sigma2)
  return S
}

/**
 * Foote novelty with a Gaussian-tapered checkerboard, using quadrant means over the valid part of
 * the kernel so the song's edges do not look like boundaries.
 */
function novelty(S: Float64Array, n: number, half: number): Float64Array {
  const g = (k: number) => Math.exp(-0.5 * ((k + 0.5) / half) ** 2)
  const out = new Float64Array(n)
  for (let i = 1; i < n; i++) {
    let pp = 0
    let ppW = 0
    let ff = 0
    let ffW = 0
    let pf = 0
    let pfW = 0
    for (let a = 0; a < half; a++) {
      const pa = i - 1 - a
      const fa = i + a
      for (let b = 0; b < half; b++) {
        const pb = i - 1 - b
        const fb = i + b
        const w = g(a) * g(b)
        if (pa >= 0 && pb >= 0) {
          pp += w * S[pa * n + pb]
          ppW += w
        }
        if (fa < n && fb < n) {
          ff += w * S[fa * n + fb]
          ffW += w
        }
        if (pa >= 0 && fb < n) {
          pf += w * S[pa * n + fb]
          pfW += w
        }
      }
    }
    out[i] = ppW && ffW && pfW ? Math.max(0, 0.5 * (pp / ppW + ff / ffW) - pf / pfW) : 0
  }
  return out
}

/** Novelty peaks must rise this much (× the maximum) above the local median, and above the floor. */
const PEAK_DELTA = 0.05
const PEAK_FLOOR = 0.15
/** Chroma counts half: chords cycle inside a section, while timbre and energy hold steady. */
const CHROMA_WEIGHT = 0.5

/** Local maxima over ±`radius` beats that stand above the moving median and a floor. */
function pickPeaks(nov: Float64Array, radius: number, medianRadius: number): number[] {
  const n = nov.length
  let max = 0
  for (let i = 0; i < n; i++) max = Math.max(max, nov[i])
  if (max <= 0) return []
  const peaks: number[] = []
  for (let i = 1; i < n; i++) {
    let isMax = true
    const win: number[] = []
    for (let j = Math.max(0, i - medianRadius); j <= Math.min(n - 1, i + medianRadius); j++) {
      win.push(nov[j])
      if (Math.abs(j - i) <= radius && (nov[j] > nov[i] || (nov[j] === nov[i] && j < i))) isMax = false
    }
    if (!isMax) continue
    win.sort((a, b) => a - b)
    const med = win[win.length >> 1]
    if (nov[i] >= med + PEAK_DELTA * max && nov[i] >= PEAK_FLOOR * max) peaks.push(i)
  }
  return peaks
}

/** Downbeats extended by whole bars to both ends of the song, so edge boundaries snap sensibly. */
function downbeatGrid(downbeats: number[], barSec: number, durationSec: number): number[] {
  if (downbeats.length === 0 || !(barSec > 0)) return downbeats
  const out = [...downbeats]
  for (let t = downbeats[0] - barSec; t > -barSec / 2; t -= barSec) out.unshift(Math.max(0, t))
  for (let t = downbeats[downbeats.length - 1] + barSec; t < durationSec + barSec / 2; t += barSec) out.push(t)
  return out
}

function snap(t: number, downbeats: number[]): number {
  let best = t
  let d = Infinity
  for (const db of downbeats) {
    if (Math.abs(db - t) < d) {
      d = Math.abs(db - t)
      best = db
    }
  }
  return best
}

function meanRange(x: Float64Array, a: number, b: number): number {
  const lo = Math.max(0, a)
  const hi = Math.min(x.length, Math.max(b, lo + 1))
  let s = 0
  for (let i = lo; i < hi; i++) s += x[i]
  return hi > lo ? s / (hi - lo) : 0
}

/** Block similarity (relative to self-similarity) above which two sections share a letter. */
const SAME_SECTION_RATIO = 0.8

/**
 * Groups sections whose beats resemble each other: block mean of the similarity matrix against
 * the geometric mean of both sections' self-similarity.
 */
function clusterSegments(segs: Array<{ start: number; end: number }>, edges: number[], S: Float64Array, fps: number): number[] {
  const n = edges.length - 1
  const beatRange = (s: { start: number; end: number }): [number, number] => {
    let a = 0
    while (a < n - 1 && edges[a + 1] <= s.start * fps + 1e-6) a++
    let b = a
    while (b < n && edges[b] < s.end * fps - 1e-6) b++
    return [a, Math.max(a + 1, b)]
  }
  const ranges = segs.map(beatRange)
  const block = (x: [number, number], y: [number, number]) => {
    let s = 0
    let c = 0
    for (let i = x[0]; i < x[1]; i++) for (let j = y[0]; j < y[1]; j++) if (i !== j) {
      s += S[i * n + j]
      c++
    }
    return c ? s / c : 1
  }
  const self = ranges.map((r) => block(r, r))
  const cluster: number[] = []
  const reps: number[] = []
  for (let k = 0; k < segs.length; k++) {
    let found = -1
    let bestR = 0
    for (let c = 0; c < reps.length; c++) {
      const r = reps[c]
      const ratio = block(ranges[k], ranges[r]) / Math.sqrt(self[k] * self[r])
      if (ratio >= SAME_SECTION_RATIO && ratio > bestR) {
        bestR = ratio
        found = c
      }
    }
    if (found < 0) {
      reps.push(k)
      found = reps.length - 1
    }
    cluster.push(found)
  }
  return cluster
}

/** Letters per cluster, then intro/verse/chorus/bridge/outro where the evidence supports it. */
function nameSections(segs: Array<{ start: number; end: number }>, energy: number[], cluster: number[]): string[] {
  const n = segs.length
  const labels: string[] = new Array(n).fill('')
  const count = new Map<number, number>()
  for (const c of cluster) count.set(c, (count.get(c) ?? 0) + 1)
  const quiet = (k: number) => energy[k] < 0.75
  if (n >= 3 && quiet(0) && count.get(cluster[0]) === 1) labels[0] = 'intro'
  if (n >= 3 && quiet(n - 1) && count.get(cluster[n - 1]) === 1) labels[n - 1] = 'outro'

  // Loudest repeated cluster = chorus; the earliest other repeated cluster = verse.
  const repeated = [...count.entries()].filter(([, c]) => c >= 2).map(([c]) => c)
  const meanEnergy = (c: number) => {
    const ks = cluster.map((x, k) => (x === c ? k : -1)).filter((k) => k >= 0)
    return ks.reduce((a, k) => a + energy[k], 0) / ks.length
  }
  let chorus = -1
  for (const c of repeated) if (chorus < 0 || meanEnergy(c) > meanEnergy(chorus)) chorus = c
  const verse = repeated.filter((c) => c !== chorus).sort((a, b) => cluster.indexOf(a) - cluster.indexOf(b))[0]
  const letters = new Map<number, string>()
  for (let k = 0; k < n; k++) {
    if (labels[k]) continue
    const c = cluster[k]
    if (c === chorus) labels[k] = 'chorus'
    else if (verse !== undefined && c === verse) labels[k] = 'verse'
    else if (chorus >= 0 && count.get(c) === 1 && cluster.slice(0, k).includes(chorus) && cluster.slice(k + 1).includes(chorus)) labels[k] = 'bridge'
    else {
      if (!letters.has(c)) letters.set(c, String.fromCharCode(65 + letters.size))
      labels[k] = letters.get(c)!
    }
  }
  return labels
}

