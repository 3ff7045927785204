// Scoring a film: a decode of the whole film (the baseline, what `longav score` does) against
// scoring it from its segments' traces (what a render does: the verifier measured every segment
// already), and against scoring it again after one segment changed (an edit), in the same run.
// The film: 40 s at 1280x720, 30 fps, 8 segments of 5 s from different test sources (cuts), joined
// by stream copy with a synthesized song. CPU seconds include ffmpeg's (children of this process).
// Run: npm run build && nice -n 10 node bench/score-speed.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthesizeSong, writeWav } from '../build/tools/synth.js'
import { concatAndMux, runFfmpeg } from '../dist/ffmpeg/index.js'
import { analyze } from '../dist/index.js'
import { measureFrames } from '../dist/metrics/measureFrames.js'
import { scoreVideo } from '../dist/metrics/scoreVideo.js'
import { filmFramesOf, saveFilmTrace } from '../dist/pipeline/filmTraces.js'
import { openStore } from '../dist/store/index.js'

const SEGMENTS = 8
const SEG_SEC = 5
const FPS = 30
const dir = mkdtempSync(join(tmpdir(), 'longav-bench-score-'))

/** CPU seconds of this process and of its finished children (ffmpeg). */
function cpuSec() {
  const u = process.cpuUsage()
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (u.user + u.system) / 1e6 + (Number(stat[13]) + Number(stat[14])) / 100
}
async function timed(f) {
  const c0 = cpuSec()
  const t0 = performance.now()
  const value = await f()
  return { value, wall: (performance.now() - t0) / 1000, cpu: cpuSec() - c0 }
}
const SOURCES = ['testsrc2', 'smptehdbars', 'rgbtestsrc', 'testsrc', 'cellauto=rule=110', 'life=mold=10:ratio=0.1:death_color=#204060']
async function segment(k, variant = 0) {
  const out = join(dir, `seg-${k}-${variant}.mp4`)
  const src = SOURCES[(k + variant) % SOURCES.length]
  const input = `${src}${src.includes('=') ? ':' : '='}size=1280x720:rate=${FPS}`
  // A slow drift and a hue of its own per segment: motion inside shots, a cut at every junction.
  const vf = `hue=h=${(k * 47 + variant * 90) % 360},scroll=h=0.002:v=0.001,format=yuv420p`
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', input, '-vf', vf, '-frames:v', String(SEG_SEC * FPS), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-r', String(FPS), out])
  return out
}
const strip = (s) => ({ ...s, video: { ...s.video, path: '' } })

try {
  const bpm = 120
  const song = synthesizeSong({ bpm, beatsPerBar: 4, sections: [{ label: 'verse', bars: 10, intensity: 0.7, drums: 'full', bass: true }, { label: 'chorus', bars: 10, intensity: 1, drums: 'full', crash: true, chords: 'bright' }], seed: 11, tailSec: 0 })
  const songPath = join(dir, 'song.wav')
  writeWav(songPath, song.samples, song.sampleRate)
  const segments = []
  for (let k = 0; k < SEGMENTS; k++) segments.push(await segment(k))
  const film = join(dir, 'film.mp4')
  const stitch = (segs, out) => concatAndMux({ segments: segs, audio: songPath, out, listPath: join(dir, 'list.txt'), frames: SEGMENTS * SEG_SEC * FPS, fps: FPS })
  await stitch(segments, film)
  const analysis = await analyze(songPath)
  const store = openStore(join(dir, 'store'))

  const whole = await timed(() => scoreVideo({ videoPath: film, songPath, analysis }))
  // What the verifier pays anyway, once per segment (not part of scoring).
  const verifier = await timed(async () => {
    for (const s of segments) await saveFilmTrace(store, s, (await measureFrames(s, { trace: true })).trace)
  })
  const incremental = await timed(async () => {
    const r = await filmFramesOf(film, segments, store)
    if (!('frames' in r)) throw new Error(r.reason)
    return scoreVideo({ videoPath: film, songPath, analysis, measured: r.frames })
  })
  const same = JSON.stringify(strip(whole.value)) === JSON.stringify(strip(incremental.value))

  // An edit: segment 5 made again; only it is measured.
  const edited = [...segments]
  edited[5] = await segment(5, 1)
  const film2 = join(dir, 'film2.mp4')
  await stitch(edited, film2)
  const edit = await timed(async () => {
    const r = await filmFramesOf(film2, edited, store)
    if (!('frames' in r)) throw new Error(r.reason)
    return { score: await scoreVideo({ videoPath: film2, songPath, analysis, measured: r.frames }), measured: r.measured }
  })

  const f = (t) => `${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU`
  console.log(`film ${SEGMENTS * SEG_SEC} s at 1280x720, ${FPS} fps, ${SEGMENTS} segments; ${cpus().length} cores; metrics at ${whole.value.analysisSize.width}x${whole.value.analysisSize.height}`)
  console.log(`whole-film scoring (decode + measure, the baseline): ${f(whole)}`)
  console.log(`verifier's per-segment measurement with traces (paid during generation): ${f(verifier)}`)
  console.log(`scoring from the segments' traces:                 ${f(incremental)}  = ${(incremental.cpu / whole.cpu).toFixed(3)} of the baseline's CPU (${(incremental.wall / whole.wall).toFixed(3)} wall); figures equal: ${same}`)
  console.log(`after an edit of one segment (${edit.value.measured} measured):       ${f(edit)}  = ${(edit.cpu / whole.cpu).toFixed(3)} of the baseline's CPU (the edited film's figures are checked against a decode in tests/scoreIncremental.test.ts)`)
  console.log(`cuts ${whole.value.cuts.frames.length}, AV-Align ${whole.value.avAlign.score} (baseline ${whole.value.avAlign.baseline}), beat alignment ${whole.value.beatAlignment.score} (baseline ${whole.value.beatAlignment.baseline})`)
  if (!same) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
