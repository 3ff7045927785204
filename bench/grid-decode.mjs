// Speed of the grid decoder (src/audio/grid): decoding 4 minutes of activations, as a ratio to
// the full analysis of the same song. Activations at 100 fps (a model's rate, synthetic) and at
// the analysis rate (43 fps, made from the DSP cues by tools/grid/dspActivations.ts).
// With --eval: on the project's evaluation set (npm run eval:analysis renders it), the DSP
// tracker beside the decoder over DSP-derived activations: beat F, AMLt, downbeat F, meter.
// Needs a build (npm run build). Run: node bench/grid-decode.mjs [--eval] [--minutes 4]
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const minutes = Number(args[args.indexOf('--minutes') + 1] || 4) || 4
const { decodeGrid, decodeGridDetailed } = await import('../build/src/audio/grid/index.js')
const { syntheticGrid, syntheticCases } = await import('../build/tools/grid/synthetic.js')
const { dspActivations } = await import('../build/tools/grid/dspActivations.js')
const { analyzeSong } = await import('../build/src/audio/analyze.js')
const { decodeAudioMono, runFfmpeg } = await import('../build/src/ffmpeg/index.js')
const { synthesizeSong, writeWav, EXAMPLE_SONG_SPEC } = await import('../build/tools/synth.js')
const { beatFMeasure, continuity } = await import('../build/tools/eval/mirEval.js')

const time = (f) => {
  const t0 = performance.now()
  const r = f()
  return [r, (performance.now() - t0) / 1000]
}

const cache = join(tmpdir(), 'longav-bench-grid')
mkdirSync(cache, { recursive: true })
const unit = join(cache, 'unit.wav')
if (!existsSync(unit)) {
  const song = synthesizeSong({ ...EXAMPLE_SONG_SPEC, tailSec: 0 })
  writeWav(unit, song.samples.subarray(0, Math.min(song.samples.length, 60 * song.sampleRate)), song.sampleRate)
}
const file = join(cache, `song-${minutes}min.mp3`)
if (!existsSync(file)) await runFfmpeg(['-stream_loop', String(minutes - 1), '-i', unit, '-t', String(minutes * 60), '-c:a', 'libmp3lame', '-b:a', '192k', file])

const t0 = performance.now()
await analyzeSong(file, { beatTracker: 'dsp' })
const analysisSec = (performance.now() - t0) / 1000
const decoded = await decodeAudioMono(file, { sampleRate: 22050 })
const [dspAct, dspActSec] = time(() => dspActivations(decoded.samples, decoded.sampleRate))
decodeGrid(syntheticGrid({ seconds: 20, bpm: 120, meter: 4 }).act) // warm-up (JIT)
const [, dec43] = time(() => decodeGrid(dspAct))
const synth = syntheticGrid({ seconds: minutes * 60, bpm: 123, meter: 4, noise: 0.05, seed: 3 })
const [g100, dec100] = time(() => decodeGrid(synth.act))
console.log(`grid decode, ${minutes} min of audio (${process.version})`)
console.log(`  full analysis (DSP tracker):          ${analysisSec.toFixed(2)} s`)
console.log(`  decode 100 fps activations:           ${dec100.toFixed(3)} s  = ${(dec100 / analysisSec).toFixed(3)} × analysis  (beat F ${beatFMeasure(synth.beats, g100.beats).toFixed(3)})`)
console.log(`  decode 43 fps DSP-derived activations: ${dec43.toFixed(3)} s  = ${(dec43 / analysisSec).toFixed(3)} × analysis`)
console.log(`  (making the DSP-derived activations:  ${dspActSec.toFixed(2)} s, a test vehicle, not a product path)`)

{
  console.log('\nsynthetic activations (100 fps): beat F, downbeat F, meter found / true, tempo')
  for (const c of syntheticCases()) {
    const s = syntheticGrid(c.spec)
    const g = decodeGrid(s.act)
    console.log(`  ${c.name.padEnd(54)} F ${beatFMeasure(s.beats, g.beats, { skipBefore: 0 }).toFixed(3)}  dbF ${beatFMeasure(s.downbeats, g.downbeats, { skipBefore: 0 }).toFixed(3)}  meter ${g.meter}/${c.spec.meter}  ${g.bpm.toFixed(1)} BPM`)
  }
}

if (args.includes('--eval')) {
  const { buildEvalSet } = await import('../build/tools/eval/render.js')
  const set = await buildEvalSet({})
  const rows = []
  const confPool = {}
  for (const t of [...set.pieces, ...set.structured]) {
    const a = await analyzeSong(t.audioPath, { beatTracker: 'dsp' })
    const s = await decodeAudioMono(t.audioPath, { sampleRate: 22050 })
    const g = decodeGridDetailed(dspActivations(s.samples, s.sampleRate))
    const score = (beats, downbeats, meter) => ({
      F: beatFMeasure(t.beats, beats),
      AMLt: continuity(t.beats, beats).AMLt,
      dbF: beatFMeasure(t.downbeats, downbeats),
      meter: meter === t.meter,
    })
    rows.push({ name: t.name, meter: t.meter, dsp: score(a.beats, a.downbeats, a.meter), dec: score(g.beats, g.downbeats, g.meter), decMeter: g.meter, dspMeter: a.meter, level: g.detail.level })
    // Is confidence informative? Mean confidence of downbeats that hit a true downbeat (±70 ms) and of those that miss.
    const split = (times, conf) => {
      const hit = [], miss = []
      times.forEach((x, i) => (t.downbeats.some((d) => Math.abs(d - x) <= 0.07) ? hit : miss).push(conf[i]))
      return { hit, miss }
    }
    const ds = split(a.downbeats, a.downbeatConfidence)
    const gs = split(g.downbeats, g.downbeatConfidence)
    for (const [k, v] of [['dspHit', ds.hit], ['dspMiss', ds.miss], ['decHit', gs.hit], ['decMiss', gs.miss]]) (confPool[k] ??= []).push(...v)
  }
  const f = (x) => x.toFixed(3)
  console.log('\npiece                   meter | DSP tracker: F  AMLt  dbF  meter | decoder on DSP activations: F  AMLt  dbF  meter level')
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(24)} ${String(r.meter).padStart(4)} | ${f(r.dsp.F)} ${f(r.dsp.AMLt)} ${f(r.dsp.dbF)} ${String(r.dspMeter).padStart(3)}   | ${f(r.dec.F)} ${f(r.dec.AMLt)} ${f(r.dec.dbF)} ${String(r.decMeter).padStart(3)} ${r.level}`,
    )
  }
  const mean = (k, sub) => rows.reduce((s, r) => s + Number(r[k][sub]), 0) / rows.length
  const avg = (xs = []) => (xs.length ? (xs.reduce((p, q) => p + q, 0) / xs.length).toFixed(3) : '-')
  const low = (xs = []) => (xs.length ? (xs.filter((x) => x < 0.5).length / xs.length).toFixed(3) : '-')
  console.log(
    `${'mean'.padEnd(29)} | ${f(mean('dsp', 'F'))} ${f(mean('dsp', 'AMLt'))} ${f(mean('dsp', 'dbF'))} ${f(mean('dsp', 'meter'))} | ${f(mean('dec', 'F'))} ${f(mean('dec', 'AMLt'))} ${f(mean('dec', 'dbF'))} ${f(mean('dec', 'meter'))}`,
  )
  console.log('\ndownbeat confidence: mean (share under 0.5) of downbeats that hit / miss a true downbeat')
  console.log(`  DSP tracker:                 hit ${avg(confPool.dspHit)} (${low(confPool.dspHit)}, n ${confPool.dspHit?.length ?? 0})  miss ${avg(confPool.dspMiss)} (${low(confPool.dspMiss)}, n ${confPool.dspMiss?.length ?? 0})`)
  console.log(`  decoder on DSP activations:  hit ${avg(confPool.decHit)} (${low(confPool.decHit)}, n ${confPool.decHit?.length ?? 0})  miss ${avg(confPool.decMiss)} (${low(confPool.decMiss)}, n ${confPool.decMiss?.length ?? 0})`)
}
