import { assign, fromPromise, setup } from 'xstate'
import type { Segment } from '../../schemas/index.js'
import type { ReferenceView, ShotMemoryInputs } from '../../memory/index.js'
import type { ShotRevision, Verdict } from '../../agents/verifier/index.js'
import type { Judgement } from '../../agents/verifier/judgement.js'
import { keptAttempt } from '../attempts.js'
import { notProvided } from './notProvided.js'

export type { AttemptRecord, ShotOutput } from '../attempts.js'
import type { AttemptRecord, ShotOutput } from '../attempts.js'

export type { ShotMemoryInputs } from '../../memory/index.js'

/** Where a shot's inputs are: the song and the store keys of the analysis, treatment and plan. */
export interface ShotSources {
  songPath: string
  analysisKey: string
  treatmentKey: string
  planKey: string
}

export interface ShotInput extends ShotMemoryInputs {
  sources: ShotSources
  shotIndex: number
  /** Rounds of generate → verify → judge (VISTA's N). */
  maxRounds: number
  /** Candidates generated per round (VISTA's k). */
  candidates: number
}

export interface GenerateInput extends ShotMemoryInputs {
  sources: ShotSources
  shotIndex: number
  attempt: number
  round: number
  /** Which of the round's candidates: candidates after the first get their own seed. */
  candidate: number
  revision: ShotRevision
}

export interface VerifyInput {
  sources: ShotSources
  shotIndex: number
  segment: Segment
  revision: ShotRevision
  /** The references the shot is held to (those it was generated with). */
  references: Record<string, ReferenceView[]>
}

export interface JudgeRoundInput {
  sources: ShotSources
  shotIndex: number
  round: number
  maxRounds: number
  revision: ShotRevision
  attempts: AttemptRecord[]
}

export interface GenerateOutput {
  segment: Segment
  /** Found in the store rather than made. */
  cached: boolean
}

export interface ShotContext extends ShotMemoryInputs {
  sources: ShotSources
  shotIndex: number
  maxRounds: number
  candidates: number
  round: number
  candidate: number
  revision: ShotRevision
  current?: GenerateOutput
  attempts: AttemptRecord[]
  rounds: Judgement[]
}

/**
 * One shot, VISTA's bounded loop: each round generates `candidates` attempts (generating ⇄
 * verifying), then judging picks the round's winner and says whether the shot passes; if not,
 * the next round starts from the judgement's revision. At most `maxRounds` rounds.
 * Static: the runner injects `generate`, `verify` and `judge` with `.provide({ actors })`.
 */
export const shotMachine = setup({
  types: {
    context: {} as ShotContext,
    input: {} as ShotInput,
    output: {} as ShotOutput,
  },
  actors: {
    generate: fromPromise<GenerateOutput, GenerateInput>(notProvided('generate')),
    verify: fromPromise<Verdict, VerifyInput>(notProvided('verify')),
    judge: fromPromise<Judgement, JudgeRoundInput>(notProvided('judge')),
  },
  guards: {
    moreCandidates: ({ context }) => context.candidate + 1 < context.candidates,
    passedOrOutOfRounds: ({ context, event }) => {
      const j = (event as unknown as { output: Judgement }).output
      return j.passed || context.round + 1 >= context.maxRounds
    },
  },
}).createMachine({
  id: 'shot',
  context: ({ input }) => ({
    sources: input.sources,
    shotIndex: input.shotIndex,
    maxRounds: Math.max(1, input.maxRounds),
    candidates: Math.max(1, input.candidates),
    initKeyframe: input.initKeyframe,
    references: input.references,
    round: 0,
    candidate: 0,
    revision: {},
    attempts: [],
    rounds: [],
  }),
  initial: 'generating',
  states: {
    generating: {
      invoke: {
        src: 'generate',
        input: ({ context }) => ({
          sources: context.sources,
          shotIndex: context.shotIndex,
          attempt: context.round * context.candidates + context.candidate,
          round: context.round,
          candidate: context.candidate,
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
          sources: context.sources,
          shotIndex: context.shotIndex,
          segment: context.current!.segment,
          revision: context.revision,
          references: context.references,
        }),
        onDone: [
          {
            guard: 'moreCandidates',
            target: 'generating',
            reenter: true,
            actions: assign({
              attempts: ({ context, event }) => [...context.attempts, record(context, event.output)],
              candidate: ({ context }) => context.candidate + 1,
            }),
          },
          { target: 'judging', actions: assign({ attempts: ({ context, event }) => [...context.attempts, record(context, event.output)] }) },
        ],
      },
    },
    judging: {
      invoke: {
        src: 'judge',
        input: ({ context }) => ({
          sources: context.sources,
          shotIndex: context.shotIndex,
          round: context.round,
          maxRounds: context.maxRounds,
          revision: context.revision,
          attempts: context.attempts.filter((a) => a.round === context.round),
        }),
        onDone: [
          { guard: 'passedOrOutOfRounds', target: 'done', actions: assign({ rounds: ({ context, event }) => [...context.rounds, event.output] }) },
          {
            target: 'generating',
            actions: assign({
              rounds: ({ context, event }) => [...context.rounds, event.output],
              revision: ({ context, event }) => ({ ...context.revision, ...(event.output.revision ?? {}) }),
              round: ({ context }) => context.round + 1,
              candidate: 0,
            }),
          },
        ],
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({
    shotIndex: context.shotIndex,
    best: keptAttempt(context.attempts, context.rounds),
    attempts: context.attempts,
    rounds: context.rounds,
  }),
})

function record(context: ShotContext, verdict: Verdict): AttemptRecord {
  return {
    attempt: context.round * context.candidates + context.candidate,
    round: context.round,
    candidate: context.candidate,
    segment: context.current!.segment,
    verdict,
    cached: context.current!.cached,
  }
}

