import { Analysis, Treatment, type Brief } from '../../schemas/index.js'
import type { StepContext } from '../context.js'
import { stepKey, type Store } from '../../store/index.js'
import { briefKey, need } from './read.js'

/** The output size and captions do not change the treatment: every format of a batch shares one. */
function treatmentBriefKey(brief: Brief): unknown {
  const { output: _output, ...rest } = briefKey(brief) as Brief
  return rest
}

export interface DirectInput {
  brief: Brief
  analysisKey: string
}

export interface DirectOutput {
  key: string
  treatment: Treatment
}

const VERSION = 2

/** The treatment: style bible, an identity card per character and place, a mood per section. */
export async function direct(input: DirectInput, store: Store, ctx: StepContext): Promise<DirectOutput> {
  const { director } = ctx.services
  const key = stepKey('treatment', VERSION, { brief: treatmentBriefKey(input.brief), analysis: input.analysisKey, director: director.id })
  const stored = await store.get('treatment', key, Treatment)
  if (stored) return { key, treatment: stored }
  const analysis = await need(store, 'analysis', input.analysisKey, Analysis)
  const treatment = Treatment.parse(await director.direct({ brief: input.brief, analysis }, { signal: ctx.signal }))
  await store.put('treatment', key, treatment)
  return { key, treatment }
}
