import { assign, fromPromise, setup } from 'xstate'
import { memoryInputsFor, rememberShot, type ShotMemory, type ShotOutline } from '../../memory/index.js'
import { errorRecord, type ErrorRecord } from '../../errors.js'
import type { ShotOutput } from '../attempts.js'
import { shotIsReadyFlags } from '../readiness.js'
import { referenceMemory } from '../referenceMemory.js'
import type { RenderSummary } from '../summary.js'
import { notProvided } from './notProvided.js'
import { shotMachine, type ShotSources } from './shotMachine.js'

export interface RenderMachineInput {
  songPath: string
  /** VISTA's bound: rounds per shot, candidates per round. */
  maxRounds: number
  candidates: number
  /** Shots generated at once. */
  concurrency: number
  /** Shot i is held to the kept takes of shots 0..i-referenceLag (readiness.ts referenceLagFor). */
  referenceLag: number
  /** 'planning': stop once the plan is made (the `plan` API and command). */
  stopAfter?: 'planning'
}

export interface PlanOutcome {
  planKey: string
  shots: ShotOutline[]
  memory: ShotMemory
}

/** What the finishing steps take: where everything is, and each shot's kept take. */
export interface FinishInput {
  sources: ShotSources
  results: Record<string, ShotOutput>
  memory: ShotMemory
}

export interface RenderContext extends RenderMachineInput {
  analysisKey?: string
  treatmentKey?: string
  planKey?: string
  /** What the memory policy needs of each planned shot; its length is the shot count. */
  shots: ShotOutline[]
  started: number[]
  results: Record<string, ShotOutput>
  memory?: ShotMemory
  /** Memory as the plan left it: what each shot's references are replayed from. */
  planMemory?: ShotMemory
  scoreKey?: string
  summary?: RenderSummary
  /** The failing error as a record (name, kind, code, message, details): it survives the snapshot. */
  error?: ErrorRecord
}

/**
 * analyzing → directing → planning → generating (one child shot machine per shot, bounded
 * concurrency; a continuing shot waits for its predecessor's last frame) → stitching →
 * storyboarding → scoring → reporting → remembering → done | failed (or planned, when asked to stop
 * after planning). Static: every step is an actor the runner injects with `.provide()`; the
 * actions `saveMemory` and `shotFinished` are its side effects (persist memory, report progress).
 */
export const renderMachine = setup({
  types: {
    context: {} as RenderContext,
    input: {} as RenderMachineInput,
  },
  actors: {
    analyze: fromPromise<{ analysisKey: string }, { songPath: string }>(notProvided('analyze')),
    direct: fromPromise<{ treatmentKey: string }, { analysisKey: string }>(notProvided('direct')),
    plan: fromPromise<PlanOutcome, { analysisKey: string; treatmentKey: string }>(notProvided('plan')),
    shot: shotMachine,
    stitch: fromPromise<{ final: string }, FinishInput>(notProvided('stitch')),
    storyboard: fromPromise<void, FinishInput>(notProvided('storyboard')),
    score: fromPromise<{ scoreKey: string }, FinishInput>(notProvided('score')),
    report: fromPromise<RenderSummary, FinishInput & { scoreKey: string }>(notProvided('report')),
    remember: fromPromise<void, { memory: ShotMemory }>(notProvided('remember')),
  },
  actions: {
    spawnReadyShots: assign(({ context, spawn }) => {
      const running = context.started.filter((i) => !context.results[String(i)]).length
      const count = context.shots.length
      const ready = shotIsReadyFlags(count, context.shots.map((s) => s.continuesPrevious), context.started, context.results, context.referenceLag)
      const started = [...context.started]
      for (let i = 0, free = context.concurrency - running; i < count && free > 0; i++) {
        if (!ready[i]) continue
        // The previous shot's last frame from memory as it is; references only from shots far enough back.
        const { initKeyframe } = memoryInputsFor(context.memory!, context.shots, i)
        const { references } = memoryInputsFor(referenceMemory(context.planMemory ?? context.memory!, context.shots, context.results, i, context.referenceLag), context.shots, i)
        const fromMemory = { initKeyframe, references }
        spawn('shot', {
          id: shotActorId(i),
          input: { sources: sourcesOf(context), shotIndex: i, maxRounds: context.shots[i].locked ? 1 : context.maxRounds, candidates: context.candidates, ...fromMemory },
        })
        started.push(i)
        free--
      }
      return { started }
    }),
    // The error as a record: serialisable, so a failed render's snapshot says what failed.
    fail: assign(({ event }) => ({ error: errorRecord((event as { error?: unknown }).error) })),
    // Side effects, injected by the runner.
    saveMemory: (_, _params: { memory: ShotMemory }) => {},
    shotFinished: (_, _params: { output: ShotOutput; done: number; total: number }) => {},
  },
  guards: {
    allShotsDone: ({ context }) => Object.keys(context.results).length >= context.shots.length,
    stopAfterPlanning: ({ context }) => context.stopAfter === 'planning',
  },
}).createMachine({
  id: 'render',
  context: ({ input }) => ({ ...input, shots: [], started: [], results: {} }),
  initial: 'analyzing',
  states: {
    analyzing: {
      invoke: {
        src: 'analyze',
        input: ({ context }) => ({ songPath: context.songPath }),
        onDone: { target: 'directing', actions: assign({ analysisKey: ({ event }) => event.output.analysisKey }) },
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    directing: {
      invoke: {
        src: 'direct',
        input: ({ context }) => ({ analysisKey: context.analysisKey! }),
        onDone: { target: 'planning', actions: assign({ treatmentKey: ({ event }) => event.output.treatmentKey }) },
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    planning: {
      invoke: {
        src: 'plan',
        input: ({ context }) => ({ analysisKey: context.analysisKey!, treatmentKey: context.treatmentKey! }),
        onDone: {
          target: 'planned',
          actions: [
            assign({ planKey: ({ event }) => event.output.planKey, shots: ({ event }) => event.output.shots, memory: ({ event }) => event.output.memory, planMemory: ({ event }) => event.output.memory }),
            { type: 'saveMemory', params: ({ event }) => ({ memory: event.output.memory }) },
          ],
        },
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    planned: {
      always: [{ guard: 'stopAfterPlanning', target: 'stopped' }, { target: 'generating' }],
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
              const shot = context.shots[output.shotIndex]
              return { results, memory: rememberShot(context.memory!, shot, output.shotIndex, output.best) }
            }),
            {
              type: 'shotFinished',
              params: ({ context, event }) => ({
                output: (event as unknown as { output: ShotOutput }).output,
                done: Object.keys(context.results).length,
                total: context.shots.length,
              }),
            },
            { type: 'saveMemory', params: ({ context }) => ({ memory: context.memory! }) },
            'spawnReadyShots',
          ],
        },
        'xstate.error.actor.*': { target: 'failed', actions: 'fail' },
      },
    },
    stitching: finishing('stitch', 'storyboarding'),
    storyboarding: finishing('storyboard', 'scoring'),
    scoring: {
      invoke: {
        src: 'score',
        input: ({ context }) => finishInput(context),
        onDone: { target: 'reporting', actions: assign({ scoreKey: ({ event }) => event.output.scoreKey }) },
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    reporting: {
      invoke: {
        src: 'report',
        input: ({ context }) => ({ ...finishInput(context), scoreKey: context.scoreKey! }),
        onDone: { target: 'remembering', actions: assign({ summary: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    remembering: {
      invoke: {
        src: 'remember',
        input: ({ context }) => ({ memory: context.memory! }),
        onDone: 'done',
        onError: { target: 'failed', actions: 'fail' },
      },
    },
    done: { type: 'final' },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
})

/** A finishing state: invoke one step over every shot's kept take, then go on. */
function finishing(src: 'stitch' | 'storyboard', next: string) {
  return {
    invoke: {
      src,
      input: ({ context }: { context: RenderContext }) => finishInput(context),
      onDone: next,
      onError: { target: 'failed', actions: 'fail' },
    },
  } as const
}

function finishInput(context: RenderContext): FinishInput {
  return { sources: sourcesOf(context), results: context.results, memory: context.memory! }
}

function sourcesOf(context: RenderContext): ShotSources {
  return { songPath: context.songPath, analysisKey: context.analysisKey!, treatmentKey: context.treatmentKey!, planKey: context.planKey! }
}

export function shotActorId(index: number): string {
  return `shot-${index}`
}
