// The issue's batch benchmark: the example song and brief as 3 formats (16:9 1280x720, 9:16
// 720x1280, 1:1 720x720) × 3 lengths (full, 30 s, 15 s) = 9 variants, beside one plain full render
// at 1280x720 in the same script (each into a fresh folder and store). Prints each variant's wall
// time and the ratio of the whole batch to the single render. Run: npm run bench:batch.
import { mkdtempSync, readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { batch, render } from '../dist/index.js'

// CPU seconds of this process and every child it waited for (ffmpeg, the base processes), from
// /proc (Linux): a figure that holds when other work shares the machine, unlike wall time.
const cpuSec = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100
}
const fresh = (name) => mkdtempSync(join(tmpdir(), `longav-bench-${name}-`))
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(`load average at the start: ${load()}`)
const t0 = performance.now()
const c0 = cpuSec()
const single = await render({ song: 'examples/song.mp3', brief: 'examples/brief.md', outDir: fresh('single'), output: { width: 1280, height: 720, fps: 30 }, resume: false })
const singleSec = (performance.now() - t0) / 1000
const singleCpu = cpuSec() - c0
console.log(`single render at 1280x720: ${singleSec.toFixed(1)} s wall, ${singleCpu.toFixed(1)} s CPU (${single.shots} shots)`)

const t1 = performance.now()
const c1 = cpuSec()
const bases = new Map()
const result = await batch({
  song: 'examples/song.mp3',
  brief: 'examples/brief.md',
  variants: 'examples/variants.yaml',
  outDir: fresh('batch'),
  onEvent: (e) => {
    if (e.type === 'base' && e.status === 'rendering') bases.set(e.format, performance.now())
    if (e.type === 'base' && e.status === 'done') console.log(`  base ${e.format}: ${((performance.now() - bases.get(e.format)) / 1000).toFixed(1)} s`)
  },
})
const batchSec = (performance.now() - t1) / 1000
const batchCpu = cpuSec() - c1
for (const v of result.manifest.variants) {
  const len = v.length === 'full' ? 'full' : `${v.length} s`
  console.log(`  ${v.status === 'ok' ? 'ok    ' : 'FAILED'} ${v.name.padEnd(28)} ${`${v.format.width}x${v.format.height}`.padEnd(9)} ${len.padEnd(6)} ${v.cost.wallSec.toFixed(1).padStart(6)} s  (shots made ${v.cost.shotsGenerated}, reused ${v.cost.shotsReused})${v.error ? ' ' + v.error : ''}`)
}
// Which base verified its shots and which drew its takes (the manifest's base.takesFrom).
const byBase = new Map(result.manifest.variants.filter((v) => v.base).map((v) => [v.base.key, v.base.takesFrom]))
for (const [key, from] of byBase) console.log(`  base ${key}: ${from ? `drew the takes ${from} verified` : 'verified its own shots'}`)
console.log(`batch of ${result.manifest.variants.length} variants: ${batchSec.toFixed(1)} s = ${(batchSec / singleSec).toFixed(2)}x the single render (aim: at most 3x)`)
console.log(`CPU: batch ${batchCpu.toFixed(1)} s, single ${singleCpu.toFixed(1)} s = ${(batchCpu / singleCpu).toFixed(2)}x (this process and the children it waited for; holds when other work shares the machine)`)
console.log(`machine: ${(await import('node:os')).cpus().length} cores; load average at the end: ${load()}`)
console.log(`gallery: ${result.files.gallery}`)
