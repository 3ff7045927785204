import type { FrameMatrix } from './features.js'

export interface SectionInput {
  /** Beat positions in analysis frames, increasing. */
  beatFrames: number[]
  /** Downbeat times in seconds (boundaries snap to these). */
  downbeats: number[]
  /** Confidence of each downbeat, 0..1 (all 1 when absent). */
  downbeatConfidence?: number[]
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
  /** Confidence of the boundary at `start`, 0..1 (1 for the first section). */
  confidence: number
}

/** Boundary evidence of a song, exposed for tests and plots. */
export interface SectionEvidence {
  /** Beat segment edges in frames (the beat grid extended over beatless stretches). */
  edges: number[]
  /** Novelty at the long (4-bar) and short (2-bar) kernel scale, per beat segment. */
  novelty: Float64Array
  noveltyShort: Float64Array
  /** Chosen inner boundaries (s), snapped to downbeats. */
  boundaries: number[]
  /**
   * Confidence of each boundary, 0..1: the geometric mean of its novelty peak (scaled to the
   * song's strongest) and the confidence of the downbeat it snapped to (a bar line filled in
   * where the tracker reported none counts UNREPORTED_BAR).
   */
  confidence: number[]
  feats: Float64Array[]
  sigma2: number
}

/**
 * Structure: Foote novelty on a banded beat-synchronous self-similarity (chroma + timbre +
 * energy), boundaries snapped to downbeats, sections clustered to letters on their mean features
 * and named when the evidence supports it (quiet first = intro, quiet last = outro, loudest
 * repeated = chorus). Memory O(beats × kernel): no beats × beats matrix.
 */
export function findSections(inp: SectionInput): FoundSection[] {
  const ev = sectionEvidence(inp)
  if (!ev) return [{ label: 'A', start: 0, end: inp.durationSec, energy: 1, confidence: 1 }]
  const bounds = [0, ...ev.boundaries, inp.durationSec]
  const segs = bounds.slice(0, -1).map((start, k) => ({ start, end: bounds[k + 1] }))
  const energies = segs.map((s) => meanRange(inp.rms, Math.round(s.start * inp.fps), Math.round(s.end * inp.fps)))
  const maxE = Math.max(...energies, 1e-12)
  const energy = energies.map((e) => Math.max(0, Math.min(1, e / maxE)))
  const labels = nameSections(segs, energy, clusterSegments(segs, ev.edges, ev.feats, ev.sigma2, inp.fps))
  const confidence = [1, ...ev.confidence]
  return segs.map((s, k) => ({ label: labels[k], start: s.start, end: s.end, energy: round4(energy[k]), confidence: confidence[k] }))
}

/** Novelty curves and snapped boundaries; undefined when there are too few beats for structure. */
export function sectionEvidence(inp: SectionInput): SectionEvidence | undefined {
  // Beat segments, with the beat grid extended over beatless stretches (a drumless intro).
  const edges = beatGridFrames(inp.beatFrames, inp.frames)
  const nSeg = edges.length - 1
  if (inp.beatFrames.length < 8 || nSeg < 8) return undefined

  // Median-filter each feature over two bars (msaf's m_median): beat-level timbre alternates
  // kick/snare and chroma follows the chords, which would swamp the difference between
  // sections, while a median keeps the step at a section change sharp. The window is exactly two
  // bars (even), so every position sees the same mix of beats of the bar: an odd window over an
  // alternating kick/snare pattern would flip its median from beat to beat.
  const feats = medianRows(beatFeatures(inp, edges), 2 * inp.meter)
  // Structure lives where the music sounds: leading silence and the ring-out after the last note
  // would otherwise sit inside the kernels of the first and last bars and look like boundaries.
  const [a, b] = musicSpan(inp.rms, edges)
  const span = feats.slice(a, b)
  const nSpan = span.length
  // Two kernel scales: 4 bars keeps the long-range contrast that separates 8- and 16-bar
  // sections, 2 bars finds the edges of short (4-bar) sections the long kernel blurs over.
  const half = Math.max(4, Math.min(4 * inp.meter, Math.floor(nSpan / 6)))
  const short = Math.max(4, Math.min(2 * inp.meter, half))
  const novelty = new Float64Array(nSeg)
  const noveltyShort = new Float64Array(nSeg)
  // Only lags inside the widest kernel are ever read: a band, O(beats × kernel) memory.
  const band = nSpan >= 8 ? similarityBand(span, 2 * half) : undefined
  if (band) {
    novelty.set(noveltyFromBand(band, half), a)
    noveltyShort.set(short < half ? noveltyFromBand(band, short) : novelty.subarray(a, b), a)
  }
  // A section lasts at least two bars: the first and last two bars cannot hold a boundary, and
  // the song's edges (fade-in, ring-out) must not set the scale the peaks are measured against.
  const lo = a + 2 * inp.meter
  const hi = b - 2 * inp.meter
  const peaks = band ? mergePeaks(novelty, noveltyShort, half, short, inp.meter, lo, hi) : []

  // Snap each peak to its nearest downbeat. Long-scale peaks are placed first (strongest first),
  // short-scale ones only fill gaps: the 2-bar kernel also fires a bar late where a section's
  // last bar rings into the next (crash tails), so it must not displace a long-scale boundary.
  const barSec = inp.downbeats.length > 1 ? (inp.downbeats[inp.downbeats.length - 1] - inp.downbeats[0]) / (inp.downbeats.length - 1) : (inp.meter * 60) / 120
  const grid = downbeatGrid(inp.downbeats, barSec, inp.durationSec)
  const cands = peaks
    .map((p) => ({ t: snap(edges[p.i] / inp.fps, grid), strength: p.strength, long: p.long }))
    .filter((c) => c.t > 0.9 * barSec && c.t < inp.durationSec - 0.9 * barSec)
    .sort((a, b) => Number(b.long) - Number(a.long) || b.strength - a.strength)
  const chosen: Array<{ t: number; strength: number }> = []
  for (const c of cands) if (chosen.every((x) => Math.abs(x.t - c.t) >= 1.9 * barSec)) chosen.push(c)
  chosen.sort((a, b) => a.t - b.t)
  const dbConf = (t: number) => {
    const i = inp.downbeats.indexOf(t)
    return i < 0 ? UNREPORTED_BAR : inp.downbeatConfidence?.[i] ?? 1
  }
  return {
    edges,
    novelty,
    noveltyShort,
    boundaries: chosen.map((c) => c.t),
    confidence: chosen.map((c) => Math.round(1e3 * Math.sqrt(Math.max(0, Math.min(1, c.strength)) * dbConf(c.t))) / 1e3),
    feats,
    sigma2: band?.sigma2 ?? 1,
  }
}

/** Downbeat confidence of a bar line the tracker did not report (filled in over a gap). */
const UNREPORTED_BAR = 0.3

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

/**
 * Beat frames as segment edges covering [0, frames]: the grid is extended by the edge intervals
 * before the first and after the last beat, and gaps wider than 1.5 median intervals (a beatless
 * stretch, a drumless bridge whose beats were dropped) are filled with evenly spaced beats, so
 * every stretch of the song gets as many segments as its duration deserves.
 */
export function beatGridFrames(beats: number[], frames: number): number[] {
  const inside = beats.filter((f) => f > 0 && f < frames)
  if (inside.length < 2) return [0, ...inside, frames]
  const iv = inside.slice(1).map((f, i) => f - inside[i]).sort((x, y) => x - y)
  const med = iv[iv.length >> 1]
  const filled: number[] = [inside[0]]
  for (let i = 1; i < inside.length; i++) {
    const gap = inside[i] - inside[i - 1]
    if (gap > 1.5 * med) {
      const k = Math.round(gap / med)
      for (let j = 1; j < k; j++) filled.push(Math.round(inside[i - 1] + (j * gap) / k))
    }
    filled.push(inside[i])
  }
  const head = filled[1] - filled[0]
  const tail = filled[filled.length - 1] - filled[filled.length - 2]
  const before: number[] = []
  for (let f = filled[0] - head; f > head / 2; f -= head) before.unshift(Math.round(f))
  const after: number[] = []
  for (let f = filled[filled.length - 1] + tail; f < frames - tail / 2; f += tail) after.push(Math.round(f))
  return [0, ...before, ...filled, ...after, frames]
}

/** Segments quieter than this (dB below the loudest segment) at either end are not music. */
const SILENT_EDGE_DB = 40

/** The range [a, b) of beat segments from the first to the last one that is not near-silent. */
export function musicSpan(rms: ArrayLike<number>, edges: number[]): [number, number] {
  const n = edges.length - 1
  const level = Array.from({ length: n }, (_, i) => meanRange(rms as Float64Array, edges[i], edges[i + 1]))
  const floor = Math.max(...level, 0) * 10 ** (-SILENT_EDGE_DB / 20)
  let a = 0
  while (a < n && !(level[a] > floor)) a++
  let b = n
  while (b > a && !(level[b - 1] > floor)) b--
  return b > a ? [a, b] : [0, n]
}

/**
 * Running median of every column over `width` rows, rows i − ⌊width/2⌋ … i + ⌈width/2⌉ − 1
 * (shrinking at the ends).
 */
export function medianRows(rows: Float64Array[], width: number): Float64Array[] {
  const h = width >> 1
  const h2 = width - h - 1
  const n = rows.length
  const out = rows.map((r) => new Float64Array(r.length))
  const buf: number[] = []
  for (let d = 0; d < (rows[0]?.length ?? 0); d++) {
    for (let i = 0; i < n; i++) {
      buf.length = 0
      for (let j = Math.max(0, i - h); j <= Math.min(n - 1, i + h2); j++) buf.push(rows[j][d])
      buf.sort((a, b) => a - b)
      out[i][d] = buf.length % 2 ? buf[buf.length >> 1] : 0.5 * (buf[buf.length / 2 - 1] + buf[buf.length / 2])
    }
  }
  return out
}

/**
 * Banded self-similarity: `data[i * width + d]` = exp(−‖x_i − x_{i+d}‖² / σ²) for lags 0 ≤ d <
 * width (0 past the end). σ² is the median squared distance inside the band, so the contrast
 * adapts to how much the features move within a few bars.
 */
export interface SimilarityBand {
  n: number
  width: number
  data: Float64Array
  sigma2: number
}

export function similarityBand(rows: Float64Array[], width: number, sigma2?: number): SimilarityBand {
  const n = rows.length
  const w = Math.max(1, Math.min(width, n))
  const data = new Float64Array(n * w)
  const d2all: number[] = []
  for (let i = 0; i < n; i++) {
    for (let d = 1; d < w && i + d < n; d++) {
      const v = sqDist(rows[i], rows[i + d])
      data[i * w + d] = v
      d2all.push(v)
    }
  }
  let s2 = sigma2
  if (s2 === undefined) {
    d2all.sort((a, b) => a - b)
    s2 = d2all[d2all.length >> 1] ?? 1
  }
  s2 = Math.max(1e-9, s2)
  for (let i = 0; i < n; i++) {
    data[i * w] = 1
    for (let d = 1; d < w; d++) data[i * w + d] = i + d < n ? Math.exp(-data[i * w + d] / s2) : 0
  }
  return { n, width: w, data, sigma2: s2 }
}

function sqDist(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2
  return s
}

/**
 * Foote novelty with a Gaussian-tapered checkerboard of `half` beats a side, using quadrant means
 * over the valid part of the kernel so the song's edges do not look like boundaries. Index i
 * scores a boundary at the start of beat segment i (past = i−half..i−1, future = i..i+half−1),
 * so a peak needs no half-kernel correction. Reads lags < 2·half only: needs band.width ≥ 2·half.
 */
export function noveltyFromBand(band: SimilarityBand, half: number): Float64Array {
  const { n, width, data } = band
  if (2 * half > width) throw new RangeError(`similarity band ${width} too narrow for a ${half}-beat kernel`)
  const S = (i: number, j: number) => (i <= j ? data[i * width + (j - i)] : data[j * width + (i - j)])
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
          pp += w * S(pa, pb)
          ppW += w
        }
        if (fa < n && fb < n) {
          ff += w * S(fa, fb)
          ffW += w
        }
        if (pa >= 0 && fb < n) {
          pf += w * S(pa, fb)
          pfW += w
        }
      }
    }
    out[i] = ppW && ffW && pfW ? Math.max(0, 0.5 * (pp / ppW + ff / ffW) - pf / pfW) : 0
  }
  return out
}

/**
 * A short-scale (2-bar kernel) peak must reach this share of its curve's maximum to count: that
 * curve also fires on chord and phrase changes inside sections, so only its clearest peaks do.
 */
const SHORT_PEAK = 0.9

/**
 * Boundary candidates from both kernel scales, inside [lo, hi]: each curve is scaled to its own
 * maximum within that range and peak-picked over a moving median of its own kernel's reach. The
 * long (4-bar) curve gives the candidates; a strong peak of the short (2-bar) curve is added
 * where no long-scale peak lies within `half` beats (a short section the long kernel blurs).
 */
export function mergePeaks(
  long: Float64Array,
  short: Float64Array,
  half: number,
  shortHalf: number,
  meter: number,
  lo = 0,
  hi = long.length - 1,
): Array<{ i: number; strength: number; long: boolean }> {
  const scaled = (x: Float64Array) => {
    let m = 0
    for (let i = Math.max(0, lo); i <= Math.min(x.length - 1, hi); i++) m = Math.max(m, x[i])
    return m > 0 ? x.map((v) => Math.min(1, v / m)) : x
  }
  const inRange = (i: number) => i >= lo && i <= hi
  const a = scaled(long)
  const out: Array<{ i: number; strength: number; long: boolean }> = []
  for (const i of pickPeaks(a, 2 * meter, 2 * half)) if (inRange(i)) out.push({ i, strength: a[i], long: true })
  if (short !== long) {
    const b = scaled(short)
    const longIdx = out.map((p) => p.i)
    for (const i of pickPeaks(b, 2 * meter, 2 * shortHalf)) {
      if (inRange(i) && b[i] >= SHORT_PEAK && longIdx.every((j) => Math.abs(j - i) > half)) out.push({ i, strength: b[i], long: false })
    }
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

/**
 * Downbeats extended by whole bars to both ends of the song, and gaps wider than 1.5 bars (a
 * beatless or drumless stretch whose beats were dropped) filled with evenly spaced bar lines, so
 * every boundary snaps to a bar line near it.
 */
export function downbeatGrid(downbeats: number[], barSec: number, durationSec: number): number[] {
  if (downbeats.length === 0 || !(barSec > 0)) return downbeats
  const out: number[] = []
  for (let t = downbeats[0] - barSec; t > -barSec / 2; t -= barSec) out.unshift(Math.max(0, t))
  for (let k = 0; k < downbeats.length; k++) {
    if (k > 0) {
      const gap = downbeats[k] - downbeats[k - 1]
      const m = Math.round(gap / barSec)
      if (gap > 1.5 * barSec) for (let j = 1; j < m; j++) out.push(downbeats[k - 1] + (j * gap) / m)
    }
    out.push(downbeats[k])
  }
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

/** Similarity of two sections' mean features above which they share a letter. */
const SAME_SECTION = 0.8

/**
 * Groups sections by their mean beat features (O(beats) memory): similarity is the Gaussian of
 * the distance between section means, with the same bandwidth as the beat similarity.
 */
function clusterSegments(segs: Array<{ start: number; end: number }>, edges: number[], feats: Float64Array[], sigma2: number, fps: number): number[] {
  const n = edges.length - 1
  const means = segs.map((s) => {
    let a = 0
    while (a < n - 1 && edges[a + 1] <= s.start * fps + 1e-6) a++
    let b = a
    while (b < n && edges[b] < s.end * fps - 1e-6) b++
    b = Math.max(a + 1, b)
    const v = new Float64Array(feats[0].length)
    for (let i = a; i < b; i++) for (let d = 0; d < v.length; d++) v[d] += feats[i][d] / (b - a)
    return v
  })
  const cluster: number[] = []
  const reps: number[] = []
  for (let k = 0; k < segs.length; k++) {
    let found = -1
    let best = 0
    for (let c = 0; c < reps.length; c++) {
      const sim = Math.exp(-sqDist(means[k], means[reps[c]]) / sigma2)
      if (sim >= SAME_SECTION && sim > best) {
        best = sim
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

