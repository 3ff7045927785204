import { performance } from 'node:perf_hooks'
import type { Analysis } from '../../src/schemas/index.js'
import type { DevsetItem } from '../devset/manifest.js'
import { beatFMeasure, continuity, downbeatF } from './mirEval.js'

/**
 * Scores an analyser on development-set items, per split: beat F, CMLt, AMLt, downbeat F (mir_eval
 * definitions), meter accuracy, tempo accuracy (within 4 %, and allowing the octave errors
 * ×2, ×½, ×3, ×⅓), and analysis seconds per minute of audio. Scoring is pure; `evaluateItems`
 * runs the analyser (decode included, as a user waits for it).
 */

export type Analyzer = (path: string) => Promise<Analysis>

export interface ItemScore {
  id: string
  split: DevsetItem['split']
  source: string
  tags: string[]
  beatF: number
  CMLt: number
  AMLt: number
  downbeatF: number
  meterTruth: number
  meterEst: number
  tempoTruth: number
  tempoEst: number
  seconds: number
  durationSec: number
}

export interface Means {
  n: number
  beatF: number
  CMLt: number
  AMLt: number
  downbeatF: number
  meterAcc: number
  /** Share with the tempo within 4 % (MIREX Acc1). */
  tempoAcc1: number
  /** Share within 4 % of the truth or of ×2, ×½, ×3, ×⅓ (Acc2). */
  tempoAcc2: number
  secondsPerMinute: number
  audioMinutes: number
}

const TOL = 0.04

export function tempoWithin(est: number, truth: number, factors = [1]): boolean {
  return truth > 0 && est > 0 && factors.some((f) => Math.abs(est / (truth * f) - 1) <= TOL)
}

export function scoreItem(item: DevsetItem, a: Pick<Analysis, 'beats' | 'downbeats' | 'meter' | 'tempo'>, seconds: number): ItemScore {
  const c = continuity(item.beats, a.beats)
  return {
    id: item.id,
    split: item.split,
    source: item.source,
    tags: item.tags,
    beatF: beatFMeasure(item.beats, a.beats),
    CMLt: c.CMLt,
    AMLt: c.AMLt,
    downbeatF: downbeatF(item.downbeats, a.downbeats),
    meterTruth: item.meter,
    meterEst: a.meter,
    tempoTruth: item.bpm,
    tempoEst: a.tempo.bpm,
    seconds,
    durationSec: item.durationSec,
  }
}

export function means(scores: readonly ItemScore[]): Means {
  const m = (f: (s: ItemScore) => number) => (scores.length ? scores.reduce((a, s) => a + f(s), 0) / scores.length : 0)
  const sec = scores.reduce((a, s) => a + s.seconds, 0)
  const min = scores.reduce((a, s) => a + s.durationSec, 0) / 60
  return {
    n: scores.length,
    beatF: m((s) => s.beatF),
    CMLt: m((s) => s.CMLt),
    AMLt: m((s) => s.AMLt),
    downbeatF: m((s) => s.downbeatF),
    meterAcc: m((s) => (s.meterEst === s.meterTruth ? 1 : 0)),
    tempoAcc1: m((s) => (tempoWithin(s.tempoEst, s.tempoTruth) ? 1 : 0)),
    tempoAcc2: m((s) => (tempoWithin(s.tempoEst, s.tempoTruth, [1, 2, 0.5, 3, 1 / 3]) ? 1 : 0)),
    secondsPerMinute: min > 0 ? sec / min : 0,
    audioMinutes: min,
  }
}

export async function evaluateItems(items: readonly DevsetItem[], analyze: Analyzer, onResult?: (s: ItemScore) => void): Promise<ItemScore[]> {
  const out: ItemScore[] = []
  for (const item of items) {
    const t0 = performance.now()
    const a = await analyze(item.audioPath)
    const s = scoreItem(item, a, (performance.now() - t0) / 1000)
    out.push(s)
    onResult?.(s)
  }
  return out
}

/** Means by a grouping key (meter, tag, source): where a tracker fails. */
export function meansBy(scores: readonly ItemScore[], key: (s: ItemScore) => string[]): Array<[string, Means]> {
  const groups = new Map<string, ItemScore[]>()
  for (const s of scores) for (const k of key(s)) groups.set(k, [...(groups.get(k) ?? []), s])
  return [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => [k, means(v)])
}

const f3 = (x: number) => x.toFixed(3)
const pc = (x: number) => `${(x * 100).toFixed(0)} %`.padStart(5)

export function formatMeansRow(label: string, m: Means): string {
  return `${label.padEnd(26)} ${String(m.n).padStart(4)}  ${f3(m.beatF)}  ${f3(m.CMLt)}  ${f3(m.AMLt)}  ${f3(m.downbeatF)}  ${pc(m.meterAcc)}  ${pc(m.tempoAcc1)}  ${pc(m.tempoAcc2)}  ${m.secondsPerMinute.toFixed(2).padStart(6)}`
}

export const MEANS_HEADER = `${'group'.padEnd(26)} ${'n'.padStart(4)}  beatF  CMLt   AMLt   dbF    meter  tmp4%  tmpOct  s/min`

/** One split's report: overall, by meter, by tag, by source. */
export function formatSplit(title: string, scores: readonly ItemScore[]): string {
  const lines = [title, MEANS_HEADER, formatMeansRow('ALL', means(scores))]
  for (const [k, m] of meansBy(scores, (s) => [`meter ${s.meterTruth}`])) lines.push(formatMeansRow(k, m))
  for (const [k, m] of meansBy(scores, (s) => s.tags.map((t) => `tag ${t}`))) lines.push(formatMeansRow(k, m))
  for (const [k, m] of meansBy(scores, (s) => [`src ${s.source}`])) lines.push(formatMeansRow(k, m))
  return lines.join('\n')
}
