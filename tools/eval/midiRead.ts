import { secondsThrough } from './midi.js'
/**
 * A Standard MIDI File reader (formats 0 and 1; SMPTE time division is refused): the tempo map,
 * time signatures, notes and text, all in ticks of the file's own resolution. Pure.
 */

export interface MidiTempo {
  tick: number
  /** Microseconds per quarter note. */
  usPerQ: number
}

export interface MidiTimeSig {
  tick: number
  num: number
  den: number
}

export interface MidiNote {
  tick: number
  /** Length in ticks (0 when the note was never released). */
  dur: number
  ch: number
  key: number
  vel: number
  track: number
}

export interface MidiText {
  tick: number
  /** Meta type: 1 text, 2 copyright, 3 track name, 5 lyric, 6 marker… */
  type: number
  text: string
}

export interface MidiFile {
  format: number
  ppq: number
  tracks: number
  tempos: MidiTempo[]
  timeSignatures: MidiTimeSig[]
  notes: MidiNote[]
  texts: MidiText[]
  /** Tick of the last event of any track. */
  endTick: number
}

export class MidiParseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MidiParseError'
  }
}

class Reader {
  pos: number
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start
  }
  byte(): number {
    if (this.pos >= this.end) throw new MidiParseError('unexpected end of track')
    return this.buf[this.pos++]
  }
  vlq(): number {
    let n = 0
    for (let i = 0; i < 4; i++) {
      const b = this.byte()
      n = n * 128 + (b & 0x7f)
      if (!(b & 0x80)) return n
    }
    throw new MidiParseError('variable-length quantity longer than 4 bytes')
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new MidiParseError('event runs past the end of its track')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1]
const DATA_BYTES = [2, 2, 2, 2, 1, 1, 2] // 0x8n..0xEn

export function readMidi(buf: Uint8Array): MidiFile {
  if (buf.length < 14 || String.fromCharCode(...buf.subarray(0, 4)) !== 'MThd') throw new MidiParseError('not a Standard MIDI File (no MThd)')
  const headLen = u32(buf, 4)
  const format = u16(buf, 8)
  const ntracks = u16(buf, 10)
  const division = u16(buf, 12)
  if (division & 0x8000) throw new MidiParseError('SMPTE time division is not supported')
  if (division === 0) throw new MidiParseError('zero ticks per quarter note')
  const out: MidiFile = { format, ppq: division, tracks: 0, tempos: [], timeSignatures: [], notes: [], texts: [], endTick: 0 }
  let pos = 8 + headLen
  for (let t = 0; t < ntracks && pos + 8 <= buf.length; t++) {
    const type = String.fromCharCode(...buf.subarray(pos, pos + 4))
    const len = u32(buf, pos + 4)
    const start = pos + 8
    pos = start + len
    if (type !== 'MTrk') {
      t--
      continue
    }
    readTrack(new Reader(buf, start, Math.min(pos, buf.length)), t, out)
    out.tracks++
  }
  out.tempos.sort((a, b) => a.tick - b.tick)
  out.timeSignatures.sort((a, b) => a.tick - b.tick)
  out.notes.sort((a, b) => a.tick - b.tick || a.ch - b.ch || a.key - b.key)
  return out
}

function readTrack(r: Reader, track: number, out: MidiFile): void {
  let tick = 0
  let status = 0
  // Open notes per channel*128+key: a stack, so overlapping repeats of one key pair up in order.
  const open = new Map<number, MidiNote[]>()
  const close = (ch: number, key: number) => {
    const stack = open.get(ch * 128 + key)
    const n = stack?.shift()
    if (n) n.dur = tick - n.tick
  }
  try {
    while (r.pos < r.end) {
      tick += r.vlq()
      let b = r.byte()
      if (b === 0xff) {
        const type = r.byte()
        const data = r.bytes(r.vlq())
        if (type === 0x2f) break
        if (type === 0x51 && data.length >= 3) out.tempos.push({ tick, usPerQ: (data[0] << 16) | (data[1] << 8) | data[2] })
        else if (type === 0x58 && data.length >= 2) out.timeSignatures.push({ tick, num: data[0], den: 2 ** data[1] })
        else if (type >= 1 && type <= 7) out.texts.push({ tick, type, text: Buffer.from(data).toString('latin1') })
        continue
      }
      if (b === 0xf0 || b === 0xf7) {
        r.bytes(r.vlq())
        continue
      }
      if (b & 0x80) status = b
      else {
        if (!status) throw new MidiParseError('running status without a status byte')
        r.pos-- // the byte was data
        b = status
      }
      const kind = (b >> 4) - 8
      const ch = b & 0x0f
      const d = r.bytes(DATA_BYTES[kind])
      if (kind === 1 && d[1] > 0) {
        const note: MidiNote = { tick, dur: 0, ch, key: d[0], vel: d[1], track }
        out.notes.push(note)
        const k = ch * 128 + d[0]
        const stack = open.get(k)
        if (stack) stack.push(note)
        else open.set(k, [note])
      } else if (kind === 0 || (kind === 1 && d[1] === 0)) close(ch, d[0])
    }
  } finally {
    out.endTick = Math.max(out.endTick, tick)
  }
}

/** Tick → seconds through the file's tempo map (120 BPM before the first tempo event). */
export function midiTickSeconds(file: Pick<MidiFile, 'tempos' | 'ppq'>): (tick: number) => number {
  return secondsThrough(file.tempos, file.ppq)
}
