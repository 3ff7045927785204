/** Rules every shot plan must keep, whoever wrote it (reused to check and repair LLM plans). */
import type { Analysis, ShotPlan, Treatment } from '../../schemas/index.js'
import { secondsToFrame, totalFramesFor } from '../../time.js'
import { songSections } from '../heuristics/sections.js'
import { InvariantError } from '../types.js'
import { assertGrammarInvariants } from './grammarInvariants.js'

/** A gap between beats this many median intervals long counts as a stretch without a grid. */
export const DROPOUT_BEATS = 1.5

export interface PlanCheckOptions {
  /** When given, no shot may be longer. */
  maxShotFrames?: number
  /** When given, shots may only use its entities, with the right kinds. */
  treatment?: Treatment
  /** Also hold the shot-grammar variety rule (no two neighbours share place, framing and action). */
  grammar?: boolean
}

function fail(rule: string, detail: string): never {
  throw new InvariantError('plan', rule, detail)
}

/**
 * Where a cut may leave the grid of `beats` (frames, sorted): before the first beat, after the
 * last, or inside a gap longer than DROPOUT_BEATS median intervals or than `maxShotFrames`.
 */
export function offGridAllowed(beats: readonly number[], maxShotFrames?: number): (frame: number) => boolean {
  const gaps = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b)
  const medianGap = gaps.length > 0 ? gaps[gaps.length >> 1] : Infinity
  return (f) => {
    if (beats.length === 0 || f < beats[0] || f > beats[beats.length - 1]) return true
    const after = beats.findIndex((b) => b > f)
    const gap = beats[after] - beats[after - 1]
    return gap > DROPOUT_BEATS * medianGap || (maxShotFrames !== undefined && gap > maxShotFrames)
  }
}

function framesOf(times: readonly number[], fps: number): number[] {
  return [...new Set(times.map((t) => secondsToFrame(t, fps)))].sort((a, b) => a - b)
}

/**
 * Rules: "total-frames", "tiling", "cut-start", "cut-on-grid", "cut-label", "section",
 * "max-length", "captions", "entities", and the shot grammar's "transition", "dissolve", "kind"
 * (whenever shots say how they open or what they show) and "variety" (with `grammar`). A cut may leave the beat grid only where the grid is
 * missing: before the first beat, after the last, or inside a gap between beats longer than
 * DROPOUT_BEATS beat intervals (a tracker dropout) or than maxShotFrames (nothing reachable).
 */
export function assertPlanInvariants(plan: ShotPlan, analysis: Analysis, opts: PlanCheckOptions = {}): void {
  const total = totalFramesFor(analysis.source.durationSec, plan.fps)
  if (plan.totalFrames !== total) fail('total-frames', `totalFrames is ${plan.totalFrames}, the song has ${total} frames at ${plan.fps} fps`)

  plan.shots.forEach((shot, i) => {
    if (shot.index !== i) fail('tiling', `shot at position ${i} has index ${shot.index}`)
    const expectedStart = i === 0 ? 0 : plan.shots[i - 1].endFrame
    if (shot.startFrame !== expectedStart) fail('tiling', `shot ${i} starts at frame ${shot.startFrame}, expected ${expectedStart}`)
    if (shot.endFrame <= shot.startFrame) fail('tiling', `shot ${i} is empty (frames ${shot.startFrame}..${shot.endFrame})`)
  })
  const last = plan.shots[plan.shots.length - 1]
  if (last.endFrame !== total) fail('tiling', `the last shot ends at frame ${last.endFrame}, the song at ${total}`)

  const beats = framesOf(analysis.beats, plan.fps)
  const downbeats = new Set(framesOf(analysis.downbeats, plan.fps))
  const beatSet = new Set(beats)
  const offGrid = offGridAllowed(beats, opts.maxShotFrames)
  plan.shots.forEach((shot, i) => {
    if (i === 0) {
      if (shot.cutOn !== 'start') fail('cut-start', `shot 0 has cutOn "${shot.cutOn}", expected "start"`)
      return
    }
    const f = shot.startFrame
    if (shot.cutOn === 'start') fail('cut-start', `shot ${i} has cutOn "start" but is not the first shot`)
    if (!beatSet.has(f) && !downbeats.has(f) && !offGrid(f)) fail('cut-on-grid', `the cut at frame ${f} (shot ${i}) is not on a beat`)
    if (downbeats.has(f) !== (shot.cutOn === 'downbeat')) {
      fail('cut-label', `shot ${i} has cutOn "${shot.cutOn}" but frame ${f} is ${downbeats.has(f) ? '' : 'not '}a downbeat`)
    }
  })

  const sectionIndices = new Set(songSections(analysis).map((s) => s.index))
  plan.shots.forEach((shot, i) => {
    if (!sectionIndices.has(shot.sectionIndex)) fail('section', `shot ${i} is in unknown section ${shot.sectionIndex}`)
    if (i > 0 && shot.sectionIndex < plan.shots[i - 1].sectionIndex) fail('section', `shot ${i} goes back to section ${shot.sectionIndex}`)
    const len = shot.endFrame - shot.startFrame
    if (opts.maxShotFrames !== undefined && len > opts.maxShotFrames) {
      fail('max-length', `shot ${i} is ${len} frames, longer than ${opts.maxShotFrames}`)
    }
    for (const c of shot.captions) {
      if (c.startFrame < shot.startFrame || c.endFrame > shot.endFrame || c.endFrame <= c.startFrame) {
        fail('captions', `shot ${i} (frames ${shot.startFrame}..${shot.endFrame}) has a caption at ${c.startFrame}..${c.endFrame}`)
      }
    }
  })

  if (opts.treatment) {
    const kinds = new Map(opts.treatment.entities.map((e) => [e.id, e.kind]))
    plan.shots.forEach((shot, i) => {
      if (kinds.get(shot.locationId) !== 'location') fail('entities', `shot ${i} uses unknown location "${shot.locationId}"`)
      for (const c of shot.characterIds) {
        if (kinds.get(c) !== 'character') fail('entities', `shot ${i} uses unknown character "${c}"`)
      }
      if (new Set(shot.characterIds).size !== shot.characterIds.length) fail('entities', `shot ${i} lists a character twice`)
    })
  }

  assertGrammarInvariants(plan, analysis, { variety: opts.grammar === true })
}
