/**
 * A queue worker: takes shot jobs from BullMQ, runs them over the shared store, reports progress
 * on the job. BullMQ renews the job's lock every lockDuration/2 (the worker's heartbeat): a
 * worker that dies stops renewing, and another worker's stalled check hands its job on.
 * `stop('finish')` takes no new job and lets the current ones end; `stop('handBack')` aborts
 * them and puts them back in the queue at once for another worker.
 */
import { Redis } from 'ioredis'
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq'
import { openStore } from '../store/index.js'
import { createExecutor } from './execute.js'
import { CANCEL_CHANNEL, CANCELLED, QUEUE_NAME } from './jobs.js'
import { checkRedisReachable } from './reach.js'
import { RefusedJobError } from './services.js'
import { connectionOptions, parseRedisUrl, redactText } from './url.js'

export interface WorkerOptions {
  redisUrl: string
  storeDir: string
  /** Jobs run at once (default 1). */
  concurrency?: number
  /** How long a job's lock lasts without renewal (default 30 s): a dead worker's job waits this long. */
  lockDurationMs?: number
  /** How often stalled jobs are looked for (default 30 s). */
  stalledIntervalMs?: number
  modelsDir?: string
  /** Benchmarking a queue: each candidate job waits this many ms per frame of its shot, as a remote GPU would. */
  simulatedMsPerFrame?: number
  onLog?(level: 'info' | 'warn' | 'error', line: string): void
}

export interface QueueWorker {
  /** Jobs this worker ran to the end (not answered from the store). */
  readonly ran: number
  stop(how: 'finish' | 'handBack'): Promise<void>
  closed: Promise<void>
}

const HAND_BACK = 'handed back'

export async function startWorker(opts: WorkerOptions): Promise<QueueWorker> {
  const target = parseRedisUrl(opts.redisUrl, '--redis')
  await checkRedisReachable(target)
  const log = opts.onLog ?? (() => {})
  const store = openStore(opts.storeDir)
  const executor = createExecutor(store, { modelsDir: opts.modelsDir, simulatedMsPerFrame: opts.simulatedMsPerFrame, onLog: (line) => log('info', line) })
  let ran = 0
  const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
    const started = Date.now()
    const shot = (job.data as { input?: { shotIndex?: number } })?.input?.shotIndex
    const what = `${job.name} job ${job.id}${shot !== undefined ? ` (shot ${shot + 1})` : ''}`
    log('info', `${what}: started`)
    let last = 0
    try {
      const { fromStore } = await executor.run(job.name, job.id ?? '', job.data, {
        signal: signal ?? new AbortController().signal,
        emit: (e) => {
          if (e.type === 'log') log(e.level, e.message)
        },
        onProgress: (p) => {
          // A progress write per 5 %: the coordinator's ETA needs no more.
          if (p - last < 0.05 && p < 1) return
          last = p
          void job.updateProgress(Math.round(p * 1000) / 1000).catch(() => {})
        },
      })
      if (!fromStore) ran++
      log('info', `${what}: ${fromStore ? 'already in the store' : 'done'} in ${((Date.now() - started) / 1000).toFixed(3)} s`)
      return { ok: true }
    } catch (err) {
      const reason = signal?.aborted ? String(signal.reason ?? '') : ''
      if (reason === HAND_BACK && token) {
        await job.moveToWait(token)
        log('warn', `${what}: handed back to the queue`)
        throw new WaitingError()
      }
      if (reason === CANCELLED) {
        log('warn', `${what}: cancelled by its render`)
        throw new UnrecoverableError(CANCELLED)
      }
      const message = redactText((err as Error).message ?? String(err), target)
      log('error', `${what}: failed (attempt ${job.attemptsMade + 1}): ${message}`)
      if (err instanceof RefusedJobError) throw new UnrecoverableError(message)
      throw new Error(message)
    }
  }
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connectionOptions(target),
    concurrency: Math.max(1, opts.concurrency ?? 1),
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 3,
    // Results live in the store; Redis keeps finished jobs a while, for dedup and inspection.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  })
  let lastError = ''
  worker.on('error', (err) => {
    const m = redactText(err.message, target)
    if (m !== lastError) log('warn', `redis: ${(lastError = m)}`)
  })
  // The coordinator's "stop that job": only the worker running it has it.
  const sub = new Redis(connectionOptions(target))
  sub.on('error', () => {})
  await sub.subscribe(CANCEL_CHANNEL)
  sub.on('message', (_channel, jobId: string) => {
    if (worker.cancelJob(jobId, CANCELLED)) log('warn', `job ${jobId}: its render cancelled it`)
  })
  await worker.waitUntilReady()
  let resolveClosed!: () => void
  const closed = new Promise<void>((res) => (resolveClosed = res))
  let closing: Promise<void> | undefined
  return {
    get ran() {
      return ran
    },
    closed,
    stop(how) {
      if (how === 'handBack') worker.cancelAllJobs(HAND_BACK)
      closing ??= (async () => {
        await worker.close()
        sub.disconnect()
        resolveClosed()
      })()
      return closing
    },
  }
}
