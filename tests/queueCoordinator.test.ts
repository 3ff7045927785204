/**
 * The coordinator's own faults, on a real redis-server with real `longav worker` processes:
 * killed and started again → no finished job is run again; cancelled → its waiting jobs are
 * removed and its active job is stopped.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Queue } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { render, type RenderOptions } from '../src/index.js'
import { QUEUE_NAME } from '../src/queue/index.js'
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
const startedIds = (w: WorkerProcess) => w.lines.filter((l) => /: started/.test(l)).map((l) => /job (\S+)/.exec(l)![1])

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-queue-coord-'))
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

describe('the coordinator', () => {
  it('killed (kill -9) and started again: no finished job is run again, and the film is identical', async () => {
    const store = join(dir, 'store-restart')
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
    expect(frameMd5s(join(o.outDir!, 'final.mp4'))).toEqual(baseline)
  }, 90_000)

  it('cancelled (AbortSignal): its waiting jobs are removed and its active job is stopped', async () => {
    const store = join(dir, 'store-cancel')
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const stop = new AbortController()
    // Two shots at once, one worker: one job runs, one waits.
    const rendering = settled(render({ ...opts('out-cancel', store, { latencyMsPerFrame: 400 }), concurrency: 2, signal: stop.signal }))
    const active = /job (\S+)/.exec(await w.waitFor(/candidate job .*: started/))![1]
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
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
