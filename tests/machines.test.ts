/**
 * The render and shot machines driven with fake actors: the VISTA loop, continuing shots,
 * restore from a persisted snapshot mid-shot, plan-only runs, failures. No ffmpeg, no files:
 * milliseconds.
 */
import { describe, expect, it } from 'vitest'
import { createActor, fromPromise, waitFor, type AnyActorRef } from 'xstate'
import type { Verdict } from '../src/agents/verifier/index.js'
import type { Judgement } from '../src/agents/verifier/judgement.js'
import { LongavError, restoreError } from '../src/errors.js'
import type { IdentityCard } from '../src/schemas/index.js'
import type { ShotMemory, ShotOutline } from '../src/memory/index.js'
import { renderMachine, type FinishInput, type PlanOutcome, type RenderContext } from '../src/pipeline/machines/renderMachine.js'
import { shotMachine, type GenerateInput, type GenerateOutput, type JudgeRoundInput, type ShotInput, type VerifyInput } from '../src/pipeline/machines/shotMachine.js'
import type { Segment } from '../src/schemas/index.js'
import type { RenderSummary } from '../src/pipeline/summary.js'

const SOURCES = { songPath: '/song.wav', analysisKey: 'a', treatmentKey: 't', planKey: 'p' }

function segmentOf(input: GenerateInput): Segment {
  const base = `/store/segment/s${input.shotIndex}-a${input.attempt}`
  return { shotIndex: input.shotIndex, attempt: input.attempt, generator: 'fake', path: `${base}/shot.mp4`, frames: 10, firstFrame: `${base}/first.png`, lastFrame: `${base}/last.png`, keyFrame: `${base}/key.png` }
}

function verdictOf(score: number, accepted = true): Verdict {
  return { score, accepted, critique: accepted ? '' : 'too still', checks: {}, failed: accepted ? [] : ['frozen'], referenceFrame: `/ref-${score}.png` }
}

/** A metric-style judgement: the best candidate by score wins; `passed` and `revision` as given. */
function judgementOf(input: JudgeRoundInput, passed: boolean, revision?: Judgement['revision']): Judgement {
  const winner = input.attempts.reduce((b, a) => (a.verdict.score > b.verdict.score ? a : b))
  return { judge: 'fake', round: input.round, candidates: input.attempts.map((a) => a.attempt), winner: winner.attempt, matches: [], critique: null, passed, revision, fallbacks: [] }
}

/** Records every call; each actor resolves at once unless told otherwise. */
function fakeShotActors(opts: { scores?: (input: VerifyInput) => number; passRound?: number; revisions?: Array<Judgement['revision']>; hold?: (kind: 'generate' | 'verify', input: { shotIndex: number }) => boolean } = {}) {
  const calls = { generate: [] as GenerateInput[], verify: [] as VerifyInput[], judge: [] as JudgeRoundInput[], order: [] as string[] }
  const never = new Promise<never>(() => {})
  const actors = {
    generate: fromPromise(async ({ input }: { input: GenerateInput }) => {
      calls.generate.push(input)
      calls.order.push(`generate ${input.shotIndex}.${input.attempt}`)
      if (opts.hold?.('generate', input)) return never
      await Promise.resolve()
      return { segment: segmentOf(input), cached: false }
    }),
    verify: fromPromise(async ({ input }: { input: VerifyInput }) => {
      calls.verify.push(input)
      calls.order.push(`verify ${input.shotIndex}.${input.segment.attempt}`)
      if (opts.hold?.('verify', input)) return never
      return verdictOf(opts.scores?.(input) ?? 0.9)
    }),
    judge: fromPromise(async ({ input }: { input: JudgeRoundInput }) => {
      calls.judge.push(input)
      calls.order.push(`judge ${input.shotIndex}.r${input.round}`)
      return judgementOf(input, input.round === (opts.passRound ?? 0), opts.revisions?.[input.round])
    }),
  }
  return { calls, actors }
}

function shotInput(over: Partial<ShotInput> = {}): ShotInput {
  return { sources: SOURCES, shotIndex: 0, maxRounds: 3, candidates: 2, references: {}, ...over }
}

const card = (kind: 'location' | 'character', id: string) => ({ kind, id }) as unknown as IdentityCard

function memoryOf(): ShotMemory {
  return {
    version: 1,
    styleBible: {} as ShotMemory['styleBible'],
    entities: { park: { card: card('location', 'park'), references: [] }, ada: { card: card('character', 'ada'), references: [] } },
    shots: {},
  }
}

function outlines(continues: boolean[]): ShotOutline[] {
  return continues.map((c) => ({ frames: 10, continuesPrevious: c, locationId: 'park', characterIds: ['ada'], framing: 'medium' }))
}

const SUMMARY = { final: '/out/final.mp4', durationSec: 1, frames: 30, shots: 3, cuts: 2, cutsMeasured: true, cutsOnBeat: 1, transitions: { dissolves: 0, continuous: 0, matchCuts: 0 }, variety: { minBitsPerMinute: 1.5, longestRun: 1 }, acceptedShots: 3, attempts: 3 } satisfies RenderSummary

function fakeRenderActors(shots: ShotOutline[], over: { plan?: () => Promise<PlanOutcome> } = {}) {
  const calls: string[] = []
  const step = <O, I>(name: string, value: O) =>
    fromPromise<O, I>(async () => {
      calls.push(name)
      return value
    })
  return {
    calls,
    actors: {
      analyze: step<{ analysisKey: string }, { songPath: string }>('analyze', { analysisKey: 'a' }),
      direct: step<{ treatmentKey: string }, { analysisKey: string }>('direct', { treatmentKey: 't' }),
      plan: over.plan ? fromPromise<PlanOutcome, { analysisKey: string; treatmentKey: string }>(over.plan) : step<PlanOutcome, { analysisKey: string; treatmentKey: string }>('plan', { planKey: 'p', shots, memory: memoryOf() }),
      stitch: step<{ final: string }, FinishInput>('stitch', { final: '/out/final.mp4' }),
      storyboard: step<void, FinishInput>('storyboard', undefined),
      score: step<{ scoreKey: string }, FinishInput>('score', { scoreKey: 's' }),
      report: step<RenderSummary, FinishInput & { scoreKey: string }>('report', SUMMARY),
      remember: step<void, { memory: ShotMemory }>('remember', undefined),
    },
  }
}

function renderWith(shotFakes: ReturnType<typeof fakeShotActors>, renderFakes: ReturnType<typeof fakeRenderActors>) {
  return renderMachine.provide({ actors: { ...renderFakes.actors, shot: shotMachine.provide({ actors: shotFakes.actors }) } })
}

const INPUT = { songPath: '/song.wav', maxRounds: 2, candidates: 1, concurrency: 2, referenceLag: 3 }

describe('shot machine (VISTA loop, fake actors)', () => {
  it('generates k candidates, verifies each, judges the round, and stops when the round passes', async () => {
    const fakes = fakeShotActors({ scores: (i) => (i.segment.attempt === 1 ? 0.8 : 0.6), passRound: 0 })
    const actor = createActor(shotMachine.provide({ actors: fakes.actors }), { input: shotInput() }).start()
    const done = await waitFor(actor, (s) => s.status === 'done')
    expect(fakes.calls.order).toEqual(['generate 0.0', 'verify 0.0', 'generate 0.1', 'verify 0.1', 'judge 0.r0'])
    expect(fakes.calls.generate.map((g) => [g.round, g.candidate])).toEqual([[0, 0], [0, 1]])
    expect(fakes.calls.judge[0].attempts.map((a) => a.attempt)).toEqual([0, 1])
    expect(done.output!.best.attempt).toBe(1)
    expect(done.output!.rounds).toHaveLength(1)
    expect(fakes.calls.generate.every((g) => g.sources === fakes.calls.generate[0].sources && g.sources.planKey === 'p')).toBe(true)
  })

  it('out of rounds: every round is judged, revisions accumulate into later rounds, the best round winner is kept', async () => {
    const scores: Record<number, number> = { 0: 0.3, 1: 0.4, 2: 0.7, 3: 0.5, 4: 0.2, 5: 0.6 }
    const fakes = fakeShotActors({ scores: (i) => scores[i.segment.attempt], passRound: -1, revisions: [{ prompt: 'closer' }, { camera: 'crane-up' }] })
    const actor = createActor(shotMachine.provide({ actors: fakes.actors }), { input: shotInput({ maxRounds: 3, candidates: 2 }) }).start()
    const done = await waitFor(actor, (s) => s.status === 'done')
    expect(fakes.calls.generate.map((g) => g.attempt)).toEqual([0, 1, 2, 3, 4, 5])
    expect(fakes.calls.judge.map((j) => j.attempts.map((a) => a.attempt))).toEqual([[0, 1], [2, 3], [4, 5]])
    expect(fakes.calls.generate.map((g) => g.revision)).toEqual([{}, {}, { prompt: 'closer' }, { prompt: 'closer' }, { prompt: 'closer', camera: 'crane-up' }, { prompt: 'closer', camera: 'crane-up' }])
    // Round winners 1 (0.4), 2 (0.7), 5 (0.6): none passed, so the best winner by the metrics.
    expect(done.output!.rounds.map((r) => r.winner)).toEqual([1, 2, 5])
    expect(done.output!.best.attempt).toBe(2)
    expect(done.output!.attempts).toHaveLength(6)
  })

  it('one candidate per round and one round is the plain generate → verify → judge', async () => {
    const fakes = fakeShotActors({ passRound: -1 })
    const actor = createActor(shotMachine.provide({ actors: fakes.actors }), { input: shotInput({ maxRounds: 0, candidates: 0 }) }).start()
    const done = await waitFor(actor, (s) => s.status === 'done')
    expect(fakes.calls.order).toEqual(['generate 0.0', 'verify 0.0', 'judge 0.r0'])
    expect(done.output!.best.attempt).toBe(0)
  })

  it('fails when a step fails (the render machine then fails)', async () => {
    const fakes = fakeShotActors()
    const failing = shotMachine.provide({
      actors: { ...fakes.actors, verify: fromPromise<Verdict, VerifyInput>(async () => Promise.reject(new Error('decoder broke'))) },
    })
    const actor = createActor(failing, { input: shotInput() })
    actor.subscribe({ error: () => {} })
    await expect(waitFor(actor.start(), (s) => s.status === 'done')).rejects.toThrow('decoder broke')
  })
})

describe('render machine (fake actors)', () => {
  it('runs every stage in order; a continuing shot waits for its predecessor and starts from its last frame', async () => {
    const shots = outlines([false, true, false])
    const shotFakes = fakeShotActors()
    const renderFakes = fakeRenderActors(shots)
    const states: string[] = []
    const actor = createActor(renderWith(shotFakes, renderFakes), { input: { ...INPUT, concurrency: 3, referenceLag: 4 } })
    actor.subscribe((s) => states.push(String(s.value)))
    actor.start()
    const done = await waitFor(actor, (s) => s.status === 'done')
    expect(done.value).toBe('done')
    expect(done.context.summary).toEqual(SUMMARY)
    expect(renderFakes.calls).toEqual(['analyze', 'direct', 'plan', 'stitch', 'storyboard', 'score', 'report', 'remember'])
    expect([...new Set(states)]).toEqual(['analyzing', 'directing', 'planning', 'generating', 'stitching', 'storyboarding', 'scoring', 'reporting', 'remembering', 'done'])
    const order = shotFakes.calls.order
    // Shots 0 and 2 start together; shot 1 only once shot 0 is judged.
    expect(order.indexOf('generate 2.0')).toBeLessThan(order.indexOf('judge 0.r0'))
    expect(order.indexOf('generate 1.0')).toBeGreaterThan(order.indexOf('judge 0.r0'))
    const first = shotFakes.calls.generate.find((g) => g.shotIndex === 1)!
    expect(first.initKeyframe).toBe('/store/segment/s0-a0/last.png')
    expect(shotFakes.calls.generate.find((g) => g.shotIndex === 2)!.initKeyframe).toBeUndefined()
    // Memory: every shot recorded, references promoted from the accepted takes.
    expect(Object.keys(done.context.memory!.shots).sort()).toEqual(['0', '1', '2'])
    expect(done.context.memory!.entities.park.references.length).toBeGreaterThan(0)
  })

  it('keeps to the concurrency bound', async () => {
    const shots = outlines([false, false, false, false, false])
    let running = 0
    let peak = 0
    const fakes = fakeShotActors()
    const slow = {
      ...fakes.actors,
      generate: fromPromise(async ({ input }: { input: GenerateInput }) => {
        peak = Math.max(peak, ++running)
        await new Promise((r) => setTimeout(r, 2))
        running--
        return { segment: segmentOf(input), cached: false }
      }),
    }
    const machine = renderMachine.provide({ actors: { ...fakeRenderActors(shots).actors, shot: shotMachine.provide({ actors: slow }) } })
    const done = await waitFor(createActor(machine, { input: { ...INPUT, concurrency: 2 } }).start(), (s) => s.status === 'done')
    expect(Object.keys(done.context.results)).toHaveLength(5)
    expect(peak).toBe(2)
  })

  it('hands each shot the same references however the shots finish: only from shots referenceLag or more before it', async () => {
    const shots = outlines([false, false, false, false, false, false, false])
    // Two runs whose shots finish in different orders (the slow shots differ).
    const run = async (slow: Set<number>) => {
      const fakes = fakeShotActors({ scores: (i) => 0.5 + i.shotIndex / 100 })
      const timed = {
        ...fakes.actors,
        generate: fromPromise(async ({ input }: { input: GenerateInput }) => {
          fakes.calls.generate.push(input)
          await new Promise((r) => setTimeout(r, slow.has(input.shotIndex) ? 25 : 1))
          return { segment: segmentOf(input), cached: false }
        }),
      }
      const machine = renderMachine.provide({ actors: { ...fakeRenderActors(shots).actors, shot: shotMachine.provide({ actors: timed }) } })
      const done = await waitFor(createActor(machine, { input: INPUT }).start(), (s) => s.status === 'done')
      const refs = Object.fromEntries(fakes.calls.generate.map((g) => [g.shotIndex, g.references]))
      return { refs, final: done.context.memory! }
    }
    const a = await run(new Set([0, 3]))
    const b = await run(new Set([1, 2, 5]))
    expect(b.refs).toEqual(a.refs)
    expect(b.final.entities).toEqual(a.final.entities)
    // Shot i is held to the takes of shots 0..i-3 (verdict reference frames are /ref-0.5<i>.png).
    for (let i = 0; i < shots.length; i++) {
      const images = (a.refs[i].ada ?? []).map((r) => r.image)
      for (const image of images) expect(Number(image.match(/ref-([\d.]+)\.png/)![1]) - 0.5).toBeLessThanOrEqual((i - 3) / 100 + 1e-9)
      if (i >= 3) expect(images.length).toBeGreaterThan(0)
      else expect(images).toEqual([])
    }
  })

  it('restores from a persisted snapshot taken mid-shot: finished work is not redone, the shot in flight starts its step again', async () => {
    const shots = outlines([false, true])
    // First process: shot 0 is verified and judged; shot 1 hangs in verification. Then it "dies".
    const first = fakeShotActors({ hold: (kind, input) => kind === 'verify' && input.shotIndex === 1 })
    const firstRender = fakeRenderActors(shots)
    const actor = createActor(renderWith(first, firstRender), { input: INPUT }).start()
    // A child's progress emits no parent snapshot: poll the calls.
    while (!first.calls.verify.some((v) => v.shotIndex === 1)) await new Promise((r) => setTimeout(r, 1))
    expect(actor.getSnapshot().value).toBe('generating')
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()))
    actor.stop()

    // Second process: fresh actors from the snapshot.
    const second = fakeShotActors()
    const secondRender = fakeRenderActors(shots)
    const restored = createActor(renderWith(second, secondRender), { snapshot: persisted, input: INPUT }).start()
    const done = await waitFor(restored, (s) => s.status === 'done')
    expect(done.value).toBe('done')
    expect(secondRender.calls).toEqual(['stitch', 'storyboard', 'score', 'report', 'remember'])
    // Shot 0 was finished: nothing of it runs again. Shot 1 was verifying: only its verification restarts.
    expect(second.calls.order).toEqual(['verify 1.0', 'judge 1.r0'])
    expect(done.context.results['0'].best.segment.path).toBe('/store/segment/s0-a0/shot.mp4')
    expect(done.context.results['1'].attempts).toHaveLength(1)
  })

  it('stops after planning when asked (the plan API), spawning no shot', async () => {
    const shotFakes = fakeShotActors()
    const renderFakes = fakeRenderActors(outlines([false, false]))
    const done = await waitFor(createActor(renderWith(shotFakes, renderFakes), { input: { ...INPUT, stopAfter: 'planning' } }).start(), (s) => s.status === 'done')
    expect(done.value).toBe('stopped')
    expect(done.context.planKey).toBe('p')
    expect(renderFakes.calls).toEqual(['analyze', 'direct', 'plan'])
    expect(shotFakes.calls.order).toEqual([])
  })

  it('a failed step leaves its error as a record that comes back as its own class with its fields', async () => {
    class TestBriefError extends LongavError {
      readonly issues: Array<{ path: string; message: string }>
      constructor(issues: Array<{ path: string; message: string }>) {
        super('brief.md: title: required', { kind: 'input', code: 'TEST_BRIEF' })
        this.name = 'TestBriefError'
        this.issues = issues
      }
    }
    const renderFakes = fakeRenderActors(outlines([false]), { plan: async () => Promise.reject(new TestBriefError([{ path: 'title', message: 'required' }])) })
    const done = await waitFor(createActor(renderWith(fakeShotActors(), renderFakes), { input: INPUT }).start(), (s) => s.status === 'done')
    expect(done.value).toBe('failed')
    const record = (done.context as RenderContext).error!
    expect(record).toMatchObject({ name: 'TestBriefError', kind: 'input', code: 'TEST_BRIEF', details: { issues: [{ path: 'title', message: 'required' }] } })
    const err = restoreError(JSON.parse(JSON.stringify(record)))
    expect(err).toBeInstanceOf(TestBriefError)
    expect((err as TestBriefError).issues).toEqual([{ path: 'title', message: 'required' }])
    expect(err.message).toBe('brief.md: title: required')
  })

  it('a shot that fails fails the render, with the step\'s message', async () => {
    const fakes = fakeShotActors()
    const broken = { ...fakes.actors, generate: fromPromise<GenerateOutput, GenerateInput>(async () => Promise.reject(new Error('generator returned garbage'))) }
    const machine = renderMachine.provide({ actors: { ...fakeRenderActors(outlines([false])).actors, shot: shotMachine.provide({ actors: broken }) } })
    const done = await waitFor(createActor(machine, { input: INPUT }).start() as AnyActorRef, (s) => s.status === 'done')
    expect(done.value).toBe('failed')
    expect(done.context.error).toMatchObject({ kind: 'failure', message: 'generator returned garbage' })
  })
})
