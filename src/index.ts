/**
 * longav's programmatic API: the same operations as the CLI, as typed async functions with
 * progress events and an AbortSignal. Nothing here prints.
 */
import { dirname, join, resolve } from 'node:path'
import { createHeuristicDirector, createHeuristicPlanner } from './agents/index.js'
import type { Director, Planner } from './agents/types.js'
import { createHeuristicVerifier, VerifierThresholds, type Verifier } from './agents/verifier/index.js'
import { createMetricJudge, type ShotJudge } from './agents/verifier/judgement.js'
import { createLlmJudge } from './agents/verifier/vista.js'
import { createLlmDirector, createLlmPlanner } from './agents/llm/index.js'
import { llmConfigFrom, type LlmConfig } from './llm/index.js'
import { openLlmSession, type LlmSession } from './pipeline/llmSession.js'
import { createLogRelay } from './pipeline/logRelay.js'
import { analyzeSong } from './audio/analyze.js'
import { separationModelIdentity } from './audio/separation/index.js'
import { loadBrief } from './brief/index.js'
import { assertFfmpegAvailable, probeMedia, withDraftEncoding } from './ffmpeg/index.js'
import { writeAnalysisPlot, waveformFromRms } from './report/analysisPlot.js'
import { createProceduralGenerator } from './render/generators/procedural/index.js'
import { selectGenerator, type GeneratorFlags } from './render/generators/select.js'
import { draftGenerator, draftOutput } from './render/generators/draft.js'
import type { SegmentGenerator } from './render/generators/types.js'
import type { Analysis, Brief, OutputFormat, ShotPlan, Treatment, VideoScore } from './schemas/index.js'
import { sha256File, writeJsonAtomic } from './util/files.js'
import type { RenderEvent } from './pipeline/events.js'
import { checkSong, checkVideo } from './pipeline/inputs.js'
import { InputError } from './errors.js'
import { renderRate } from './time.js'
import { config } from './config.js'
import { writeVideoScore } from './pipeline/scoreRun.js'
import type { RenderSummary } from './pipeline/summary.js'
import { defaultOutDir, runDirAt, type RunDir } from './pipeline/runDir.js'
import { runRender } from './pipeline/runners/render.js'
import { ChosenTakes } from './pipeline/runners/chosenTakes.js'
import { checkModelNames } from './pipeline/modelNames.js'
import { openStore } from './store/index.js'
import { openRenderQueue, type Coordinator, type QueueRenderOptions } from './queue/index.js'
import { existsSync } from 'node:fs'
import { asWriteError, guardOutputFolder, lockOutputFolder, outputsOf, readRunRecord } from './pipeline/outputFolder/index.js'
import { loadMemory } from './memory/index.js'
import { readFile } from 'node:fs/promises'
import { analyze as analyzeStep } from './pipeline/steps/analyze.js'
import { runBatch, checkLengths, type BatchResult } from './batch/runBatch.js'
import { forkedBaseRenderer } from './batch/baseFork.js'
import type { BaseRenderer } from './batch/bases.js'
import { availableParallelism } from 'node:os'
import { loadVariants } from './batch/variants.js'
import { loadEditedPlan, withShotGenerators } from './pipeline/editedPlan.js'
import { finishReshoot, prepareReshoot } from './reshoot/reshoot.js'
import { createEditedPlanner } from './agents/planner/edited.js'
import type { BatchEvent } from './batch/events.js'
import type { z } from 'zod'
import { Analysis as AnalysisSchema, ShotPlan as ShotPlanSchema, Treatment as TreatmentSchema } from './schemas/index.js'

export type { Analysis, Brief, OutputFormat, ShotPlan, Treatment, Shot, Segment, IdentityCard, VideoScore } from './schemas/index.js'
export type { RenderEvent, Stage } from './pipeline/events.js'
export type { RenderSummary } from './pipeline/summary.js'
export type { ChosenTakes, ChosenTake } from './pipeline/runners/chosenTakes.js'
export type { BatchEvent } from './batch/events.js'
export type { BatchResult } from './batch/runBatch.js'
export type { Manifest, ManifestEntry, VariantCheck, VariantFormat, TextItem, Cutdown, Piece } from './batch/types.js'
export { VariantsError, type VariantIssue } from './batch/variants.js'
export type { SegmentGenerator, SegmentRequest, GeneratorCapabilities } from './render/generators/types.js'
export { setDrawHelper } from './render/generators/procedural/index.js'
export type { Director, Planner } from './agents/types.js'
export type { Verifier } from './agents/verifier/index.js'
export type { ShotJudge, Judgement, Critique } from './agents/verifier/judgement.js'
export type { LlmConfig, StructuredMethod } from './llm/index.js'
export { llmConfigFrom, LlmConfigError } from './llm/index.js'
export { BriefError, briefTemplate } from './brief/index.js'
export { readTimeline, type TimelineCuts } from './timeline/index.js'
export { GeneratorSetupError } from './render/generators/select.js'
export type { GeneratorName } from './schemas/index.js'
export { AudioAnalysisError, SilentSongError } from './audio/errors.js'
// The error model: every error longav throws is a LongavError of kind `input` or `failure`.
export { LongavError, InputError, RenderError, ConfigError, exitCodeOf, errorRecord, restoreError, type ErrorKind, type ErrorRecord } from './errors.js'
export { InvariantError } from './agents/types.js'
export { EmbeddingError, type EmbeddingErrorCode } from './metrics/embedding.js'
export { SeparationModelError, type SeparationModelErrorCode } from './audio/separation/errors.js'
export { AudioDecodeError, type AudioDecodeErrorCode } from './ffmpeg/decodeAudio.js'
export { FfmpegError } from './ffmpeg/run.js'
export { FfmpegMissingError } from './ffmpeg/binaries.js'
export { ImagesToVideoError } from './ffmpeg/imagesToVideo.js'
export { OnnxModelError } from './render/generators/onnx/errors.js'
export { FootageError } from './render/generators/footage/errors.js'
export {
  ComfyError,
  ComfyConnectionError,
  ComfyHttpError,
  ComfyProtocolError,
  ComfyMissingNodeError,
  ComfyMissingModelError,
  ComfyPromptError,
  ComfyExecutionError,
  ComfyInterruptedError,
  ComfyTimeoutError,
  ComfyPromptLostError,
  ComfyTemplateError,
  type ComfyErrorCode,
} from './render/generators/comfyui/errors.js'

export interface CommonOptions {
  signal?: AbortSignal
  onEvent?: (event: RenderEvent) => void
  /** Where the user's models live (default: env LONGAV_MODELS_DIR, else the package's models/). */
  modelsDir?: string
  /** Folder under `<modelsDir>/separation/` to separate the streams with (default: the one present). */
  separationModel?: string
  /**
   * 'dsp' (default): the DSP beat tracker; 'auto': the learned model's activations decoded by the grid
   * decoder when a model is present (better on the test split's beats and downbeats, but it still reads
   * some 4/4 as two beats a bar: see the README), else the DSP tracker.
   */
  beatTracker?: 'auto' | 'dsp'
}

export interface RenderOptions extends CommonOptions {
  /** Path of the song (any audio ffmpeg decodes). */
  song: string
  /** Path of brief.md. */
  brief: string
  /** Default: ./longav-out/<song name>/ */
  outDir?: string
  /** Overrides of the brief's output size and frame rate. */
  output?: Partial<OutputFormat>
  /** A generator of your own; otherwise the brief's and these options' choice is built. */
  generator?: SegmentGenerator
  /** procedural | footage | onnx | comfyui for every shot (wins over the brief's `generator` and `shots` overrides). */
  generatorName?: GeneratorFlags['generator']
  /** Folder of the diffusers ONNX export under the models folder (onnx generator). */
  onnxModel?: string
  /** The ComfyUI server, e.g. http://127.0.0.1:8188, and the workflow template in models/comfyui/. */
  comfyuiUrl?: string
  comfyuiWorkflow?: string
  director?: Director
  planner?: Planner
  /**
   * A plan.json the user wrote or edited: rendered instead of planning (checked with the planner's
   * rules; unchanged shots are store hits). Wins over `planner`.
   */
  plan?: string
  /** With `plan`: refuse a cut off the beat grid instead of moving it to the nearest beat. */
  strict?: boolean
  /**
   * A quick preview: DRAFT_OUTPUT's size and rate (480 px on the long side, 12 fps) unless
   * `output` gives them, one take per shot unless `rounds`/`candidates` are given, x264
   * ultrafast, no timeline export unless `timeline`. Its shots have their own store keys (never
   * reused by a final render); run.json, scores.json and the report say `draft`. A later render
   * into the same folder replaces a finished draft without `force`. Not with `queue`.
   */
  draft?: boolean
  /** Export the edit (OTIO, FCPXML, EDL, MLT) beside the film: default true, false for a draft. */
  timeline?: boolean
  verifier?: Verifier
  /** Picks each round's winner among a shot's candidates (default: the model's VISTA judge when one is configured, else the metrics). */
  judge?: ShotJudge
  thresholds?: Partial<VerifierThresholds>
  /**
   * The language model the director, planner and judge use: a config (see `llmConfigFrom`), null
   * for none (heuristics only), or undefined to read it from the environment (LONGAV_LLM_*,
   * OPENAI_API_KEY).
   */
  llm?: LlmConfig | null
  /** Rounds per shot of generate → verify → judge → revise, including the first (default 3). */
  rounds?: number
  /** Candidates generated per round and judged against each other (default 2 with a model, else 1). */
  candidates?: number
  /** Shots generated at once (default 2). */
  concurrency?: number
  /** Continue an earlier render of the same inputs in outDir (default true). */
  resume?: boolean
  /** Replace a finished render of different inputs in outDir (default false). */
  force?: boolean
  /** 'video': make the film only, without storyboard, final score and report (what a batch's base renders need). Default 'full'. */
  finish?: 'full' | 'video'
  /**
   * Each shot's take as another render of the same plan at another size chose it (a batch's bases
   * after the first): drawn once with its seed and revision, its verdict taken, not verified again.
   */
  takes?: ChosenTakes
  /**
   * Where every step's output is kept (default `<outDir>/.longav/store`). A folder shared by
   * several renders (or machines mounting it) makes a step any of them ran a hit for the others.
   */
  storeDir?: string
  /**
   * Render as a coordinator: shots become BullMQ jobs on this Redis (a URL, or the URL and the
   * queue's settings) for `longav worker`s sharing `storeDir`; analysis, direction, planning and
   * stitching stay here. Without it everything runs in this process.
   */
  queue?: string | QueueRenderOptions
}

export interface RenderResult extends RenderSummary {
  outDir: string
  /** A draft (preview) render: see RenderOptions.draft. */
  draft: boolean
  files: {
    final: string
    analysis: string
    treatment: string
    plan: string
    scores: string
    storyboard: string
    report: string
    score: string
    scorePlot: string
    log: string
    /** The edit for other editors; they reference the media in `segments` (shot-NN.mp4 and the song) by relative paths. */
    timelineOtio: string
    timelineFcpxml: string
    timelineEdl: string
    timelineMlt: string
    segments: string
  }
}

export interface ReshootOptions extends CommonOptions {
  /** The folder of a finished render. */
  outDir: string
  /** Shots (plan indices, as the storyboard numbers them) to make again with a new seed. */
  shots?: number[]
  /** The seed for the reshot shots (default: a new one per take). */
  seed?: number
  /** A new prompt for the reshot shots. */
  prompt?: string
  /** Earlier takes to pick back, shot index → take number (see `<out>/takes.json`). */
  takes?: Record<number, number>
  /** Rounds per reshot shot (default: the render's). */
  rounds?: number
  /** As in `render`: a model config, null for none; default: whether the render used one (from the environment). */
  llm?: LlmConfig | null
  /** A generator of your own (default: the render's, rebuilt from its options). */
  generator?: SegmentGenerator
}

export interface ReshootResult extends RenderResult {
  /** The take each named shot now shows. */
  takes: Array<{ shot: number; take: number }>
}

/**
 * Makes the named shots of a finished render again (or picks earlier takes back) and restitches:
 * every other shot is a store hit, every take is kept in `<out>/takes.json`.
 */
export async function reshoot(opts: ReshootOptions): Promise<ReshootResult> {
  const changes = [
    ...(opts.shots ?? []).map((index) => ({ index, seed: opts.seed, prompt: opts.prompt })),
    ...Object.entries(opts.takes ?? {}).map(([index, take]) => ({ index: Number(index), take })),
  ]
  const p = await prepareReshoot({ outDir: resolve(opts.outDir), changes, rounds: opts.rounds })
  const { llm: usedLlm, ...request } = p.render.request as Partial<RenderOptions> & { llm?: 'none' | 'env' }
  const result = await render({
    ...request,
    song: p.render.song,
    brief: p.render.brief,
    outDir: resolve(opts.outDir),
    plan: p.render.plan,
    llm: opts.llm !== undefined ? opts.llm : usedLlm === 'none' ? null : undefined,
    rounds: opts.rounds ?? request.rounds,
    ...(opts.generator ? { generator: opts.generator } : {}),
    ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}),
    signal: opts.signal,
    onEvent: opts.onEvent,
  })
  const takes = await finishReshoot({ plan: p.plan, takes: p.takes, takesPath: p.takesPath, memoryPath: join(result.outDir, 'memory.json'), changes })
  return { ...result, takes }
}

/** Renders a finished music video for a song and a brief. */
export async function render(opts: RenderOptions): Promise<RenderResult> {
  if (opts.draft && opts.queue) throw new InputError('a draft renders in this process: drop --queue (or --draft)', { code: 'DRAFT_QUEUE' })
  const prepared = await prepare(opts)
  if (prepared.draft) return withDraftEncoding(() => renderPrepared(opts, prepared, undefined))
  const queue = opts.queue ? await openRenderQueue(
    { ...opts, queue: opts.queue, objects: { generator: opts.generator, verifier: opts.verifier, judge: opts.judge } },
    { ...prepared, llm: prepared.services.llm, log: (level, line) => prepared.generatorLog.log(level, line) },
  ) : undefined
  try {
    return await renderPrepared(opts, prepared, queue)
  } finally {
    await queue?.close()
  }
}

async function renderPrepared(opts: RenderOptions, prepared: Awaited<ReturnType<typeof prepare>>, queue: Coordinator | undefined): Promise<RenderResult> {
  const summary = await runRender({
    ...prepared,
    shotSteps: queue?.steps,
    stopAfter: undefined,
    // A draft: one take per shot (no retakes after the verifier) and no timeline unless asked.
    // Chosen takes: one generation per shot, the take given.
    maxRounds: opts.takes ? 1 : opts.rounds ?? (prepared.draft ? 1 : 3),
    candidates: opts.takes ? 1 : opts.candidates ?? (prepared.services.llm && !prepared.draft ? 2 : 1),
    timeline: opts.timeline ?? !prepared.draft,
    concurrency: Math.max(1, opts.concurrency ?? 2),
    resume: opts.resume ?? true,
    force: opts.force ?? false,
    finish: opts.finish,
    ...(opts.takes ? { takes: ChosenTakes.parse(opts.takes) } : {}),
    editedPlan: opts.plan !== undefined,
    record: { brief: resolve(opts.brief), request: renderRequest(opts) },
    signal: opts.signal,
    onEvent: opts.onEvent,
  })
  if (!summary) throw new Error('render stopped before its end')
  return { ...summary, outDir: prepared.runDir.root, draft: prepared.draft, files: filesOf(prepared.runDir) }
}

export interface BatchOptions extends Omit<RenderOptions, 'output' | 'outDir' | 'resume'> {
  /** The variants file (YAML or JSON). */
  variants: string
  /** The batch folder (default ./longav-out/<song>-batch/): variants/, manifest.json, variants.html, variants.png. */
  outDir?: string
  /** Frame rate of every variant (default: the brief's). */
  fps?: number
  /**
   * Formats rendered at once, each in its own process (default: 2 on a machine with 2 or more
   * cores). 1 renders them one after another in this process, which is also what happens when a
   * generator, agent or judge object is passed (objects do not cross to another process).
   */
  parallel?: number
  onEvent?: (event: BatchEvent) => void
}

/**
 * Makes every variant of a variants file from one song and one brief: one analysis, one treatment
 * and one render per format shared by all variants; cut-downs chosen by the music; texts inside
 * each platform's safe zone, measured on the written files.
 */
export async function batch(opts: BatchOptions): Promise<BatchResult> {
  const songPath = resolve(opts.song)
  const batchDir = resolve(opts.outDir ?? `${defaultOutDir(songPath)}-batch`)
  // The base renders' shots go to the workers, who find them in the store they all mount.
  if (opts.queue && !opts.storeDir) throw new InputError('--queue needs --store PATH: a folder the coordinator and every worker mount', { code: 'QUEUE_NEEDS_STORE' })
  const storeDir = resolve(opts.storeDir ?? join(batchDir, '.longav', 'store'))
  const { onEvent: _onEvent, ...renderOpts } = opts
  // Everything the renders check (song, brief, models) is checked here first, then the variants.
  const prepared = await prepare({ ...renderOpts, outDir: join(batchDir, '.longav', 'bases', 'check'), storeDir })
  const fps = opts.fps === undefined ? prepared.brief.output.fps : renderRate(opts.fps)
  if (fps === undefined) throw new InputError(`fps ${opts.fps}: a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94`, { code: 'OUTPUT_FPS' })
  const variants = await loadVariants(opts.variants, { briefDir: prepared.brief.baseDir, defaultCaptions: prepared.brief.lyrics.some((l) => l.time !== undefined) })
  const songSec = (await probeMedia(songPath, { signal: opts.signal })).durationSec
  checkLengths(variants, songSec, opts.variants)
  const emit = (e: BatchEvent) => opts.onEvent?.(e)
  const { analysis } = await analyzeStep(
    { song: { path: songPath, sha256: prepared.songSha }, separation: prepared.separation, ...prepared.analysisOptions },
    prepared.store,
    { signal: opts.signal ?? new AbortController().signal, emit, services: prepared.services },
  )
  const native = prepared.services.generator.id === 'procedural'
  const { signal: _signal, generator, director, planner, verifier, judge, parallel: asked, variants: _v, fps: _f, ...plainOpts } = renderOpts
  const objects = [generator, director, planner, verifier, judge].some((x) => x !== undefined)
  const parallel = native && !objects ? Math.max(1, Math.floor(asked ?? Math.min(2, availableParallelism()))) : 1
  if (parallel > 1) {
    // One treatment for every format: made here once, so parallel renders (and a model's
    // director) cannot each write their own.
    await plan({ ...plainOpts, outDir: join(batchDir, '.longav', 'bases', 'plan'), storeDir, force: true, signal: opts.signal, onEvent: emit })
  }
  const renderInProcess: BaseRenderer = async (o) => {
    const r = await render({ ...renderOpts, signal: o.signal, finish: 'video', takes: o.takes, outDir: o.outDir, storeDir, output: { width: o.width, height: o.height, fps, captions: o.captions, bareStills: o.captions }, onEvent: o.onEvent })
    return { final: r.files.final, plan: r.files.plan }
  }
  return runBatch({
    song: songPath,
    songSha: prepared.songSha,
    brief: resolve(opts.brief),
    variantsFile: resolve(opts.variants),
    variants,
    analysis,
    fps,
    batchDir,
    native,
    settingsKey: { brief: { ...prepared.brief, baseDir: undefined }, generator: prepared.services.generator.id, rounds: opts.rounds, candidates: opts.candidates },
    force: opts.force ?? false,
    signal: opts.signal,
    onEvent: opts.onEvent,
    parallel,
    render: parallel > 1 ? forkedBaseRenderer({ ...plainOpts, storeDir, output: { fps, captions: false } }) : renderInProcess,
  })
}

export interface PlanResult {
  outDir: string
  analysis: Analysis
  treatment: Treatment
  plan: ShotPlan
}

/** Analyses the song and writes the treatment and shot plan, without rendering. */
export async function plan(opts: Omit<RenderOptions, 'rounds' | 'candidates' | 'concurrency' | 'resume' | 'verifier' | 'judge' | 'thresholds'>): Promise<PlanResult> {
  const prepared = await prepare(opts)
  // The render machine, stopped once the plan is made (`force`: overwrite a finished render's plan).
  await runRender({ ...prepared, stopAfter: 'planning', maxRounds: 1, candidates: 1, concurrency: 1, resume: false, force: opts.force ?? false, signal: opts.signal, onEvent: opts.onEvent })
  await prepared.services.llm?.flush()
  const read = async <S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> => schema.parse(JSON.parse(await readFile(path, 'utf8')))
  return {
    outDir: prepared.runDir.root,
    analysis: await read(prepared.runDir.analysis, AnalysisSchema),
    treatment: await read(prepared.runDir.treatment, TreatmentSchema),
    plan: await read(prepared.runDir.plan, ShotPlanSchema),
  }
}

export interface AnalyzeOptions extends CommonOptions {
  /** When given, analysis.json is written here. */
  outDir?: string
  /** Also write analysis.png (waveform, onsets, beats, bars, sections, curves) to outDir. */
  plot?: boolean
  /** Size of analysis.png (default 1600x900). */
  plotSize?: { width?: number; height?: number }
  /** Overwrite the analysis of a finished render in outDir, or a file there longav did not make (default false). */
  force?: boolean
}

/** Analyses a song: tempo, beats, downbeats, sections, feature curves. */
export async function analyze(song: string, opts: AnalyzeOptions = {}): Promise<Analysis> {
  if (opts.plot && !opts.outDir) throw new TypeError('analyze: plot needs outDir (analysis.png is written there)')
  assertFfmpegAvailable()
  checkModelNames(opts)
  await checkSong(song, opts.signal)
  const dir = opts.outDir ? runDirAt(opts.outDir) : undefined
  const outputs = dir ? outputsOf('analyze', dir, { plot: opts.plot }) : []
  if (dir) guardOutputFolder({ command: 'analyze', runDir: dir, inputs: [{ label: 'song', path: song }], outputs, record: await readRunRecord(dir), force: opts.force ?? false })
  opts.onEvent?.({ type: 'stage', stage: 'analyzing' })
  const raw = await analyzeSong(song, {
    modelsDir: opts.modelsDir,
    separationModel: opts.separationModel,
    beatTracker: opts.beatTracker,
    signal: opts.signal,
    onProgress: (fraction: number) => opts.onEvent?.({ type: 'progress', stage: 'analyzing', fraction }),
  })
  // Boundary check: a NaN would silently become null in analysis.json; fail loudly instead.
  const checked = AnalysisSchema.safeParse(raw)
  if (!checked.success) {
    const first = checked.error.issues[0]
    throw new Error(`analysis of ${song} is invalid (a defect in longav's analysis): ${first.path.join('.')}: ${first.message}`)
  }
  const analysis = checked.data
  await warnIfPartlyDecoded(song, analysis, opts)
  if (dir) {
    await underLock(dir, async () => {
      await writeJsonAtomic(dir.analysis, analysis)
      if (opts.plot) await writeAnalysisPlot(analysis, waveformFromRms(analysis), join(dir.root, 'analysis.png'), opts.plotSize)
    })
  }
  return analysis
}

/** A file ffmpeg reads only partly (truncated, corrupt tail) is analysed as far as it decodes; say so. */
async function warnIfPartlyDecoded(song: string, analysis: Analysis, opts: AnalyzeOptions): Promise<void> {
  if (!opts.onEvent) return
  const info = await probeMedia(song, { signal: opts.signal }).catch(() => undefined)
  const declared = info?.audio?.durationSec ?? info?.durationSec
  const decoded = analysis.source.durationSec
  if (declared && declared - decoded > Math.max(1, declared * 0.05)) {
    opts.onEvent({
      type: 'log',
      level: 'warn',
      message: `only ${decoded.toFixed(1)} s of ${declared.toFixed(1)} s could be decoded from ${song} (truncated or damaged?); analysed what was readable`,
    })
  }
}

export { loadBrief }

export interface ScoreOptions extends CommonOptions {
  /** Where score.json and score.png go (default ./longav-score/<video name>/). */
  outDir?: string
  /** A longav plan.json the video was made from: per-shot scores on its shots, identity per character and place. */
  plan?: string
  /** Folder under `<modelsDir>/embedding/` to compare identities with (default: the one present, else descriptors). */
  embeddingModel?: string
  /** The song's analysis when you have it (from `analyze()` or a run's analysis.json): the song is not analysed again. */
  analysis?: Analysis
  /** Overwrite the score of a finished render in outDir, or a file there longav did not make (default false). */
  force?: boolean
}

export interface ScoreResult {
  score: VideoScore
  files: { json: string; png: string }
}

/**
 * Scores any video against a song from its real frames (ours, a human-made music video, another
 * tool's): sync, cuts, consistency, duration and offset. Writes score.json and score.png.
 */
export async function score(video: string, song: string, opts: ScoreOptions = {}): Promise<ScoreResult> {
  assertFfmpegAvailable()
  checkModelNames(opts)
  const videoPath = resolve(video)
  await checkVideo(videoPath, opts.signal)
  const outDir = resolve(opts.outDir ?? defaultScoreDir(videoPath))
  const dir = runDirAt(outDir)
  const inputs = [{ label: 'video', path: videoPath }, { label: 'song', path: song }, ...(opts.plan ? [{ label: 'plan', path: opts.plan }] : [])]
  guardOutputFolder({ command: 'score', runDir: dir, inputs, outputs: outputsOf('score', dir), record: await readRunRecord(dir), force: opts.force ?? false })
  if (opts.analysis) await checkSong(resolve(song), opts.signal)
  const analysis = opts.analysis ? givenAnalysis(opts.analysis) : await analyze(song, { modelsDir: opts.modelsDir, separationModel: opts.separationModel, beatTracker: opts.beatTracker, signal: opts.signal, onEvent: opts.onEvent })
  let planned: ShotPlan | undefined
  let references: Record<string, Array<{ image: string; locationId?: string; framing?: string }>> | undefined
  if (opts.plan) {
    const text = await readFile(resolve(opts.plan), 'utf8').catch(() => {
      throw new InputError(`plan not found: ${opts.plan}`)
    })
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      throw new InputError(`plan is not JSON: ${opts.plan}`)
    }
    const parsed = ShotPlanSchema.safeParse(raw)
    if (!parsed.success) throw new InputError(`plan ${opts.plan} is not a longav plan.json: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`)
    planned = parsed.data
    // A longav run folder also holds memory.json: its reference keyframes anchor identity.
    const memory = await loadMemory(join(dirname(resolve(opts.plan)), 'memory.json'))
    if (memory) {
      references = Object.fromEntries(
        Object.entries(memory.entities).map(([id, e]) => [id, e.references.filter((r) => existsSync(r.image)).map((r) => ({ image: r.image, locationId: r.locationId, framing: r.framing }))]),
      )
    }
  }
  opts.onEvent?.({ type: 'stage', stage: 'scoring' })
  // The folder is made by the first write (score.json), so a refused plan leaves nothing behind.
  return underLock(dir, () => writeVideoScore({
    videoPath,
    songPath: resolve(song),
    analysis,
    plan: planned,
    planName: opts.plan,
    references,
    outDir,
    modelsDir: opts.modelsDir,
    embeddingModel: opts.embeddingModel,
    signal: opts.signal,
    onProgress: (fraction) => opts.onEvent?.({ type: 'progress', stage: 'scoring', fraction }),
  }))
}

/**
 * Writes into a folder: a render's folder (it has `.longav/`) is locked meanwhile, so a render
 * running there is not written under; a failed write is reported as such.
 */
async function underLock<T>(dir: RunDir, write: () => Promise<T>): Promise<T> {
  const lock = existsSync(dir.state) ? lockOutputFolder(dir) : undefined
  try {
    return await write()
  } catch (err) {
    throw asWriteError(err, dir.root)
  } finally {
    lock?.release()
  }
}

/** An analysis handed to `score()` is checked like one read from disk. */
function givenAnalysis(raw: unknown): Analysis {
  const parsed = AnalysisSchema.safeParse(raw)
  if (!parsed.success) throw new InputError(`score: the analysis given is not a longav analysis: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, { code: 'ANALYSIS_INVALID' })
  return parsed.data
}

function defaultScoreDir(videoPath: string): string {
  const base = videoPath.split(/[\\/]/).pop() ?? 'video'
  const name = base.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'video'
  return join(process.cwd(), 'longav-score', name)
}

/** Validates every input before anything is written. */
async function prepare(opts: Omit<RenderOptions, 'rounds' | 'candidates' | 'concurrency' | 'resume' | 'force'>) {
  assertFfmpegAvailable()
  checkModelNames(opts)
  const songPath = resolve(opts.song)
  await checkSong(songPath, opts.signal)
  const loaded = await loadBrief(resolve(opts.brief))
  const runDir = runDirAt(opts.outDir ?? defaultOutDir(songPath))
  const edited = opts.plan ? { file: resolve(opts.plan), plan: await loadEditedPlan(resolve(opts.plan), { basePlan: runDir.plan }) } : undefined
  const draft = opts.draft === true || loaded.output.draft === true
  const given = definedOnly(opts.output ?? {})
  const asked: Brief = { ...loaded, output: draft ? draftOutput(loaded.output, given) : { ...loaded.output, ...given } }
  if (opts.output?.fps !== undefined) {
    // 29.97 from a caller is the NTSC rate, held exactly; 25.5 is no rate a render can be made at.
    const rate = renderRate(opts.output.fps)
    if (rate === undefined) throw new InputError(`output.fps ${opts.output.fps}: a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94`, { code: 'OUTPUT_FPS' })
    asked.output.fps = rate
  }
  const brief = edited ? withShotGenerators(asked, edited.plan) : asked
  if (brief.output.width % 2 || brief.output.height % 2) throw new InputError(`output size must be even, got ${brief.output.width}x${brief.output.height}`)
  const store = openStore(opts.storeDir ? resolve(opts.storeDir) : runDir.store)
  const thresholds = VerifierThresholds.parse({ ...brief.verifier, ...definedOnly(opts.thresholds ?? {}) })
  const analysisOptions = { modelsDir: opts.modelsDir, separationModel: opts.separationModel, beatTracker: opts.beatTracker }
  const separation = await separationModelIdentity({ modelsDir: opts.modelsDir, name: opts.separationModel })
  const songSha = await sha256File(songPath, opts.signal)
  const llmConfig = opts.llm === undefined ? llmConfigFrom(config().llm) : opts.llm
  const llm: LlmSession | null = llmConfig ? openLlmSession(llmConfig) : null
  const generatorLog = createLogRelay()
  const chosen =
    opts.generator ??
    selectGenerator({
      brief,
      flags: { generator: opts.generatorName, onnxModel: opts.onnxModel, comfyuiUrl: opts.comfyuiUrl, comfyuiWorkflow: opts.comfyuiWorkflow },
      modelsDir: opts.modelsDir,
      store,
      onLog: (line) => generatorLog.log('info', line),
    })
  const generator = draft ? draftGenerator(chosen) : chosen
  const heuristicDirector = createHeuristicDirector()
  const heuristicPlanner = createHeuristicPlanner()
  return {
    draft,
    // A draft previews the plan of the brief's own output (not with a plan of the user's: that has its rate).
    ...(draft && !edited ? { previewOf: { ...loaded.output, draft: undefined } } : {}),
    songSha,
    analysisOptions,
    separation,
    runDir,
    songPath,
    brief,
    services: {
      llm,
      director: opts.director ?? (llm ? createLlmDirector(llm.client, heuristicDirector, { onLog: llm.log }) : heuristicDirector),
      planner: edited
        ? createEditedPlanner(edited.plan, { file: edited.file, strict: opts.strict ?? false, onLog: (level, line) => generatorLog.log(level, line) })
        : opts.planner ?? (llm ? createLlmPlanner(llm.client, heuristicPlanner, { onLog: llm.log }) : heuristicPlanner),
      verifier: opts.verifier ?? createHeuristicVerifier(),
      judge: opts.judge ?? (llm ? createLlmJudge(llm.client, { onLog: llm.log }) : createMetricJudge()),
      generator,
      modelsDir: opts.modelsDir,
    },
    generatorLog,
    thresholds,
    store,
  }
}

/**
 * The render's options as plain data, for `reshoot` to render the folder again the same way: no
 * generator, agent or signal objects, and never a language model's key (only whether one was used).
 */
function renderRequest(o: RenderOptions): Record<string, unknown> {
  return definedOnly({
    output: o.output,
    generatorName: o.generatorName,
    onnxModel: o.onnxModel,
    comfyuiUrl: o.comfyuiUrl,
    comfyuiWorkflow: o.comfyuiWorkflow,
    modelsDir: o.modelsDir,
    separationModel: o.separationModel,
    beatTracker: o.beatTracker,
    rounds: o.rounds,
    candidates: o.candidates,
    concurrency: o.concurrency,
    thresholds: o.thresholds,
    storeDir: o.storeDir,
    draft: o.draft,
    timeline: o.timeline,
    llm: o.llm === null ? 'none' : 'env',
  })
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

function filesOf(d: RunDir): RenderResult['files'] {
  return {
    final: d.final,
    analysis: d.analysis,
    treatment: d.treatment,
    plan: d.plan,
    scores: d.scores,
    storyboard: d.storyboard,
    report: d.report,
    score: d.score,
    scorePlot: d.scorePlot,
    log: d.log,
    timelineOtio: d.timelineOtio,
    timelineFcpxml: d.timelineFcpxml,
    timelineEdl: d.timelineEdl,
    timelineMlt: d.timelineMlt,
    segments: d.segments,
  }
}

// Re-exported so embedders can build on the same pieces.
export { createHeuristicDirector, createHeuristicPlanner, createHeuristicVerifier, createProceduralGenerator, createMetricJudge }
export { startWorker, redactRedisUrl, type QueueRenderOptions, type QueueWorker, type WorkerOptions as QueueWorkerOptions } from './queue/index.js'
