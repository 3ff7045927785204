import { CLEAR_PULSE, type TempoEstimate } from './tempo.js'

export interface BeatlessResult {
  /** Beat frames with those inside beatless spans removed. */
  beats: number[]
  /** Spans without a steady pulse, in onset frames [start, end). */
  spans: Array<{ start: number; end: number }>
}

/** A stretch must lack a pulse for this long (s) to be beatless: a drum break is not. */
const MIN_SPAN_SEC = 4
/** A beat is "supported" when its onset reaches this share of the median onset at pulsed beats. */
const SUPPORT = 0.3
/** Beats needed in a row, all supported and evenly spaced, where a pulse (re)starts. */
const RUN = 4
/** How far (s) past a raw span edge the widening may look for that run (the windows' half width). */
const EDGE_SEC = 6

/**
 * Beatless spans (a rubato intro, a free pad, a long pause): tempogram windows whose pulse clarity
 * stays under CLEAR_PULSE for MIN_SPAN_SEC. The 8 s windows blur the edges by a few seconds, so a
 * span is then widened to the first (and from the last) run of RUN supported, evenly spaced beats:
 * the DP may have placed beats on the rubato notes near the edge, and those must not survive.
 */
export function findBeatless(beatFrames: number[], onset: Float64Array, tempo: TempoEstimate, fps: number): BeatlessResult {
  const n = onset.length
  const W = tempo.clarity.length
  const pulsed = (w: number) => tempo.clarity[w] >= CLEAR_PULSE
  const hop = W > 1 ? tempo.centers[1] - tempo.centers[0] : n
  const minWindows = Math.max(1, Math.round((MIN_SPAN_SEC * fps) / Math.max(1, hop)))
  const raw: Array<{ start: number; end: number }> = []
  for (let w = 0; w < W; ) {
    if (pulsed(w)) {
      w++
      continue
    }
    let e = w
    while (e < W && !pulsed(e)) e++
    // Window w is centred on its frame: the span covers from its centre to the next pulsed centre.
    const start = w === 0 ? 0 : tempo.centers[w]
    const end = e >= W ? n : tempo.centers[e]
    if (e - w >= minWindows || (w === 0 && e >= W)) raw.push({ start, end })
    w = e
  }
  if (!raw.length) return { beats: beatFrames, spans: [] }

  const strength = (f: number) => Math.max(onset[f] ?? 0, onset[f - 1] ?? 0, onset[f + 1] ?? 0)
  const inside = (f: number) => raw.some((s) => f >= s.start && f < s.end)
  const ref = beatFrames.filter((f) => !inside(f)).map(strength).sort((a, b) => a - b)
  const floor = SUPPORT * (ref[ref.length >> 1] ?? 0)
  const supported = (k: number) => k >= 0 && k < beatFrames.length && strength(beatFrames[k]) >= floor
  const runAt = (k: number, dir: 1 | -1) => {
    for (let r = 0; r < RUN; r++) if (!supported(k + dir * r)) return false
    // Even spacing: the run's intervals agree within 20 %.
    const iv: number[] = []
    for (let r = 0; r + 1 < RUN; r++) iv.push(Math.abs(beatFrames[k + dir * (r + 1)] - beatFrames[k + dir * r]))
    const m = iv.reduce((a, b) => a + b, 0) / iv.length
    return iv.every((d) => Math.abs(d - m) <= 0.2 * m)
  }

  const spans = raw.map((s) => {
    let { start, end } = s
    // Forward from the raw end: drop beats until a supported run begins.
    let k = beatFrames.findIndex((f) => f >= start)
    if (k >= 0) {
      const k0 = k
      while (k < beatFrames.length && (beatFrames[k] < end || !runAt(k, 1))) k++
      // No clean run within the blur of the windows: trust the raw edge.
      if (k < beatFrames.length && beatFrames[k] - end > EDGE_SEC * fps) k = k0
      if (end < n) end = k < beatFrames.length ? Math.max(end, beatFrames[k] - 1) : n
    }
    // Backward from the raw start, symmetrically (a pulse that stops before a free outro).
    if (start > 0) {
      let j = -1
      for (let i = beatFrames.length - 1; i >= 0; i--) if (beatFrames[i] < start) {
        j = i
        break
      }
      const j0 = j
      while (j >= 0 && !runAt(j, -1)) j--
      if (j >= 0 && j0 >= 0 && start - beatFrames[j] > EDGE_SEC * fps) j = j0
      start = j >= 0 ? Math.min(start, beatFrames[j] + 1) : 0
    }
    return { start, end }
  })
  const beats = beatFrames.filter((f) => !spans.some((s) => f >= s.start && f < s.end))
  return { beats, spans }
}
