/**
 * timeline.mlt: MLT XML, the project format of Kdenlive and Shotcut and what `melt` plays. A
 * profile with the rational rate (frame_rate_num/den), one avformat producer per segment and one
 * for the song (resources relative to this file: MLT resolves them against the document's
 * folder), a video playlist of entries with in/out frames (out inclusive, as MLT counts), an
 * audio playlist, and a tractor of the tracks with a mix transition. Overlays (stills with alpha)
 * are playlists above the shots, laid over them by affine transitions (full frame, by alpha). Pure.
 */
import { assumedColorspace, overlayLanes, sourceSpan, type Timeline } from './model.js'
import { escapeXml, tag } from './xml.js'

function props(p: Record<string, string | number>, indent: string): string[] {
  return Object.entries(p).map(([k, v]) => `${indent}<property name="${escapeXml(k)}">${escapeXml(String(v))}</property>`)
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

export function writeMlt(t: Timeline): string {
  const g = gcd(t.width, t.height)
  const profile = tag('profile', {
    description: `longav ${t.width}x${t.height} ${t.fps.num}/${t.fps.den}`,
    width: t.width,
    height: t.height,
    progressive: 1,
    sample_aspect_num: 1,
    sample_aspect_den: 1,
    display_aspect_num: t.width / g,
    display_aspect_den: t.height / g,
    frame_rate_num: t.fps.num,
    frame_rate_den: t.fps.den,
    colorspace: assumedColorspace(t.height),
  }, undefined, '  ')
  const producers = t.clips.map((c) => {
    const frames = c.endFrame - c.startFrame
    const { sourceIn, sourceFrames } = sourceSpan(c)
    // The producer is the whole media; the playlist entry picks the in/out (MLT counts an entry's
    // in from the producer's own in, so an in-point on both would be applied twice).
    return tag('producer', { id: c.name, in: 0, out: Math.max(sourceFrames, sourceIn + frames) - 1 }, props({ length: Math.max(sourceFrames, sourceIn + frames), resource: c.source, mlt_service: 'avformat', audio_index: -1, 'longav:start': c.startFrame }, '    '), '  ')
  })
  const song = tag('producer', { id: 'song', in: 0, out: t.totalFrames - 1 }, props({ length: t.totalFrames, resource: t.song.source, mlt_service: 'avformat', video_index: -1 }, '    '), '  ')
  const video = tag('playlist', { id: 'video' }, [...props({ 'shotcut:video': 1, 'kdenlive:track_name': 'Shots' }, '    '), ...t.clips.map((c) => {
    const { sourceIn } = sourceSpan(c)
    return tag('entry', { producer: c.name, in: sourceIn, out: sourceIn + c.endFrame - c.startFrame - 1 }, undefined, '    ')
  })], '  ')
  // Stills over the picture: an image producer each (qimage keeps the PNG's alpha), held for
  // its window, on playlists of blanks and entries above the shots.
  const lanes = overlayLanes(t.overlays)
  const stills = lanes.flat().map((o) => tag('producer', { id: o.name, in: 0, out: o.endFrame - o.startFrame - 1 }, props({ length: o.endFrame - o.startFrame, resource: o.source, mlt_service: 'qimage', ttl: 1 }, '    '), '  '))
  const overlayLists = lanes.map((lane, i) => {
    const items: string[] = [...props({ 'shotcut:video': 1, 'kdenlive:track_name': `Texts ${i + 1}` }, '    ')]
    let at = 0
    for (const o of lane) {
      if (o.startFrame > at) items.push(tag('blank', { length: o.startFrame - at }, undefined, '    '))
      items.push(tag('entry', { producer: o.name, in: 0, out: o.endFrame - o.startFrame - 1 }, undefined, '    '))
      at = o.endFrame
    }
    return tag('playlist', { id: `texts${i + 1}` }, items, '  ')
  })
  const audio = tag('playlist', { id: 'audio' }, [...props({ 'shotcut:audio': 1, 'kdenlive:track_name': 'Song' }, '    '), tag('entry', { producer: 'song', in: 0, out: t.totalFrames - 1 }, undefined, '    ')], '  ')
  const markers = t.markers.filter((m) => m.kind === 'section').map((m) => `${m.frame}:${m.name}`).join(';')
  const audioTrack = lanes.length + 1
  const tractor = tag('tractor', { id: 'main', title: t.title, in: 0, out: t.totalFrames - 1 }, [
    ...props({ 'longav:sections': markers }, '    '),
    tag('track', { producer: 'video', hide: 'audio' }, undefined, '    '),
    ...lanes.map((_, i) => tag('track', { producer: `texts${i + 1}`, hide: 'audio' }, undefined, '    ')),
    tag('track', { producer: 'audio', hide: 'video' }, undefined, '    '),
    // Each text track over everything below it, by its alpha.
    ...lanes.map((_, i) => tag('transition', { id: `over${i + 1}` }, props({ a_track: 0, b_track: i + 1, mlt_service: 'affine', always_active: 1 }, '      '), '    ')),
    tag('transition', { id: 'mix' }, props({ a_track: 0, b_track: audioTrack, mlt_service: 'mix', always_active: 1, sum: 1 }, '      '), '    '),
  ], '  ')
  return ['<?xml version="1.0" encoding="utf-8"?>', `<mlt LC_NUMERIC="C" producer="main" title="${escapeXml(t.title)}">`, profile, ...producers, ...stills, song, video, ...overlayLists, audio, tractor, '</mlt>', ''].join('\n')
}
