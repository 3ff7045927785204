import type { EmbeddingModel } from './embedding.js'
import { scoreIdentity, type EntityViews, type ViewCache } from './identityScore.js'
import { measureFramesOffThread } from './measureOffThread.js'
import { avAlignWithBaseline, beatAlignmentWithBaseline, meanMotionAfterFirst } from './sync.js'
import type { FrameStats } from './frameStats.js'
import type { TraceStore } from './filmTrace.js'
import type { MediaInfo } from '../ffmpeg/index.js'
import { joinTraces } from './filmFrames.js'

/** What the verifier needs from the song and memory to measure one segment. */
export interface SegmentContext {
  fps: number
  /** The shot's first output frame: segment frame i is song time (startFrame + i) / fps. */
  startFrame: number
  /** The song's onset peaks and beats (seconds, whole song). */
  audioPeaksSec: readonly number[]
  beatsSec: readonly number[]
  beatPeriodSec: number
  /** The entities in the shot, the shot's place, and their reference keyframes so far. */
  locationId: string
  /** The shot's framing: views are compared with references framed alike. */
  framing?: string
  entities: Array<{ id: string; kind: 'character' | 'location' }>
  references: Record<string, Array<{ image: string; locationId?: string; framing?: string }>>
  /** The segment's representative frame (PNG), compared with the references. */
  keyFrame: string
  embedding?: EmbeddingModel | null
  signal?: AbortSignal
  /** Where identity views already read are kept (the store), so each picture is decoded once. */
  viewCache?: ViewCache
  /**
   * Where film traces (filmTrace.ts) are kept: a segment measured before is read from its trace
   * (the verdict is asked again when only the references changed), and a new one's trace is kept
   * so scoring the film need not decode it again.
   */
  traces?: TraceStore
  /** The segment's probe, when the caller has it (the pipeline keeps it in the store for the stitch). */
  info?: MediaInfo
}

export interface SegmentMeasurement {
  stats: FrameStats
  motion: number
  avAlign: number | null
  avAlignBaseline: number | null
  audioPeaks: number
  beatAlignment: number | null
  beatAlignmentBaseline: number | null
  beats: number
  temporalConsistency: number
  flicker: number
  unplannedCuts: number[]
  identity: Array<{ id: string; kind: 'character' | 'location'; similarity: number; method: string }>
  bestFrame: number
}

/**
 * Measures one generated segment from its real frames against the song's span it covers: the
 * picture statistics, motion, sync with the music, temporal consistency, cuts inside it, and
 * identity against the references in memory.
 */
export async function measureSegment(path: string, ctx: SegmentContext): Promise<SegmentMeasurement> {
  const m = await segmentFrames(path, ctx)
  const t0 = ctx.startFrame / ctx.fps
  const t1 = (ctx.startFrame + m.frames) / ctx.fps
  const local = (xs: readonly number[]) => xs.filter((t) => t >= t0 && t < t1).map((t) => t - t0)
  const peaks = local(ctx.audioPeaksSec)
  const beats = local(ctx.beatsSec)
  const temporal = m.temporal.summary(m.cuts)
  const withRefs: EntityViews[] = ctx.entities
    .filter((e) => (ctx.references[e.id] ?? []).length > 0)
    .map((e) => ({
      id: e.id,
      kind: e.kind,
      views: [{ shot: 0, locationId: ctx.locationId, framing: ctx.framing, source: { path: ctx.keyFrame } }],
      references: ctx.references[e.id].map((r) => ({ source: { path: r.image }, locationId: r.locationId, framing: r.framing })),
    }))
  const identity = withRefs.length ? await scoreIdentity(withRefs, { embedding: ctx.embedding, signal: ctx.signal, cache: ctx.viewCache }) : []
  return segmentFigures({
    stats: m.stats,
    motion: m.motion,
    fps: ctx.fps,
    beatPeriodSec: ctx.beatPeriodSec,
    peaks,
    beats,
    temporal,
    unplannedCuts: m.cuts,
    identity: identity.map((e) => ({ id: e.id, kind: e.kind, similarity: e.consistency, method: e.method })),
    bestFrame: m.bestFrame,
  })
}

/**
 * Pure: a segment's figures from its frames' measurements (motion per frame, the music's onset
 * peaks and beats inside its span, in seconds from its start): the sync scores against their
 * baselines, rounded as stored. One place for a shot's own file and a draft's film alike.
 */
export function segmentFigures(o: {
  stats: FrameStats
  motion: ArrayLike<number>
  fps: number
  beatPeriodSec: number
  peaks: number[]
  beats: number[]
  temporal: { consistency: number; flicker: number }
  unplannedCuts: number[]
  identity: SegmentMeasurement['identity']
  bestFrame: number
}): SegmentMeasurement {
  const av = avAlignWithBaseline(o.peaks, o.motion, o.fps, o.beatPeriodSec)
  const ba = beatAlignmentWithBaseline(o.beats, o.motion, o.fps, o.beatPeriodSec)
  const r = (x: number) => Math.round(x * 10000) / 10000
  const hasSync = o.peaks.length > 0 || av.videoPeaks > 0
  return {
    stats: o.stats,
    motion: r(meanMotionAfterFirst(o.motion)),
    avAlign: hasSync ? r(av.score) : null,
    avAlignBaseline: hasSync ? r(av.baseline) : null,
    audioPeaks: o.peaks.length,
    beatAlignment: o.beats.length ? r(ba.score) : null,
    beatAlignmentBaseline: o.beats.length ? r(ba.baseline) : null,
    beats: o.beats.length,
    temporalConsistency: r(o.temporal.consistency),
    flicker: r(o.temporal.flicker),
    unplannedCuts: o.unplannedCuts,
    identity: o.identity,
    bestFrame: o.bestFrame,
  }
}

/** The segment's frame figures: from its kept trace when there is one, else decoded (and the trace kept). */
async function segmentFrames(path: string, ctx: SegmentContext) {
  const known = await ctx.traces?.load(path)
  if (known) return { ...joinTraces([known]), bestFrame: known.bestFrame }
  const m = await measureFramesOffThread(path, { signal: ctx.signal, trace: Boolean(ctx.traces), info: ctx.info })
  if (m.trace) await ctx.traces?.save(path, m.trace)
  return m
}
