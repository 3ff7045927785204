import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { analysisPlotLayout, plotX, sectionColours, waveformFromRms, writeAnalysisPlot } from '../src/report/analysisPlot.js'
import { Analysis } from '../src/schemas/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { longav } from './helpers/cli.js'

interface Pixels {
  width: number
  height: number
  at(x: number, y: number): [number, number, number]
}

async function readPng(path: string): Promise<Pixels> {
  const img = await loadImage(readFileSync(path))
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

const luma = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b

let dir: string
let song: SongFixture

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-plot-'))
  song = await makeSongFixture({ bpm: 120, seconds: 20, dir })
})

describe('longav analyze --plot', () => {
  let out: string
  let analysis: Analysis
  let png: Pixels
  const layout = analysisPlotLayout()

  beforeAll(async () => {
    out = join(dir, 'out')
    const r = longav(['analyze', song.path, '--out', out, '--plot'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual([join(out, 'analysis.json'), join(out, 'analysis.png')])
    expect(r.stderr).toMatch(/tempo 1(19|20|21)\.\d BPM/)
    expect(r.stderr).toMatch(/streams: (dsp|ONNX)/)
    analysis = Analysis.parse(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')))
    png = await readPng(join(out, 'analysis.png'))
  })

  it('writes a PNG of the default size', () => {
    expect([png.width, png.height]).toEqual([1600, 900])
  })

  it('draws a tick at every beat and nothing between beats in the beat lane', () => {
    expect(analysis.beats.length).toBeGreaterThan(20)
    const y = layout.beatTicks.y + layout.beatTicks.h / 2
    const x = (t: number) => Math.round(plotX(layout, analysis.source.durationSec, t))
    const onBeat = analysis.beats.map((b) => luma(png.at(x(b), y)))
    const between = analysis.beats.slice(1).map((b, i) => luma(png.at(x((analysis.beats[i] + b) / 2), y)))
    const bright = onBeat.filter((v) => v > 150).length
    const dark = between.filter((v) => v < 80).length
    expect(bright / onBeat.length, `beat columns: ${onBeat.map(Math.round).join(' ')}`).toBeGreaterThan(0.95)
    expect(dark / between.length, `between beats: ${between.map(Math.round).join(' ')}`).toBeGreaterThan(0.95)
  })

  it('draws downbeats bold and gold', () => {
    expect(analysis.downbeats.length).toBeGreaterThan(4)
    const y = layout.beatTicks.y + layout.beatTicks.h / 2
    for (const d of analysis.downbeats) {
      const px = Math.round(plotX(layout, analysis.source.durationSec, d))
      for (const dx of [-1, 0, 1]) {
        const [r, g, b] = png.at(px + dx, y)
        expect(r > 200 && g > 140 && b < 140, `downbeat ${d} at x ${px + dx}: ${r},${g},${b}`).toBe(true)
      }
    }
  })

  it('gives repeated section labels the same colour and different labels different ones', () => {
    const lane = layout.lanes.sections
    const y = lane.y + lane.h - 2 // the energy bar, full colour for any energy above ~2 %
    const colourOf = new Map<string, string>()
    const wide = analysis.sections.filter((s) => s.energy > 0.1 && plotX(layout, analysis.source.durationSec, s.end) - plotX(layout, analysis.source.durationSec, s.start) > 20)
    expect(wide.length).toBeGreaterThan(1)
    for (const s of wide) {
      const px = plotX(layout, analysis.source.durationSec, (s.start + s.end) / 2)
      const c = png.at(px, y).join(',')
      const seen = colourOf.get(s.label)
      if (seen) expect(c, `section ${s.index} (${s.label})`).toBe(seen)
      colourOf.set(s.label, c)
    }
    expect(new Set(colourOf.values()).size).toBe(colourOf.size)
  })

  it('draws the waveform envelope tall where the song is loud', () => {
    const lane = layout.lanes.waveform
    // The loudest column's envelope reaches near the lane's edge.
    let tallest = 0
    for (let x = layout.x0; x < layout.x1; x += 2) {
      let top = lane.y + lane.h / 2
      for (let y = lane.y; y < lane.y + lane.h / 2; y++) {
        if (luma(png.at(x, y)) > 60) {
          top = y
          break
        }
      }
      tallest = Math.max(tallest, lane.y + lane.h / 2 - top)
    }
    expect(tallest).toBeGreaterThan(lane.h * 0.35)
  })
})

describe('writeAnalysisPlot', () => {
  /** A made-up analysis: a 40 s beatless intro, then a pulse drifting from 100 to 110 BPM. */
  function fakeAnalysis(durationSec: number, fps = 43): Analysis {
    const beats: number[] = []
    for (let t = 40, bpm = 100; t < durationSec - 0.5; t += 60 / bpm, bpm = Math.min(110, bpm + 0.02)) beats.push(t)
    const n = Math.ceil(durationSec * fps)
    const curve = (f: (t: number) => number) => ({ fps, values: Array.from({ length: n }, (_, i) => f(i / fps)) })
    const labels = ['intro', 'A', 'B', "A'", 'B', 'outro']
    const cuts = [0, 40, ...[0.35, 0.5, 0.65, 0.85].map((q) => Math.round(q * durationSec)), durationSec]
    return Analysis.parse({
      version: 1,
      source: { path: '/tmp/fake.wav', sha256: 'x', durationSec, sampleRate: 22050 },
      tempo: { bpm: 105, confidence: 0.8, min: 100, max: 110, varying: true },
      meter: 3,
      beats,
      beatConfidence: beats.map(() => 0.9),
      downbeats: beats.filter((_, i) => i % 3 === 0),
      downbeatConfidence: beats.filter((_, i) => i % 3 === 0).map(() => 0.8),
      tracker: { method: 'dsp', detail: 'test' },
      beatless: [{ start: 0, end: 40 }],
      sections: labels.map((label, index) => ({ index, label, start: cuts[index], end: cuts[index + 1], energy: 0.3 + 0.1 * index, confidence: 0.7 })),
      streams: { method: 'onnx', detail: 'mdx-tiny' },
      features: {
        onset: curve((t) => (t % 0.6 < 0.05 ? 1 : 0.1)),
        rms: curve((t) => 0.5 + 0.4 * Math.sin(t / 7)),
        percussive: curve((t) => (t > 40 && t % 0.6 < 0.05 ? 0.9 : 0)),
        harmonic: curve((t) => 0.5 + 0.3 * Math.cos(t / 11)),
        centroid: curve(() => 0.5),
        hue: curve((t) => (t * 10) % 360),
        vocal: curve((t) => (t > 60 && t < 120 ? 0.8 : 0.05)),
      },
    })
  }

  it('shades a beatless span and draws no beat inside it', async () => {
    const a = fakeAnalysis(180)
    const path = join(dir, 'fake.png')
    await writeAnalysisPlot(a, waveformFromRms(a), path, { width: 1200, height: 700 })
    const png = await readPng(path)
    const L = analysisPlotLayout({ width: 1200, height: 700 })
    expect([png.width, png.height]).toEqual([1200, 700])
    const y = L.beatTicks.y + L.beatTicks.h * 0.85
    // Ticks drawn fainter when dense, so compare against the lane background instead of a fixed level.
    const inside = luma(png.at(plotX(L, 180, 20) + 3, y))
    const plain = luma(png.at(plotX(L, 180, (a.beats[10] + a.beats[11]) / 2), y))
    expect(inside).toBeGreaterThan(plain + 4) // the hatch/shade lifts the background
    let tick = 0
    for (let x = Math.round(plotX(L, 180, 1)); x < plotX(L, 180, 39); x++) tick = Math.max(tick, luma(png.at(x, L.beatTicks.y + L.beatTicks.h / 2)))
    expect(tick).toBeLessThan(150)
  })

  // Speed is measured in bench/, not asserted here: this checks an hour of curves still plots.
  it('plots an hour of analysis', async () => {
    const a = fakeAnalysis(3600)
    await writeAnalysisPlot(a, waveformFromRms(a), join(dir, 'hour.png'))
    const png = await readPng(join(dir, 'hour.png'))
    expect(png.width).toBe(1600)
  })

  it('colours variants of a label as shades of one hue', () => {
    const c = sectionColours(['A', 'B', "A'", 'A2', 'chorus', 'B'])
    const hue = (s: string) => /hsl\((\d+)/.exec(s)?.[1]
    expect(hue(c.get("A'")!)).toBe(hue(c.get('A')!))
    expect(hue(c.get('A2')!)).toBe(hue(c.get('A')!))
    expect(c.get("A'")).not.toBe(c.get('A'))
    expect(hue(c.get('B')!)).not.toBe(hue(c.get('A')!))
  })
})
