import { writeStoryboard } from '../../report/storyboard.js'
import { ShotPlan } from '../../schemas/index.js'
import type { StepContext } from '../context.js'
import type { FinishInput } from '../machines/renderMachine.js'
import type { Store } from '../../store/index.js'
import { need } from './read.js'

/** storyboard.png: every shot's key frame with its index, time code and caption. */
export async function storyboard(input: FinishInput & { out: string; thumbWidth?: number }, store: Store, _ctx: StepContext): Promise<void> {
  const plan = await need(store, 'plan', input.sources.planKey, ShotPlan)
  await writeStoryboard(
    plan.shots.map((s) => ({
      image: input.results[String(s.index)].best.segment.keyFrame,
      shotIndex: s.index,
      startFrame: s.startFrame,
      endFrame: s.endFrame,
      caption: s.captions[0]?.text,
    })),
    { fps: plan.fps, outPath: input.out, ...(input.thumbWidth ? { thumbWidth: input.thumbWidth } : {}) },
  )
}
