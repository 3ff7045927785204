import { z } from 'zod'
import { IdentityCard, StyleBible, type Segment, type ShotPlan, type Treatment } from '../schemas/index.js'

/** A keyframe the verifier judged good enough to hold later shots to. */
export const ReferenceKeyframe = z.object({
  image: z.string(),
  shotIndex: z.number().int().nonnegative(),
  score: z.number(),
  /** The place the view was taken in: a character is held to views in the same place. */
  locationId: z.string().optional(),
  /** The shot's framing (wide, medium, close): views are compared with references framed alike. */
  framing: z.string().optional(),
})
export type ReferenceKeyframe = z.infer<typeof ReferenceKeyframe>

export const EntityMemory = z.object({
  card: IdentityCard,
  references: z.array(ReferenceKeyframe),
})
export type EntityMemory = z.infer<typeof EntityMemory>

export const ShotFrames = z.object({
  attempt: z.number().int().nonnegative(),
  firstFrame: z.string(),
  lastFrame: z.string(),
  keyFrame: z.string(),
  video: z.string(),
})
export type ShotFrames = z.infer<typeof ShotFrames>

/**
 * Shot memory for one render: the style bible, an identity card with reference keyframes per
 * character and location, and each accepted shot's frames. Pure data; persisted as memory.json.
 */
export const ShotMemory = z.object({
  version: z.literal(1),
  styleBible: StyleBible,
  entities: z.record(z.string(), EntityMemory),
  shots: z.record(z.string(), ShotFrames),
})
export type ShotMemory = z.infer<typeof ShotMemory>

/** References kept per entity: the best few views, not every frame. */
export const MAX_REFERENCES = 3

export function createMemory(treatment: Treatment): ShotMemory {
  return {
    version: 1,
    styleBible: treatment.styleBible,
    entities: Object.fromEntries(treatment.entities.map((card) => [card.id, { card, references: [] }])),
    shots: {},
  }
}

export function recordShot(memory: ShotMemory, segment: Segment): ShotMemory {
  return {
    ...memory,
    shots: {
      ...memory.shots,
      [String(segment.shotIndex)]: {
        attempt: segment.attempt,
        firstFrame: segment.firstFrame,
        lastFrame: segment.lastFrame,
        keyFrame: segment.keyFrame,
        video: segment.path,
      },
    },
  }
}

/** Keeps the entity's best MAX_REFERENCES views, highest score first; ties keep the earlier shot. */
export function promoteReference(memory: ShotMemory, entityId: string, ref: ReferenceKeyframe): ShotMemory {
  const entity = memory.entities[entityId]
  if (!entity) return memory
  const others = entity.references.filter((r) => r.shotIndex !== ref.shotIndex)
  const references = [...others, ref]
    .sort((a, b) => b.score - a.score || a.shotIndex - b.shotIndex)
    .slice(0, MAX_REFERENCES)
  return { ...memory, entities: { ...memory.entities, [entityId]: { ...entity, references } } }
}

/** The previous shot's last frame when this shot continues it (keyframe chaining). */
export function initKeyframeFor(memory: ShotMemory, plan: ShotPlan, shotIndex: number): string | undefined {
  const shot = plan.shots[shotIndex]
  if (!shot?.continuesPrevious || shotIndex === 0) return undefined
  return memory.shots[String(shotIndex - 1)]?.lastFrame
}

/** Whether everything a shot depends on is in memory (its predecessor when it continues it). */
export function shotIsReady(memory: ShotMemory, plan: ShotPlan, shotIndex: number): boolean {
  const shot = plan.shots[shotIndex]
  if (!shot) return false
  return !shot.continuesPrevious || shotIndex === 0 || memory.shots[String(shotIndex - 1)] !== undefined
}

/** A reference view handed to a shot: the image and the place it was taken in. */
export interface ReferenceView {
  image: string
  locationId?: string
  framing?: string
}

/** Reference keyframes for the entities in a shot, best first. */
export function referencesFor(memory: ShotMemory, entityIds: string[]): Record<string, ReferenceView[]> {
  const out: Record<string, ReferenceView[]> = {}
  for (const id of entityIds) {
    const refs = memory.entities[id]?.references ?? []
    if (refs.length) out[id] = refs.map((r) => ({ image: r.image, ...(r.locationId ? { locationId: r.locationId } : {}), ...(r.framing ? { framing: r.framing } : {}) }))
  }
  return out
}
