import { onsetEnvelope, onsetPeakTimes } from '../audio/index.js'
import { streamAudio } from '../ffmpeg/index.js'
import type { Analysis, ShotPlan, ShotScore, VideoScore } from '../schemas/index.js'
import { VideoScore as VideoScoreSchema } from '../schemas/index.js'
import type { EmbeddingModel } from './embedding.js'
import { scoreIdentity, type EntityViews, type ViewCache } from './identityScore.js'
import type { FilmFrames } from './filmFrames.js'
import { measureFrames } from './measureFrames.js'
import { envelopeOffset } from './offset.js'
import { planSpans } from './planSpans.js'
import { avAlign, avAlignWithBaseline, beatAlignment, beatAlignmentWithBaseline, cutsOnBeat, meanMotionAfterFirst, motionBeats, motionPeaks, sectionsWithCut } from './sync.js'

export interface ScoreVideoInput {
  videoPath: string
  songPath: string
  /** The song's analysis (beats, sections, onset envelope). */
  analysis: Analysis
  /**
   * The plan the video was made from, when known: shots are then the plan's (and identity is
   * scored per character and place); otherwise shots are the spans between detected cuts.
   */
  plan?: ShotPlan
  /** How the plan is named in an error (its path). */
  planName?: string
  /** Reference keyframes (PNG paths) per entity id, and the location each was taken in. */
  references?: Record<string, Array<{ image: string; locationId?: string; framing?: string }>>
  /** Each plan shot's representative frame (PNG), when known; otherwise read from the video. */
  shotViews?: Record<number, string>
  embedding?: EmbeddingModel | null
  /**
   * The film's frames already measured (filmFramesFromTraces: its shots' traces put together);
   * otherwise the video is decoded and measured here.
   */
  measured?: FilmFrames
  /** Where identity views already read are kept (the store), so each picture is decoded once. */
  viewCache?: ViewCache
  signal?: AbortSignal
  onProgress?(fraction: number): void
}

/** How long a stretch of the video's own audio is lined up against the song. */
const OFFSET_WINDOW_SEC = 120

/**
 * Scores a video against a song from its real frames: AV-Align and beat alignment (each beside
 * its shifted-audio baseline), cuts found by the shot-boundary detector and how many land on the
 * beat, section boundaries that get a cut, temporal consistency and flicker, frozen and black
 * runs, per-shot figures, identity consistency (with a plan), exact duration and the offset of
 * the video's own audio against the song.
 */
export async function scoreVideo(input: ScoreVideoInput): Promise<VideoScore> {
  const { analysis: a, plan } = input
  const m = input.measured ?? (await measureFrames(input.videoPath, { signal: input.signal, onProgress: (f) => input.onProgress?.(0.85 * f) }))
  const fps = m.fps
  const beatPeriod = 60 / a.tempo.bpm
  const audioPeaks = onsetPeakTimes(a)
  const durationSec = m.frames / fps
  const av = avAlignWithBaseline(audioPeaks, m.motion, fps, beatPeriod)
  const ba = beatAlignmentWithBaseline(a.beats, m.motion, fps, beatPeriod)
  const grid = [...a.beats, ...a.downbeats]
  const onBeat = cutsOnBeat(m.cuts, grid, fps, a.tempo.bpm)
  const whole = m.temporal.summary(m.cuts)
  const spans = plan ? planSpans(plan, { fps, frames: m.frames }, input.planName) : spansFromCuts(m.cuts, m.frames)
  const shots = spans.map((span) => shotScore(span, m, audioPeaks, a, grid))
  input.onProgress?.(0.9)
  const identity = plan ? await scoreIdentity(entityViews(plan, input), { embedding: input.embedding, signal: input.signal, cache: input.viewCache }) : []
  const audioOffset = m.info.audio ? await measureAudioOffset(input.videoPath, a, input.signal) : null
  input.onProgress?.(1)
  const round = (x: number) => Math.round(x * 10000) / 10000
  return VideoScoreSchema.parse({
    version: 1,
    video: {
      path: input.videoPath,
      width: m.info.video!.width,
      height: m.info.video!.height,
      fps,
      frames: m.frames,
      durationSec: round(durationSec),
      hasAudio: Boolean(m.info.audio),
    },
    song: { path: input.songPath, durationSec: a.source.durationSec, bpm: a.tempo.bpm },
    analysisSize: { width: m.width, height: m.height },
    duration: { diffSec: round(durationSec - a.source.durationSec), exact: Math.abs(durationSec - a.source.durationSec) <= 1 / fps + 1e-6 },
    audioOffset,
    avAlign: { score: round(av.score), baseline: round(av.baseline), shiftsSec: av.shiftsSec.map(round), audioPeaks: av.audioPeaks, videoPeaks: av.videoPeaks },
    beatAlignment: { score: round(ba.score), baseline: round(ba.baseline), shiftsSec: ba.shiftsSec.map(round) },
    cuts: {
      frames: m.cuts,
      onBeatShare: onBeat.share === null ? null : round(onBeat.share),
      onBeatChance: round(onBeat.chance),
      sectionsWithCut: nullableRound(sectionsWithCut(m.cuts, a.sections.map((s) => s.start), fps, beatPeriod)),
    },
    temporal: { consistency: round(whole.consistency), flicker: round(whole.flicker), flickerFrames: whole.flickerFrames },
    frozenRuns: m.stats.frozenRuns,
    blackRuns: m.stats.blackRuns,
    motion: { fps, values: Array.from(m.motion, round) },
    shots,
    identity,
  })
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10000) / 10000
}

function spansFromCuts(cuts: number[], frames: number): Array<{ index: number; start: number; end: number }> {
  const edges = [0, ...cuts.filter((c) => c > 0 && c < frames), frames]
  return edges.slice(0, -1).map((start, index) => ({ index, start, end: edges[index + 1] }))
}

/** The figures of one shot span [start, end): its own audio peaks and beats against its own motion. */
function shotScore(span: { index: number; start: number; end: number }, m: FilmFrames, audioPeaks: number[], a: Analysis, grid: number[]): ShotScore {
  const { fps } = m
  const t0 = span.start / fps
  const t1 = span.end / fps
  // motion[start] is the flow across the opening cut: not motion inside the shot.
  const motion = m.motion.subarray(span.start, span.end).slice()
  if (span.start > 0 && motion.length > 1) motion[0] = motion[1]
  const peaksIn = audioPeaks.filter((t) => t >= t0 && t < t1).map((t) => t - t0)
  const videoPeaks = motionPeaks(motion)
  const av = peaksIn.length || videoPeaks.length ? avAlign(peaksIn, videoPeaks, fps).score : null
  const beatsIn = a.beats.filter((t) => t >= t0 && t < t1).map((t) => t - t0)
  const ba = beatsIn.length ? beatAlignment(beatsIn, motionBeats(motion, fps), fps) : null
  const temporal = m.temporal.summary(m.cuts, { start: span.start, end: span.end })
  const r = (x: number) => Math.round(x * 10000) / 10000
  return {
    index: span.index,
    startFrame: span.start,
    endFrame: span.end,
    avAlign: av === null ? null : r(av),
    beatAlignment: ba === null ? null : r(ba),
    motion: r(meanMotionAfterFirst(motion)),
    temporalConsistency: r(temporal.consistency),
    flicker: r(temporal.flicker),
    cutOnBeat: span.start === 0 ? null : cutsOnBeat([span.start], grid, fps, a.tempo.bpm).onBeat[0],
  }
}

/** Every character and place of the plan with the shots it appears in and where to read them from. */
export function entityViews(plan: ShotPlan, input: Pick<ScoreVideoInput, 'references' | 'shotViews' | 'videoPath'>): EntityViews[] {
  const byId = new Map<string, EntityViews>()
  const add = (id: string, kind: 'character' | 'location', shot: ShotPlan['shots'][number]) => {
    let e = byId.get(id)
    if (!e) {
      e = { id, kind, views: [], references: (input.references?.[id] ?? []).map((r) => ({ source: { path: r.image }, locationId: r.locationId, framing: r.framing })) }
      byId.set(id, e)
    }
    const mid = Math.floor((shot.startFrame + shot.endFrame) / 2)
    const view = input.shotViews?.[shot.index]
    e.views.push({ shot: shot.index, locationId: shot.locationId, framing: shot.framing, source: view ? { path: view } : { path: input.videoPath, timeSec: mid / plan.fps } })
  }
  for (const s of plan.shots) {
    add(s.locationId, 'location', s)
    for (const c of s.characterIds) add(c, 'character', s)
  }
  return [...byId.values()]
}

/**
 * Lines the video's own audio up against the song: the onset envelope of its first
 * OFFSET_WINDOW_SEC against the song's, by cross-correlation (see envelopeOffset). null when the
 * match is too weak to trust (confidence under 0.3: the video's audio is not this song).
 */
export async function measureAudioOffset(videoPath: string, a: Analysis, signal?: AbortSignal): Promise<{ seconds: number; confidence: number } | null> {
  const rate = a.source.sampleRate
  const want = Math.round(OFFSET_WINDOW_SEC * rate)
  const buf = new Float32Array(want)
  let filled = 0
  for await (const block of streamAudio(videoPath, { sampleRate: rate, channels: 1, signal })) {
    const take = Math.min(block.length, want - filled)
    buf.set(block.subarray(0, take), filled)
    filled += take
    if (filled >= want) break
  }
  if (filled < rate) return null
  const env = onsetEnvelope(buf.subarray(0, filled), rate)
  const song = a.features.onset.values.slice(0, env.values.length + Math.round(3 * env.fps))
  const off = envelopeOffset(song, env.values, env.fps)
  if (off.confidence < 0.3) return null
  return { seconds: Math.round(off.seconds * 10000) / 10000, confidence: Math.round(off.confidence * 1000) / 1000 }
}
