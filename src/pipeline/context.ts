/**
 * What every step is called with besides its input and the store: the signal to stop on, where
 * its events go, and the services it may use (agents, the generator). Services are not data: a
 * queue worker builds its own from its configuration, so a step's input stays plain JSON.
 */
import type { Director, Planner } from '../agents/types.js'
import type { Verifier } from '../agents/verifier/index.js'
import type { ShotJudge } from '../agents/verifier/judgement.js'
import type { SegmentGenerator } from '../render/generators/types.js'
import type { RenderEvent } from './events.js'
import type { LlmSession } from './llmSession.js'
import type { Store } from '../store/index.js'

export interface Services {
  director: Director
  planner: Planner
  verifier: Verifier
  /** Picks each round's winner among a shot's candidates, critiques it, revises the shot. */
  judge: ShotJudge
  generator: SegmentGenerator
  /** The model the agents talk to, when one is configured. */
  llm: LlmSession | null
  /** Where the user's models live (the embedding model of the final score). */
  modelsDir?: string
}

export interface StepContext {
  signal: AbortSignal
  emit(event: RenderEvent): void
  services: Services
}

/** A step: a typed function of its input and the store; idempotent, so it may run again after a crash. */
export type Step<I, O> = (input: I, store: Store, ctx: StepContext) => Promise<O>

export function logTo(ctx: Pick<StepContext, 'emit'>) {
  return (level: 'info' | 'warn' | 'error', message: string) => ctx.emit({ type: 'log', level, message })
}
