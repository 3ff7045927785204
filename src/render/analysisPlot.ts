import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import { basename } from 'node:path'
import type { Analysis, Curve } from '../schemas/index.js'
import { writeFileAtomic } from '../util/files.js'

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

export const PLOT_FONT_FAMILY = 'DejaVu Sans'
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

const BG = 'rgb(15,16,21)'
const LANE_BG = 'rgb(26,28,36)'
const TEXT = 'rgb(232,234,240)'
const MUTED = 'rgb(150,155,172)'
/** Beat ticks are near-white and downbeats gold: distinct from every curve colour below. */
export const BEAT_COLOUR = 'rgb(215,218,228)'
export const DOWNBEAT_COLOUR = 'rgb(255,200,70)'
const ONSET_COLOUR = 'rgb(240,140,60)'
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
  const totalWeight = LANE_ORDER.reduce((a, n) => a + LANE_WEIGHT[n], 0)
  const lanes = {} as AnalysisPlotLayout['lanes']
  let y = titleH + gap
  for (const name of LANE_ORDER) {
    const h = Math.floor((laneSpace * LANE_WEIGHT[name]) / totalWeight)
    lanes[name] = { y, h }
    y += h + gap
  }
  const numbersH = Math.min(14, Math.round(lanes.beats.h * 0.3))
  const beatTicks = { y: lanes.beats.y + numbersH, h: lanes.beats.h - numbersH }
  return { width, height, x0, x1, titleH, lanes, beatTicks, ruler: { y: y - gap + 2, h: rulerH } }
}

/** Pixel column of time `t` on the shared axis. */
export function plotX(layout: AnalysisPlotLayout, durationSec: number, t: number): number {
  return layout.x0 + (Math.min(Math.max(t, 0), durationSec) / durationSec) * (layout.x1 - layout.x0)
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
  for (const name of LANE_ORDER) {
    const lane = L.lanes[name]
    ctx.fillStyle = LANE_BG
    ctx.fillRect(L.x0, lane.y, cols, lane.h)
    ctx.fillStyle = MUTED
    ctx.font = font(12)
    ctx.textAlign = 'right'
    ctx.textBaseline = 'middle'
    ctx.fillText(LANE_TITLE[name], L.x0 - 8, lane.y + lane.h / 2, L.x0 - 12)
  }
  const top = L.lanes.sections.y
  const bottom = L.lanes.vocal.y + L.lanes.vocal.h
  drawTimeGrid(ctx, L, dur, top, bottom)
  drawBeatless(ctx, analysis, L, x, top, bottom)
  const colours = sectionColours(analysis.sections.map((s) => s.label))
  drawSections(ctx, analysis, L, x, colours)
  drawWaveform(ctx, analysis, waveform, L, colours)
  // Peaks faint, the local mean strong: reads the same for a 10 s clip and an hour-long set.
  drawFilledCurve(ctx, L.lanes.onset, L, columnValues(analysis.features.onset, dur, cols, 'max'), ONSET_COLOUR, 0.4)
  drawFilledCurve(ctx, L.lanes.onset, L, columnValues(analysis.features.onset, dur, cols, 'mean'), ONSET_COLOUR, 0.9)
  drawBeats(ctx, analysis, L, x)
  drawStreams(ctx, analysis, L)
  drawFilledCurve(ctx, L.lanes.vocal, L, columnValues(analysis.features.vocal, dur, cols, 'mean'), VOCAL_COLOUR, 0.75)
  drawLegend(ctx, L.lanes.vocal, L, [['vocal activity', VOCAL_COLOUR]])
  drawBoundaries(ctx, analysis, x, top, bottom)
  return canvas.encodeSync('png')
}

function font(px: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${px}px "${PLOT_FONT_FAMILY}", sans-serif`
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
  const sub = `tempo confidence ${t.confidence.toFixed(2)}  ·  streams: ${a.streams.method} (${a.streams.detail})  ·  ${a.source.sampleRate} Hz analysis`
  ctx.fillText(sub, 12, L.titleH * 0.78, L.width - 24)
}

/** A tick every 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min…: the smallest leaving ≥ 80 px between labels. */
function tickStep(durationSec: number, px: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
  for (const s of steps) if ((s / durationSec) * px >= 80) return s
  return steps[steps.length - 1]
}

function drawTimeGrid(ctx: SKRSContext2D, L: AnalysisPlotLayout, dur: number, top: number, bottom: number): void {
  const step = tickStep(dur, L.x1 - L.x0)
  ctx.font = font(12)
  ctx.textBaseline = 'top'
  for (let t = 0; t <= dur + 1e-9; t += step) {
    const px = Math.round(plotX(L, dur, t)) + 0.5
    ctx.strokeStyle = 'rgba(255,255,255,0.07)'
    ctx.lineWidth = 1
    line(ctx, px, top, px, bottom)
    ctx.strokeStyle = MUTED
    line(ctx, px, L.ruler.y, px, L.ruler.y + 6)
    ctx.fillStyle = MUTED
    ctx.textAlign = t === 0 ? 'left' : px > L.x1 - 30 ? 'right' : 'center'
    ctx.fillText(formatTime(t), px, L.ruler.y + 8)
  }
  ctx.strokeStyle = MUTED
  line(ctx, L.x0, L.ruler.y + 0.5, L.x1, L.ruler.y + 0.5)
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

type Hsl = { h: number; s: number; l: number }
const NAMED_HUES: Record<string, Hsl> = {
  intro: { h: 215, s: 22, l: 52 },
  outro: { h: 215, s: 22, l: 44 },
  verse: { h: 205, s: 65, l: 52 },
  chorus: { h: 18, s: 80, l: 56 },
  bridge: { h: 280, s: 55, l: 60 },
}
const LETTER_HUES = [172, 38, 268, 100, 330, 55, 0, 235, 140, 300]

/** One colour per base label (A, A' and A2 share a hue, lighter per variant), so repeats stand out. */
export function sectionColours(labels: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const bases: string[] = []
  for (const label of labels) {
    if (out.has(label)) continue
    const m = /^(.*?)(['’]*|\d*)$/.exec(label.trim())
    const base = (m?.[1] || label).toLowerCase()
    const variant = m?.[2] ? (/\d/.test(m[2]) ? Math.max(0, Number(m[2]) - 1) : m[2].length) : 0
    let hsl = NAMED_HUES[base]
    if (!hsl) {
      let k = bases.indexOf(base)
      if (k < 0) k = bases.push(base) - 1
      hsl = { h: LETTER_HUES[k % LETTER_HUES.length], s: 62, l: 52 }
    }
    out.set(label, `hsl(${hsl.h},${hsl.s}%,${Math.min(78, hsl.l + 9 * variant)}%)`)
  }
  return out
}

function drawSections(ctx: SKRSContext2D, a: Analysis, L: AnalysisPlotLayout, x: (t: number) => number, colours: Map<string, string>): void {
  const lane = L.lanes.sections
  for (const s of a.sections) {
    const xa = x(s.start)
    const xb = x(s.end)
    const w = Math.max(1, xb - xa)
    const c = colours.get(s.label) ?? MUTED
    ctx.globalAlpha = 0.3
    ctx.fillStyle = c
    ctx.fillRect(xa, lane.y, w, lane.h)
    // The energy bar: the brighter fill rises with the section's energy.
    const eh = Math.round(lane.h * clamp01(s.energy))
    ctx.globalAlpha = 0.85
    ctx.fillRect(xa, lane.y + lane.h - eh, w, eh)
    ctx.globalAlpha = 1
    ctx.strokeStyle = BG
    ctx.lineWidth = 2
    line(ctx, xa, lane.y, xa, lane.y + lane.h)
    if (w < 18) continue
    ctx.textAlign = 'left'
    ctx.textBaseline = 'top'
    ctx.fillStyle = TEXT
    ctx.font = font(Math.min(16, Math.round(lane.h * 0.3)), true)
    ctx.shadowColor = 'rgba(0,0,0,0.9)'
    ctx.shadowBlur = 3
    ctx.fillText(s.label, xa + 5, lane.y + 4, w - 8)
    if (w > 44) {
      ctx.font = font(Math.min(12, Math.round(lane.h * 0.24)))
      ctx.fillText(`${formatTime(s.start)}  e ${s.energy.toFixed(2)}`, xa + 5, lane.y + 6 + Math.min(16, lane.h * 0.3), w - 8)
    }
    ctx.shadowBlur = 0
    ctx.shadowColor = 'transparent'
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

/** A curve reduced (or interpolated) to one value per pixel column over [0, durationSec]. */
export function columnValues(curve: Curve, durationSec: number, cols: number, mode: 'mean' | 'max'): Float32Array {
  const out = new Float32Array(cols)
  const v = curve.values
  if (!v.length) return out
  for (let c = 0; c < cols; c++) {
    const f0 = ((c / cols) * durationSec) * curve.fps
    const f1 = (((c + 1) / cols) * durationSec) * curve.fps
    const i0 = Math.floor(f0)
    const i1 = Math.min(v.length, Math.ceil(f1))
    if (i1 - i0 <= 1) {
      // Fewer frames than columns: interpolate linearly between neighbours.
      const f = Math.min(v.length - 1, Math.max(0, (f0 + f1) / 2 - 0.5))
      const a = Math.floor(f)
      const b = Math.min(v.length - 1, a + 1)
      out[c] = finite(v[a]) + (finite(v[b]) - finite(v[a])) * (f - a)
      continue
    }
    let acc = 0
    let n = 0
    for (let i = Math.max(0, i0); i < i1; i++) {
      const x = finite(v[i])
      if (mode === 'max') acc = Math.max(acc, x)
      else acc += x
      n++
    }
    out[c] = mode === 'max' ? acc : n ? acc / n : 0
  }
  return out
}

function drawFilledCurve(ctx: SKRSContext2D, lane: { y: number; h: number }, L: AnalysisPlotLayout, vals: Float32Array, colour: string, alpha: number): void {
  const base = lane.y + lane.h - 1
  const span = lane.h - 6
  ctx.beginPath()
  ctx.moveTo(L.x0, base)
  for (let c = 0; c < vals.length; c++) ctx.lineTo(L.x0 + c + 0.5, base - clamp01(vals[c]) * span)
  ctx.lineTo(L.x0 + vals.length, base)
  ctx.closePath()
  ctx.globalAlpha = alpha
  ctx.fillStyle = colour
  ctx.fill()
  ctx.globalAlpha = 1
}

function drawCurveLine(ctx: SKRSContext2D, lane: { y: number; h: number }, L: AnalysisPlotLayout, vals: Float32Array, colour: string, width: number): void {
  const base = lane.y + lane.h - 2
  const span = lane.h - 8
  ctx.beginPath()
  for (let c = 0; c < vals.length; c++) {
    const px = L.x0 + c + 0.5
    const py = base - clamp01(vals[c]) * span
    if (c === 0) ctx.moveTo(px, py)
    else ctx.lineTo(px, py)
  }
  ctx.strokeStyle = colour
  ctx.lineWidth = width
  ctx.lineJoin = 'round'
  ctx.stroke()
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

function drawLegend(ctx: SKRSContext2D, lane: { y: number; h: number }, L: AnalysisPlotLayout, items: Array<[string, string]>): void {
  ctx.font = font(11)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  let px = L.x0 + 6
  const py = lane.y + 9
  for (const [name, colour] of items) {
    const w = ctx.measureText(name).width
    ctx.fillStyle = 'rgba(15,16,21,0.7)'
    ctx.fillRect(px - 3, py - 7, w + 22, 14)
    ctx.fillStyle = colour
    ctx.fillRect(px, py - 2, 10, 4)
    ctx.fillStyle = TEXT
    ctx.fillText(name, px + 14, py)
    px += w + 28
  }
}

function drawBeats(ctx: SKRSContext2D, a: Analysis, L: AnalysisPlotLayout, x: (t: number) => number): void {
  const lane = L.lanes.beats
  const numbersH = L.beatTicks.y - lane.y
  const tickTop = L.beatTicks.y
  const tickH = L.beatTicks.h
  const cols = L.x1 - L.x0
  const dur = a.source.durationSec
  // Dense beats (long songs) are drawn fainter so they read as a texture, not a solid block.
  const spacing = a.beats.length > 1 ? (cols * (dur / a.beats.length)) / dur : cols
  ctx.globalAlpha = spacing >= 4 ? 1 : spacing >= 2 ? 0.6 : 0.35
  ctx.fillStyle = BEAT_COLOUR
  for (const b of a.beats) ctx.fillRect(Math.round(x(b)), tickTop + tickH * 0.25, 1, tickH * 0.5)
  ctx.globalAlpha = 1
  // Bar numbers every k bars, k the smallest of 1, 2, 4, 8… leaving ≥ 36 px between labels.
  const barPx = a.downbeats.length > 1 ? ((a.downbeats[a.downbeats.length - 1] - a.downbeats[0]) / (a.downbeats.length - 1) / dur) * cols : cols
  let every = 1
  while (every * barPx < 36 && every < 1 << 12) every *= 2
  ctx.font = font(Math.max(9, numbersH - 3))
  ctx.textAlign = 'left'
  ctx.textBaseline = 'top'
  a.downbeats.forEach((d, k) => {
    const px = Math.round(x(d))
    const numbered = k % every === 0
    // Bars closer than 6 px would merge into a solid block: then only the numbered ones are drawn.
    if (barPx < 6 && !numbered) return
    ctx.fillStyle = DOWNBEAT_COLOUR
    ctx.fillRect(px - 1, tickTop, 3, tickH)
    if (numbered) {
      ctx.fillStyle = DOWNBEAT_COLOUR
      ctx.fillText(String(k + 1), px + 3, lane.y + 1)
    }
  })
}

function drawBoundaries(ctx: SKRSContext2D, a: Analysis, x: (t: number) => number, top: number, bottom: number): void {
  ctx.save()
  ctx.setLineDash([4, 4])
  ctx.strokeStyle = 'rgba(255,255,255,0.35)'
  ctx.lineWidth = 1
  for (const s of a.sections.slice(1)) {
    const px = Math.round(x(s.start)) + 0.5
    line(ctx, px, top, px, bottom)
  }
  ctx.restore()
}

function line(ctx: SKRSContext2D, xa: number, ya: number, xb: number, yb: number): void {
  ctx.beginPath()
  ctx.moveTo(xa, ya)
  ctx.lineTo(xb, yb)
  ctx.stroke()
}

function smooth(v: Float32Array, radius: number): Float32Array {
  if (radius < 1) return v
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) {
    let acc = 0
    let n = 0
    for (let j = Math.max(0, i - radius); j <= Math.min(v.length - 1, i + radius); j++) {
      acc += v[j]
      n++
    }
    out[i] = acc / n
  }
  return out
}

function clamp01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0
}

function finite(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0
}

/** m:ss, or h:mm:ss from an hour on. */
export function formatTime(sec: number): string {
  const s = Math.max(0, Math.round(sec))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
