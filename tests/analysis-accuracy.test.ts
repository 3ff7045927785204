import { beforeAll, describe, expect, it } from 'vitest'
import { evaluateAnalysis, formatReport, type EvalReport } from '../tools/eval/evaluate.js'
import { buildEvalSet, type EvalSet } from '../tools/eval/render.js'
import { evaluateItems, formatSplit, means, type ItemScore, type Means } from '../tools/eval/devsetEval.js'
import { analyzerFor } from '../tools/eval/trackers.js'
import { buildDevset } from '../tools/devset/build.js'
import type { DevsetItem } from '../tools/devset/manifest.js'
import { ciTestSubset } from '../tools/devset/subset.js'

/**
 * Accuracy of the analysis (the DSP tracker, through the same adapter the eval script uses).
 *
 * 1. The old evaluation set (issue 3): MIDI pieces and synthesized songs with known sections,
 *    written by the code that was tuned on them. Those thresholds are issue 3's: never lower them.
 * 2. The TEST split of the development set (issue 15): human-composed MIDI from Debian packages
 *    (OpenMSX, the abcmidi examples) and generated pieces in every meter, rendered with a
 *    soundfont the dev split never uses, through production-like processing. CI renders and
 *    analyses a fixed subset (tools/devset/subset.ts) to fit in ~3 minutes; `npm run
 *    eval:analysis` reports the whole split. Both sets are cached in the temp dir.
 */

let set: EvalSet
let report: EvalReport
let table: string

beforeAll(async () => {
  set = await buildEvalSet()
  report = await evaluateAnalysis(set)
  table = '\n' + formatReport(report)
}, 300_000)

describe('analysis accuracy on the evaluation set', () => {
  it('the set holds the pieces the thresholds are about', () => {
    expect(set.pieces.length).toBeGreaterThanOrEqual(8)
    expect(set.structured.length).toBeGreaterThanOrEqual(4)
    expect(set.pieces.some((p) => p.beatless.length > 0)).toBe(true)
    expect(set.pieces.some((p) => p.meter === 3)).toBe(true)
    for (const p of report.pieces) expect(Number.isFinite(p.beatF) && Number.isFinite(p.AMLt), p.name).toBe(true)
  })

  it('mean beat F-measure ≥ 0.90', () => {
    expect(report.means.beatF, table).toBeGreaterThanOrEqual(0.9)
  })

  it('mean AMLt ≥ 0.90', () => {
    expect(report.means.AMLt, table).toBeGreaterThanOrEqual(0.9)
  })

  it('mean downbeat F-measure ≥ 0.80', () => {
    expect(report.means.downbeatF, table).toBeGreaterThanOrEqual(0.8)
  })

  it('mean section boundary F at ±3 s ≥ 0.80 on the structured tracks', () => {
    expect(report.means.boundaryF3, table).toBeGreaterThanOrEqual(0.8)
  })

  it('no beats inside any beatless span', () => {
    for (const p of report.pieces) expect(p.beatsInBeatless, `${p.name}${table}`).toBe(0)
  })
})

let items: DevsetItem[]
let scores: ItemScore[]
let m: Means
let testTable: string
let learnedScores: ItemScore[]
let learned: Means
let learnedTable: string

beforeAll(async () => {
  // No download in a test: the sources must be installed (scripts/setup.sh installs the test split's).
  const manifest = await buildDevset({ splits: ['test'], fetch: false, write: false, select: ciTestSubset() })
  items = manifest.items
  scores = await evaluateItems(items, analyzerFor('dsp'))
  m = means(scores)
  testTable = '\n' + formatSplit('test split (CI subset), DSP tracker', scores)
  learnedScores = await evaluateItems(items, analyzerFor('auto'))
  learned = means(learnedScores)
  learnedTable = '\n' + formatSplit('test split (CI subset), learned tracker (--beat-tracker auto)', learnedScores)
}, 600_000)

/**
 * Floors: the DSP tracker's figures on this subset (30 items, 32 minutes) as measured on
 * 2026-12-07, minus a small margin, so a regression fails. They are NOT the aims — beat
 * F ≥ 0.92, AMLt ≥ 0.95, downbeat F ≥ 0.85, meter right on ≥ 90 % of pieces — which the DSP
 * tracker does not meet (measured: beat F 0.846, AMLt 0.837, downbeat F 0.536, meter 67 %: it
 * reports 4/4 for every piece; tempo within 4 % allowing octaves 87 %). The integrator raises
 * them when the learned tracker lands.
 */
const FLOOR = { beatF: 0.81, AMLt: 0.8, downbeatF: 0.5, meterAcc: 0.63, tempoAcc2: 0.83 }
/**
 * The learned tracker ('auto': models/beat/beat.onnx + the grid decoder; the DSP tracker stays the
 * default), on the same subset, measured on 2026-12-07 after the decoder's meter fix (a 2-beat
 * reading becomes 4/4 when the bar's middle beat is consistently weaker; before it: downbeat F
 * 0.775, meter 63 %, 4/4 read as 2). Floors a small margin under LEARNED_MEASURED. Beat F, AMLt and
 * meter (27 of 30) reach the aims; downbeat F (aim 0.85) does not: the model marks the
 * wrong beat of some 4/4 bars, and 2/4 / 6/8 are now mostly read as 4. Measured again on
 * 2026-12-07 with the bar cues (chord change, low-band onsets) and the 6/8 check in the decoder:
 * the same but downbeat F 0.841 → 0.839 (one 4/4 item; on the whole split 0.739 → 0.752).
 * 2026-12-08, with the harmony in the two-or-four-a-bar choice (bars.ts twoBeatsABar): this subset
 * unchanged; the whole split (67) meter 84 → 88 %, downbeat F 0.752 → 0.760 (eval:analysis).
 */
const LEARNED_MEASURED = { beatF: 0.943, AMLt: 0.965, downbeatF: 0.839, meterAcc: 0.9, tempoAcc2: 0.93 }
const LEARNED_FLOOR = { beatF: 0.93, AMLt: 0.95, downbeatF: 0.82, meterAcc: 0.86, tempoAcc2: 0.9 }

describe('analysis accuracy on the test split of the development set', () => {
  it('the subset covers the sources, meters and kinds the split is about', () => {
    const sources = new Set(items.map((i) => i.source))
    for (const s of ['openmsx', 'abcmidi-examples', 'generated']) expect(sources, testTable).toContain(s)
    const meters = new Set(items.map((i) => i.meter))
    for (const k of [2, 3, 4, 5, 7]) expect(meters, testTable).toContain(k)
    expect(items.some((i) => i.tags.includes('6/8'))).toBe(true)
    for (const t of ['swing', 'rubato', 'tempo-change', 'drumless']) expect(items.some((i) => i.tags.includes(t)), t).toBe(true)
    expect(new Set(items.map((i) => i.soundfont))).toEqual(new Set(['csound-gm']))
    for (const s of scores) expect(Number.isFinite(s.beatF) && Number.isFinite(s.AMLt), s.id).toBe(true)
  })

  it('beat F, AMLt, downbeat F, meter and tempo accuracy hold the measured floors', () => {
    expect(m.beatF, testTable).toBeGreaterThanOrEqual(FLOOR.beatF)
    expect(m.AMLt, testTable).toBeGreaterThanOrEqual(FLOOR.AMLt)
    expect(m.downbeatF, testTable).toBeGreaterThanOrEqual(FLOOR.downbeatF)
    expect(m.meterAcc, testTable).toBeGreaterThanOrEqual(FLOOR.meterAcc)
    expect(m.tempoAcc2, testTable).toBeGreaterThanOrEqual(FLOOR.tempoAcc2)
  })

  it('the learned tracker holds its floors and beats the DSP tracker on beats, continuity and downbeats', () => {
    const t = testTable + learnedTable
    for (const k of Object.keys(LEARNED_FLOOR) as Array<keyof typeof LEARNED_FLOOR>) expect(learned[k], `${k} (measured ${LEARNED_MEASURED[k]})${t}`).toBeGreaterThanOrEqual(LEARNED_FLOOR[k])
    expect(learned.beatF, t).toBeGreaterThan(m.beatF)
    expect(learned.AMLt, t).toBeGreaterThan(m.AMLt)
    expect(learned.downbeatF, t).toBeGreaterThan(m.downbeatF)
    console.log(t)
  })
})
