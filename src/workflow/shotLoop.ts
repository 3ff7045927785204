import { assign, fromPromise, setup } from 'xstate'
import type { Segment } from '../schemas/index.js'
import type { ReferenceView } from '../memory/index.js'
import type { ShotRevision, Verdict } from '../agents/verifier/index.js'

/** One generated attempt and the verifier's judgement of it. */
export interface AttemptRecord {
  attempt: number
  segment: Segment
  verdict: Verdict
  cached: boolean
}

export interface ShotOutput {
  shotIndex: number
  /** The attempt kept: the accepted one, else the best-scoring one. */
  best: AttemptRecord
  attempts: AttemptRecord[]
}

/** What memory gives a shot when it starts: fixed at spawn time, so a restored run sees the same. */
export interface ShotMemoryInputs {
  /** The previous shot's last frame, when this shot continues it. */
  initKeyframe?: string
  /** Reference keyframes per entity id. */
  references: Record<string, ReferenceView[]>
}

export interface ShotInput extends ShotMemoryInputs {
  shotIndex: number
  maxAttempts: number
}

export interface GenerateInput extends ShotMemoryInputs {
  shotIndex: number
  attempt: number
  revision: ShotRevision
}

export interface ShotWork {
  generate(input: GenerateInput, signal: AbortSignal): Promise<{ segment: Segment; cached: boolean }>
  verify(input: VerifyInput, signal: AbortSignal): Promise<Verdict>
}

export interface VerifyInput {
  shotIndex: number
  segment: Segment
  revision: ShotRevision
  /** The references the shot is held to (those it was generated with). */
  references: Record<string, ReferenceView[]>
}

export interface ShotContext extends ShotMemoryInputs {
  shotIndex: number
  maxAttempts: number
  attempt: number
  revision: ShotRevision
  current?: { segment: Segment; cached: boolean }
  attempts: AttemptRecord[]
}

/**
 * One shot: generating → verifying → (generating again with the verifier's revision | accepted).
 * At most `maxAttempts` attempts; the best attempt wins when none passes.
 */
export function makeShotMachine(work: ShotWork) {
  return setup({
    types: {
      context: {} as ShotContext,
      input: {} as ShotInput,
      output: {} as ShotOutput,
    },
    actors: {
      generate: fromPromise<{ segment: Segment; cached: boolean }, GenerateInput>(
        ({ input, signal }) => work.generate(input, signal),
      ),
      verify: fromPromise<Verdict, VerifyInput>(({ input, signal }) =>
        work.verify(input, signal),
      ),
    },
    guards: {
      acceptedOrOutOfAttempts: ({ context, event }) => {
        const verdict = (event as unknown as { output: Verdict }).output
        return verdict.accepted || context.attempt + 1 >= context.maxAttempts
      },
    },
  }).createMachine({
    id: 'shot',
    context: ({ input }) => ({
      shotIndex: input.shotIndex,
      maxAttempts: Math.max(1, input.maxAttempts),
      initKeyframe: input.initKeyframe,
      references: input.references,
      attempt: 0,
      revision: {},
      attempts: [],
    }),
    initial: 'generating',
    states: {
      generating: {
        invoke: {
          src: 'generate',
          input: ({ context }) => ({
            shotIndex: context.shotIndex,
            attempt: context.attempt,
            revision: context.revision,
            initKeyframe: context.initKeyframe,
            references: context.references,
          }),
          onDone: { target: 'verifying', actions: assign({ current: ({ event }) => event.output }) },
        },
      },
      verifying: {
        invoke: {
          src: 'verify',
          input: ({ context }) => ({
            shotIndex: context.shotIndex,
            segment: context.current!.segment,
            revision: context.revision,
            references: context.references,
          }),
          onDone: [
            {
              guard: 'acceptedOrOutOfAttempts',
              target: 'accepted',
              actions: assign({ attempts: ({ context, event }) => [...context.attempts, record(context, event.output)] }),
            },
            {
              target: 'generating',
              reenter: true,
              actions: assign({
                attempts: ({ context, event }) => [...context.attempts, record(context, event.output)],
                revision: ({ context, event }) => ({ ...context.revision, ...(event.output.revision ?? {}) }),
                attempt: ({ context }) => context.attempt + 1,
              }),
            },
          ],
        },
      },
      accepted: { type: 'final' },
    },
    output: ({ context }) => ({
      shotIndex: context.shotIndex,
      best: bestAttempt(context.attempts),
      attempts: context.attempts,
    }),
  })
}

function record(context: ShotContext, verdict: Verdict): AttemptRecord {
  return { attempt: context.attempt, segment: context.current!.segment, verdict, cached: context.current!.cached }
}

/** The accepted attempt if any, else the highest score; ties keep the earlier attempt. */
export function bestAttempt(attempts: AttemptRecord[]): AttemptRecord {
  const accepted = attempts.filter((a) => a.verdict.accepted)
  const pool = accepted.length ? accepted : attempts
  return pool.reduce((best, a) => (a.verdict.score > best.verdict.score ? a : best))
}
