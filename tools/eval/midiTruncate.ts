import { midiTickSeconds, readMidi } from './midiRead.js'

/**
 * A MIDI file cut after `sec` seconds: every track's events up to that time are copied byte for
 * byte, then the track ends. What plays before the cut is unchanged, so rendering only an
 * excerpt's start costs only that much synthesis. Pure.
 */
export function truncateMidi(buf: Buffer, sec: number): Buffer {
  const file = readMidi(buf)
  const toSec = midiTickSeconds(file)
  let lo = 0
  let hi = Math.max(1, file.endTick)
  if (toSec(hi) <= sec) return buf
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (toSec(mid) <= sec) lo = mid
    else hi = mid
  }
  const endTick = lo
  const parts: Buffer[] = [buf.subarray(0, 8 + buf.readUInt32BE(4))]
  let pos = 8 + buf.readUInt32BE(4)
  while (pos + 8 <= buf.length) {
    const type = buf.toString('latin1', pos, pos + 4)
    const len = buf.readUInt32BE(pos + 4)
    const start = pos + 8
    const end = Math.min(buf.length, start + len)
    pos = start + len
    if (type !== 'MTrk') {
      parts.push(buf.subarray(start - 8, end))
      continue
    }
    const cut = cutPoint(buf, start, end, endTick)
    // At the cut, silence every channel (a held note would otherwise ring on and keep a
    // renderer going), timed at the cut itself, not at the track's last event.
    const off: number[] = [...vlq(endTick - cut.lastTick)]
    for (let ch = 0; ch < 16; ch++) off.push(...(ch ? [0] : []), 0xb0 | ch, 0x7b, 0, 0, 0xb0 | ch, 0x78, 0)
    const body = Buffer.concat([buf.subarray(start, cut.offset), Buffer.from(off), Buffer.from([0x00, 0xff, 0x2f, 0x00])])
    const head = Buffer.alloc(8)
    head.write('MTrk', 0, 'latin1')
    head.writeUInt32BE(body.length, 4)
    parts.push(head, body)
  }
  return Buffer.concat(parts)
}

/** Byte offset of the first event after `endTick` (or of the end-of-track meta event), and the tick of the event before it. */
function cutPoint(b: Buffer, start: number, end: number, endTick: number): { offset: number; lastTick: number } {
  let p = start
  let tick = 0
  let status = 0
  const vlq = () => {
    let n = 0
    for (let i = 0; i < 4 && p < end; i++) {
      const x = b[p++]
      n = n * 128 + (x & 0x7f)
      if (!(x & 0x80)) break
    }
    return n
  }
  let lastTick = 0
  while (p < end) {
    const eventStart = p
    tick += vlq()
    if (tick > endTick) return { offset: eventStart, lastTick }
    let s = b[p]
    if (s === 0xff) {
      const type = b[p + 1]
      p += 2
      const len = vlq()
      if (type === 0x2f) return { offset: eventStart, lastTick }
      p += len
      lastTick = tick
      continue
    }
    if (s === 0xf0 || s === 0xf7) {
      p++
      p += vlq()
      lastTick = tick
      continue
    }
    if (s & 0x80) {
      status = s
      p++
    } else s = status
    const kind = (s >> 4) - 8
    p += kind === 4 || kind === 5 ? 1 : 2
    lastTick = tick
  }
  return { offset: end, lastTick }
}

function vlq(n: number): number[] {
  const out = [n & 0x7f]
  for (n >>>= 7; n > 0; n >>>= 7) out.unshift((n & 0x7f) | 0x80)
  return out
}
