// The issue's batch benchmark: the example song and brief as 3 formats (16:9 1280x720, 9:16
// 720x1280, 1:1 720x720) × 3 lengths (full, 30 s, 15 s) = 9 variants, beside one plain full render
// at 1280x720 in the same script (each into a fresh folder and store). Prints each variant's wall
// time and the ratio of the whole batch to the single render. Run: npm run bench:batch.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { batch, render } from '../dist/index.js'

const fresh = (name) => mkdtempSync(join(tmpdir(), `longav-bench-${name}-`))
const t0 = performance.now()
const single = await render({ song: 'examples/song.mp3', brief: 'examples/brief.md', outDir: fresh('single'), output: { width: 1280, height: 720, fps: 30 }, resume: false })
const singleSec = (performance.now() - t0) / 1000
console.log(`single render at 1280x720: ${singleSec.toFixed(1)} s (${single.shots} shots)`)

const t1 = performance.now()
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
for (const v of result.manifest.variants) {
  const len = v.length === 'full' ? 'full' : `${v.length} s`
  console.log(`  ${v.status === 'ok' ? 'ok    ' : 'FAILED'} ${v.name.padEnd(28)} ${`${v.format.width}x${v.format.height}`.padEnd(9)} ${len.padEnd(6)} ${v.cost.wallSec.toFixed(1).padStart(6)} s  (shots made ${v.cost.shotsGenerated}, reused ${v.cost.shotsReused})${v.error ? ' ' + v.error : ''}`)
}
console.log(`batch of ${result.manifest.variants.length} variants: ${batchSec.toFixed(1)} s = ${(batchSec / singleSec).toFixed(2)}x the single render (aim: at most 3x)`)
console.log(`gallery: ${result.files.gallery}`)
