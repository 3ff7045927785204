/**
 * A worker's services, rebuilt from a job's services spec: the generator the brief and the
 * render's flags choose (as `selectGenerator` builds it for an in-process render), the heuristic
 * verifier, the metric judge or the model's (configured on the worker, never sent in a job).
 */
import { createHeuristicDirector, createHeuristicPlanner } from '../agents/index.js'
import { createHeuristicVerifier } from '../agents/verifier/index.js'
import { createMetricJudge } from '../agents/verifier/judgement.js'
import { createLlmJudge } from '../agents/verifier/vista.js'
import { config } from '../config.js'
import { LongavError } from '../errors.js'
import { llmConfigFrom } from '../llm/index.js'
import type { Services } from '../pipeline/context.js'
import { openLlmSession } from '../pipeline/llmSession.js'
import { namesInUse } from '../render/generators/router.js'
import { selectGenerator } from '../render/generators/select.js'
import { Brief } from '../schemas/index.js'
import type { Store } from '../store/index.js'
import { fromStorePaths, type ServicesSpec } from './jobs.js'

/** A job the worker must not run (bad data, a path out of the store, a generator it will not build). */
export class RefusedJobError extends LongavError {
  constructor(message: string) {
    super(message, { kind: 'input', code: 'JOB_REFUSED' })
    this.name = 'RefusedJobError'
  }
}

export interface WorkerSettings {
  /** The worker's own models folder (a job may only name one inside the store). */
  modelsDir?: string
  /**
   * Stands in for a remote GPU when sizing a queue: each candidate job this worker runs waits this
   * many ms per frame of its shot before its steps. Never part of a job: renders cannot ask for it.
   */
  simulatedMsPerFrame?: number
  onLog?(line: string): void
}

export async function buildServices(spec: ServicesSpec, store: Store, settings: WorkerSettings): Promise<Services> {
  const raw = await store.get('brief', spec.briefKey, Brief)
  if (!raw) throw new Error(`the store at ${store.root} has no brief ${spec.briefKey}: is this worker's --store the render's?`)
  // The brief's folder is the coordinator's: nothing on this machine is read through it.
  const brief: Brief = { ...raw, baseDir: store.root, assets: [] }
  const fallback = spec.generator.name ?? brief.generator ?? 'procedural'
  const used = namesInUse(fallback, spec.generator.name ? [] : brief.shots)
  if (used.includes('footage')) throw new RefusedJobError('footage shots are not rendered on workers: their clips are outside the shared store')
  const modelsDir = spec.modelsDir ? fromStorePaths({ modelsDir: spec.modelsDir }, store.root).modelsDir : settings.modelsDir
  const generator = selectGenerator({
    brief,
    flags: { generator: spec.generator.name, onnxModel: spec.generator.onnxModel, comfyuiUrl: spec.generator.comfyuiUrl, comfyuiWorkflow: spec.generator.comfyuiWorkflow },
    modelsDir,
    store,
    onLog: settings.onLog,
  })
  let llm = null
  if (spec.judge === 'llm') {
    const cfg = llmConfigFrom(config().llm)
    if (!cfg) throw new RefusedJobError("the render's judge is a language model, and this worker has none configured (LONGAV_LLM_* or OPENAI_API_KEY)")
    llm = openLlmSession(cfg)
  }
  return {
    director: createHeuristicDirector(),
    planner: createHeuristicPlanner(),
    verifier: createHeuristicVerifier(),
    judge: llm ? createLlmJudge(llm.client, { onLog: llm.log }) : createMetricJudge(),
    generator,
    llm,
    modelsDir,
  }
}
