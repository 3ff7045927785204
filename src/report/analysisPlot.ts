import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import { basename } from 'node:path'
import type { Analysis } from '../schemas/index.js'
import { writeFileAtomic } from '../util/files.js'
import {
  BG,
  stackLanes,
  clamp01,
  columnValues,
  drawBeats,
  drawBoundaries,
  drawCurveLine,
  drawFilledCurve,
  drawLaneFrame,
  drawLegend,
  drawSections,
  drawTimeGrid,
  finite,
  font,
  formatTime,
  line,
  MUTED,
  ONSET_COLOUR,
  plotX,
  sectionColours,
  smooth,
  TEXT,
} from './plotKit.js'

// Shared with score.png; re-exported so existing importers keep working.
export { BEAT_COLOUR, columnValues, DOWNBEAT_COLOUR, formatTime, PLOT_FONT_FAMILY, plotX, sectionColours } from './plotKit.js'

/**
 * analysis.png: everything `longav analyze` found, as stacked lanes on one shared time axis, so a
 * person can check the beats, bars, sections and curves against the song at a glance.
 */

/** Amplitude per time slice, spread evenly over the whole song (any count; resampled per pixel column). */
export interface WaveformPeaks {
  /** Absolute peaks (0..1), or [min, max] pairs (-1..1) when `minMax` is true. */
  peaks: Float32Array
  minMax?: boolean
}

export interface AnalysisPlotOptions {
  width?: number
  height?: number
}

export type LaneName = 'sections' | 'waveform' | 'onset' | 'beats' | 'curves' | 'vocal'

export interface AnalysisPlotLayout {
  width: number
  height: number
  /** Left and right pixel edges of the shared time axis. */
  x0: number
  x1: number
  titleH: number
  lanes: Record<LaneName, { y: number; h: number }>
  /** The band of the beats lane where beat and downbeat ticks are drawn (bar numbers sit above it). */
  beatTicks: { y: number; h: number }
  ruler: { y: number; h: number }
}

const LANE_ORDER: LaneName[] = ['sections', 'waveform', 'onset', 'beats', 'curves', 'vocal']
const LANE_WEIGHT: Record<LaneName, number> = { sections: 0.9, waveform: 1.7, onset: 1, beats: 0.8, curves: 1.7, vocal: 0.8 }
const LANE_TITLE: Record<LaneName, string> = {
  sections: 'sections',
  waveform: 'loudness',
  onset: 'onsets',
  beats: 'beats / bars',
  curves: 'streams',
  vocal: 'vocal',
}

const RMS_COLOUR = 'rgb(235,235,240)'
const HARMONIC_COLOUR = 'rgb(80,200,220)'
const PERCUSSIVE_COLOUR = 'rgb(230,90,150)'
const VOCAL_COLOUR = 'rgb(120,215,110)'

/** Geometry of the plot, exported so callers and tests know where each lane is without drawing. */
export function analysisPlotLayout(opts: AnalysisPlotOptions = {}): AnalysisPlotLayout {
  const width = Math.max(400, Math.round(opts.width ?? 1600))
  const height = Math.max(300, Math.round(opts.height ?? 900))
  const titleH = Math.round(Math.min(64, Math.max(40, height * 0.065)))
  const rulerH = 26
  const gap = Math.max(4, Math.round(height * 0.008))
  const x0 = Math.round(Math.min(110, width * 0.08))
  const x1 = width - 14
  const laneSpace = height - titleH - rulerH - gap * (LANE_ORDER.length + 1) - 6
  const { lanes, bottom: y } = stackLanes(LANE_ORDER, LANE_WEIGHT, titleH + gap, laneSpace, gap)
  const numbersH = Math.min(14, Math.round(lanes.beats.h * 0.3))
  const beatTicks = { y: lanes.beats.y + numbersH, h: lanes.beats.h - numbersH }
  return { width, height, x0, x1, titleH, lanes, beatTicks, ruler: { y: y - gap + 2, h: rulerH } }
}

/**
 * Waveform peaks from the analysis' own rms curve (≈ 43 values per second): enough for one pixel
 * column per ~23 ms, and it spares a second decode of the song just to draw the plot.
 */
export function waveformFromRms(analysis: Analysis): WaveformPeaks {
  return { peaks: Float32Array.from(analysis.features.rms.values, (v) => (Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0)) }
}

/** Draws the plot and writes it as PNG (atomically) to `outPath`. */
export async function writeAnalysisPlot(analysis: Analysis, waveform: WaveformPeaks, outPath: string, opts: AnalysisPlotOptions = {}): Promise<void> {
  await writeFileAtomic(outPath, renderAnalysisPlot(analysis, waveform, opts))
}

/** The plot as PNG bytes. Pure apart from the canvas. */
export function renderAnalysisPlot(analysis: Analysis, waveform: WaveformPeaks, opts: AnalysisPlotOptions = {}): Uint8Array {
  const L = analysisPlotLayout(opts)
  const dur = analysis.source.durationSec
  const cols = L.x1 - L.x0
  const canvas = createCanvas(L.width, L.height)
  const ctx = canvas.getContext('2d')
  const x = (t: number) => plotX(L, dur, t)
  ctx.fillStyle = BG
  ctx.fillRect(0, 0, L.width, L.height)

  drawTitle(ctx, analysis, L)
  for (const name of LANE_ORDER) drawLaneFrame(ctx, L, L.lanes[name], LANE_TITLE[name])
  const top = L.lanes.sections.y
  const bottom = L.lanes.vocal.y + L.lanes.vocal.h
  drawTimeGrid(ctx, L, dur, top, bottom)
  drawBeatless(ctx, analysis, L, x, top, bottom)
  const colours = sectionColours(analysis.sections.map((s) => s.label))
  drawSections(ctx, analysis.sections, L.lanes.sections, x, colours)
  drawWaveform(ctx, analysis, waveform, L, colours)
  // Peaks faint, the local mean strong: reads the same for a 10 s clip and an hour-long set.
  drawFilledCurve(ctx, L.lanes.onset, L, columnValues(analysis.features.onset, dur, cols, 'max'), ONSET_COLOUR, 0.4)
  drawFilledCurve(ctx, L.lanes.onset, L, columnValues(analysis.features.onset, dur, cols, 'mean'), ONSET_COLOUR, 0.9)
  drawBeats(ctx, analysis, L, L.lanes.beats, L.beatTicks, x)
  drawStreams(ctx, analysis, L)
  drawFilledCurve(ctx, L.lanes.vocal, L, columnValues(analysis.features.vocal, dur, cols, 'mean'), VOCAL_COLOUR, 0.75)
  drawLegend(ctx, L.lanes.vocal, L, [['vocal activity', VOCAL_COLOUR]])
  drawBoundaries(ctx, analysis.sections, x, top, bottom)
  return canvas.encodeSync('png')
}

function drawTitle(ctx: SKRSContext2D, a: Analysis, L: AnalysisPlotLayout): void {
  const t = a.tempo
  const tempo = a.beats.length === 0 ? 'no steady beat' : `${t.bpm.toFixed(1)} BPM${t.varying ? ` (${t.min.toFixed(0)}–${t.max.toFixed(0)}, varying)` : ''}`
  const bars = a.downbeats.length
  const head = [
    basename(a.source.path),
    tempo,
    `${a.meter}/4`,
    formatTime(a.source.durationSec),
    `${a.beats.length} beats, ${bars} bars, ${a.sections.length} sections`,
  ].join('  ·  ')
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = TEXT
  ctx.font = font(Math.round(L.titleH * 0.34), true)
  ctx.fillText(head, 12, L.titleH * 0.36, L.width - 24)
  ctx.fillStyle = MUTED
  ctx.font = font(Math.round(L.titleH * 0.24))
  const mean = (xs: number[]) => (xs.length ? xs.reduce((p, q) => p + q, 0) / xs.length : 0)
  const grid = `beats: ${a.tracker.method} tracker, confidence ${mean(a.beatConfidence).toFixed(2)} (downbeats ${mean(a.downbeatConfidence).toFixed(2)})`
  const sub = `tempo confidence ${t.confidence.toFixed(2)}  ·  ${grid}  ·  streams: ${a.streams.method} (${a.streams.detail})  ·  ${a.source.sampleRate} Hz analysis`
  ctx.fillText(sub, 12, L.titleH * 0.78, L.width - 24)
}

function drawBeatless(ctx: SKRSContext2D, a: Analysis, L: AnalysisPlotLayout, x: (t: number) => number, top: number, bottom: number): void {
  for (const span of a.beatless) {
    const xa = x(span.start)
    const xb = x(span.end)
    if (xb - xa < 1) continue
    ctx.save()
    ctx.beginPath()
    ctx.rect(xa, top, xb - xa, bottom - top)
    ctx.clip()
    ctx.fillStyle = 'rgba(120,120,150,0.16)'
    ctx.fillRect(xa, top, xb - xa, bottom - top)
    // Diagonal hatching so the span reads as "no pulse here" even over filled curves.
    ctx.strokeStyle = 'rgba(160,160,190,0.18)'
    ctx.lineWidth = 1
    for (let k = xa - (bottom - top); k < xb; k += 9) line(ctx, k, bottom, k + (bottom - top), top)
    ctx.restore()
    // Labelled in the bar-number row, above where beat ticks would be.
    ctx.fillStyle = TEXT
    ctx.font = font(Math.max(9, L.beatTicks.y - L.lanes.beats.y - 3))
    ctx.textAlign = 'left'
    ctx.textBaseline = 'top'
    if (xb - xa > 40) ctx.fillText('no steady beat', xa + 4, L.lanes.beats.y + 1, xb - xa - 8)
  }
}

function drawWaveform(ctx: SKRSContext2D, a: Analysis, wf: WaveformPeaks, L: AnalysisPlotLayout, colours: Map<string, string>): void {
  const lane = L.lanes.waveform
  const cols = L.x1 - L.x0
  const pairs = wf.minMax ? Math.floor(wf.peaks.length / 2) : wf.peaks.length
  if (pairs === 0) return
  const mid = lane.y + lane.h / 2
  const half = lane.h / 2 - 3
  const dur = a.source.durationSec
  let si = 0
  for (let c = 0; c < cols; c++) {
    // Every source slice that falls in this column; at least the nearest one.
    const i0 = Math.min(pairs - 1, Math.floor((c / cols) * pairs))
    const i1 = Math.max(i0 + 1, Math.min(pairs, Math.floor(((c + 1) / cols) * pairs)))
    let lo = 0
    let hi = 0
    for (let i = i0; i < i1; i++) {
      if (wf.minMax) {
        lo = Math.min(lo, finite(wf.peaks[2 * i]))
        hi = Math.max(hi, finite(wf.peaks[2 * i + 1]))
      } else {
        const p = Math.abs(finite(wf.peaks[i]))
        hi = Math.max(hi, p)
        lo = Math.min(lo, -p)
      }
    }
    const t = ((c + 0.5) / cols) * dur
    while (si + 1 < a.sections.length && a.sections[si].end <= t) si++
    ctx.fillStyle = colours.get(a.sections[si]?.label ?? '') ?? RMS_COLOUR
    const yTop = mid - clamp01(hi) * half
    const yBot = mid + clamp01(-lo) * half
    ctx.fillRect(L.x0 + c, yTop, 1, Math.max(1, yBot - yTop))
  }
  ctx.fillStyle = 'rgba(255,255,255,0.25)'
  ctx.fillRect(L.x0, Math.round(mid), cols, 1)
}

function drawStreams(ctx: SKRSContext2D, a: Analysis, L: AnalysisPlotLayout): void {
  const lane = L.lanes.curves
  const dur = a.source.durationSec
  const cols = L.x1 - L.x0
  const f = a.features
  // Percussive hits as faint bars behind the two smooth curves.
  const perc = columnValues(f.percussive, dur, cols, 'max')
  ctx.fillStyle = PERCUSSIVE_COLOUR
  const percMean = columnValues(f.percussive, dur, cols, 'mean')
  for (const [vals, alpha] of [[perc, 0.3], [percMean, 0.7]] as const) {
    ctx.globalAlpha = alpha
    for (let c = 0; c < cols; c++) {
      const h = clamp01(vals[c]) * (lane.h - 8)
      if (h >= 0.5) ctx.fillRect(L.x0 + c, lane.y + lane.h - 2 - h, 1, h)
    }
  }
  ctx.globalAlpha = 1
  // Smoothed over ~1 s so the curves show the energy trend rather than every kick.
  const radius = Math.round((0.5 / dur) * cols)
  drawCurveLine(ctx, lane, L, smooth(columnValues(f.harmonic, dur, cols, 'mean'), radius), HARMONIC_COLOUR, 2)
  drawCurveLine(ctx, lane, L, smooth(columnValues(f.rms, dur, cols, 'mean'), radius), RMS_COLOUR, 2)
  drawLegend(ctx, lane, L, [
    ['energy (rms)', RMS_COLOUR],
    ['harmonic', HARMONIC_COLOUR],
    ['percussive', PERCUSSIVE_COLOUR],
  ])
}
