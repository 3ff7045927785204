/**
 * Reframing for the batch: a film rendered once at a master size becomes another aspect by a
 * crop that follows the subject (the generator's own subject boxes when it knows them, else
 * motion + saliency), smoothed, jumping at cuts, never cutting through the subject when it fits.
 */
import { probeMedia } from '../../ffmpeg/index.js'
import { InputError } from '../../errors.js'
import type { Box } from '../types.js'
import { cropSize, planCropPath, type Size } from './cropPath.js'
import { massFocus } from './focus.js'
import { checkReframeSize, reframeVideo } from './apply.js'
import { trackSubjects } from './track.js'

export { planCropPath, cropSize, tautString, type Size, type CropPathOptions } from './cropPath.js'
export { reframeVideo, sendcmdScript, checkReframeSize } from './apply.js'
export { trackSubjects, type Track, type TrackOptions } from './track.js'
export { frameSubject, type FrameSubject } from './saliency.js'
export { massFocus, bestWindow, type MassProfile } from './focus.js'

export interface ReframeOptions {
  /** First frames of shots: the crop jumps there. Detected cuts are added when subjects are tracked. */
  shotStarts?: number[]
  /** The generator's own per-frame subject boxes (source px): used instead of tracking. */
  subjects?: Box[]
  signal?: AbortSignal
}

export async function reframe(input: string, output: string, dst: Size, opts: ReframeOptions = {}): Promise<{ path: Box[] }> {
  checkReframeSize(dst)
  let subjects: Box[]
  let src: Size
  let shotStarts = opts.shotStarts ?? []
  let focus: Array<{ x: number; y: number } | undefined> | undefined
  if (opts.subjects) {
    const info = await probeMedia(input, { countFrames: true, signal: opts.signal })
    const frames = info.video?.frames
    if (!info.video || !frames) throw new InputError(`${input} has no video stream to reframe`)
    if (opts.subjects.length !== frames) throw new InputError(`reframe subjects: ${opts.subjects.length} boxes for ${frames} frames of ${input} (one per frame)`)
    subjects = opts.subjects
    src = { width: info.video.width, height: info.video.height }
  } else {
    const track = await trackSubjects(input, { shotStarts, signal: opts.signal })
    subjects = track.subjects
    src = { width: track.width, height: track.height }
    focus = massFocus(track.profiles, src, cropSize(src, dst))
    shotStarts = [...new Set([...shotStarts, ...track.cuts])]
  }
  const path = planCropPath(subjects, src, dst, { shotStarts, focus })
  await reframeVideo(input, output, path, dst, { signal: opts.signal })
  return { path }
}
