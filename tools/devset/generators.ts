import { mulberry32, type Rng } from '../../src/util/random.js'
import { beatTimes, downbeatTimes, pieceSeconds, tempoRamp, writeMidi, type MidiPiece, type NoteEvent, type TempoEvent } from '../eval/midi.js'
import { evalPieces, type EvalPiece } from '../eval/pieces.js'
import type { Piece } from './plan.js'
import type { Split } from './sources.js'

/**
 * Generated pieces, a source of their own: the evaluation set's arrangements with new seeds,
 * and a parametric band (drums, bass, chords, melody) over the meters and feels human MIDI
 * rarely covers — 2/4, 5/4 (3+2), 7/4 (4+3), 6/8, swing, rubato, tempo steps and ramps,
 * drumless passages — at 60–200 BPM. Dev and test use different seeds and parameter draws.
 * Pure and seeded.
 */

export type Feel = 'straight' | 'swing'
export type TempoPlan = 'steady' | 'step' | 'ramp' | 'rubato'
export type DrumPlan = 'full' | 'passages' | 'none'

export interface GenSpec {
  name: string
  /** '2/4' | '3/4' | '4/4' | '5/4' | '7/4' | '6/8' | '12/8' */
  signature: string
  /** Tapped beats per minute (the dotted quarter in 6/8). */
  bpm: number
  feel: Feel
  tempo: TempoPlan
  drums: DrumPlan
  bars: number
  seed: number
}

// Kick / snare positions in beats per meter (groupings 3+2 and 4+3 for the odd meters).
const GROOVES: Record<number, { kick: number[]; snare: number[] }> = {
  2: { kick: [0], snare: [1] },
  3: { kick: [0], snare: [2] },
  4: { kick: [0, 2], snare: [1, 3] },
  5: { kick: [0, 3], snare: [2, 4] },
  7: { kick: [0, 4], snare: [2, 6] },
}

const SCALE = [0, 2, 4, 5, 7, 9, 11]
const PROGS = [
  [1, 5, 6, 4],
  [1, 4, 5, 1],
  [6, 4, 1, 5],
  [1, 6, 2, 5],
]
const note = (tonic: number, step: number) => tonic + 12 * Math.floor(step / 7) + SCALE[((step % 7) + 7) % 7]
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]

export function generate(spec: GenSpec): EvalPiece {
  const rng = mulberry32(spec.seed)
  const [num, den] = spec.signature.split('/').map(Number)
  const compound = den === 8 && num % 3 === 0
  const meter = compound ? num / 3 : num
  const unit = compound ? 1.5 : 1 // quarter notes per tapped beat
  const sub = compound ? 3 : 2 // subdivisions per beat
  const qpm = spec.bpm * unit
  const bar = meter * unit
  const tonic = 48 + Math.floor(rng() * 12)
  const prog = pick(rng, PROGS)
  const notes: NoteEvent[] = []
  const n = (ch: number, at: number, dur: number, key: number, vel: number) =>
    notes.push({ ch, at, dur, key, vel: Math.max(1, Math.min(127, Math.round(vel + (rng() - 0.5) * 10))) })
  const groove = GROOVES[meter] ?? GROOVES[4]
  const drumless = (b: number) => spec.drums === 'none' || (spec.drums === 'passages' && b % 16 >= 8 && b % 16 < 12) || b === 0
  const swingAt = (k: number, s: number) => (spec.feel === 'swing' && !compound && s === 1 ? k + 2 / 3 : k + s / sub) * unit
  // A melody motif per two bars: chord tones on beats, passing notes between.
  const motif = Array.from({ length: 2 }, () =>
    Array.from({ length: meter * sub }, (_, e) => (e % sub === 0 || rng() < 0.35 ? Math.floor(rng() * 5) : null)),
  )
  for (let b = 0; b < spec.bars; b++) {
    const at = b * bar
    const deg = prog[b % prog.length]
    const root = note(tonic, deg - 1)
    const chord = [0, 2, 4].map((k) => note(tonic + 12, deg - 1 + k))
    // Bass: root on the downbeat (long), fifth or root on the group starts.
    n(0, at, unit * 0.9, root - 12, 104)
    for (const k of groove.kick.slice(1)) n(0, at + k * unit, unit * 0.8, root - 5, 92)
    // Chords: a held pad on the bar, stabs on the other beats.
    n(4, at, bar * 0.95, chord[0] - 12, 50)
    for (let k = 0; k < meter; k++) for (const c of chord) n(1, at + k * unit, unit * 0.5, c, k === 0 ? 76 : 60)
    if (b >= 2 && b % 8 < 6) {
      const m = motif[b % 2]
      m.forEach((step, e) => {
        if (step === null) return
        const k = Math.floor(e / sub)
        n(2, at + swingAt(k, e % sub), (unit / sub) * 0.9, note(tonic + 24, deg - 1 + step), e % sub === 0 ? 92 : 76)
      })
    }
    if (drumless(b)) continue
    for (let k = 0; k < meter; k++) for (let s = 0; s < sub; s++) n(9, at + swingAt(k, s), 0.1, spec.feel === 'swing' ? 51 : 42, s === 0 ? 80 : 56)
    for (const k of groove.kick) n(9, at + k * unit, 0.1, 36, k === 0 ? 112 : 98)
    for (const k of groove.snare) n(9, at + k * unit, 0.1, 38, 104)
    if (b % 8 === 1) n(9, at, 0.1, 49, 100)
  }
  const end = spec.bars * bar
  return {
    name: spec.name,
    description: `${spec.signature} ${spec.feel} at ${spec.bpm} BPM, ${spec.tempo} tempo, drums ${spec.drums}`,
    meter,
    tempos: tempoPlan(spec, qpm, end, bar, unit, rng),
    timeSignatures: [{ at: 0, num, den }],
    programs: [
      { ch: 0, program: pick(rng, [32, 33, 34, 35, 38]) },
      { ch: 1, program: pick(rng, [0, 4, 5, 16, 24, 25, 46]) },
      { ch: 2, program: pick(rng, [56, 65, 71, 73, 80, 11, 40]) },
      { ch: 4, program: pick(rng, [48, 49, 89, 52]) },
    ],
    notes,
    end,
  }
}

function tempoPlan(spec: GenSpec, qpm: number, end: number, bar: number, beat: number, rng: Rng): TempoEvent[] {
  if (spec.tempo === 'step') {
    const at = Math.round(spec.bars / 2) * bar
    return [
      { at: 0, bpm: qpm },
      { at, bpm: qpm * (rng() < 0.5 ? 0.82 : 1.2) },
    ]
  }
  if (spec.tempo === 'ramp') return tempoRamp(0, end, qpm, qpm * (rng() < 0.5 ? 0.88 : 1.14), 0.5)
  if (spec.tempo === 'rubato') {
    // Expressive timing: the tempo breathes every beat (±8 %) and slows into phrase ends.
    const out: TempoEvent[] = []
    for (let at = 0; at < end - 1e-9; at += beat) {
      const phrase = (at % (4 * bar)) / (4 * bar)
      out.push({ at, bpm: qpm * (1 + 0.08 * Math.sin(at * 1.7) * rng() - (phrase > 0.85 ? 0.12 : 0)) })
    }
    return out
  }
  return [{ at: 0, bpm: qpm }]
}

/** Draws of every spec combination in the dev split (volume for training). */
export const DEV_REPS = 2

/** The parametric specs of a split: every meter, feel, tempo plan and drum plan, BPM spread 60–200. */
export function genSpecs(split: Split): GenSpec[] {
  const rng = mulberry32(split === 'dev' ? 0x5eed01 : 0x7e57)
  const sigs = ['2/4', '3/4', '4/4', '5/4', '7/4', '6/8', '12/8']
  const plans: Array<[Feel, TempoPlan, DrumPlan]> = [
    ['straight', 'steady', 'full'],
    ['straight', 'steady', 'passages'],
    ['straight', 'step', 'full'],
    ['straight', 'ramp', 'full'],
    ['straight', 'rubato', 'none'],
    ['swing', 'steady', 'full'],
    ['straight', 'steady', 'none'],
  ]
  const reps = split === 'dev' ? DEV_REPS : 1
  const out: GenSpec[] = []
  for (let r = 0; r < reps; r++)
    sigs.forEach((signature, i) => {
      for (const [j, [feel, tempo, drums]] of plans.entries()) {
        if (feel === 'swing' && signature !== '4/4' && signature !== '2/4' && signature !== '3/4') continue
        if (split === 'test' && (i + j) % 2 === 1 && signature !== '5/4' && signature !== '7/4') continue
        const bpm = Math.round(60 + 140 * rng())
        const bars = Math.max(12, Math.min(40, Math.round((75 * bpm) / 60 / (Number(signature.split('/')[0]) / (signature.endsWith('/8') ? 3 : 1)))))
        out.push({ name: `${signature.replace('/', '-')}-${feel}-${tempo}-${drums}-${bpm}-${r}`, signature, bpm, feel, tempo, drums, bars, seed: Math.floor(rng() * 2 ** 31) })
      }
    })
  return out
}

function tagsOf(p: EvalPiece, spec?: GenSpec): string[] {
  const tags = new Set<string>()
  const d = p.description
  if (/swing|shuffle/.test(d)) tags.add('swing')
  if (/rubato/.test(d)) tags.add('rubato')
  if (/step|accelerando|ramp/.test(d)) tags.add('tempo-change')
  if (spec?.drums === 'none') tags.add('drumless')
  if (spec?.drums === 'passages') tags.add('drumless-passage')
  if (/syncopat|funk/.test(d)) tags.add('syncopated')
  if (p.beatless?.length) tags.add('beatless-intro')
  return [...tags]
}

function toCandidate(p: EvalPiece, split: Split, family: string, spec?: GenSpec): { piece: Piece; midi: Buffer } {
  const beats = beatTimes(p)
  const ts = p.timeSignatures[0]
  const ibi = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b)
  const bpm = 60 / ibi[ibi.length >> 1]
  const tags = [...tagsOf(p, spec), bpm < 90 ? 'slow' : bpm > 140 ? 'fast' : 'mid-tempo']
  if (spec?.tempo === 'rubato') tags.push('rubato')
  if (spec?.tempo === 'step' || spec?.tempo === 'ramp') tags.push('tempo-change')
  return {
    midi: writeMidi(p as MidiPiece),
    piece: {
      key: `generated/${split}-${family}-${p.name}`,
      source: 'generated',
      composerSet: `generated:${split}`,
      split,
      truth: { beats, downbeats: downbeatTimes(p), meter: p.meter, signature: `${ts.num}/${ts.den}`, tags: [...new Set(tags)], startSec: beats[0], endSec: pieceSeconds(p) },
    },
  }
}

/** Every generated piece of both splits. */
export function generatedPieces(): Array<{ piece: Piece; midi: Buffer }> {
  const out: Array<{ piece: Piece; midi: Buffer }> = []
  for (const [split, seeds] of [['dev', [101, 102, 103]], ['test', [201]]] as const) {
    for (const seed of seeds) for (const p of evalPieces(seed)) out.push(toCandidate(p, split, `eval${seed}`))
    for (const spec of genSpecs(split)) out.push(toCandidate(generate(spec), split, 'band', spec))
  }
  return out
}
