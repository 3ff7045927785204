import { writeFileSync } from 'node:fs'
import { mulberry32 } from '../src/util/random.js'

/**
 * A small deterministic song synthesizer: drums, bass, chord pads and a soft lead "voice" on an
 * exact beat grid, so tests and the bundled example have audio whose beats, downbeats and
 * sections are known exactly. Same spec (and seed) → same samples.
 */

export type DrumMode = 'none' | 'hats' | 'full' | 'fade'

export interface SectionSpec {
  label: string
  bars: number
  /** Overall level of the section, 0..1. */
  intensity: number
  drums: DrumMode
  /** Crash cymbal on every bar start. */
  crash?: boolean
  bass?: boolean
  /** 'bright' opens the pad filter and adds an octave on top. */
  chords?: 'pad' | 'bright' | 'none'
  lead?: boolean
  /** Chord per bar as major-scale degrees 1..7 (cycled); defaults by label. */
  progression?: number[]
}

export interface SongSpec {
  bpm: number
  beatsPerBar: number
  sections: SectionSpec[]
  /** MIDI note of the major key's tonic (60 = C). */
  key?: number
  seed?: number
  sampleRate?: number
  /** Seconds of decay after the last bar (≤ 1 s keeps the example's contract). */
  tailSec?: number
}

export interface SynthesizedSong {
  samples: Float32Array
  sampleRate: number
  beats: number[]
  downbeats: number[]
  sections: Array<{ label: string; start: number; end: number }>
}

/** The bundled example: 120 BPM, 4/4, 40 bars (see the contract in the design notes). */
export const EXAMPLE_SONG_SPEC: SongSpec = {
  bpm: 120,
  beatsPerBar: 4,
  key: 60,
  seed: 7,
  tailSec: 1,
  sections: [
    { label: 'intro', bars: 4, intensity: 0.45, drums: 'hats', chords: 'pad' },
    { label: 'verse', bars: 8, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true },
    { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
    { label: 'verse', bars: 8, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true },
    { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
    { label: 'outro', bars: 4, intensity: 0.5, drums: 'fade', chords: 'pad' },
  ],
}

const DEFAULT_PROGRESSIONS: Record<string, number[]> = {
  intro: [6, 4, 1, 5],
  verse: [6, 4, 1, 5],
  chorus: [4, 5, 3, 6],
  bridge: [2, 5, 1, 4],
  outro: [6, 4, 1, 1],
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11]

export function synthesizeSong(spec: SongSpec): SynthesizedSong {
  const sr = spec.sampleRate ?? 44100
  const beatSec = 60 / spec.bpm
  const bpb = spec.beatsPerBar
  const barSec = beatSec * bpb
  const key = spec.key ?? 60
  const totalBars = spec.sections.reduce((a, s) => a + s.bars, 0)
  const songSec = totalBars * barSec
  const tail = spec.tailSec ?? 1
  const mix = new Float64Array(Math.ceil((songSec + tail) * sr))
  const rng = mulberry32(spec.seed ?? 1)
  const v = new Voices(mix, sr, rng)

  const beats: number[] = []
  const downbeats: number[] = []
  for (let k = 0; k < totalBars * bpb; k++) {
    const t = round6(k * beatSec)
    beats.push(t)
    if (k % bpb === 0) downbeats.push(t)
  }
  const sections: SynthesizedSong['sections'] = []

  let bar0 = 0
  for (const sec of spec.sections) {
    const start = bar0 * barSec
    sections.push({ label: sec.label, start: round6(start), end: round6(start + sec.bars * barSec) })
    const prog = sec.progression ?? DEFAULT_PROGRESSIONS[sec.label] ?? DEFAULT_PROGRESSIONS.verse
    const g = sec.intensity
    const melody = sec.lead ? makeMelody(sec.label, spec.seed ?? 1, bpb) : undefined
    for (let b = 0; b < sec.bars; b++) {
      const tBar = (bar0 + b) * barSec
      const degree = prog[b % prog.length]
      const chord = triad(key, degree)
      const drumGain = sec.drums === 'fade' ? g * (1 - (0.85 * (b * bpb)) / (sec.bars * bpb)) : g

      if (sec.chords !== 'none' && sec.chords !== undefined) {
        const bright = sec.chords === 'bright'
        const notes = bright ? [...chord, chord[0] + 12] : chord
        v.pad(tBar, barSec, notes, 0.075 * (0.55 + 0.45 * g), bright ? 2600 : 1100)
      }
      if (sec.bass) {
        const root = key - 24 + MAJOR[(degree - 1) % 7]
        for (let e = 0; e < bpb * 2; e++) {
          const t = tBar + (e * beatSec) / 2
          const note = e === bpb * 2 - 1 && b % 2 === 1 ? root + 7 : root
          v.bass(t, e === 0 ? beatSec * 0.9 : beatSec * 0.42, note, (e === 0 ? 0.32 : 0.22) * g)
        }
      }
      if (melody) {
        for (const n of melody[b % melody.length]) {
          const pitch = scaleNote(key + 12, degree, n.step)
          v.lead(tBar + n.at * beatSec, n.len * beatSec, pitch, 0.11 * g)
        }
      }
      for (let beat = 0; beat < bpb; beat++) {
        const t = tBar + beat * beatSec
        if (sec.drums === 'hats' || sec.drums === 'full' || sec.drums === 'fade') {
          v.hat(t, 0.16 * drumGain)
          // Choruses open the off-beat hat: a denser, brighter groove than the verse.
          if (sec.chords === 'bright') v.hat(t + beatSec / 2, 0.11 * drumGain, 0.09)
          else v.hat(t + beatSec / 2, 0.07 * drumGain)
        }
        if (sec.drums === 'full' || sec.drums === 'fade') {
          const isKick = beat === 0 || (bpb >= 4 && beat === bpb / 2) || (bpb % 2 === 1 && bpb > 3 && beat === bpb - 2)
          if (isKick) v.kick(t, (beat === 0 ? 0.95 : 0.8) * drumGain)
          else v.snare(t, 0.45 * drumGain)
        }
      }
      if (sec.crash) v.crash(tBar, (b === 0 ? 0.2 : 0.12) * g)
    }
    bar0 += sec.bars
  }

  // Gentle master: soft-clip, normalise, fade the very end so the file never stops on a click.
  let peak = 0
  for (let i = 0; i < mix.length; i++) {
    mix[i] = Math.tanh(mix[i] * 1.2) / 1.2
    peak = Math.max(peak, Math.abs(mix[i]))
  }
  const norm = peak > 0 ? 0.89 / peak : 1
  const fade = Math.min(mix.length, Math.round(0.3 * sr))
  const samples = new Float32Array(mix.length)
  for (let i = 0; i < mix.length; i++) {
    const fromEnd = mix.length - 1 - i
    const f = fromEnd < fade ? fromEnd / fade : 1
    samples[i] = mix[i] * norm * f
  }
  return { samples, sampleRate: sr, beats, downbeats, sections }
}

/** 16-bit PCM mono WAV. */
export function writeWav(path: string, samples: Float32Array, sampleRate: number): void {
  const data = Buffer.alloc(samples.length * 2)
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]))
    data.writeInt16LE(Math.round(s * 32767), i * 2)
  }
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'ascii')
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVE', 8, 'ascii')
  h.write('fmt ', 12, 'ascii')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20) // PCM
  h.writeUInt16LE(1, 22) // mono
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE(sampleRate * 2, 28)
  h.writeUInt16LE(2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'ascii')
  h.writeUInt32LE(data.length, 40)
  writeFileSync(path, Buffer.concat([h, data]))
}

// ---------------------------------------------------------------- music helpers

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/** Triad on a major-scale degree (1..7) around the key's octave. */
function triad(key: number, degree: number): number[] {
  return [0, 2, 4].map((k) => scaleNote(key, degree, k))
}

/** The note `step` scale steps above the chord root on `degree`. */
function scaleNote(key: number, degree: number, step: number): number {
  const idx = degree - 1 + step
  const oct = Math.floor(idx / 7)
  return key + 12 * oct + MAJOR[((idx % 7) + 7) % 7]
}

interface MelodyNote {
  /** Start in beats from the bar start. */
  at: number
  /** Length in beats. */
  len: number
  /** Scale steps above the bar's chord root (0, 2, 4 are chord tones). */
  step: number
}

/** A 4-bar phrase per section label (seeded), so repeated sections sing the same tune. */
function makeMelody(label: string, seed: number, bpb: number): MelodyNote[][] {
  let h = seed >>> 0
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0
  const rng = mulberry32(h)
  const rhythms: number[][] = [
    [0, 1, 1.5, 2, 3],
    [0.5, 1, 2, 2.5, 3],
    [0, 1.5, 2, 3],
    [0, 0.5, 1, 2],
  ]
  const chordTones = [0, 2, 4, 7]
  const phrase: MelodyNote[][] = []
  let prev = 2
  for (let bar = 0; bar < 4; bar++) {
    const r = rhythms[Math.floor(rng() * rhythms.length)].filter((x) => x < bpb)
    const notes: MelodyNote[] = []
    for (let i = 0; i < r.length; i++) {
      const next = i + 1 < r.length ? r[i + 1] : bpb
      // Chord tones on strong positions, neighbours otherwise; stay near the previous note.
      const strong = Number.isInteger(r[i])
      let step: number
      if (strong) {
        step = chordTones.reduce((best, c) => (Math.abs(c - prev) < Math.abs(best - prev) + rng() * 2 ? c : best), chordTones[0])
      } else {
        step = prev + (rng() < 0.5 ? -1 : 1)
      }
      step = Math.max(-1, Math.min(8, step))
      notes.push({ at: r[i], len: Math.max(0.25, (next - r[i]) * 0.9), step })
      prev = step
    }
    // Phrase ends on a long chord tone.
    if (bar === 3 && notes.length) notes[notes.length - 1] = { ...notes[notes.length - 1], step: 0 }
    phrase.push(notes)
  }
  return phrase
}


function midiHz(m: number): number {
  return 440 * Math.pow(2, (m - 69) / 12)
}

// ---------------------------------------------------------------- instruments

/** Adds instrument notes into one mix buffer. Every note has an attack and release ramp. */
class Voices {
  constructor(
    private readonly out: Float64Array,
    private readonly sr: number,
    private readonly rng: () => number,
  ) {}

  private span(t0: number, dur: number): [number, number] {
    const a = Math.max(0, Math.round(t0 * this.sr))
    const b = Math.min(this.out.length, Math.round((t0 + dur) * this.sr))
    return [a, b]
  }

  kick(t0: number, vel: number): void {
    const [a, b] = this.span(t0, 0.45)
    let phase = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      const f = 48 + 110 * Math.exp(-t / 0.035)
      phase += (2 * Math.PI * f) / this.sr
      const env = Math.min(1, t / 0.0015) * Math.exp(-t / 0.16)
      const click = t < 0.004 ? (this.rng() * 2 - 1) * 0.3 * (1 - t / 0.004) : 0
      this.out[i] += vel * (env * Math.sin(phase) + click)
    }
  }

  snare(t0: number, vel: number): void {
    const [a, b] = this.span(t0, 0.3)
    let lp = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      const n = this.rng() * 2 - 1
      lp += 0.25 * (n - lp)
      const noise = (n - lp) * Math.exp(-t / 0.07)
      const tone = Math.sin(2 * Math.PI * 185 * t) * Math.exp(-t / 0.04)
      this.out[i] += vel * Math.min(1, t / 0.001) * (0.8 * noise + 0.5 * tone)
    }
  }

  hat(t0: number, vel: number, decay = 0.022): void {
    const [a, b] = this.span(t0, decay * 4)
    let lp = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      const n = this.rng() * 2 - 1
      lp += 0.6 * (n - lp)
      this.out[i] += vel * Math.min(1, t / 0.0008) * Math.min(1, (b - 1 - i) / 40) * (n - lp) * Math.exp(-t / decay)
    }
  }

  crash(t0: number, vel: number): void {
    const [a, b] = this.span(t0, 1.8)
    let lp = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      const n = this.rng() * 2 - 1
      lp += 0.45 * (n - lp)
      const tailFade = Math.min(1, (b - 1 - i) / (0.05 * this.sr))
      this.out[i] += vel * Math.min(1, t / 0.001) * (n - lp) * Math.exp(-t / 0.55) * tailFade
    }
  }

  bass(t0: number, dur: number, midi: number, vel: number): void {
    const release = 0.03
    const [a, b] = this.span(t0, dur + release)
    const f = midiHz(midi)
    const alpha = 1 - Math.exp((-2 * Math.PI * 420) / this.sr)
    let lp = 0
    let ph = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      ph += f / this.sr
      const saw = polyBlepSaw(ph, f / this.sr)
      lp += alpha * (saw - lp)
      const env = Math.min(1, t / 0.004) * (t > dur ? Math.max(0, 1 - (t - dur) / release) : 1) * (0.7 + 0.3 * Math.exp(-t / 0.08))
      this.out[i] += vel * env * (lp + 0.4 * Math.sin(2 * Math.PI * f * t))
    }
  }

  pad(t0: number, dur: number, notes: number[], vel: number, cutoff: number): void {
    const attack = 0.09
    const release = 0.35
    const [a, b] = this.span(t0, dur + release)
    const alpha = 1 - Math.exp((-2 * Math.PI * cutoff) / this.sr)
    const oscs = notes.flatMap((m) => [midiHz(m) * 1.0035, midiHz(m) / 1.0035])
    const phases = oscs.map(() => this.rng())
    let lp1 = 0
    let lp2 = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      let s = 0
      for (let o = 0; o < oscs.length; o++) {
        phases[o] += oscs[o] / this.sr
        s += polyBlepSaw(phases[o], oscs[o] / this.sr)
      }
      lp1 += alpha * (s - lp1)
      lp2 += alpha * (lp1 - lp2)
      const env = smoothstep(Math.min(1, t / attack)) * (t > dur ? Math.max(0, 1 - (t - dur) / release) ** 2 : 1)
      this.out[i] += (vel * env * lp2) / Math.sqrt(oscs.length)
    }
  }

  lead(t0: number, dur: number, midi: number, vel: number): void {
    const attack = 0.035
    const release = 0.08
    const [a, b] = this.span(t0, dur + release)
    const f0 = midiHz(midi)
    let ph = 0
    for (let i = a; i < b; i++) {
      const t = (i - a) / this.sr
      // Delayed vibrato, like a held sung note.
      const vib = 1 + 0.006 * Math.min(1, t / 0.25) * Math.sin(2 * Math.PI * 5.5 * t)
      ph += (f0 * vib) / this.sr
      const x = 2 * Math.PI * ph
      const s = Math.sin(x) + 0.35 * Math.sin(2 * x) + 0.18 * Math.sin(3 * x) + 0.08 * Math.sin(4 * x)
      const env = smoothstep(Math.min(1, t / attack)) * (t > dur ? Math.max(0, 1 - (t - dur) / release) ** 2 : 1)
      this.out[i] += vel * env * s
    }
  }
}

function smoothstep(x: number): number {
  return x * x * (3 - 2 * x)
}

/** Band-limited-ish sawtooth (polyBLEP) at phase `ph` (cycles) and increment `dt`. */
function polyBlepSaw(ph: number, dt: number): number {
  const p = ph - Math.floor(ph)
  let y = 2 * p - 1
  if (p < dt) {
    const x = p / dt
    y -= x + x - x * x - 1
  } else if (p > 1 - dt) {
    const x = (p - 1) / dt
    y -= x * x + x + x + 1
  }
  return y
}
