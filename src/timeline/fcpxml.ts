/**
 * timeline.fcpxml: FCPXML 1.10 for Final Cut Pro (10.6+) and DaVinci Resolve (17+). What the
 * 1.10 DTD requires and what both import (Apple's "FCPXML Reference" and FCPXMLv1_10.dtd):
 * - every time is a rational number of seconds "n/ds" (e.g. 1001/30000s), never a decimal;
 * - resources: a `format` (id, frameDuration, width, height) and an `asset` per media file with
 *   id, start, duration, hasVideo/hasAudio, format, and a `media-rep` child with `src` (required
 *   since 1.9; the URL may be relative to the document, which keeps the folder movable);
 * - library > event > project > sequence with `format` (IDREF, required), duration, tcStart,
 *   tcFormat DF|NDF; a `spine` of `asset-clip`s, each with `ref` (required), offset, start,
 *   duration; anchored items before markers inside an asset-clip (the DTD's order).
 * The song is a connected asset-clip (lane -1) on the first shot, from record frame 0, carrying
 * the section and downbeat markers in its own time (= timeline time: it starts at 0). A clip
 * taken from the middle of its media starts at its in-point (`start`), and anchored items count
 * in that local time. Overlays are connected stills (`video`, lanes 1, 2, …) on the shot where
 * they begin. Pure.
 */
import { frameTime, isDropFrame, type Rational } from './rate.js'
import { assumedColorspace, overlayLanes, sourceSpan, type Timeline, type TimelineClip } from './model.js'
import { tag } from './xml.js'

/** Frames as FCPXML time: "0s", or n·den/num reduced ("1001/30000s", "2s"). */
export function fcpTime(frames: number, fps: Rational): string {
  if (frames === 0) return '0s'
  const t = frameTime(frames, fps)
  return t.den === 1 ? `${t.num}s` : `${t.num}/${t.den}s`
}

export function writeFcpxml(t: Timeline): string {
  const T = (f: number) => fcpTime(f, t.fps)
  const tcFormat = isDropFrame(t.fps) ? 'DF' : 'NDF'
  const fmt = 'r1'
  const songId = 'r2'
  const frameDuration = `${t.fps.den}/${t.fps.num}s`
  // One asset per media file (a cut-down takes several clips from one shot or one film), as long
  // as the longest span any clip needs of it.
  const media = new Map<string, { id: string; name: string; frames: number }>()
  for (const c of t.clips) {
    const m = media.get(c.source) ?? { id: `r${media.size + 3}`, name: c.name, frames: 0 }
    m.frames = Math.max(m.frames, sourceSpan(c).sourceFrames)
    media.set(c.source, m)
  }
  const lanes = overlayLanes(t.overlays)
  const stillFormat = `r${media.size + 3}`
  const stills = lanes.flat().map((o, i) => ({ ...o, id: `r${media.size + 4 + i}` }))
  const resources = [
    tag('format', { id: fmt, name: `longav ${t.width}x${t.height}`, frameDuration, width: t.width, height: t.height, colorSpace: assumedColorspace(t.height) === 709 ? '1-1-1 (Rec. 709)' : '6-1-6 (Rec. 601 (NTSC))' }, undefined, '    '),
    tag('asset', { id: songId, name: t.song.name, start: '0s', duration: T(t.totalFrames), hasAudio: 1, audioSources: 1, audioChannels: 2, audioRate: 48000 }, [
      tag('media-rep', { kind: 'original-media', src: t.song.source }, undefined, '      '),
    ], '    '),
    ...[...media].map(([src, m]) =>
      tag('asset', { id: m.id, name: m.name, start: '0s', duration: T(m.frames), hasVideo: 1, videoSources: 1, format: fmt }, [
        tag('media-rep', { kind: 'original-media', src }, undefined, '      '),
      ], '    '),
    ),
    // Stills: a format without a frame rate and assets of no duration, as Final Cut writes a PNG.
    ...(stills.length ? [tag('format', { id: stillFormat, name: 'FFVideoFormatRateUndefined', width: t.width, height: t.height }, undefined, '    ')] : []),
    ...stills.map((o) => tag('asset', { id: o.id, name: o.name, start: '0s', duration: '0s', hasVideo: 1, videoSources: 1, format: stillFormat }, [
      tag('media-rep', { kind: 'original-media', src: o.source }, undefined, '      '),
    ], '    ')),
  ]
  const clips = [...t.clips].sort((a, b) => a.startFrame - b.startFrame)
  // Where record frame f falls in clip c's own time (its start is its source in-point).
  const local = (c: TimelineClip, f: number) => T(sourceSpan(c).sourceIn + f - c.startFrame)
  const holder = (f: number) => clips.findLast((c) => c.startFrame <= f) ?? clips[0]
  const markers = t.markers.map((m) => tag('marker', { start: T(m.frame), duration: T(1), value: m.name, note: m.kind }, undefined, '              '))
  const song = tag('asset-clip', { ref: songId, lane: -1, offset: clips.length ? local(clips[0], 0) : '0s', name: t.song.name, start: '0s', duration: T(t.totalFrames), audioRole: 'music' }, markers, '            ')
  const laneOf = new Map(lanes.flatMap((lane, i) => lane.map((o) => [o.name, i + 1] as const)))
  const spine = clips.map((c, i) => {
    const anchored = stills
      .filter((o) => holder(o.startFrame) === c)
      .map((o) => tag('video', { ref: o.id, lane: laneOf.get(o.name), offset: local(c, o.startFrame), name: o.name, start: '0s', duration: T(o.endFrame - o.startFrame) }, undefined, '            '))
    const children = [...(i === 0 ? [song] : []), ...anchored]
    return tag('asset-clip', { ref: media.get(c.source)!.id, offset: T(c.startFrame), name: c.name, start: local(c, c.startFrame), duration: T(c.endFrame - c.startFrame), format: fmt, tcFormat }, children.length ? children : undefined, '          ')
  })
  const sequence = tag('sequence', { format: fmt, duration: T(t.totalFrames), tcStart: '0s', tcFormat, audioLayout: 'stereo', audioRate: '48k' }, [tag('spine', {}, spine, '        ')], '      ')
  const library = tag('library', {}, [tag('event', { name: 'longav' }, [tag('project', { name: t.title }, [sequence], '    ')], '  ')], '')
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE fcpxml>', '<fcpxml version="1.10">', tag('resources', {}, resources, '  '), indent(library, '  '), '</fcpxml>', ''].join('\n')
}

function indent(s: string, by: string): string {
  return s.split('\n').map((l) => by + l).join('\n')
}
