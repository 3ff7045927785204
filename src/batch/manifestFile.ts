/**
 * manifest.json: written after every variant (atomically), so a rerun with the same inputs keeps
 * what is done and a crash loses at most the variant in hand.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256File, writeJsonAtomic } from '../util/files.js'
import { Manifest, type ManifestEntry } from './types.js'

export async function readManifest(path: string): Promise<Manifest | undefined | 'foreign'> {
  if (!existsSync(path)) return undefined
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(path, 'utf8')))
    return parsed.success ? parsed.data : 'foreign'
  } catch {
    return 'foreign'
  }
}

export function writeManifest(path: string, manifest: Manifest): Promise<void> {
  return writeJsonAtomic(path, Manifest.parse(manifest))
}

/** A finished variant of an earlier run that can be kept as it is: passed, and its file unchanged. */
export async function keepable(entry: ManifestEntry | undefined, batchDir: string): Promise<boolean> {
  if (!entry || entry.status !== 'ok' || !entry.file || !entry.sha256) return false
  const file = join(batchDir, entry.file)
  return existsSync(file) && (await sha256File(file)) === entry.sha256
}
