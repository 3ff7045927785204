import { readFileSync } from 'node:fs'
import { isAbsolute, join, dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { analyzeSamples } from '../../src/audio/analyze.js'
import { learnedActivations, type BeatActivations } from '../../src/audio/learned/activations.js'
import { defaultBeatModelPath, loadBeatModel, metaPathOf } from '../../src/audio/learned/model.js'
import { decodeAudioMono } from '../../src/ffmpeg/index.js'
import { beatFMeasure, continuity, downbeatF } from '../eval/mirEval.js'
import { pickPeaks } from './peaks.js'

/**
 * The beat model on the validation pieces it was not trained on (the dev split's held-out
 * groups listed in beat.json): beat F, AMLt and downbeat F of the DSP analysis, of the learned
 * activations read by a plain peak picker, and (with --decoder <module.js exporting decodeGrid>)
 * read by the decoder. Never run on the test split.
 *
 * Usage: node build/tools/beatnet/evaluate.js --manifest <manifest.json> [--model models/beat/beat.onnx] [--decoder <js>] [--all]
 */

interface Item {
  id: string
  split: string
  composerSet: string
  audioPath: string
  beats: number[]
  downbeats: number[]
  meter: number
}

type Decode = (act: BeatActivations) => { beats: number[]; downbeats: number[]; meter: number }

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  const manifestPath = resolve(arg('--manifest') ?? '')
  const modelPath = resolve(arg('--model') ?? defaultBeatModelPath())
  const meta = JSON.parse(readFileSync(metaPathOf(modelPath), 'utf8')) as { training: { validation?: { groupKey?: string; groups?: string[] } } }
  const groups = new Set(meta.training.validation?.groups ?? [])
  // The piece an item renders, as train.py's group_of reads it.
  const pieceOf = (i: Item) => (i.id.includes('#') ? i.id.split('#')[0] : i.composerSet)
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as Item[] | { items: Item[] }
  const all = Array.isArray(raw) ? raw : raw.items
  const items = all.filter((i) => i.split === 'dev' && (args.includes('--all') || groups.has(pieceOf(i))))
  const decoderPath = arg('--decoder')
  const decode = decoderPath ? ((await import(pathToFileURL(resolve(decoderPath)).href)) as { decodeGrid: Decode }).decodeGrid : undefined
  const model = await loadBeatModel(modelPath)
  const rows: Record<string, number>[] = []
  let dspSec = 0
  let nnSec = 0
  console.log('item                                   DSP bF  AMLt  dbF  m | peaks bF  dbF' + (decode ? ' | dec bF  AMLt  dbF  m' : ''))
  for (const it of items) {
    const path = isAbsolute(it.audioPath) ? it.audioPath : join(dirname(manifestPath), it.audioPath)
    const { samples, sampleRate } = await decodeAudioMono(path, { sampleRate: 22050 })
    let t0 = performance.now()
    const a = analyzeSamples(samples, sampleRate, { path, sha256: '' })
    dspSec += (performance.now() - t0) / 1000
    t0 = performance.now()
    const act = await learnedActivations(samples, sampleRate, { model })
    nnSec += (performance.now() - t0) / 1000
    const pb = pickPeaks(act.beat, act.fps)
    const pd = pickPeaks(act.downbeat, act.fps, { minGap: 0.5 })
    const row: Record<string, number> = {
      dspBeatF: beatFMeasure(it.beats, a.beats),
      dspAMLt: continuity(it.beats, a.beats).AMLt,
      dspDownbeatF: downbeatF(it.downbeats, a.downbeats),
      dspMeter: a.meter === it.meter ? 1 : 0,
      peakBeatF: beatFMeasure(it.beats, pb),
      peakDownbeatF: downbeatF(it.downbeats, pd),
    }
    let line = `${it.id.slice(0, 38).padEnd(38)} ${row.dspBeatF.toFixed(3)} ${row.dspAMLt.toFixed(3)} ${row.dspDownbeatF.toFixed(3)} ${a.meter} | ${row.peakBeatF.toFixed(3)} ${row.peakDownbeatF.toFixed(3)}`
    if (decode) {
      const g = decode(act)
      row.decBeatF = beatFMeasure(it.beats, g.beats)
      row.decAMLt = continuity(it.beats, g.beats).AMLt
      row.decDownbeatF = downbeatF(it.downbeats, g.downbeats)
      row.decMeter = g.meter === it.meter ? 1 : 0
      line += ` | ${row.decBeatF.toFixed(3)} ${row.decAMLt.toFixed(3)} ${row.decDownbeatF.toFixed(3)} ${g.meter}`
    }
    console.log(`${line}   (truth meter ${it.meter})`)
    rows.push(row)
  }
  await model.release()
  const keys = Object.keys(rows[0] ?? {})
  console.log(`\n${items.length} held-out dev items; means:`)
  for (const k of keys) console.log(`  ${k.padEnd(16)} ${mean(rows.map((r) => r[k])).toFixed(3)}`)
  console.log(`  DSP analysis ${dspSec.toFixed(1)} s, learned activations ${nnSec.toFixed(1)} s (ratio ${(nnSec / dspSec).toFixed(2)})`)
}

await main()
