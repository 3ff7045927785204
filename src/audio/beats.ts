/**
 * Ellis (2007) dynamic-programming beat tracker, following librosa `beat_track` defaults
 * (tightness 100, trim on), with one extension: the target period may vary per frame (a tempo
 * path from `estimateTempo`), so the transition cost of frame i uses the local period there.
 * `tempo` is a BPM (steady) or a per-frame period in frames. Returns beat frame indices.
 */
export function trackBeats(onset: Float64Array, fps: number, tempo: number | Float64Array, tightness = 100): number[] {
  const n = onset.length
  if (n < 3) return []
  const periodAt = typeof tempo === 'number' ? () => (60 * fps) / tempo : (i: number) => tempo[Math.min(tempo.length - 1, i)]
  if (typeof tempo === 'number' && !(tempo > 0)) return []
  let meanPeriod = 0
  for (let i = 0; i < n; i++) meanPeriod += periodAt(i) / n
  const fpbMean = Math.round(meanPeriod)
  if (!(fpbMean >= 1)) return []
  const local = localScore(onset, fpbMean)
  let localMax = -Infinity
  for (let i = 0; i < n; i++) if (local[i] > localMax) localMax = local[i]
  if (!(localMax > 0)) return []

  // Forward pass: best predecessor within [i - 2 fpb, i - fpb/2] of the local period.
  const backlink = new Int32Array(n).fill(-1)
  const cum = new Float64Array(n)
  const threshold = 0.01 * localMax
  let firstBeat = true
  for (let i = 0; i < n; i++) {
    const fpb = Math.max(1, periodAt(i))
    const logFpb = Math.log(fpb)
    let best = -Infinity
    let loc = -1
    for (let j = i - Math.round(fpb / 2); j >= i - Math.round(2 * fpb); j--) {
      if (j < 0) break
      const d = Math.log(i - j) - logFpb
      const s = cum[j] - tightness * d * d
      if (s > best) {
        best = s
        loc = j
      }
    }
    cum[i] = loc >= 0 ? local[i] + best : local[i]
    if (firstBeat && local[i] < threshold) backlink[i] = -1
    else {
      backlink[i] = loc
      firstBeat = false
    }
  }

  const tail = lastBeat(cum)
  if (tail < 0) return []
  const beats: number[] = []
  for (let i = tail; i >= 0; i = backlink[i]) beats.push(i)
  beats.reverse()
  return trimBeats(local, beats)
}

/** Onsets normalised by their standard deviation, smoothed by a Gaussian of width fpb/32. */
function localScore(onset: Float64Array, fpb: number): Float64Array {
  const n = onset.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += onset[i]
  mean /= n
  let v = 0
  for (let i = 0; i < n; i++) v += (onset[i] - mean) ** 2
  const std = Math.sqrt(v / Math.max(1, n - 1)) + 1e-300
  const kernel = new Float64Array(2 * fpb + 1)
  for (let k = -fpb; k <= fpb; k++) kernel[k + fpb] = Math.exp(-0.5 * ((k * 32) / fpb) ** 2)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = -fpb; k <= fpb; k++) {
      const j = i - k
      if (j >= 0 && j < n) s += kernel[k + fpb] * onset[j]
    }
    out[i] = s / std
  }
  return out
}

/** Last local maximum of the cumulative score that reaches half the median of all local maxima. */
function lastBeat(cum: Float64Array): number {
  const n = cum.length
  const isMax = (i: number) => {
    const prev = i > 0 ? cum[i - 1] : cum[i]
    const next = i < n - 1 ? cum[i + 1] : cum[i]
    return cum[i] > prev && cum[i] >= next
  }
  const maxima: number[] = []
  for (let i = 0; i < n; i++) if (isMax(i)) maxima.push(cum[i])
  if (maxima.length === 0) return -1
  const sorted = [...maxima].sort((a, b) => a - b)
  const m = sorted.length
  const med = m % 2 ? sorted[(m - 1) >> 1] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2])
  const th = 0.5 * med
  for (let i = n - 1; i >= 0; i--) if (isMax(i) && cum[i] >= th) return i
  return -1
}

/** Drops weak leading and trailing beats (below half the RMS of the Hann-smoothed beat onsets). */
function trimBeats(local: Float64Array, beats: number[]): number[] {
  if (beats.length === 0) return beats
  const vals = beats.map((b) => local[b])
  const hann5 = [0, 0.5, 1, 0.5, 0]
  const smooth = vals.map((_, i) => {
    let s = 0
    for (let k = -2; k <= 2; k++) {
      const j = i - k
      if (j >= 0 && j < vals.length) s += hann5[k + 2] * vals[j]
    }
    return s
  })
  const threshold = 0.5 * Math.sqrt(smooth.reduce((a, x) => a + x * x, 0) / smooth.length)
  let a = 0
  while (a < vals.length && vals[a] <= threshold) a++
  let b = vals.length - 1
  while (b >= 0 && vals[b] <= threshold) b--
  return beats.slice(a, b + 1)
}

/**
 * Tempo from beat times: the mean of the inter-beat intervals that agree with their median
 * (within 15 %), which averages away the frame quantisation of single intervals.
 */
export function tempoFromBeats(times: number[]): number | undefined {
  if (times.length < 3) return undefined
  const iv: number[] = []
  for (let i = 1; i < times.length; i++) iv.push(times[i] - times[i - 1])
  const sorted = [...iv].sort((a, b) => a - b)
  const med = sorted[sorted.length >> 1]
  const ok = iv.filter((d) => Math.abs(d - med) <= 0.15 * med)
  if (ok.length === 0 || !(med > 0)) return undefined
  return 60 / (ok.reduce((a, b) => a + b, 0) / ok.length)
}

/** Ratio by which the cymbal band must favour the half-period shift before the beats move there. */
const OFFBEAT_RATIO = 1.12

/**
 * Off-beat guard. Syncopated kick, bass and keys can outweigh the beat in every band below the
 * cymbals (measured on a funk groove: low, mid, full-band flux and chroma change all favoured the
 * "and"), so the DP locks half a beat off. The cymbals keep time: hats and rides accent the beat
 * even when they play 8ths or 16ths, and the snare's noise reaches up there too. When the cymbal
 * onsets (`cymbalOnset`) at the mid-points clearly outweigh those at the beats, shift every beat
 * by half its interval.
 */
export function correctOffbeat(beatFrames: number[], cymbal: Float64Array): number[] {
  const n = beatFrames.length
  if (n < 8) return beatFrames
  const at = (f: number) => {
    let m = 0
    for (let i = Math.max(0, Math.round(f) - 2); i <= Math.min(cymbal.length - 1, Math.round(f) + 2); i++) m = Math.max(m, cymbal[i])
    return m
  }
  let on = 0
  let mid = 0
  for (let i = 0; i + 1 < n; i++) {
    on += at(beatFrames[i])
    mid += at(0.5 * (beatFrames[i] + beatFrames[i + 1]))
  }
  if (!(mid > OFFBEAT_RATIO * on)) return beatFrames
  const out: number[] = []
  for (let i = 0; i + 1 < n; i++) out.push(Math.round(0.5 * (beatFrames[i] + beatFrames[i + 1])))
  return out
}

/**
 * Lowest centre frequency of the cymbal band. Keys, clav, brass and bass put audible harmonics up
 * to ~5 kHz (they are what pulls the DP off the beat); above 6 kHz the HPSS percussive part is
 * hats, rides, crashes and snare noise.
 */
export const CYMBAL_HZ = 6000
/** Dynamic range (dB below the percussive peak) the cymbal cue listens to. */
const CYMBAL_RANGE_DB = 60

/**
 * Cymbal onset envelope: positive dB flux of the percussive (HPSS) mel bands above CYMBAL_HZ,
 * averaged over those bands, centred like `onsetStrength`. Only the band is converted to dB, so
 * no second full-size dB matrix is allocated on long songs.
 */
export function cymbalOnset(
  percussiveMel: Float32Array,
  melCenters: ArrayLike<number>,
  frames: number,
  opts: { nFft?: number; hop?: number } = {},
): Float64Array {
  const nMels = melCenters.length
  let lo = 0
  while (lo < nMels - 1 && melCenters[lo] < CYMBAL_HZ) lo++
  const nb = nMels - lo
  const out = new Float64Array(frames)
  if (nb <= 0 || frames < 2) return out
  // Floor relative to the loudest percussive band anywhere (librosa's top_db, narrower): the cue
  // is about accents, and the flux of soft ghost notes and decays near the floor only blurs it.
  let peak = 0
  for (let i = 0; i < frames * nMels; i++) if (percussiveMel[i] > peak) peak = percussiveMel[i]
  const floor = 10 * Math.log10(Math.max(1e-10, peak)) - CYMBAL_RANGE_DB
  const db = new Float32Array(frames * nb)
  for (let t = 0; t < frames; t++) {
    for (let m = 0; m < nb; m++) db[t * nb + m] = Math.max(floor, 10 * Math.log10(Math.max(1e-10, percussiveMel[t * nMels + lo + m])))
  }
  const shift = 1 + Math.floor((opts.nFft ?? 2048) / (2 * (opts.hop ?? 512)))
  for (let t = 1; t < frames; t++) {
    let sum = 0
    for (let m = 0; m < nb; m++) {
      const d = db[t * nb + m] - db[(t - 1) * nb + m]
      if (d > 0) sum += d
    }
    const dst = t - 1 + shift
    if (dst < frames) out[dst] = sum / nb
  }
  return out
}
