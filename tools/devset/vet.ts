import { beatsPerBar, beatUnit } from '../eval/midi.js'
import { midiTickSeconds, type MidiFile, type MidiTimeSig } from '../eval/midiRead.js'
import { beatAccents, beatGridTicks, contrast, gridFit, phaseAccents, signatures, type GridBeat } from './grid.js'

/**
 * Decides whether a MIDI file's grid can be trusted as beat/downbeat truth, and derives that
 * truth. A file is kept when its notes sit on the grid of its tempo map (sequenced, not played
 * freely against a default tempo), its bar accents agree with its time signature (or a pickup
 * explains a constant offset), and its tapped tempo lies in a range a listener taps. Pure.
 */

export interface PieceTruth {
  /** Beat and downbeat times (s) from the first bar with music to the last onset. */
  beats: number[]
  downbeats: number[]
  /** Beats per bar as counted, over most of the piece. */
  meter: number
  /** The notated signature over most of the piece ('3/4', '6/8'). */
  signature: string
  tags: string[]
  /** Seconds of the first truth beat and of the end of the music. */
  startSec: number
  endSec: number
  fit16: number
  fitTriplet: number
  accentRatio: number
  /** Quarter notes the bar lines were moved from the notation (a pickup); 0 when none. */
  shiftQ: number
}

export type Vetted = { ok: true; truth: PieceTruth } | { ok: false; reason: string }

export const VET = {
  /** Share of onsets within 30 ms of the 16th grid (or 16th + 8th-triplet grid) to trust the tempo map. */
  minFit16: 0.8,
  minFitTriplet: 0.9,
  /** A pickup shift needs the strongest bar position this much above the notated downbeat. */
  shiftRatio: 1.3,
  /** A pickup shorter than a beat moves the beat grid itself: needs much stronger evidence. */
  subBeatRatio: 2,
  halfBarRatio: 1.6,
  /** Mid-bar accent over the 2nd and 3rd quarters that makes an unsigned 3-quarter bar 6/8. */
  compoundRatio: 1.2,
  /** Meters a listener counts one way; 6/4, 9/4… are counted in 2, 3 or 6 alike. */
  meters: [2, 3, 4, 5, 7],
  /** Below this (notated downbeat weaker than another position by this factor), the file is dropped. */
  dropRatio: 1.1,
  minBpm: 50,
  maxBpm: 215,
  minBeats: 24,
  minSec: 20,
} as const

function mainSignature(sigs: MidiTimeSig[], endTick: number): MidiTimeSig {
  const span = new Map<string, { ts: MidiTimeSig; ticks: number }>()
  sigs.forEach((ts, i) => {
    const to = i + 1 < sigs.length ? sigs[i + 1].tick : endTick
    const k = `${ts.num}/${ts.den}`
    const e = span.get(k) ?? { ts, ticks: 0 }
    e.ticks += Math.max(0, to - ts.tick)
    span.set(k, e)
  })
  return [...span.values()].sort((a, b) => b.ticks - a.ticks)[0].ts
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0
}

/**
 * Bar accents for `bpb` beats of `unitQ` quarters: the beat phase (in 16ths) that carries the
 * most accent when it clearly beats phase 0 (a pickup shorter than a beat), and the accents of
 * the bar's beats at that phase.
 */
function bars(file: MidiFile, start: number, end: number, bpb: number, unitQ: number): { phase: number; acc: number[]; c: ReturnType<typeof contrast>; hist: number[] } {
  const unitSteps = Math.max(1, Math.round(unitQ * 4))
  const hist = phaseAccents(file, start, end, bpb * unitQ * file.ppq)
  const beatScore = (ph: number) => beatAccents(hist, unitSteps, bpb, ph).reduce((a, b) => a + b, 0)
  let best = 0
  for (let ph = 1; ph < unitSteps; ph++) if (beatScore(ph) > beatScore(best)) best = ph
  // Off-beat accents (syncopation, swing) can outweigh the beat: only a clear case moves it.
  const phase = best !== 0 && beatScore(best) >= VET.subBeatRatio * beatScore(0) ? best : 0
  const acc = beatAccents(hist, unitSteps, bpb, phase)
  return { phase, acc, c: contrast(acc), hist }
}

/**
 * A bar of three quarters heard as two dotted quarters (6/8): more accent half-way through the
 * bar than on its second and third quarter notes.
 */
function compound(b: { phase: number; hist: number[] }): boolean {
  const at = (sixteenths: number) => b.hist[(b.phase + sixteenths) % b.hist.length] ?? 0
  return b.hist.length === 12 && at(6) > VET.compoundRatio * Math.max(at(4), at(8))
}

export function vetMidi(file: MidiFile): Vetted {
  const notes = file.notes
  if (notes.length < 32) return { ok: false, reason: `only ${notes.length} notes` }
  const firstTick = notes[0].tick
  const lastOnset = notes[notes.length - 1].tick
  const fit16 = gridFit(file, [4])
  const fitTriplet = gridFit(file, [4, 3])
  if (fit16 < VET.minFit16 && fitTriplet < VET.minFitTriplet) {
    return { ok: false, reason: `notes off the tempo map's grid (${pct(fit16)} of onsets within 30 ms of a 16th, ${pct(fitTriplet)} with triplets)` }
  }
  const { sigs: rawSigs, missing } = signatures(file)
  let sigs = rawSigs
  const tags: string[] = []
  const main = mainSignature(sigs, lastOnset)
  const mainStart = sigs.find((s) => s.num === main.num && s.den === main.den)!.tick
  const meterOf = (bpb: number, unitQ: number) => bars(file, mainStart, lastOnset, bpb, unitQ)
  const mainBpb = beatsPerBar(main)
  const here = meterOf(mainBpb, beatUnit(main))
  // What a 3 against a 4 (and the reverse) would say: a file whose signature the music contradicts.
  const altBpb = mainBpb === 3 ? 4 : mainBpb === 4 || mainBpb === 2 ? 3 : 0
  const alt = altBpb ? meterOf(altBpb, beatUnit(main)) : undefined
  let chosen = here
  if (missing) {
    if (alt && alt.c.ratio > here.c.ratio && alt.c.ratio >= VET.shiftRatio) {
      sigs = [{ tick: 0, num: altBpb, den: 4 }]
      chosen = alt
      tags.push('signature-inferred')
    } else if (here.c.ratio >= VET.shiftRatio) tags.push('signature-inferred')
    else return { ok: false, reason: `no time signature and no clear bar accent (best ratio ${here.c.ratio.toFixed(2)})` }
    // Three quarters a bar may be 3/4 or 6/8: the accents say which a listener taps.
    if (sigs[0].num === 3 && compound(chosen)) {
      sigs = [{ tick: 0, num: 6, den: 8 }]
      chosen = meterOf(2, 1.5)
    }
  } else if (alt && alt.c.ratio >= 1.5 * Math.max(1, here.c.ratio) && alt.c.ratio >= 1.4 && here.c.ratio < VET.shiftRatio) {
    return { ok: false, reason: `accents say ${altBpb} beats per bar, the signature ${main.num}/${main.den} (ratio ${alt.c.ratio.toFixed(2)} vs ${here.c.ratio.toFixed(2)})` }
  }
  const sigsMain = mainSignature(sigs, lastOnset)
  const bpb = beatsPerBar(sigsMain)
  if (!(VET.meters as readonly number[]).includes(bpb)) return { ok: false, reason: `meter ${sigsMain.num}/${sigsMain.den} (${bpb} beats per bar) is counted more than one way` }
  const unitTicks = beatUnit(sigsMain) * file.ppq
  let shift = (chosen.phase * file.ppq) / 4
  if (chosen.c.best !== 0) {
    const r = chosen.acc[chosen.c.best] / Math.max(1e-9, chosen.acc[0])
    // Half a bar in an even meter (beat 3 of 4) is the usual strong-weak ambiguity: needs more.
    const need = bpb % 2 === 0 && chosen.c.best === bpb / 2 ? VET.halfBarRatio : VET.shiftRatio
    if (r >= need) shift += chosen.c.best * unitTicks
    else if (r > VET.dropRatio) {
      return { ok: false, reason: `downbeats off the notated bar line (beat ${chosen.c.best + 1} of ${bpb} is ${r.toFixed(2)}× beat 1, too weak to call a pickup)` }
    }
  }
  if (shift > 0) {
    if (sigs.length > 1) return { ok: false, reason: `bar lines offset from the notation (${(shift / file.ppq).toFixed(2)} quarters) in a piece whose meter changes` }
    tags.push('anacrusis')
  }
  const grid = beatGridTicks(file, lastOnset, sigs, shift)
  // From the first downbeat at or before the music's first note; the grid runs to the last onset.
  let i0 = 0
  for (let i = 0; i < grid.length && grid[i].tick <= firstTick + file.ppq / 8; i++) if (grid[i].pos === 0) i0 = i
  const beats = grid.slice(i0)
  if (beats.length < VET.minBeats) return { ok: false, reason: `only ${beats.length} beats of music` }
  const musicSec = midiTickSeconds(file)(lastOnset) - beats[0].sec
  if (musicSec < VET.minSec) return { ok: false, reason: `only ${musicSec.toFixed(0)} s of music` }
  const ibi = beats.slice(1).map((b, i) => b.sec - beats[i].sec)
  const bpm = 60 / median(ibi)
  if (bpm < VET.minBpm || bpm > VET.maxBpm) return { ok: false, reason: `tapped tempo ${bpm.toFixed(0)} BPM outside ${VET.minBpm}–${VET.maxBpm} (signature ${main.num}/${main.den})` }
  tags.push(...describe(file, beats, ibi, fit16, fitTriplet, sigs))
  const sec = midiTickSeconds(file)
  return {
    ok: true,
    truth: {
      beats: beats.map((b) => round6(b.sec)),
      downbeats: beats.filter((b) => b.pos === 0).map((b) => round6(b.sec)),
      meter: bpb,
      signature: `${sigsMain.num}/${sigsMain.den}`,
      tags: [...new Set(tags)],
      startSec: round6(beats[0].sec),
      endSec: round6(sec(lastOnset) + 0.5),
      fit16,
      fitTriplet,
      accentRatio: chosen.c.ratio,
      shiftQ: shift / file.ppq,
    },
  }
}

function describe(file: MidiFile, beats: GridBeat[], ibi: number[], fit16: number, fitTriplet: number, sigs: MidiTimeSig[]): string[] {
  const tags: string[] = []
  const lo = Math.min(...ibi)
  const hi = Math.max(...ibi)
  if (hi / lo > 1.04) {
    // Many small moves read as rubato (expressive timing); few larger ones as tempo changes.
    let moves = 0
    for (let i = 1; i < ibi.length; i++) if (Math.abs(ibi[i] / ibi[i - 1] - 1) > 0.02) moves++
    tags.push(moves > ibi.length / 8 ? 'rubato' : 'tempo-change')
  }
  if (new Set(sigs.map((s) => `${s.num}/${s.den}`)).size > 1) tags.push('meter-change')
  if (fitTriplet - fit16 > 0.1) tags.push('swing')
  const drums = file.notes.filter((n) => n.ch === 9)
  if (!drums.length) tags.push('drumless')
  else {
    // A drumless passage: 4 or more bars-worth of beats with no drum onset.
    const dt = drums.map((n) => n.tick)
    let j = 0
    let run = 0
    for (const b of beats) {
      while (j < dt.length && dt[j] < b.tick) j++
      const hit = j < dt.length && dt[j] - b.tick < file.ppq
      run = hit ? 0 : run + 1
      if (run >= 4 * b.bpb) {
        tags.push('drumless-passage')
        break
      }
    }
  }
  const bpm = 60 / median(ibi)
  tags.push(bpm < 90 ? 'slow' : bpm > 140 ? 'fast' : 'mid-tempo')
  return tags
}

const pct = (x: number) => `${Math.round(x * 100)} %`
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
