/**
 * measureFrames on a worker thread: the verifier's metrics (optical flow, temporal consistency, the
 * cut detector: most of a shot's verification) run beside the main thread, which meanwhile draws
 * and encodes the next shot, so both cores work. Same figures, bit for bit: the worker runs the
 * same code on the same decoded frames and posts its series back; the temporal accumulator is
 * rebuilt from them (TemporalAccumulator.fromSeries).
 *
 * One worker, started on first use and unreferenced while idle (it never keeps the process alive);
 * jobs queue in it. Running from the TypeScript sources (the tests, through vitest), where no
 * compiled worker exists, the frames are measured on this thread instead.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { LongavError } from '../errors.js'
import { abortError, FfmpegError } from '../ffmpeg/run.js'
import type { MediaInfo } from '../ffmpeg/index.js'
import type { FilmTrace } from './filmTrace.js'
import { measureFrames, type FrameMeasurement, type MeasureFramesOptions } from './measureFrames.js'
import { TemporalAccumulator } from './temporal.js'

export interface MeasureJob {
  id: number
  path: string
  width?: number
  trace?: boolean
  info?: MediaInfo
}

type Plain = Omit<FrameMeasurement, 'temporal'> & { luma: Float32Array; sim: Float32Array; trace?: FilmTrace }

export interface MeasureReply {
  id: number
  ok?: Plain
  error?: { name: string; message: string; props: Record<string, unknown> }
}

const WORKER = new URL('./measureWorker.js', import.meta.url)

let worker: Worker | undefined
let nextId = 1
const pending = new Map<number, { resolve(m: FrameMeasurement): void; reject(e: Error): void }>()

/**
 * Whether measurements run on the worker (a compiled build) or on this thread (the sources). By
 * default only with more than 2 cores: the worker takes ~17 CPU-s of the example's main thread but
 * costs ~8 CPU-s more in all, and on 2 cores a render is CPU-bound (node + ffmpeg ≈ 2 × wall), so
 * there it was a wash (112.3 s vs 114.1 s). LONGAV_METRICS_WORKER=1 or 0 forces it either way.
 */
export function measuresOffThread(): boolean {
  const forced = process.env.LONGAV_METRICS_WORKER
  if (forced === '0') return false
  if (forced !== '1' && availableParallelism() <= 2) return false
  return WORKER.protocol === 'file:' && fileURLToPath(WORKER).endsWith('.js') && existsSync(fileURLToPath(WORKER))
}

function theWorker(): Worker {
  if (worker) return worker
  const w = new Worker(WORKER)
  w.on('message', (reply: MeasureReply) => {
    const job = pending.get(reply.id)
    if (!job) return
    pending.delete(reply.id)
    if (!pending.size) w.unref()
    if (reply.ok) {
      const { luma, sim, ...rest } = reply.ok
      job.resolve({ ...rest, temporal: TemporalAccumulator.fromSeries(luma, sim, { width: rest.width, height: rest.height }) })
    } else job.reject(revive(reply.error!))
  })
  // A worker that dies (out of memory, a bug) fails every job it held; the next job starts a new one.
  w.on('error', (err) => failAll(err))
  w.on('exit', (code) => {
    if (worker === w) worker = undefined
    failAll(new Error(`the measuring worker exited (code ${code})`))
  })
  w.unref()
  return (worker = w)
}

function failAll(err: Error): void {
  for (const [id, job] of pending) {
    pending.delete(id)
    job.reject(err)
  }
}

/** The error the worker threw, of its own class where it matters (ffmpeg failures, aborts, LongavErrors). */
function revive(e: { name: string; message: string; props: Record<string, unknown> }): Error {
  const p = e.props
  const err =
    e.name === 'FfmpegError'
      ? new FfmpegError(e.message, String(p.stderrTail ?? ''), (p.exitCode as number | null) ?? null)
      : typeof p.kind === 'string'
        ? new LongavError(e.message, { kind: p.kind as never, code: String(p.code ?? 'INTERNAL') })
        : new Error(e.message)
  if (e.name !== 'FfmpegError') err.name = e.name
  return err
}

/** measureFrames(path, opts), on the worker thread when there is one (see the module doc). */
export function measureFramesOffThread(path: string, opts: Pick<MeasureFramesOptions, 'width' | 'signal' | 'trace' | 'info'> = {}): Promise<FrameMeasurement> {
  if (!measuresOffThread()) return measureFrames(path, opts)
  const { signal } = opts
  if (signal?.aborted) return Promise.reject(abortError(signal))
  const w = theWorker()
  const id = nextId++
  return new Promise<FrameMeasurement>((resolve, reject) => {
    // The worker stops its decode; the caller hears of the abort at once, as from measureFrames.
    const onAbort = () => {
      w.postMessage({ abort: id })
      pending.get(id)?.reject(abortError(signal!))
      pending.delete(id)
      if (!pending.size) w.unref()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => signal?.removeEventListener('abort', onAbort)
    pending.set(id, {
      resolve: (m) => (done(), resolve(m)),
      reject: (e) => (done(), reject(e)),
    })
    w.ref()
    w.postMessage({ id, path, width: opts.width, trace: opts.trace, info: opts.info } satisfies MeasureJob)
  })
}
