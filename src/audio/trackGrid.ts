/**
 * The song's beat grid from either tracker, in the units the rest of the analysis needs: the DSP
 * tracker (onset dynamic programming, beatless spans, bar phase from low-band onsets and chord
 * change), or a model's activations decoded by src/audio/grid. Both give confidences.
 */
import type { Analysis } from '../schemas/index.js'
import { findBeatless } from './beatless.js'
import { correctOffbeat, cymbalOnset, trackBeats } from './beats.js'
import { findDownbeats } from './downbeats.js'
import { decodeGridDetailed } from './grid/index.js'
import { dspBeatConfidence, dspDownbeatConfidence } from './gridConfidence.js'
import type { BeatActivations } from './learned/activations.js'
import { onsetStrength, ONSET_LATENCY_FRAMES } from './onset.js'
import type { SpectralPass } from './streams/index.js'
import type { TempoEstimate } from './tempo.js'

export interface TrackedGrid {
  beats: number[]
  /** Beat positions in analysis frames (segment edges for the sections). */
  beatFrames: number[]
  beatConfidence: number[]
  downbeats: number[]
  downbeatConfidence: number[]
  meter: number
  /** Beatless spans in seconds. */
  beatless: Array<{ start: number; end: number }>
  tracker: Analysis['tracker']
}

export interface DspGridInput {
  pass: SpectralPass
  melDb: Float32Array
  /** The analysis's onset envelope (median mel flux) and the tempo estimated from it. */
  onset: Float64Array
  tempoEst: TempoEstimate
  sampleRate: number
  durationSec: number
  nFft: number
  hop: number
  nMels: number
}

/** The DSP tracker, as steps (a `yield` where the analysis may be interrupted). */
export function* dspGridSteps(inp: DspGridInput): Generator<void, TrackedGrid> {
  const { pass, melDb, onset, tempoEst, nFft, hop, nMels } = inp
  const { frames, fps, bank } = pass
  const cymbal = cymbalOnset(pass.percussiveMel, bank.centers, frames, { nFft, hop })
  const tracked = correctOffbeat(trackBeats(onset, fps, tempoEst.varying ? tempoEst.period : tempoEst.bpm), cymbal)
  const { beats: beatFrames, spans } = findBeatless(tracked, onset, tempoEst, fps)
  yield
  const beats = beatFrames.map((f) => round4(Math.max(0, ((f - ONSET_LATENCY_FRAMES) * hop) / inp.sampleRate)))
  let lowBands = 0
  while (lowBands < nMels && bank.centers[lowBands] < 200) lowBands++
  const lowOnset = onsetStrength(melDb, frames, nMels, { aggregate: 'mean', bandHi: Math.max(1, lowBands), nFft, hop })
  const db = findDownbeats(beatFrames, lowOnset, pass.chroma)
  const beatConfidence = dspBeatConfidence(beatFrames, onset)
  return {
    beats,
    beatFrames,
    beatConfidence,
    downbeats: db.downbeatIndices.map((i) => beats[i]),
    downbeatConfidence: dspDownbeatConfidence(db.downbeatIndices, db.meter, db.accent, beatConfidence),
    meter: db.meter,
    beatless: spans
      .map((s) => ({ start: round4(s.start / fps), end: round4(Math.min(inp.durationSec, s.end / fps)) }))
      .filter((s) => s.end > s.start),
    tracker: { method: 'dsp', detail: 'onset dynamic programming (Ellis) with cymbal off-beat guard; bar phase from low-band onsets and chord change' },
  }
}

/** The grid decoded from activations, with beat frames on the analysis grid for the sections. */
export function learnedGrid(act: BeatActivations, fps: number, durationSec: number, source: string): TrackedGrid {
  const g = decodeGridDetailed(act)
  const level = g.detail.level === 1 ? 'as decoded' : g.detail.level === 0.5 ? 'double' : `1/${g.detail.level}`
  return {
    beats: g.beats,
    beatFrames: g.beats.map((t) => Math.round(t * fps)),
    beatConfidence: g.beatConfidence,
    downbeats: g.downbeats,
    downbeatConfidence: g.downbeatConfidence,
    meter: g.meter,
    beatless: g.beatless.map((s) => ({ start: s.start, end: Math.min(durationSec, s.end) })).filter((s) => s.end > s.start),
    tracker: { method: 'learned', detail: `${source}; decoded by DBN + bar HMM (level ${level}, meter ${g.meter})` },
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}
