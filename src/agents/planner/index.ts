/** The heuristic planner: a frame-exact shot plan cut on the song's beat grid. */
import { lyricShotFits } from '../../render/generators/procedural/lyricShot.js'
import { ShotPlan, type CharacterCard, type LocationCard, type SectionMood, type Shot } from '../../schemas/index.js'
import { seedFor } from '../heuristics/hash.js'
import { songSections } from '../heuristics/sections.js'
import { assertTreatmentInvariants } from '../director/invariants.js'
import { PlannerInput, throwIfAborted, type AgentContext, type Planner } from '../types.js'
import { clipCaptions, lyricCaptions } from './captions.js'
import { cutsInSpan, sectionSpans } from './cuts.js'
import { dressShots, type Frames } from './dress.js'
import { shotMusic } from './music.js'
import { beatGrid, cutLabel } from './grid.js'
import { assertPlanInvariants } from './invariants.js'
import { applyNotesToPlan } from './notes.js'
import { shotPrompt } from './prompt.js'

export { assertPlanInvariants, type PlanCheckOptions } from './invariants.js'
export { varietyFigure, formatVariety, shotPattern, type VarietyFigure } from './variety.js'

/** A lyric line with this many words or more is strong enough for a lyric shot. */
const STRONG_LINE_WORDS = 4

/** Shot frames: spans per section, cut inside by energy; every section opens with a cut. */
function shotFrames(input: PlannerInput): Frames[] {
  const grid = beatGrid(input.analysis, input.output.fps)
  const frames: Frames[] = []
  for (const span of sectionSpans(songSections(input.analysis), grid)) {
    const seed = seedFor(input.brief.title, 'cuts', span.section.index)
    const bounds = [span.start, ...cutsInSpan(span, grid, input.maxShotFrames, seed), span.end]
    for (let k = 0; k < bounds.length - 1; k++) {
      frames.push({ startFrame: bounds[k], endFrame: bounds[k + 1], sectionIndex: span.section.index, k })
    }
  }
  return frames
}

/** The pure core: same input, same plan. */
export function heuristicPlan(raw: PlannerInput): ShotPlan {
  const input = PlannerInput.parse(raw)
  const { analysis, treatment, output } = input
  assertTreatmentInvariants(treatment, analysis)
  const grid = beatGrid(analysis, output.fps)
  const moods = new Map<number, SectionMood>(treatment.sectionMoods.map((m) => [m.sectionIndex, m]))
  const cards = new Map(treatment.entities.map((e) => [e.id, e]))
  const captions = lyricCaptions(input.brief.lyrics, output.fps, grid.totalFrames, input.analysis)

  const frames = shotFrames(input)
  const lines = frames.map((f) => clipCaptions(captions, f.startFrame, f.endFrame))
  const music = shotMusic(
    analysis,
    output.fps,
    frames.map((f, i) => ({ ...f, sung: lines[i].length > 0 })),
  )
  const dressed = dressShots({
    frames,
    moods,
    title: input.brief.title,
    music,
    // A line of several words that the typography can set large (not a paragraph, not one endless word).
    strongLine: lines.map((ls, i) => ls.some((c) => c.text.split(/\s+/).length >= STRONG_LINE_WORDS) && lyricShotFits({ ...frames[i], captions: ls })),
    characters: new Map(treatment.entities.filter((e): e is CharacterCard => e.kind === 'character').map((c) => [c.id, c])),
    locations: new Map(treatment.entities.filter((e): e is LocationCard => e.kind === 'location').map((l) => [l.id, l])),
  })
  // Post-passes over the dressed shots (the notes: who is in the last shot, avoid-lists) go here.
  const shots: Shot[] = dressed.map((d) => {
    const mood = moods.get(d.sectionIndex)!
    const location = cards.get(d.locationId) as LocationCard
    const characters = d.characterIds.map((id) => cards.get(id) as CharacterCard)
    return {
      ...d,
      cutOn: cutLabel(grid, d.startFrame),
      prompt: shotPrompt(d, treatment.styleBible, location, characters, mood),
      captions: clipCaptions(captions, d.startFrame, d.endFrame),
    }
  })

  const plan = ShotPlan.parse({
    fps: output.fps,
    width: output.width,
    height: output.height,
    totalFrames: grid.totalFrames,
    shots,
    author: 'heuristic',
  })
  assertPlanInvariants(plan, analysis, { maxShotFrames: input.maxShotFrames, treatment, grammar: true })
  return applyNotesToPlan(plan, input)
}

export function createHeuristicPlanner(): Planner {
  return {
    id: 'heuristic',
    async plan(input, ctx: AgentContext = {}) {
      throwIfAborted(ctx)
      return heuristicPlan(input)
    },
  }
}
