/**
 * timeline.otio: OpenTimelineIO's JSON, as OTIO 0.17 serialises it (schemas Timeline.1, Stack.1,
 * Track.1, Clip.2 with `media_references` + `active_media_reference_key`, ExternalReference.1, Gap.1,
 * Marker.2, RationalTime.1, TimeRange.1; checked against AcademySoftwareFoundation/OpenTimelineIO
 * src/opentimelineio/clip.h and marker.h). OTIO holds a rate as a double: 30000/1001 is written
 * as 29.97002997002997 and read back as that fraction. Overlays (stills over the picture) are
 * video tracks above the shots: a stack's later children are drawn on top. Pure.
 */
import { fpsValue, type Rational } from './rate.js'
import { overlayLanes, sourceSpan, type Timeline, type TimelineMarker, type TimelineOverlay } from './model.js'

const rt = (value: number, rate: number) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value })
const range = (start: number, duration: number, rate: number) => ({ OTIO_SCHEMA: 'TimeRange.1', duration: rt(duration, rate), start_time: rt(start, rate) })

interface ClipSpan {
  frames: number
  sourceIn?: number
  /** Frames the media holds; null for a still (no range of its own). */
  sourceFrames?: number | null
}

function clip(name: string, target: string, span: ClipSpan, rate: number, metadata: Record<string, unknown> = {}) {
  const sourceIn = span.sourceIn ?? 0
  const available = span.sourceFrames === null ? null : range(0, span.sourceFrames ?? sourceIn + span.frames, rate)
  return {
    OTIO_SCHEMA: 'Clip.2',
    metadata,
    name,
    source_range: range(sourceIn, span.frames, rate),
    effects: [],
    markers: [],
    enabled: true,
    media_references: {
      DEFAULT_MEDIA: {
        OTIO_SCHEMA: 'ExternalReference.1',
        metadata: {},
        name,
        available_range: available,
        available_image_bounds: null,
        target_url: target,
      },
    },
    active_media_reference_key: 'DEFAULT_MEDIA',
  }
}

function track(name: string, kind: 'Video' | 'Audio', children: unknown[]) {
  return { OTIO_SCHEMA: 'Track.1', metadata: {}, name, source_range: null, effects: [], markers: [], enabled: true, children, kind }
}

function gap(frames: number, rate: number) {
  return { OTIO_SCHEMA: 'Gap.1', metadata: {}, name: '', source_range: range(0, frames, rate), effects: [], markers: [], enabled: true }
}

/** One track of stills: gaps between them, each still held for its window. */
function overlayTrack(name: string, lane: TimelineOverlay[], rate: number) {
  const children: unknown[] = []
  let at = 0
  for (const o of lane) {
    if (o.startFrame > at) children.push(gap(o.startFrame - at, rate))
    children.push(clip(o.name, o.source, { frames: o.endFrame - o.startFrame, sourceFrames: null }, rate, { longav: { still: true, fullFrame: true } }))
    at = o.endFrame
  }
  return track(name, 'Video', children)
}

function marker(m: TimelineMarker, rate: number) {
  return {
    OTIO_SCHEMA: 'Marker.2',
    metadata: { longav: { kind: m.kind } },
    name: m.name,
    color: m.kind === 'section' ? 'RED' : 'GREEN',
    marked_range: range(m.frame, 0, rate),
    comment: '',
  }
}

/** The timeline as OTIO JSON text (markers on the stack, i.e. in timeline time). */
export function writeOtio(t: Timeline): string {
  const rate = fpsValue(t.fps)
  const fps: Rational = t.fps
  const doc = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { longav: { fps, width: t.width, height: t.height, totalFrames: t.totalFrames } },
    name: t.title,
    global_start_time: rt(0, rate),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers: t.markers.map((m) => marker(m, rate)),
      enabled: true,
      children: [
        track('Video 1', 'Video', t.clips.map((c) => clip(c.name, c.source, { frames: c.endFrame - c.startFrame, ...sourceSpan(c) }, rate))),
        ...overlayLanes(t.overlays).map((lane, i) => overlayTrack(`Video ${i + 2}`, lane, rate)),
        track('Audio 1', 'Audio', [clip(t.song.name, t.song.source, { frames: t.totalFrames }, rate)]),
      ],
    },
  }
  return JSON.stringify(doc, null, 2) + '\n'
}
