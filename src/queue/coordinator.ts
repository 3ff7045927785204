/**
 * The coordinator's side of a queued render: the shot machine's `generate`, `verify` and `judge`
 * actors, as jobs. A candidate (generate + verify) and a round's judgement each become one BullMQ
 * job whose id is the hash of its data; a result already in the store is not queued; otherwise
 * the job is added (adding it again is a no-op) and awaited: QueueEvents wakes the wait, a poll
 * every `pollMs` catches what an event missed (Redis restarted empty: the job is added again).
 * Redis gone longer than `lostTimeoutMs` fails the render cleanly; an aborted step removes its
 * waiting job and asks the worker running it to stop.
 */
import { copyFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { Verdict, type VerifierThresholds } from '../agents/verifier/index.js'
import { RenderError } from '../errors.js'
import type { StepContext } from '../pipeline/context.js'
import type { ShotSteps } from '../pipeline/runners/provide.js'
import { need } from '../pipeline/steps/read.js'
import { verify as verifyLocally } from '../pipeline/steps/verify.js'
import { ShotPlan } from '../schemas/index.js'
import type { Store } from '../store/index.js'
import { CANCEL_CHANNEL, CANCELLED, fromStorePaths, jobIdOf, jobKey, JOBS, OutsideStoreError, QUEUE_NAME, toStorePaths, type CandidateResult, type JobName, type JudgeResult, type ServicesSpec } from './jobs.js'
import { checkRedisReachable, watchRedis } from './reach.js'
import { connectionOptions, parseRedisUrl, redactText } from './url.js'

export interface QueueRenderOptions {
  /** redis://[:password@]HOST:PORT[/db] */
  url: string
  /** Redis unreachable this long mid-render fails the render (default 60 s). */
  lostTimeoutMs?: number
  /** Tries per job before the render fails (default 3), with exponential backoff from `backoffMs` (default 1 s). */
  attempts?: number
  backoffMs?: number
  /** How often a waiting job's state is read besides the events (default 1 s). */
  pollMs?: number
}

export interface Coordinator {
  steps: ShotSteps
  /** Jobs this coordinator added to the queue (not found in the store or already queued). */
  readonly queued: number
  close(): Promise<void>
}

export interface CoordinatorSetup {
  queue: QueueRenderOptions
  store: Store
  spec: ServicesSpec
  thresholds: VerifierThresholds
  song: { path: string; sha256: string }
  log(level: 'info' | 'warn', message: string): void
}

type Progress = (fraction: number) => void

export async function openCoordinator(setup: CoordinatorSetup): Promise<Coordinator> {
  const { store, spec } = setup
  const target = parseRedisUrl(setup.queue.url)
  await checkRedisReachable(target)
  const opts = { lostTimeoutMs: 60_000, attempts: 3, backoffMs: 1000, pollMs: 1000, ...setup.queue }
  const connection = connectionOptions(target)
  const queue = new Queue(QUEUE_NAME, { connection })
  const events = new QueueEvents(QUEUE_NAME, { connection })
  const watch = new Redis(connection)
  let lastError = ''
  const onError = (err: Error) => {
    const m = redactText(err.message, target)
    if (m !== lastError) setup.log('warn', `redis: ${(lastError = m)}`)
  }
  queue.on('error', onError)
  events.on('error', onError)
  watch.on('error', onError)
  await events.waitUntilReady()

  const redis = watchRedis(watch, {
    lostAfterMs: opts.lostTimeoutMs,
    shown: target.shown,
    log: setup.log,
    lostError: () =>
      new RenderError(
        `lost Redis at ${target.shown}: unreachable for more than ${Math.round(opts.lostTimeoutMs / 1000)} s; ` +
          `finished shots are kept in the store at ${store.root}: run the same command again once Redis is back`,
        { code: 'QUEUE_LOST' },
      ),
  })
  const lost = redis.lost

  const wakers = new Map<string, Set<() => void>>()
  const progress = new Map<string, Progress>()
  const wake = ({ jobId }: { jobId: string }) => wakers.get(jobId)?.forEach((f) => f())
  for (const e of ['completed', 'failed', 'removed', 'stalled', 'waiting', 'active'] as const) events.on(e, wake)
  events.on('progress', ({ jobId, data }) => typeof data === 'number' && progress.get(jobId)?.(data))

  // The song, copied once into the store: workers read the store only.
  const songDir = await store.artifact('input', setup.song.sha256.slice(0, 32), (tmp) => copyFile(setup.song.path, join(tmp, `song${extname(setup.song.path).toLowerCase()}`)))
  const songInStore = join(songDir.dir, `song${extname(setup.song.path).toLowerCase()}`)

  const pending = new Set<Promise<unknown>>()
  const verdicts = new Map<string, Verdict>()
  let queued = 0

  /** The promise, unless Redis is lost or the step aborted first. */
  const guard = async <T>(p: Promise<T>, signal: AbortSignal): Promise<T> => {
    signal.throwIfAborted()
    let onAbort!: () => void
    const aborted = new Promise<never>((_, rej) => {
      onAbort = () => rej(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      return await Promise.race([p, lost, aborted])
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  const napUntilWoken = (id: string, signal: AbortSignal) =>
    new Promise<void>((res) => {
      const set = wakers.get(id) ?? new Set()
      wakers.set(id, set)
      const done = () => {
        clearTimeout(timer)
        set.delete(done)
        signal.removeEventListener('abort', done)
        res()
      }
      const timer = setTimeout(done, opts.pollMs)
      set.add(done)
      signal.addEventListener('abort', done, { once: true })
    })

  /** The job's data in the store's terms: paths relative to it, JSON as it travels. */
  function jobData(build: () => unknown): unknown {
    try {
      return JSON.parse(JSON.stringify(toStorePaths(build(), store.root)))
    } catch (err) {
      if (err instanceof OutsideStoreError) throw new RenderError(`cannot queue this shot: ${err.message}`, { code: 'QUEUE_OUTSIDE_STORE' })
      throw err
    }
  }

  async function run(name: JobName, data: unknown, shotIndex: number, ctx: StepContext, onProgress?: Progress): Promise<{ result: unknown; found: boolean }> {
    const schema = JOBS[name]
    schema.data.parse(data)
    const key = jobKey(name, data)
    const id = jobIdOf(name, key)
    const kept = await store.get('job', key, schema.result)
    if (kept) return { result: kept, found: true }
    if (onProgress) progress.set(id, onProgress)
    let first = true
    try {
      for (;;) {
        const state = await guard(queue.getJobState(id), ctx.signal)
        if (state === 'completed') {
          const result = await store.get('job', key, schema.result)
          if (result) return { result, found: false }
          if (!first) throw new RenderError(`shot ${shotIndex + 1}: ${name} job ${id} finished, but its result is not in the store at ${store.root}: do the workers use the same --store?`, { code: 'QUEUE_STORE_MISMATCH' })
        }
        if (state === 'failed') {
          const job = await guard(queue.getJob(id), ctx.signal)
          const reason = job?.failedReason ?? 'unknown reason'
          // A failure from an earlier render, or a job another render cancelled, is asked for again.
          if (!first && reason !== CANCELLED) {
            throw new RenderError(`shot ${shotIndex + 1} failed on the workers: its ${name} job (${id}) failed ${job?.attemptsMade ?? '?'} time(s), last: ${reason}`, {
              code: 'QUEUE_JOB_FAILED',
            })
          }
        }
        if (state === 'unknown' || state === 'failed' || (state === 'completed' && first)) {
          if (state !== 'unknown') await guard(queue.remove(id), ctx.signal)
          await guard(queue.add(name, data, { jobId: id, attempts: opts.attempts, backoff: { type: 'exponential', delay: opts.backoffMs } }), ctx.signal)
          queued++
        }
        first = false
        await guard(napUntilWoken(id, ctx.signal), ctx.signal)
      }
    } catch (err) {
      // With Redis away there is nobody to tell: its jobs wait for a later render, or a worker.
      if (ctx.signal.aborted && !redis.down()) track(withdraw(id))
      throw err
    } finally {
      progress.delete(id)
    }
  }

  /** A render that no longer wants a job: remove it if it waits, ask its worker to stop it if it runs. */
  async function withdraw(id: string): Promise<void> {
    const state = await queue.getJobState(id)
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') await queue.remove(id).catch(() => watch.publish(CANCEL_CHANNEL, id))
    else if (state === 'active') await watch.publish(CANCEL_CHANNEL, id)
  }
  function track(p: Promise<unknown>) {
    const bounded = Promise.race([p.catch(() => {}), sleep(5000)])
    pending.add(bounded)
    void bounded.finally(() => pending.delete(bounded))
  }

  const withSong = <T extends { sources: { songPath: string } }>(input: T): T => ({ ...input, sources: { ...input.sources, songPath: songInStore } })

  const steps: ShotSteps = {
    async generate(input, st, ctx) {
      const data = jobData(() => ({ services: spec, thresholds: setup.thresholds, input: withSong(input) }))
      const { result, found } = await run('candidate', data, input.shotIndex, ctx, (p) => ctx.onProgress?.(p))
      const made = fromStorePaths(result as CandidateResult, store.root)
      verdicts.set(made.segment.path, made.verdict)
      const plan = await need(st, 'plan', input.sources.planKey, ShotPlan)
      // A take a worker made counts as generated (a batch's cost, the summary), as one made here would.
      ctx.emit({ type: 'shot', index: input.shotIndex, total: plan.shots.length, attempt: input.attempt, status: found ? 'cached' : 'generating' })
      if (found) ctx.onProgress?.(1)
      return { segment: { ...made.segment, attempt: input.attempt }, cached: made.cached || found }
    },
    async verify(input, st, ctx) {
      const verdict = verdicts.get(input.segment.path)
      // A resumed render may ask for a verdict it did not see made: the step itself, a store hit or a local measure.
      if (!verdict) return verifyLocally(input, st, ctx)
      const plan = await need(st, 'plan', input.sources.planKey, ShotPlan)
      ctx.emit({
        type: 'shot',
        index: input.shotIndex,
        total: plan.shots.length,
        attempt: input.segment.attempt,
        status: verdict.accepted ? 'accepted' : 'rejected',
        score: verdict.score,
        critique: verdict.critique || undefined,
      })
      return verdict
    },
    async judge(input, st, ctx) {
      void st
      // Whether a candidate was a store hit is not what the judge judges: one job either way.
      const data = jobData(() => ({ services: spec, input: withSong({ ...input, attempts: input.attempts.map((a) => ({ ...a, cached: false })) }) }))
      const { result } = await run('judge', data, input.shotIndex, ctx)
      return result as JudgeResult
    },
  }
  return {
    steps,
    get queued() {
      return queued
    },
    async close() {
      redis.stop()
      await Promise.allSettled([...pending])
      await Promise.race([Promise.allSettled([events.close(), queue.close()]), sleep(redis.down() ? 200 : 3000)])
      watch.disconnect()
    },
  }
}

function sleep(ms: number) {
  return new Promise<void>((res) => setTimeout(res, ms).unref())
}
