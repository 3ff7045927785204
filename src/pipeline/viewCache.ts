/**
 * Identity views (descriptors or embeddings of key frames and references) in the store, so a
 * picture is decoded once per render folder rather than once per score: an edit reads only its
 * new shot's pictures. Keyed by the file (path, size, modification time: store files never
 * change) and how it is read. Float32 values survive JSON exactly.
 */
import { statSync } from 'node:fs'
import { z } from 'zod'
import type { ImageSource, View, ViewCache } from '../metrics/identityScore.js'
import { stepKey, type Store } from '../store/index.js'

const Stored = z.object({
  descriptor: z.object({ colour: z.array(z.number()), structure: z.array(z.number()), focus: z.enum(['subject', 'scene']) }).optional(),
  embedding: z.array(z.number()).optional(),
})

function key(source: ImageSource, how: string): string | undefined {
  try {
    const s = statSync(source.path)
    return stepKey('identity-view', 1, { path: source.path, size: s.size, mtimeMs: s.mtimeMs, timeSec: source.timeSec ?? null, how })
  } catch {
    return undefined
  }
}

export function storeViewCache(store: Store): ViewCache {
  return {
    async get(source, how) {
      const k = key(source, how)
      const v = k ? await store.get('identity-view', k, Stored) : undefined
      if (!v) return undefined
      return {
        descriptor: v.descriptor && { colour: Float32Array.from(v.descriptor.colour), structure: Float32Array.from(v.descriptor.structure), focus: v.descriptor.focus },
        embedding: v.embedding && Float32Array.from(v.embedding),
      }
    },
    async put(source, how, view: View) {
      const k = key(source, how)
      if (!k) return
      await store.put('identity-view', k, {
        descriptor: view.descriptor && { colour: Array.from(view.descriptor.colour), structure: Array.from(view.descriptor.structure), focus: view.descriptor.focus },
        embedding: view.embedding && Array.from(view.embedding),
      })
    },
  }
}
