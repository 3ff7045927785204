import { saveMemory, type ShotMemory } from '../../memory/index.js'
import type { StepContext } from '../context.js'
import type { Store } from '../../store/index.js'

/** memory.json: identity cards, reference keyframes and each shot's frames, for later runs and `longav score --plan`. */
export async function remember(input: { memory: ShotMemory; out: string }, _store: Store, _ctx: StepContext): Promise<void> {
  await saveMemory(input.out, input.memory)
}
