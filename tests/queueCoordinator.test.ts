/**
 * The coordinator's own faults, on a real redis-server with real `longav worker` processes:
 * killed and started again → no finished job is run again; cancelled → its waiting jobs are
 * removed and its active job is stopped.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Queue } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { render } from '../src/index.js'
import { QUEUE_NAME } from '../src/queue/index.js'
import type { WorkerProcess } from './helpers/redis.js'
import { frameMd5s } from './helpers/video.js'
import { settled, useQueueFixture } from './helpers/queueFixture.js'

const LATENCY = 40
const f = useQueueFixture('queue-coord', { latencyMs: LATENCY, restartRedis: true })
const { worker, opts } = f
const startedIds = (w: WorkerProcess) => w.lines.filter((l) => /: started/.test(l)).map((l) => /job (\S+)/.exec(l)![1])

describe('the coordinator', () => {
  it('killed (kill -9) and started again: no finished job is run again, and the film is identical', async () => {
    const store = join(f.dir, 'store-restart')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const o = opts('out-restart', store)
    const script = `const { render } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/index.js')).href)}); await render(JSON.parse(process.env.RENDER_OPTS));`
    const run = () => spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, RENDER_OPTS: JSON.stringify(o) }, stdio: 'ignore' })
    const first = run()
    await w.waitFor(/candidate job .*: done/)
    await w.waitFor(/judge job .*: done/)
    first.kill('SIGKILL')
    const doneBefore = w.lines.filter((l) => /: done/.test(l)).map((l) => /job (\S+)/.exec(l)![1])
    const second = run()
    const code = await new Promise<number | null>((res) => second.once('exit', res))
    expect(code).toBe(0)
    const started = startedIds(w)
    for (const id of doneBefore) expect(started.filter((s) => s === id).length, id).toBe(1)
    expect(new Set(started).size).toBe(started.length)
    expect(frameMd5s(join(o.outDir!, 'final.mp4'))).toEqual(f.baseline)
  }, 90_000)

  it('cancelled (AbortSignal): its waiting jobs are removed and its active job is stopped', async () => {
    const store = join(f.dir, 'store-cancel')
    const w = worker(store, '--simulate-ms-per-frame', '400')
    await w.waitFor(/worker ready/)
    const stop = new AbortController()
    // Two shots at once, one worker: one job runs, one waits.
    const rendering = settled(render({ ...opts('out-cancel', store), concurrency: 2, signal: stop.signal }))
    const active = /job (\S+)/.exec(await w.waitFor(/candidate job .*: started/))![1]
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: f.redis.port } })
    try {
      const deadline = Date.now() + 10_000
      while ((await q.getWaitingCount()) < 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100))
      expect(await q.getWaitingCount()).toBe(1)
      stop.abort()
      const err = await rendering.then(() => undefined, (e: Error) => e)
      expect(err?.name).toBe('AbortError')
      await w.waitFor(new RegExp(`${active}.*cancelled by its render`), 10_000)
      // The worker logs the cancel, then BullMQ moves the job to failed.
      for (let i = 0; i < 50 && (await q.getActiveCount()) > 0; i++) await new Promise((res) => setTimeout(res, 100))
      expect(await q.getWaitingCount()).toBe(0)
      expect(await q.getActiveCount()).toBe(0)
      expect(await q.getJobState(active)).toBe('failed')
    } finally {
      await q.close()
    }
  }, 60_000)
})
