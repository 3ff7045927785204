/**
 * What a worker does with one job, BullMQ aside: check the data (schemas: store paths only, a
 * known generator), answer from the store when the result is there, else run the steps
 * (generate + verify, or judge) over the shared store and keep the result under the job's key.
 */
import type { RenderEvent } from '../pipeline/events.js'
import { need } from '../pipeline/steps/read.js'
import { ShotPlan } from '../schemas/index.js'
import { generate } from '../pipeline/steps/generate.js'
import { judge } from '../pipeline/steps/judge.js'
import { verify } from '../pipeline/steps/verify.js'
import type { Services } from '../pipeline/context.js'
import { hashValue } from '../util/files.js'
import type { Store } from '../store/index.js'
import { fromStorePaths, jobKey, JOBS, toStorePaths, type CandidateResult, type JobName, type JudgeResult, type ServicesSpec } from './jobs.js'
import { buildServices, RefusedJobError, type WorkerSettings } from './services.js'

export interface ExecuteContext {
  signal: AbortSignal
  emit(event: RenderEvent): void
  onProgress(fraction: number): void
}

export interface Executor {
  /** Runs (or finds) the job; throws RefusedJobError for a job it must not run. */
  run(name: string, id: string, data: unknown, ctx: ExecuteContext): Promise<{ result: CandidateResult | JudgeResult; fromStore: boolean }>
}

export function createExecutor(store: Store, settings: WorkerSettings): Executor {
  const services = new Map<string, Promise<Services>>()
  const servicesFor = (spec: ServicesSpec) => {
    const k = hashValue(spec)
    if (!services.has(k)) {
      const p = buildServices(spec, store, settings)
      // A spec that failed to build is tried again on the next job (the brief may land later).
      p.catch(() => services.delete(k))
      services.set(k, p)
    }
    return services.get(k)!
  }
  return {
    async run(name, id, data, ctx) {
      if (!(name in JOBS)) throw new RefusedJobError(`unknown job kind '${name}'`)
      const kind = name as JobName
      const parsed = JOBS[kind].data.safeParse(data)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new RefusedJobError(`job ${id} refused: ${issue.path.join('.')}: ${issue.message}`)
      }
      const key = jobKey(kind, parsed.data)
      if (id !== `${kind}-${key}`) throw new RefusedJobError(`job ${id} refused: its id is not the hash of its data`)
      const kept = await store.get('job', key, JOBS[kind].result)
      if (kept) return { result: kept, fromStore: true }
      const svc = await servicesFor(parsed.data.services)
      const stepCtx = { signal: ctx.signal, emit: ctx.emit, services: svc }
      let result: CandidateResult | JudgeResult
      if (kind === 'candidate') {
        const job = fromStorePaths(parsed.data as typeof JOBS.candidate.data._output, store.root)
        const latency = settings.simulatedMsPerFrame
        if (latency) {
          const shot = (await need(store, 'plan', job.input.sources.planKey, ShotPlan)).shots[job.input.shotIndex]
          if (shot) await simulatedWait((shot.endFrame - shot.startFrame) * latency, ctx)
        }
        const from = latency ? 0.5 : 0
        const made = await generate(job.input, store, { ...stepCtx, onProgress: (p) => ctx.onProgress(from + (0.9 - from) * p) })
        const verdict = await verify({ sources: job.input.sources, shotIndex: job.input.shotIndex, segment: made.segment, revision: job.input.revision, references: job.input.references, thresholds: job.thresholds }, store, stepCtx)
        ctx.onProgress(1)
        result = toStorePaths({ segment: made.segment, cached: made.cached, verdict }, store.root)
      } else {
        const job = fromStorePaths(parsed.data as typeof JOBS.judge.data._output, store.root)
        result = await judge(job.input, store, stepCtx)
      }
      await store.put('job', key, result)
      return { result, fromStore: false }
    },
  }
}

/**
 * A remote GPU's cost is waiting: a worker with `simulatedMsPerFrame` makes each job wait that long per
 * frame of its shot before its steps (store hit or not), so benchmarks and tests time the queue.
 */
async function simulatedWait(ms: number, ctx: ExecuteContext): Promise<void> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    ctx.signal.throwIfAborted()
    await new Promise((res) => setTimeout(res, Math.min(100, ms - (Date.now() - started))))
    ctx.onProgress((0.5 * (Date.now() - started)) / ms)
  }
  ctx.signal.throwIfAborted()
}
