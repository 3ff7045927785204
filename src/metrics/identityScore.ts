import { analysisSize, decodeImage } from '../ffmpeg/index.js'
import type { EntityConsistency } from '../schemas/index.js'
import type { EmbeddingModel } from './embedding.js'
import { cosineSimilarity, describeImage, descriptorSimilarity, entityConsistency, type ImageDescriptor } from './identity.js'
import { METRIC_WIDTH } from './measureFrames.js'

/** A picture to read: an image file, or the frame of a video at `timeSec`. */
export interface ImageSource {
  path: string
  timeSec?: number
}

/** One character or place: the shots it appears in and its reference views. */
export interface EntityViews {
  id: string
  kind: 'character' | 'location'
  views: Array<{ shot: number; locationId: string; framing?: string; source: ImageSource }>
  /** Reference views; with none, the entity's first shot becomes its reference. */
  references: Array<{ source: ImageSource; locationId?: string; framing?: string }>
}

/** What a picture reads as: its descriptor, or its embedding under a model. */
export type View = { descriptor?: ImageDescriptor; embedding?: Float32Array }

/**
 * Where views already read are kept between runs (the pipeline's store): `key` names the picture
 * (path and time), how it is read (the model, or the descriptor's focus); the cache decides
 * whether the file is still the one it read.
 */
export interface ViewCache {
  get(source: ImageSource, how: string): Promise<View | undefined>
  put(source: ImageSource, how: string, view: View): Promise<void>
}

/** Identity descriptors run on 16:9 pictures at the metric width. */
const DESCRIPTOR_SIZE = analysisSize(16, 9, METRIC_WIDTH)

/**
 * Identity consistency per entity: each shot's view against the entity's reference views
 * (the best match counts), with colour + structure descriptors, or the cosine similarity of an
 * ONNX image embedding when a model is given. A view is only compared with references framed
 * alike (wide, medium, close), and a character only with references taken in the same place:
 * descriptors of the whole frame would otherwise measure the change of framing or background, not
 * of the entity. Entities with nothing to compare are left out.
 */
export async function scoreIdentity(
  entities: EntityViews[],
  opts: { embedding?: EmbeddingModel | null; signal?: AbortSignal; cache?: ViewCache } = {},
): Promise<EntityConsistency[]> {
  const reader = new ViewReader(opts.embedding ?? null, opts.signal, opts.cache)
  const out: EntityConsistency[] = []
  for (const e of entities) {
    let refs = e.references
    let views = e.views
    if (!refs.length && views.length > 1) {
      refs = [{ source: views[0].source, locationId: views[0].locationId, framing: views[0].framing }]
      views = views.slice(1)
    }
    const scored: Array<{ shot: number; similarity: number }> = []
    for (const view of views) {
      const usable = refs.filter(
        (r) => (e.kind === 'location' || !r.locationId || r.locationId === view.locationId) && (!r.framing || !view.framing || r.framing === view.framing),
      )
      if (!usable.length) continue
      const v = await reader.read(view.source, e.kind)
      let best = 0
      for (const r of usable) best = Math.max(best, reader.similarity(v, await reader.read(r.source, e.kind)))
      scored.push({ shot: view.shot, similarity: best })
    }
    if (!scored.length) continue
    const c = entityConsistency(scored)
    out.push({
      id: e.id,
      kind: e.kind,
      shots: scored.map((s) => s.shot),
      consistency: round(c.consistency),
      worst: c.worst ? { shot: c.worst.shot, similarity: round(c.worst.similarity) } : undefined,
      method: reader.method,
    })
  }
  return out
}

/** Decodes each picture once (cached by path and time) into a descriptor or an embedding. */
class ViewReader {
  private cache = new Map<string, Promise<View>>()
  private pixels = new Map<string, Promise<Uint8Array>>()
  readonly method: string
  constructor(
    private readonly model: EmbeddingModel | null,
    private readonly signal?: AbortSignal,
    private readonly store?: ViewCache,
  ) {
    this.method = model ? `embedding:${model.name}` : 'descriptor'
  }

  /** Characters are described by the middle of the picture, places by the rest (see describeImage). */
  read(source: ImageSource, kind: 'character' | 'location'): Promise<View> {
    const key = `${source.path}@${source.timeSec ?? ''}@${this.model ? '' : kind}`
    let v = this.cache.get(key)
    if (!v) {
      v = this.decode(source, kind)
      this.cache.set(key, v)
    }
    return v
  }

  similarity(a: View, b: View): number {
    if (a.embedding && b.embedding) return cosineSimilarity(a.embedding, b.embedding)
    return descriptorSimilarity(a.descriptor!, b.descriptor!)
  }

  private async decode(source: ImageSource, kind: 'character' | 'location'): Promise<View> {
    const how = this.model ? this.method : `descriptor:${kind === 'character' ? 'subject' : 'scene'}`
    const kept = await this.store?.get(source, how)
    if (kept) return kept
    const view = await this.decodeNow(source, kind)
    await this.store?.put(source, how, view)
    return view
  }

  private async decodeNow(source: ImageSource, kind: 'character' | 'location'): Promise<View> {
    const size = this.model ? { width: this.model.width, height: this.model.height } : DESCRIPTOR_SIZE
    // A key frame is read as a character's view and as a place's: decoded once for both.
    const at = `${source.path}@${source.timeSec ?? ''}`
    let pixels = this.pixels.get(at)
    if (!pixels) {
      pixels = decodeImage(source.path, { ...size, format: 'rgb24', startSec: source.timeSec, signal: this.signal })
      this.pixels.set(at, pixels)
    }
    const rgb = await pixels
    return this.model ? { embedding: await this.model.embed(rgb) } : { descriptor: describeImage(rgb, size.width, size.height, { focus: kind === 'character' ? 'subject' : 'scene' }) }
  }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000
}
