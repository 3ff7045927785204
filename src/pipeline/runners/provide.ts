/**
 * The in-process runner's implementations: each machine actor calls its step over the run's
 * store and publishes what the user reads (analysis.json, plan.json, final.mp4, …) into the run
 * folder. The machines stay static; this is the only place they meet ffmpeg, files and agents.
 */
import { join } from 'node:path'
import { fromPromise } from 'xstate'
import type { VerifierThresholds } from '../../agents/verifier/index.js'
import type { SeparationIdentity } from '../../audio/separation/index.js'
import { createMemory, saveMemory, shotOutlines, type ShotMemory } from '../../memory/index.js'
import { ShotPlan, Treatment, type Brief, type OutputFormat } from '../../schemas/index.js'
import { writeJsonAtomic } from '../../util/files.js'
import { logTo, type Services, type StepContext } from '../context.js'
import type { RenderEvent } from '../events.js'
import { renderMachine } from '../machines/renderMachine.js'
import { shotMachine } from '../machines/shotMachine.js'
import { draftAudioTrack, songAudio } from '../songAudio.js'
import type { generationProgress } from '../progress.js'
import type { RunDir } from '../runDir.js'
import { analyze } from '../steps/analyze.js'
import { direct } from '../steps/direct.js'
import { draftScore, draftVerify, withDraftVerdicts } from '../steps/draft.js'
import { generate } from '../steps/generate.js'
import { judge } from '../steps/judge.js'
import { plan } from '../steps/plan.js'
import { need } from '../steps/read.js'
import { remember } from '../steps/remember.js'
import { report } from '../steps/report.js'
import { score } from '../steps/score.js'
import { stitch } from '../steps/stitch.js'
import { storyboard } from '../steps/storyboard.js'
import { timeline } from '../steps/timeline.js'
import { verify } from '../steps/verify.js'
import type { Store } from '../../store/index.js'
import { planNotesLogLines, treatmentLogLines } from '../briefLog.js'
import { chosenShotSteps, type ChosenTakes } from './chosenTakes.js'
import type { ShotSteps } from './shotSteps.js'

/** One render's inputs, checked: what the runner hands its steps. */
export interface RenderSetup {
  runDir: RunDir
  songPath: string
  /** SHA-256 of the song file, computed once per render: it keys the analysis. */
  songSha: string
  brief: Brief
  services: Services
  thresholds: VerifierThresholds
  /** Where models live and which separation model to use (default: the one present, if any). */
  analysisOptions: { modelsDir?: string; separationModel?: string; beatTracker?: 'auto' | 'dsp' }
  /** The separation model the analysis will use (null: the DSP streams). */
  separation: SeparationIdentity | null
  /** Where every step's output is kept (the run folder's, or one shared by many renders). */
  store: Store
  /** 'video': stitch and keep the takes, but make no storyboard, score or report (a batch's base renders). */
  finish?: 'full' | 'video'
  /** Export the edit beside the film (default true; a draft: false unless asked). */
  timeline?: boolean
  /** A draft's: the output of the final render it previews (its plan is the final's, carried to the draft's rate). */
  previewOf?: OutputFormat
  /** Stops the whole render (work started outside a step, e.g. the song's audio track, listens to it). */
  signal?: AbortSignal
  /** A draft (preview): shots are kept unjudged while made, the film is measured once and every shot judged on it (steps/draft.ts). */
  draft?: boolean
  /** The shot steps, when not the in-process ones (a queued render's jobs: src/queue/). */
  shotSteps?: ShotSteps
  /** Each shot's take as another render of this plan chose it (a batch's bases): drawn once, not verified again. */
  takes?: ChosenTakes
}

export type { ShotSteps } from './shotSteps.js'

export function provideRender(setup: RenderSetup, emit: (e: RenderEvent) => void, progress: ReturnType<typeof generationProgress>) {
  const { runDir, brief, services, store } = setup
  const ctx = (signal: AbortSignal): StepContext => ({ signal, emit, services })
  const log = logTo({ emit })
  let memoryWrites = Promise.resolve()
  const own = setup.shotSteps ?? { generate, verify, judge }
  const steps = setup.takes ? chosenShotSteps(own, setup.takes) : own
  const shot = shotMachine.provide({
    actors: {
      generate: fromPromise(({ input, signal }) =>
        steps.generate(input, store, { ...ctx(signal), onProgress: (p) => progress.shotFraction(input.shotIndex, p) }),
      ),
      verify: fromPromise(({ input, signal }) =>
        setup.draft && !setup.shotSteps ? draftVerify(input, store, ctx(signal)) : steps.verify({ ...input, thresholds: setup.thresholds }, store, ctx(signal)),
      ),
      judge: fromPromise(({ input, signal }) => steps.judge(input, store, ctx(signal))),
    },
  })
  const out = { final: runDir.final, storyboard: runDir.storyboard, scorePlot: runDir.scorePlot }
  // A draft's contact sheet: thumbnails half its width (240 px for 480), not the final's 320 (0.35 against 0.55 CPU-s).
  const thumbs = setup.draft ? { thumbWidth: Math.round(brief.output.width / 2) } : {}
  const early: { storyboard?: Promise<void>; audio?: Promise<string | undefined> } = {}
  // The film's audio track, encoded once per song (a failure leaves it to the stitch).
  const audioTrack = () =>
    (early.audio ??= (async () => {
      const own = setup.draft ? await draftAudioTrack(store, setup.songPath, setup.signal) : undefined
      return own ?? songAudio(store, { path: setup.songPath, sha256: setup.songSha }, setup.signal)
    })().catch(() => undefined))
  return renderMachine.provide({
    actors: {
      analyze: fromPromise(async ({ signal }) => {
        // Beside the analysis, which leaves a core free: the stitch stream-copies it.
        void audioTrack()
        const { key, analysis: a } = await analyze(
          { song: { path: setup.songPath, sha256: setup.songSha }, separation: setup.separation, ...setup.analysisOptions },
          store,
          ctx(signal),
        )
        await writeJsonAtomic(runDir.analysis, a)
        log('info', `analysis: ${a.tempo.bpm.toFixed(1)} BPM, ${a.meter}/4, ${a.beats.length} beats, ${a.sections.length} sections`)
        return { analysisKey: key }
      }),
      direct: fromPromise(async ({ input, signal }) => {
        const { key, treatment: t } = await direct({ brief, analysisKey: input.analysisKey }, store, ctx(signal))
        await writeJsonAtomic(runDir.treatment, t)
        log('info', `treatment by ${t.author}: ${t.entities.length} identity cards, ${t.sectionMoods.length} section moods`)
        for (const line of treatmentLogLines(t)) log(line.level, line.message)
        return { treatmentKey: key }
      }),
      plan: fromPromise(async ({ input, signal }) => {
        const maxShotFrames = services.generator.capabilities.maxFrames
        const { key, plan: p } = await plan({ brief, ...input, maxShotFrames, ...(setup.previewOf ? { previewOf: setup.previewOf } : {}) }, store, ctx(signal))
        await writeJsonAtomic(runDir.plan, p)
        log('info', `plan by ${p.author}: ${p.shots.length} shots over ${p.totalFrames} frames at ${p.fps} fps`)
        for (const line of planNotesLogLines(p)) log(line.level, line.message)
        const treatment = await need(store, 'treatment', input.treatmentKey, Treatment)
        const shots = shotOutlines(p)
        progress.start(shots.map((s) => s.frames))
        return { planKey: key, shots, memory: createMemory(treatment) }
      }),
      shot,
      stitch: fromPromise(async ({ input, signal }) => {
        // The storyboard reads only the kept takes' key frames: it is drawn here (node) while ffmpeg
        // joins the film, and the storyboarding state that follows waits for it.
        if (setup.finish !== 'video') {
          early.storyboard = storyboard({ ...input, out: runDir.storyboard, ...thumbs }, store, ctx(signal))
          early.storyboard.catch(() => {})
        }
        const done = await stitch({ ...input, audioTrack: await audioTrack(), out: { final: runDir.final, concatList: join(runDir.state, 'concat.txt') } }, store, ctx(signal))
        // The edit for other editors, beside the film it describes (every render, base renders too).
        if (setup.timeline !== false) await timeline({ ...input, segments: done.segments, title: brief.title, outDir: runDir.root }, store, ctx(signal))
        return { final: done.final }
      }),
      storyboard: fromPromise(async ({ input, signal }) => {
        if (setup.finish === 'video') return
        const started = early.storyboard
        early.storyboard = undefined
        // Started by the stitch; a render resumed at this state draws it now.
        await (started ?? storyboard({ ...input, out: runDir.storyboard, ...thumbs }, store, ctx(signal)))
      }),
      score: fromPromise(async ({ input, signal }) =>
        setup.finish === 'video'
          ? { scoreKey: '' }
          : setup.draft && !setup.shotSteps
            ? draftScore({ ...input, final: runDir.final, outDir: runDir.root, thresholds: setup.thresholds }, store, ctx(signal))
            : score({ ...input, final: runDir.final, outDir: runDir.root }, store, ctx(signal)),
      ),
      report: fromPromise(async ({ input, signal }) =>
        report(
          {
            ...input,
            // A draft's shots as the verifier judged them on its film.
            results: setup.draft && input.scoreKey ? await withDraftVerdicts(input.results, input.scoreKey, await need(store, 'plan', input.sources.planKey, ShotPlan), store) : input.results,
            setup: { songPath: setup.songPath, title: brief.title, output: brief.output, thresholds: setup.thresholds, separation: setup.separation },
            out: { ...out, scores: runDir.scores, report: runDir.report, transcripts: runDir.llm },
          },
          store,
          ctx(signal),
        ),
      ),
      remember: fromPromise(async ({ input, signal }) => {
        await memoryWrites
        await remember({ memory: input.memory, out: runDir.memory }, store, ctx(signal))
      }),
    },
    actions: {
      saveMemory: (_, params: { memory: ShotMemory }) => {
        memoryWrites = memoryWrites.then(() => saveMemory(runDir.memory, params.memory)).catch((err) => log('error', `could not save memory: ${String(err)}`))
      },
      shotFinished: (_, params) => progress.shotDone(params.done),
    },
  })
}
