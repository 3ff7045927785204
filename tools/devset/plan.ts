import { createHash } from 'node:crypto'
import type { DevsetItem } from './manifest.js'
import type { ExcerptSpec } from './render.js'
import type { Split } from './sources.js'
import type { PieceTruth } from './vet.js'

/**
 * From a piece's truth to the excerpts that go into the set: which soundfonts and processing
 * chains, where each excerpt starts and ends, and each excerpt's truth shifted to its own clock.
 * Pure and deterministic (choices come from a hash of the piece's id).
 */

/** What a piece's excerpts need of its vetted truth (generated pieces make it without vetting). */
export type Truth = Pick<PieceTruth, 'beats' | 'downbeats' | 'meter' | 'signature' | 'tags' | 'startSec' | 'endSec'>

export interface Piece {
  /** `<source>/<name>`. */
  key: string
  source: string
  composerSet: string
  split: Split
  truth: Truth
}

export interface PlanOptions {
  /** Longest excerpt (s); longer pieces are cut at downbeats. */
  maxSec: number
  /** Keep only the first excerpt of each piece (the test split, to bound its size). */
  firstOnly: boolean
  /** Soundfonts per piece (rotating through the split's soundfonts). */
  fontsPerPiece: number
  processing: string[]
}

export interface PlannedExcerpt extends ExcerptSpec {
  soundfont: string
  item: Omit<DevsetItem, 'audioPath'>
}

/** Seconds of ring-out after the last note. */
const TAIL = 2
const MIN_BEATS = 16

export function hashInt(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32BE(0)
}

/** Excerpt bounds: ≤ maxSec each, cut points on downbeats, later excerpts starting up to a bar early. */
export function windows(t: Truth, maxSec: number, seed: number): Array<{ start: number; end: number }> {
  const from = Math.max(0, t.startSec - 1)
  const to = t.endSec + TAIL
  const n = Math.max(1, Math.ceil((to - from) / maxSec - 0.15))
  const out: Array<{ start: number; end: number }> = []
  let start = from
  for (let k = 0; k < n; k++) {
    const nominalEnd = k === n - 1 ? to : from + ((k + 1) * (to - from)) / n
    // End on the downbeat nearest the nominal end (not past maxSec), so the next excerpt starts on one.
    let end = to
    if (k < n - 1) {
      const cands = t.downbeats.filter((d) => d > start + 20 && d <= start + maxSec)
      end = cands.length ? cands.reduce((b, d) => (Math.abs(d - nominalEnd) < Math.abs(b - nominalEnd) ? d : b)) : Math.min(to, start + maxSec)
    }
    end = Math.min(end, start + maxSec)
    out.push({ start, end })
    if (end >= to - 1) break
    // The next excerpt starts somewhere in the bar before the cut: not always on a downbeat.
    const bar = t.meter * medianIbi(t.beats)
    const pre = ((seed >>> (k % 24)) % 1000) / 1000
    start = Math.max(0, end - pre * bar)
  }
  return out
}

function medianIbi(beats: number[]): number {
  const d = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b)
  return d.length ? d[Math.floor(d.length / 2)] : 0.5
}

export function planPiece(p: Piece, fonts: string[], opts: PlanOptions): PlannedExcerpt[] {
  const seed = hashInt(p.key)
  const ws = windows(p.truth, opts.maxSec, seed).map((w) => ({ start: round3(w.start), end: round3(w.end) }))
  const chosen = opts.firstOnly ? ws.slice(0, 1) : ws
  const out: PlannedExcerpt[] = []
  for (let f = 0; f < Math.min(opts.fontsPerPiece, fonts.length); f++) {
    const soundfont = fonts[(seed + f) % fonts.length]
    chosen.forEach((w, k) => {
      const processing = opts.processing[(seed + 7 * f + 3 * k) % opts.processing.length]
      const shift = (xs: number[]) => xs.filter((x) => x >= w.start && x < w.end - 0.05).map((x) => round6(x - w.start))
      const beats = shift(p.truth.beats)
      if (beats.length < MIN_BEATS) return
      const ibi = medianIbi(beats)
      out.push({
        start: w.start,
        end: w.end,
        processing,
        soundfont,
        item: {
          id: `${p.key}#${k}@${soundfont}+${processing}`,
          split: p.split,
          source: p.source,
          composerSet: p.composerSet,
          soundfont,
          processing,
          durationSec: round3(w.end - w.start),
          beats,
          downbeats: shift(p.truth.downbeats),
          meter: p.truth.meter,
          bpm: Math.round((60 / ibi) * 100) / 100,
          tags: [...new Set([p.truth.signature, ...p.truth.tags, ...(k > 0 ? ['excerpt'] : [])])],
        },
      })
    })
  }
  return out
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3
}
