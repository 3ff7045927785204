/**
 * The song as bars for the cut-down chooser: each bar's downbeat times, its snapped frames and a
 * score of how much it "carries the song" (loud, in a section that recurs or is the chorus,
 * vocal). Pure.
 */
import type { Analysis, Curve } from '../schemas/analysis.js'
import { InputError } from '../errors.js'

export interface Bar {
  /** 1-based bar number (bar 1 starts at the first downbeat). */
  number: number
  /** Downbeat times, seconds (the last bar ends one median bar later, or at the song's end). */
  start: number
  end: number
  /** The times snapped to the nearest frame. */
  startFrame: number
  endFrame: number
  /** Index into analysis.sections of the section holding the bar's middle. */
  section: number
  /** 0..1: how much this bar carries the song. */
  score: number
}

export interface BarGrid {
  bars: Bar[]
  /** Frames of the song (floor(duration * fps)): the source ends there. */
  songFrames: number
  /** Median bar length, frames. */
  barFrames: number
  /** Bar-boundary indices (0..bars.length) where a section starts / ends (nearest downbeat). */
  sectionStarts: number[]
  sectionEnds: number[]
}

/** A time snapped to the nearest frame: every piece boundary is a whole frame. */
export function frameOf(t: number, fps: number): number {
  return Math.round(t * fps)
}

/** Sections whose label (primes dropped: A' is A) occurs more than once: the song repeats them. */
function recurringLabels(analysis: Analysis): Set<string> {
  const count = new Map<string, number>()
  for (const s of analysis.sections) {
    const base = s.label.replace(/'+$/, '')
    count.set(base, (count.get(base) ?? 0) + 1)
  }
  return new Set([...count].filter(([, n]) => n > 1).map(([l]) => l))
}

function meanOver(c: Curve, start: number, end: number): number {
  const a = Math.max(0, Math.floor(start * c.fps))
  const b = Math.min(c.values.length, Math.max(a + 1, Math.ceil(end * c.fps)))
  let sum = 0
  for (let i = a; i < b; i++) sum += c.values[i]
  return b > a ? sum / (b - a) : 0
}

export function buildBarGrid(analysis: Analysis, fps: number): BarGrid {
  const dur = analysis.source.durationSec
  const db = analysis.downbeats.filter((t) => t >= 0 && t < dur)
  if (db.length < 2) {
    throw new InputError(`the song has no bars to cut on: the analysis found ${db.length} downbeat(s); use length "full"`, {
      code: 'CUTDOWN_NO_BARS',
    })
  }
  const lens = db.slice(1).map((t, k) => t - db[k]).sort((a, b) => a - b)
  const median = lens[Math.floor(lens.length / 2)]
  const edges = [...db, Math.min(dur, db[db.length - 1] + median)]
  const recurs = recurringLabels(analysis)
  const secs = analysis.sections
  const f = analysis.features
  const raw = edges.slice(0, -1).map((start, k) => {
    const end = edges[k + 1]
    const mid = (start + end) / 2
    let section = secs.findIndex((s) => mid >= s.start && mid < s.end)
    if (section < 0) section = secs.length - 1
    const hue = (meanOver(f.hue, start, end) * Math.PI) / 180
    // A bar's sound, for finding the bars the song repeats (its own section labels can be wrong).
    const profile = [f.rms, f.harmonic, f.percussive, f.centroid, f.vocal].map((c) => meanOver(c, start, end)).concat([0.3 * Math.cos(hue), 0.3 * Math.sin(hue)])
    return { start, end, section, rms: meanOver(f.rms, start, end), vocal: meanOver(f.vocal, start, end), onset: meanOver(f.onset, start, end), profile }
  })
  const max = (k: 'rms' | 'vocal' | 'onset') => Math.max(1e-9, ...raw.map((r) => r[k]))
  const [rmsMax, vocalMax, onsetMax] = [max('rms'), max('vocal'), max('onset')]
  const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0))
  // Repetition: how closely the bar is matched by a bar at least a phrase (4 bars) away.
  const repeat = raw.map((r, k) => {
    let best = Infinity
    raw.forEach((o, m) => {
      if (Math.abs(m - k) >= 4) best = Math.min(best, dist(r.profile, o.profile))
    })
    return Number.isFinite(best) ? Math.exp(-((best / 0.08) ** 2)) : 0
  })
  const bars: Bar[] = raw.map((r, k) => {
    const s = secs[r.section]
    const labelled = s && (recurs.has(s.label.replace(/'+$/, '')) || /chorus/i.test(s.label)) ? 1 : 0
    // The bar's own loudness leads; repetition and vocal say "hook"; the analysis's section
    // energy and labels count a little (they can merge or misname sections).
    const score =
      0.4 * (r.rms / rmsMax) + 0.15 * repeat[k] + 0.15 * (r.vocal / vocalMax) + 0.1 * (r.onset / onsetMax) + 0.1 * (s?.energy ?? 0) + 0.1 * labelled
    return { number: k + 1, start: r.start, end: r.end, startFrame: frameOf(r.start, fps), endFrame: frameOf(r.end, fps), section: r.section, score }
  })
  const nearestEdge = (t: number) => {
    let best = 0
    for (let k = 1; k < edges.length; k++) if (Math.abs(edges[k] - t) < Math.abs(edges[best] - t)) best = k
    return best
  }
  const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b)
  return {
    bars,
    songFrames: Math.floor(dur * fps),
    barFrames: Math.max(1, Math.round(median * fps)),
    sectionStarts: uniq(secs.map((s) => nearestEdge(s.start)).filter((k) => k < bars.length)),
    sectionEnds: uniq(secs.map((s) => nearestEdge(s.end)).filter((k) => k > 0)),
  }
}
