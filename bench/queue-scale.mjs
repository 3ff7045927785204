// Scale-out of queued shots over 1, 2, 4 and 8 `longav worker` processes on loopback, with a
// generator whose cost is waiting (a remote GPU): every candidate job waits LATENCY ms per frame.
// The frames themselves are made once in a warm-up pass, so the timed passes measure the waiting
// and the orchestration (BullMQ on a private redis-server, the store reads), not this machine's
// CPU. Prints shots per minute per worker count, the ratio to 1 worker, and the orchestration
// overhead per job (a job's round trip minus the time its worker spent in it).
// Needs `npm run build`, examples/song.mp3 (scripts/make-example-song.mjs) and redis-server.
// Run: nice -n 10 npm run bench:queue
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { loadBrief, plan, render } from '../dist/index.js'
import { openRenderQueue } from '../dist/queue/index.js'
import { VerifierThresholds } from '../dist/schemas/index.js'
import { openStore } from '../dist/store/index.js'
import { sha256File } from '../dist/util/files.js'

const LATENCY = Number(process.env.LATENCY_MS ?? 12)
/** Jobs per shot (as many takes, attempt 0..n-1: the same frames, so one warm-up makes them all). */
const PER_SHOT = 4
const COUNTS = [1, 2, 4, 8]
const SIZE = { width: 160, height: 90, fps: 12 }
const song = resolve('examples/song.mp3')
const briefPath = resolve('examples/brief.md')
const bin = resolve('bin/longav.js')
const tmp = mkdtempSync(join(tmpdir(), 'longav-bench-queue-'))
const storeDir = join(tmp, 'store')

const port = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port
    s.close(() => res(p))
  })
})
const redisProc = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' })
const url = `redis://127.0.0.1:${port}`
const admin = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 100 })
admin.on('error', () => {})
await admin.ping()

const t00 = performance.now()
await plan({ song, brief: briefPath, outDir: join(tmp, 'plan'), storeDir, output: SIZE, llm: null })
const only = (kind) => readdirSync(join(storeDir, kind)).filter((f) => f.endsWith('.json'))[0].replace(/\.json$/, '')
const sources = { songPath: song, analysisKey: only('analysis'), treatmentKey: only('treatment'), planKey: only('plan') }
const shotPlan = openStore(storeDir)
const { shots } = await shotPlan.get('plan', sources.planKey, { parse: (x) => x, safeParse: (x) => ({ success: true, data: x }) })
const frames = shots.reduce((n, s) => n + s.endFrame - s.startFrame, 0)
const brief = await loadBrief(briefPath)
const songSha = await sha256File(song)

async function coordinator() {
  const store = openStore(storeDir)
  return openRenderQueue(
    { queue: { url, pollMs: 1000 }, storeDir, objects: {}, generatorName: 'procedural' },
    { store, brief, songPath: song, songSha, thresholds: VerifierThresholds.parse({}), llm: null, log: () => {} },
  )
}

function startWorkers(n, latency) {
  return Promise.all(
    Array.from({ length: n }, () => {
      const proc = spawn(process.execPath, [bin, 'worker', '--redis', url, '--store', storeDir, '--simulate-ms-per-frame', String(latency)], { stdio: ['ignore', 'ignore', 'pipe'] })
      const lines = []
      let buf = ''
      return new Promise((res) => {
        proc.stderr.on('data', (d) => {
          buf += d
          const parts = buf.split('\n')
          buf = parts.pop()
          lines.push(...parts)
          if (parts.some((l) => l.includes('worker ready'))) res({ proc, lines })
        })
      })
    }),
  )
}

async function stopWorkers(ws) {
  await Promise.all(ws.map((w) => new Promise((res) => (w.proc.once('exit', res), w.proc.kill('SIGKILL')))))
}

/** Fresh job ids: the queue emptied and the job results dropped (segments and verdicts stay). */
async function reset() {
  await admin.flushall()
  rmSync(join(storeDir, 'job'), { recursive: true, force: true })
}

const input = (i) => ({ sources, shotIndex: i % shots.length, attempt: Math.floor(i / shots.length), round: 0, candidate: 0, revision: {}, references: {} })
const ctx = () => ({ signal: new AbortController().signal, emit: () => {}, services: {}, onProgress: () => {} })
const busy = (ws) => ws.flatMap((w) => w.lines).map((l) => /: done in ([\d.]+) s/.exec(l)).filter(Boolean).map((m) => Number(m[1]) * 1000)

async function pass(n, latency, { sequential = false, jobs = shots.length * PER_SHOT } = {}) {
  await reset()
  const ws = await startWorkers(n, latency)
  const c = await coordinator()
  const t0 = performance.now()
  if (sequential) for (let i = 0; i < jobs; i++) await c.steps.generate(input(i), openStore(storeDir), ctx())
  else await Promise.all(Array.from({ length: jobs }, (_, i) => c.steps.generate(input(i), openStore(storeDir), ctx())))
  const ms = performance.now() - t0
  await c.close()
  const inWorkers = busy(ws)
  await stopWorkers(ws)
  if (inWorkers.length !== jobs) throw new Error(`expected ${jobs} jobs run, saw ${inWorkers.length}`)
  return { ms, jobs, inWorkers: inWorkers.reduce((a, b) => a + b, 0) }
}

const scale = !process.argv.includes('--render-only')
if (scale) {
console.log(`queue scale-out: ${shots.length} shots (${frames} frames at ${SIZE.width}x${SIZE.height}, ${SIZE.fps} fps) of examples/song.mp3, ${PER_SHOT} candidate jobs (takes) per shot: ${shots.length * PER_SHOT} jobs a pass`)
console.log(`generator cost: ${LATENCY} ms of waiting per frame (${((PER_SHOT * frames * LATENCY) / 1000).toFixed(1)} s of waiting a pass); frames made once in a warm-up pass`)
const warm = await pass(2, 0, { jobs: shots.length })
console.log(`warm-up (2 workers, frames made and verified for real): ${(warm.ms / 1000).toFixed(1)} s`)
const seq = await pass(1, 0, { sequential: true, jobs: shots.length })
const overhead = (seq.ms - seq.inWorkers) / seq.jobs
console.log(`one job at a time, 1 worker, no waiting: ${(seq.ms / seq.jobs).toFixed(1)} ms per job round trip, of which ${(seq.inWorkers / seq.jobs).toFixed(1)} ms in the worker (store reads, verdict hit)`)
console.log(`orchestration overhead per job (round trip minus worker time): ${overhead.toFixed(1)} ms`)
console.log('')
console.log('(a "shot" below is one candidate job: one take of one shot)')
console.log('workers  wall s  shots/min  ratio to 1  ideal  (ratio/ideal)  idle+overhead per job ms')
let base
for (const n of COUNTS) {
  const r = await pass(n, LATENCY)
  const spm = (r.jobs / r.ms) * 60_000
  base ??= spm
  const idle = (n * r.ms - r.inWorkers) / r.jobs
  console.log(`${String(n).padStart(7)}  ${(r.ms / 1000).toFixed(1).padStart(6)}  ${spm.toFixed(1).padStart(9)}  ${(spm / base).toFixed(2).padStart(10)}  ${String(n).padStart(5)}  ${(spm / base / n).toFixed(2).padStart(13)}  ${idle.toFixed(0).padStart(24)}`)
}
console.log(`(best possible wall time with 8 workers: ≥ ${((PER_SHOT * frames * LATENCY) / 8 / 1000).toFixed(2)} s)`)
}
// A whole procedural render (no simulated waiting: frames made on this machine's 2 cores), in-process
// against 2 workers on loopback, each into a fresh store. `--no-render` skips it, `--render-only` runs only it
// (each part alone stays under 5 minutes on a shared 2-core machine).
if (!process.argv.includes('--no-render')) {
  const renderSong = resolve('examples/song.mp3')
  const common = { song: renderSong, brief: briefPath, output: SIZE, llm: null, finish: 'video', resume: false }
  let t = performance.now()
  await render({ ...common, outDir: join(tmp, 'r-local'), storeDir: join(tmp, 'r-local-store') })
  const local = performance.now() - t
  await admin.flushall()
  const rStore = join(tmp, 'r-queue-store')
  const ws = await Promise.all(
    [0, 1].map(() => {
      const proc = spawn(process.execPath, [bin, 'worker', '--redis', url, '--store', rStore], { stdio: ['ignore', 'ignore', 'pipe'] })
      return new Promise((res) => proc.stderr.on('data', (d) => String(d).includes('worker ready') && res({ proc, lines: [] })))
    }),
  )
  t = performance.now()
  await render({ ...common, outDir: join(tmp, 'r-queue'), storeDir: rStore, queue: url })
  const queued = performance.now() - t
  await stopWorkers(ws)
  console.log('')
  console.log(`procedural render of examples/song.mp3 at ${SIZE.width}x${SIZE.height}, ${SIZE.fps} fps (analysis, planning, shots, stitch):`)
  console.log(`  in-process (concurrency 2) ${(local / 1000).toFixed(1)} s; coordinator + 2 workers on the same 2 cores ${(queued / 1000).toFixed(1)} s: ratio ${(queued / local).toFixed(2)}`)
}
console.log(`total bench time ${((performance.now() - t00) / 1000).toFixed(0)} s`)
admin.disconnect()
redisProc.kill('SIGKILL')
rmSync(tmp, { recursive: true, force: true })
