/**
 * Rendering on many machines: shots as BullMQ jobs on Redis (`render --queue`, `longav worker`).
 * `openRenderQueue` turns a prepared render into a coordinator whose shot steps are jobs.
 */
import { isAbsolute, relative } from 'node:path'
import { InputError } from '../errors.js'
import type { LlmSession } from '../pipeline/llmSession.js'
import { briefKey } from '../pipeline/steps/read.js'
import { namesInUse } from '../render/generators/router.js'
import type { Brief, GeneratorName, VerifierThresholds } from '../schemas/index.js'
import { stepKey, type Store } from '../store/index.js'
import { openCoordinator, type Coordinator, type QueueRenderOptions } from './coordinator.js'
import { toStorePaths, type ServicesSpec } from './jobs.js'

export { openCoordinator, type Coordinator, type QueueRenderOptions } from './coordinator.js'
export { startWorker, type QueueWorker, type WorkerOptions } from './worker.js'
export { parseRedisUrl, redactRedisUrl } from './url.js'
export { QUEUE_NAME, jobKey, jobIdOf, CandidateJob, JudgeJob, ServicesSpec } from './jobs.js'

export interface RenderQueueRequest {
  queue: string | QueueRenderOptions
  /** The shared store; required (every worker mounts it). */
  storeDir?: string
  /** Objects that cannot cross to a worker process: refused. */
  objects: { generator?: unknown; verifier?: unknown; judge?: unknown }
  generatorName?: GeneratorName
  onnxModel?: string
  comfyuiUrl?: string
  comfyuiWorkflow?: string
  modelsDir?: string
}

export interface PreparedForQueue {
  store: Store
  brief: Brief
  songPath: string
  songSha: string
  thresholds: VerifierThresholds
  llm: LlmSession | null
  log(level: 'info' | 'warn', message: string): void
}

export async function openRenderQueue(req: RenderQueueRequest, p: PreparedForQueue): Promise<Coordinator> {
  const queue = typeof req.queue === 'string' ? { url: req.queue } : req.queue
  if (!req.storeDir) throw new InputError('--queue needs --store PATH: a folder the coordinator and every worker mount', { code: 'QUEUE_NEEDS_STORE' })
  const objects = Object.entries(req.objects).filter(([, v]) => v !== undefined).map(([k]) => k)
  if (objects.length) throw new InputError(`a queued render cannot send a ${objects.join(', ')} object to its workers: pass names and settings instead`, { code: 'QUEUE_OBJECTS' })
  if (req.generatorName === 'footage') throw new InputError('--generator footage cannot render on a queue: its clips are outside the shared store', { code: 'QUEUE_FOOTAGE' })
  const fallback = req.generatorName ?? p.brief.generator ?? 'procedural'
  if (namesInUse(fallback, req.generatorName ? [] : p.brief.shots).includes('footage')) {
    throw new InputError("the brief sends shots to the footage generator, which cannot render on a queue (its clips are outside the shared store)", { code: 'QUEUE_FOOTAGE' })
  }
  const key = stepKey('brief', 1, briefKey(p.brief))
  await p.store.put('brief', key, p.brief)
  const insideStore = req.modelsDir && isAbsolute(req.modelsDir) && !relative(p.store.root, req.modelsDir).startsWith('..')
  const spec: ServicesSpec = {
    briefKey: key,
    generator: {
      ...(req.generatorName ? { name: req.generatorName } : {}),
      ...(req.onnxModel ? { onnxModel: req.onnxModel } : {}),
      ...(req.comfyuiUrl ? { comfyuiUrl: req.comfyuiUrl } : {}),
      ...(req.comfyuiWorkflow ? { comfyuiWorkflow: req.comfyuiWorkflow } : {}),
    },
    verifier: 'heuristic',
    judge: p.llm ? 'llm' : 'metric',
    ...(insideStore ? toStorePaths({ modelsDir: req.modelsDir! }, p.store.root) : {}),
  }
  return openCoordinator({ queue, store: p.store, spec, thresholds: p.thresholds, song: { path: p.songPath, sha256: p.songSha }, log: p.log })
}
