/**
 * Workers that die or stop, and a job that always fails, on a real redis-server with real
 * `longav worker` processes: kill -9 mid-job → another worker takes the job over once its lock
 * expires (BullMQ's stalled-job recovery) and the film is complete and identical; SIGTERM hands
 * the job back at once; a poisoned job is retried with backoff, then the render fails naming the
 * shot, and the finished shots stay in the store.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { render } from '../src/index.js'
import { LONGAV_BIN } from './helpers/cli.js'
import { writeTestBrief } from './helpers/brief.js'
import { freePort, spawnWorker, startRedis, type TestRedis, type WorkerProcess } from './helpers/redis.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { frameMd5s } from './helpers/video.js'

const SIZE = { width: 160, height: 90, fps: 12 }
/** Each frame waits this long on the worker (a remote GPU): shots of 2–4 s wait 0.7–1.5 s. */
const LATENCY = 30
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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-queue-faults-'))
  song = await makeSongFixture({ bpm: 120, seconds: 10, dir })
  brief = writeTestBrief(dir)
  redis = await startRedis()
  const local = await render({ song: song.path, brief, outDir: join(dir, 'local'), output: SIZE, llm: null, finish: 'video' })
  baseline = frameMd5s(local.files.final)
}, 90_000)

// One queue per Redis: a worker of another test's store must not take this test's jobs.
afterEach(async () => {
  for (const w of all.splice(0)) {
    w.proc.kill('SIGKILL')
    await w.exited
  }
})

afterAll(async () => {
  await redis?.stop()
})

/** A promise whose rejection is handled now and rethrown when awaited. */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}

const startedJob = (line: string) => /job (\S+)/.exec(line)![1]

describe('worker faults', () => {
  it('kill -9 of a worker mid-job: another takes the job over after its lock expires; the film is complete and identical', async () => {
    const store = join(dir, 'store-kill')
    const fast = ['--lock-duration', '1500', '--stalled-interval', '500']
    const victim = worker(store, ...fast)
    await victim.waitFor(/worker ready/)
    const rendering = settled(render({ song: song.path, brief, outDir: join(dir, 'out-kill'), output: SIZE, llm: null, finish: 'video', storeDir: store, queue: { url: redis.url, latencyMsPerFrame: LATENCY } }))
    const line = await victim.waitFor(/candidate job .*: started/)
    const killedJob = startedJob(line)
    victim.proc.kill('SIGKILL')
    await victim.exited
    const survivor = worker(store, ...fast)
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(baseline)
    expect(victim.lines.some((l) => l.includes(killedJob) && l.includes('done'))).toBe(false)
    expect(survivor.lines.some((l) => l.includes(killedJob) && l.includes('done'))).toBe(true)
  }, 90_000)

  it('SIGTERM hands the current job back at once: another worker finishes it, long before its lock would expire', async () => {
    const store = join(dir, 'store-term')
    const leaving = worker(store, '--lock-duration', '600000')
    const staying = worker(store, '--lock-duration', '600000')
    await Promise.all([leaving.waitFor(/worker ready/), staying.waitFor(/worker ready/)])
    const t0 = Date.now()
    const rendering = settled(render({ song: song.path, brief, outDir: join(dir, 'out-term'), output: SIZE, llm: null, finish: 'video', storeDir: store, queue: { url: redis.url, latencyMsPerFrame: LATENCY } }))
    const job = startedJob(await leaving.waitFor(/candidate job .*: started/))
    leaving.proc.kill('SIGTERM')
    expect(await leaving.exited).toBe(130)
    expect(leaving.lines.some((l) => l.includes(job) && l.includes('handed back'))).toBe(true)
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(baseline)
    expect(staying.lines.some((l) => l.includes(job) && l.includes('done'))).toBe(true)
    expect(Date.now() - t0).toBeLessThan(60_000)
  }, 90_000)

  it('a poisoned job (its shot goes to a ComfyUI server that is not there) is retried with backoff, then the render fails naming the shot; finished shots stay in the store', async () => {
    const store = join(dir, 'store-poison')
    const dead = await freePort()
    const poisoned = writeTestBrief(join(dir), `comfyui:\n  url: http://127.0.0.1:${dead}\nshots:\n  - shots: [1]\n    generator: comfyui\n`)
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const t0 = Date.now()
    const err = await render({ song: song.path, brief: poisoned, outDir: join(dir, 'out-poison'), output: SIZE, llm: null, finish: 'video', storeDir: store, queue: { url: redis.url, attempts: 3, backoffMs: 300 } }).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(err?.message).toMatch(/^shot 2 failed on the workers: its candidate job \(candidate-[0-9a-f]+\) failed 3 time\(s\), last: .*127\.0\.0\.1/)
    // Three tries, with the backoff between them (300 ms, then 600 ms).
    const tries = w.lines.filter((l) => /\(shot 2\): failed \(attempt \d\)/.test(l))
    expect(tries.length).toBe(3)
    expect(Date.now() - t0).toBeGreaterThan(900)
    const kept = existsSync(join(store, 'job')) ? readdirSync(join(store, 'job')).filter((f) => f.endsWith('.json')) : []
    expect(kept.length).toBeGreaterThan(0)
    // Every job that finished kept its result under its key.
    const done = w.lines.filter((l) => /job .*: done/.test(l)).map((l) => /job \w+-([0-9a-f]+)/.exec(l)![1] + '.json')
    expect(done.length).toBeGreaterThan(0)
    expect(kept.sort()).toEqual([...new Set(done)].sort())
  }, 90_000)
})
