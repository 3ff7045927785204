// Issue 16's cost of an edit, on the example (24 shots, 81 s, 1280x720 at 30 fps): a first render
// into a fresh folder, then the middle shot's prompt changed in plan.json and the plan rendered
// again into the same folder (`render --plan`), in this one process. Prints both renders' wall
// and CPU seconds, how many shots the edit made, and the edit's share of the first render (aim:
// under a tenth). Run: npm run bench:edit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from '../dist/index.js'

// CPU seconds of this process and every child it waited for (ffmpeg), from /proc (Linux): a
// figure that holds when other work shares the machine, unlike wall time.
const cpuSec = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100
}
const song = 'examples/song.mp3'
const brief = 'examples/brief.md'
const outDir = mkdtempSync(join(tmpdir(), 'longav-bench-edit-'))
const timed = async (fn) => {
  const t = performance.now()
  const c = cpuSec()
  const result = await fn()
  return { result, wall: (performance.now() - t) / 1000, cpu: cpuSec() - c }
}

const first = await timed(() => render({ song, brief, outDir, llm: null }))
const plan = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8'))
const shot = plan.shots[Math.floor(plan.shots.length / 2)]
shot.prompt = `${shot.prompt}, in warm orange light`
const edited = join(outDir, '..', `${outDir.split('/').pop()}-plan.json`)
writeFileSync(edited, JSON.stringify(plan, null, 2))
let made = 0
const edit = await timed(() =>
  render({ song, brief, outDir, plan: edited, llm: null, onEvent: (e) => void (e.type === 'shot' && e.status === 'generating' && made++) }),
)
console.log(`first render: ${first.wall.toFixed(1)} s wall, ${first.cpu.toFixed(1)} s CPU (${first.result.shots} shots)`)
console.log(`edit of shot ${shot.index}'s prompt: ${edit.wall.toFixed(1)} s wall, ${edit.cpu.toFixed(1)} s CPU (shot events "generating": ${made})`)
console.log(`edit / first: ${(edit.wall / first.wall).toFixed(3)} wall, ${(edit.cpu / first.cpu).toFixed(3)} CPU (aim: under 0.1)`)
console.log(`machine: ${(await import('node:os')).cpus().length} cores`)
