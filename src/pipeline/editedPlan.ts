/**
 * Reading a plan the user edited (`--plan plan.json`): the file checked as a plan, and its shots'
 * own generators turned into the brief's per-shot rules, so the router builds those backends.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { readTimeline } from '../timeline/read.js'
import { planFromTimeline } from '../timeline/toPlan.js'
import { parseEditedPlan } from '../agents/planner/edited.js'
import { InputError } from '../errors.js'
import type { Brief, ShotPlan } from '../schemas/index.js'

const TIMELINE = /\.(otio|fcpxml|mlt)$/i

/** A plan larger than this is not a plan a person edited. */
const MAX_PLAN_BYTES = 16 * 1024 * 1024

/**
 * The plan to render: a plan.json, or an editor's timeline (.otio, .fcpxml, .mlt) whose cuts are
 * laid onto `basePlan`, the plan of the render it was exported from.
 */
export async function loadEditedPlan(path: string, o: { basePlan: string }): Promise<ShotPlan> {
  if (TIMELINE.test(path)) {
    const cuts = await readTimeline(path)
    if (!existsSync(o.basePlan)) {
      throw new InputError(`${path} is an edit of a render: its cuts go onto that render's plan, ${o.basePlan}, which does not exist (give the render's folder as --out)`, { code: 'PLAN_INVALID' })
    }
    return planFromTimeline(cuts, await readPlanFile(o.basePlan), { timeline: path, plan: o.basePlan })
  }
  return readPlanFile(path)
}

async function readPlanFile(path: string): Promise<ShotPlan> {
  let text: string
  try {
    const buf = await readFile(path)
    if (buf.length > MAX_PLAN_BYTES) throw new InputError(`${path} is ${buf.length} bytes: too large for a plan`, { code: 'PLAN_INVALID' })
    text = buf.toString('utf8')
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(code === 'ENOENT' ? `the plan ${path} does not exist` : `cannot read the plan ${path}: ${(err as Error).message}`, { code: 'PLAN_INVALID', cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new InputError(`${path} is not JSON: ${(err as Error).message}`, { code: 'PLAN_INVALID', cause: err })
  }
  return parseEditedPlan(json, path)
}

/** The brief with a rule per shot that names its own generator (first rules win, so these come first). */
export function withShotGenerators(brief: Brief, plan: ShotPlan): Brief {
  const own = plan.shots.flatMap((s, i) => (s.generator ? [{ generator: s.generator, shots: [i] }] : []))
  return own.length ? { ...brief, shots: [...own, ...brief.shots] } : brief
}
