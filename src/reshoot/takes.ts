/**
 * Every take of every shot of a render (`<out>/takes.json`): the shot's fields that made it, so
 * an earlier take is picked again by rendering those fields (a store hit: nothing is generated).
 * Pure, but for reading and writing the file.
 */
import { z } from 'zod'
import { InputError } from '../errors.js'
import { Shot, type ShotPlan } from '../schemas/index.js'
import { readJsonIfValid, writeJsonAtomic } from '../util/files.js'

/** What of a shot a take changes; frames, captions and the rest stay the plan's. */
export const TAKE_FIELDS = ['prompt', 'seed', 'camera', 'motionGain', 'characterIds', 'locationId', 'framing', 'action', 'kind', 'prop', 'generator'] as const

export const Take = z.object({
  /** 1 is the shot as first rendered. */
  take: z.number().int().positive(),
  shot: Shot.pick({ prompt: true, seed: true, camera: true, motionGain: true, characterIds: true, locationId: true, framing: true, action: true, kind: true, prop: true, generator: true }),
  /** The kept segment's key frame, for the report's side-by-side. */
  keyFrame: z.string().optional(),
  madeAt: z.string(),
})
export type Take = z.infer<typeof Take>

export const Takes = z.object({ version: z.literal(1), shots: z.record(z.string(), z.array(Take)) })
export type Takes = z.infer<typeof Takes>

export function readTakes(path: string): Promise<Takes> {
  return readJsonIfValid(path, Takes).then((t) => t ?? { version: 1 as const, shots: {} })
}

export function writeTakes(path: string, takes: Takes): Promise<void> {
  return writeJsonAtomic(path, takes)
}

function fieldsOf(shot: ShotPlan['shots'][number]): Take['shot'] {
  const out: Record<string, unknown> = {}
  for (const k of TAKE_FIELDS) if (shot[k] !== undefined) out[k] = shot[k]
  return out as Take['shot']
}

const same = (a: Take['shot'], b: Take['shot']) => JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort())

/** The number of the take whose fields `shot` has now, if any. */
export function currentTake(list: readonly Take[], shot: ShotPlan['shots'][number]): number | undefined {
  const fields = fieldsOf(shot)
  return list.find((t) => same(t.shot, fields))?.take
}

/** The takes with shot `index` as `plan` has it recorded (a new take unless one already has its fields). Returns its number. */
export function recordTake(takes: Takes, plan: ShotPlan, index: number, keyFrame?: string): { takes: Takes; take: number } {
  const fields = fieldsOf(plan.shots[index])
  const list = takes.shots[String(index)] ?? []
  const found = list.find((t) => same(t.shot, fields))
  if (found) return { takes, take: found.take }
  const take = list.length + 1
  const entry: Take = { take, shot: fields, ...(keyFrame ? { keyFrame } : {}), madeAt: new Date().toISOString() }
  return { takes: { ...takes, shots: { ...takes.shots, [String(index)]: [...list, entry] } }, take }
}

export interface ShotChange {
  index: number
  /** Take number to go back to, or fields to change (a new take). */
  take?: number
  seed?: number
  prompt?: string
}

/** The plan with each named shot changed: back to an earlier take's fields, or a new seed/prompt. */
export function planWithChanges(plan: ShotPlan, takes: Takes, changes: readonly ShotChange[], newSeed: (index: number, old: number) => number): ShotPlan {
  const shots = plan.shots.map((s) => ({ ...s }))
  for (const c of changes) {
    const shot = shots[c.index]
    if (!shot) throw new InputError(`--shot ${c.index}: the render has shots 0..${plan.shots.length - 1}`, { code: 'RESHOOT_INVALID' })
    if (c.take !== undefined) {
      const t = (takes.shots[String(c.index)] ?? []).find((x) => x.take === c.take)
      if (!t) {
        const have = (takes.shots[String(c.index)] ?? []).map((x) => x.take)
        throw new InputError(`--take ${c.index}=${c.take}: shot ${c.index} has ${have.length ? `takes ${have.join(', ')}` : 'only its first take (1)'}`, { code: 'RESHOOT_INVALID' })
      }
      for (const k of TAKE_FIELDS) delete (shot as Record<string, unknown>)[k]
      Object.assign(shot, t.shot)
      continue
    }
    shot.seed = c.seed ?? newSeed(c.index, shot.seed)
    if (c.prompt !== undefined) shot.prompt = c.prompt
  }
  return { ...plan, shots }
}
