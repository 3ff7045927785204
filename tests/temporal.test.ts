import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames } from '../src/ffmpeg/index.js'
import { FrameStatsAccumulator, FROZEN_DIFF, FROZEN_STRICT_DIFF, type FrameStats } from '../src/metrics/frameStats.js'
import { inferFrameSize, TemporalAccumulator, type TemporalSummary } from '../src/metrics/temporal.js'
import {
  makeTempDir,
  movingBox,
  pan,
  sources,
  withBlack,
  withFlashes,
  withFlicker,
  withFreeze,
  writeShots,
  writeVideo,
  type Encoding,
  type Source,
  type TempDir,
} from './helpers/syntheticVideo.js'

let tmp: TempDir
beforeAll(() => {
  tmp = makeTempDir('longav-temporal-')
})
afterAll(() => tmp.cleanup())

let fileNo = 0
/** Writes `frames` frames of `source` and feeds them, grey at width×height, to a fresh accumulator. */
async function temporalOf(source: Source, frames: number, size = { width: 160, height: 90 }): Promise<TemporalAccumulator> {
  const v = await writeVideo(tmp.file(`t${fileNo++}.mkv`), source, frames)
  const acc = new TemporalAccumulator()
  await decodeFrames(v.path, { ...size, format: 'gray' }, (f) => acc.add(f))
  expect(acc.frames).toBe(frames)
  return acc
}

async function statsOf(path: string, size: { width: number; height: number }, opts?: ConstructorParameters<typeof FrameStatsAccumulator>[0]): Promise<FrameStats> {
  const acc = new FrameStatsAccumulator(opts)
  await decodeFrames(path, { ...size, format: 'gray' }, (f) => acc.add(f))
  return acc.summary()
}

describe('temporal consistency and flicker', () => {
  it('a clip whose luma alternates ±15 % every frame scores far more flicker and less consistency than the same clip smooth', async () => {
    const smooth = (await temporalOf(sources.testPattern(), 60)).summary([])
    const flicker = (await temporalOf(withFlicker(sources.testPattern(), { amplitude: 0.15 }), 60)).summary([])
    // The index is the equivalent relative alternation amplitude: ≈ 0.15 here (clipping of the
    // brightest pixels makes it a little uneven), ≈ 0 for the smooth clip.
    expect(flicker.flicker).toBeGreaterThan(0.1)
    expect(flicker.flicker).toBeLessThan(0.25)
    expect(smooth.flicker).toBeLessThan(0.005)
    expect(flicker.flicker).toBeGreaterThan(20 * smooth.flicker)
    expect(smooth.consistency).toBeGreaterThan(0.95)
    expect(flicker.consistency).toBeLessThan(smooth.consistency - 0.1)
    // Every inner frame is a jump-and-revert; none in the smooth clip.
    expect(flicker.flickerFrames.length).toBeGreaterThanOrEqual(55)
    expect(smooth.flickerFrames).toEqual([])
    expect(smooth.pairs).toBe(59)
  })

  it('flags exactly the frames of single white flashes, and no flicker for a black run (steps, not reverts)', async () => {
    const flashes = (await temporalOf(withFlashes(sources.testPattern(), { every: 15, offset: 7 }), 60)).summary([])
    expect(flashes.flickerFrames).toEqual([7, 22, 37, 52])
    const black = (await temporalOf(withBlack(sources.testPattern(), { at: 20, frames: 10 }), 60)).summary([])
    expect(black.flickerFrames).toEqual([])
    expect(black.flicker).toBeLessThan(0.005)
  })

  it('stays consistent under fast coherent motion, and drops for boiling noise', async () => {
    const panning = (await temporalOf(pan({ pxPerFrame: 40 }), 45)).summary([])
    const box = (await temporalOf(movingBox({ pxPerFrame: 40 }), 45)).summary([])
    const boiling = (await temporalOf(sources.noisyColor('gray', 60), 45)).summary([])
    expect(panning.consistency).toBeGreaterThan(0.9)
    expect(box.consistency).toBeGreaterThan(0.9)
    expect(boiling.consistency).toBeLessThan(0.6)
    for (const s of [panning, box, boiling]) expect(s.flicker).toBeLessThan(0.01)
  })

  it('leaves pairs and triplets across cuts out, and summarises any frame range', async () => {
    const v = await writeShots(tmp.file('two-shots.mkv'), [
      { source: sources.testPattern(), frames: 30 },
      { source: sources.bars(), frames: 30 },
    ])
    const acc = new TemporalAccumulator({ width: 64, height: 36 })
    await decodeFrames(v.path, { width: 64, height: 36, format: 'gray' }, (f) => acc.add(f))
    const sims = acc.similaritySeries()
    expect(sims[30]).toBeLessThan(0.5) // the cut itself
    const withCut: TemporalSummary = acc.summary([30])
    const blind = acc.summary([])
    expect(withCut.pairs).toBe(58)
    expect(blind.pairs).toBe(59)
    expect(withCut.consistency).toBeGreaterThan(blind.consistency)
    expect(withCut.consistency).toBeGreaterThan(0.95)
    // The second shot alone (static bars): every pair identical.
    const second = acc.summary([30], { start: 30, end: 60 })
    expect(second.pairs).toBe(29)
    expect(second.consistency).toBeGreaterThan(0.999)
    expect(second.flicker).toBe(0)
    // A cut in the luma series is a step, never a flicker frame, with or without the cut list.
    expect(blind.flickerFrames).toEqual([])
    expect(acc.lumaSeries().length).toBe(60)
  })

  it('treats a span without pairs as consistent and flicker-free', () => {
    const acc = new TemporalAccumulator()
    acc.add(new Uint8Array(160 * 90).fill(90))
    expect(acc.summary([])).toEqual({ consistency: 1, flicker: 0, flickerFrames: [], pairs: 0 })
  })

  it('infers the frame size of the usual analysis sizes', () => {
    expect(inferFrameSize(160 * 90)).toEqual({ width: 160, height: 90 })
    expect(inferFrameSize(64 * 36)).toEqual({ width: 64, height: 36 })
    expect(inferFrameSize(90 * 160)).toEqual({ width: 160, height: 90 }) // same pixel count: 16:9 wins; pass the size for portrait
    expect(inferFrameSize(160 * 120)).toEqual({ width: 160, height: 120 })
  })
})

describe('frozen and black runs', () => {
  it('finds a frozen run of exactly 12 frames and a black run of exactly 9, with their starts (lossless)', async () => {
    const source = withBlack(withFreeze(sources.testPattern(), { at: 30, frames: 12 }), { at: 60, frames: 9 })
    const v = await writeVideo(tmp.file('runs.mkv'), source, 90)
    for (const size of [
      { width: 64, height: 36 },
      { width: 160, height: 90 },
    ]) {
      const s = await statsOf(v.path, size)
      // The black frames are identical to each other too: a frozen run as well.
      expect(s.frozenRuns).toEqual([
        { start: 30, frames: 12 },
        { start: 60, frames: 9 },
      ])
      expect(s.blackRuns).toEqual([{ start: 60, frames: 9 }])
      expect(s.longestFrozenRun).toBe(12)
      expect(s.longestBlackRun).toBe(9)
      expect(s.frames).toBe(90)
    }
    const filtered = await statsOf(v.path, { width: 64, height: 36 }, { minFrozenRun: 10, minBlackRun: 10 })
    expect(filtered.frozenRuns).toEqual([{ start: 30, frames: 12 }])
    expect(filtered.blackRuns).toEqual([])
  })

  it('finds the same runs through libx264 yuv420p with keyframes inside the frozen run', async () => {
    // gop 8 puts keyframes at frames 32 and 40, inside the run: each re-encodes the still picture
    // with new compression noise (a mean difference above FROZEN_DIFF), which must not split it.
    const encoding: Encoding = { codec: 'h264', crf: 23, gop: 8 }
    for (const [name, base] of [
      ['testsrc2', sources.testPattern()],
      ['slow pan over a texture', pan({ pxPerFrame: 3 })],
    ] as const) {
      const source = withBlack(withFreeze(base, { at: 30, frames: 12 }), { at: 60, frames: 9 })
      const v = await writeVideo(tmp.file(`runs-${name.replace(/\W+/g, '-')}.mp4`), source, 90, { encoding })
      for (const size of [
        { width: 64, height: 36 },
        { width: 160, height: 90 },
      ]) {
        const s = await statsOf(v.path, size)
        // Measured exact at crf 18–23; the tolerance of one frame covers the run's ends, where the
        // encoder may spread the change over a neighbouring frame.
        const frozen = s.frozenRuns.filter((r) => r.start < 50)
        expect(frozen.length, `${name} ${size.width}: ${JSON.stringify(s.frozenRuns)}`).toBe(1)
        expect(Math.abs(frozen[0].start - 30)).toBeLessThanOrEqual(1)
        expect(Math.abs(frozen[0].frames - 12)).toBeLessThanOrEqual(1)
        expect(s.blackRuns).toEqual([{ start: 60, frames: 9 }])
        // Nothing else freezes: the rest of the clip moves.
        expect(s.frozenRuns.filter((r) => r.start >= 50 && r.start !== 60)).toEqual([])
      }
    }
  })

  it('bridges at most two compression blips between exactly still frames and closes runs at the right frame', () => {
    const n = 64 * 36
    let cur = new Uint8Array(n).fill(100)
    const acc = new FrameStatsAccumulator()
    /** Adds the current frame `times` times. */
    const same = (times = 1) => {
      for (let i = 0; i < times; i++) acc.add(cur)
    }
    /** Changes `fraction` of the pixels by one level (a mean difference of fraction/255) and adds the frame. */
    const nudge = (fraction: number) => {
      cur = new Uint8Array(cur)
      for (let i = 0; i < Math.round(n * fraction); i++) cur[i] += 1
      same()
    }
    const level = (v: number) => {
      cur = new Uint8Array(n).fill(v)
      same()
    }
    const blip = () => nudge(1) // 1/255 ≈ 0.004: over FROZEN_DIFF, a keyframe-sized change
    const slow = () => nudge(0.2) // 0.0008: frozen, but not exactly still
    expect(1 / 255).toBeGreaterThan(FROZEN_DIFF)
    expect(0.2 / 255).toBeLessThan(FROZEN_DIFF)
    expect(0.2 / 255).toBeGreaterThan(FROZEN_STRICT_DIFF)
    same(5) // 0–4 still
    blip() // 5
    same(4) // 6–9 still again → one run 0–9
    level(160) // 10: a real change
    level(200) // 11
    same(2) // 12–13 → run 11–13
    blip() // 14
    blip() // 15
    blip() // 16: a third blip ends the run at 13
    same() // 17 → run 16–17 …
    slow() // 18 … extended, but not exactly still
    blip() // 19: after a pair that was not exactly still: not bridged → run 16–18
    same(3) // 20–22 → run 19–22
    blip() // 23
    slow() // 24: not exactly still after the blip → run 19–22 ends; a new run 23–24
    level(10) // 25: black
    same(2) // 26–27 → black and frozen, open at the end
    const s = acc.summary()
    expect(s.frozenRuns).toEqual([
      { start: 0, frames: 10 },
      { start: 11, frames: 3 },
      { start: 16, frames: 3 },
      { start: 19, frames: 4 },
      { start: 23, frames: 2 },
      { start: 25, frames: 3 },
    ])
    expect(s.blackRuns).toEqual([{ start: 25, frames: 3 }])
    expect(s.longestFrozenRun).toBe(10)
    expect(s.longestBlackRun).toBe(3)
    expect(s.frames).toBe(28)
  })
})
