// Renders the bundled example at 1280x720, 30 fps into a fresh folder and prints wall time, the
// realtime factor (song seconds per wall second) and peak memory (this process plus the largest
// ffmpeg child, from /proc). Run with `npm run bench` after the set-up.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from '../dist/index.js'
import { childPids, childrenCpu, stageMeter, threadCpu } from './stageMeter.mjs'
// LONGAV_DRAW_HELPER=1: a second thread draws every other procedural frame (off by default).
if (process.env.LONGAV_DRAW_HELPER === '1') (await import('../dist/index.js')).setDrawHelper(true)

const out = mkdtempSync(join(tmpdir(), 'longav-bench-'))
// BENCH_SIZE=1920x1080 measures another size (default 1280x720); BENCH_DRAFT=1 a draft (`--draft`:
// its own size and rate unless BENCH_SIZE is given).
const draft = process.env.BENCH_DRAFT === '1'
const [bw, bh] = (process.env.BENCH_SIZE ?? '1280x720').split('x').map(Number)
const size = { width: bw, height: bh }
const output = draft ? (process.env.BENCH_SIZE ? { width: bw, height: bh } : {}) : { width: bw, height: bh, fps: 30 }
let peakChild = 0
let peakSelf = 0
const sample = () => {
  peakSelf = Math.max(peakSelf, process.memoryUsage().rss)
  for (const pid of childPids()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peakChild = Math.max(peakChild, kb * 1024)
    } catch {}
  }
}
const timer = setInterval(sample, 200)
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const kids0 = childrenCpu()
const threads0 = threadCpu()
const meter = stageMeter()
const result = await render({
  song: 'examples/song.mp3',
  brief: 'examples/brief.md',
  outDir: out,
  output,
  resume: false,
  draft,
  ...(draft ? { llm: null } : {}), // as `--draft --no-llm`
  onEvent: (e) => {
    if (e.type === 'stage') meter.stage(e.stage)
  },
})
const wall = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
const nodeCpu = (cpu.user + cpu.system) / 1e6
clearInterval(timer)
const kidsCpu = childrenCpu() - kids0
const split = meter.finish()
const threads = threadCpu()
sample()
const mib = (b) => (b / 2 ** 20).toFixed(0)
const made = JSON.parse(readFileSync(result.files.plan, 'utf8'))
console.log(`render of examples/song.mp3 at ${draft ? 'draft ' : ''}${made.width ?? size.width}x${made.height ?? size.height}, ${made.fps} fps: ${result.shots} shots, ${result.frames} frames`)
console.log(`wall time        ${wall.toFixed(1)} s`)
console.log(`realtime factor  ${(result.durationSec / wall).toFixed(2)}x (song seconds per wall second)`)
console.log(`frames/s         ${(result.frames / wall).toFixed(1)}`)
console.log(`node CPU         ${nodeCpu.toFixed(1)} s (${((nodeCpu / result.frames) * 1000).toFixed(1)} ms per frame: drawing, readback, piping; ffmpeg children are extra)`)
console.log(`peak RSS node    ${mib(peakSelf)} MiB; largest ffmpeg child ${mib(peakChild)} MiB`)
console.log(`output           ${result.files.final}`)
console.log(`children CPU     ${kidsCpu.toFixed(1)} s; node + children ${(nodeCpu + kidsCpu).toFixed(1)} s on ${(await import('node:os')).availableParallelism()} cores; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`)
console.log(`node threads     main ${(threads.main - threads0.main).toFixed(1)} s, others (metrics worker, GC and I/O helpers) ${(threads.other - threads0.other).toFixed(1)} s`)
console.log('stage            wall s   node CPU s   children CPU s')
for (const s of split.stages) console.log(`${s.name.padEnd(16)} ${s.wall.toFixed(1).padStart(6)}   ${s.node.toFixed(1).padStart(10)}   ${s.kids.toFixed(1).padStart(14)}`)
console.log('children CPU by job (sampled): ' + Object.entries(split.byKind).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', '))
// Per-frame profile of the procedural generator (main-thread wall ms; the helper thread draws in parallel).
const { proceduralFrameStats } = await import('../dist/render/generators/procedural/index.js')
const ps = proceduralFrameStats()
const here = Math.max(1, ps.framesHere)
console.log(`frames drawn     ${ps.framesHere} on the main thread, ${ps.framesHelper} on the helper thread`)
console.log(`per main frame   draw ${(ps.drawMs / here).toFixed(1)} ms, readback ${(ps.readbackMs / here).toFixed(1)} ms; per frame: pipe to encoder ${(ps.pipeMs / Math.max(1, ps.framesHere + ps.framesHelper)).toFixed(1)} ms; helper wait ${(ps.helperWaitMs / 1000).toFixed(1)} s in all`)
