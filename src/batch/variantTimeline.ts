/**
 * A variant's edit for other editors: variants/<name>.timeline/ holds timeline.otio, .fcpxml,
 * .edl and .mlt of the cut-down (the base's shots trimmed to the pieces used, with their source
 * in-points), the variant's own finished sound (its edit, fades and loudness) on the audio track,
 * each text as a full-frame PNG with alpha on the tracks above, and the media under media/
 * (shots hard-linked, so they cost no disk). Relative paths: the folder can be moved.
 */
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Canvas, loadImage } from '@napi-rs/canvas'
import { runFfmpeg } from '../ffmpeg/index.js'
import type { Analysis } from '../schemas/index.js'
import {
  buildTimeline,
  cutClips,
  cutMarkers,
  placeFile,
  rationalFps,
  segmentName,
  timelineTexts,
  writeTimelineTexts,
  type Timeline,
  type TimelineClip,
  type TimelineOverlay,
} from '../timeline/index.js'
import type { BaseRender } from './bases.js'
import type { DrawnOverlay } from './textDraw.js'
import type { Cutdown, VariantFormat } from './types.js'

/** Where a base's pictures are: its shot segments (a render of this format) or one reframed film. */
export type BaseMedia = { kind: 'segments'; dir: string } | { kind: 'film'; path: string }

/** A base render's run folder keeps its segments beside final.mp4; a reframed base is one film. */
export function baseMediaOf(base: Pick<BaseRender, 'video' | 'plan'>): BaseMedia {
  const dir = join(dirname(base.video), 'segments')
  const first = [...base.plan.shots].sort((a, b) => a.startFrame - b.startFrame)[0]
  if (basename(base.video) === 'final.mp4' && first && existsSync(join(dir, `${segmentName(first.index)}.mp4`))) return { kind: 'segments', dir }
  return { kind: 'film', path: base.video }
}

export interface VariantTimelineModelInput {
  title: string
  base: Pick<BaseRender, 'plan'>
  media: BaseMedia['kind']
  analysis: Pick<Analysis, 'sections' | 'downbeats'>
  cut: Pick<Cutdown, 'fps' | 'totalFrames' | 'pieces'>
  format: Pick<VariantFormat, 'width' | 'height'>
  /** The texts on the variant's record time, as written under media/. */
  overlays: TimelineOverlay[]
}

/** The variant's timeline (pure): the base's edit cut to the pieces, its sound, its texts. */
export function variantTimeline(i: VariantTimelineModelInput): Timeline {
  const { plan } = i.base
  const whole = buildTimeline({ title: i.title, plan, analysis: i.analysis, songSource: 'media/audio.m4a', segmentsDir: 'media' })
  const baseClips: TimelineClip[] =
    i.media === 'segments'
      ? whole.clips.map((c) => ({ ...c, sourceIn: 0, sourceFrames: c.endFrame - c.startFrame }))
      : whole.clips.map((c) => ({ ...c, source: 'media/film.mp4', sourceIn: c.startFrame, sourceFrames: plan.totalFrames }))
  return {
    title: i.title,
    fps: rationalFps(i.cut.fps),
    width: i.format.width,
    height: i.format.height,
    totalFrames: i.cut.totalFrames,
    clips: cutClips(baseClips, i.cut.pieces),
    song: { name: 'audio.m4a', source: 'media/audio.m4a' },
    markers: cutMarkers(whole.markers, i.cut.pieces),
    overlays: i.overlays,
  }
}

export interface WriteVariantTimelineInput {
  /** variants/<name>.timeline */
  dir: string
  title: string
  base: BaseRender
  analysis: Analysis
  cut: Cutdown
  format: VariantFormat
  drawn: DrawnOverlay[]
  /** The finished variant: its sound is the timeline's (the cut-down's edit, fades and loudness). */
  variantVideo: string
  signal?: AbortSignal
}

/** Writes the folder whole: built beside it, then put in place of an older one. */
export async function writeVariantTimeline(i: WriteVariantTimelineInput): Promise<string> {
  const tmp = `${i.dir}.partial-${process.pid}`
  await rm(tmp, { recursive: true, force: true })
  const media = join(tmp, 'media')
  await mkdir(media, { recursive: true })
  try {
    const found = baseMediaOf(i.base)
    const overlays: TimelineOverlay[] = []
    for (const [k, d] of i.drawn.entries()) {
      const name = `text-${String(k + 1).padStart(2, '0')}`
      const startFrame = Math.max(0, Math.round(d.item.startFrame))
      const endFrame = Math.min(i.cut.totalFrames, Math.round(d.item.endFrame))
      if (endFrame <= startFrame) continue
      await writeFile(join(media, `${name}.png`), await fullFramePng(d, i.format))
      overlays.push({ name, startFrame, endFrame, source: `media/${name}.png` })
    }
    const timeline = variantTimeline({ title: i.title, base: i.base, media: found.kind, analysis: i.analysis, cut: i.cut, format: i.format, overlays })
    const sources = new Set(timeline.clips.map((c) => c.source))
    if (found.kind === 'segments') {
      for (const s of i.base.plan.shots) {
        const name = `${segmentName(s.index)}.mp4`
        if (sources.has(`media/${name}`)) await placeFile(join(found.dir, name), join(media, name), true)
      }
    } else await placeFile(found.path, join(media, 'film.mp4'), true)
    // The variant's AAC as it is (no re-encode): the sound an editor starts from is the one approved.
    await runFfmpeg(['-y', '-i', i.variantVideo, '-map', '0:a:0', '-vn', '-c:a', 'copy', '-movflags', '+faststart', join(media, 'audio.m4a')], { signal: i.signal })
    await writeTimelineTexts(tmp, timelineTexts(timeline))
    await rm(i.dir, { recursive: true, force: true })
    await rename(tmp, i.dir)
    return i.dir
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
}

/** The text's PNG placed where the variant shows it, on a transparent frame of the variant's size. */
async function fullFramePng(d: DrawnOverlay, format: Pick<VariantFormat, 'width' | 'height'>): Promise<Buffer> {
  const canvas = new Canvas(format.width, format.height)
  canvas.getContext('2d').drawImage(await loadImage(d.png), Math.round(d.x), Math.round(d.y))
  return canvas.toBuffer('image/png')
}
