/** The agent boundary: what a director and a planner take and give, whichever brain runs them. */
import { z } from 'zod'
import { LongavError } from '../errors.js'
import { Analysis, Brief, FrameRate, ShotPlan, Treatment } from '../schemas/index.js'

export const DirectorInput = z.object({
  brief: Brief,
  analysis: Analysis,
})
export type DirectorInput = z.infer<typeof DirectorInput>

export const PlanOutput = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: FrameRate,
})
export type PlanOutput = z.infer<typeof PlanOutput>

export const PlannerInput = z.object({
  brief: Brief,
  analysis: Analysis,
  treatment: Treatment,
  output: PlanOutput,
  /** Longest shot the chosen generator can make (GeneratorCapabilities.maxFrames). */
  maxShotFrames: z.number().int().positive(),
})
export type PlannerInput = z.infer<typeof PlannerInput>

export interface AgentContext {
  signal?: AbortSignal
}

export interface Director {
  id: string
  direct(input: DirectorInput, ctx: AgentContext): Promise<Treatment>
}

export interface Planner {
  id: string
  plan(input: PlannerInput, ctx: AgentContext): Promise<ShotPlan>
}

/** Throws the signal's reason when the caller has given up. */
export function throwIfAborted(ctx: AgentContext): void {
  ctx.signal?.throwIfAborted()
}

export type { ShotPlan, Treatment }

/**
 * A broken rule in an agent's output; `rule` names it so a repair step can target it. A failure
 * (code `INVARIANT_BROKEN`): the agent, not the user, made the plan or treatment.
 */
export class InvariantError extends LongavError {
  constructor(
    readonly subject: 'plan' | 'treatment',
    readonly rule: string,
    detail: string,
  ) {
    super(`${subject} breaks rule "${rule}": ${detail}`, { kind: 'failure', code: 'INVARIANT_BROKEN' })
    this.name = 'InvariantError'
  }
}
