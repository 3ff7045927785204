import { z } from 'zod'
import { IdentityCard, StyleBible, identityShown, type Segment, type ShotPlan, type Treatment } from '../schemas/index.js'

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

/** References handed to a shot per entity: the best few views, framed like the shot first. */
export const MAX_REFERENCES = 3
/**
 * References kept per entity and view class (framing, and for a character the place): a close-up
 * can only be held to close-ups, a wide to wides, so one class must not crowd out the others.
 */
export const REFERENCES_PER_CLASS = 2

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

/** The class a reference serves: views are compared only within it (see metrics/identityScore.ts). */
function referenceClass(entity: EntityMemory, ref: Pick<ReferenceKeyframe, 'framing' | 'locationId'>): string {
  return entity.card.kind === 'character' ? `${ref.framing ?? ''}@${ref.locationId ?? ''}` : (ref.framing ?? '')
}

/** Keeps the entity's best REFERENCES_PER_CLASS views per class, highest score first; ties keep the earlier shot. */
export function promoteReference(memory: ShotMemory, entityId: string, ref: ReferenceKeyframe): ShotMemory {
  const entity = memory.entities[entityId]
  if (!entity) return memory
  const ranked = [...entity.references.filter((r) => r.shotIndex !== ref.shotIndex), ref].sort((a, b) => b.score - a.score || a.shotIndex - b.shotIndex)
  const perClass = new Map<string, number>()
  const references = ranked.filter((r) => {
    const k = referenceClass(entity, r)
    perClass.set(k, (perClass.get(k) ?? 0) + 1)
    return perClass.get(k)! <= REFERENCES_PER_CLASS
  })
  return { ...memory, entities: { ...memory.entities, [entityId]: { ...entity, references } } }
}

/** A reference view handed to a shot: the image and the place it was taken in. */
export interface ReferenceView {
  image: string
  locationId?: string
  framing?: string
}

/**
 * Reference keyframes for the entities in a shot, at most MAX_REFERENCES each: those framed like
 * the shot (and for a character taken in the shot's place) first, then the best of the rest.
 */
export function referencesFor(memory: ShotMemory, entityIds: string[], shot?: { framing: string; locationId: string }): Record<string, ReferenceView[]> {
  const out: Record<string, ReferenceView[]> = {}
  for (const id of entityIds) {
    const entity = memory.entities[id]
    const refs = entity?.references ?? []
    const alike = (r: ReferenceKeyframe) =>
      shot !== undefined && r.framing === shot.framing && (entity!.card.kind === 'location' || r.locationId === shot.locationId)
    const chosen = [...refs.filter(alike), ...refs.filter((r) => !alike(r))].slice(0, MAX_REFERENCES)
    if (chosen.length) out[id] = chosen.map((r) => ({ image: r.image, ...(r.locationId ? { locationId: r.locationId } : {}), ...(r.framing ? { framing: r.framing } : {}) }))
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
  /** What the shot shows (Shot.kind; absent: figures). */
  kind?: string
  /** The user locked it: one round, its first take kept. */
  locked?: boolean
}

export function shotOutlines(plan: ShotPlan): ShotOutline[] {
  return plan.shots.map((s) => ({
    frames: s.endFrame - s.startFrame,
    continuesPrevious: s.continuesPrevious,
    locationId: s.locationId,
    characterIds: s.characterIds,
    framing: s.framing,
    ...(s.kind ? { kind: s.kind } : {}),
    ...(s.locked ? { locked: true } : {}),
  }))
}

/** Pure: what memory hands shot `index` when it starts (init keyframe, references). */
export function memoryInputsFor(memory: ShotMemory, shots: ShotOutline[], index: number): ShotMemoryInputs {
  const shot = shots[index]
  const initKeyframe = shot.continuesPrevious && index > 0 ? memory.shots[String(index - 1)]?.lastFrame : undefined
  return { initKeyframe, references: referencesFor(memory, [shot.locationId, ...shot.characterIds], shot) }
}

/**
 * Pure: memory after a shot is done: its frames recorded; when its kept take was accepted, that
 * take's reference frame is promoted for the entities it is a fair view of (identityShown).
 */
export function rememberShot(
  memory: ShotMemory,
  shot: ShotOutline,
  shotIndex: number,
  kept: { segment: Segment; verdict: { accepted: boolean; score: number; referenceFrame?: string } },
): ShotMemory {
  let next = recordShot(memory, kept.segment)
  if (!kept.verdict.accepted) return next
  const shown = identityShown(shot)
  const ids = [...(shown.location ? [shot.locationId] : []), ...(shown.character ? shot.characterIds : [])]
  for (const id of ids) {
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
