/**
 * Confidences for the DSP tracker's grid, read from its own evidence with the same measures the
 * learned path uses (src/audio/grid): a beat is as sure as the onset peak at it stands out of
 * the onsets around it and is the strongest within half a period; a downbeat is as sure as the
 * bar-start accents (low-band onset + chord change) favour its bar phase over the other phases
 * in the bars around it, and no surer than its beat.
 */
import { phaseConfidence } from './grid/bars.js'
import { beatEvidence } from './grid/evidence.js'

/** Onset frames either side of a beat in which its peak is read (±46 ms at 43 fps). */
const TOL_FRAMES = 2
/** Accent units per nat of the phase margin: the DSP accents are relative, not log-odds. */
const ACCENT_SCALE = 1.5

export function dspBeatConfidence(beatFrames: number[], onset: Float64Array): number[] {
  if (beatFrames.length === 0) return []
  // A robust scale (99th percentile) so one huge hit does not make every other beat look weak.
  const sorted = Float64Array.from(onset).sort()
  const ref = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] || 1
  const act = new Float32Array(onset.length)
  for (let i = 0; i < onset.length; i++) act[i] = Math.min(1, onset[i] / ref)
  const ev = beatEvidence(beatFrames, act, TOL_FRAMES)
  return ev.evidence.map((e, i) => round3(e * ev.agreement[i]))
}

export function dspDownbeatConfidence(downbeatIndices: number[], meter: number, accent: number[], beatConfidence: number[]): number[] {
  const n = accent.length
  if (n === 0 || downbeatIndices.length === 0) return []
  const phase = downbeatIndices[0] % meter
  const position = accent.map((_, i) => (((i - phase) % meter) + meter) % meter)
  const phaseConf = phaseConfidence({ meter, position, downLogOdds: accent.map((a) => ACCENT_SCALE * a), scores: {} })
  return downbeatIndices.map((i, j) => round3(Math.max(0, Math.min(1, (phaseConf[j] ?? 0) * Math.sqrt(beatConfidence[i] ?? 0)))))
}

function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3
}
