/**
 * The whole-film frame measurement put together from its segments' traces (filmTrace.ts) instead
 * of decoding the film: the series are joined, and what crosses each junction (the motion, the
 * similarity, the cut score and the frame difference of the first frame of a shot against the last
 * of the shot before) is measured from the two frames kept at the ends of the traces. The cut
 * detector and the frame statistics are then replayed over the joined series, so cuts, black and
 * frozen runs that span or sit near a junction come out as a decode of the film would find them.
 * Exact when the film's frames decode the same as its segments' (a stream-copy concatenation).
 */
import { FrameStatsAccumulator } from './frameStats.js'
import type { FilmTrace } from './filmTrace.js'
import { MotionTracker } from './flow.js'
import type { FrameMeasurement } from './measureFrames.js'
import { ShotBoundaryDetector } from './shotBoundaries.js'
import { TemporalAccumulator, frameSimilarity } from './temporal.js'

/** What scoring reads of a film's frames (FrameMeasurement without the best frame or the trace). */
export type FilmFrames = Omit<FrameMeasurement, 'bestFrame' | 'trace'>

/** The frame figures of a video made of `traces` in order (one trace: the figures of its own video). */
export type JoinedFrames = Omit<FilmFrames, 'info' | 'fps'>

/** The figures of a film made of `traces` in order, at `fps`; `info` is the film's own probe. */
export function filmFramesFromTraces(traces: readonly FilmTrace[], fps: number, info: FrameMeasurement['info']): FilmFrames {
  return { info, fps, ...joinTraces(traces) }
}

/** The frame figures of `traces` joined in order (see the module doc). */
export function joinTraces(traces: readonly FilmTrace[]): JoinedFrames {
  if (!traces.length) throw new Error('filmFramesFromTraces: no segments')
  const { width, height } = traces[0]
  for (const t of traces) if (t.width !== width || t.height !== height) throw new Error(`filmFramesFromTraces: segments measured at ${t.width}×${t.height} and ${width}×${height}`)
  const n = traces.reduce((s, t) => s + t.frames, 0)
  const motion = new Float32Array(n)
  const sim = new Float32Array(n)
  const luma = new Float64Array(n)
  const diff = new Float64Array(n)
  const stats = new FrameStatsAccumulator()
  const detector = new ShotBoundaryDetector(width, height)
  let at = 0
  traces.forEach((t, k) => {
    detector.knowGradual(t.gradual, at)
    motion.set(t.motion, at)
    sim.set(t.sim, at)
    luma.set(t.luma, at)
    diff.set(t.diff, at)
    const before = traces[k - 1]
    if (before) {
      motion[at] = junctionMotion(before.lastGray, t.firstGray, width, height)
      sim[at] = frameSimilarity(before.lastGray, t.firstGray, width, height)
      diff[at] = meanAbsDiff(before.lastGray, t.firstGray)
    }
    for (let i = 0; i < t.frames; i++) {
      const f = at + i
      stats.addScalars(luma[f], f === 0 ? null : diff[f])
      let score = t.cutScore[i]
      if (i === 0 && before) score = detector.frameDistance(before.full.get(before.frames - 1)!, t.full.get(0)!)
      detector.addKnown({ score, meanValue: t.meanValue[i], colour: t.colours[i], full: t.full.get(i) })
    }
    at += t.frames
  })
  return {
    frames: n,
    width,
    height,
    motion,
    cuts: detector.finish(),
    temporal: TemporalAccumulator.fromSeries(Float32Array.from(luma), sim, { width, height }),
    stats: stats.summary(),
  }
}

/** Mean flow magnitude from `a` to `b`, as MotionTracker reports it for b following a. */
function junctionMotion(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const tracker = new MotionTracker(width, height)
  tracker.add(a)
  return tracker.add(b)
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d += Math.abs(b[i] - a[i])
  return d / a.length / 255
}
