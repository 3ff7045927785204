/**
 * The set-up the queue fault tests share: a 10 s song and brief, a real redis-server, the frames of
 * the same render made in-process (what every queued render must equal), `longav worker`
 * processes killed after each test, and render options for a queued render into its own folder.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { render, type RenderOptions } from '../../src/index.js'
import { LONGAV_BIN } from './cli.js'
import { writeTestBrief } from './brief.js'
import { spawnWorker, startRedis, type TestRedis, type WorkerProcess } from './redis.js'
import { makeSongFixture, type SongFixture } from './songFixture.js'
import { frameMd5s } from './video.js'

export const QUEUE_SIZE = { width: 160, height: 90, fps: 12 }

export interface QueueFixture {
  dir: string
  song: SongFixture
  brief: string
  redis: TestRedis
  /** Per-frame MD5s of the in-process render. */
  baseline: string[]
  /** A `longav worker` on this Redis and store (killed after the test). */
  worker(store: string, ...extra: string[]): WorkerProcess
  /** A queued render's options: its own folder, the shared store, (its workers wait `latencyMs` per frame). */
  opts(name: string, store: string, queue?: Partial<Exclude<RenderOptions['queue'], string | undefined>>): RenderOptions
}

/** Registers the hooks; the fields are filled before the first test. `restartRedis`: an empty Redis for each test. */
export function useQueueFixture(name: string, o: { latencyMs: number; restartRedis?: boolean }): QueueFixture {
  const workers: WorkerProcess[] = []
  const f = {} as QueueFixture
  f.worker = (store, ...extra) => {
    // The remote GPU's wait is the worker's; a later flag in `extra` overrides it.
    const w = spawnWorker(LONGAV_BIN, ['--redis', f.redis.url, '--store', store, '--simulate-ms-per-frame', String(o.latencyMs), ...extra])
    workers.push(w)
    return w
  }
  f.opts = (out, store, queue = {}) => ({
    song: f.song.path,
    brief: f.brief,
    outDir: join(f.dir, out),
    output: QUEUE_SIZE,
    llm: null,
    finish: 'video',
    storeDir: store,
    queue: { url: f.redis.url, ...queue },
  })
  beforeAll(async () => {
    f.dir = mkdtempSync(join(tmpdir(), `longav-${name}-`))
    f.song = await makeSongFixture({ bpm: 120, seconds: 10, dir: f.dir })
    f.brief = writeTestBrief(f.dir)
    f.redis = await startRedis()
    const local = await render({ song: f.song.path, brief: f.brief, outDir: join(f.dir, 'local'), output: QUEUE_SIZE, llm: null, finish: 'video' })
    f.baseline = frameMd5s(local.files.final)
  }, 90_000)
  // One queue per Redis: a worker of another test's store must not take this test's jobs.
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.proc.kill('SIGKILL')
      await w.exited
    }
    if (o.restartRedis) {
      await f.redis.stop()
      await f.redis.start()
    }
  })
  afterAll(async () => {
    await f.redis?.stop()
  })
  return f
}

/** A promise whose rejection is handled now and rethrown when awaited. */
export function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}
