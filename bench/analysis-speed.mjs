// Full music analysis (decode, beats, downbeats, sections, streams, and per-frame controls for
// the whole song at 30 fps: what a render runs, default DSP tracker) on synthesized songs of 4
// and 60 minutes, each run as a whole process (node start, module loading, ffmpeg decode
// included). Prints per length: wall and CPU seconds of the process (ffmpeg's CPU included),
// peak RSS (VmHWM of the node process), and, with --baseline, the same for another build in the
// same run, the ratios new / baseline, and whether both builds found the same analysis.
// Run with `npm run bench:analysis`.
// Options: --minutes 4,60 (lengths), --runs N (runs per build and length, median; default 3 for
//          lengths ≤ 10 min, else 1), --baseline DIR (another build's dist/, e.g. main's:
//          /work/main/dist), --keep (reuse the generated songs from the temp cache).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)
const ownDist = join(dirname(self), '..', 'dist')
const args = process.argv.slice(2)
const arg = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}

if (args[0] === '--child') await child(args[1], args[2])
else await main()

async function main() {
  const minutes = arg('--minutes', '4,60').split(',').map(Number)
  const baseline = arg('--baseline') ? resolve(arg('--baseline')) : undefined
  if (baseline && !existsSync(join(baseline, 'audio', 'index.js'))) throw new Error(`--baseline ${baseline}: no audio/index.js there (a build's dist/ folder)`)
  const { synthesizeSong, writeWav, EXAMPLE_SONG_SPEC } = await import('../build/tools/synth.js')
  const { runFfmpeg } = await import('../dist/ffmpeg/index.js')
  const cache = join(tmpdir(), 'longav-bench-analysis')
  mkdirSync(cache, { recursive: true })
  // One synthesized minute (the example's arrangement, 120 BPM), looped by ffmpeg to each length
  // and encoded as 44.1 kHz stereo mp3, the usual input.
  const unit = join(cache, 'unit.wav')
  if (!existsSync(unit)) {
    const spec = { ...EXAMPLE_SONG_SPEC, tailSec: 0, sections: [...EXAMPLE_SONG_SPEC.sections, ...EXAMPLE_SONG_SPEC.sections.slice(1, 3)] }
    const song = synthesizeSong(spec)
    const n = Math.min(song.samples.length, 60 * song.sampleRate)
    writeWav(unit, song.samples.subarray(0, n), song.sampleRate)
  }
  const builds = [['new', ownDist], ...(baseline ? [['baseline', baseline]] : [])]
  console.log(`analysis speed (${process.version}, ${cpus().length} cores${baseline ? `; baseline ${baseline}` : ''}), whole process, median of runs`)
  console.log('minutes  build     wall s  CPU s  peak RSS MB  in-process analysis s  same result')
  for (const m of minutes) {
    const file = join(cache, `song-${m}min.mp3`)
    if (!existsSync(file)) await runFfmpeg(['-stream_loop', String(m - 1), '-i', unit, '-t', String(m * 60), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', file])
    const runs = Number(arg('--runs', m <= 10 ? '3' : '1'))
    const results = Object.fromEntries(builds.map(([name]) => [name, []]))
    // Interleaved, so both builds see the same machine load.
    for (let r = 0; r < runs; r++) for (const [name, dist] of builds) results[name].push(runChild(file, dist))
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
    const row = {}
    for (const [name] of builds) {
      const rs = results[name].filter(Boolean)
      if (rs.length === 0) {
        console.log(`${String(m).padStart(7)}  ${name.padEnd(8)} failed`)
        continue
      }
      row[name] = { wall: med(rs.map((x) => x.wall)), cpu: med(rs.map((x) => x.cpu)), rss: med(rs.map((x) => x.vmHwm)), inner: med(rs.map((x) => x.wallSec)), hash: rs[0].hash }
      const same = row.baseline && name === 'baseline' ? (row.baseline.hash === row.new?.hash ? 'yes' : 'NO') : ''
      const x = row[name]
      console.log(`${String(m).padStart(7)}  ${name.padEnd(8)} ${x.wall.toFixed(2).padStart(7)} ${x.cpu.toFixed(2).padStart(6)} ${(x.rss / 2 ** 20).toFixed(0).padStart(12)} ${x.inner.toFixed(2).padStart(22)}  ${same}`)
    }
    if (row.new && row.baseline) {
      const q = (k) => (row.new[k] / row.baseline[k]).toFixed(2)
      console.log(`${String(m).padStart(7)}  new/base ${q('wall').padStart(7)} ${q('cpu').padStart(6)} ${q('rss').padStart(12)} ${q('inner').padStart(22)}`)
    }
  }
}

/** CPU seconds of this process's reaped children and their own reaped children (ffmpeg). */
function childrenCpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ')
  // Fields 16 and 17 (cutime, cstime) counted from 1, here from field 3.
  return (Number(f[13]) + Number(f[14])) / 100
}

function runChild(file, dist) {
  const c0 = childrenCpu()
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [self, '--child', file, dist], { encoding: 'utf8', maxBuffer: 1 << 24 })
  const wall = (performance.now() - t0) / 1000
  const cpu = childrenCpu() - c0
  if (r.status !== 0) {
    console.log(`${file} with ${dist}: failed\n${r.stderr}`)
    return undefined
  }
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wall, cpu }
}

async function child(file, dist) {
  const { analyzeSong, frameControls } = await import(join(dist, 'audio', 'index.js'))
  const t0 = performance.now()
  const a = await analyzeSong(file)
  const frames = Math.floor(a.source.durationSec * 30)
  const controls = frameControls(a, 30, 0, frames)
  const t1 = performance.now()
  const vmHwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024
  // The analysis as a render stores it, hashed: two builds agree when the hashes do.
  const hash = createHash('sha256').update(JSON.stringify({ ...a, source: { ...a.source, path: '' } })).digest('hex')
  console.log(JSON.stringify({ durationSec: a.source.durationSec, beats: a.beats.length, controls: controls.length, wallSec: (t1 - t0) / 1000, vmHwm, hash }))
}
