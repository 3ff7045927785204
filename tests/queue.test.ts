/**
 * Shots as BullMQ jobs on a real redis-server, made by real `longav worker` processes: the same
 * frames as an in-process render, a job asked twice runs once, a store hit is not queued,
 * Redis unreachable is an input error, a password never shows.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { render, type RenderEvent } from '../src/index.js'
import { CandidateJob, jobIdOf, jobKey, QUEUE_NAME } from '../src/queue/index.js'
import { LONGAV_BIN, longav } from './helpers/cli.js'
import { writeTestBrief } from './helpers/brief.js'
import { freePort, spawnWorker, startRedis, type TestRedis, type WorkerProcess } from './helpers/redis.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { frameMd5s } from './helpers/video.js'

const SIZE = { width: 160, height: 90, fps: 12 }
let dir: string
let song: SongFixture
let brief: string
let redis: TestRedis
let baseline: string[]
const workers: WorkerProcess[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-queue-'))
  song = await makeSongFixture({ bpm: 120, seconds: 14, dir })
  brief = writeTestBrief(dir)
  redis = await startRedis()
  const local = await render({ song: song.path, brief, outDir: join(dir, 'local'), output: SIZE, llm: null, finish: 'video' })
  baseline = frameMd5s(local.files.final)
}, 120_000)

afterAll(async () => {
  for (const w of workers) w.proc.kill('SIGKILL')
  await redis?.stop()
})

describe('a render whose shots are made by two worker processes', () => {
  const store = () => join(dir, 'shared-store')
  let result: Awaited<ReturnType<typeof render>>

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) workers.push(spawnWorker(LONGAV_BIN, ['--redis', redis.url, '--store', store(), '--simulate-ms-per-frame', '20']))
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)))
    // A remote GPU's wait (20 ms a frame) so each job runs long enough to report its progress.
    result = await render({ song: song.path, brief, outDir: join(dir, 'queued'), output: SIZE, llm: null, finish: 'video', storeDir: store(), queue: { url: redis.url }, onEvent: (e) => events.push(e) })
  }, 120_000)
  const events: RenderEvent[] = []

  it('reports progress and ETA as shots finish on the workers', () => {
    const progress = events.filter((e): e is Extract<RenderEvent, { type: 'progress' }> => e.type === 'progress' && e.stage === 'generating')
    expect(progress.length).toBeGreaterThan(result.shots)
    const done = progress.map((e) => e.shotsDone ?? 0)
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(done.at(-1)).toBe(result.shots)
    expect(progress.some((e) => e.etaSec !== undefined && e.etaSec > 0)).toBe(true)
    // Job progress reported by the workers (QueueEvents) arrives between shots: more than one event a shot.
    expect(progress.length).toBeGreaterThan(2 * result.shots)
    const accepted = events.filter((e) => e.type === 'shot' && (e.status === 'accepted' || e.status === 'rejected'))
    expect(accepted.length).toBe(result.attempts)
  })

  it('gives the same decoded frames as the in-process render', () => {
    expect(baseline.length).toBe(Math.round(song.durationSec * SIZE.fps))
    expect(frameMd5s(result.files.final)).toEqual(baseline)
  })

  it('spread the jobs over both workers, each job run once', () => {
    const started = workers.flatMap((w) => w.lines.filter((l) => /candidate job \S+ \(shot \d+\): started/.test(l)).map((l) => /job (\S+)/.exec(l)![1]))
    expect(started.length).toBe(result.shots)
    expect(new Set(started).size).toBe(started.length)
    for (const w of workers) expect(w.lines.some((l) => /: done in/.test(l))).toBe(true)
  })

  it('does not queue what the store already has: a second render runs no job twice', async () => {
    const startedIn = (lines: string[]) => lines.filter((l) => /: started/.test(l)).map((l) => /job (\S+)/.exec(l)![1])
    const seen = workers.map((w) => w.lines.length)
    const first = new Set(workers.flatMap((w) => startedIn(w.lines)))
    const events: RenderEvent[] = []
    const again = await render({ song: song.path, brief, outDir: join(dir, 'queued-again'), output: SIZE, llm: null, finish: 'video', storeDir: store(), queue: { url: redis.url }, onEvent: (e) => events.push(e) })
    expect(frameMd5s(again.files.final)).toEqual(baseline)
    const second = workers.flatMap((w, i) => startedIn(w.lines.slice(seen[i])))
    expect(second.filter((id) => first.has(id))).toEqual([])
    // Shots whose candidate (same references, same seed) is in the store come back as hits, not jobs.
    const cached = events.filter((e) => e.type === 'shot' && e.status === 'cached').length
    expect(cached).toBeGreaterThan(0)
    expect(second.filter((id) => id.startsWith('candidate-')).length + cached).toBe(again.attempts)
  }, 60_000)

  it('longav render --queue URL --store PATH: the command line coordinates the same render', () => {
    const out = join(dir, 'queued-cli')
    const r = longav(['render', song.path, brief, '--out', out, '--size', '160x90', '--fps', '12', '--no-llm', '--queue', redis.url, '--store', store()], dir, { timeoutMs: 90_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(join(out, 'final.mp4'))
    expect(frameMd5s(join(out, 'final.mp4'))).toEqual(baseline)
  }, 120_000)

  it('longav batch --queue URL --store PATH: the base render of a new format is made on the workers', async () => {
    const startedIn = (lines: string[]) => lines.filter((l) => /candidate job \S+ \(shot \d+\): started/.test(l)).length
    const before = workers.map((w) => startedIn(w.lines))
    writeFileSync(join(dir, 'variants.yaml'), ['variants:', '  - name: story', '    format: { width: 144, height: 256 }', '    length: 8'].join('\n'))
    const out = join(dir, 'batch-queued')
    const r = longav(['batch', song.path, brief, join(dir, 'variants.yaml'), '--out', out, '--fps', '12', '--no-llm', '--queue', redis.url, '--store', store()], dir, { timeoutMs: 150_000 })
    expect(r.code, r.stderr).toBe(0)
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { variants: Array<{ status: string; totalFrames: number }> }
    expect(manifest.variants.map((v) => [v.status, v.totalFrames])).toEqual([['ok', 8 * 12]])
    // Every shot of the 144x256 base (a plan of its own) was a job one of the workers ran.
    const bases = join(out, '.longav', 'bases')
    const base = readdirSync(bases).find((b) => existsSync(join(bases, b, 'plan.json')))!
    const shots = (JSON.parse(readFileSync(join(bases, base, 'plan.json'), 'utf8')) as { shots: unknown[] }).shots.length
    // (The CLI ran synchronously: the workers' lines of that time are read now.)
    const ran = () => workers.map((w, i) => startedIn(w.lines) - before[i]).reduce((a, b) => a + b, 0)
    for (let i = 0; i < 50 && ran() < shots; i++) await new Promise((res) => setTimeout(res, 100))
    expect(ran()).toBeGreaterThanOrEqual(shots)
    expect(r.stderr).toMatch(new RegExp(`(\\d+) shots made`))
    expect(Number(/(\d+) shots made/.exec(r.stderr)![1])).toBeGreaterThanOrEqual(shots)
    // Without a store the workers share, a queued batch is refused before anything is made.
    const bad = longav(['batch', song.path, brief, join(dir, 'variants.yaml'), '--out', join(dir, 'batch-nostore'), '--queue', redis.url], dir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--queue needs --store PATH/)
    expect(existsSync(join(dir, 'batch-nostore', 'manifest.json'))).toBe(false)
  }, 180_000)

  it('runs a job added twice once', async () => {
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      const jobs = await q.getJobs(['completed'])
      const one = jobs.find((j) => j.name === 'candidate')!
      // The same candidate with another seed: a job nobody has run yet.
      const data = CandidateJob.parse({ ...one.data, input: { ...one.data.input, revision: { seed: 4242 } } })
      const id = jobIdOf('candidate', jobKey('candidate', data))
      await Promise.all([q.add('candidate', data, { jobId: id }), q.add('candidate', data, { jobId: id })])
      await Promise.race(workers.map((w) => w.waitFor(new RegExp(`${id}.*done in`))))
      await q.add('candidate', data, { jobId: id })
      await new Promise((res) => setTimeout(res, 1500))
      const runs = workers.flatMap((w) => w.lines).filter((l) => l.includes(`${id} (shot`) && l.includes('started'))
      expect(runs.length).toBe(1)
    } finally {
      await q.close()
    }
  }, 60_000)

  it('refuses, without retrying, a job whose paths leave the store or whose id is not its hash', async () => {
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      const one = (await q.getJobs(['completed'])).find((j) => j.name === 'candidate')!
      const cases = [
        { ...one.data, input: { ...one.data.input, initKeyframe: 'store:../../../etc/passwd' } },
        { ...one.data, input: { ...one.data.input, initKeyframe: '/etc/passwd' } },
        { ...one.data, input: { ...one.data.input, sources: { ...one.data.input.sources, songPath: 'store:input/../../x.mp3' } } },
      ]
      const ids = cases.map((data, i) => `candidate-${'0'.repeat(31)}${i}`)
      await Promise.all(cases.map((data, i) => q.add('candidate', data, { jobId: ids[i], attempts: 3, backoff: 100 })))
      // A job with good data under an id that is not its hash is refused too.
      const forged = `candidate-${'f'.repeat(32)}`
      await q.add('candidate', one.data, { jobId: forged, attempts: 3 })
      for (const id of [...ids, forged]) {
        for (let i = 0; i < 100 && (await q.getJobState(id)) !== 'failed'; i++) await new Promise((res) => setTimeout(res, 100))
        const job = (await q.getJob(id))!
        expect(await job.getState(), id).toBe('failed')
        expect(job.attemptsMade, id).toBe(1)
        expect(job.failedReason, id).toMatch(id === forged ? /its id is not the hash of its data/ : /refused: input\.(initKeyframe|sources\.songPath): .*a path inside the store|refused: input\.initKeyframe: .*store:/)
      }
    } finally {
      await q.close()
    }
  }, 60_000)
})

describe('Redis and its URL', () => {
  it('a worker on a Redis with a password works and never prints it', async () => {
    const locked = await startRedis({ password: 'pa55-w0rd' })
    try {
      const w = spawnWorker(LONGAV_BIN, ['--redis', locked.url, '--store', join(dir, 'store-pw')])
      workers.push(w)
      await w.waitFor(/worker ready/)
      w.proc.kill('SIGINT')
      expect(await w.exited, w.lines.join('\n')).toBe(130)
      expect(w.lines.some((l) => l.includes('worker stopped after 0 job(s)'))).toBe(true)
      expect(w.lines.join('\n')).not.toContain('pa55-w0rd')
      const wrong = longav(['worker', '--redis', `redis://:wrong-pw@127.0.0.1:${locked.port}`, '--store', join(dir, 'store-pw')], dir)
      expect(wrong.code).toBe(2)
      expect(wrong.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${locked.port}`)
      expect(wrong.stdout + wrong.stderr).not.toContain('wrong-pw')
    } finally {
      await locked.stop()
    }
  }, 60_000)

  it('Redis unreachable at start: exit 2 naming the URL, its password hidden', async () => {
    const port = await freePort()
    const url = `redis://:s3cret-pw@127.0.0.1:${port}`
    const r = longav(['render', song.path, brief, '--out', join(dir, 'unreachable'), '--size', '160x90', '--fps', '12', '--no-llm', '--queue', url, '--store', join(dir, 'store-x')], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}`)
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw')
    const w = longav(['worker', '--redis', url, '--store', join(dir, 'store-x')], dir)
    expect(w.code).toBe(2)
    expect(w.stderr).toContain('cannot reach Redis')
    expect(w.stdout + w.stderr).not.toContain('s3cret-pw')
  }, 60_000)

  it('--queue without --store is refused before anything is written', () => {
    const r = longav(['render', song.path, brief, '--out', join(dir, 'nostore'), '--no-llm', '--queue', redis.url], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--queue needs --store')
    expect(readdirSync(dir)).not.toContain('nostore')
  }, 60_000)
})
