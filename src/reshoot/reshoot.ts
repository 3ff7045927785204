/**
 * `longav reshoot OUT --shot 7 …`: the named shots of a finished render made again (a new seed, a
 * new prompt, or an earlier take picked back), the film restitched. It renders the folder's own
 * plan with those shots changed, through the same steps as `render --plan`, so every other shot
 * is a store hit; every take is recorded in `<out>/takes.json` and stays selectable.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseEditedPlan } from '../agents/planner/edited.js'
import { seedFor } from '../agents/heuristics/hash.js'
import { InputError } from '../errors.js'
import { ShotMemory } from '../memory/index.js'
import { readRunRecord } from '../pipeline/outputFolder/index.js'
import { runDirAt } from '../pipeline/runDir.js'
import type { ShotPlan } from '../schemas/index.js'
import { readJsonIfValid, writeJsonAtomic } from '../util/files.js'
import { planWithChanges, readTakes, recordTake, writeTakes, type ShotChange, type Takes } from './takes.js'

export interface ReshootRequest {
  outDir: string
  changes: ShotChange[]
  /** Rounds per reshot shot (default: the render's). */
  rounds?: number
}

/** What the reshoot renders with: the folder's song, brief and options, and the changed plan. */
export interface ReshootRender {
  song: string
  brief: string
  request: Record<string, unknown>
  plan: string
}

async function keyFrames(memoryPath: string): Promise<Record<string, string>> {
  const memory = await readJsonIfValid(memoryPath, ShotMemory)
  return Object.fromEntries(Object.entries(memory?.shots ?? {}).map(([i, s]) => [i, s.keyFrame]))
}

/** Checks the folder, records the shots' current takes, and writes the plan to render. */
export async function prepareReshoot(r: ReshootRequest): Promise<{ render: ReshootRender; plan: ShotPlan; takes: Takes; takesPath: string }> {
  const runDir = runDirAt(r.outDir)
  if (r.changes.length === 0) throw new InputError('reshoot: name at least one shot (--shot N or --take N=K)', { code: 'RESHOOT_INVALID' })
  const record = await readRunRecord(runDir)
  if (!record || !existsSync(runDir.final) || !existsSync(runDir.plan)) {
    throw new InputError(`${runDir.root} holds no finished render to reshoot (no final.mp4, plan.json and run record)`, { code: 'RESHOOT_INVALID' })
  }
  if (!record.brief || !record.request) {
    throw new InputError(`${runDir.root} was rendered by an older longav that did not record its brief: render it again, or use render --plan`, { code: 'RESHOOT_INVALID' })
  }
  if (!existsSync(record.song)) throw new InputError(`the song of this render, ${record.song}, is no longer there`, { code: 'RESHOOT_INVALID' })
  if (!existsSync(record.brief)) throw new InputError(`the brief of this render, ${record.brief}, is no longer there`, { code: 'RESHOOT_INVALID' })
  let json: unknown
  try {
    json = JSON.parse(await readFile(runDir.plan, 'utf8'))
  } catch (err) {
    throw new InputError(`${runDir.plan} is not JSON: ${(err as Error).message}`, { code: 'PLAN_INVALID' })
  }
  const plan = parseEditedPlan(json, runDir.plan)
  const takesPath = join(runDir.root, 'takes.json')
  let takes = await readTakes(takesPath)
  // Every shot as it is now is a take (take 1 the first time), so it can be picked back.
  const frames = await keyFrames(runDir.memory)
  for (const c of r.changes) if (plan.shots[c.index]) takes = recordTake(takes, plan, c.index, frames[String(c.index)]).takes
  const next = planWithChanges(plan, takes, r.changes, (i, old) => seedFor(old, 'reshoot', (takes.shots[String(i)] ?? []).length + 1))
  // The new takes are recorded before the render (without their key frames), so its report shows them.
  for (const c of r.changes) if (next.shots[c.index]) takes = recordTake(takes, next, c.index).takes
  await writeTakes(takesPath, takes)
  const planPath = join(runDir.state, 'reshoot-plan.json')
  await writeJsonAtomic(planPath, next)
  return { render: { song: record.song, brief: record.brief, request: record.request, plan: planPath }, plan: next, takes, takesPath }
}

/** After the render: the reshot shots' new takes recorded with their key frames. Returns each shot's take number. */
export async function finishReshoot(p: { plan: ShotPlan; takes: Takes; takesPath: string; memoryPath: string; changes: ShotChange[] }): Promise<Array<{ shot: number; take: number }>> {
  const frames = await keyFrames(p.memoryPath)
  let takes = p.takes
  const made: Array<{ shot: number; take: number }> = []
  for (const c of p.changes) {
    const r = recordTake(takes, p.plan, c.index)
    const key = frames[String(c.index)]
    // The take now in the film gets the key frame it was made with.
    takes = { ...r.takes, shots: { ...r.takes.shots, [String(c.index)]: r.takes.shots[String(c.index)].map((t) => (t.take === r.take && key ? { ...t, keyFrame: key } : t)) } }
    made.push({ shot: c.index, take: r.take })
  }
  await writeTakes(p.takesPath, takes)
  return made
}
