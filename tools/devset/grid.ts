import { beatsPerBar, beatUnit } from '../eval/midi.js'
import { midiTickSeconds, type MidiFile, type MidiTimeSig } from '../eval/midiRead.js'

/**
 * The beat grid a MIDI file's tempo map and time signatures imply, in ticks and seconds. A
 * listener taps the beat of `beatUnit` (the dotted quarter in 6/8), so 6/8 counts 2 per bar.
 * Pure.
 */

export interface GridBeat {
  tick: number
  sec: number
  /** Index within the bar (0 = downbeat). */
  pos: number
  /** Beats in this bar's signature as counted. */
  bpb: number
  sig: string
}

/** Signatures deduplicated (the last one at a tick wins), with the MIDI default 4/4 at tick 0. */
export function signatures(file: Pick<MidiFile, 'timeSignatures' | 'ppq'>): { sigs: MidiTimeSig[]; missing: boolean } {
  const byTick = new Map<number, MidiTimeSig>()
  for (const ts of file.timeSignatures) if (ts.num > 0 && ts.den > 0) byTick.set(ts.tick, ts)
  const sigs = [...byTick.values()].sort((a, b) => a.tick - b.tick)
  const missing = sigs.length === 0
  if (!sigs.length || sigs[0].tick > 0) sigs.unshift({ tick: 0, num: 4, den: 4 })
  // Drop repeats of the signature in force: they restart nothing.
  const out: MidiTimeSig[] = []
  for (const s of sigs) {
    const prev = out[out.length - 1]
    if (prev && prev.num === s.num && prev.den === s.den && (s.tick - prev.tick) % barTicks(prev, file.ppq) === 0) continue
    out.push(s)
  }
  return { sigs: out, missing }
}

function barTicks(ts: Pick<MidiTimeSig, 'num' | 'den'>, ppq: number): number {
  return Math.round(ts.num * (4 / ts.den) * ppq) || 1
}

/**
 * Beats up to tick `to` (inclusive). `shiftTicks` moves the grid that far later (a pickup
 * written at tick 0 without a short first bar: the first bar line falls after it); a signature
 * change restarts the bar count where it stands.
 */
export function beatGridTicks(file: Pick<MidiFile, 'ppq' | 'tempos' | 'timeSignatures'>, to: number, sigsOverride?: MidiTimeSig[], shiftTicks = 0): GridBeat[] {
  const sigs = sigsOverride ?? signatures(file).sigs
  const sec = midiTickSeconds(file)
  const out: GridBeat[] = []
  for (let s = 0; s < sigs.length; s++) {
    const ts = sigs[s]
    const stop = s + 1 < sigs.length ? sigs[s + 1].tick : to + 1
    const unit = beatUnit(ts) * file.ppq
    const bpb = beatsPerBar(ts)
    const sig = `${ts.num}/${ts.den}`
    const origin = ts.tick + (s === 0 ? shiftTicks : 0)
    // With a shift, the beats of the pickup before the first bar line count too.
    const k0 = -Math.floor((origin - ts.tick) / unit)
    for (let k = k0; ; k++) {
      const tick = Math.round(origin + k * unit)
      if (tick >= stop || tick > to) break
      out.push({ tick, sec: sec(tick), pos: ((k % bpb) + bpb) % bpb, bpb, sig })
    }
  }
  return out
}

/** Share of note onsets within `tolSec` (at most a quarter of a 16th) of a grid of `div` steps per quarter note (from each signature's start). */
export function gridFit(file: MidiFile, divs: number[], tolSec = 0.03): number {
  const sec = midiTickSeconds(file)
  const { sigs } = signatures(file)
  const ticks = [...new Set(file.notes.map((n) => n.tick))]
  if (!ticks.length) return 0
  let ok = 0
  let si = 0
  for (const t of ticks) {
    while (si + 1 < sigs.length && sigs[si + 1].tick <= t) si++
    const rel = t - sigs[si].tick
    const st = sec(t)
    // Never looser than a quarter of a 16th: at fast tempi 30 ms would cover most of the line.
    const tol = Math.min(tolSec, (sec(t + file.ppq) - st) / 16)
    const near = divs.some((d) => {
      const step = file.ppq / d
      const g = sigs[si].tick + Math.round(rel / step) * step
      return Math.abs(sec(Math.round(g)) - st) <= tol || Math.abs(g - t) < 1
    })
    if (near) ok++
  }
  return ok / ticks.length
}

const KICKS = new Set([35, 36])
const CRASHES = new Set([49, 57, 52, 55])

/** How strongly a note marks the beat it falls on: a listener's cues for "one". */
function accent(n: MidiFile['notes'][number], ppq: number): number {
  const v = n.vel / 127
  if (n.ch === 9) return v * (KICKS.has(n.key) ? 1.5 : CRASHES.has(n.key) ? 2.5 : 0.3)
  const len = Math.min(2, Math.max(0.25, n.dur / ppq))
  return v * len * (n.key < 52 ? 1.6 : 1)
}

/**
 * Accent per bar phase in 16th notes for bars of `barTicks` from `startTick`: the mean over
 * bars of the summed accents of the notes within a 64th of each 16th.
 */
export function phaseAccents(file: MidiFile, startTick: number, endTick: number, barTicks: number): number[] {
  const step = file.ppq / 4
  const n = Math.max(1, Math.round(barTicks / step))
  const acc = new Array<number>(n).fill(0)
  for (const note of file.notes) {
    if (note.tick < startTick - step / 4 || note.tick > endTick) continue
    const k = (note.tick - startTick) / step
    const r = Math.round(k)
    if (Math.abs(k - r) > 0.25) continue
    acc[((r % n) + n) % n] += accent(note, file.ppq)
  }
  const bars = Math.max(1, (endTick - startTick) / barTicks)
  return acc.map((a) => a / bars)
}

/** Accents at the beats of a bar (`unitSteps` 16ths apart) for a beat phase of `phase` 16ths. */
export function beatAccents(hist: number[], unitSteps: number, bpb: number, phase: number): number[] {
  return Array.from({ length: bpb }, (_, k) => hist[(phase + k * unitSteps) % hist.length] ?? 0)
}

/** Strength of the strongest position against the rest: max / second max (≥ 1). */
export function contrast(acc: number[]): { best: number; ratio: number; ratioAt0: number } {
  let best = 0
  for (let k = 1; k < acc.length; k++) if (acc[k] > acc[best]) best = k
  const others = (skip: number) => Math.max(1e-9, ...acc.filter((_, k) => k !== skip))
  return { best, ratio: acc[best] / others(best), ratioAt0: acc[0] / others(0) }
}
