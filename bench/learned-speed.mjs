// Speed of the learned beat activations (src/audio/learned/) beside the DSP analysis of the same
// decoded samples, on synthesized songs of 4 and 60 minutes (each length in its own child process,
// so each peak memory figure, VmHWM, is that length's alone; decoding is not timed: both start
// from the same samples). Run after `npm run build`: node bench/learned-speed.mjs [--minutes 4,60]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)
const args = process.argv.slice(2)
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)

if (args[0] === '--child') await child(args[1], args[2] === 'dsp')
else await main()

async function main() {
  const minutes = arg('--minutes', '4,60').split(',').map(Number)
  const { synthesizeSong, writeWav, EXAMPLE_SONG_SPEC } = await import('../build/tools/synth.js')
  const { runFfmpeg } = await import('../dist/ffmpeg/index.js')
  const cache = join(tmpdir(), 'longav-bench-learned')
  mkdirSync(cache, { recursive: true })
  const unit = join(cache, 'unit.wav')
  if (!existsSync(unit)) {
    const spec = { ...EXAMPLE_SONG_SPEC, tailSec: 0, sections: [...EXAMPLE_SONG_SPEC.sections, ...EXAMPLE_SONG_SPEC.sections.slice(1, 3)] }
    const song = synthesizeSong(spec)
    writeWav(unit, song.samples.subarray(0, Math.min(song.samples.length, 60 * song.sampleRate)), song.sampleRate)
  }
  console.log(`learned activations vs DSP analysis (${process.version}, ${cpus().length} cores)`)
  console.log('minutes  activations s  (features s, network s)  DSP analysis s  ratio  peak RSS MB after decode / activations / DSP')
  for (const m of minutes) {
    const file = join(cache, `song-${m}min.mp3`)
    if (!existsSync(file)) await runFfmpeg(['-stream_loop', String(m - 1), '-i', unit, '-t', String(m * 60), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', file])
    const run = (mode) => {
      const r = spawnSync(process.execPath, [self, '--child', file, mode], { encoding: 'utf8', maxBuffer: 1 << 24 })
      if (r.status !== 0) throw new Error(r.stderr)
      return JSON.parse(r.stdout.trim().split('\n').pop())
    }
    const nn = run('learned')
    // The DSP analysis of an hour takes minutes: only its time per minute at the shorter lengths matters here.
    const dsp = m <= 10 ? run('dsp') : undefined
    console.log(
      [
        String(m).padStart(7),
        nn.seconds.toFixed(2).padStart(14),
        `(${nn.featureSec.toFixed(2)}, ${nn.networkSec.toFixed(2)})`.padStart(24),
        (dsp ? dsp.seconds.toFixed(2) : '-').padStart(15),
        (dsp ? (nn.seconds / dsp.seconds).toFixed(2) : '-').padStart(6),
        `${(nn.decodedHwm / 2 ** 20).toFixed(0)} / ${(nn.vmHwm / 2 ** 20).toFixed(0)} / ${dsp ? (dsp.vmHwm / 2 ** 20).toFixed(0) : '-'}`.padStart(46),
      ].join(' '),
    )
  }
}

async function child(file, dsp) {
  const { decodeAudioMono } = await import('../dist/ffmpeg/index.js')
  const { analyzeSamples } = await import('../dist/audio/index.js')
  const { learnedActivations, loadBeatModel, logMelFeatures } = await import('../dist/audio/learned/index.js')
  const { samples, sampleRate } = await decodeAudioMono(file, { sampleRate: 22050 })
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024
  // The decoded samples are the caller's (an hour at 22050 Hz is 318 MB): the peak after decoding is the baseline.
  const out = { decodedHwm: hwm() }
  if (dsp) {
    const t0 = performance.now()
    analyzeSamples(samples, sampleRate, { path: file, sha256: '' })
    out.seconds = (performance.now() - t0) / 1000
  } else {
    const t0 = performance.now()
    const model = await loadBeatModel()
    await learnedActivations(samples, sampleRate, { model })
    out.seconds = (performance.now() - t0) / 1000
    await model.release()
    // The split: features alone, the rest is the network (and chunk overlap).
    const t1 = performance.now()
    for (let a = 0; a < samples.length / 441; a += 3000) logMelFeatures(samples, { from: a, to: a + 3000 })
    out.featureSec = (performance.now() - t1) / 1000
    out.networkSec = out.seconds - out.featureSec
  }
  out.vmHwm = hwm()
  console.log(JSON.stringify(out))
}
