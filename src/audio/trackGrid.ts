/**
 * The song's beat grid from either tracker, in the units the rest of the analysis needs: the DSP
 * tracker (onset dynamic programming, beatless spans, bar phase from low-band onsets and chord
 * change), or a model's activations decoded by src/audio/grid. Both give confidences.
 */
import type { Analysis } from '../schemas/index.js'
import { findBeatless } from './beatless.js'
import { correctOffbeat, cymbalOnset, trackBeats } from './beats.js'
import { findDownbeats } from './downbeats.js'
import type { AnalysisCues } from './grid/cues.js'
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

/**
 * The grid decoded from activations, with beat frames on the analysis grid for the sections. A
 * model fires on the notes of a rubato passage too, so the onset envelope's own test for a steady
 * pulse (tempogram clarity, as the DSP tracker uses it) also marks beatless spans, and the
 * decoded beats inside them are dropped.
 */
export function learnedGrid(
  act: BeatActivations,
  fps: number,
  durationSec: number,
  source: string,
  pulse?: { onset: Float64Array; tempoEst: TempoEstimate; cues?: AnalysisCues },
): TrackedGrid {
  // The spans' edges are found as the DSP tracker finds them, from its own dynamic-programming
  // beats: the model's beats on rubato notes near an edge would read as a pulse starting early.
  const dspBeats = pulse ? trackBeats(pulse.onset, fps, pulse.tempoEst.varying ? pulse.tempoEst.period : pulse.tempoEst.bpm) : []
  const g = decodeGridDetailed(act, { cues: pulse?.cues })
  const level = g.detail.level === 1 ? 'as decoded' : g.detail.level === 0.5 ? 'double' : `1/${g.detail.level}`
  // Onset frames as the DSP tracker counts them (its envelope lags the audio by the latency).
  const onsetFrames = g.beats.map((t) => Math.round(t * fps) + ONSET_LATENCY_FRAMES)
  const spans = pulse ? findBeatless(dspBeats, pulse.onset, pulse.tempoEst, fps).spans : []
  const free = (i: number) => !spans.some((s) => onsetFrames[i] >= s.start && onsetFrames[i] < s.end)
  const keep = g.beats.map((_, i) => free(i))
  const beats = g.beats.filter((_, i) => keep[i])
  const kept = new Set(beats)
  const dKeep = g.downbeats.map((t) => kept.has(t))
  const beatless = [
    ...g.beatless,
    ...spans.map((s) => ({ start: round4(Math.max(0, (s.start - ONSET_LATENCY_FRAMES) / fps)), end: round4((s.end - ONSET_LATENCY_FRAMES) / fps) })),
  ]
    .map((s) => ({ start: s.start, end: Math.min(durationSec, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start)
  return {
    beats,
    beatFrames: beats.map((t) => Math.round(t * fps)),
    beatConfidence: g.beatConfidence.filter((_, i) => keep[i]),
    downbeats: g.downbeats.filter((_, i) => dKeep[i]),
    downbeatConfidence: g.downbeatConfidence.filter((_, i) => dKeep[i]),
    meter: g.meter,
    beatless: mergeSpans(beatless),
    tracker: { method: 'learned', detail: `${source}; decoded by DBN + bar HMM${pulse?.cues ? ' with low-band onset and chord-change cues' : ''} (level ${level}, meter ${g.meter})` },
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/** Overlapping or touching spans joined. */
function mergeSpans(spans: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = []
  for (const s of spans) {
    const last = out[out.length - 1]
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end)
    else out.push({ ...s })
  }
  return out
}
