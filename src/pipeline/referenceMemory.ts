import { rememberShot, type ShotMemory, type ShotOutline } from '../memory/index.js'
import type { ShotOutput } from './attempts.js'

/**
 * Pure: the memory shot `index` is held to — the plan's memory with the kept takes of shots
 * 0..index-lag remembered in order, and nothing else. Which later shots happen to have finished
 * when it starts does not enter, so its references (and so its verdicts and retakes) do not depend
 * on timing. Every one of those shots is finished before it starts (see shotIsReadyFlags).
 */
export function referenceMemory(
  planMemory: ShotMemory,
  shots: ShotOutline[],
  results: Record<string, ShotOutput>,
  index: number,
  lag: number,
): ShotMemory {
  let memory = planMemory
  for (let j = 0; j <= index - lag; j++) {
    const output = results[String(j)]
    if (!output) throw new Error(`shot ${index} started before shot ${j}, whose kept take it is held to`)
    memory = rememberShot(memory, shots[j], j, output.best)
  }
  return memory
}
