/** readTimeline: the cuts of an edit an editor wrote back (.otio, .fcpxml, .mlt), checked. */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { InputError } from '../errors.js'
import { TimelineCuts } from './model.js'
import { readOtioText } from './readOtio.js'
import { readFcpxmlText, readMltText } from './readXml.js'

const READERS: Record<string, (text: string) => TimelineCuts> = {
  '.otio': readOtioText,
  '.fcpxml': readFcpxmlText,
  '.mlt': readMltText,
}

/** The record-side cuts of the video track, in order; a malformed file is an InputError (exit 2) naming it and what is wrong. */
export async function readTimeline(path: string): Promise<TimelineCuts> {
  const read = READERS[extname(path).toLowerCase()]
  if (!read) throw new InputError(`${path}: not a timeline longav reads (.otio, .fcpxml, .mlt)`, { code: 'TIMELINE_INVALID' })
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new InputError(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { code: 'TIMELINE_INVALID', cause: err })
  }
  let cuts: TimelineCuts
  try {
    cuts = read(text)
  } catch (err) {
    throw new InputError(`${path}: ${(err as Error).message}`, { code: 'TIMELINE_INVALID', cause: err })
  }
  const checked = TimelineCuts.safeParse(cuts)
  if (!checked.success) throw new InputError(`${path}: ${checked.error.issues[0].path.join('.')}: ${checked.error.issues[0].message}`, { code: 'TIMELINE_INVALID' })
  if (!checked.data.clips.length) throw new InputError(`${path}: the video track has no clips`, { code: 'TIMELINE_INVALID' })
  return checked.data
}
