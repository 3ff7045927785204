/**
 * Workers that die or stop, and a job that always fails, on a real redis-server with real
 * `longav worker` processes: kill -9 mid-job → another worker takes the job over once its lock
 * expires (BullMQ's stalled-job recovery) and the film is complete and identical; SIGTERM hands
 * the job back at once; a poisoned job is retried with backoff, then the render fails naming the
 * shot, and the finished shots stay in the store.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { render } from '../src/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { freePort } from './helpers/redis.js'
import { frameMd5s } from './helpers/video.js'
import { QUEUE_SIZE, settled, useQueueFixture } from './helpers/queueFixture.js'

/** Each frame waits this long on the worker (a remote GPU): shots of 2–4 s wait 0.7–1.5 s. */
const LATENCY = 30
const f = useQueueFixture('queue-faults', { latencyMs: LATENCY })
const { worker, opts } = f
const startedJob = (line: string) => /job (\S+)/.exec(line)![1]

describe('worker faults', () => {
  it('kill -9 of a worker mid-job: another takes the job over after its lock expires; the film is complete and identical', async () => {
    const store = join(f.dir, 'store-kill')
    const fast = ['--lock-duration', '1500', '--stalled-interval', '500']
    const victim = worker(store, ...fast)
    await victim.waitFor(/worker ready/)
    const rendering = settled(render(opts('out-kill', store)))
    const line = await victim.waitFor(/candidate job .*: started/)
    const killedJob = startedJob(line)
    victim.proc.kill('SIGKILL')
    await victim.exited
    const survivor = worker(store, ...fast)
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(f.baseline)
    expect(victim.lines.some((l) => l.includes(killedJob) && l.includes('done'))).toBe(false)
    expect(survivor.lines.some((l) => l.includes(killedJob) && l.includes('done'))).toBe(true)
  }, 90_000)

  it('SIGTERM hands the current job back at once: another worker finishes it, long before its lock would expire', async () => {
    const store = join(f.dir, 'store-term')
    const leaving = worker(store, '--lock-duration', '600000')
    const staying = worker(store, '--lock-duration', '600000')
    await Promise.all([leaving.waitFor(/worker ready/), staying.waitFor(/worker ready/)])
    const t0 = Date.now()
    const rendering = settled(render(opts('out-term', store)))
    const job = startedJob(await leaving.waitFor(/candidate job .*: started/))
    leaving.proc.kill('SIGTERM')
    expect(await leaving.exited).toBe(130)
    expect(leaving.lines.some((l) => l.includes(job) && l.includes('handed back'))).toBe(true)
    const r = await rendering
    expect(frameMd5s(r.files.final)).toEqual(f.baseline)
    expect(staying.lines.some((l) => l.includes(job) && l.includes('done'))).toBe(true)
    expect(Date.now() - t0).toBeLessThan(60_000)
  }, 90_000)

  it('a poisoned job (its shot goes to a ComfyUI server that is not there) is retried with backoff, then the render fails naming the shot; finished shots stay in the store', async () => {
    const store = join(f.dir, 'store-poison')
    const dead = await freePort()
    const poisoned = writeTestBrief(join(f.dir), `comfyui:\n  url: http://127.0.0.1:${dead}\nshots:\n  - shots: [1]\n    generator: comfyui\n`)
    const w = worker(store)
    await w.waitFor(/worker ready/)
    const t0 = Date.now()
    const err = await render({ song: f.song.path, brief: poisoned, outDir: join(f.dir, 'out-poison'), output: QUEUE_SIZE, llm: null, finish: 'video', storeDir: store, queue: { url: f.redis.url, attempts: 3, backoffMs: 300 } }).then(
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
