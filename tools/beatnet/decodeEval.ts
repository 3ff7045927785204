import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { decodeGridDetailed } from '../../src/audio/grid/index.js'
import { defaultBeatModelPath, loadBeatModel, metaPathOf, type BeatModel } from '../../src/audio/learned/model.js'
import { manifestPath as defaultManifestPath, readManifest, type DevsetItem } from '../devset/manifest.js'
import { tempoWithin } from '../eval/devsetEval.js'
import { beatFMeasure, continuity, downbeatF } from '../eval/mirEval.js'
import { cachedActivations, modelKey } from './actCache.js'
import { cachedCues, hasCachedCues } from './cueCache.js'

/**
 * The grid decoder on cached model activations (tools/beatnet/actCache.ts): beat F, AMLt,
 * downbeat F and meter accuracy per split, by meter (6/8 apart from 2/4), and the confusion
 * matrix of true vs reported beats per bar. Activations missing from the cache are computed once.
 * Tune on `--split dev` only; `--unseen` keeps the dev items the model did not train on (the
 * validation pieces and items added to the set after the training snapshot).
 *
 * Usage: node build/tools/beatnet/decodeEval.js [--manifest m.json] [--model beat.onnx] [--split dev|test]
 *        [--unseen] [--ci] [--cues] [--json out.json] [--quiet]
 */

interface Row {
  id: string
  label: string
  meter: number
  est: number
  beatF: number
  AMLt: number
  CMLt: number
  /** Tempo within 4 % of the truth; and allowing ×2, ×½, ×3, ×⅓ (devsetEval's Acc1 / Acc2, from the decoder's median-beat tempo). */
  tempo1: boolean
  tempo2: boolean
  downbeatF: number
  level: number
  scores: Record<number, number>
  halfBar?: { ratio: number; consistency: number; pairs: number; change?: number }
}

export const meterLabel = (it: Pick<DevsetItem, 'meter' | 'tags'>) => (it.tags.includes('6/8') ? '6/8' : `${it.meter}/4`)

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)

export function summaryLines(rows: Row[]): string[] {
  const line = (name: string, rs: Row[]) =>
    `${name.padEnd(10)} ${String(rs.length).padStart(4)}  ${mean(rs.map((r) => r.beatF)).toFixed(3)}  ${mean(rs.map((r) => r.AMLt)).toFixed(3)}  ${mean(rs.map((r) => r.downbeatF)).toFixed(3)}  ${(100 * mean(rs.map((r) => (r.est === r.meter ? 1 : 0)))).toFixed(0).padStart(4)} %`
  const out = [
    'group         n  beatF  AMLt   dbF    meter',
    line('ALL', rows),
    `(ALL: CMLt ${mean(rows.map((r) => r.CMLt)).toFixed(3)}, tempo within 4 % ${(100 * mean(rows.map((r) => (r.tempo1 ? 1 : 0)))).toFixed(0)} %, allowing octaves ${(100 * mean(rows.map((r) => (r.tempo2 ? 1 : 0)))).toFixed(0)} %)`,
  ]
  const labels = [...new Set(rows.map((r) => r.label))].sort()
  for (const l of labels) out.push(line(l, rows.filter((r) => r.label === l)))
  const ests = [...new Set(rows.map((r) => r.est))].sort((a, b) => a - b)
  out.push('', `confusion (rows: truth; columns: reported beats per bar)`, `${'truth'.padEnd(8)}${ests.map((e) => String(e).padStart(5)).join('')}`)
  for (const l of labels) out.push(`${l.padEnd(8)}${ests.map((e) => String(rows.filter((r) => r.label === l && r.est === e).length).padStart(5)).join('')}`)
  return out
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  const manifest = resolve(arg('--manifest') ?? defaultManifestPath())
  const modelPath = resolve(arg('--model') ?? defaultBeatModelPath())
  const split = arg('--split') ?? 'dev'
  let items = readManifest(manifest).items.filter((i) => i.split === split)
  if (args.includes('--unseen')) {
    const meta = JSON.parse(readFileSync(metaPathOf(modelPath), 'utf8')) as { training: { set?: string; validation?: { groups?: string[] } } }
    const groups = new Set(meta.training.validation?.groups ?? [])
    const set = meta.training.set && existsSync(meta.training.set) ? (JSON.parse(readFileSync(meta.training.set, 'utf8')) as { items: DevsetItem[] }).items : []
    const trained = new Set(set.map((i) => i.id))
    const pieceOf = (i: DevsetItem) => (i.id.includes('#') ? i.id.split('#')[0] : i.composerSet)
    items = items.filter((i) => !trained.has(i.id) || groups.has(pieceOf(i)))
  }
  if (args.includes('--ci')) {
    const { ciIds } = (await import('./ciIds.js')) as { ciIds: (m: string) => Promise<Set<string>> }
    const ids = await ciIds(manifest)
    items = items.filter((i) => ids.has(i.id))
  }
  // --cues-cached: only items whose cues are cached already (a first look while the cache fills).
  if (args.includes('--cues-cached')) items = items.filter((i) => hasCachedCues(i, manifest))
  const key = modelKey(modelPath)
  let model: BeatModel | undefined
  const getModel = async () => (model ??= await loadBeatModel(modelPath))
  const rows: Row[] = []
  const useCues = args.includes('--cues')
  // LONGAV_CUE_W=low,change overrides the weights (tuning on dev only).
  const cw = process.env.LONGAV_CUE_W?.split(',').map(Number)
  const cueWeights = cw && cw.length === 2 ? { low: cw[0], change: cw[1] } : undefined
  let decodeSec = 0
  for (const it of items) {
    const act = await cachedActivations(it, manifest, key, getModel)
    const t0 = performance.now()
    const cues = useCues ? await cachedCues(it, manifest) : undefined
    const g = decodeGridDetailed(act, { cues, cueWeights })
    decodeSec += (performance.now() - t0) / 1000
    const c = continuity(it.beats, g.beats)
    const r: Row = {
      id: it.id,
      label: meterLabel(it),
      meter: it.meter,
      est: g.meter,
      beatF: beatFMeasure(it.beats, g.beats),
      AMLt: c.AMLt,
      CMLt: c.CMLt,
      tempo1: tempoWithin(g.bpm, it.bpm),
      tempo2: tempoWithin(g.bpm, it.bpm, [1, 2, 0.5, 3, 1 / 3]),
      downbeatF: downbeatF(it.downbeats, g.downbeats),
      level: g.detail.level,
      scores: g.detail.meterScores,
      halfBar: g.detail.halfBar,
    }
    rows.push(r)
    if (!args.includes('--quiet'))
      console.log(`${it.id.slice(0, 50).padEnd(50)} ${r.label.padEnd(4)} → ${r.est}  bF ${r.beatF.toFixed(3)} AMLt ${r.AMLt.toFixed(3)} dbF ${r.downbeatF.toFixed(3)} lvl ${r.level}`)
  }
  await model?.release()
  console.log(`\n${split}${args.includes('--unseen') ? ' (unseen)' : ''}${args.includes('--ci') ? ' (CI subset)' : ''}: ${rows.length} items, decode ${decodeSec.toFixed(1)} s`)
  console.log(summaryLines(rows).join('\n'))
  const json = arg('--json')
  if (json) writeFileSync(json, JSON.stringify(rows, null, 1))
}

await main()
