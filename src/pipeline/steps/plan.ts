import { Analysis, ShotPlan, Treatment, type Brief } from '../../schemas/index.js'
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
  const made = await planner.plan(
    { brief: input.brief, analysis, treatment, output: input.brief.output, maxShotFrames: input.maxShotFrames },
    { signal: ctx.signal },
  )
  const shown = input.brief.output.captions === false ? { ...made, captionsShown: false } : input.brief.output.bareStills ? { ...made, bareStills: true } : made
  const planned = ShotPlan.parse(input.brief.captionStyle ? { ...shown, captionStyle: input.brief.captionStyle } : shown)
  await store.put('plan', key, planned)
  logTo(ctx)('info', formatVariety(varietyFigure(planned)))
  return { key, plan: planned }
}
