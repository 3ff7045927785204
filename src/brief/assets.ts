import path from 'node:path'
import type { BriefAsset } from '../schemas/brief.js'
import { BriefIssue, describeValue } from './errors.js'

export interface AssetsResult {
  /** Assets with string paths normalised; other fields left for the schema to check. */
  value: unknown[]
  issues: BriefIssue[]
}

const ASSET_KEYS = ['path', 'tags']

/** Whether `p` (relative to `dir`) leaves `dir`: `..` segments, or an absolute path on any platform. */
export function escapesFolder(dir: string, p: string): boolean {
  if (path.isAbsolute(p) || path.win32.isAbsolute(p) || path.posix.isAbsolute(p)) return true
  const rel = path.relative(dir, path.resolve(dir, p))
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)
}

export function outsideMessage(p: string, dir: string): string {
  return `'${p}' is outside the brief's folder ${dir}: asset paths must be relative to it and stay inside it`
}

/**
 * Assets from the front matter: bare path strings or `{ path, tags }`. Only the lexical
 * containment check happens here (parsing stays pure); symlinks and existence are checked by
 * `checkAssetFiles` when the brief is loaded from disk.
 */
export function normaliseAssets(raw: unknown, baseDir: string): AssetsResult {
  if (raw === undefined || raw === null) return { value: [], issues: [] }
  if (!Array.isArray(raw)) {
    return { value: [], issues: [{ path: 'assets', message: `expected a list of files relative to the brief, like "- clips/intro.mp4" (got ${describeValue(raw)})` }] }
  }
  const issues: BriefIssue[] = []
  const value = raw.map((item, i): unknown => {
    const at = `assets[${i}]`
    let entry: Record<string, unknown>
    if (typeof item === 'string') entry = { path: item, tags: [] }
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      entry = { ...(item as Record<string, unknown>) }
      for (const key of Object.keys(entry)) {
        if (!ASSET_KEYS.includes(key)) issues.push({ path: `${at}.${key}`, message: 'unknown key (an asset has only path and tags)' })
      }
      // A single tag written without a list is unambiguous.
      if (typeof entry.tags === 'string') entry.tags = [entry.tags]
      if (entry.tags === null) delete entry.tags
    } else {
      issues.push({ path: at, message: `expected a path or a mapping { path, tags } (got ${describeValue(item)})` })
      return { path: 'invalid', tags: [] }
    }
    if (typeof entry.path === 'string' && entry.path.trim() !== '') {
      const p = entry.path.trim()
      if (escapesFolder(baseDir, p)) issues.push({ path: `${at}.path`, message: outsideMessage(p, baseDir) })
      else entry.path = path.normalize(p)
    }
    return entry
  })
  return { value, issues }
}

/** Minimal file-system view, so the checks read real files without hard-wiring `fs`. */
export interface AssetFs {
  realpath(p: string): Promise<string>
  stat(p: string): Promise<{ isFile(): boolean }>
}

/**
 * Every asset must exist as a file and, once symlinks are resolved, still lie inside the
 * brief's folder (a link to /etc is refused like the path /etc itself).
 */
export async function checkAssetFiles(assets: BriefAsset[], baseDir: string, fs: AssetFs): Promise<BriefIssue[]> {
  const issues: BriefIssue[] = []
  const realBase = await fs.realpath(baseDir)
  for (const [i, asset] of assets.entries()) {
    const at = `assets[${i}].path`
    const full = path.resolve(baseDir, asset.path)
    let real: string
    try {
      real = await fs.realpath(full)
    } catch {
      issues.push({ path: at, message: `file not found: '${asset.path}' (looked for ${full})` })
      continue
    }
    const rel = path.relative(realBase, real)
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      issues.push({ path: at, message: `${outsideMessage(asset.path, baseDir)} (it links to ${real})` })
      continue
    }
    if (!(await fs.stat(real)).isFile()) {
      issues.push({ path: at, message: `'${asset.path}' is not a file (expected a video clip or an image)` })
    }
  }
  return issues
}
