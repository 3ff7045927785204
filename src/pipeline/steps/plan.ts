import { InvariantError } from '../../agents/types.js'
import { Analysis, ShotPlan, Treatment, type Brief, type OutputFormat } from '../../schemas/index.js'
import { planAtDraftRate } from '../draftPlan.js'
import { logTo, type StepContext } from '../context.js'
import { formatVariety, varietyFigure } from '../../agents/planner/variety.js'
import { stepKey, type Store } from '../../store/index.js'
import { briefKey, need } from './read.js'

export interface PlanInput {
  brief: Brief
  analysisKey: string
  treatmentKey: string
  /** Longest shot the generators in use can make. */
  maxShotFrames: number
  /** A draft's: the output of the final render it previews (planned at its rate, then carried to the draft's: draftPlan.ts). */
  previewOf?: OutputFormat
}

export interface PlanOutput {
  key: string
  plan: ShotPlan
}

const VERSION = 2

/** Every shot of the film on the beat grid: frames, place, characters, camera, prompt, captions. */
export async function plan(input: PlanInput, store: Store, ctx: StepContext): Promise<PlanOutput> {
  const { planner } = ctx.services
  const key = stepKey('plan', VERSION, {
    brief: briefKey(input.brief),
    treatment: input.treatmentKey,
    planner: planner.id,
    maxFrames: input.maxShotFrames,
    // Only when set: the keys of other renders stay what they were.
    ...(input.previewOf ? { previewOf: [input.previewOf.width, input.previewOf.height, input.previewOf.fps] } : {}),
  })
  const stored = await store.get('plan', key, ShotPlan)
  if (stored) {
    logTo(ctx)('info', formatVariety(varietyFigure(stored)))
    return { key, plan: stored }
  }
  const [analysis, treatment] = await Promise.all([
    need(store, 'analysis', input.analysisKey, Analysis),
    need(store, 'treatment', input.treatmentKey, Treatment),
  ])
  const made = input.previewOf
    ? await previewPlan(input, input.previewOf, { analysis, treatment }, ctx)
    : await planner.plan({ brief: input.brief, analysis, treatment, output: input.brief.output, maxShotFrames: input.maxShotFrames }, { signal: ctx.signal })
  const shown = input.brief.output.captions === false ? { ...made, captionsShown: false } : input.brief.output.bareStills ? { ...made, bareStills: true } : made
  const planned = ShotPlan.parse(input.brief.captionStyle ? { ...shown, captionStyle: input.brief.captionStyle } : shown)
  await store.put('plan', key, planned)
  logTo(ctx)('info', formatVariety(varietyFigure(planned)))
  return { key, plan: planned }
}

/** The final's plan carried to the draft's rate; planned at the draft's own rate (with a warning) when it cannot be carried. */
async function previewPlan(input: PlanInput, final: OutputFormat, known: { analysis: Analysis; treatment: Treatment }, ctx: StepContext): Promise<ShotPlan> {
  const { planner } = ctx.services
  const full = await planner.plan({ brief: { ...input.brief, output: final }, ...known, output: final, maxShotFrames: input.maxShotFrames }, { signal: ctx.signal })
  try {
    return planAtDraftRate(ShotPlan.parse(full), input.brief.output, { ...known, lyrics: input.brief.lyrics, maxShotFrames: input.maxShotFrames })
  } catch (err) {
    if (!(err instanceof InvariantError)) throw err
    logTo(ctx)('warn', `draft: the final's plan does not fit ${input.brief.output.fps} fps (${err.message}); planned at the draft's rate, which may differ from the final's`)
    return planner.plan({ brief: input.brief, ...known, output: input.brief.output, maxShotFrames: input.maxShotFrames }, { signal: ctx.signal })
  }
}
