/**
 * Redis lost mid-render, on a real redis-server with real `longav worker` processes: lost for
 * good → the render fails cleanly after its stated timeout; back (empty) within it → the
 * coordinator reconnects, queues again what Redis lost, and the film is identical.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { render, type RenderOptions } from '../src/index.js'
import { LONGAV_BIN } from './helpers/cli.js'
import { writeTestBrief } from './helpers/brief.js'
import { spawnWorker, startRedis, type TestRedis, type WorkerProcess } from './helpers/redis.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { frameMd5s } from './helpers/video.js'

const SIZE = { width: 160, height: 90, fps: 12 }
const LATENCY = 40
let dir: string
let song: SongFixture
let brief: string
let redis: TestRedis
let baseline: string[]
const all: WorkerProcess[] = []

function worker(store: string, ...extra: string[]): WorkerProcess {
  const w = spawnWorker(LONGAV_BIN, ['--redis', redis.url, '--store', store, ...extra])
  all.push(w)
  return w
}
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}
const jobsIn = (store: string) => (existsSync(join(store, 'job')) ? readdirSync(join(store, 'job')).filter((f) => f.endsWith('.json')) : [])

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-queue-recovery-'))
  song = await makeSongFixture({ bpm: 120, seconds: 10, dir })
  brief = writeTestBrief(dir)
  redis = await startRedis()
  const local = await render({ song: song.path, brief, outDir: join(dir, 'local'), output: SIZE, llm: null, finish: 'video' })
  baseline = frameMd5s(local.files.final)
}, 90_000)

afterEach(async () => {
  for (const w of all.splice(0)) {
    w.proc.kill('SIGKILL')
    await w.exited
  }
  await redis.stop()
  await redis.start()
})

afterAll(async () => {
  await redis?.stop()
})

const opts = (name: string, store: string, queue: Partial<Exclude<RenderOptions['queue'], string | undefined>> = {}): RenderOptions => ({
  song: song.path,
  brief,
  outDir: join(dir, name),
  output: SIZE,
  llm: null,
  finish: 'video',
  storeDir: store,
  queue: { url: redis.url, latencyMsPerFrame: LATENCY, ...queue },
})

describe('Redis lost mid-render', () => {
  it('for good: the render fails cleanly once the stated timeout (here 2 s) has passed, finished shots kept', async () => {
    const store = join(dir, 'store-lost')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const rendering = settled(render(opts('out-lost', store, { lostTimeoutMs: 2000 })))
    await w.waitFor(/candidate job .*: done/)
    await redis.stop()
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
    const store = join(dir, 'store-back')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const rendering = settled(render(opts('out-back', store, { lostTimeoutMs: 30_000, pollMs: 500 })))
    await w.waitFor(/candidate job .*: done/)
    await redis.stop()
    await new Promise((res) => setTimeout(res, 1500))
    await redis.start()
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(baseline)
  }, 90_000)
})
