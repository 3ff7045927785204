/**
 * Writing a timeline folder: the four timeline files (written beside their media, so relative
 * paths hold when the folder moves) and the media themselves under segments/. Side effects only.
 */
import { copyFile, link, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { writeFileAtomic } from '../util/files.js'
import type { Timeline } from './model.js'
import { writeEdl } from './edl.js'
import { writeFcpxml } from './fcpxml.js'
import { writeMlt } from './mlt.js'
import { writeOtio } from './otio.js'

export const TIMELINE_FILES = { otio: 'timeline.otio', fcpxml: 'timeline.fcpxml', edl: 'timeline.edl', mlt: 'timeline.mlt' } as const
export type TimelineFormat = keyof typeof TIMELINE_FILES
export type TimelineFiles = Record<TimelineFormat, string>

/** The song's name beside the segments: song + the original extension (editors pick a decoder by it). */
export function songFileName(songPath: string): string {
  return `song${extname(songPath).toLowerCase() || '.wav'}`
}

/** The four timeline texts of one timeline. */
export function timelineTexts(t: Timeline): Record<TimelineFormat, string> {
  return { otio: writeOtio(t), fcpxml: writeFcpxml(t), edl: writeEdl(t), mlt: writeMlt(t) }
}

/** Writes the texts into `dir` (atomically, each); returns their paths. */
export async function writeTimelineTexts(dir: string, texts: Record<TimelineFormat, string>): Promise<TimelineFiles> {
  const out = {} as TimelineFiles
  for (const [format, name] of Object.entries(TIMELINE_FILES) as Array<[TimelineFormat, string]>) {
    out[format] = join(dir, name)
    await writeFileAtomic(out[format], texts[format])
  }
  return out
}

/** Copies the texts of a finished timeline folder (a store artifact) into `dir`: copies, so an editor saving in place cannot change the store. */
export async function copyTimelineTexts(from: string, dir: string): Promise<TimelineFiles> {
  const texts = {} as Record<TimelineFormat, string>
  for (const [format, name] of Object.entries(TIMELINE_FILES) as Array<[TimelineFormat, string]>) texts[format] = await readFile(join(from, name), 'utf8')
  return writeTimelineTexts(dir, texts)
}

/**
 * Puts the media beside the timeline: each segment hard-linked (copied across file systems) to
 * `<dir>/segments/<name>.mp4`, the song copied (a link would make the song input one of the
 * render's outputs). A file already there is replaced whole (temp name, then rename).
 */
export async function placeMedia(dir: string, segments: Array<{ name: string; path: string }>, song: { path: string; name: string }): Promise<void> {
  const media = join(dir, 'segments')
  await mkdir(media, { recursive: true })
  for (const s of segments) await placeFile(s.path, join(media, `${s.name}.mp4`), true)
  await placeFile(song.path, join(media, song.name), false)
  // An earlier render of more shots (or another song type) left media this edit does not use.
  const kept = new Set([...segments.map((s) => `${s.name}.mp4`), song.name])
  for (const name of await readdir(media)) if (OURS.test(name) && !kept.has(name)) await rm(join(media, name), { force: true })
}

/** The names placeMedia writes: only these are ever removed from segments/. */
const OURS = /^(shot-\d+\.mp4|song\.[a-z0-9]+)$/

/** Puts `src` at `dst` whole (temp name, then rename): a hard link when asked and possible, else a copy. */
export async function placeFile(src: string, dst: string, hardLink: boolean): Promise<void> {
  const tmp = `${dst}.tmp-${process.pid}-${basename(src)}`
  await rm(tmp, { force: true })
  try {
    if (!hardLink || !(await linked(src, tmp))) await copyFile(src, tmp)
    await rename(tmp, dst)
  } catch (err) {
    // A full disk mid-copy leaves no half file behind.
    await rm(tmp, { force: true })
    throw err
  }
}

/** A hard link when the file system makes one; false where it cannot (another device, no links). */
async function linked(src: string, dst: string): Promise<boolean> {
  try {
    await link(src, dst)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK' || code === 'ENOTSUP') return false
    throw err
  }
}
