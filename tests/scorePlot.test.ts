import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { plotX } from '../src/report/plotKit.js'
import { cutBeatFlags, motionWithoutCuts, quantile, renderScorePlot, scorePlotDuration, scorePlotLayout, writeScorePlot } from '../src/report/scorePlot.js'
import { Analysis, VideoScore } from '../src/schemas/index.js'

type Rgb = [number, number, number]

interface Pixels {
  width: number
  height: number
  at(x: number, y: number): Rgb
}

async function decode(png: Uint8Array): Promise<Pixels> {
  const img = await loadImage(Buffer.from(png))
  const canvas = createCanvas(img.width, img.height)
  const ctx = canvas.getContext('2d')
  ctx.drawImage(img, 0, 0)
  const data = ctx.getImageData(0, 0, img.width, img.height).data
  return {
    width: img.width,
    height: img.height,
    at: (x, y) => {
      const i = (Math.round(y) * img.width + Math.round(x)) * 4
      return [data[i], data[i + 1], data[i + 2]]
    },
  }
}

const isOnBeatCut = ([r, g, b]: Rgb) => g > 180 && r < 130 && b < 190 && b > 90
const isOffBeatCut = ([r, g, b]: Rgb) => r > 220 && g < 120 && b < 130
/** The motion curve's cyan (fill or line): blue well above red. Lane background and shading are near-grey. */
const isMotion = ([r, g, b]: Rgb) => b - r > 40 && g > 60
const greenness = ([r, g]: Rgb) => g - r

/**
 * A made-up song: 120 BPM (a beat every 0.5 s, a bar every 2 s) over 48 s, sections intro [0, 8),
 * verse [8, 24), chorus [24, 40), verse [40, 48).
 */
function fakeAnalysis(durationSec = 48, fps = 43): Analysis {
  const beats: number[] = []
  for (let t = 0; t < durationSec - 1e-9; t += 0.5) beats.push(t)
  const n = Math.ceil(durationSec * fps)
  const curve = (f: (t: number) => number) => ({ fps, values: Array.from({ length: n }, (_, i) => f(i / fps)) })
  const bounds = [0, 8, 24, 40, durationSec].map((q) => (q * durationSec) / 48)
  const labels = ['intro', 'verse', 'chorus', 'verse']
  return Analysis.parse({
    version: 1,
    source: { path: '/tmp/song.wav', sha256: 'x', durationSec, sampleRate: 22050 },
    tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false },
    meter: 4,
    beats,
    beatConfidence: beats.map(() => 1),
    downbeats: beats.filter((_, i) => i % 4 === 0),
    downbeatConfidence: beats.filter((_, i) => i % 4 === 0).map(() => 1),
    tracker: { method: 'dsp', detail: 'test' },
    beatless: [],
    sections: labels.map((label, index) => ({ index, label, start: bounds[index], end: bounds[index + 1], energy: [0.3, 0.7, 1, 0.7][index], confidence: 1 })),
    streams: { method: 'dsp', detail: 'repet-sim' },
    features: {
      onset: curve((t) => (t % 0.5 < 0.03 ? 1 : 0.1)),
      rms: curve(() => 0.5),
      percussive: curve(() => 0.3),
      harmonic: curve(() => 0.5),
      centroid: curve(() => 0.5),
      hue: curve(() => 180),
      vocal: curve(() => 0.2),
    },
  })
}

const FPS = 30

/** The score fields that say nothing about what these tests look at. */
function scoreBase(frames: number, songSec: number) {
  return {
    version: 1,
    video: { path: '/tmp/out/final.mp4', width: 1280, height: 720, fps: FPS, frames, durationSec: frames / FPS, hasAudio: false },
    song: { path: '/tmp/song.wav', durationSec: songSec, bpm: 120 },
    analysisSize: { width: 160, height: 90 },
    duration: { diffSec: frames / FPS - songSec, exact: Math.abs(frames / FPS - songSec) < 1 / FPS },
    audioOffset: null,
    avAlign: { score: 0.4, baseline: 0.2, shiftsSec: [0.145, 0.205], audioPeaks: 90, videoPeaks: 80 },
    beatAlignment: { score: 0.5, baseline: 0.35, shiftsSec: [0.145, 0.205] },
    temporal: { consistency: 0.95, flicker: 0.002, flickerFrames: [] as number[] },
    identity: [],
  }
}

/**
 * 48 s at 30 fps. Cuts on the beat at 8 s, 16 s, 24 s (frames 240, 480, 720) and off it at
 * 20.233 s (frame 607). Motion 2–3 px/frame over [2, 6) s, zero over [30, 36) s, 1 px elsewhere.
 * Shot 1 has AV-Align 1, shot 2 AV-Align 0, shot 3 none; beat alignment and temporal consistency
 * likewise high in shot 1 and low in shot 2.
 */
function fakeScore(): VideoScore {
  const frames = 48 * FPS
  const motion = Array.from({ length: frames }, (_, i) => {
    const t = i / FPS
    if (i === 0) return 0
    if (t >= 2 && t < 6) return 2.5 + 0.5 * Math.sin(i / 3)
    if (t >= 30 && t < 36) return 0
    return 1
  })
  const cuts = [240, 480, 607, 720]
  for (const c of cuts) motion[c] = 12 // the flow across a cut: a spike
  const starts = [0, ...cuts]
  const ends = [...cuts, frames]
  const av = [0.5, 1, 0, null, 0.4]
  const ba = [0.5, 0.95, 0.05, 0.5, 0.5]
  const tc = [0.97, 0.99, 0.62, 0.9, 0.96]
  return VideoScore.parse({
    ...scoreBase(frames, 48),
    cuts: { frames: cuts, onBeatShare: 0.75, onBeatChance: 0.2, sectionsWithCut: 1 },
    frozenRuns: [],
    blackRuns: [],
    motion: { fps: FPS, values: motion },
    shots: starts.map((s, i) => ({
      index: i,
      startFrame: s,
      endFrame: ends[i],
      avAlign: av[i],
      beatAlignment: ba[i],
      motion: 1,
      temporalConsistency: tc[i],
      flicker: 0,
      cutOnBeat: i === 0 ? null : cuts[i - 1] !== 607,
    })),
  })
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'longav-scoreplot-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('score.png', () => {
  const analysis = fakeAnalysis()
  const score = fakeScore()
  const L = scorePlotLayout()
  const x = (t: number) => Math.round(plotX(L, scorePlotDuration(score, analysis), t))
  let png: Pixels

  beforeAll(async () => {
    const path = join(dir, 'score.png')
    await writeScorePlot(score, analysis, path)
    png = await decode(readFileSync(path))
  })

  it('is a PNG of the default size with lanes in order inside it', () => {
    expect([png.width, png.height]).toEqual([1600, 900])
    const order = [L.lanes.sections, L.lanes.beats, L.cutMarks, L.defects, L.lanes.motion, L.shotRows.index, L.shotRows.avAlign, L.shotRows.beatAlignment, L.shotRows.temporal]
    for (let i = 1; i < order.length; i++) expect(order[i].y, `lane ${i}`).toBeGreaterThanOrEqual(order[i - 1].y + order[i - 1].h)
    expect(L.lanes.sections.y).toBeGreaterThanOrEqual(L.titleH)
    expect(L.legend.y + L.legend.h).toBeLessThanOrEqual(900)
    expect(L.shotRows.temporal.h).toBeGreaterThan(10)
  })

  it('marks each cut at its column, in one colour on the beat and another off it', () => {
    const y = L.cutMarks.y + L.cutMarks.h / 2
    for (const [frame, onBeat] of [[240, true], [480, true], [607, false], [720, true]] as const) {
      const c = png.at(x(frame / FPS), y)
      expect(onBeat ? isOnBeatCut(c) : isOffBeatCut(c), `cut at frame ${frame}: ${c}`).toBe(true)
      expect(onBeat ? isOffBeatCut(c) : isOnBeatCut(c)).toBe(false)
    }
    // Between cuts the lane stays empty.
    for (const t of [4, 12, 19, 22, 30, 44]) {
      const c = png.at(x(t), y)
      expect(isOnBeatCut(c) || isOffBeatCut(c), `no cut at ${t} s: ${c}`).toBe(false)
    }
    // The cut line crosses the other lanes too (fainter): the on-beat colour tints the motion lane.
    const yMotion = L.lanes.motion.y + 24
    const [r, g] = png.at(x(16), yMotion)
    const [r0, g0] = png.at(x(16) + 12, yMotion)
    expect(g - r).toBeGreaterThan(g0 - r0 + 30)
  })

  it('draws the motion curve where there is motion and nothing where it is zero', () => {
    const lane = L.lanes.motion
    const curveRows = (t: number) => {
      let n = 0
      for (let y = lane.y + 20; y < lane.y + lane.h - 4; y++) if (isMotion(png.at(x(t), y))) n++
      return n
    }
    // 2–3 px/frame against a 99th percentile of ~3 (cut spikes left out): most of the lane's height.
    for (const t of [3, 4.2, 5.5]) expect(curveRows(t), `motion at ${t} s`).toBeGreaterThan((lane.h - 24) * 0.5)
    for (const t of [31, 33, 35]) expect(curveRows(t), `no motion at ${t} s`).toBe(0)
    // 1 px/frame sits lower than 2.5 px/frame.
    expect(curveRows(44)).toBeLessThan(curveRows(4.2))
    expect(curveRows(44)).toBeGreaterThan(0)
  })

  it('colours per-shot bars by their values, red to green', () => {
    // Shot 1 [8, 16) s scores high, shot 2 [16, 20.23) s low; sampled away from the printed value.
    const at = (row: keyof typeof L.shotRows, t: number) => png.at(x(t), L.shotRows[row].y + L.shotRows[row].h / 2)
    for (const row of ['avAlign', 'beatAlignment', 'temporal'] as const) {
      const good = at(row, 9)
      const bad = at(row, 16.6)
      expect(greenness(good), `${row}: shot 1 ${good}`).toBeGreaterThan(80)
      expect(greenness(bad), `${row}: shot 2 ${bad}`).toBeLessThan(-80)
    }
    // Shot 3 has no AV-Align: neutral grey, neither red nor green.
    const none = at('avAlign', 20.6)
    expect(Math.abs(greenness(none)), `${none}`).toBeLessThan(20)
    expect(Math.max(...none) - Math.min(...none)).toBeLessThan(25)
    // Shot 0 (AV-Align 0.5) sits between.
    const mid = greenness(at('avAlign', 3))
    expect(mid).toBeGreaterThan(greenness(at('avAlign', 16.6)) + 40)
    expect(mid).toBeLessThan(greenness(at('avAlign', 9)) - 40)
  })

  it('changes the section colour at each boundary and repeats it for a repeated label', () => {
    const y = L.lanes.sections.y + L.lanes.sections.h - 3
    const c = (t: number) => png.at(x(t), y).join(',')
    for (const b of [8, 24, 40]) expect(c(b - 0.8), `boundary at ${b} s`).not.toBe(c(b + 0.8))
    expect(c(12)).toBe(c(21)) // within one section
    expect(c(44)).toBe(c(12)) // verse again
    expect(c(30)).not.toBe(c(12))
  })
})

describe('score.png for long videos', () => {
  /** An hour-long song and a 55.6 min video: 100 000 motion values, 1 500 cuts. */
  function hour(): { analysis: Analysis; score: VideoScore } {
    const analysis = fakeAnalysis(3600, 10)
    const frames = 100_000
    const cuts = Array.from({ length: 1500 }, (_, k) => 60 + k * 66 + (k % 5 === 4 ? 7 : 0))
    const motion = Array.from({ length: frames }, (_, i) => (i === 0 ? 0 : 1 + Math.sin(i / 900) + (i % 15 === 0 ? 1 : 0)))
    for (const c of cuts) motion[c] = 20 // 1.5 % of frames: the flow across each cut, a spike
    const starts = [0, ...cuts]
    const score = VideoScore.parse({
      ...scoreBase(frames, 3600),
      cuts: { frames: cuts, onBeatShare: 0.8, onBeatChance: 0.2, sectionsWithCut: 1 },
      frozenRuns: [{ start: 30_000, frames: 900 }],
      blackRuns: [{ start: 50_000, frames: 300 }],
      temporal: { consistency: 0.95, flicker: 0.002, flickerFrames: [70_000, 70_003] },
      motion: { fps: FPS, values: motion },
      shots: starts.map((s, i) => ({
        index: i,
        startFrame: s,
        endFrame: i < cuts.length ? cuts[i] : frames,
        avAlign: (i % 10) / 9,
        beatAlignment: 0.5,
        motion: 1,
        temporalConsistency: 0.9,
        flicker: 0,
        cutOnBeat: i === 0 ? null : i % 5 !== 0,
      })),
    })
    return { analysis, score }
  }

  it('renders an hour within the default size, every lane filled up to the video end', async () => {
    const { analysis, score } = hour()
    const png = await decode(renderScorePlot(score, analysis))
    expect([png.width, png.height]).toEqual([1600, 900])
    const L = scorePlotLayout()
    const dur = scorePlotDuration(score, analysis)
    expect(dur).toBe(3600)
    const end = plotX(L, dur, 100_000 / FPS)
    let cutCols = 0
    let motionCols = 0
    let shotCols = 0
    let topEmpty = 0
    let cols = 0
    const lane = L.lanes.motion
    for (let px = L.x0 + 2; px < end - 2; px++) {
      cols++
      // The lane's top fifth (below the note) holds only the swells of motion, not every column's cut spike.
      let top = true
      for (let y = lane.y + 20; y < lane.y + 20 + lane.h * 0.12; y++) if (isMotion(png.at(px, y))) top = false
      if (top) topEmpty++
      const cut = png.at(px, L.cutMarks.y + L.cutMarks.h / 2)
      if (isOnBeatCut(cut) || isOffBeatCut(cut)) cutCols++
      for (let y = L.lanes.motion.y + 20; y < L.lanes.motion.y + L.lanes.motion.h; y++) {
        if (isMotion(png.at(px, y))) {
          motionCols++
          break
        }
      }
      if (Math.abs(greenness(png.at(px, L.shotRows.beatAlignment.y + L.shotRows.beatAlignment.h / 2))) < 60) shotCols++ // 0.5 → yellow
    }
    // 1 500 cuts over ~1 380 columns: nearly every column holds one.
    expect(cutCols / cols).toBeGreaterThan(0.8)
    expect(motionCols / cols).toBeGreaterThan(0.95)
    expect(shotCols / cols).toBeGreaterThan(0.95)
    expect(topEmpty / cols).toBeGreaterThan(0.4)
    // Past the video's end (song still playing): no motion, no cuts.
    for (const t of [3400, 3500, 3580]) {
      const px = Math.round(plotX(L, dur, t))
      const cut = png.at(px, L.cutMarks.y + L.cutMarks.h / 2)
      expect(isOnBeatCut(cut) || isOffBeatCut(cut)).toBe(false)
      for (let y = L.lanes.motion.y + 20; y < L.lanes.motion.y + L.lanes.motion.h - 4; y++) expect(isMotion(png.at(px, y))).toBe(false)
    }
  })
})

describe('score.png edge cases', () => {
  it('hatches the part of the axis the song does not reach when the video runs longer', async () => {
    const analysis = fakeAnalysis(40)
    const score = VideoScore.parse({ ...fakeScore(), song: { path: '/tmp/song.wav', durationSec: 40, bpm: 120 }, duration: { diffSec: 8, exact: false } })
    const L = scorePlotLayout({ width: 1000, height: 600 })
    const png = await decode(renderScorePlot(score, analysis, { width: 1000, height: 600 }))
    expect([png.width, png.height]).toEqual([1000, 600])
    const y = L.lanes.sections.y + L.lanes.sections.h - 3
    const x = (t: number) => plotX(L, 48, t)
    const chorus = png.at(x(30), y)
    const after = png.at(x(44), y)
    expect(Math.max(...chorus) - Math.min(...chorus)).toBeGreaterThan(80) // a saturated section colour
    expect(Math.max(...after) - Math.min(...after), `${after}`).toBeLessThan(30) // grey, no section
    // Hatched: darker than the plain lane background (26, 28, 36) along most of a row, past the song's end only.
    const darker = (t0: number, t1: number) => {
      let n = 0
      let all = 0
      for (let px = Math.round(x(t0)); px < x(t1); px++, all++) if (png.at(px, L.lanes.beats.y + L.lanes.beats.h / 2).reduce((a, b) => a + b) < 75) n++
      return n / all
    }
    expect(darker(40.5, 47.5)).toBeGreaterThan(0.6)
    expect(darker(32.5, 39.5)).toBeLessThan(0.1)
    // The video lanes go on: the cut-free motion of 1 px/frame is drawn past the song's end.
    let motion = 0
    for (let yy = L.lanes.motion.y + 20; yy < L.lanes.motion.y + L.lanes.motion.h - 4; yy++) if (isMotion(png.at(x(44), yy))) motion++
    expect(motion).toBeGreaterThan(5)
  })

  it('renders a video with no frames, cuts or shots', async () => {
    const score = VideoScore.parse({
      ...scoreBase(0, 48),
      video: { ...scoreBase(0, 48).video, frames: 0, durationSec: 0 },
      cuts: { frames: [], onBeatShare: null, onBeatChance: 0.2, sectionsWithCut: null },
      frozenRuns: [],
      blackRuns: [],
      motion: { fps: FPS, values: [] },
      shots: [],
    })
    const png = await decode(renderScorePlot(score, fakeAnalysis()))
    expect([png.width, png.height]).toEqual([1600, 900])
  })
})

describe('score plot helpers', () => {
  it('takes a cut off the beat from its shot, or from the beat grid when no shot opens there', () => {
    const analysis = fakeAnalysis()
    const score = fakeScore()
    expect(cutBeatFlags(score, analysis)).toEqual([true, true, false, true])
    // Shots from a plan that does not cut where the pictures do: frame 300 (10 s, a beat) and 310 (10.33 s).
    const planned = VideoScore.parse({ ...score, cuts: { ...score.cuts, frames: [300, 310] } })
    expect(cutBeatFlags(planned, analysis)).toEqual([true, false])
  })

  it('leaves cut spikes out of the drawn motion and scales to the 99th percentile', () => {
    expect(Array.from(motionWithoutCuts([0, 1, 9, 2, 3], [2]))).toEqual([0, 1, 2, 2, 3])
    expect(Array.from(motionWithoutCuts([0, 1, 9], [2]))).toEqual([0, 1, 1])
    const v = Array.from({ length: 1000 }, (_, i) => i)
    expect(quantile(v, 0.99)).toBe(989)
    expect(quantile([NaN, 2, 1], 1)).toBe(2)
    expect(quantile([], 0.5)).toBe(0)
  })
})
