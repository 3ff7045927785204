/**
 * A plan the user wrote or edited (`longav render … --plan plan.json`), held to the same rules as
 * the planner's: shots tile the song, cuts sit on the beat grid (an off-grid cut is snapped to the
 * nearest beat with a warning, or refused with `strict`), ids exist in the treatment, no shot is
 * longer than the generators can make. Every problem names the shot and the field.
 */
import type { z } from 'zod'
import { InputError } from '../../errors.js'
import { ShotPlan, type Analysis, type Caption, type Shot, type Treatment } from '../../schemas/index.js'
import { secondsToFrame } from '../../time.js'
import { songSections } from '../heuristics/sections.js'
import { hashValue } from '../../util/files.js'
import { InvariantError, type Planner } from '../types.js'
import { clipCaptions } from './captions.js'
import { assertPlanInvariants, offGridAllowed } from './invariants.js'

/** Where a zod issue sits, in the words of a plan's reader: "shot 7, field camera". */
function whereOf(path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === 'shots' && typeof path[1] === 'number') {
    const rest = path.slice(2).map(String).join('.')
    return `shot ${path[1]}${rest ? `, field ${rest}` : ''}`
  }
  return path.length ? `field ${path.map(String).join('.')}` : 'the file'
}

/** The plan file's JSON read as a ShotPlan, or an InputError listing every problem by shot and field. */
export function parseEditedPlan(json: unknown, file: string): ShotPlan {
  const r = ShotPlan.safeParse(json)
  if (r.success) return r.data
  const lines = r.error.issues.slice(0, 12).map((i: z.core.$ZodIssue) => `  ${whereOf(i.path)}: ${i.message}`)
  const more = r.error.issues.length > 12 ? `\n  … and ${r.error.issues.length - 12} more` : ''
  throw new InputError(`${file} is not a valid plan:\n${lines.join('\n')}${more}`, { code: 'PLAN_INVALID' })
}

export interface FitOptions {
  file: string
  analysis: Analysis
  treatment: Treatment
  output: { fps: number; width: number; height: number }
  maxShotFrames: number
  /** Refuse an off-grid cut instead of snapping it. */
  strict: boolean
}

export interface FittedPlan {
  plan: ShotPlan
  /** What was changed to fit (a snapped cut, renumbered shots), one line each. */
  warnings: string[]
}

/** Frames of the beats (downbeats included), sorted, distinct. */
function beatFrames(analysis: Analysis, fps: number): number[] {
  return [...new Set([...analysis.beats, ...analysis.downbeats].map((t) => secondsToFrame(t, fps)))].sort((a, b) => a - b)
}


function nearest(f: number, sorted: readonly number[]): number {
  let best = sorted[0]
  for (const b of sorted) if (Math.abs(b - f) < Math.abs(best - f)) best = b
  return best
}

/** Whole lyric lines back from the captions' pieces, so they can be cut again at the new cuts. */
function wholeLines(shots: readonly Shot[]): Caption[] {
  const lines = new Map<string, Caption>()
  for (const s of shots)
    for (const c of s.captions) {
      const start = c.lineStartFrame ?? c.startFrame
      const end = c.lineEndFrame ?? c.endFrame
      const key = `${c.text}\u0000${start}\u0000${end}`
      const seen = lines.get(key)
      lines.set(key, seen ? { ...seen, startFrame: Math.min(seen.startFrame, c.startFrame), endFrame: Math.max(seen.endFrame, c.endFrame) } : { ...c, lineStartFrame: start, lineEndFrame: end })
    }
  return [...lines.values()].sort((a, b) => a.startFrame - b.startFrame)
}

/**
 * The edited plan made renderable, or an InputError naming the shot and field of every rule it
 * breaks. Pure. Changes it makes (and says): shots numbered by position, off-grid cuts moved to
 * the nearest beat, each cut's label (downbeat or beat) and section read from where it now is,
 * captions cut again at the cuts.
 */
export function fitEditedPlan(input: ShotPlan, o: FitOptions): FittedPlan {
  const warnings: string[] = []
  const problems: string[] = []
  for (const k of ['fps', 'width', 'height'] as const) {
    if (input[k] !== o.output[k]) problems.push(`field ${k}: the plan says ${input[k]}, the render's output is ${o.output[k]} (set the output in the brief or with --size/--fps, or edit the plan)`)
  }
  const total = Math.max(1, Math.round(o.analysis.source.durationSec * o.output.fps))
  if (input.totalFrames !== total) problems.push(`field totalFrames: the plan says ${input.totalFrames}, the song has ${total} frames at ${o.output.fps} fps`)
  if (problems.length) throw new InputError(`${o.file} does not fit this song and output:\n  ${problems.join('\n  ')}`, { code: 'PLAN_INVALID' })

  let shots = input.shots.map((s, i) => {
    if (s.index !== i) warnings.push(`shot at position ${i} had index ${s.index}: numbered by position`)
    return { ...s, index: i }
  })
  // Order and coverage first: an overlap or a gap is the user's to fix, not ours to guess.
  shots.forEach((s, i) => {
    if (s.endFrame <= s.startFrame) problems.push(`shot ${i}, field endFrame: ${s.endFrame} is not after startFrame ${s.startFrame}`)
    const want = i === 0 ? 0 : shots[i - 1].endFrame
    if (s.startFrame !== want) {
      problems.push(
        i === 0
          ? `shot 0, field startFrame: ${s.startFrame}, the film starts at frame 0`
          : `shot ${i}, field startFrame: ${s.startFrame}, but shot ${i - 1} ends at ${want} (${s.startFrame < want ? 'overlap' : 'gap'})`,
      )
    }
  })
  const last = shots[shots.length - 1]
  if (last.endFrame !== total) problems.push(`shot ${last.index}, field endFrame: ${last.endFrame}, the song ends at frame ${total}${last.endFrame > total ? ' (past the end of the song)' : ''}`)

  const ids = new Map(o.treatment.entities.map((e) => [e.id, e.kind]))
  const names = (kind: string) => o.treatment.entities.filter((e) => e.kind === kind).map((e) => e.id).join(', ')
  shots.forEach((s, i) => {
    if (ids.get(s.locationId) !== 'location') problems.push(`shot ${i}, field locationId: "${s.locationId}" is not a place of the treatment (${names('location')})`)
    for (const c of s.characterIds) if (ids.get(c) !== 'character') problems.push(`shot ${i}, field characterIds: "${c}" is not a character of the treatment (${names('character')})`)
    const len = s.endFrame - s.startFrame
    if (len > o.maxShotFrames) problems.push(`shot ${i}: ${len} frames, longer than the ${o.maxShotFrames} the generator can make (split it)`)
  })
  if (problems.length) throw new InputError(`${o.file} breaks the plan's rules:\n  ${problems.join('\n  ')}`, { code: 'PLAN_INVALID' })

  // Cuts onto the grid.
  const fps = o.output.fps
  const beats = beatFrames(o.analysis, fps)
  const downbeats = new Set(o.analysis.downbeats.map((t) => secondsToFrame(t, fps)))
  const cuts = shots.map((s) => s.startFrame)
  const offGrid = offGridAllowed(beats, o.maxShotFrames)
  for (let i = 1; i < cuts.length; i++) {
    const f = cuts[i]
    if (beats.includes(f) || offGrid(f)) continue
    const to = nearest(f, beats)
    if (o.strict) problems.push(`shot ${i}, field startFrame: the cut at frame ${f} is not on a beat (nearest beat: frame ${to}); --strict refuses to move it`)
    else {
      warnings.push(`shot ${i}: the cut at frame ${f} is not on a beat: moved to the nearest beat, frame ${to}`)
      cuts[i] = to
    }
  }
  for (let i = 1; i < cuts.length; i++) {
    const end = i + 1 < cuts.length ? cuts[i + 1] : total
    if (cuts[i] <= cuts[i - 1] || end <= cuts[i]) problems.push(`shot ${i}: after moving cuts onto beats it has no frames left (merge it with its neighbour)`)
  }
  if (problems.length) throw new InputError(`${o.file} breaks the plan's rules:\n  ${problems.join('\n  ')}`, { code: 'PLAN_INVALID' })

  const sections = songSections(o.analysis)
  const sectionAt = (f: number) => {
    const t = f / fps
    const s = sections.find((x) => t >= x.start && t < x.end) ?? sections[sections.length - 1]
    return s.index
  }
  const lines = wholeLines(shots)
  shots = shots.map((s, i) => {
    const startFrame = cuts[i]
    const endFrame = i + 1 < cuts.length ? cuts[i + 1] : total
    const cutOn: Shot['cutOn'] = i === 0 ? 'start' : downbeats.has(startFrame) ? 'downbeat' : 'beat'
    return { ...s, startFrame, endFrame, cutOn, sectionIndex: sectionAt(startFrame), captions: clipCaptions(lines, startFrame, endFrame) }
  })
  // Who wrote it, as the log and report say it: the user, from whichever plan they started with.
  const author = input.author.startsWith('edited') ? input.author : `edited (from ${input.author})`
  const plan = ShotPlan.parse({ ...input, author, shots })
  try {
    assertPlanInvariants(plan, o.analysis, { maxShotFrames: o.maxShotFrames, treatment: o.treatment })
  } catch (err) {
    if (err instanceof InvariantError) throw new InputError(`${o.file} breaks the plan's rule "${err.rule}": ${err.message.replace(/^plan breaks rule "[^"]*": /, '')}`, { code: 'PLAN_INVALID' })
    throw err
  }
  return { plan, warnings }
}

/**
 * A planner that hands back the user's plan, fitted to the song. Its id carries the plan's hash,
 * so the plan step (and the run's inputs) change exactly when the plan does; every shot the edit
 * left alone asks its generator for what it asked before, and is a store hit.
 */
export function createEditedPlanner(plan: ShotPlan, o: { file: string; strict: boolean; onLog?(level: 'info' | 'warn', line: string): void }): Planner {
  return {
    id: `edited(${hashValue({ plan, strict: o.strict }).slice(0, 16)})`,
    async plan(input) {
      const fitted = fitEditedPlan(plan, {
        file: o.file,
        analysis: input.analysis,
        treatment: input.treatment,
        output: { fps: input.output.fps, width: input.output.width, height: input.output.height },
        maxShotFrames: input.maxShotFrames,
        strict: o.strict,
      })
      for (const w of fitted.warnings) o.onLog?.('warn', `plan: ${w}`)
      o.onLog?.('info', `plan from ${o.file}: ${fitted.plan.shots.length} shots`)
      return fitted.plan
    },
  }
}
