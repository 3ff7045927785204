/**
 * Choosing footage for a shot. Pure: reads the library and the spans already shown, returns a
 * choice (the caller reserves it in the same tick).
 *
 * 1. Assets are scored by their tags (tags.ts); those that score 0 do not match.
 * 2. Tiers by score, best first. In a tier, the candidates are the stills and the clips long
 *    enough for the shot, each at its best free in-point (no overlap with a span already shown,
 *    no edit inside the span); the least-used asset wins, ties to the better alignment (align.ts).
 *    Clips shorter than the shot are skipped in favour of these; when a tier has nothing else, a
 *    short clip is slowed to fill the shot (at most MAX_SLOWDOWN×; slowing keeps the motion whole,
 *    where a loop would jump back: a cut inside the shot). Then the next tier.
 * 3. Nothing free anywhere: the best tier's least-overlapping span (an edit inside counts as a
 *    full overlap), and the result carries a log line saying so.
 * 4. No asset matches, or every matching clip is too short even slowed: no choice, with the reason.
 */
import type { SegmentRequest } from '../types.js'
import { alignmentOf, compareAlignment, cumulativeMotion, retimedMotion, type Alignment } from './align.js'
import { cropSize, type Framing } from './framing.js'
import type { FootageClip, FootageItem, FootageLibrary, FootageStill } from './library.js'
import { overlapFrames, type ReservedSpan, type SpanView } from './spans.js'
import { describeKeys, matchTags, shotKeysOf, type ShotKeys } from './tags.js'

/** What choosing needs to know about a shot. */
export interface ShotNeed {
  shotIndex: number
  frames: number
  fps: number
  width: number
  height: number
  framing: Framing
  /** Shot frames (0-based) with a beat or a percussive hit: where motion peaks should land. */
  targets: number[]
  /** Shot frames with a beat. */
  beats: number[]
  keys: ShotKeys
  /** The section's mood words, for log lines. */
  mood?: string
}

export function shotNeedOf(req: SegmentRequest): ShotNeed {
  const targets: number[] = []
  const beats: number[] = []
  req.controls.slice(0, req.frames).forEach((c, i) => {
    if (c.onBeat) beats.push(i)
    if (c.onBeat || c.hit > 0) targets.push(i)
  })
  return {
    shotIndex: req.shot.index,
    frames: req.frames,
    fps: req.fps,
    width: req.width,
    height: req.height,
    framing: req.shot.framing,
    targets,
    beats,
    keys: shotKeysOf(req),
    mood: req.mood?.mood,
  }
}

/** Slowest a short clip is played to fill a shot (4× slower than it was shot). */
export const MAX_SLOWDOWN = 4
/** Source/output frame-rate ratios played frame for frame (24↔25↔30): no repeated or skipped frames. */
export const CONFORM_RANGE = [0.8, 1.25] as const

export type Resample = 'conform' | 'drop' | 'blend'

/** How a clip's frames become the shot's frames. */
export interface ClipTiming {
  /** Source frames per output frame. */
  step: number
  /** Source seconds per output second (1 real time, < 1 slower). */
  speed: number
  resample: Resample
  /** Source frames the span covers: [inFrame, inFrame + sourceFrames). */
  sourceFrames: number
  /** Played slower than its base rate to fill the shot. */
  slowed: boolean
}

/**
 * The timing of a clip in a shot. Base rate: ratios r = source fps / output fps inside
 * CONFORM_RANGE are played frame for frame (conform: a 30 fps clip in a 24 fps shot plays at 0.8×,
 * which beats repeating or skipping every fifth frame, a stutter the motion metrics read as
 * peaks); whole ratios take every r-th frame (drop); other ratios blend neighbours at real time.
 * A clip shorter than that is slowed to span the shot (blend), or undefined when that would be
 * more than MAX_SLOWDOWN× slower.
 */
export function clipTiming(clipFps: number, clipFrames: number, fps: number, frames: number): ClipTiming | undefined {
  const r = clipFps / fps
  let step: number
  let resample: Resample
  if (r >= CONFORM_RANGE[0] - 1e-9 && r <= CONFORM_RANGE[1] + 1e-9) {
    step = 1
    resample = 'conform'
  } else if (r > 1 && Math.abs(r - Math.round(r)) <= 0.01 * r) {
    step = Math.round(r)
    resample = 'drop'
  } else {
    step = r
    resample = 'blend'
  }
  const need = Math.ceil((frames - 1) * step - 1e-9) + 1
  if (need <= clipFrames) return { step, speed: (step * fps) / clipFps, resample, sourceFrames: need, slowed: false }
  if (clipFrames < 2) return undefined
  const slowStep = frames > 1 ? (clipFrames - 1) / (frames - 1) : step
  if (step / slowStep > MAX_SLOWDOWN + 1e-9) return undefined
  return { step: slowStep, speed: (slowStep * fps) / clipFps, resample: 'blend', sourceFrames: clipFrames, slowed: true }
}

interface ChoiceBase {
  asset: string
  tagScore: number
  matchedTags: string[]
  /** Shown before (no free span was left). */
  reused: boolean
}

export interface ClipChoice extends ChoiceBase {
  kind: 'clip'
  inFrame: number
  inSec: number
  /** The clip's frame rate (source frames per source second). */
  sourceFps: number
  timing: ClipTiming
  alignment: Alignment
  /** Frames of the span already shown by other shots. */
  overlapFrames: number
  /** Edits inside the span (0 unless nothing else was left). */
  cutsInside: number
}

export interface StillChoice extends ChoiceBase {
  kind: 'still'
  /** Times it was shown before. */
  uses: number
}

export type FootageChoice = ClipChoice | StillChoice

export type ChooseResult = { choice: FootageChoice; log?: string } | { choice: null; reason: string }

export interface ChooseOptions {
  /** More spans to treat as shown. */
  avoid?: readonly ReservedSpan[]
}

/** The span a choice reserves. */
export function spanOf(choice: FootageChoice, shotIndex: number, attempt: number): ReservedSpan {
  return choice.kind === 'still'
    ? { asset: choice.asset, start: 0, end: 1, shotIndex, attempt }
    : { asset: choice.asset, start: choice.inFrame, end: choice.inFrame + choice.timing.sourceFrames, shotIndex, attempt }
}

const cumCache = new WeakMap<FootageClip, Float64Array>()
function cumulativeOf(clip: FootageClip): Float64Array {
  let c = cumCache.get(clip)
  if (!c) cumCache.set(clip, (c = cumulativeMotion(clip.motion)))
  return c
}

interface Candidate {
  choice: FootageChoice
  /** Share of the span already shown (+1 per edit inside): 0 when free. */
  cost: number
  usage: number
}

/** Picks footage for a shot (see the module comment). */
export function chooseFootage(need: ShotNeed, library: FootageLibrary, shown: SpanView, opts: ChooseOptions = {}): ChooseResult {
  const spansOf = (asset: string) => [...shown.spans(asset), ...(opts.avoid ?? []).filter((s) => s.asset === asset)]
  const scored = library.items.map((item) => ({ item, match: matchTags(item.tags, need.keys) })).filter((s) => s.match.score > 0)
  if (!scored.length) {
    const what = describeKeys(need.keys, need.mood)
    return { choice: null, reason: library.items.length ? `no footage is tagged for ${what}` : 'the brief lists no footage' }
  }
  const tiers = [...new Set(scored.map((s) => s.match.score))].sort((a, b) => b - a)
  const targetsSec = need.targets.map((f) => f / need.fps)
  const beatsSec = need.beats.map((f) => f / need.fps)
  const byTier = tiers.map((score) =>
    scored
      .filter((s) => s.match.score === score)
      .sort((a, b) => (a.item.path < b.item.path ? -1 : a.item.path > b.item.path ? 1 : 0))
      .map(({ item, match }) => evaluate(item, match.score, match.matched, need, spansOf(item.path), targetsSec, beatsSec)),
  )
  for (const tier of byTier) {
    const free = (list: Candidate[]) => list.filter((c) => c.cost === 0)
    const full = free(tier.flatMap((e) => e.full))
    if (full.length) return { choice: best(full).choice }
    const slowed = free(tier.flatMap((e) => e.slowed))
    if (slowed.length) return { choice: best(slowed).choice }
  }
  for (const tier of byTier) {
    const all = tier.flatMap((e) => [...e.full, ...e.slowed])
    if (!all.length) continue
    const pick = all.reduce((a, b) => (b.cost < a.cost - 1e-9 || (Math.abs(b.cost - a.cost) <= 1e-9 && better(b, a)) ? b : a))
    const c = pick.choice
    c.reused = true
    const where = c.kind === 'clip' ? `${fmt(c.inSec)}–${fmt(c.inSec + c.timing.sourceFrames / c.sourceFps)} s` : 'the still'
    const others = [...new Set(spansOf(c.asset).map((s) => s.shotIndex))].sort((a, b) => a - b)
    const overlap = c.kind === 'clip' ? `${Math.round((c.overlapFrames / c.timing.sourceFrames) * 100)} % of it shown` : `shown ${c.uses}×`
    return {
      choice: c,
      log: `shot ${need.shotIndex}: every span of the matching footage is already shown; reusing ${c.asset} (${where}, ${overlap}${others.length ? ` by shot ${others.join(', ')}` : ''})`,
    }
  }
  return { choice: null, reason: `every clip tagged for ${describeKeys(need.keys, need.mood)} is too short for ${fmt(need.frames / need.fps)} s even slowed ${MAX_SLOWDOWN}×` }
}

const fmt = (x: number) => x.toFixed(2)

/** Least used first, then the better alignment (stills align with nothing), then the first path. */
function better(a: Candidate, b: Candidate): boolean {
  if (Math.abs(a.usage - b.usage) > 1e-9) return a.usage < b.usage
  const aa = a.choice.kind === 'clip' ? a.choice.alignment : undefined
  const ba = b.choice.kind === 'clip' ? b.choice.alignment : undefined
  if (aa && ba) return compareAlignment(aa, ba) > 0
  return !!aa && !ba
}

function best(list: Candidate[]): Candidate {
  return list.reduce((a, b) => (better(b, a) ? b : a))
}

/** An asset's candidates for the shot: at full rate, and (short clips) slowed. */
function evaluate(item: FootageItem, score: number, matched: string[], need: ShotNeed, spans: ReservedSpan[], targetsSec: number[], beatsSec: number[]): { full: Candidate[]; slowed: Candidate[] } {
  const base = { asset: item.path, tagScore: score, matchedTags: matched, reused: false }
  if (item.kind === 'still') return { full: [stillCandidate(item, base, spans)], slowed: [] }
  const timing = clipTiming(item.fps, item.frames, need.fps, need.frames)
  if (!timing) return { full: [], slowed: [] }
  const usage = spans.reduce((s, x) => s + (x.end - x.start), 0) / item.frames
  const found = bestSpans(item, timing, need, spans, targetsSec, beatsSec)
  const list = [found.free, found.least].filter((c): c is ClipChoice => !!c)
  const candidates = [...new Set(list)].map((choice) => ({ choice: { ...choice, ...base, reused: false }, cost: costOf(choice), usage }))
  return timing.slowed ? { full: [], slowed: candidates } : { full: candidates, slowed: [] }
}

function stillCandidate(_item: FootageStill, base: ChoiceBase, spans: ReservedSpan[]): Candidate {
  const uses = spans.length
  return { choice: { kind: 'still', ...base, uses }, cost: uses > 0 ? 1 : 0, usage: uses }
}

function costOf(c: ClipChoice): number {
  return c.overlapFrames / c.timing.sourceFrames + c.cutsInside
}

/**
 * Scans every in-point (one source frame apart; a slowed clip has only 0) and returns the best
 * aligned free span and the least-overlapping one (best aligned among equals).
 */
function bestSpans(clip: FootageClip, timing: ClipTiming, need: ShotNeed, spans: ReservedSpan[], targetsSec: number[], beatsSec: number[]): { free?: ClipChoice; least?: ClipChoice } {
  const cum = cumulativeOf(clip)
  // The verifier measures the motion of the crop scaled to 160 px: peaks of under 0.1 px there count as none.
  const crop = cropSize(clip.width, clip.height, need.width, need.height, need.framing)
  const scale = clip.width / crop.width
  const last = clip.frames - timing.sourceFrames
  const motion = new Float32Array(need.frames)
  let free: ClipChoice | undefined
  let least: ClipChoice | undefined
  for (let s = 0; s <= last; s++) {
    const end = s + timing.sourceFrames
    const overlap = overlapFrames(s, end, spans)
    let cutsInside = 0
    for (const c of clip.cuts) if (c > s && c < end) cutsInside++
    const cost = overlap / timing.sourceFrames + cutsInside
    // Only spans that could win are scored (the scan is the costly part).
    const couldBeFree = cost === 0
    const couldBeLeast = !least || cost <= costOf(least) + 1e-9
    if (!couldBeFree && !couldBeLeast) continue
    retimedMotion(cum, s, timing.step, need.frames, scale, motion)
    const alignment = alignmentOf(motion, targetsSec, beatsSec, need.fps)
    const choice: ClipChoice = {
      kind: 'clip',
      asset: clip.path,
      tagScore: 0,
      matchedTags: [],
      reused: false,
      inFrame: s,
      inSec: s / clip.fps,
      sourceFps: clip.fps,
      timing,
      alignment,
      overlapFrames: overlap,
      cutsInside,
    }
    if (couldBeFree && (!free || compareAlignment(alignment, free.alignment) > 0)) free = choice
    if (!least || cost < costOf(least) - 1e-9 || (Math.abs(cost - costOf(least)) <= 1e-9 && compareAlignment(alignment, least.alignment) > 0)) least = choice
  }
  return { free, least }
}
