/**
 * The edit of a finished render as every timeline writer sees it: one video track of shot
 * segments (record frames [startFrame, endFrame), each segment's own frames from 0), the song on
 * one audio track from frame 0, and markers for the sections and downbeats. Pure.
 */
import { z } from 'zod'
import type { Analysis, ShotPlan } from '../schemas/index.js'
import { rationalFps, type Rational } from './rate.js'

export interface TimelineClip {
  /** shot-01, shot-02, … (1-based, as an editor numbers them). */
  name: string
  startFrame: number
  endFrame: number
  /** The segment file, relative to the timeline file (segments/shot-01.mp4). */
  source: string
  /** The first frame used of the source (0 when absent): a cut-down takes shots from their middle. */
  sourceIn?: number
  /** How many frames the source holds (sourceIn + the clip's length when absent). */
  sourceFrames?: number
}

/**
 * A picture laid over the video track for record frames [startFrame, endFrame): a still PNG of
 * the whole frame's size, transparent where the picture shows through (a variant's hook, call to
 * action, end card, captions). Full-frame, so no editor has to place it.
 */
export interface TimelineOverlay {
  name: string
  startFrame: number
  endFrame: number
  /** The PNG, relative to the timeline file. */
  source: string
}

export interface TimelineMarker {
  frame: number
  name: string
  kind: 'section' | 'downbeat'
}

export interface Timeline {
  title: string
  fps: Rational
  width: number
  height: number
  totalFrames: number
  clips: TimelineClip[]
  /** The song, relative to the timeline file, laid from record frame 0 for totalFrames. */
  song: { name: string; source: string }
  markers: TimelineMarker[]
  /** Stills over the picture (video tracks above the shots, see overlayLanes). */
  overlays?: TimelineOverlay[]
}

/**
 * The overlays packed into tracks, lowest first: each goes on the first track free at its start
 * frame, so texts that show at once (a hook over a caption) sit on tracks of their own, the one
 * that came on later above. Pure.
 */
export function overlayLanes(overlays: TimelineOverlay[] = []): TimelineOverlay[][] {
  const lanes: TimelineOverlay[][] = []
  for (const o of [...overlays].sort((a, b) => a.startFrame - b.startFrame)) {
    const free = lanes.find((l) => l[l.length - 1].endFrame <= o.startFrame)
    if (free) free.push(o)
    else lanes.push([o])
  }
  return lanes
}

/** Where a clip's frames start in its source, and how many the source holds. */
export function sourceSpan(c: TimelineClip): { sourceIn: number; sourceFrames: number } {
  const sourceIn = c.sourceIn ?? 0
  return { sourceIn, sourceFrames: c.sourceFrames ?? sourceIn + c.endFrame - c.startFrame }
}

/**
 * The colour matrix of the segments, which carry no colour tags: what decoders (MLT, Resolve,
 * ffmpeg) assume for an untagged picture, BT.601 below 720 lines and BT.709 from 720 up. A
 * timeline that declares another one makes the editor convert every frame (melt then gives
 * other pixels than final.mp4).
 */
export function assumedColorspace(height: number): 601 | 709 {
  return height >= 720 ? 709 : 601
}

/** What a reader gives back: the record-side cuts of the video track, in order. */
export const TimelineCuts = z.object({
  fps: z.object({ num: z.number().int().positive(), den: z.number().int().positive() }),
  clips: z.array(
    z.object({
      name: z.string(),
      startFrame: z.number().int().nonnegative(),
      endFrame: z.number().int().positive(),
      source: z.string().optional(),
    }),
  ),
})
export type TimelineCuts = z.infer<typeof TimelineCuts>

/** Where a shot's segment sits beside the timeline files. */
export function segmentName(shotIndex: number): string {
  return `shot-${String(shotIndex + 1).padStart(2, '0')}`
}

export interface BuildTimelineInput {
  title: string
  plan: Pick<ShotPlan, 'fps' | 'width' | 'height' | 'totalFrames' | 'shots'>
  analysis: Pick<Analysis, 'sections' | 'downbeats'>
  /** The song's file name beside the timeline (e.g. segments/song.mp3). */
  songSource: string
  /** The plan's rate as held by the render (an integer today); a decimal NTSC rate is read as its fraction. */
  fps?: Rational
  segmentsDir?: string
}

/** The timeline of a plan's shots, its song and its analysis' sections and downbeats. */
export function buildTimeline(input: BuildTimelineInput): Timeline {
  const { plan, analysis } = input
  const fps = input.fps ?? rationalFps(plan.fps)
  const dir = input.segmentsDir ?? 'segments'
  const frameOf = (sec: number) => Math.round((sec * fps.num) / fps.den)
  const clips = [...plan.shots]
    .sort((a, b) => a.startFrame - b.startFrame)
    .map((s) => ({ name: segmentName(s.index), startFrame: s.startFrame, endFrame: s.endFrame, source: `${dir}/${segmentName(s.index)}.mp4` }))
  const inFilm = (f: number) => f >= 0 && f < plan.totalFrames
  const markers: TimelineMarker[] = [
    ...analysis.sections.map((s) => ({ frame: frameOf(s.start), name: s.label, kind: 'section' as const })),
    ...analysis.downbeats.map((t, i) => ({ frame: frameOf(t), name: `bar ${i + 1}`, kind: 'downbeat' as const })),
  ]
    .filter((m) => inFilm(m.frame))
    .sort((a, b) => a.frame - b.frame || (a.kind === 'section' ? -1 : 1))
  const songName = input.songSource.split('/').pop() ?? input.songSource
  return {
    title: input.title,
    fps,
    width: plan.width,
    height: plan.height,
    totalFrames: plan.totalFrames,
    clips,
    song: { name: songName, source: input.songSource },
    markers,
  }
}

/** The cuts a reader should find in a written timeline: the model's video track. */
export function cutsOf(t: Timeline): TimelineCuts {
  return { fps: t.fps, clips: t.clips.map((c) => ({ name: c.name, startFrame: c.startFrame, endFrame: c.endFrame, source: c.source })) }
}
