/**
 * Footage analyses as kept in the render's store, keyed by the file's content hash: a clip is
 * measured once, whatever its name or folder. Validated on read; a bad or old one is a miss.
 */
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

/** The store kind footage analyses are kept under, keyed by the file's content hash. */
export const FOOTAGE_ANALYSIS_KIND = `footage-v${FOOTAGE_ANALYSIS_VERSION}`

/** Four decimals are plenty for px/frame and frame fractions, and keep the files small. */
export function roundArray(a: ArrayLike<number>): number[] {
  return Array.from(a, (x) => Math.round(x * 10000) / 10000)
}
