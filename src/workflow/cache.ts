import { join } from 'node:path'
import type { z } from 'zod'
import { hashValue, readJsonIfValid, writeJsonAtomic } from '../util/files.js'

/** Bumped when a step's output format or algorithm changes, so stale cache entries are ignored. */
export const CACHE_VERSION = 2

/**
 * Content-addressed step: the output is stored under a hash of the step name and its inputs,
 * so running the same step twice (or after a crash) costs one file read.
 */
export async function cachedStep<S extends z.ZodType>(
  cacheDir: string,
  step: string,
  key: unknown,
  schema: S,
  compute: () => Promise<z.infer<S>>,
): Promise<{ value: z.infer<S>; hash: string; cached: boolean }> {
  const hash = hashValue({ v: CACHE_VERSION, step, key })
  const path = join(cacheDir, `${step}-${hash.slice(0, 24)}.json`)
  const hit = await readJsonIfValid(path, schema)
  if (hit !== undefined) return { value: hit, hash, cached: true }
  const value = schema.parse(await compute())
  await writeJsonAtomic(path, value)
  return { value, hash, cached: false }
}
