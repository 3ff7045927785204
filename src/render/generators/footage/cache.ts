/**
 * On-disk cache of footage analyses, keyed by the file's content hash: a clip is measured once,
 * whatever its name or folder. Files are JSON, validated on read; a bad or old one is ignored.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'

/** Bumped whenever the analysis changes, so old cache files stop matching. */
export const FOOTAGE_ANALYSIS_VERSION = 1

const Floats = z.array(z.number())

export const CachedClipAnalysis = z.object({
  kind: z.literal('clip'),
  version: z.literal(FOOTAGE_ANALYSIS_VERSION),
  analysisWidth: z.number().int().positive(),
  analysisHeight: z.number().int().positive(),
  fps: z.number().positive(),
  frames: z.number().int().positive(),
  /** Frames where a new shot starts inside the clip. */
  cuts: z.array(z.number().int().nonnegative()),
  motion: Floats,
  activity: z.object({ cx: Floats, cy: Floats, energy: Floats, x0: Floats, y0: Floats, x1: Floats, y1: Floats }),
})
export type CachedClipAnalysis = z.infer<typeof CachedClipAnalysis>

export const CachedStillAnalysis = z.object({
  kind: z.literal('still'),
  version: z.literal(FOOTAGE_ANALYSIS_VERSION),
  detail: z.object({ cx: z.number(), cy: z.number() }),
})
export type CachedStillAnalysis = z.infer<typeof CachedStillAnalysis>

export const CachedAnalysis = z.discriminatedUnion('kind', [CachedClipAnalysis, CachedStillAnalysis])
export type CachedAnalysis = z.infer<typeof CachedAnalysis>

export function cacheFile(cacheDir: string, hash: string): string {
  return join(cacheDir, `footage-v${FOOTAGE_ANALYSIS_VERSION}-${hash}.json`)
}

/** The cached analysis of a file with this hash, or undefined (absent, unreadable, another version). */
export async function readCachedAnalysis(cacheDir: string, hash: string): Promise<CachedAnalysis | undefined> {
  let text: string
  try {
    text = await readFile(cacheFile(cacheDir, hash), 'utf8')
  } catch {
    return undefined
  }
  try {
    const parsed = CachedAnalysis.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** Writes beside the target and renames, so a reader never sees half a file. */
export async function writeCachedAnalysis(cacheDir: string, hash: string, analysis: CachedAnalysis): Promise<void> {
  await mkdir(cacheDir, { recursive: true })
  const target = cacheFile(cacheDir, hash)
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(analysis))
    await rename(tmp, target)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Four decimals are plenty for px/frame and frame fractions, and keep the files small. */
export function roundArray(a: ArrayLike<number>): number[] {
  return Array.from(a, (x) => Math.round(x * 10000) / 10000)
}
