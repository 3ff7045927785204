import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Brief } from '../schemas/brief.js'
import { checkAssetFiles } from './assets.js'
import { BriefError } from './errors.js'
import { parseBrief } from './parse.js'

/** Far above any real brief (its fields have their own limits); refused before it is read. */
const MAX_BRIEF_BYTES = 8e6

/**
 * Reads and validates a brief from disk: parses it against its own folder, then checks that
 * every asset exists as a file inside that folder (symlinks resolved).
 */
export async function loadBrief(file: string): Promise<Brief> {
  const abs = path.resolve(file)
  let text: string
  try {
    const st = await fs.stat(abs)
    if (st.isFile() && st.size > MAX_BRIEF_BYTES) {
      throw new BriefError(file, [{ path: '', message: `is ${(st.size / 1e6).toFixed(1)} MB: a brief is at most ${MAX_BRIEF_BYTES / 1e6} MB of text` }])
    }
    text = await fs.readFile(abs, 'utf8')
  } catch (e) {
    if (e instanceof BriefError) throw e
    const code = (e as NodeJS.ErrnoException).code
    const message =
      code === 'ENOENT'
        ? `not found (looked for ${abs})`
        : code === 'EISDIR'
          ? `is a folder, not a brief file (expected a .md file like ${path.join(abs, 'brief.md')})`
          : `cannot be read: ${(e as Error).message}`
    throw new BriefError(file, [{ path: '', message }])
  }
  const brief = parseBrief(text, { baseDir: path.dirname(abs), sourceName: file })
  const issues = await checkAssetFiles(brief.assets, brief.baseDir, fs)
  if (issues.length > 0) throw new BriefError(file, issues)
  return brief
}
