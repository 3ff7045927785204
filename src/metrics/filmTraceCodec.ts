/**
 * A film trace as bytes: a JSON header (sizes, which frames are kept in full) padded to 8 bytes,
 * then the arrays back to back. Binary because a trace is ≈ 1.2 KB per frame of floats: as JSON
 * it would be several times larger and slow to parse. Exact: every value keeps its type.
 */
import { z } from 'zod'
import { FILM_TRACE_VERSION, type FilmTrace } from './filmTrace.js'
import type { FrameDescriptor } from './shotBoundaries.js'

const Header = z.object({
  version: z.literal(FILM_TRACE_VERSION),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frames: z.number().int().positive(),
  hist: z.number().int().positive(),
  gridW: z.number().int().positive(),
  gridH: z.number().int().positive(),
  lumaW: z.number().int().positive(),
  lumaH: z.number().int().positive(),
  full: z.array(z.object({ frame: z.number().int().nonnegative(), meanValue: z.number() })),
  bestFrame: z.number().int().nonnegative(),
  gradual: z.number().int().nonnegative(),
})

export function encodeFilmTrace(t: FilmTrace): Buffer {
  const any = t.full.values().next().value as FrameDescriptor
  const c0 = t.colours[0]
  const full = [...t.full.entries()].sort((a, b) => a[0] - b[0])
  const header = JSON.stringify({
    version: FILM_TRACE_VERSION,
    width: t.width,
    height: t.height,
    frames: t.frames,
    hist: c0.hist.length,
    gridW: c0.gridW,
    gridH: c0.gridH,
    lumaW: any.width,
    lumaH: any.height,
    full: full.map(([frame, d]) => ({ frame, meanValue: d.meanValue })),
    bestFrame: t.bestFrame,
    gradual: t.gradual.length,
  })
  const parts: ArrayBufferView[] = [t.luma, t.diff, t.gradual, t.motion, t.sim, t.cutScore, t.meanValue]
  for (const c of t.colours) parts.push(c.hist, c.cells, c.cellRgb)
  for (const [, d] of full) parts.push(d.luma)
  parts.push(t.firstGray, t.lastGray)
  const head = Buffer.from(header, 'utf8')
  const pad = (8 - ((4 + head.length) % 8)) % 8
  const size = Buffer.alloc(4)
  size.writeUInt32LE(head.length + pad)
  return Buffer.concat([size, head, Buffer.alloc(pad, 0x20), ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))])
}

export function decodeFilmTrace(buf: Buffer): FilmTrace {
  const headLen = buf.readUInt32LE(0)
  const h = Header.parse(JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')))
  let at = 4 + headLen
  // Copies: the buffer's own offset need not be aligned for a typed array.
  const take = <T>(Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
    const bytes = count * Type.BYTES_PER_ELEMENT
    if (at + bytes > buf.length) throw new Error('film trace: truncated')
    const out = new Type(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + bytes) as ArrayBuffer)
    at += bytes
    return out
  }
  const n = h.frames
  const luma = take(Float64Array, n)
  const diff = take(Float64Array, n)
  const gradual = take(Float64Array, h.gradual)
  const motion = take(Float32Array, n)
  const sim = take(Float32Array, n)
  const cutScore = take(Float32Array, n)
  const meanValue = take(Float32Array, n)
  const cellCount = h.gridW * h.gridH * 3
  const colours = Array.from({ length: n }, () => ({
    hist: take(Float32Array, h.hist),
    cells: take(Float32Array, cellCount),
    cellRgb: take(Float32Array, cellCount),
    gridW: h.gridW,
    gridH: h.gridH,
  }))
  const full = new Map<number, FrameDescriptor>()
  for (const f of h.full) full.set(f.frame, { ...colours[f.frame], luma: take(Float32Array, h.lumaW * h.lumaH), meanValue: f.meanValue, width: h.lumaW, height: h.lumaH })
  const px = h.width * h.height
  const firstGray = take(Uint8Array, px)
  const lastGray = take(Uint8Array, px)
  if (at !== buf.length) throw new Error('film trace: trailing bytes')
  return { width: h.width, height: h.height, frames: n, motion, sim, cutScore, meanValue, luma, diff, colours, full, firstGray, lastGray, bestFrame: h.bestFrame, gradual }
}
