import { assign, fromPromise, setup } from 'xstate'
import type { Segment } from '../schemas/index.js'
import type { ReferenceView } from '../memory/index.js'
import type { ShotRevision, Verdict } from '../agents/verifier/index.js'
import type { Judgement } from '../agents/verifier/judgement.js'

/** One generated attempt and the verifier's judgement of it. */
export interface AttemptRecord {
  attempt: number
  /** VISTA round the attempt belongs to, and its place among the round's candidates. */
  round: number
  candidate: number
  segment: Segment
  verdict: Verdict
  cached: boolean
}

export interface ShotOutput {
  shotIndex: number
  /** The attempt kept: the winner of the round that passed, else the best round winner. */
  best: AttemptRecord
  attempts: AttemptRecord[]
  /** One judgement per round: candidates, tournament, critique, rewrite. */
  rounds: Judgement[]
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
  /** Rounds of generate → verify → judge (VISTA's N). */
  maxRounds: number
  /** Candidates generated per round (VISTA's k). */
  candidates: number
}

export interface GenerateInput extends ShotMemoryInputs {
  shotIndex: number
  attempt: number
  round: number
  /** Which of the round's candidates: candidates after the first get their own seed. */
  candidate: number
  revision: ShotRevision
}

export interface VerifyInput {
  shotIndex: number
  segment: Segment
  revision: ShotRevision
  /** The references the shot is held to (those it was generated with). */
  references: Record<string, ReferenceView[]>
}

export interface JudgeRoundInput {
  shotIndex: number
  round: number
  maxRounds: number
  revision: ShotRevision
  attempts: AttemptRecord[]
}

export interface ShotWork {
  generate(input: GenerateInput, signal: AbortSignal): Promise<{ segment: Segment; cached: boolean }>
  verify(input: VerifyInput, signal: AbortSignal): Promise<Verdict>
  judge(input: JudgeRoundInput, signal: AbortSignal): Promise<Judgement>
}

export interface ShotContext extends ShotMemoryInputs {
  shotIndex: number
  maxRounds: number
  candidates: number
  round: number
  candidate: number
  revision: ShotRevision
  current?: { segment: Segment; cached: boolean }
  attempts: AttemptRecord[]
  rounds: Judgement[]
}

/**
 * One shot, VISTA's bounded loop: each round generates `candidates` attempts (generating ⇄
 * verifying), then judging picks the round's winner and says whether the shot passes; if not,
 * the next round starts from the judgement's revision. At most `maxRounds` rounds.
 */
export function makeShotMachine(work: ShotWork) {
  return setup({
    types: {
      context: {} as ShotContext,
      input: {} as ShotInput,
      output: {} as ShotOutput,
    },
    actors: {
      generate: fromPromise<{ segment: Segment; cached: boolean }, GenerateInput>(({ input, signal }) => work.generate(input, signal)),
      verify: fromPromise<Verdict, VerifyInput>(({ input, signal }) => work.verify(input, signal)),
      judge: fromPromise<Judgement, JudgeRoundInput>(({ input, signal }) => work.judge(input, signal)),
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
}

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

/** The winner of the round that passed; else the best of the round winners by the metrics. */
export function keptAttempt(attempts: AttemptRecord[], rounds: Judgement[]): AttemptRecord {
  const byNumber = new Map(attempts.map((a) => [a.attempt, a]))
  const passed = rounds.find((r) => r.passed)
  if (passed && byNumber.has(passed.winner)) return byNumber.get(passed.winner)!
  const winners = rounds.map((r) => byNumber.get(r.winner)).filter((a): a is AttemptRecord => a !== undefined)
  return bestAttempt(winners.length ? winners : attempts)
}

/** The accepted attempt if any, else the highest score; ties keep the earlier attempt. */
export function bestAttempt(attempts: AttemptRecord[]): AttemptRecord {
  const accepted = attempts.filter((a) => a.verdict.accepted)
  const pool = accepted.length ? accepted : attempts
  return pool.reduce((best, a) => (a.verdict.score > best.verdict.score ? a : best))
}
