// A variant's picture is cut from its base render frame-exactly: every output frame is the base
// frame its piece says, whatever the keyframes (each piece is decoded from a seek to it).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { assembleVariant } from '../src/batch/assemble.js'
import { decodeFrames, openRawVideoEncoder, runFfmpeg } from '../src/ffmpeg/index.js'
import type { Piece } from '../src/batch/types.js'

const W = 128
const H = 32
const FPS = 24
const FRAMES = 400
const BITS = 9

/** Frame i carries its index as 9 black/white blocks across the picture. */
function frameOf(i: number): Uint8Array {
  const px = new Uint8Array(W * H * 4)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const bit = (i >> Math.floor((x * BITS) / W)) & 1
      const p = (y * W + x) * 4
      px[p] = px[p + 1] = px[p + 2] = bit ? 235 : 16
      px[p + 3] = 255
    }
  return px
}

function indexOf(gray: Uint8Array): number {
  let i = 0
  for (let b = 0; b < BITS; b++) {
    const x = Math.floor(((b + 0.5) * W) / BITS)
    if (gray[(H >> 1) * W + x] > 128) i |= 1 << b
  }
  return i
}

let dir: string
let base: string
let audio: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-assemble-'))
  base = join(dir, 'base.mp4')
  const enc = openRawVideoEncoder({ path: base, width: W, height: H, fps: FPS })
  for (let i = 0; i < FRAMES; i++) await enc.writeFrame(frameOf(i))
  await enc.finish()
  audio = join(dir, 'audio.wav')
  await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${(150 / FPS).toFixed(6)}`, audio])
}, 60_000)

describe('assembleVariant', () => {
  it('takes every piece from its own frames of the base (pieces far into the song, and from frame 0)', async () => {
    const pieces: Piece[] = [
      { startFrame: 0, endFrame: 30, bars: [1, 1], startSec: 0, endSec: 30 / FPS },
      { startFrame: 211, endFrame: 271, bars: [2, 3], startSec: 211 / FPS, endSec: 271 / FPS },
      { startFrame: 337, endFrame: 397, bars: [4, 5], startSec: 337 / FPS, endSec: 397 / FPS },
    ]
    const out = join(dir, 'variant.mp4')
    await assembleVariant({ base, pieces, overlays: [], audio, fps: FPS, totalFrames: 150, out })
    const seen: number[] = []
    await decodeFrames(out, { width: W, height: H, format: 'gray' }, (f) => seen.push(indexOf(f)))
    const want = pieces.flatMap((p) => Array.from({ length: p.endFrame - p.startFrame }, (_, k) => p.startFrame + k))
    expect(seen).toEqual(want)
  }, 60_000)
})
