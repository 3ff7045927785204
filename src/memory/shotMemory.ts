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

/** What memory gives a shot when it starts: fixed at spawn time, so a restored run sees the same. */
export interface ShotMemoryInputs {
  /** The previous shot's last frame, when this shot continues it. */
  initKeyframe?: string
  /** Reference keyframes per entity id. */
  references: Record<string, ReferenceView[]>
}

/** The little of a planned shot that memory policy needs (kept in the render's snapshot). */
export interface ShotOutline {
  frames: number
  continuesPrevious: boolean
  locationId: string
  characterIds: string[]
  framing: string
}

export function shotOutlines(plan: ShotPlan): ShotOutline[] {
  return plan.shots.map((s) => ({
    frames: s.endFrame - s.startFrame,
    continuesPrevious: s.continuesPrevious,
    locationId: s.locationId,
    characterIds: s.characterIds,
    framing: s.framing,
  }))
}

/** Pure: what memory hands shot `index` when it starts (init keyframe, references). */
export function memoryInputsFor(memory: ShotMemory, shots: ShotOutline[], index: number): ShotMemoryInputs {
  const shot = shots[index]
  const initKeyframe = shot.continuesPrevious && index > 0 ? memory.shots[String(index - 1)]?.lastFrame : undefined
  return { initKeyframe, references: referencesFor(memory, [shot.locationId, ...shot.characterIds]) }
}

/**
 * Pure: memory after a shot is done: its frames recorded; when its kept take was accepted, that
 * take's reference frame is promoted for the shot's place and characters.
 */
export function rememberShot(
  memory: ShotMemory,
  shot: ShotOutline,
  shotIndex: number,
  kept: { segment: Segment; verdict: { accepted: boolean; score: number; referenceFrame?: string } },
): ShotMemory {
  let next = recordShot(memory, kept.segment)
  if (!kept.verdict.accepted) return next
  for (const id of [shot.locationId, ...shot.characterIds]) {
    next = promoteReference(next, id, {
      image: kept.verdict.referenceFrame ?? kept.segment.keyFrame,
      shotIndex,
      score: kept.verdict.score,
      locationId: shot.locationId,
      framing: shot.framing,
    })
  }
  return next
}
