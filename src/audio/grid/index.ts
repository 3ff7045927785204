/**
 * The beat grid from beat / downbeat activations: beats by a DBN over tempo and beat position,
 * the tapped metrical level, stretches without a pulse dropped, then downbeats and meter by an
 * HMM over the beats, each beat and downbeat with a confidence. With the analysis's bar cues
 * (chord change and low-band onsets per beat, cues.ts) the bar phase reads the music too; three
 * beats a bar whose midpoint the activation also marks become two (6/8 tracked at the quarter,
 * level.ts compoundBeats). Pure; times in seconds.
 */
import type { BeatActivations } from '../learned/activations.js'
import { decodeBars, phaseConfidence } from './bars.js'
import { decodeBeatsDbn } from './beatDbn.js'
import { argmaxIn, clamp01, maxIn, refinePeak, upsample } from './curves.js'
import { beatCues, type AnalysisCues } from './cues.js'
import { beatEvidence, pulsedBeats } from './evidence.js'
import { chooseLevel, compoundBeats, tempoLogPrior } from './level.js'

export interface DecodedGrid {
  beats: number[]
  beatConfidence: number[]
  downbeats: number[]
  downbeatConfidence: number[]
  meter: number
  /** Median tempo of the beats; 0 when there are none. */
  bpm: number
}

export interface DecodeOptions {
  minBpm?: number
  maxBpm?: number
  /** Candidate beats per bar (default 2, 3, 4, 5, 6, 7). */
  meters?: number[]
  /** The analysis's bar cues (low-band onsets, chroma): they join the downbeat activation in the bar phase. */
  cues?: AnalysisCues
  /** Weights of the cues in nats per unit of relative accent (default CUE_WEIGHTS). */
  cueWeights?: { low: number; change: number }
}

/**
 * Nats of downbeat log-odds per unit of a beat's relative low-band onset and chord change. Tuned on
 * the dev split (373 items): downbeat F 0.833 → 0.850 at these; chord change carries most of it
 * (alone 0.842), low-band onsets alone did not help (0.765 at weight 1), and larger weights
 * (1, 1: 0.841; 2, 2: 0.798) let the cues overrule a model that is right.
 */
export const CUE_WEIGHTS = { low: 0.15, change: 0.5 }

export interface DecodedGridDetail extends DecodedGrid {
  /** Stretches (s) where the activation has no pulse: no beats are placed inside. */
  beatless: Array<{ start: number; end: number }>
  /** How the decode went, for reports: level factor (1.5: three beats a bar read as two) and each meter's score. */
  detail: { level: number; meterScores: Record<number, number>; halfBar?: { ratio: number; consistency: number; pairs: number; change?: number } }
}

export const DEFAULT_METERS: readonly number[] = [2, 3, 4, 5, 6, 7]
/** The DBN runs at about this rate: integer beat periods are then fine enough (1 % at 100 BPM). */
const DBN_FPS = 100
/** Per-second weight of the tempo prior inside the DBN (a tie-breaker; `chooseLevel` decides). */
const DBN_PRIOR_PER_SEC = 1
/** Half-width (s) within which a beat reads its activation peak. */
const PEAK_TOL_SEC = 0.05
/** Beats further apart than this many median intervals are separated by a beatless stretch. */
export const GAP_BEATS = 1.75

export function decodeGrid(act: BeatActivations, opts: DecodeOptions = {}): DecodedGrid {
  const { beatless: _b, detail: _d, ...grid } = decodeGridDetailed(act, opts)
  return grid
}

export function decodeGridDetailed(act: BeatActivations, opts: DecodeOptions = {}): DecodedGridDetail {
  const minBpm = opts.minBpm ?? 55
  const maxBpm = opts.maxBpm ?? 215
  const meters = opts.meters ?? [...DEFAULT_METERS]
  // Activations come from code, not users: a mismatch is a defect upstream, reported as such.
  if (!(act.fps > 0) || !Number.isFinite(act.fps)) throw new RangeError(`decodeGrid: activations need a positive fps, got ${act.fps}`)
  if (act.beat.length !== act.downbeat.length) {
    throw new RangeError(`decodeGrid: beat (${act.beat.length} frames) and downbeat (${act.downbeat.length}) activations differ in length`)
  }
  if (!(minBpm > 0 && maxBpm > minBpm)) throw new RangeError(`decodeGrid: tempo range ${minBpm}..${maxBpm} BPM is empty`)
  const k = Math.max(1, Math.round(DBN_FPS / act.fps))
  const fps = act.fps * k
  const beatAct = upsample(finite01(act.beat), k)
  const downAct = upsample(finite01(act.downbeat), k)
  const duration = act.beat.length / act.fps
  const empty: DecodedGridDetail = {
    beats: [],
    beatConfidence: [],
    downbeats: [],
    downbeatConfidence: [],
    meter: 4,
    bpm: 0,
    beatless: duration > 0 ? [{ start: 0, end: duration }] : [],
    detail: { level: 1, meterScores: {} },
  }
  const tol = Math.max(1, Math.round(PEAK_TOL_SEC * fps))

  const dbn = decodeBeatsDbn(beatAct, { fps, minBpm, maxBpm, tempoPrior: (bpm) => DBN_PRIOR_PER_SEC * tempoLogPrior(bpm) })
  // Each beat moves to the activation peak near it (madmom's `correct`), to a sub-frame position.
  const snapped = dbn.frames.map((f) => snapToPeak(beatAct, f, tol))
  const keep = pulsedBeats(beatEvidence(snapped, beatAct, tol).evidence)
  const pulsed = snapped.filter((_, i) => keep[i])
  if (pulsed.length < 2) return empty

  const level = chooseLevel(pulsed, beatAct, fps, tol, { minBpm, maxBpm })
  const read = (frames: number[], meterSet: number[]) => {
    const ev = beatEvidence(frames, beatAct, tol)
    const ibi = frames.slice(1).map((f, i) => f - frames[i])
    const med = medianOf(ibi)
    const gapBefore = frames.map((_, i) => i > 0 && ibi[i - 1] > GAP_BEATS * med)
    const d = frames.map((f) => maxIn(downAct, f - tol, f + tol))
    let cue: number[] | undefined
    let change: number[] | undefined
    if (opts.cues) {
      const wgt = opts.cueWeights ?? CUE_WEIGHTS
      const c = beatCues(frames.map((f) => f / fps), opts.cues, gapBefore)
      cue = c.low.map((l, i) => ev.evidence[i] * (wgt.low * l + wgt.change * c.change[i]))
      change = c.change
    }
    return { frames, ev, ibi, med, gapBefore, bars: decodeBars(d, gapBefore, meterSet, ev.evidence, cue, change) }
  }
  let r = read(level.factor === 0.5 ? level.frames.map((f) => snapToPeak(beatAct, f, tol)) : level.frames, meters)
  let factor = level.factor
  // Three beats a bar that a listener hears as two dotted-quarter beats (6/8): see compoundBeats.
  if (r.bars.meter === 3 && meters.includes(2)) {
    const compound = compoundBeats(r.frames, r.bars.position, r.gapBefore, beatAct, tol)
    if (compound) {
      r = read(compound.map((f) => snapToPeak(beatAct, f, tol)), [2])
      factor *= 1.5
    }
  }
  const { frames, ev, ibi, med, gapBefore, bars } = r
  const beatConfidence = ev.evidence.map((e, i) => round3(clamp01(e * ev.agreement[i])))
  const phase = phaseConfidence(bars, gapBefore)
  const downIdx = bars.position.flatMap((p, i) => (p === 0 ? [i] : []))
  const steady = ibi.filter((x) => x <= GAP_BEATS * med)
  const bpm = steady.length ? (60 * fps) / medianOf(steady) : 0

  const beatless: Array<{ start: number; end: number }> = []
  for (let i = 1; i < frames.length; i++) {
    if (gapBefore[i]) beatless.push({ start: (frames[i - 1] + 0.5 * med) / fps, end: (frames[i] - 0.5 * med) / fps })
  }
  // Dropped runs at the song's ends are beatless too when they are longer than a couple of beats.
  if (frames[0] > 2.5 * med) beatless.unshift({ start: 0, end: (frames[0] - 0.5 * med) / fps })
  const tail = beatAct.length - 1 - frames[frames.length - 1]
  if (tail > 2.5 * med) beatless.push({ start: (frames[frames.length - 1] + 0.5 * med) / fps, end: duration })

  const seconds = (f: number) => round4(Math.max(0, f / fps))
  return {
    beats: frames.map(seconds),
    beatConfidence,
    downbeats: downIdx.map((i) => seconds(frames[i])),
    // A downbeat is as sure as its bar phase, and no surer than the beat it sits on.
    downbeatConfidence: downIdx.map((i, j) => round3(clamp01(phase[j] * Math.sqrt(beatConfidence[i])))),
    meter: bars.meter,
    bpm: round4(bpm),
    beatless: beatless.map((s) => ({ start: round4(s.start), end: round4(Math.min(duration, s.end)) })).filter((s) => s.end > s.start),
    detail: { level: factor, meterScores: bars.scores, ...(bars.halfBar ? { halfBar: bars.halfBar } : {}) },
  }
}

/** Values clamped to 0..1, a non-finite value read as 0 (no evidence). */
function finite01(x: Float32Array): Float32Array {
  let clean = true
  for (let i = 0; i < x.length && clean; i++) if (!(x[i] >= 0 && x[i] <= 1)) clean = false
  return clean ? x : x.map((v) => (v > 0 ? Math.min(1, v) : 0))
}

function snapToPeak(act: Float32Array, f: number, tol: number): number {
  const p = argmaxIn(act, f - tol, f + tol, f)
  return act[p] > act[Math.round(f)] ? refinePeak(act, p) : f
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (!s.length) return 0
  const m = s.length >> 1
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m])
}

function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}
