// Full music analysis (decode, beats, downbeats, sections, streams, and per-frame controls for
// the whole song at 30 fps) on synthesized songs of 1, 4 and 60 minutes. Prints wall seconds per
// minute of audio and peak memory for each length; every length runs in its own child process
// so each peak (VmHWM) is that length's alone. Run with `npm run bench:analysis`.
// Options: --minutes 1,4,60 (lengths), --keep (reuse the generated songs from the temp cache).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)
const args = process.argv.slice(2)
const arg = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}

if (args[0] === '--child') await child(args[1])
else await main()

async function main() {
  const minutes = arg('--minutes', '1,4,60').split(',').map(Number)
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
  console.log(`analysis speed (${process.version}, ${(await import('node:os')).cpus().length} cores)`)
  console.log('minutes  wall s  s/min audio  decode+hash s  analyse s  controls s  peak RSS MB (VmHWM)  heap MB')
  for (const m of minutes) {
    const file = join(cache, `song-${m}min.mp3`)
    if (!existsSync(file)) await runFfmpeg(['-stream_loop', String(m - 1), '-i', unit, '-t', String(m * 60), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', file])
    const r = spawnSync(process.execPath, [self, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 24 })
    if (r.status !== 0) {
      console.log(`${m} min: failed\n${r.stderr}`)
      continue
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop())
    const perMin = j.wallSec / (j.durationSec / 60)
    console.log(
      [
        String(m).padStart(7),
        j.wallSec.toFixed(2).padStart(7),
        perMin.toFixed(3).padStart(12),
        j.decodeSec.toFixed(2).padStart(14),
        j.analyseSec.toFixed(2).padStart(10),
        j.controlsSec.toFixed(2).padStart(11),
        (j.vmHwm / 2 ** 20).toFixed(0).padStart(20),
        (j.heapPeak / 2 ** 20).toFixed(0).padStart(8),
      ].join(' '),
    )
  }
}

async function child(file) {
  const { analyzeSong, frameControls } = await import('../dist/audio/index.js')
  let heapPeak = 0
  const sample = () => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers))
  const timer = setInterval(sample, 50)
  const t0 = performance.now()
  let tAnalyse = t0
  const a = await analyzeSong(file, {
    onProgress: (f, stage) => {
      if (stage === 'analyse') tAnalyse = performance.now()
    },
  })
  const t1 = performance.now()
  const frames = Math.floor(a.source.durationSec * 30)
  const controls = frameControls(a, 30, 0, frames)
  const t2 = performance.now()
  sample()
  clearInterval(timer)
  const vmHwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024
  console.log(
    JSON.stringify({
      durationSec: a.source.durationSec,
      beats: a.beats.length,
      sections: a.sections.length,
      controls: controls.length,
      streams: a.streams,
      wallSec: (t2 - t0) / 1000,
      decodeSec: (tAnalyse - t0) / 1000,
      analyseSec: (t1 - tAnalyse) / 1000,
      controlsSec: (t2 - t1) / 1000,
      rss: process.memoryUsage().rss,
      vmHwm,
      heapPeak,
    }),
  )
}
