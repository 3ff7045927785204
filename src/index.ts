/**
 * longav's programmatic API: the same operations as the CLI, as typed async functions with
 * progress events and an AbortSignal. Nothing here prints.
 */
import { resolve } from 'node:path'
import { createHeuristicDirector, createHeuristicPlanner } from './agents/index.js'
import type { Director, Planner } from './agents/types.js'
import { createHeuristicVerifier, VerifierThresholds, type Verifier } from './agents/verifier/index.js'
import { analyzeSong } from './audio/analyze.js'
import { loadBrief } from './brief/index.js'
import { assertFfmpegAvailable } from './ffmpeg/index.js'
import { createProceduralGenerator } from './render/generators/procedural/index.js'
import type { SegmentGenerator } from './render/generators/types.js'
import type { Analysis, Brief, OutputFormat, ShotPlan, Treatment } from './schemas/index.js'
import { writeJsonAtomic } from './util/files.js'
import type { RenderEvent } from './workflow/events.js'
import { checkSong, InputError } from './workflow/inputs.js'
import type { RenderSummary } from './workflow/renderMachine.js'
import { createRenderWork } from './workflow/renderWork.js'
import { defaultOutDir, runDirAt, type RunDir } from './workflow/runDir.js'
import { runRender } from './workflow/runRender.js'
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { Analysis as AnalysisSchema, ShotPlan as ShotPlanSchema, Treatment as TreatmentSchema } from './schemas/index.js'

export type { Analysis, Brief, OutputFormat, ShotPlan, Treatment, Shot, Segment, IdentityCard } from './schemas/index.js'
export type { RenderEvent, Stage } from './workflow/events.js'
export type { RenderSummary } from './workflow/renderMachine.js'
export type { SegmentGenerator, SegmentRequest, GeneratorCapabilities } from './render/generators/types.js'
export type { Director, Planner } from './agents/types.js'
export type { Verifier } from './agents/verifier/index.js'
export { BriefError, briefTemplate } from './brief/index.js'
export { InputError } from './workflow/inputs.js'
export { RenderError } from './workflow/runRender.js'
export { AudioAnalysisError, SilentSongError } from './audio/errors.js'

export interface CommonOptions {
  signal?: AbortSignal
  onEvent?: (event: RenderEvent) => void
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
  generator?: SegmentGenerator
  director?: Director
  planner?: Planner
  verifier?: Verifier
  thresholds?: Partial<VerifierThresholds>
  /** Attempts per shot, including the first (default 3). */
  maxAttempts?: number
  /** Shots generated at once (default 2). */
  concurrency?: number
  /** Continue an earlier render of the same inputs in outDir (default true). */
  resume?: boolean
  /** Replace a finished render of different inputs in outDir (default false). */
  force?: boolean
}

export interface RenderResult extends RenderSummary {
  outDir: string
  files: { final: string; analysis: string; treatment: string; plan: string; scores: string; storyboard: string; log: string }
}

/** Renders a finished music video for a song and a brief. */
export async function render(opts: RenderOptions): Promise<RenderResult> {
  const prepared = await prepare(opts)
  const summary = await runRender({
    ...prepared,
    maxAttempts: opts.maxAttempts ?? 3,
    concurrency: Math.max(1, opts.concurrency ?? 2),
    resume: opts.resume ?? true,
    force: opts.force ?? false,
    signal: opts.signal,
    onEvent: opts.onEvent,
  })
  return { ...summary, outDir: prepared.runDir.root, files: filesOf(prepared.runDir) }
}

export interface PlanResult {
  outDir: string
  analysis: Analysis
  treatment: Treatment
  plan: ShotPlan
}

/** Analyses the song and writes the treatment and shot plan, without rendering. */
export async function plan(opts: Omit<RenderOptions, 'maxAttempts' | 'concurrency' | 'resume' | 'force' | 'verifier' | 'thresholds'>): Promise<PlanResult> {
  const prepared = await prepare(opts)
  mkdirSync(prepared.runDir.state, { recursive: true })
  const work = createRenderWork({ ...prepared, emit: (e) => opts.onEvent?.(e) })
  const signal = opts.signal ?? new AbortController().signal
  await work.analyze(signal)
  await work.direct(signal)
  await work.plan(signal)
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
}

/** Analyses a song: tempo, beats, downbeats, sections, feature curves. */
export async function analyze(song: string, opts: AnalyzeOptions = {}): Promise<Analysis> {
  assertFfmpegAvailable()
  await checkSong(song, opts.signal)
  opts.onEvent?.({ type: 'stage', stage: 'analyzing' })
  const analysis = await analyzeSong(song, {
    signal: opts.signal,
    onProgress: (fraction: number) => opts.onEvent?.({ type: 'progress', stage: 'analyzing', fraction }),
  })
  if (opts.outDir) await writeJsonAtomic(runDirAt(opts.outDir).analysis, analysis)
  return analysis
}

export { loadBrief }

/** Validates every input before anything is written. */
async function prepare(opts: Omit<RenderOptions, 'maxAttempts' | 'concurrency' | 'resume' | 'force'>) {
  assertFfmpegAvailable()
  const songPath = resolve(opts.song)
  await checkSong(songPath, opts.signal)
  const loaded = await loadBrief(resolve(opts.brief))
  const brief: Brief = { ...loaded, output: { ...loaded.output, ...definedOnly(opts.output ?? {}) } }
  if (brief.output.width % 2 || brief.output.height % 2) throw new InputError(`output size must be even, got ${brief.output.width}x${brief.output.height}`)
  const runDir = runDirAt(opts.outDir ?? defaultOutDir(songPath))
  const thresholds = VerifierThresholds.parse(opts.thresholds ?? {})
  return {
    runDir,
    songPath,
    brief,
    director: opts.director ?? createHeuristicDirector(),
    planner: opts.planner ?? createHeuristicPlanner(),
    verifier: opts.verifier ?? createHeuristicVerifier(),
    generator: opts.generator ?? createProceduralGenerator(),
    thresholds,
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

function filesOf(d: RunDir): RenderResult['files'] {
  return { final: d.final, analysis: d.analysis, treatment: d.treatment, plan: d.plan, scores: d.scores, storyboard: d.storyboard, log: d.log }
}

// Re-exported so embedders can build on the same pieces.
export { createHeuristicDirector, createHeuristicPlanner, createHeuristicVerifier, createProceduralGenerator }
