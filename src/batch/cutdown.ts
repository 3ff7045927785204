/**
 * Music-aware cut-downs: which bars of the song a 6 / 15 / 30 s version plays. Pure.
 *
 * Rules (what an editor does):
 * - Every piece starts on a downbeat that is a section start (the hook: the bar scores of
 *   cutdownBars.ts favour loud, repeated, chorus, vocal bars) and runs whole bars.
 * - Piece boundaries are frames: each downbeat time is snapped to the nearest frame
 *   (round(t * fps)); `startSec`/`endSec` keep the unsnapped times so the audio cuts on the beat.
 * - A contiguous span is preferred when it ends naturally (a section end or the song's end);
 *   otherwise the hook is joined, at downbeats, to the bars that end a section or the song
 *   (whole bars, one join, a short audio crossfade). Joins that skip a whole number of 4-bar
 *   phrases score a little higher: the chords carry on as if nothing was cut.
 * - The remainder: whole bars rarely fill the length exactly. The bars that fit are played and
 *   the last piece plays on past its final downbeat for the remaining frames (`ringFrames`, less
 *   than one bar): the next bar, or the song's tail, rings under a fade that reaches silence
 *   exactly at the last frame. The fade covers the last whole bar plus the ring when the ring is
 *   under half a bar (so nothing is cut off loud), else the ring alone (the downbeat lands, then
 *   the bar fades).
 */
import { InputError } from '../errors.js'
import type { Analysis } from '../schemas/analysis.js'
import type { Cutdown, Piece } from './types.js'
import { buildBarGrid, type BarGrid } from './cutdownBars.js'

export interface CutdownRequest {
  lengthSec: number
  fps: number
  /** An explicit span of the song, seconds: honoured, its ends snapped to the nearest downbeats. */
  span?: { start: number; end: number }
}

/** Audio crossfade at a join: long enough to hide the edit, short enough to keep the downbeat's attack. */
export const JOIN_CROSSFADE_SEC = 0.04

/** Bar-boundary runs [from, to) in play order and the frames played past the last one. */
interface Plan {
  runs: Array<[number, number]>
  ring: number
  score: number
}

export function chooseCutdown(analysis: Analysis, req: CutdownRequest): Cutdown {
  const { fps, lengthSec } = req
  if (!Number.isInteger(fps) || fps <= 0) throw new InputError(`fps must be a positive whole number, got ${fps}`, { code: 'CUTDOWN_FPS' })
  if (!Number.isFinite(lengthSec) || lengthSec <= 0) {
    throw new InputError(`length must be a positive number of seconds, got ${lengthSec}`, { code: 'CUTDOWN_LENGTH' })
  }
  const dur = analysis.source.durationSec
  const grid = buildBarGrid(analysis, fps)
  const total = Math.round(lengthSec * fps)
  if (total > grid.songFrames) {
    throw new InputError(`length ${lengthSec} s is longer than the song (${dur.toFixed(2)} s); use length "full" or a shorter length`, {
      code: 'CUTDOWN_TOO_LONG',
    })
  }
  const room = grid.songFrames - grid.bars[0].startFrame
  if (total > room) {
    throw new InputError(
      `length ${lengthSec} s does not fit after the song's first downbeat at ${grid.bars[0].start.toFixed(2)} s: ` +
        `a cut-down is at most ${(room / fps).toFixed(2)} s of this song; use length "full"`,
      { code: 'CUTDOWN_TOO_LONG' },
    )
  }
  if (total < grid.barFrames) {
    const bar = grid.barFrames / fps
    throw new InputError(`length ${lengthSec} s is shorter than one bar of the song (${bar.toFixed(2)} s); a cut-down plays at least one whole bar`, {
      code: 'CUTDOWN_TOO_SHORT',
    })
  }
  const plan = req.span ? spanPlan(grid, total, req.span, dur, fps) : bestPlan(grid, total)
  return toCutdown(analysis, grid, plan, { lengthSec, fps, total, explicit: req.span !== undefined })
}

/** The source frame that output frame `outputFrame` of the cut-down shows. */
export function sourceFrameOf(cutdown: Cutdown, outputFrame: number): number {
  if (!Number.isInteger(outputFrame) || outputFrame < 0 || outputFrame >= cutdown.totalFrames) {
    throw new RangeError(`output frame ${outputFrame} is outside the cut-down's 0..${cutdown.totalFrames - 1}`)
  }
  let at = outputFrame
  for (const p of cutdown.pieces) {
    const len = p.endFrame - p.startFrame
    if (at < len) return p.startFrame + at
    at -= len
  }
  throw new RangeError(`the cut-down's pieces cover fewer than ${cutdown.totalFrames} frames`)
}

/** Frame of bar boundary k (0..bars.length). */
function edge(g: BarGrid, k: number): number {
  return k < g.bars.length ? g.bars[k].startFrame : g.bars[g.bars.length - 1].endFrame
}

/** Frames of bar k+1 (the one a ring plays into), or the median bar past the last. */
function nextBarFrames(g: BarGrid, k: number): number {
  return k < g.bars.length ? g.bars[k].endFrame - g.bars[k].startFrame : g.barFrames
}

function meanScore(g: BarGrid, runs: Array<[number, number]>): number {
  let s = 0
  let n = 0
  for (const [a, b] of runs) for (let k = a; k < b; k++) (s += g.bars[k].score), n++
  return n ? s / n : 0
}

/** How naturally the music stops at boundary e: the song's end, a bar before it (the ring plays the last bar), a section end. */
function endingBonus(g: BarGrid, e: number): number {
  const n = g.bars.length
  if (e === n) return 1
  if (e === n - 1) return 0.8
  return g.sectionEnds.includes(e) ? 0.6 : 0
}

function scorePlan(g: BarGrid, runs: Array<[number, number]>): number {
  const content = 0.7 * meanScore(g, [runs[0]]) + 0.3 * meanScore(g, runs)
  let s = 0.7 * content + 0.15 * endingBonus(g, runs[runs.length - 1][1])
  // A start a phrase into a section is allowed (the analysis can miss a boundary) but a real section start is preferred.
  if (!g.sectionStarts.includes(runs[0][0])) s -= 0.03
  for (let k = 1; k < runs.length; k++) {
    const skipped = runs[k][0] - runs[k - 1][1]
    s += -0.06 + (skipped % 4 === 0 ? 0.03 : skipped % 2 === 0 ? 0.015 : 0)
  }
  return s
}

/** Hook starts: section starts, and each 4-bar phrase after one (a section the analysis merged still starts on a phrase). */
function hookStarts(g: BarGrid): number[] {
  const n = g.bars.length
  const starts = new Set<number>(g.sectionStarts.length ? g.sectionStarts : [0])
  for (const s of [...starts]) for (let k = s + 4; k < n && !g.sectionStarts.includes(k); k += 4) starts.add(k)
  return [...starts].sort((a, b) => a - b)
}

/** The ring the runs leave, or undefined when it is a bar or more (before the song's last bar) or runs past the song's end. */
function ringOf(g: BarGrid, runs: Array<[number, number]>, total: number): number | undefined {
  const used = runs.reduce((a, [x, y]) => a + edge(g, y) - edge(g, x), 0)
  const ring = total - used
  const last = runs[runs.length - 1][1]
  // Past the last bar the song's own tail (a held chord, a beatless fade) may ring as long as it lasts.
  const tooLong = last < g.bars.length && ring >= Math.max(nextBarFrames(g, last), g.barFrames)
  if (ring < 0 || tooLong || edge(g, last) + ring > g.songFrames) return undefined
  return ring
}

/** The longest run of whole bars from boundary i (up to jMax) that fits in `total` frames. */
function fitFrom(g: BarGrid, i: number, total: number, jMax: number): number {
  let j = i
  while (j < jMax && edge(g, j + 1) - edge(g, i) <= total) j++
  return j
}

function bestPlan(g: BarGrid, total: number): Plan {
  const n = g.bars.length
  let best: Plan | undefined
  const consider = (runs: Array<[number, number]>) => {
    if (runs.some(([a, b]) => b <= a)) return
    const ring = ringOf(g, runs, total)
    if (ring === undefined) return
    const score = scorePlan(g, runs)
    if (!best || score > best.score + 1e-9) best = { runs, ring, score }
  }
  const endings = [...new Set([...g.sectionEnds, n, n - 1])].filter((e) => e > 0)
  for (const i of hookStarts(g)) {
    const j = fitFrom(g, i, total, n)
    consider([[i, j]])
    const whole = j - i
    // Edits: the hook keeps at least half of the bars; the ending supplies the rest.
    for (let a = Math.ceil(whole / 2); a < whole; a++) {
      const hookEnd = i + a
      const hookFrames = edge(g, hookEnd) - edge(g, i)
      for (const e of endings) {
        let s = e
        while (s - 1 > hookEnd && hookFrames + edge(g, e) - edge(g, s - 1) <= total) s--
        if (s < e && s > hookEnd) consider([[i, hookEnd], [s, e]])
      }
    }
  }
  // Any fit exists (the length is at most the song and at least a bar), but section starts late
  // in the song may not leave room: fall back to the latest downbeat that does.
  for (let i = n - 1; !best && i >= 0; i--) consider([[i, fitFrom(g, i, total, n)]])
  if (!best) throw new InputError(`no run of whole bars fits ${total} frames in this song`, { code: 'CUTDOWN_NO_FIT' })
  return best
}

function spanPlan(g: BarGrid, total: number, span: { start: number; end: number }, dur: number, fps: number): Plan {
  const tol = 1 / fps
  if (!(Number.isFinite(span.start) && Number.isFinite(span.end)) || span.start < 0 || span.end > dur + tol || span.end <= span.start) {
    throw new InputError(`span ${span.start}..${span.end} s is outside the song (0..${dur.toFixed(2)} s) or empty`, { code: 'CUTDOWN_SPAN' })
  }
  const nearest = (t: number) => {
    let best = 0
    for (let k = 1; k <= g.bars.length; k++) if (Math.abs(edge(g, k) / fps - t) < Math.abs(edge(g, best) / fps - t)) best = k
    return best
  }
  const i = Math.min(nearest(span.start), g.bars.length - 1)
  const jMax = Math.max(i + 1, nearest(span.end))
  const runs: Array<[number, number]> = [[i, fitFrom(g, i, total, jMax)]]
  const ring = runs[0][1] > i ? ringOf(g, runs, total) : undefined
  if (ring === undefined) {
    throw new InputError(
      `span ${span.start}..${span.end} s (bars ${i + 1}..${jMax} after snapping to downbeats) does not fill the length ` +
        `${(total / fps).toFixed(2)} s to within a bar: make the span and the length agree`,
      { code: 'CUTDOWN_SPAN' },
    )
  }
  return { runs, ring, score: scorePlan(g, runs) }
}

function toCutdown(
  analysis: Analysis,
  g: BarGrid,
  plan: Plan,
  o: { lengthSec: number; fps: number; total: number; explicit: boolean },
): Cutdown {
  const pieces: Piece[] = plan.runs.map(([a, b], k) => {
    const last = k === plan.runs.length - 1
    const endSec = b < g.bars.length ? g.bars[b].start : g.bars[b - 1].end
    return {
      startFrame: edge(g, a),
      endFrame: edge(g, b) + (last ? plan.ring : 0),
      bars: [a + 1, b] as [number, number],
      startSec: g.bars[a].start,
      endSec,
    }
  })
  const lastRun = plan.runs[plan.runs.length - 1]
  const lastBar = edge(g, lastRun[1]) - edge(g, lastRun[1] - 1)
  const fadeFrames = plan.ring * 2 < g.barFrames ? lastBar + plan.ring : plan.ring
  const describe = ([a, b]: [number, number]) => {
    const labels = [...new Set(g.bars.slice(a, b).map((bar) => analysis.sections[bar.section]?.label ?? '?'))]
    return `bars ${a + 1}-${b} (${labels.join(', ')}, ${g.bars[a].start.toFixed(2)}-${(b < g.bars.length ? g.bars[b].start : g.bars[b - 1].end).toFixed(2)} s)`
  }
  const n = g.bars.length
  const end = lastRun[1] === n ? "the song's end" : lastRun[1] === n - 1 ? "a bar before the song's end (the last bar rings under the fade)" : g.sectionEnds.includes(lastRun[1]) ? 'a section end' : 'a downbeat'
  const how = o.explicit
    ? `the requested span: ${describe(plan.runs[0])}`
    : plan.runs.length === 1
      ? `${describe(plan.runs[0])} played through, from a section start to ${end}`
      : `hook ${describe(plan.runs[0])} joined at a downbeat to ${describe(lastRun)}, which ends at ${end}`
  const ring = plan.ring ? `; the last ${plan.ring} frame(s) ring on past the final downbeat under the fade` : ''
  return {
    lengthSec: o.lengthSec,
    fps: o.fps,
    totalFrames: o.total,
    pieces,
    joinCrossfadeSec: plan.runs.length > 1 ? JOIN_CROSSFADE_SEC : 0,
    fadeOutSec: fadeFrames / o.fps,
    ringFrames: plan.ring,
    reason: `${how}${ring}; score ${plan.score.toFixed(3)} (bar energy, repetition, chorus, vocal; natural ending); downbeats snapped to the nearest frame`,
  }
}
