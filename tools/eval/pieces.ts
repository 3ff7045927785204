import type { SongSpec } from '../synth.js'
import { mulberry32, type Rng } from '../../src/util/random.js'
import { beatlessSeconds, beatTimes, downbeatTimes, pieceSeconds, tempoRamp, type MidiPiece, type NoteEvent, type TempoEvent } from './midi.js'

/**
 * The beat-tracking test set as data: short arrangements (drums, bass, chords, melody) in the
 * styles that break trackers without trained weights — syncopation, swing, 3/4, tempo steps and
 * drift, a rubato intro, a dense mix, a sparse ballad. Rendered from MIDI with a General MIDI
 * soundfont, so beats and downbeats are known exactly from the tempo map. Pure and seeded.
 */

export interface EvalPiece extends MidiPiece {
  description: string
  /** Beats per bar as counted. */
  meter: number
}

export interface PieceTruth {
  beats: number[]
  downbeats: number[]
  beatless: Array<{ start: number; end: number }>
  durationSec: number
}

export function pieceTruth(p: EvalPiece): PieceTruth {
  return { beats: beatTimes(p), downbeats: downbeatTimes(p), beatless: beatlessSeconds(p), durationSec: pieceSeconds(p) }
}

// ------------------------------------------------------------------ General MIDI names

const GM = {
  piano: 0,
  epiano: 4,
  clav: 7,
  organ: 16,
  accordion: 21,
  nylon: 24,
  cleanGtr: 27,
  mutedGtr: 28,
  overdrive: 29,
  distortion: 30,
  acBass: 32,
  fingerBass: 33,
  pickBass: 34,
  fretless: 35,
  slapBass: 36,
  pizzicato: 45,
  strings: 48,
  slowStrings: 49,
  trumpet: 56,
  brass: 61,
  altoSax: 65,
  clarinet: 71,
  flute: 73,
  sawLead: 81,
  warmPad: 89,
  tuba: 58,
} as const

const DR = {
  kick: 36,
  sideStick: 37,
  snare: 38,
  clap: 39,
  lowTom: 45,
  hat: 42,
  pedalHat: 44,
  midTom: 47,
  openHat: 46,
  hiTom: 50,
  crash: 49,
  ride: 51,
  tambourine: 54,
  shaker: 70,
} as const

const DRUMS = 9
const BASS = 0
const CHORDS = 1
const LEAD = 2
const GTR = 3
const PAD = 4

// ------------------------------------------------------------------ harmony and arrangement helpers

const MODES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
} as const

class Key {
  constructor(
    readonly tonic: number,
    readonly mode: keyof typeof MODES,
  ) {}
  /** MIDI note `step` scale steps above the tonic (any integer). */
  note(step: number): number {
    const s = MODES[this.mode]
    const oct = Math.floor(step / 7)
    return this.tonic + 12 * oct + s[((step % 7) + 7) % 7]
  }
  /** Triad (or seventh) on a 1-based degree, stacked in scale thirds. */
  chord(degree: number, seventh = false): number[] {
    const r = degree - 1
    return (seventh ? [0, 2, 4, 6] : [0, 2, 4]).map((k) => this.note(r + k))
  }
  bass(degree: number): number {
    return this.note(degree - 1) - 24
  }
}

class Score {
  readonly notes: NoteEvent[] = []
  constructor(readonly rng: Rng) {}
  /** A note with a little velocity variation, as a player would. */
  n(ch: number, at: number, dur: number, key: number, vel: number): void {
    this.notes.push({ ch, at, dur, key, vel: Math.max(1, Math.min(127, Math.round(vel + (this.rng() - 0.5) * 8))) })
  }
  d(at: number, key: number, vel: number): void {
    this.n(DRUMS, at, 0.1, key, vel)
  }
  chord(ch: number, at: number, dur: number, keys: number[], vel: number): void {
    for (const k of keys) this.n(ch, at, dur, k, vel)
  }
}

interface MotifNote {
  at: number
  dur: number
  step: number
}

/** A melodic motif over `bars` bars: chord tones on strong beats, steps between, seeded. */
function makeMotif(rng: Rng, bars: number, beats: number, density: number, swing = false): MotifNote[][] {
  const out: MotifNote[][] = []
  let prev = 2
  for (let b = 0; b < bars; b++) {
    const slots: number[] = []
    for (let e = 0; e < beats * 2; e++) {
      const strong = e % 2 === 0
      if (e === 0 || rng() < (strong ? density : density * 0.6)) slots.push(e / 2)
    }
    const notes: MotifNote[] = []
    for (let i = 0; i < slots.length; i++) {
      const strong = Number.isInteger(slots[i])
      const next = i + 1 < slots.length ? slots[i + 1] : beats
      let step: number
      if (strong) {
        const tones = [0, 2, 4, 7]
        step = tones.reduce((best, t) => (Math.abs(t - prev) < Math.abs(best - prev) ? t : best), tones[Math.floor(rng() * tones.length)])
      } else step = prev + (rng() < 0.5 ? -1 : 1)
      step = Math.max(-2, Math.min(9, step))
      const at = swing && !strong ? Math.floor(slots[i]) + 2 / 3 : slots[i]
      notes.push({ at, dur: Math.max(0.25, (next - slots[i]) * 0.85), step })
      prev = step
    }
    out.push(notes)
  }
  return out
}

function playMotif(s: Score, ch: number, key: Key, barAt: number, bar: MotifNote[], degree: number, vel: number, octave = 1): void {
  for (const m of bar) s.n(ch, barAt + m.at, m.dur, key.note(degree - 1 + m.step + 7 * octave), vel)
}

/** A 16th-note tom fill over the last beat of a bar. */
function tomFill(s: Score, at: number, vel: number): void {
  const toms = [DR.hiTom, DR.hiTom, DR.midTom, DR.lowTom]
  toms.forEach((t, i) => s.d(at + i * 0.25, t, vel - i * 4))
}

const seedOf = (name: string, seed: number) => {
  let h = seed >>> 0
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0
  return h
}

// ------------------------------------------------------------------ the pieces

/** (a) Straight 4/4 pop at 120 BPM: intro, verse, chorus, verse. */
function pop120(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('pop', seed)))
  const key = new Key(60, 'major')
  const bars = 24
  const verse = [1, 5, 6, 4]
  const chorus = [4, 1, 5, 6]
  const motifV = makeMotif(s.rng, 4, 4, 0.5)
  const motifC = makeMotif(s.rng, 4, 4, 0.7)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const isChorus = b >= 10 && b < 18
    const deg = (isChorus ? chorus : verse)[b % 4]
    const chord = key.chord(deg)
    for (let k = 0; k < 4; k++) s.chord(CHORDS, at + k, 0.9, chord, k === 0 ? 78 : 64)
    if (b < 2) {
      for (let e = 0; e < 8; e++) s.d(at + e / 2, DR.hat, e % 2 ? 50 : 70)
      continue
    }
    for (let e = 0; e < 8; e++) {
      s.d(at + e / 2, isChorus && e % 2 ? DR.openHat : DR.hat, e % 2 ? 60 : 85)
      s.n(BASS, at + e / 2, 0.45, key.bass(deg), e % 2 ? 80 : 100)
    }
    s.d(at, DR.kick, 110)
    s.d(at + 2, DR.kick, 100)
    if (b % 2) s.d(at + 2.5, DR.kick, 85)
    s.d(at + 1, DR.snare, 105)
    s.d(at + 3, DR.snare, 105)
    if (isChorus) {
      s.chord(PAD, at, 4, chord.map((k) => k + 12), 55)
      if (b % 4 === 2) s.d(at, DR.crash, 100)
      playMotif(s, LEAD, key, at, motifC[b % 4], deg, 96)
    } else playMotif(s, LEAD, key, at, motifV[b % 4], deg, 88)
    if (b % 4 === 3) tomFill(s, at + 3, 95)
  }
  return {
    name: 'pop-120',
    description: 'straight 4/4 pop, 120 BPM',
    meter: 4,
    tempos: [{ at: 0, bpm: 120 }],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.fingerBass },
      { ch: CHORDS, program: GM.piano },
      { ch: LEAD, program: GM.flute },
      { ch: PAD, program: GM.strings },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (b) Syncopated funk at 100 BPM: kick on off-beats and 16ths, snare 2 & 4 with ghost notes. */
function funk100(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('funk', seed)))
  const key = new Key(52, 'dorian')
  const bars = 20
  const kickA = [0, 0.75, 1.5, 2.5, 2.75]
  const kickB = [0, 0.75, 1.75, 2.5, 3.25]
  const ghosts = [0.75, 1.75, 2.25, 3.5, 3.75]
  const bassA: Array<[number, number, number]> = [
    [0, 0, 0.3],
    [0.75, 0, 0.2],
    [1.5, 7, 0.2],
    [2.5, 0, 0.2],
    [2.75, 3, 0.2],
    [3.5, 6, 0.2],
  ]
  const motif = makeMotif(s.rng, 2, 4, 0.55)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = b % 4 < 2 ? 1 : 4
    const chord = key.chord(deg, true).map((k) => k + 12)
    for (let x = 0; x < 16; x++) s.d(at + x / 4, x === 14 && b % 2 ? DR.openHat : DR.hat, x % 4 === 0 ? 80 : x % 2 === 0 ? 62 : 42)
    for (const k of b % 2 ? kickB : kickA) s.d(at + k, DR.kick, k === 0 ? 112 : 96)
    s.d(at + 1, DR.snare, 112)
    s.d(at + 3, DR.snare, 112)
    for (const g of ghosts) if (s.rng() < 0.7) s.d(at + g, DR.snare, 34)
    if (b % 4 === 0) s.d(at, DR.crash, 90)
    for (const [t, step, dur] of bassA) s.n(BASS, at + t, dur, key.note(deg - 1 + step) - 24, t === 0 ? 110 : 92)
    for (const t of [0.5, 1.25, 2.75, 3.5]) s.chord(CHORDS, at + t, 0.18, chord, 86)
    if (b >= 4) {
      if (b % 8 >= 4) for (const t of [0, 0.75, 1.5]) s.chord(PAD, at + t, 0.35, key.chord(deg).map((k) => k + 12), 90)
      else playMotif(s, LEAD, key, at, motif[b % 2], deg, 92)
    }
  }
  return {
    name: 'funk-100',
    description: 'syncopated funk, 100 BPM, kick on off-beats and 16ths, ghost notes',
    meter: 4,
    tempos: [{ at: 0, bpm: 100 }],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.slapBass },
      { ch: CHORDS, program: GM.clav },
      { ch: LEAD, program: GM.altoSax },
      { ch: PAD, program: GM.brass },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (c) Swung 12-bar shuffle at 90 BPM: triplet-swung ride and bass, piano comping. */
function shuffle90(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('shuffle', seed)))
  const key = new Key(55, 'major')
  const bars = 18
  const blues = [1, 1, 1, 1, 4, 4, 1, 1, 5, 4, 1, 5]
  const motif = makeMotif(s.rng, 4, 4, 0.5, true)
  const sw = 2 / 3
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = blues[b % 12]
    const root = key.bass(deg) + 12
    // Boogie bass: 1 3 5 6 b7 6 5 3 in swung eighths.
    const boogie = [0, 4, 7, 9, 10, 9, 7, 4]
    for (let k = 0; k < 4; k++) {
      s.d(at + k, DR.ride, k % 2 ? 90 : 80)
      s.d(at + k + sw, DR.ride, 58)
      if (k % 2) s.d(at + k, DR.pedalHat, 70)
      s.n(BASS, at + k, sw - 0.05, root - 12 + boogie[2 * k], 100)
      s.n(BASS, at + k + sw, 1 - sw - 0.03, root - 12 + boogie[2 * k + 1], 80)
    }
    if (b >= 1) {
      s.d(at, DR.kick, 105)
      s.d(at + 2, DR.kick, 98)
      if (s.rng() < 0.5) s.d(at + 1 + sw, DR.kick, 80)
      s.d(at + 1, DR.snare, 100)
      s.d(at + 3, DR.snare, 100)
    }
    const chord = key.chord(deg, true)
    s.chord(CHORDS, at, 0.5, chord, 78)
    s.chord(CHORDS, at + 1 + sw, 0.3, chord, 70)
    s.chord(CHORDS, at + 3 + sw, 0.3, chord, 66)
    if (b >= 2) playMotif(s, LEAD, key, at, motif[b % 4], deg, 94)
    if (b % 4 === 3) {
      s.d(at + 3, DR.snare, 70)
      s.d(at + 3 + sw, DR.snare, 85)
    }
  }
  return {
    name: 'shuffle-90',
    description: 'swung 12-bar shuffle, 90 BPM, triplet swing',
    meter: 4,
    tempos: [{ at: 0, bpm: 90 }],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.acBass },
      { ch: CHORDS, program: GM.piano },
      { ch: LEAD, program: GM.altoSax },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (d) A 3/4 waltz at 150 BPM: bass on 1, chords on 2 and 3, strings melody. */
function waltz150(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('waltz', seed)))
  const key = new Key(65, 'major')
  const bars = 40
  const prog = [1, 4, 5, 1, 6, 2, 5, 1]
  const motif = makeMotif(s.rng, 4, 3, 0.45)
  for (let b = 0; b < bars; b++) {
    const at = b * 3
    const deg = prog[b % 8]
    const chord = key.chord(deg)
    s.n(BASS, at, 0.9, key.bass(deg) + (b % 2 ? 7 : 0), 108)
    s.chord(CHORDS, at + 1, 0.5, chord, 70)
    s.chord(CHORDS, at + 2, 0.5, chord, 66)
    if (b >= 4) {
      s.d(at, DR.kick, 86)
      s.d(at + 1, DR.hat, 56)
      s.d(at + 2, DR.hat, 52)
      if (b % 8 === 4) s.d(at, DR.crash, 70)
      playMotif(s, LEAD, key, at, motif[b % 4], deg, 88)
    }
    if (b >= 12 && b < 28) s.chord(PAD, at, 3, chord.map((k) => k - 12), 48)
  }
  return {
    name: 'waltz-150',
    description: '3/4 waltz, 150 BPM, bass on 1, chords on 2 and 3',
    meter: 3,
    tempos: [{ at: 0, bpm: 150 }],
    timeSignatures: [{ at: 0, num: 3, den: 4 }],
    programs: [
      { ch: BASS, program: GM.tuba },
      { ch: CHORDS, program: GM.accordion },
      { ch: LEAD, program: GM.flute },
      { ch: PAD, program: GM.strings },
    ],
    notes: s.notes,
    end: bars * 3,
  }
}

/** A straight rock bar: kick, snare, eighth hats, eighth bass, guitar on the chord. */
function rockBar(s: Score, key: Key, at: number, deg: number, b: number, opts: { hats?: 'closed' | 'ride'; busyKick?: boolean; gtrVel?: number } = {}): void {
  for (let e = 0; e < 8; e++) {
    s.d(at + e / 2, opts.hats === 'ride' ? DR.ride : DR.hat, e % 2 ? 58 : 82)
    s.n(BASS, at + e / 2, 0.42, key.bass(deg), e % 2 ? 84 : 100)
  }
  s.d(at, DR.kick, 112)
  s.d(at + 2, DR.kick, 104)
  if (opts.busyKick) {
    s.d(at + 0.5, DR.kick, 88)
    s.d(at + 2.5, DR.kick, 92)
  } else if (b % 2) s.d(at + 2.5, DR.kick, 86)
  s.d(at + 1, DR.snare, 108)
  s.d(at + 3, DR.snare, 108)
  const chord = key.chord(deg)
  s.chord(GTR, at, 1.4, chord, opts.gtrVel ?? 72)
  s.chord(GTR, at + 1.5, 1, chord, (opts.gtrVel ?? 72) - 8)
  s.chord(GTR, at + 2.5, 1.4, chord, (opts.gtrVel ?? 72) - 4)
}

/** (e) A tempo step at a bar line: 96 BPM for 10 bars, then 128 BPM. */
function tempoStep(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('step', seed)))
  const key = new Key(57, 'minor')
  const bars = 22
  const change = 10
  const prog = [1, 6, 3, 7]
  const motif = makeMotif(s.rng, 4, 4, 0.5)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = prog[b % 4]
    rockBar(s, key, at, deg, b, { hats: b >= change ? 'ride' : 'closed', busyKick: b >= change })
    s.chord(PAD, at, 3.9, key.chord(deg).map((k) => k + 12), 50)
    if (b === change || b === change + 8) s.d(at, DR.crash, 105)
    if (b % 4 === 3) tomFill(s, at + 3, 96)
    if (b >= 2) playMotif(s, LEAD, key, at, motif[b % 4], deg, 92)
  }
  return {
    name: 'tempo-step-96-128',
    description: 'rock, 96 BPM stepping to 128 BPM at bar 11',
    meter: 4,
    tempos: [
      { at: 0, bpm: 96 },
      { at: change * 4, bpm: 128 },
    ],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.pickBass },
      { ch: GTR, program: GM.overdrive },
      { ch: LEAD, program: GM.trumpet },
      { ch: PAD, program: GM.organ },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (f) Gradual drift: an accelerando from 100 to 116 BPM over the whole piece. */
function accelerando(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('accel', seed)))
  const key = new Key(62, 'major')
  const bars = 22
  const prog = [1, 4, 6, 5]
  const motif = makeMotif(s.rng, 4, 4, 0.55)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = prog[b % 4]
    const chord = key.chord(deg, true)
    for (let e = 0; e < 8; e++) {
      s.d(at + e / 2, DR.hat, e % 2 ? 55 : 78)
      if (e % 2 === 0 || b >= 8) s.n(BASS, at + e / 2, 0.45, key.bass(deg), e % 2 ? 80 : 98)
    }
    s.d(at, DR.kick, 108)
    s.d(at + 2, DR.kick, 100)
    s.d(at + 1, b >= 8 ? DR.snare : DR.sideStick, 100)
    s.d(at + 3, b >= 8 ? DR.snare : DR.sideStick, 100)
    s.chord(CHORDS, at, 1.5, chord, 74)
    s.chord(CHORDS, at + 1.5, 1, chord, 62)
    s.chord(CHORDS, at + 2.5, 1.5, chord, 68)
    if (b >= 2) playMotif(s, LEAD, key, at, motif[b % 4], deg, 90)
    if (b % 8 === 0) s.d(at, DR.crash, 95)
  }
  return {
    name: 'accelerando-100-116',
    description: 'pop with e-piano, accelerando 100 → 116 BPM',
    meter: 4,
    tempos: tempoRamp(0, bars * 4, 100, 116, 0.25),
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.fingerBass },
      { ch: CHORDS, program: GM.epiano },
      { ch: LEAD, program: GM.clarinet },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (g) A quiet rubato intro (~10 s of pad chords and free piano, no pulse), then a 110 BPM groove. */
function rubatoIntro(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('rubato', seed)))
  const key = new Key(60, 'minor')
  const intro = 12 // quarter notes of free time
  const bars = 18
  // Rubato: the tempo wanders every half beat, so nothing in the intro sits on a steady grid.
  const tempos: TempoEvent[] = []
  for (let q = 0; q < intro; q += 0.5) tempos.push({ at: q, bpm: 62 + 22 * s.rng() })
  tempos.push({ at: intro, bpm: 110 })
  for (const [at, deg] of [
    [0, 1],
    [3.3, 6],
    [6.1, 4],
    [9.2, 5],
  ] as const) {
    s.chord(PAD, at, intro - at + 0.5 > 4 ? 3.6 : intro - at + 0.5, key.chord(deg), 46)
  }
  // Free piano line: irregular gaps, soft.
  for (let q = 0.6; q < intro - 0.8; q += 0.45 + s.rng() * 1.3) s.n(CHORDS, q, 1.2, key.note(7 + Math.floor(s.rng() * 6)), 40)
  const prog = [1, 6, 4, 5]
  const motif = makeMotif(s.rng, 4, 4, 0.5)
  for (let b = 0; b < bars; b++) {
    const at = intro + b * 4
    const deg = prog[b % 4]
    const chord = key.chord(deg)
    for (let e = 0; e < 8; e++) {
      s.d(at + e / 2, DR.hat, e % 2 ? 56 : 80)
      s.n(BASS, at + e / 2, 0.4, key.bass(deg), e % 2 ? 82 : 100)
      s.n(GTR, at + e / 2, 0.2, key.note(deg - 1 + 7) - 12, 60)
    }
    s.d(at, DR.kick, 110)
    s.d(at + 2.5, DR.kick, 96)
    s.d(at + 1, DR.snare, 104)
    s.d(at + 3, DR.snare, 104)
    if (b === 0 || b % 8 === 0) s.d(at, DR.crash, 100)
    s.chord(PAD, at, 4, chord, 50)
    s.chord(CHORDS, at, 1, chord.map((k) => k + 12), 70)
    s.chord(CHORDS, at + 2, 1, chord.map((k) => k + 12), 64)
    if (b >= 2) playMotif(s, LEAD, key, at, motif[b % 4], deg, 90)
  }
  return {
    name: 'rubato-intro-110',
    description: 'quiet rubato intro of pad and free piano, then a 110 BPM groove',
    meter: 4,
    tempos,
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.fingerBass },
      { ch: CHORDS, program: GM.piano },
      { ch: LEAD, program: GM.altoSax },
      { ch: GTR, program: GM.mutedGtr },
      { ch: PAD, program: GM.warmPad },
    ],
    notes: s.notes,
    end: intro + bars * 4,
    beatless: [{ from: 0, to: intro }],
  }
}

/** (h) A dense mix at 140 BPM: distorted power chords, busy drums, saw lead. */
function dense140(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('dense', seed)))
  const key = new Key(52, 'minor')
  const bars = 28
  const prog = [1, 6, 7, 5]
  const motif = makeMotif(s.rng, 4, 4, 0.75)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = prog[b % 4]
    const root = key.bass(deg) + 12
    const power = [root, root + 7, root + 12]
    for (let e = 0; e < 8; e++) {
      s.chord(GTR, at + e / 2, 0.4, power, e % 4 === 0 ? 110 : 86)
      if (b >= 1) s.n(BASS, at + e / 2, 0.42, root - 12, e % 2 ? 90 : 108)
    }
    if (b < 1) continue
    for (let e = 0; e < 8; e++) s.d(at + e / 2, b >= 12 ? DR.ride : DR.hat, e % 2 ? 70 : 92)
    for (const k of [0, 0.5, 1.5, 2, 2.5, 3.5]) s.d(at + k, DR.kick, k === 0 || k === 2 ? 115 : 95)
    s.d(at + 1, DR.snare, 118)
    s.d(at + 3, DR.snare, 118)
    if (b % 2 === 0) s.d(at, DR.crash, 100)
    if (b % 4 === 3) tomFill(s, at + 3, 110)
    if (b >= 12) s.chord(PAD, at, 3.9, [root + 12, root + 19, root + 24], 70)
    if (b >= 4) playMotif(s, LEAD, key, at, motif[b % 4], deg, 100)
  }
  return {
    name: 'dense-140',
    description: 'dense mix, 140 BPM, distorted power chords, busy drums',
    meter: 4,
    tempos: [{ at: 0, bpm: 140 }],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.pickBass },
      { ch: GTR, program: GM.distortion },
      { ch: LEAD, program: GM.sawLead },
      { ch: PAD, program: GM.overdrive },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** (i) A slow ballad at 70 BPM: piano arpeggios, strings, sparse drums from bar 3. */
function ballad70(seed: number): EvalPiece {
  const s = new Score(mulberry32(seedOf('ballad', seed)))
  const key = new Key(62, 'major')
  const bars = 14
  const prog = [1, 5, 6, 4]
  const motif = makeMotif(s.rng, 4, 4, 0.35)
  for (let b = 0; b < bars; b++) {
    const at = b * 4
    const deg = prog[b % 4]
    const chord = key.chord(deg)
    const arp = [chord[0] - 12, chord[2] - 12, chord[0], chord[1], chord[2], chord[1], chord[0], chord[2] - 12]
    arp.forEach((k, e) => s.n(CHORDS, at + e / 2, 0.9, k, e === 0 ? 72 : 58))
    s.n(BASS, at, 1.9, key.bass(deg), 92)
    s.n(BASS, at + 2, 1.9, key.bass(deg) + (b % 2 ? 7 : 0), 84)
    if (b >= 2) {
      s.d(at, DR.kick, 96)
      s.d(at + 2.5, DR.kick, 76)
      s.d(at + 1, b >= 6 ? DR.snare : DR.sideStick, 88)
      s.d(at + 3, b >= 6 ? DR.snare : DR.sideStick, 88)
      if (b >= 6) for (let k = 0; k < 4; k++) s.d(at + k, DR.hat, 60)
      s.chord(PAD, at, 4, chord.map((k) => k - 12), 44)
      playMotif(s, LEAD, key, at, motif[b % 4], deg, 86)
    }
    if (b === 6) s.d(at, DR.crash, 80)
  }
  return {
    name: 'ballad-70',
    description: 'slow ballad, 70 BPM, piano arpeggios, sparse drums',
    meter: 4,
    tempos: [{ at: 0, bpm: 70 }],
    timeSignatures: [{ at: 0, num: 4, den: 4 }],
    programs: [
      { ch: BASS, program: GM.fretless },
      { ch: CHORDS, program: GM.piano },
      { ch: LEAD, program: GM.flute },
      { ch: PAD, program: GM.slowStrings },
    ],
    notes: s.notes,
    end: bars * 4,
  }
}

/** Bumped whenever the generated music changes, so cached renders are rebuilt. */
export const PIECES_VERSION = 1

/** The beat/downbeat test set (deterministic for a seed). */
export function evalPieces(seed = 1): EvalPiece[] {
  return [pop120, funk100, shuffle90, waltz150, tempoStep, accelerando, rubatoIntro, dense140, ballad70].map((f) => f(seed))
}

// ------------------------------------------------------------------ structured tracks (sections)

export interface StructuredSpec {
  name: string
  description: string
  spec: SongSpec
}

/**
 * Synthesized songs with known section boundaries for the structure metrics: 4–8 sections of
 * 4 or 8 bars, repeated sections (same progression and tune), different tempi and a 3/4 one.
 */
export function structuredSpecs(): StructuredSpec[] {
  return [
    {
      name: 'struct-pop-120',
      description: '120 BPM 4/4: intro verse chorus verse chorus outro',
      spec: {
        bpm: 120,
        beatsPerBar: 4,
        key: 62,
        seed: 11,
        tailSec: 1,
        sections: [
          { label: 'intro', bars: 4, intensity: 0.45, drums: 'hats', chords: 'pad' },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'outro', bars: 4, intensity: 0.5, drums: 'fade', chords: 'pad' },
        ],
      },
    },
    {
      name: 'struct-ballad-84',
      description: '84 BPM 4/4: intro verse chorus bridge chorus outro, a drumless bridge',
      spec: {
        bpm: 84,
        beatsPerBar: 4,
        key: 57,
        seed: 23,
        tailSec: 1,
        sections: [
          { label: 'intro', bars: 4, intensity: 0.4, drums: 'none', chords: 'pad' },
          { label: 'verse', bars: 8, intensity: 0.65, drums: 'hats', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'bridge', bars: 4, intensity: 0.55, drums: 'none', chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'outro', bars: 4, intensity: 0.45, drums: 'fade', chords: 'pad' },
        ],
      },
    },
    {
      name: 'struct-rock-132',
      description: '132 BPM 4/4: intro verse chorus verse chorus bridge chorus outro',
      spec: {
        bpm: 132,
        beatsPerBar: 4,
        key: 64,
        seed: 37,
        tailSec: 1,
        sections: [
          { label: 'intro', bars: 4, intensity: 0.5, drums: 'hats', chords: 'pad' },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'bridge', bars: 8, intensity: 0.6, drums: 'hats', bass: true, chords: 'pad' },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'outro', bars: 4, intensity: 0.5, drums: 'fade', chords: 'pad' },
        ],
      },
    },
    {
      name: 'struct-waltz-96',
      description: '96 BPM 3/4: intro A B A B outro',
      spec: {
        bpm: 96,
        beatsPerBar: 3,
        key: 65,
        seed: 41,
        tailSec: 1,
        sections: [
          { label: 'intro', bars: 4, intensity: 0.45, drums: 'hats', chords: 'pad' },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'verse', bars: 8, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'outro', bars: 4, intensity: 0.5, drums: 'fade', chords: 'pad' },
        ],
      },
    },
  ]
}
