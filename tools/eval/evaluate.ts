import { performance } from 'node:perf_hooks'
import { analyzeSong } from '../../src/audio/analyze.js'
import type { Analysis } from '../../src/schemas/index.js'
import { beatFMeasure, boundaryHitRate, continuity, downbeatF } from './mirEval.js'
import type { EvalSet } from './render.js'

/**
 * Runs the analysis on every file of the evaluation set and scores it with the mir_eval
 * definitions. Each analysis is timed (decode included: that is what a user waits for).
 */

export interface PieceScore {
  name: string
  beatF: number
  CMLt: number
  AMLt: number
  downbeatF: number
  /** Estimated beats inside a beatless span (a beat within 70 ms of the span's end counts as the first true beat). */
  beatsInBeatless: number
  tempoTruth: number
  tempoEst: number
  meterTruth: number
  meterEst: number
  /** Whether the tempo drifts or steps by more than 4 %: from the truth beats, and as reported. */
  varyingTruth: boolean
  varyingEst: boolean
  seconds: number
  durationSec: number
}

export interface StructuredScore {
  name: string
  boundaryF3: number
  boundaryF05: number
  beatF: number
  truthBoundaries: number[]
  estBoundaries: number[]
  seconds: number
  durationSec: number
}

export interface EvalReport {
  pieces: PieceScore[]
  structured: StructuredScore[]
  means: {
    beatF: number
    CMLt: number
    AMLt: number
    downbeatF: number
    beatsInBeatless: number
    boundaryF3: number
    boundaryF05: number
  }
  /** Analysis wall time per minute of audio over every file of the set. */
  secondsPerMinute: number
}

export type Analyzer = (path: string) => Promise<Analysis>

/** Tolerance at the end of a beatless span: the groove's first beat may land this early. */
const BEATLESS_EDGE = 0.07

export function beatsInSpans(beats: readonly number[], spans: ReadonlyArray<{ start: number; end: number }>): number {
  return beats.filter((t) => spans.some((s) => t >= s.start && t < s.end - BEATLESS_EDGE)).length
}

/** Tempo from the median inter-beat interval (BPM). */
export function medianTempo(beats: readonly number[]): number {
  const d: number[] = []
  for (let i = 1; i < beats.length; i++) d.push(beats[i] - beats[i - 1])
  if (!d.length) return 0
  d.sort((a, b) => a - b)
  const m = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2
  return m > 0 ? 60 / m : 0
}

/** True when the local tempo (per beat interval) spans more than 4 % (the schema's `varying`). */
export function tempoVaries(beats: readonly number[]): boolean {
  let lo = Infinity
  let hi = 0
  for (let i = 1; i < beats.length; i++) {
    const d = beats[i] - beats[i - 1]
    if (d <= 0) continue
    lo = Math.min(lo, d)
    hi = Math.max(hi, d)
  }
  return hi > 0 && hi / lo > 1.04
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)

export async function evaluateAnalysis(
  set: EvalSet,
  opts: { analyze?: Analyzer; onResult?: (name: string, seconds: number) => void } = {},
): Promise<EvalReport> {
  const analyze = opts.analyze ?? ((p: string) => analyzeSong(p))
  let totalSec = 0
  let totalAudio = 0
  const timed = async (path: string) => {
    const t0 = performance.now()
    const a = await analyze(path)
    const seconds = (performance.now() - t0) / 1000
    totalSec += seconds
    totalAudio += a.source.durationSec
    return { a, seconds }
  }

  const pieces: PieceScore[] = []
  for (const p of set.pieces) {
    const { a, seconds } = await timed(p.audioPath)
    const c = continuity(p.beats, a.beats)
    pieces.push({
      name: p.name,
      beatF: beatFMeasure(p.beats, a.beats),
      CMLt: c.CMLt,
      AMLt: c.AMLt,
      downbeatF: downbeatF(p.downbeats, a.downbeats),
      beatsInBeatless: beatsInSpans(a.beats, p.beatless),
      tempoTruth: medianTempo(p.beats),
      tempoEst: a.tempo.bpm,
      meterTruth: p.meter,
      meterEst: a.meter,
      varyingTruth: tempoVaries(p.beats),
      varyingEst: a.tempo.varying,
      seconds,
      durationSec: a.source.durationSec,
    })
    opts.onResult?.(p.name, seconds)
  }

  const structured: StructuredScore[] = []
  for (const s of set.structured) {
    const { a, seconds } = await timed(s.audioPath)
    // The estimate's end is the file's end; the truth's is the last bar line: both are trimmed.
    const est = [0, ...a.sections.map((x) => x.end)]
    structured.push({
      name: s.name,
      boundaryF3: boundaryHitRate(s.boundaries, est, 3).F,
      boundaryF05: boundaryHitRate(s.boundaries, est, 0.5).F,
      beatF: beatFMeasure(s.beats, a.beats),
      truthBoundaries: s.boundaries,
      estBoundaries: est,
      seconds,
      durationSec: a.source.durationSec,
    })
    opts.onResult?.(s.name, seconds)
  }

  return {
    pieces,
    structured,
    means: {
      beatF: mean(pieces.map((p) => p.beatF)),
      CMLt: mean(pieces.map((p) => p.CMLt)),
      AMLt: mean(pieces.map((p) => p.AMLt)),
      downbeatF: mean(pieces.map((p) => p.downbeatF)),
      beatsInBeatless: pieces.reduce((a, p) => a + p.beatsInBeatless, 0),
      boundaryF3: mean(structured.map((s) => s.boundaryF3)),
      boundaryF05: mean(structured.map((s) => s.boundaryF05)),
    },
    secondsPerMinute: totalAudio > 0 ? totalSec / (totalAudio / 60) : 0,
  }
}

/** The report as a fixed-width text table (for the eval script and test failure messages). */
export function formatReport(r: EvalReport): string {
  const f = (x: number) => x.toFixed(3)
  const yn = (b: boolean) => (b ? 'yes' : 'no ')
  const lines: string[] = []
  lines.push('piece                  beatF  CMLt   AMLt   dbF    inBeatless  tempo truth/est   meter t/e  varying t/e  s/min')
  for (const p of r.pieces) {
    lines.push(
      `${p.name.padEnd(22)} ${f(p.beatF)}  ${f(p.CMLt)}  ${f(p.AMLt)}  ${f(p.downbeatF)}  ${String(p.beatsInBeatless).padStart(10)}  ` +
        `${p.tempoTruth.toFixed(1).padStart(6)} / ${p.tempoEst.toFixed(1).padStart(6)}   ${p.meterTruth} / ${p.meterEst}      ${yn(p.varyingTruth)} / ${yn(p.varyingEst)}    ${(p.seconds / (p.durationSec / 60)).toFixed(2)}`,
    )
  }
  lines.push('')
  lines.push('structured             F@3s   F@0.5s beatF  s/min')
  for (const s of r.structured) {
    lines.push(`${s.name.padEnd(22)} ${f(s.boundaryF3)}  ${f(s.boundaryF05)}  ${f(s.beatF)}  ${(s.seconds / (s.durationSec / 60)).toFixed(2)}`)
  }
  const m = r.means
  lines.push('')
  lines.push(
    `MEAN beat F ${f(m.beatF)} | CMLt ${f(m.CMLt)} | AMLt ${f(m.AMLt)} | downbeat F ${f(m.downbeatF)} | beats in beatless spans ${m.beatsInBeatless} | ` +
      `boundary F@3s ${f(m.boundaryF3)} | F@0.5s ${f(m.boundaryF05)} | analysis ${r.secondsPerMinute.toFixed(3)} s per minute of audio`,
  )
  return lines.join('\n')
}
