import { assign, fromPromise, setup, type AnyActorRef } from 'xstate'
import { shotIsReadyFlags } from './readiness.js'
import { makeShotMachine, type ShotMemoryInputs, type ShotOutput, type ShotWork } from './shotLoop.js'
import type { ShotMemory } from '../memory/index.js'

export interface PlanResult {
  shotCount: number
  /** continues[i]: shot i starts from shot i-1's last frame, so it waits for it. */
  continues: boolean[]
  memory: ShotMemory
}

export interface RenderSummary {
  final: string
  durationSec: number
  frames: number
  shots: number
  /** Share of cuts (after the first shot) that land within one frame of a beat. */
  cutsOnBeat: number
  acceptedShots: number
  attempts: number
  /** Measured on the final video's frames (score.json): sync beside its chance baseline, cuts found. */
  measured?: {
    avAlign: number
    avAlignBaseline: number
    beatAlignment: number
    beatAlignmentBaseline: number
    cutsFound: number
    cutsOnBeat: number | null
    temporalConsistency: number
  }
  /** Model use over the whole render (earlier, resumed runs included), when a model is configured. */
  llm?: {
    model: string
    requests: number
    promptTokens: number
    completionTokens: number
    costUsd: number | null
    fallbacks: number
    stages: Record<string, { requests: number; promptTokens: number; completionTokens: number; costUsd: number | null; fallbacks: number }>
  }
}

/** The side-effecting steps the machine sequences. Each is idempotent (content-addressed). */
export interface RenderWork {
  analyze(signal: AbortSignal): Promise<void>
  /** Loads (from the cache) what later steps need, before a restored snapshot continues. */
  restore(signal: AbortSignal): Promise<void>
  direct(signal: AbortSignal): Promise<void>
  plan(signal: AbortSignal): Promise<PlanResult>
  shot: ShotWork
  /** Pure: what memory hands shot `index` when it starts (init keyframe, references). */
  shotInputs(memory: ShotMemory, index: number): ShotMemoryInputs
  /** Pure: memory after a shot was accepted (its frames, promoted reference keyframes). */
  remember(memory: ShotMemory, output: ShotOutput): ShotMemory
  /** Side effect: persist memory (called after every change). */
  saveMemory(memory: ShotMemory): void
  /** Called when a shot actor finished (for progress). */
  shotFinished(output: ShotOutput, done: number, total: number): void
  stitch(input: { results: Record<string, ShotOutput>; memory: ShotMemory }, signal: AbortSignal): Promise<RenderSummary>
}

export interface RenderMachineInput {
  /** VISTA's bound: rounds per shot, candidates per round. */
  maxRounds: number
  candidates: number
  concurrency: number
}

export interface RenderContext extends RenderMachineInput {
  shotCount: number
  continues: boolean[]
  started: number[]
  results: Record<string, ShotOutput>
  memory?: ShotMemory
  summary?: RenderSummary
  error?: string
  /** The failing error's class name, so the caller can tell bad input from a failed step. */
  errorName?: string
}

/**
 * analyzing → directing → planning → generating (one child actor per shot, bounded concurrency;
 * each shot verifies itself and regenerates within its attempt budget) → stitching → done | failed.
 * The machine only decides what happens next; the work lives in `RenderWork`.
 */
export function makeRenderMachine(work: RenderWork) {
  return setup({
    types: {
      context: {} as RenderContext,
      input: {} as RenderMachineInput,
    },
    actors: {
      analyze: fromPromise<void>(({ signal }) => work.analyze(signal)),
      direct: fromPromise<void>(({ signal }) => work.direct(signal)),
      plan: fromPromise<PlanResult>(({ signal }) => work.plan(signal)),
      shot: makeShotMachine(work.shot),
      stitch: fromPromise<RenderSummary, { results: Record<string, ShotOutput>; memory: ShotMemory }>(({ input, signal }) =>
        work.stitch(input, signal),
      ),
    },
    actions: {
      spawnReadyShots: assign(({ context, spawn }) => {
        const running = context.started.filter((i) => !context.results[String(i)]).length
        const ready = shotIsReadyFlags(context.shotCount, context.continues, context.started, context.results)
        const started = [...context.started]
        for (let i = 0, free = context.concurrency - running; i < context.shotCount && free > 0; i++) {
          if (!ready[i]) continue
          const fromMemory = work.shotInputs(context.memory!, i)
          spawn('shot', { id: shotActorId(i), input: { shotIndex: i, maxRounds: context.maxRounds, candidates: context.candidates, ...fromMemory } })
          started.push(i)
          free--
        }
        return { started }
      }),
      saveMemory: ({ context }) => {
        if (context.memory) work.saveMemory(context.memory)
      },
    },
    guards: {
      allShotsDone: ({ context }) => Object.keys(context.results).length >= context.shotCount,
    },
  }).createMachine({
    id: 'render',
    context: ({ input }) => ({ ...input, shotCount: 0, continues: [], started: [], results: {} }),
    initial: 'analyzing',
    states: {
      analyzing: {
        invoke: { src: 'analyze', onDone: 'directing', onError: { target: 'failed', actions: assign(failure) } },
      },
      directing: {
        invoke: { src: 'direct', onDone: 'planning', onError: { target: 'failed', actions: assign(failure) } },
      },
      planning: {
        invoke: {
          src: 'plan',
          onDone: {
            target: 'generating',
            actions: [
              assign({
                shotCount: ({ event }) => event.output.shotCount,
                continues: ({ event }) => event.output.continues,
                memory: ({ event }) => event.output.memory,
              }),
              'saveMemory',
            ],
          },
          onError: { target: 'failed', actions: assign(failure) },
        },
      },
      generating: {
        entry: 'spawnReadyShots',
        always: { guard: 'allShotsDone', target: 'stitching' },
        on: {
          'xstate.done.actor.*': {
            actions: [
              assign(({ context, event }) => {
                const output = (event as unknown as { output: ShotOutput }).output
                const results = { ...context.results, [String(output.shotIndex)]: output }
                return { results, memory: work.remember(context.memory!, output) }
              }),
              ({ context, event }) =>
                work.shotFinished((event as unknown as { output: ShotOutput }).output, Object.keys(context.results).length, context.shotCount),
              'saveMemory',
              'spawnReadyShots',
            ],
          },
          'xstate.error.actor.*': {
            target: 'failed',
            actions: assign(failure),
          },
        },
      },
      stitching: {
        invoke: {
          src: 'stitch',
          input: ({ context }) => ({ results: context.results, memory: context.memory! }),
          onDone: { target: 'done', actions: assign({ summary: ({ event }) => event.output }) },
          onError: { target: 'failed', actions: assign(failure) },
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  })
}

export function shotActorId(index: number): string {
  return `shot-${index}`
}

/** Context update for a failed step: serialisable, so it survives in the snapshot. */
function failure({ event }: { event: unknown }): Pick<RenderContext, 'error' | 'errorName'> {
  const err = (event as { error?: unknown }).error
  return err instanceof Error ? { error: err.message, errorName: err.name } : { error: String(err), errorName: 'Error' }
}

export type RenderActorRef = AnyActorRef
