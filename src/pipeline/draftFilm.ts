/**
 * A draft's measurement: the film decoded once, at a small size, instead of every shot decoded
 * and measured on its own. A draft keeps its one take per shot whatever the verifier says, so the
 * per-shot measurement only serves the report; measuring the joined film gives the same figures
 * per shot span (sync, consistency, cuts inside, black and frozen runs) from one ffmpeg process.
 */
import { onsetPeakTimes } from '../audio/index.js'
import type { SegmentMetrics } from '../agents/verifier/index.js'
import { analysisSize, decodeFrames, probeMedia } from '../ffmpeg/index.js'
import type { FilmFrames } from '../metrics/filmFrames.js'
import { MotionTracker } from '../metrics/flow.js'
import { FrameStatsAccumulator, type FrameStats } from '../metrics/frameStats.js'
import { gradientEnergy, lumaOf } from '../metrics/measureFrames.js'
import { ShotBoundaryDetector } from '../metrics/shotBoundaries.js'
import { segmentFigures } from '../metrics/measureSegment.js'
import { TemporalAccumulator } from '../metrics/temporal.js'
import type { Analysis, ShotPlan } from '../schemas/index.js'

/**
 * Width a draft's film is measured at: half the full render's metric width (160). A draft is
 * 480 px wide, so this is 1/6 of its width where a 1280 px render is measured at 1/8 of its own;
 * it costs about a third of the metric size (measured: 3.1 against 12.2 CPU-s for the example).
 */
export const DRAFT_METRIC_WIDTH = 80

export interface DraftFilm {
  /** The film's frames, as scoreVideo reads them. */
  film: FilmFrames
  /** Per plan shot: its frame statistics and its sharpest, stillest frame (film frame numbers). */
  shots: Array<{ stats: FrameStats; bestFrame: number }>
}

/** Decodes `path` once at DRAFT_METRIC_WIDTH and measures it whole and per span [start, end) of `spans`. */
export async function measureDraftFilm(path: string, spans: ReadonlyArray<{ start: number; end: number }>, signal?: AbortSignal): Promise<DraftFilm> {
  const info = await probeMedia(path, { signal })
  const v = info.video
  if (!v) throw new Error(`${path} has no video stream`)
  const { width, height } = analysisSize(v.width, v.height, DRAFT_METRIC_WIDTH)
  const total = spans.length ? spans[spans.length - 1].end : 0
  const tracker = new MotionTracker(width, height)
  const detector = new ShotBoundaryDetector(width, height)
  const temporal = new TemporalAccumulator({ width, height })
  const stats = new FrameStatsAccumulator()
  const gray = new Uint8Array(width * height)
  const motion = new Float32Array(Math.max(total, 1) + 16)
  const shots = spans.map(() => ({ acc: new FrameStatsAccumulator(), best: { frame: 0, quality: -Infinity } }))
  let k = 0
  let frames = await decodeFrames(path, { width, height, format: 'rgb24', signal }, (rgb, i) => {
    lumaOf(rgb, gray)
    const m = tracker.add(gray)
    if (i < motion.length) motion[i] = m
    detector.add(rgb)
    temporal.add(gray)
    stats.add(gray)
    while (k < spans.length - 1 && i >= spans[k].end) k++
    const s = shots[k]
    if (!s || i < spans[k].start) return
    s.acc.add(gray)
    // As measureFrames: the first frame of a span has no motion of its own (the cut's is not the shot's).
    const quality = gradientEnergy(gray, width, height) / (1 + (i === spans[k].start ? 0 : m))
    if (quality > s.best.quality) s.best = { frame: i, quality }
  })
  frames = Math.min(frames, motion.length)
  return {
    film: { info, fps: v.fps, frames, width, height, motion: motion.slice(0, frames), cuts: detector.finish(), temporal, stats: stats.summary() },
    shots: shots.map((s) => ({ stats: s.acc.summary(), bestFrame: s.best.frame })),
  }
}

/**
 * The verifier's figures for plan shot `index`, read from the draft's film measurement: what
 * measureSegment gives for the shot's own file, but measured on the joined film, at the draft's
 * metric size. Identity is not measured in a draft (empty).
 */
export function draftShotMetrics(d: DraftFilm, plan: ShotPlan, analysis: Analysis, index: number): SegmentMetrics {
  const shot = plan.shots[index]
  const { film } = d
  const fps = film.fps
  const start = shot.startFrame
  const end = Math.min(shot.endFrame, film.frames)
  // A shot's own file has no motion at its first frame: the flow across the cut is not the shot's.
  const motion = film.motion.slice(start, end)
  if (motion.length) motion[0] = 0
  const t0 = start / fps
  const t1 = end / fps
  const local = (xs: readonly number[]) => xs.filter((t) => t >= t0 && t < t1).map((t) => t - t0)
  const peaks = local(onsetPeakTimes(analysis))
  const beats = local(analysis.beats)
  const beatPeriod = 60 / analysis.tempo.bpm
  return segmentFigures({
    stats: d.shots[index].stats,
    motion,
    fps,
    beatPeriodSec: beatPeriod,
    peaks,
    beats,
    temporal: film.temporal.summary(film.cuts, { start, end }),
    unplannedCuts: film.cuts.filter((c) => c > start && c < end).map((c) => c - start),
    identity: [],
    bestFrame: Math.max(0, d.shots[index].bestFrame - start),
  })
}
