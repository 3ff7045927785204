import type { Analysis, Curve, FrameControl } from '../schemas/index.js'
import { ONSET_LATENCY_FRAMES, peakPick } from './onset.js'

/** Percussive hits (time, strength) per analysis, computed once per Analysis object. */
const hitCache = new WeakMap<Analysis, Array<{ t: number; v: number }>>()

function percussiveHits(a: Analysis): Array<{ t: number; v: number }> {
  let hits = hitCache.get(a)
  if (!hits) {
    const c = a.features.percussive
    // Moved back by the envelope's latency like beats, so a hit lands on the frame of the sound.
    hits = peakPick(c.values).map((i) => ({ t: Math.max(0, (i - ONSET_LATENCY_FRAMES * (c.fps / 43.066)) / c.fps), v: c.values[i] }))
    hitCache.set(a, hits)
  }
  return hits
}

/**
 * One control record per output frame in [startFrame, endFrame): curves averaged over each
 * frame's span, percussive hits and beats placed on their nearest frame, beat/bar phase.
 */
export function frameControls(analysis: Analysis, fps: number, startFrame: number, endFrame: number): FrameControl[] {
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`)
  const first = Math.max(0, Math.floor(startFrame))
  const last = Math.max(first, Math.floor(endFrame))
  const hit = new Map<number, number>()
  for (const h of percussiveHits(analysis)) {
    const f = Math.round(h.t * fps)
    if (f >= first && f < last) hit.set(f, Math.max(hit.get(f) ?? 0, h.v))
  }
  const beatFrames = new Set(analysis.beats.map((t) => Math.round(t * fps)))
  const downFrames = new Set(analysis.downbeats.map((t) => Math.round(t * fps)))
  const beatPeriod = 60 / analysis.tempo.bpm
  const f = analysis.features
  const out: FrameControl[] = []
  let section = 0
  for (let frame = first; frame < last; frame++) {
    const t0 = frame / fps
    const t1 = (frame + 1) / fps
    while (section + 1 < analysis.sections.length && analysis.sections[section + 1].start <= t0) section++
    out.push({
      frame,
      loudness: spanMean(f.rms, t0, t1),
      hit: hit.get(frame) ?? 0,
      hue: spanHue(f.hue, t0, t1),
      brightness: spanMean(f.centroid, t0, t1),
      harmonic: spanMean(f.harmonic, t0, t1),
      vocal: spanMean(f.vocal, t0, t1),
      sectionIndex: analysis.sections.length ? section : 0,
      beatPhase: phaseAt(analysis.beats, t0, beatPeriod),
      barPhase: phaseAt(analysis.downbeats, t0, beatPeriod * analysis.meter),
      onBeat: beatFrames.has(frame),
      onDownbeat: downFrames.has(frame),
    })
  }
  return out
}

/** Indices of the curve samples inside [t0, t1), or the nearest one when the span holds none. */
function span(c: Curve, t0: number, t1: number): [number, number] {
  const n = c.values.length
  let a = Math.ceil(t0 * c.fps - 1e-9)
  let b = Math.ceil(t1 * c.fps - 1e-9)
  a = Math.min(Math.max(a, 0), n)
  b = Math.min(Math.max(b, 0), n)
  if (b <= a) {
    const i = Math.min(n - 1, Math.max(0, Math.round(t0 * c.fps)))
    return [i, i + 1]
  }
  return [a, b]
}

function spanMean(c: Curve, t0: number, t1: number): number {
  if (c.values.length === 0) return 0
  const [a, b] = span(c, t0, t1)
  let s = 0
  for (let i = a; i < b; i++) s += c.values[i]
  return round4(s / (b - a))
}

/** Circular mean of hue samples (degrees). */
function spanHue(c: Curve, t0: number, t1: number): number {
  if (c.values.length === 0) return 0
  const [a, b] = span(c, t0, t1)
  let x = 0
  let y = 0
  for (let i = a; i < b; i++) {
    const r = (c.values[i] * Math.PI) / 180
    x += Math.cos(r)
    y += Math.sin(r)
  }
  return round4((((Math.atan2(y, x) * 180) / Math.PI) % 360 + 360) % 360)
}

/** Position 0..1 between the surrounding marks; extrapolated with the edge interval outside them. */
function phaseAt(marks: number[], t: number, fallbackPeriod: number): number {
  const n = marks.length
  const wrap = (x: number) => round4(((x % 1) + 1) % 1)
  if (n === 0) return wrap(t / fallbackPeriod)
  if (n === 1) return wrap((t - marks[0]) / fallbackPeriod)
  if (t < marks[0]) return wrap((t - marks[0]) / (marks[1] - marks[0]))
  if (t >= marks[n - 1]) return wrap((t - marks[n - 1]) / (marks[n - 1] - marks[n - 2]))
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (marks[mid] <= t) lo = mid
    else hi = mid
  }
  return wrap((t - marks[lo]) / (marks[hi] - marks[lo]))
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}
