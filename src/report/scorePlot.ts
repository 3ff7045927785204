import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import { basename } from 'node:path'
import { cutsOnBeat, motionPeaks } from '../metrics/sync.js'
import type { Analysis, FrameRun, ShotScore, VideoScore } from '../schemas/index.js'
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
  drawSections,
  drawTimeGrid,
  finite,
  font,
  formatTime,
  type Lane,
  line,
  MUTED,
  ONSET_COLOUR,
  plotX,
  sectionColours,
  TEXT,
  type TimeAxis,
} from './plotKit.js'

/**
 * score.png: what `longav score` measured, on the song's time axis: sections, beats and the onset
 * envelope above; the cuts found in the pictures (on or off the beat), defects, the motion curve
 * and the per-shot scores below. One shared axis, so a cut can be read against the beat it
 * should land on. Every dense series is reduced per pixel column, so 4 minutes and 60 minutes
 * both read at the default size.
 */

export interface ScorePlotOptions {
  width?: number
  height?: number
}

export type ScoreLaneName = 'sections' | 'beats' | 'cuts' | 'motion' | 'shots'

export interface ScorePlotLayout extends TimeAxis {
  width: number
  height: number
  titleH: number
  lanes: Record<ScoreLaneName, Lane>
  /** Band of the beats lane with the ticks (bar numbers sit above it). */
  beatTicks: Lane
  /** Upper band of the cuts lane: one opaque mark per cut, coloured on / off the beat. */
  cutMarks: Lane
  /** Lower band of the cuts lane: frozen and black runs, flicker frames. */
  defects: Lane
  /** The shots lane's rows: shot numbers, then one row per per-shot score. */
  shotRows: Record<'index' | 'avAlign' | 'beatAlignment' | 'temporal', Lane>
  ruler: Lane
  /** The key to colours and marks, below the ruler. */
  legend: Lane
}

export const CUT_ON_BEAT_COLOUR = 'rgb(70,220,140)'
export const CUT_OFF_BEAT_COLOUR = 'rgb(255,80,96)'
export const MOTION_COLOUR = 'rgb(70,195,235)'
const FROZEN_COLOUR = 'rgb(150,165,255)'
const BLACK_COLOUR = 'rgb(0,0,0)'
const FLICKER_COLOUR = 'rgb(225,110,255)'
const PEAK_COLOUR = 'rgb(245,246,250)'
const NULL_COLOUR = 'rgb(62,65,78)'
const GOOD = 'rgb(110,225,150)'
const BAD = 'rgb(255,120,120)'

const LANE_ORDER: ScoreLaneName[] = ['sections', 'beats', 'cuts', 'motion', 'shots']
const LANE_WEIGHT: Record<ScoreLaneName, number> = { sections: 0.75, beats: 0.8, cuts: 0.85, motion: 1.9, shots: 1.3 }

/**
 * Per-shot rows and the value range their red→green scale spans. Temporal consistency starts at
 * 0.6: smooth footage sits at 0.95–1, so a 0..1 scale would paint every shot green.
 */
const SHOT_ROWS = [
  { row: 'avAlign', title: 'AV-Align', lo: 0, value: (s: ShotScore) => s.avAlign },
  { row: 'beatAlignment', title: 'beat align', lo: 0, value: (s: ShotScore) => s.beatAlignment },
  { row: 'temporal', title: 'temporal', lo: 0.6, value: (s: ShotScore) => s.temporalConsistency },
] as const

/** Geometry of the plot, exported so callers and tests know where each lane is without drawing. */
export function scorePlotLayout(opts: ScorePlotOptions = {}): ScorePlotLayout {
  const width = Math.max(400, Math.round(opts.width ?? 1600))
  const height = Math.max(300, Math.round(opts.height ?? 900))
  const titleH = Math.round(Math.min(88, Math.max(54, height * 0.095)))
  const rulerH = 24
  const legendH = 20
  const gap = Math.max(4, Math.round(height * 0.008))
  const x0 = Math.round(Math.min(110, width * 0.08))
  const x1 = width - 14
  const laneSpace = height - titleH - rulerH - legendH - gap * (LANE_ORDER.length + 1) - 4
  const { lanes, bottom: y } = stackLanes(LANE_ORDER, LANE_WEIGHT, titleH + gap, laneSpace, gap)
  const numbersH = Math.min(14, Math.round(lanes.beats.h * 0.3))
  const beatTicks = { y: lanes.beats.y + numbersH, h: lanes.beats.h - numbersH }
  const cuts = lanes.cuts
  const marksH = Math.round(cuts.h * 0.6)
  const cutMarks = { y: cuts.y, h: marksH }
  const defects = { y: cuts.y + marksH + 2, h: cuts.h - marksH - 2 }
  const shots = lanes.shots
  const indexH = Math.min(16, Math.max(10, Math.round(shots.h * 0.14)))
  const rowH = Math.floor((shots.h - indexH - 6) / 3)
  const row = (k: number) => ({ y: shots.y + indexH + 2 + k * (rowH + 2), h: rowH })
  const shotRows = { index: { y: shots.y, h: indexH }, avAlign: row(0), beatAlignment: row(1), temporal: row(2) }
  const ruler = { y: y - gap + 2, h: rulerH }
  return { width, height, x0, x1, titleH, lanes, beatTicks, cutMarks, defects, shotRows, ruler, legend: { y: ruler.y + rulerH, h: legendH } }
}

/** Draws the plot and writes it as PNG (atomically) to `outPath`. */
export async function writeScorePlot(score: VideoScore, analysis: Analysis, outPath: string, opts: ScorePlotOptions = {}): Promise<void> {
  await writeFileAtomic(outPath, renderScorePlot(score, analysis, opts))
}

/**
 * The time axis of the plot: the longer of the song and the video, so a length mismatch shows as
 * a hatched tail on the shorter side.
 */
export function scorePlotDuration(score: VideoScore, analysis: Analysis): number {
  return Math.max(analysis.source.durationSec, score.video.durationSec, 1e-3)
}

/** The plot as PNG bytes. Pure apart from the canvas. */
export function renderScorePlot(score: VideoScore, analysis: Analysis, opts: ScorePlotOptions = {}): Uint8Array {
  const L = scorePlotLayout(opts)
  const dur = scorePlotDuration(score, analysis)
  const canvas = createCanvas(L.width, L.height)
  const ctx = canvas.getContext('2d')
  const x = (t: number) => plotX(L, dur, t)
  ctx.fillStyle = BG
  ctx.fillRect(0, 0, L.width, L.height)

  drawTitle(ctx, score, analysis, L)
  drawLaneFrame(ctx, L, L.lanes.sections, 'sections')
  drawLaneFrame(ctx, L, L.lanes.beats, 'beats / bars')
  drawLaneFrame(ctx, L, L.cutMarks, 'cuts')
  drawLaneFrame(ctx, L, L.defects, 'defects', 11)
  drawLaneFrame(ctx, L, L.lanes.motion, 'motion')
  drawLaneFrame(ctx, L, L.shotRows.index, 'shot', 11)
  for (const r of SHOT_ROWS) drawLaneFrame(ctx, L, L.shotRows[r.row], r.title, 11)

  const top = L.lanes.sections.y
  const bottom = L.lanes.shots.y + L.lanes.shots.h
  drawTimeGrid(ctx, L, dur, top, bottom)
  drawMissing(ctx, x, analysis.source.durationSec, dur, [L.lanes.sections, L.lanes.beats], 'song ended')
  drawMissing(ctx, x, score.video.durationSec, dur, [L.lanes.cuts, L.lanes.motion, L.lanes.shots], 'video ended')

  drawSections(ctx, analysis.sections, L.lanes.sections, x, sectionColours(analysis.sections.map((s) => s.label)))
  // The onset envelope faint behind the ticks: the audio events a cut or a motion peak can answer.
  const cols = L.x1 - L.x0
  drawFilledCurve(ctx, L.beatTicks, L, columnValues(analysis.features.onset, dur, cols, 'max'), ONSET_COLOUR, 0.22)
  drawFilledCurve(ctx, L.beatTicks, L, columnValues(analysis.features.onset, dur, cols, 'mean'), ONSET_COLOUR, 0.4)
  drawBeats(ctx, analysis, L, L.lanes.beats, L.beatTicks, x, { dropDenseBeats: true })

  const fps = score.video.fps
  drawDefects(ctx, score, L, x, fps)
  drawMotion(ctx, score, L, dur)
  drawShots(ctx, score, L, x, fps)
  drawCuts(ctx, score, analysis, L, x, top, bottom)
  // Section boundaries down to the cuts lane (did a cut land there?), while they stay well apart.
  if (analysis.sections.length * 8 <= cols) drawBoundaries(ctx, analysis.sections, x, top, L.lanes.cuts.y + L.lanes.cuts.h)
  drawLegendRow(ctx, L)
  return canvas.encodeSync('png')
}

// ── title ────────────────────────────────────────────────────────────────────

type Segment = { text: string; colour?: string; bold?: boolean }

function drawTitle(ctx: SKRSContext2D, s: VideoScore, a: Analysis, L: ScorePlotLayout): void {
  const v = s.video
  const fpsText = Number.isInteger(v.fps) ? String(v.fps) : v.fps.toFixed(2)
  const head = [
    basename(v.path),
    `${formatTime(v.durationSec)} (${v.frames} frames)`,
    `${fpsText} fps`,
    `${v.width}×${v.height}`,
    `${s.shots.length} shots, ${s.cuts.frames.length} cuts found`,
    `song ${basename(s.song.path)}, ${a.tempo.bpm.toFixed(1)} BPM`,
  ].join('  ·  ')
  const big = Math.round(L.titleH * 0.22)
  const small = Math.round(L.titleH * 0.16)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = TEXT
  ctx.font = font(big, true)
  ctx.fillText(head, 12, L.titleH * 0.22, L.width - 24)

  const pct = (x: number) => `${Math.round(x * 100)}%`
  const vsChance = (label: string, score: number | null, chance: number, fmt: (x: number) => string): Segment[] =>
    score === null
      ? [{ text: `${label} ` }, { text: 'none', colour: MUTED }]
      : [{ text: `${label} ` }, { text: fmt(score), colour: score > chance ? GOOD : BAD, bold: true }, { text: ` vs ${fmt(chance)} chance`, colour: MUTED }]
  const sep: Segment = { text: '   ·   ', colour: MUTED }
  const sync: Segment[] = [
    ...vsChance('AV-Align', s.avAlign.score, s.avAlign.baseline, (x) => x.toFixed(2)),
    sep,
    ...vsChance('beat alignment', s.beatAlignment.score, s.beatAlignment.baseline, (x) => x.toFixed(2)),
    sep,
    ...vsChance('cuts on a beat', s.cuts.onBeatShare, s.cuts.onBeatChance, pct),
    sep,
    { text: 'sections with a cut ' },
    { text: s.cuts.sectionsWithCut === null ? 'n/a' : pct(s.cuts.sectionsWithCut), bold: true },
  ]
  drawSegments(ctx, sync, 12, L.titleH * 0.55, L.width - 24, small)

  const runs = (r: FrameRun[]) => {
    const frames = r.reduce((acc, x) => acc + x.frames, 0)
    return r.length ? `${r.length} run${r.length > 1 ? 's' : ''}, ${(frames / s.video.fps).toFixed(1)} s` : 'none'
  }
  const diff = s.duration.diffSec
  const offset = s.audioOffset
  const ids = s.identity
  const quality: Segment[] = [
    { text: 'temporal consistency ' },
    { text: s.temporal.consistency.toFixed(3), bold: true },
    sep,
    { text: `flicker ${s.temporal.flicker.toFixed(3)} (${s.temporal.flickerFrames.length} frames)` },
    sep,
    { text: 'frozen ' },
    { text: runs(s.frozenRuns), colour: s.frozenRuns.length ? BAD : undefined },
    sep,
    { text: 'black ' },
    { text: runs(s.blackRuns), colour: s.blackRuns.length ? BAD : undefined },
    sep,
    { text: 'duration ' },
    { text: `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(3)} s`, colour: s.duration.exact ? GOOD : BAD, bold: true },
    { text: s.duration.exact ? ' (exact)' : ' vs song', colour: MUTED },
    sep,
    { text: 'audio offset ' },
    offset
      ? { text: `${signedMs(offset.seconds)} ms (conf. ${offset.confidence.toFixed(2)})`, bold: true }
      : { text: v.hasAudio ? 'unknown' : 'no audio track', colour: MUTED },
    ...(ids.length
      ? [sep, { text: 'identity ' }, { text: (ids.reduce((acc, e) => acc + e.consistency, 0) / ids.length).toFixed(2), bold: true }, { text: ` over ${ids.length}`, colour: MUTED }]
      : []),
  ]
  drawSegments(ctx, quality, 12, L.titleH * 0.82, L.width - 24, small)
}

/** Text pieces side by side, each in its colour; the font shrinks (to 9 px) when the line would not fit. */
function drawSegments(ctx: SKRSContext2D, segs: Segment[], x: number, y: number, maxW: number, size: number): void {
  const measure = (px: number) =>
    segs.reduce((acc, s) => {
      ctx.font = font(px, s.bold)
      return acc + ctx.measureText(s.text).width
    }, 0)
  let px = size
  while (px > 9 && measure(px) > maxW) px--
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  let cx = x
  for (const s of segs) {
    ctx.font = font(px, s.bold)
    ctx.fillStyle = s.colour ?? TEXT
    ctx.fillText(s.text, cx, y)
    cx += ctx.measureText(s.text).width
    if (cx > x + maxW) break
  }
}

// ── lanes ────────────────────────────────────────────────────────────────────

/** Hatches [endSec, dur] in `lanes`: the part of the axis that one of song or video does not reach. */
function drawMissing(ctx: SKRSContext2D, x: (t: number) => number, endSec: number, dur: number, lanes: Lane[], label: string): void {
  const xa = x(endSec)
  const xb = x(dur)
  if (xb - xa < 1) return
  for (const lane of lanes) {
    ctx.save()
    ctx.beginPath()
    ctx.rect(xa, lane.y, xb - xa, lane.h)
    ctx.clip()
    ctx.fillStyle = 'rgba(0,0,0,0.35)'
    ctx.fillRect(xa, lane.y, xb - xa, lane.h)
    ctx.strokeStyle = 'rgba(160,160,190,0.22)'
    ctx.lineWidth = 1
    for (let k = xa - lane.h; k < xb; k += 7) line(ctx, k, lane.y + lane.h, k + lane.h, lane.y)
    ctx.restore()
  }
  if (xb - xa > 70) {
    ctx.fillStyle = MUTED
    ctx.font = font(11)
    ctx.textAlign = 'left'
    ctx.textBaseline = 'top'
    ctx.fillText(label, xa + 4, lanes[0].y + 3, xb - xa - 8)
  }
}

/**
 * Whether each detected cut lands on a beat: the shot it opens says so (`cutOnBeat`); a cut that
 * opens no shot (shots taken from a plan) is checked the way the score checks it, ±1 frame of a
 * beat or downbeat.
 */
export function cutBeatFlags(s: VideoScore, a: Analysis): boolean[] {
  const byStart = new Map(s.shots.map((sh) => [sh.startFrame, sh.cutOnBeat]))
  const grid = [...a.beats, ...a.downbeats]
  return s.cuts.frames.map((f) => byStart.get(f) ?? cutsOnBeat([f], grid, s.video.fps, a.tempo.bpm).onBeat[0])
}

/**
 * Cuts: an opaque mark per pixel column in the cuts lane (split by share when a column holds cuts
 * both on and off the beat) and, while they stay apart, a line across the whole plot.
 */
function drawCuts(ctx: SKRSContext2D, s: VideoScore, a: Analysis, L: ScorePlotLayout, x: (t: number) => number, top: number, bottom: number): void {
  const cols = L.x1 - L.x0
  const on = new Uint32Array(cols)
  const off = new Uint32Array(cols)
  const flags = cutBeatFlags(s, a)
  s.cuts.frames.forEach((f, i) => {
    const c = Math.min(cols - 1, Math.max(0, Math.round(x(f / s.video.fps)) - L.x0))
    if (flags[i]) on[c]++
    else off[c]++
  })
  const spacing = cols / Math.max(1, s.cuts.frames.length)
  // Lines across every lane only while cuts are a few pixels apart; denser, they would hide the data.
  const across = spacing >= 6 ? 0.55 : spacing >= 2.5 ? 0.22 : 0
  const wide = spacing >= 10 ? 1 : 0
  const m = L.cutMarks
  for (let c = 0; c < cols; c++) {
    const n = on[c] + off[c]
    if (!n) continue
    const px = L.x0 + c
    const hOn = Math.round((m.h * on[c]) / n)
    if (across > 0) {
      ctx.globalAlpha = across
      ctx.fillStyle = on[c] >= off[c] ? CUT_ON_BEAT_COLOUR : CUT_OFF_BEAT_COLOUR
      ctx.fillRect(px, top, 1, m.y - top)
      ctx.fillRect(px, m.y + m.h, 1, bottom - m.y - m.h)
      ctx.globalAlpha = 1
    }
    ctx.fillStyle = CUT_ON_BEAT_COLOUR
    if (hOn) ctx.fillRect(px - wide, m.y, 1 + 2 * wide, hOn)
    ctx.fillStyle = CUT_OFF_BEAT_COLOUR
    if (n - on[c]) ctx.fillRect(px - wide, m.y + hOn, 1 + 2 * wide, m.h - hOn)
  }
}

/** Frozen and black runs as blocks, flicker frames as ticks, in the defects band; runs faintly shaded below it too. */
function drawDefects(ctx: SKRSContext2D, s: VideoScore, L: ScorePlotLayout, x: (t: number) => number, fps: number): void {
  const d = L.defects
  const below = { y: L.lanes.motion.y, h: L.lanes.shots.y + L.lanes.shots.h - L.lanes.motion.y }
  const runs: Array<[FrameRun[], string, string]> = [
    [s.frozenRuns, FROZEN_COLOUR, 'frozen'],
    [s.blackRuns, BLACK_COLOUR, 'black'],
  ]
  for (const [list, colour, label] of runs) {
    for (const r of list) {
      const xa = x(r.start / fps)
      const w = Math.max(1, x((r.start + r.frames) / fps) - xa)
      ctx.fillStyle = colour
      ctx.globalAlpha = colour === BLACK_COLOUR ? 0.3 : 0.1
      ctx.fillRect(xa, below.y, w, below.h)
      ctx.globalAlpha = 1
      ctx.fillRect(xa, d.y + 2, w, d.h - 4)
      if (colour === BLACK_COLOUR) {
        // Black on a near-black lane needs an outline to be seen.
        ctx.strokeStyle = 'rgb(150,150,160)'
        ctx.lineWidth = 1
        ctx.strokeRect(xa + 0.5, d.y + 2.5, Math.max(0, w - 1), d.h - 5)
      }
      if (w > 44) {
        ctx.fillStyle = colour === BLACK_COLOUR ? TEXT : 'rgb(20,22,40)'
        ctx.font = font(Math.min(11, d.h - 6))
        ctx.textAlign = 'left'
        ctx.textBaseline = 'middle'
        ctx.fillText(label, xa + 4, d.y + d.h / 2, w - 8)
      }
    }
  }
  // Flicker frames: one tick per column holding any (they come in bursts).
  const cols = L.x1 - L.x0
  const hit = new Uint8Array(cols)
  for (const f of s.temporal.flickerFrames) hit[Math.min(cols - 1, Math.max(0, Math.round(x(f / fps)) - L.x0))] = 1
  ctx.fillStyle = FLICKER_COLOUR
  for (let c = 0; c < cols; c++) if (hit[c]) ctx.fillRect(L.x0 + c, d.y, 1, Math.round(d.h * 0.5))
}

/** The q-quantile (0..1) of the finite values (nearest rank); 0 when there are none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const kept: number[] = []
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) kept.push(values[i])
  if (!kept.length) return 0
  const sorted = Float64Array.from(kept).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1) + 0.5)))]
}

/**
 * The motion curve as drawn: the flow at each cut frame (the flow across the cut: a spike of
 * picture change, not motion) replaced by the next frame's, as the per-shot scores treat it.
 * Otherwise, with a cut every few seconds, every pixel column of an hour-long plot would hold a
 * spike and the curve would read as a flat wall.
 */
export function motionWithoutCuts(values: readonly number[], cutFrames: readonly number[]): Float64Array {
  const out = Float64Array.from(values, finite)
  for (const c of cutFrames) if (c > 0 && c < out.length) out[c] = c + 1 < out.length ? finite(values[c + 1]) : out[c - 1]
  return out
}

/**
 * The motion curve (cut frames left out, see motionWithoutCuts) scaled to its 99th percentile at
 * the top of the lane (higher values clip there): per-column maxima faint, per-column means as a
 * line. The AV-Align video peaks (strict local maxima ≥ 0.1 px of the score's own curve, cut
 * spikes included, as the metric counts them) are dots while they stay apart, else a strip along
 * the lane's floor whose brightness is the number of peaks per column.
 */
function drawMotion(ctx: SKRSContext2D, s: VideoScore, L: ScorePlotLayout, dur: number): void {
  // The top row holds the note on scale and peaks, so it never covers the curve.
  const lane = { y: L.lanes.motion.y + 18, h: L.lanes.motion.h - 18 }
  const cols = L.x1 - L.x0
  const { fps, values } = s.motion
  if (!values.length) return
  const clean = motionWithoutCuts(values, s.cuts.frames)
  let top = quantile(clean, 0.99)
  if (!(top > 0)) top = clean.reduce((m, v) => Math.max(m, v), 0)
  if (!(top > 0)) top = 1
  const scaled = { fps, values: Array.from(clean, (v) => v / top) }
  // Nothing past the video's last frame: columnValues would carry its last value onward.
  const endCol = Math.min(cols, Math.ceil((values.length / fps / dur) * cols))
  const max = columnValues(scaled, dur, cols, 'max').subarray(0, endCol)
  const mean = columnValues(scaled, dur, cols, 'mean').subarray(0, endCol)
  drawFilledCurve(ctx, lane, L, max, MOTION_COLOUR, 0.3)
  drawFilledCurve(ctx, lane, L, mean, MOTION_COLOUR, 0.35)
  drawCurveLine(ctx, lane, L, mean, MOTION_COLOUR, 1.5)

  const peaks = motionPeaks(values)
  const dots = cols / Math.max(1, peaks.length) >= 2
  const best = new Float32Array(cols).fill(-1)
  const count = new Uint32Array(cols)
  for (const i of peaks) {
    const c = Math.min(cols - 1, Math.floor((i / fps / dur) * cols))
    best[c] = Math.max(best[c], clamp01(finite(values[i]) / top))
    count[c]++
  }
  ctx.fillStyle = PEAK_COLOUR
  if (dots) {
    const r = cols / Math.max(1, peaks.length) >= 5 ? 2.2 : 1.4
    ctx.globalAlpha = 0.9
    for (let c = 0; c < cols; c++) {
      if (best[c] < 0) continue
      ctx.beginPath()
      ctx.arc(L.x0 + c + 0.5, lane.y + lane.h - 2 - best[c] * (lane.h - 8), r, 0, 2 * Math.PI)
      ctx.fill()
    }
  } else {
    const most = count.reduce((m, v) => Math.max(m, v), 1)
    for (let c = 0; c < cols; c++) {
      if (!count[c]) continue
      ctx.globalAlpha = 0.25 + 0.75 * (count[c] / most)
      ctx.fillRect(L.x0 + c, lane.y + lane.h - 5, 1, 4)
    }
  }
  ctx.globalAlpha = 1
  const note = `optical flow, px/frame · top = 99th percentile, ${top.toFixed(2)} px · ${dots ? '●' : '▁'} ${peaks.length} peaks${dots ? '' : ' (rate per column)'}`
  ctx.font = font(11)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = TEXT
  ctx.fillText(note, L.x0 + 7, L.lanes.motion.y + 10, cols - 14)
}

/** Red (lo) → yellow → green (1). */
export function scoreColour(v: number, lo = 0): string {
  const k = clamp01((v - lo) / (1 - lo))
  return `hsl(${Math.round(120 * k)},62%,${Math.round(44 + 4 * Math.sin(Math.PI * k))}%)`
}

/**
 * Per-shot rows: each shot's span coloured by its value. Shots wider than a few pixels are drawn
 * as blocks with their numbers; narrower ones (long videos) as per-column means weighted by overlap.
 */
function drawShots(ctx: SKRSContext2D, s: VideoScore, L: ScorePlotLayout, x: (t: number) => number, fps: number): void {
  const cols = L.x1 - L.x0
  const shots = s.shots
  if (!shots.length) return
  const span = (sh: ShotScore) => [x(sh.startFrame / fps), x(sh.endFrame / fps)] as const
  const totalPx = shots.reduce((acc, sh) => acc + Math.max(0, span(sh)[1] - span(sh)[0]), 0)
  const blocks = totalPx / shots.length >= 3
  for (const r of SHOT_ROWS) {
    const lane = L.shotRows[r.row]
    if (blocks) {
      for (const sh of shots) {
        const [xa, xb] = span(sh)
        const v = r.value(sh)
        ctx.fillStyle = v === null ? NULL_COLOUR : scoreColour(v, r.lo)
        ctx.fillRect(xa, lane.y, xb - xa, lane.h)
        if (xb - xa >= 34 && lane.h >= 12) {
          ctx.fillStyle = v === null ? MUTED : 'rgba(12,12,16,0.85)'
          ctx.font = font(Math.min(11, lane.h - 4))
          ctx.textAlign = 'center'
          ctx.textBaseline = 'middle'
          ctx.fillText(v === null ? '–' : v.toFixed(2), (xa + xb) / 2, lane.y + lane.h / 2, xb - xa - 4)
        }
      }
      // A dark seam between shots so equal neighbours still read as two shots.
      ctx.fillStyle = BG
      for (const sh of shots.slice(1)) ctx.fillRect(Math.round(span(sh)[0]), lane.y, 1, lane.h)
      continue
    }
    const acc = new Float64Array(cols)
    const wt = new Float64Array(cols)
    const any = new Uint8Array(cols)
    for (const sh of shots) {
      const [xa, xb] = span(sh)
      const v = r.value(sh)
      for (let c = Math.max(0, Math.floor(xa - L.x0)); c < Math.min(cols, Math.ceil(xb - L.x0)); c++) {
        const o = Math.min(xb, L.x0 + c + 1) - Math.max(xa, L.x0 + c)
        if (o <= 0) continue
        any[c] = 1
        if (v === null) continue
        acc[c] += o * v
        wt[c] += o
      }
    }
    for (let c = 0; c < cols; c++) {
      if (!any[c]) continue
      ctx.fillStyle = wt[c] > 0 ? scoreColour(acc[c] / wt[c], r.lo) : NULL_COLOUR
      ctx.fillRect(L.x0 + c, lane.y, 1, lane.h)
    }
  }
  drawShotNumbers(ctx, shots, L.shotRows.index, span, blocks)
}

/** Shot numbers: centred in each block when it fits; for narrow shots, at the start of as many as fit apart. */
function drawShotNumbers(ctx: SKRSContext2D, shots: ShotScore[], row: Lane, span: (sh: ShotScore) => readonly [number, number], blocks: boolean): void {
  ctx.font = font(Math.min(11, row.h - 2))
  ctx.textBaseline = 'middle'
  let free = -Infinity
  shots.forEach((sh, k) => {
    const [xa, xb] = span(sh)
    if (blocks) {
      ctx.fillStyle = k % 2 ? 'rgb(40,43,54)' : 'rgb(50,54,68)'
      ctx.fillRect(xa, row.y, xb - xa, row.h)
    }
    const label = String(sh.index)
    const w = ctx.measureText(label).width
    ctx.fillStyle = TEXT
    if (blocks && w + 4 <= xb - xa) {
      ctx.textAlign = 'center'
      ctx.fillText(label, (xa + xb) / 2, row.y + row.h / 2)
    } else if (!blocks && xa >= free) {
      ctx.fillStyle = MUTED
      ctx.fillRect(Math.round(xa), row.y, 1, row.h)
      ctx.fillStyle = TEXT
      ctx.textAlign = 'left'
      ctx.fillText(label, xa + 3, row.y + row.h / 2)
      free = xa + w + 14
    }
  })
}

/** The key to every mark and colour, in one row under the ruler. */
function drawLegendRow(ctx: SKRSContext2D, L: ScorePlotLayout): void {
  const y = L.legend.y + L.legend.h / 2
  ctx.font = font(11)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  let px = L.x0
  const label = (text: string) => {
    ctx.fillStyle = MUTED
    ctx.fillText(text, px, y)
    px += ctx.measureText(text).width + 16
  }
  const swatch = (colour: string, w: number, h: number, outline = false) => {
    ctx.fillStyle = colour
    ctx.fillRect(px, y - h / 2, w, h)
    if (outline) {
      ctx.strokeStyle = 'rgb(150,150,160)'
      ctx.lineWidth = 1
      ctx.strokeRect(px + 0.5, y - h / 2 + 0.5, w - 1, h - 1)
    }
    px += w + 5
  }
  swatch(CUT_ON_BEAT_COLOUR, 3, 12)
  label('cut on a beat')
  swatch(CUT_OFF_BEAT_COLOUR, 3, 12)
  label('cut off the beat')
  swatch(FROZEN_COLOUR, 14, 9)
  label('frozen')
  swatch(BLACK_COLOUR, 14, 9, true)
  label('black')
  swatch(FLICKER_COLOUR, 2, 9)
  label('flicker frame')
  // The shot-score scale as a gradient strip.
  const gw = 90
  for (let i = 0; i < gw; i++) {
    ctx.fillStyle = scoreColour(i / (gw - 1))
    ctx.fillRect(px + i, y - 5, 1, 10)
  }
  px += gw + 5
  label('shot score 0 → 1 (temporal: 0.6 → 1)')
  swatch(NULL_COLOUR, 14, 9)
  label('n/a')
}

/** Milliseconds with a sign, and no "−0" for a rounding of zero. */
function signedMs(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  return ms === 0 ? '0' : `${ms > 0 ? '+' : '−'}${Math.abs(ms)}`
}
