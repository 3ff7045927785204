import type { SKRSContext2D } from '@napi-rs/canvas'
import { SURE_CONFIDENCE, type Analysis, type Curve, type Section } from '../schemas/index.js'

/**
 * Drawing pieces shared by the timeline plots (analysis.png, score.png): the dark theme, the time
 * axis and its grid, section and beat lanes, curves reduced to one value per pixel column.
 */

/** A horizontal band of a plot, in pixels. */
export interface Lane {
  y: number
  h: number
}

/** Left and right pixel edges of a plot's shared time axis. */
export interface TimeAxis {
  x0: number
  x1: number
}

export const PLOT_FONT_FAMILY = 'DejaVu Sans'
export const BG = 'rgb(15,16,21)'
export const LANE_BG = 'rgb(26,28,36)'
export const TEXT = 'rgb(232,234,240)'
export const MUTED = 'rgb(150,155,172)'
/** Beat ticks are near-white and downbeats gold: distinct from every curve colour. */
export const BEAT_COLOUR = 'rgb(215,218,228)'
export const DOWNBEAT_COLOUR = 'rgb(255,200,70)'
export const ONSET_COLOUR = 'rgb(240,140,60)'

export function font(px: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${px}px "${PLOT_FONT_FAMILY}", sans-serif`
}

/** Pixel column of time `t` on the shared axis. */
/** Stacks lanes top-down from `top`, heights in proportion to their weights, `gap` apart; returns them and the y after the last. */
export function stackLanes<N extends string>(order: readonly N[], weight: Record<N, number>, top: number, space: number, gap: number): { lanes: Record<N, Lane>; bottom: number } {
  const total = order.reduce((a, n) => a + weight[n], 0)
  const lanes = {} as Record<N, Lane>
  let y = top
  for (const name of order) {
    const h = Math.floor((space * weight[name]) / total)
    lanes[name] = { y, h }
    y += h + gap
  }
  return { lanes, bottom: y }
}

export function plotX(axis: TimeAxis, durationSec: number, t: number): number {
  return axis.x0 + (Math.min(Math.max(t, 0), durationSec) / durationSec) * (axis.x1 - axis.x0)
}

/** A lane's background and its title in the left margin. */
export function drawLaneFrame(ctx: SKRSContext2D, axis: TimeAxis, lane: Lane, title: string, size = 12): void {
  ctx.fillStyle = LANE_BG
  ctx.fillRect(axis.x0, lane.y, axis.x1 - axis.x0, lane.h)
  ctx.fillStyle = MUTED
  ctx.font = font(size)
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.fillText(title, axis.x0 - 8, lane.y + lane.h / 2, axis.x0 - 12)
}

/** A tick every 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min…: the smallest leaving ≥ 80 px between labels. */
export function tickStep(durationSec: number, px: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
  for (const s of steps) if ((s / durationSec) * px >= 80) return s
  return steps[steps.length - 1]
}

/** Faint vertical grid lines over [top, bottom] and the labelled time ruler below. */
export function drawTimeGrid(ctx: SKRSContext2D, L: TimeAxis & { ruler: Lane }, dur: number, top: number, bottom: number): void {
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

/** Sections as coloured blocks, the brighter fill rising with each section's energy, labelled when wide enough. */
export function drawSections(ctx: SKRSContext2D, sections: Section[], lane: Lane, x: (t: number) => number, colours: Map<string, string>): void {
  for (const s of sections) {
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

/** Dashed section boundaries across [top, bottom]. */
export function drawBoundaries(ctx: SKRSContext2D, sections: Section[], x: (t: number) => number, top: number, bottom: number): void {
  ctx.save()
  ctx.setLineDash([4, 4])
  ctx.strokeStyle = 'rgba(255,255,255,0.35)'
  ctx.lineWidth = 1
  for (const s of sections.slice(1)) {
    const px = Math.round(x(s.start)) + 0.5
    line(ctx, px, top, px, bottom)
  }
  ctx.restore()
}

/**
 * Beat ticks (near-white) and downbeats (gold, bold; half height where unsure) in the band `ticks`,
 * bar numbers in the row of `lane` above it. Dense grids are thinned so an hour still reads as a texture, not a solid block.
 */
export function drawBeats(ctx: SKRSContext2D, a: Analysis, axis: TimeAxis, lane: Lane, ticks: Lane, x: (t: number) => number, opts: { dropDenseBeats?: boolean } = {}): void {
  const numbersH = ticks.y - lane.y
  const tickTop = ticks.y
  const tickH = ticks.h
  const cols = axis.x1 - axis.x0
  const dur = a.source.durationSec
  // Dense beats (long songs) are drawn fainter so they read as a texture, not a solid block.
  const spacing = a.beats.length > 1 ? (cols * (dur / a.beats.length)) / dur : cols
  // With `dropDenseBeats`, beats under 2 px apart are left out: a solid band would hide what is drawn behind them.
  if (!(opts.dropDenseBeats && spacing < 2)) {
    ctx.globalAlpha = spacing >= 4 ? 1 : spacing >= 2 ? 0.6 : 0.35
    ctx.fillStyle = BEAT_COLOUR
    for (const b of a.beats) ctx.fillRect(Math.round(x(b)), tickTop + tickH * 0.25, 1, tickH * 0.5)
    ctx.globalAlpha = 1
  }
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
    // An unsure downbeat (the bar phase may be off there) is drawn half as tall.
    const sure = (a.downbeatConfidence[k] ?? 1) >= SURE_CONFIDENCE
    ctx.fillRect(px - 1, sure ? tickTop : tickTop + tickH / 4, 3, sure ? tickH : tickH / 2)
    if (numbered) {
      ctx.fillStyle = DOWNBEAT_COLOUR
      ctx.fillText(String(k + 1), px + 3, lane.y + 1)
    }
  })
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

/** Per-column values (0..1) as a filled area rising from the lane's floor. */
export function drawFilledCurve(ctx: SKRSContext2D, lane: Lane, axis: TimeAxis, vals: Float32Array, colour: string, alpha: number): void {
  const base = lane.y + lane.h - 1
  const span = lane.h - 6
  ctx.beginPath()
  ctx.moveTo(axis.x0, base)
  for (let c = 0; c < vals.length; c++) ctx.lineTo(axis.x0 + c + 0.5, base - clamp01(vals[c]) * span)
  ctx.lineTo(axis.x0 + vals.length, base)
  ctx.closePath()
  ctx.globalAlpha = alpha
  ctx.fillStyle = colour
  ctx.fill()
  ctx.globalAlpha = 1
}

/** Per-column values (0..1) as a stroked line. */
export function drawCurveLine(ctx: SKRSContext2D, lane: Lane, axis: TimeAxis, vals: Float32Array, colour: string, width: number): void {
  const base = lane.y + lane.h - 2
  const span = lane.h - 8
  ctx.beginPath()
  for (let c = 0; c < vals.length; c++) {
    const px = axis.x0 + c + 0.5
    const py = base - clamp01(vals[c]) * span
    if (c === 0) ctx.moveTo(px, py)
    else ctx.lineTo(px, py)
  }
  ctx.strokeStyle = colour
  ctx.lineWidth = width
  ctx.lineJoin = 'round'
  ctx.stroke()
}

/** Colour swatches with names at a lane's top left, on a dark backing so they read over curves. */
export function drawLegend(ctx: SKRSContext2D, lane: Lane, axis: TimeAxis, items: Array<[string, string]>): void {
  ctx.font = font(11)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  let px = axis.x0 + 6
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

export function line(ctx: SKRSContext2D, xa: number, ya: number, xb: number, yb: number): void {
  ctx.beginPath()
  ctx.moveTo(xa, ya)
  ctx.lineTo(xb, yb)
  ctx.stroke()
}

/** Moving average over ±radius samples. */
export function smooth(v: Float32Array, radius: number): Float32Array {
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

export function clamp01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0
}

export function finite(v: number | undefined): number {
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
