// Renders the bundled example at 1280x720, 30 fps into a fresh folder and prints wall time, the
// realtime factor (song seconds per wall second) and peak memory (this process plus the largest
// ffmpeg child, from /proc). Run with `npm run bench` after the set-up.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from '../dist/index.js'
// LONGAV_DRAW_HELPER=1: a second thread draws every other procedural frame (off by default).
if (process.env.LONGAV_DRAW_HELPER === '1') (await import('../dist/index.js')).setDrawHelper(true)

const out = mkdtempSync(join(tmpdir(), 'longav-bench-'))
let peakChild = 0
let peakSelf = 0
const sample = () => {
  peakSelf = Math.max(peakSelf, process.memoryUsage().rss)
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      if (!new RegExp(`PPid:\\s+${process.pid}\\b`).test(status)) continue
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peakChild = Math.max(peakChild, kb * 1024)
    } catch {}
  }
}
const timer = setInterval(sample, 200)
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const result = await render({
  song: 'examples/song.mp3',
  brief: 'examples/brief.md',
  outDir: out,
  output: { width: 1280, height: 720, fps: 30 },
  resume: false,
})
const wall = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
const nodeCpu = (cpu.user + cpu.system) / 1e6
clearInterval(timer)
sample()
const mib = (b) => (b / 2 ** 20).toFixed(0)
console.log(`render of examples/song.mp3 at 1280x720, 30 fps: ${result.shots} shots, ${result.frames} frames`)
console.log(`wall time        ${wall.toFixed(1)} s`)
console.log(`realtime factor  ${(result.durationSec / wall).toFixed(2)}x (song seconds per wall second)`)
console.log(`frames/s         ${(result.frames / wall).toFixed(1)}`)
console.log(`node CPU         ${nodeCpu.toFixed(1)} s (${((nodeCpu / result.frames) * 1000).toFixed(1)} ms per frame: drawing, readback, piping; ffmpeg children are extra)`)
console.log(`peak RSS node    ${mib(peakSelf)} MiB; largest ffmpeg child ${mib(peakChild)} MiB`)
console.log(`output           ${result.files.final}`)
// Per-frame profile of the procedural generator (main-thread wall ms; the helper thread draws in parallel).
const { proceduralFrameStats } = await import('../dist/render/generators/procedural/index.js')
const ps = proceduralFrameStats()
const here = Math.max(1, ps.framesHere)
console.log(`frames drawn     ${ps.framesHere} on the main thread, ${ps.framesHelper} on the helper thread`)
console.log(`per main frame   draw ${(ps.drawMs / here).toFixed(1)} ms, readback ${(ps.readbackMs / here).toFixed(1)} ms; per frame: pipe to encoder ${(ps.pipeMs / Math.max(1, ps.framesHere + ps.framesHelper)).toFixed(1)} ms; helper wait ${(ps.helperWaitMs / 1000).toFixed(1)} s in all`)
