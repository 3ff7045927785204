/**
 * A Standard MIDI File writer (format 1, PPQ 480) and the ground truth that follows from a
 * piece's tempo map and time signatures: beat and downbeat times in seconds. Pure.
 *
 * Positions are in quarter notes from the start of the piece (floats; rounded to ticks on
 * writing). Truth is computed from the same rounded ticks the file holds, so it is exactly what
 * a synthesizer plays.
 */

export const PPQ = 480

export interface TempoEvent {
  /** Quarter notes from the start. */
  at: number
  /** Quarter notes per minute (MIDI tempo is always per quarter note). */
  bpm: number
}

export interface TimeSignature {
  /** Quarter notes from the start; must fall on a bar line of the previous signature. */
  at: number
  num: number
  den: number
}

export interface NoteEvent {
  at: number
  /** Length in quarter notes. */
  dur: number
  /** 0-based channel; 9 is General MIDI drums. */
  ch: number
  key: number
  vel: number
}

export interface ProgramChange {
  ch: number
  /** 0-based General MIDI program. */
  program: number
  at?: number
}

export interface ControlChange {
  ch: number
  controller: number
  value: number
  at?: number
}

export interface MidiPiece {
  name: string
  tempos: TempoEvent[]
  timeSignatures: TimeSignature[]
  programs: ProgramChange[]
  controls?: ControlChange[]
  notes: NoteEvent[]
  /** End of the music in quarter notes (the last bar line); beats stop here. */
  end: number
  /** Spans (quarter notes, [from, to)) with no steady pulse: no truth beats inside. */
  beatless?: Array<{ from: number; to: number }>
}

export function toTicks(quarters: number): number {
  return Math.round(quarters * PPQ)
}

// ------------------------------------------------------------------ tempo map and truth

/** Beat unit of a signature in quarter notes: dotted quarter for compound meters (6/8, 9/8, 12/8). */
export function beatUnit(ts: Pick<TimeSignature, 'num' | 'den'>): number {
  const note = 4 / ts.den
  return ts.den >= 8 && ts.num % 3 === 0 && ts.num > 3 ? 3 * note : note
}

/** Beats per bar as a listener counts them (6/8 → 2). */
export function beatsPerBar(ts: Pick<TimeSignature, 'num' | 'den'>): number {
  return Math.round((ts.num * (4 / ts.den)) / beatUnit(ts))
}

/** Tick → seconds through a (sorted, tick-rounded) tempo map. */
export function tickSeconds(piece: Pick<MidiPiece, 'tempos'>): (tick: number) => number {
  return secondsThrough([...piece.tempos].map((t) => ({ tick: toTicks(t.at), usPerQ: usPerQuarter(t.bpm) })), PPQ)
}

/**
 * Tick → seconds through tempo events (µs per quarter from their tick on; 120 BPM before the
 * first), at `ppq` ticks per quarter: the seconds at each event accumulated once, then a binary
 * search per tick.
 */
export function secondsThrough(events: Array<{ tick: number; usPerQ: number }>, ppq: number): (tick: number) => number {
  const map = events.filter((t) => t.usPerQ > 0).sort((a, b) => a.tick - b.tick)
  if (!map.length || map[0].tick !== 0) map.unshift({ tick: 0, usPerQ: 500000 })
  const start: number[] = [0]
  for (let i = 1; i < map.length; i++) start.push(start[i - 1] + ((map[i].tick - map[i - 1].tick) * map[i - 1].usPerQ) / (ppq * 1e6))
  return (tick: number) => {
    let lo = 0
    let hi = map.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (map[mid].tick <= tick) lo = mid
      else hi = mid - 1
    }
    return start[lo] + ((tick - map[lo].tick) * map[lo].usPerQ) / (ppq * 1e6)
  }
}

/** Quarter-note positions of every beat and whether it starts a bar, up to the piece's end. */
export function beatGrid(piece: Pick<MidiPiece, 'timeSignatures' | 'end'>): Array<{ at: number; downbeat: boolean; bar: number; beat: number }> {
  const sigs = [...piece.timeSignatures].sort((a, b) => a.at - b.at)
  if (!sigs.length || sigs[0].at !== 0) sigs.unshift({ at: 0, num: 4, den: 4 })
  const out: Array<{ at: number; downbeat: boolean; bar: number; beat: number }> = []
  let bar = 0
  for (let s = 0; s < sigs.length; s++) {
    const ts = sigs[s]
    const stop = s + 1 < sigs.length ? sigs[s + 1].at : piece.end
    const unit = beatUnit(ts)
    const bpb = beatsPerBar(ts)
    for (let b0 = ts.at; b0 < stop - 1e-9; b0 += bpb * unit, bar++) {
      for (let k = 0; k < bpb; k++) {
        const at = b0 + k * unit
        if (at < stop - 1e-9) out.push({ at, downbeat: k === 0, bar, beat: k })
      }
    }
  }
  return out
}

function inBeatless(piece: Pick<MidiPiece, 'beatless'>, at: number): boolean {
  return (piece.beatless ?? []).some((s) => at >= s.from - 1e-9 && at < s.to - 1e-9)
}

/** Truth beat times (seconds) from the tempo map; none inside beatless spans. */
export function beatTimes(piece: MidiPiece): number[] {
  const sec = tickSeconds(piece)
  return beatGrid(piece)
    .filter((b) => !inBeatless(piece, b.at))
    .map((b) => round6(sec(toTicks(b.at))))
}

/** Truth downbeat times (seconds); none inside beatless spans. */
export function downbeatTimes(piece: MidiPiece): number[] {
  const sec = tickSeconds(piece)
  return beatGrid(piece)
    .filter((b) => b.downbeat && !inBeatless(piece, b.at))
    .map((b) => round6(sec(toTicks(b.at))))
}

/** Beatless spans in seconds. */
export function beatlessSeconds(piece: MidiPiece): Array<{ start: number; end: number }> {
  const sec = tickSeconds(piece)
  return (piece.beatless ?? []).map((s) => ({ start: round6(sec(toTicks(s.from))), end: round6(sec(toTicks(s.to))) }))
}

/** Seconds at the piece's end (the last bar line). */
export function pieceSeconds(piece: MidiPiece): number {
  return tickSeconds(piece)(toTicks(piece.end))
}

/**
 * Tempo events for a gradual change from `bpm0` to `bpm1` over [from, to), linear in beats,
 * one event every `step` quarter notes (a step function is what MIDI can express).
 */
export function tempoRamp(from: number, to: number, bpm0: number, bpm1: number, step = 0.25): TempoEvent[] {
  const out: TempoEvent[] = []
  for (let at = from; at < to - 1e-9; at += step) {
    // Each step plays at the tempo of its midpoint, so the ramp's total length matches the line.
    const mid = Math.min(to, at + step / 2)
    out.push({ at, bpm: bpm0 + ((bpm1 - bpm0) * (mid - from)) / (to - from) })
  }
  out.push({ at: to, bpm: bpm1 })
  return out
}

function usPerQuarter(bpm: number): number {
  return Math.max(1, Math.min(0xffffff, Math.round(60e6 / bpm)))
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

// ------------------------------------------------------------------ writer

interface RawEvent {
  tick: number
  /** Sort key at equal ticks: meta 0, program/control 1, note-off 2, note-on 3. */
  order: number
  bytes: number[]
}

/** Variable-length quantity (7 bits per byte, high bit = more follows). */
export function vlq(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0x0fffffff) throw new RangeError(`vlq: ${n} out of range`)
  const out = [n & 0x7f]
  n >>>= 7
  while (n > 0) {
    out.unshift((n & 0x7f) | 0x80)
    n >>>= 7
  }
  return out
}

function chunk(type: string, data: number[]): Buffer {
  const head = Buffer.alloc(8)
  head.write(type, 0, 'ascii')
  head.writeUInt32BE(data.length, 4)
  return Buffer.concat([head, Buffer.from(data)])
}

function trackBytes(events: RawEvent[]): number[] {
  events.sort((a, b) => a.tick - b.tick || a.order - b.order)
  const out: number[] = []
  let last = 0
  for (const e of events) {
    out.push(...vlq(e.tick - last), ...e.bytes)
    last = e.tick
  }
  out.push(0, 0xff, 0x2f, 0x00)
  return out
}

function text(type: number, s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')]
  return [0xff, type, ...vlq(b.length), ...b]
}

const clamp7 = (x: number) => Math.max(0, Math.min(127, Math.round(x)))

/** The piece as a format-1 Standard MIDI File: a conductor track, then one track per channel. */
export function writeMidi(piece: MidiPiece): Buffer {
  const conductor: RawEvent[] = [{ tick: 0, order: 0, bytes: text(0x03, piece.name) }]
  for (const ts of piece.timeSignatures) {
    const dd = Math.round(Math.log2(ts.den))
    if (2 ** dd !== ts.den) throw new RangeError(`time signature ${ts.num}/${ts.den}: denominator must be a power of two`)
    const clocks = Math.round(24 * beatUnit(ts))
    conductor.push({ tick: toTicks(ts.at), order: 0, bytes: [0xff, 0x58, 0x04, ts.num, dd, clocks, 8] })
  }
  for (const t of piece.tempos) {
    const us = usPerQuarter(t.bpm)
    conductor.push({ tick: toTicks(t.at), order: 0, bytes: [0xff, 0x51, 0x03, (us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff] })
  }
  conductor.push({ tick: toTicks(piece.end), order: 0, bytes: text(0x06, 'end') })

  const channels = new Map<number, RawEvent[]>()
  const track = (ch: number) => {
    if (ch < 0 || ch > 15) throw new RangeError(`channel ${ch} out of range 0..15`)
    let t = channels.get(ch)
    if (!t) channels.set(ch, (t = []))
    return t
  }
  for (const p of piece.programs) track(p.ch).push({ tick: toTicks(p.at ?? 0), order: 1, bytes: [0xc0 | p.ch, clamp7(p.program)] })
  for (const c of piece.controls ?? []) track(c.ch).push({ tick: toTicks(c.at ?? 0), order: 1, bytes: [0xb0 | c.ch, clamp7(c.controller), clamp7(c.value)] })
  for (const n of piece.notes) {
    const on = toTicks(n.at)
    const off = Math.max(on + 1, toTicks(n.at + n.dur))
    const key = clamp7(n.key)
    track(n.ch).push({ tick: on, order: 3, bytes: [0x90 | n.ch, key, Math.max(1, clamp7(n.vel))] })
    track(n.ch).push({ tick: off, order: 2, bytes: [0x80 | n.ch, key, 64] })
  }

  const tracks = [conductor, ...[...channels.keys()].sort((a, b) => a - b).map((ch) => channels.get(ch)!)]
  const header = Buffer.alloc(6)
  header.writeUInt16BE(1, 0) // format 1
  header.writeUInt16BE(tracks.length, 2)
  header.writeUInt16BE(PPQ, 4)
  return Buffer.concat([chunk('MThd', [...header]), ...tracks.map((t) => chunk('MTrk', trackBytes(t)))])
}
