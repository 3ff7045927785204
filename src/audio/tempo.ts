import { atLag, tempogram, type Tempogram } from './tempogram.js'

export interface TempoEstimate {
  /** The song's main tempo: median of the local tempo path (weighted to windows with a pulse). */
  bpm: number
  /** How much the winning lag stands out from the rest of the averaged tempogram, 0..1. */
  confidence: number
  /** Target beat period (frames, fractional) for every onset frame; constant when steady. */
  period: Float64Array
  /** True when the local tempo path drifts or steps by more than ~4 %. */
  varying: boolean
  /** Local tempo (BPM) per tempogram window, and each window's pulse clarity (0..1). */
  localBpm: Float64Array
  clarity: Float64Array
  /** Onset frame at the centre of each tempogram window. */
  centers: Int32Array
}

/** Beat period bounds (BPM). */
const MAX_BPM = 320
const MIN_PATH_BPM = 40
/** Cost of moving the local tempo by one octave between consecutive 1 s windows. */
const JUMP_PER_OCTAVE = 5
/** Local tempo spread (p90 / p10) above which the tracker follows a time-varying period. */
const VARYING_RATIO = 1.04

/**
 * Tempo with metrical evidence and local tracking. Each lag L of every 8 s window is scored by
 * librosa's `log1p(1e6·ac) + log-normal prior around 120 BPM`, where `ac` is enhanced by the
 * bar-level periodicities (2L and 4L, or 3L and 6L in triple time): a true beat period is also
 * periodic at the bar, while an off-beat or 2:3 pulse is not. A Viterbi path through the windows
 * (octave jumps cost JUMP_PER_OCTAVE) follows drifts and steps without flipping octaves.
 */
export function estimateTempo(onset: Float64Array, fps: number, opts: { startBpm?: number; stdBpm?: number } = {}): TempoEstimate {
  const startBpm = opts.startBpm ?? 120
  const stdBpm = opts.stdBpm ?? 1
  const n = onset.length
  const tg = tempogram(onset, fps)
  const W = tg.windows
  const stride = tg.maxLag + 1
  const loLag = Math.max(2, Math.ceil((60 * fps) / MAX_BPM))
  const hiLag = Math.min(tg.maxLag, Math.floor((60 * fps) / MIN_PATH_BPM))
  const steady = (bpm: number, confidence: number): TempoEstimate => ({
    bpm,
    confidence,
    period: new Float64Array(n).fill((60 * fps) / bpm),
    varying: false,
    localBpm: new Float64Array(W).fill(bpm),
    clarity: new Float64Array(W),
    centers: tg.centers,
  })
  if (hiLag <= loLag || n < 3) return steady(startBpm, 0)
  const L = hiLag - loLag + 1
  const prior = new Float64Array(L)
  for (let k = 0; k < L; k++) {
    const bpm = (60 * fps) / (loLag + k)
    prior[k] = -0.5 * ((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm) ** 2
  }
  const mean = new Float64Array(stride)
  for (let w = 0; w < W; w++) for (let lag = 0; lag < stride; lag++) mean[lag] += tg.ac[w * stride + lag] / W

  // Emission per window and lag.
  const emit = new Float64Array(W * L)
  for (let w = 0; w < W; w++) {
    for (let k = 0; k < L; k++) emit[w * L + k] = Math.log1p(1e6 * Math.max(0, metrical(tg.ac, w * stride, tg.maxLag, loLag + k))) + prior[k]
  }
  // Viterbi over lags, penalising log-tempo jumps.
  const logLag = new Float64Array(L).map((_, k) => Math.log2(loLag + k))
  const back = new Int32Array(W * L)
  let prev = new Float64Array(L)
  let cur = new Float64Array(L)
  for (let k = 0; k < L; k++) prev[k] = emit[k]
  for (let w = 1; w < W; w++) {
    for (let k = 0; k < L; k++) {
      let best = -Infinity
      let arg = k
      for (let j = 0; j < L; j++) {
        const s = prev[j] - JUMP_PER_OCTAVE * Math.abs(logLag[k] - logLag[j])
        if (s > best) {
          best = s
          arg = j
        }
      }
      cur[k] = best + emit[w * L + k]
      back[w * L + k] = arg
    }
    ;[prev, cur] = [cur, prev]
  }
  let end = 0
  for (let k = 1; k < L; k++) if (prev[k] > prev[end]) end = k
  const pathLag = new Float64Array(W)
  for (let w = W - 1, k = end; w >= 0; w--) {
    pathLag[w] = refineLag(tg.ac, w * stride, tg.maxLag, loLag + k)
    if (w > 0) k = back[w * L + k]
  }

  const clarity = pulseClarity(tg, pathLag)
  const localBpm = pathLag.map((lag) => (60 * fps) / lag)
  // Main tempo: median over windows that carry a pulse (all windows when none does).
  const pulsed = Array.from(localBpm).filter((_, w) => clarity[w] >= CLEAR_PULSE)
  const pool = pulsed.length >= 3 ? pulsed : Array.from(localBpm)
  const sorted = [...pool].sort((a, b) => a - b)
  const bpm = sorted[sorted.length >> 1]
  const p10 = sorted[Math.floor(0.1 * (sorted.length - 1))]
  const p90 = sorted[Math.ceil(0.9 * (sorted.length - 1))]
  const varying = p90 / p10 > VARYING_RATIO

  // Confidence: how far the main lag stands above the median of the averaged tempogram.
  const mainLag = (60 * fps) / bpm
  const vals: number[] = []
  for (let lag = loLag; lag <= hiLag; lag++) vals.push(Math.max(0, mean[lag]))
  vals.sort((a, b) => a - b)
  const med = vals[vals.length >> 1] ?? 0
  const top = atLag(mean, 0, tg.maxLag, mainLag)
  const confidence = top > 0 ? Math.max(0, Math.min(1, (top - med) / (top + 1e-12))) : 0

  if (!varying) {
    const out = steady(bpm, confidence)
    out.localBpm = localBpm
    out.clarity = clarity
    return out
  }
  // Smooth the path over 5 windows and interpolate it to every frame.
  const smooth = new Float64Array(W)
  for (let w = 0; w < W; w++) {
    const win: number[] = []
    for (let j = Math.max(0, w - 2); j <= Math.min(W - 1, w + 2); j++) win.push(pathLag[j])
    win.sort((a, b) => a - b)
    smooth[w] = win[win.length >> 1]
  }
  const period = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const x = i / tg.hop
    const a = Math.min(W - 1, Math.floor(x))
    const b = Math.min(W - 1, a + 1)
    const f = Math.min(1, x - a)
    period[i] = smooth[a] + f * (smooth[b] - smooth[a])
  }
  return { bpm, confidence, period, varying, localBpm, clarity, centers: tg.centers }
}

/** Windows whose clarity reaches this carry a steady pulse. */
export const CLEAR_PULSE = 0.2

/** Beat-level autocorrelation plus the bar level (duple 2L, 4L or triple 3L, 6L, the stronger). */
function metrical(ac: Float64Array, off: number, maxLag: number, lag: number): number {
  const a = (x: number) => Math.max(0, atLag(ac, off, maxLag, x))
  const duple = 0.5 * a(2 * lag) + 0.25 * a(4 * lag)
  const triple = 0.5 * a(3 * lag) + 0.25 * a(6 * lag)
  return (a(lag) + Math.max(duple, triple)) / 1.75
}

/** Parabolic refinement of an integer lag on the row's autocorrelation. */
function refineLag(ac: Float64Array, off: number, maxLag: number, lag: number): number {
  if (lag <= 1 || lag >= maxLag) return lag
  const y0 = ac[off + lag - 1]
  const y1 = ac[off + lag]
  const y2 = ac[off + lag + 1]
  const d = y0 - 2 * y1 + y2
  if (!(d < 0)) return lag
  const delta = (0.5 * (y0 - y2)) / d
  return Math.abs(delta) <= 1 ? lag + delta : lag
}

/**
 * Pulse clarity per window: the mean-removed autocorrelation at the local beat period (best of
 * ±1 lag) and at twice it. A rubato pad or a free intro has onsets but no periodicity.
 */
function pulseClarity(tg: Tempogram, pathLag: Float64Array): Float64Array {
  const stride = tg.maxLag + 1
  const out = new Float64Array(tg.windows)
  // Near-silent windows (a reverb tail, a pause) normalise noise into false periodicity.
  const levels = Array.from(tg.level).filter((x) => x > 0).sort((a, b) => a - b)
  const floor = 0.1 * (levels[levels.length >> 1] ?? 0)
  for (let w = 0; w < tg.windows; w++) {
    if (!(tg.level[w] > floor)) continue
    const lag = pathLag[w]
    let best = 0
    for (const m of [1, 2]) {
      for (let d = -1; d <= 1; d++) best = Math.max(best, atLag(tg.acCentered, w * stride, tg.maxLag, m * lag + d))
    }
    out[w] = Math.min(1, best)
  }
  return out
}

/** Slowest and fastest local tempo over ~8 s spans of beat times; varying when they differ by > 4 %. */
export function tempoRange(beats: number[], bpm: number): { min: number; max: number; varying: boolean } {
  const local: number[] = []
  for (let i = 0; i + 1 < beats.length; ) {
    let j = i + 1
    while (j + 1 < beats.length && beats[j] - beats[i] < 8 && beats[j + 1] - beats[j] < 2.5 * (beats[i + 1] - beats[i])) j++
    if (j - i >= 4) local.push((60 * (j - i)) / (beats[j] - beats[i]))
    i = j
  }
  if (!local.length) return { min: bpm, max: bpm, varying: false }
  const min = Math.min(...local, bpm)
  const max = Math.max(...local, bpm)
  return { min, max, varying: max / min > 1 + VARYING_RATIO - 1 }
}
