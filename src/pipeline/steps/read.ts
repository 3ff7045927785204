import type { z } from 'zod'
import type { Brief } from '../../schemas/index.js'
import type { Store } from '../../store/index.js'

/** A value an earlier step stored; its absence is a defect of the caller (a key nobody made). */
export async function need<S extends z.ZodType>(store: Store, kind: string, key: string, schema: S): Promise<z.infer<S>> {
  const value = await store.get(kind, key, schema)
  if (value === undefined) throw new Error(`the store at ${store.root} has no ${kind} ${key}: run the step that makes it first`)
  return value
}

/** The parts of a brief that change what gets made (not where it was read from). */
export function briefKey(brief: Brief): unknown {
  const { baseDir: _baseDir, ...rest } = brief
  return rest
}
