/**
 * Redis lost mid-render, on a real redis-server with real `longav worker` processes: lost for
 * good → the render fails cleanly after its stated timeout; back (empty) within it → the
 * coordinator reconnects, queues again what Redis lost, and the film is identical.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { render } from '../src/index.js'
import { frameMd5s } from './helpers/video.js'
import { settled, useQueueFixture } from './helpers/queueFixture.js'

const LATENCY = 40
const f = useQueueFixture('queue-recovery', { latencyMs: LATENCY, restartRedis: true })
const { worker, opts } = f
const jobsIn = (store: string) => (existsSync(join(store, 'job')) ? readdirSync(join(store, 'job')).filter((f) => f.endsWith('.json')) : [])

describe('Redis lost mid-render', () => {
  it('for good: the render fails cleanly once the stated timeout (here 2 s) has passed, finished shots kept', async () => {
    const store = join(f.dir, 'store-lost')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const rendering = settled(render(opts('out-lost', store, { lostTimeoutMs: 2000 })))
    await w.waitFor(/candidate job .*: done/)
    await f.redis.stop()
    const t0 = Date.now()
    const err = await rendering.then(() => undefined, (e: Error & { code?: string }) => e)
    const waited = Date.now() - t0
    expect(err?.message).toMatch(/^lost Redis at redis:\/\/127\.0\.0\.1:\d+: unreachable for more than 2 s; finished shots are kept in the store/)
    expect((err as { code?: string }).code).toBe('QUEUE_LOST')
    expect(waited).toBeGreaterThanOrEqual(2000)
    expect(waited).toBeLessThan(15_000)
    expect(jobsIn(store).length).toBeGreaterThan(0)
  }, 60_000)

  it('back (empty) within the timeout: the coordinator reconnects, queues again what was lost, and the film is identical', async () => {
    const store = join(f.dir, 'store-back')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const rendering = settled(render(opts('out-back', store, { lostTimeoutMs: 30_000, pollMs: 500 })))
    await w.waitFor(/candidate job .*: done/)
    await f.redis.stop()
    await new Promise((res) => setTimeout(res, 1500))
    await f.redis.start()
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(f.baseline)
  }, 90_000)
})
