import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { availableParallelism, loadavg } from 'node:os'
import { analyze, batch, plan, render, reshoot, score, briefTemplate, setDrawHelper, InputError, RenderError, llmConfigFrom, LlmConfigError, LongavError, exitCodeOf, type VideoScore, type RenderSummary } from '../index.js'
import { config } from '../config.js'
import { checkModelNames } from '../pipeline/modelNames.js'
import { GENERATOR_NAMES, VerifierThresholds, type GeneratorName } from '../schemas/index.js'
import { formatDuration, makeProgressPrinter } from './progress.js'
import { batchSummaryLines, makeBatchPrinter } from './batchProgress.js'
import { renderRate } from '../time.js'
import { workerMain } from './worker.js'
import { intFlag, UsageError } from './flags.js'

const USAGE = () => `longav: turn a song and a brief into a finished, beat-synced music video

Usage:
  longav render <song> <brief.md> [options]   make the video
  longav batch <song> <brief.md> <variants.yaml> [options]
                                              ad variants: formats, cut-downs, texts → variants/
  longav plan <song> <brief.md> [options]     analyse, direct and plan only (writes plan.json)
  longav reshoot <out> --shot N [--shot M] [--seed S] [--prompt "…"] [--rounds R] [--take N=K]
                                              make shots of a finished render again, restitch
  longav analyze <song> [--out DIR] [--plot]  tempo, meter, sections → analysis.json (--plot: analysis.png)
  longav score <video> <song> [--out DIR] [--plan plan.json]
                                              score any video against a song → score.json, score.png
  longav init [brief.md]                      write a commented brief template
  longav worker --redis URL --store PATH      take shot jobs of queued renders (see worker --help)

Options:
  --out DIR          output folder (default ./longav-out/<song name>/)
  --size WxH         output size, overriding the brief (e.g. 1920x1080)
  --fps N            output frame rate, overriding the brief
  --draft            (render) a quick preview: 480 px on the long side (1280x720 → 480x270) at
                     12 fps unless --size/--fps say otherwise, one take per shot, x264
                     ultrafast, no timeline export; its shots are never reused by a final
                     render, which replaces it in the same --out without --force
  --timeline         (render --draft) export the timeline (OTIO, FCPXML, EDL, MLT) all the same
  --rounds N         rounds per shot: generate, verify, judge, revise (default 3; alias --attempts)
  --candidates K     takes generated per round and judged against each other
                     (default 2 with a language model, else 1)
  --threshold NAME=V a verifier threshold (repeatable), e.g. --threshold minPlaceIdentity=0.9;
                     names: ${Object.keys(VerifierThresholds.shape).join(', ')}
  --concurrency N    shots generated at once (default 2)
  --parallel N       batch: formats rendered at once, each in its own process (default 2 on
                     2+ cores; procedural only: other generators render one master)
  --resume           continue an earlier, interrupted run in --out (the default)
  --no-resume        start over instead of continuing an earlier run in --out
  --force            replace a finished render of other inputs in --out, files in --out that
                     longav did not make, or (plan, analyze, score) a finished render's files
  --generator NAME   what makes the pictures: procedural (default), footage (your clips and
                     stills from the brief's assets), onnx (a diffusion model in models/),
                     comfyui (a ComfyUI server); wins over the brief's generator and shots
  --onnx-model NAME  the diffusers ONNX export in models/NAME/ (onnx generator)
  --comfyui-url URL  the ComfyUI server, e.g. http://127.0.0.1:8188 (comfyui generator)
  --comfyui-workflow NAME
                     the workflow template in models/comfyui/ (default: chosen by what it can do)
  --models-dir DIR   where your ONNX models live (default: $LONGAV_MODELS_DIR, else models/)
  --separation-model NAME
                     separate the streams with models/separation/NAME (default: the one present)
  --beat-tracker T   dsp (default) or auto: beats, downbeats and meter from the learned model
                     (models/beat/, or <models>/beat/) decoded by the grid decoder
  --plan FILE        (render) render this plan.json (edited, or written by hand) instead of
                     planning: only shots that changed are generated again; a cut off the beat
                     grid moves to the nearest beat (with --strict: refused)
                     (score) the plan.json the video was made from: per-shot scores, identity
                     (against the reference keyframes in memory.json beside it, when there)
  --strict           (render --plan) refuse a cut off the beat grid instead of moving it
  --embedding-model NAME
                     compare identities with models/embedding/NAME (default: the one present)
  --llm-base-url URL an OpenAI-compatible endpoint for the director, planner and judge
                     (default $LONGAV_LLM_BASE_URL; OpenAI when only OPENAI_API_KEY is set)
  --llm-model ID     the model (default $LONGAV_LLM_MODEL; gpt-4o-mini on OpenAI)
  --llm-method M     structured output: json_schema, function_calling or json_mode
                     (default $LONGAV_LLM_METHOD; json_schema on OpenAI, else json_mode)
  --llm-budget N     stop asking the model after N tokens and use the heuristics
  --llm-timeout-ms N per request (default 60000)
  --llm-max-retries N, --llm-max-repairs N
                     retries of a failed request (0–3, default 3); times an invalid answer is
                     sent back with the errors before falling back (0–2, default 2)
  --no-llm           ignore any configured model: heuristics only
  --queue URL        (render, batch) coordinate: shots become jobs on this Redis (redis://HOST:PORT)
                     for 'longav worker's; needs --store
  --store PATH       where every step's output is kept (default <out>/.longav/store); with
                     --queue, the folder every worker mounts
  --verbose          log every shot
  -h, --help         this help
`

const OPTIONS = {
  out: { type: 'string' },
  size: { type: 'string' },
  fps: { type: 'string' },
  draft: { type: 'boolean' },
  timeline: { type: 'boolean' },
  attempts: { type: 'string' },
  rounds: { type: 'string' },
  candidates: { type: 'string' },
  'llm-base-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-method': { type: 'string' },
  'llm-budget': { type: 'string' },
  'llm-timeout-ms': { type: 'string' },
  'llm-max-retries': { type: 'string' },
  'llm-max-repairs': { type: 'string' },
  'no-llm': { type: 'boolean' },
  generator: { type: 'string' },
  'onnx-model': { type: 'string' },
  'comfyui-url': { type: 'string' },
  'comfyui-workflow': { type: 'string' },
  concurrency: { type: 'string' },
  parallel: { type: 'string' },
  resume: { type: 'boolean' },
  'no-resume': { type: 'boolean' },
  force: { type: 'boolean' },
  verbose: { type: 'boolean' },
  plot: { type: 'boolean' },
  'models-dir': { type: 'string' },
  'separation-model': { type: 'string' },
  plan: { type: 'string' },
  strict: { type: 'boolean' },
  'beat-tracker': { type: 'string' },
  shot: { type: 'string', multiple: true },
  take: { type: 'string', multiple: true },
  seed: { type: 'string' },
  prompt: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  'embedding-model': { type: 'string' },
  queue: { type: 'string' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

type OptionName = keyof typeof OPTIONS

const LLM_FLAGS = ['llm-base-url', 'llm-model', 'llm-method', 'llm-budget', 'llm-timeout-ms', 'llm-max-retries', 'llm-max-repairs', 'no-llm'] as const
const GENERATOR_FLAGS = ['generator', 'onnx-model', 'comfyui-url', 'comfyui-workflow'] as const
const MODEL_FLAGS = ['models-dir', 'separation-model', 'beat-tracker'] as const

/** The flags each command reads: any other is refused, not silently ignored (`render --plan x`). */
const COMMAND_FLAGS: Record<string, readonly OptionName[]> = {
  render: ['out', 'queue', 'store', 'size', 'fps', 'draft', 'timeline', 'plan', 'strict', 'rounds', 'attempts', 'candidates', 'threshold', 'concurrency', 'resume', 'no-resume', 'force', 'verbose', ...LLM_FLAGS, ...GENERATOR_FLAGS, ...MODEL_FLAGS],
  batch: ['out', 'queue', 'store', 'fps', 'rounds', 'attempts', 'candidates', 'threshold', 'concurrency', 'parallel', 'force', 'verbose', ...LLM_FLAGS, ...GENERATOR_FLAGS, ...MODEL_FLAGS],
  reshoot: ['shot', 'take', 'seed', 'prompt', 'rounds', 'verbose', 'models-dir'],
  plan: ['out', 'size', 'fps', 'force', 'verbose', ...LLM_FLAGS, ...GENERATOR_FLAGS, ...MODEL_FLAGS],
  analyze: ['out', 'plot', 'force', ...MODEL_FLAGS],
  score: ['out', 'plan', 'embedding-model', 'force', 'verbose', ...MODEL_FLAGS],
  init: ['force'],
}

/** A flag the command does not take: name it and the commands that do. */
function misplacedFlag(command: string, values: Record<string, unknown>): string | undefined {
  const allowed = COMMAND_FLAGS[command]
  if (!allowed) return undefined
  const flag = Object.keys(values).find((k) => k !== 'help' && values[k] !== undefined && !(allowed as readonly string[]).includes(k))
  if (flag === undefined) return undefined
  const takers = Object.keys(COMMAND_FLAGS).filter((c) => (COMMAND_FLAGS[c] as readonly string[]).includes(flag))
  return `'${command}' does not take --${flag}${takers.length ? ` (it is an option of ${takers.map((c) => `'${c}'`).join(', ')})` : ''}`
}

/**
 * `--fps -5` → `--fps=-5`: parseArgs reads a value that starts with '-' only after '=', and
 * otherwise prints an "ambiguous" error; a negative number is a value, checked by its range.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.push(...argv.slice(i))
      break
    }
    const name = a.startsWith('--') ? a.slice(2) : undefined
    const next = argv[i + 1]
    if (name !== undefined && name in OPTIONS && OPTIONS[name as OptionName].type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

/** Exit codes: 0 done, 1 the render failed, 2 bad input or usage, 130 interrupted. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'worker') return workerMain(argv.slice(1))
  let parsed
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      options: OPTIONS,
    })
  } catch (err) {
    process.stderr.write(`longav: ${(err as Error).message}\n\n${USAGE()}`)
    return 2
  }
  const { values, positionals } = parsed
  const [command, ...args] = positionals
  if (values.help || !command) {
    process.stdout.write(USAGE())
    return command || values.help ? 0 : 2
  }
  const misplaced = misplacedFlag(command, values)
  if (misplaced) {
    process.stderr.write(`longav: ${misplaced}\n(see longav --help)\n`)
    return 2
  }

  const controller = new AbortController()
  const onSigint = () => controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }))
  process.once('SIGINT', onSigint)
  process.once('SIGTERM', onSigint)
  try {
    switch (command) {
      case 'render':
        return await renderCommand(args, values, controller.signal)
      case 'batch':
        return await batchCommand(args, values, controller.signal)
      case 'plan':
        return await planCommand(args, values, controller.signal)
      case 'reshoot':
        return await reshootCommand(args, values, controller.signal)
      case 'analyze':
        return await analyzeCommand(args, values, controller.signal)
      case 'score':
        return await scoreCommand(args, values, controller.signal)
      case 'init':
        return initCommand(args, values)
      default:
        process.stderr.write(`longav: unknown command '${command}'\n\n${USAGE()}`)
        return 2
    }
  } catch (err) {
    return reportError(err)
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
  }
}

type Flags = Record<string, string | boolean | string[] | undefined>

/** `--threshold name=value` pairs, checked against the verifier's thresholds. */
function thresholdFlags(v: Flags[string]): Partial<VerifierThresholds> | undefined {
  if (v === undefined) return undefined
  const out: Record<string, number> = {}
  for (const pair of Array.isArray(v) ? v : [String(v)]) {
    const m = /^([A-Za-z]+)=([-+0-9.eE]+)$/.exec(pair)
    if (!m) throw new UsageError(`--threshold expects NAME=NUMBER like minPlaceIdentity=0.9, got '${pair}'`)
    if (!(m[1] in VerifierThresholds.shape)) throw new UsageError(`--threshold: unknown threshold '${m[1]}' (known: ${Object.keys(VerifierThresholds.shape).join(', ')})`)
    out[m[1]] = Number(m[2])
  }
  const checked = VerifierThresholds.partial().strict().safeParse(out)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw new UsageError(`--threshold ${issue.path.join('.')}: ${issue.message}`)
  }
  return out as Partial<VerifierThresholds>
}

async function renderCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [song, brief] = requirePositionals(args, ['song', 'brief.md'], 'render')
  const printer = makeProgressPrinter(process.stderr, { verbose: Boolean(flags.verbose) })
  // A draft's small encodes leave a core idle while node draws: a second drawing thread takes it,
  // only when the machine is otherwise quiet (on a busy one it costs CPU and gains no time).
  if (flags.draft && loadavg()[0] < availableParallelism() - 1) setDrawHelper(true)
  const result = await render({
    song,
    brief,
    ...modelFlags(flags),
    outDir: str(flags.out),
    output: outputFlags(flags),
    ...shotFlags(flags),
    plan: str(flags.plan),
    strict: Boolean(flags.strict),
    ...(flags.draft ? { draft: true } : {}),
    ...(flags.timeline ? { timeline: true } : {}),
    queue: str(flags.queue),
    storeDir: str(flags.store),
    resume: flags['no-resume'] ? false : true,
    force: Boolean(flags.force),
    signal,
    onEvent: printer.onEvent,
  })
  const wall = printer.done()
  process.stdout.write(`${result.files.final}\n`)
  process.stderr.write(
    `${formatDuration(result.durationSec)} of video, ${result.shots} shots, ${cutsLine(result)}, ` +
      (result.draft && result.attempts === result.shots
        ? `one take each, ${result.acceptedShots}/${result.shots} pass the verifier on the draft's film, made in ${formatDuration(wall)}\n`
        : `${result.acceptedShots}/${result.shots} shots passed the verifier in ${result.attempts} attempts, made in ${formatDuration(wall)}\n`),
  )
  const m = result.measured
  if (m) {
    process.stderr.write(
      `measured on the final video: AV-Align ${m.avAlign.toFixed(3)} (baseline ${m.avAlignBaseline.toFixed(3)}), ` +
        `beat alignment ${m.beatAlignment.toFixed(3)} (baseline ${m.beatAlignmentBaseline.toFixed(3)}), ` +
        `${m.cutsFound} cuts found, ${m.cutsOnBeat === null ? 'n/a' : Math.round(m.cutsOnBeat * 100) + '%'} on a beat; report: ${resolve(result.outDir, 'report.html')}\n`,
    )
  }
  if (!result.draft || flags.timeline) process.stderr.write(`the edit for your editor: ${result.files.timelineOtio} (also .fcpxml, .edl, .mlt; media in ${result.files.segments})\n`)
  if (result.draft) process.stderr.write(`a draft (preview): render again without --draft for the final video\n`)
  if (result.llm) process.stderr.write(llmUsageLines(result.llm).join('\n') + '\n')
  return 0
}

/** "31 cuts seen in the final video, 94% on longav's own beat grid; 2 dissolves and 3 continuous moves (…), 4 match cuts; shot variety …". */
function cutsLine(r: RenderSummary): string {
  const where = r.cutsMeasured ? 'seen in the final video' : 'planned'
  const onBeat = r.cutsOnBeat === null ? '' : `, ${Math.round(r.cutsOnBeat * 100)}% on longav's own beat grid`
  const t = r.transitions
  const v = r.variety
  return (
    `${r.cuts} cuts ${where}${onBeat}; ${t.dissolves} dissolves and ${t.continuous} continuous moves (transitions, not cuts), ${t.matchCuts} match cuts; ` +
    `shot variety ${v.minBitsPerMinute.toFixed(2)} bits per minute at least`
  )
}

async function batchCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [song, brief, variants] = requirePositionals(args, ['song', 'brief.md', 'variants.yaml'], 'batch')
  const printer = makeBatchPrinter(process.stderr, { verbose: Boolean(flags.verbose) })
  const result = await batch({
    song,
    brief,
    variants,
    ...modelFlags(flags),
    outDir: str(flags.out),
    queue: str(flags.queue),
    storeDir: str(flags.store),
    fps: fpsFlag(flags.fps),
    parallel: intFlag(flags.parallel, 'parallel', 1, 16),
    ...shotFlags(flags),
    force: Boolean(flags.force),
    signal,
    onEvent: printer.onEvent,
  })
  printer.done()
  for (const v of result.manifest.variants) if (v.file) process.stdout.write(`${resolve(result.outDir, v.file)}\n`)
  process.stderr.write(batchSummaryLines(result).join('\n') + '\n')
  return result.manifest.variants.some((v) => v.status === 'failed') ? 1 : 0
}

/** How shots are made: rounds, candidates, the model, the generator, thresholds, concurrency (render and batch). */
function shotFlags(flags: Flags) {
  return {
    rounds: intFlag(flags.rounds ?? flags.attempts, flags.rounds !== undefined ? 'rounds' : 'attempts', 1, 10),
    candidates: intFlag(flags.candidates, 'candidates', 1, 8),
    llm: llmFlags(flags),
    ...generatorFlags(flags),
    thresholds: thresholdFlags(flags.threshold),
    concurrency: intFlag(flags.concurrency, 'concurrency', 1, 16),
  }
}

/** --generator and its settings, checked here so a typo is a usage error. */
function generatorFlags(flags: Flags): { generatorName?: GeneratorName; onnxModel?: string; comfyuiUrl?: string; comfyuiWorkflow?: string } {
  const name = str(flags.generator)
  if (name !== undefined && !(GENERATOR_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--generator must be one of ${GENERATOR_NAMES.join(', ')}, got '${name}'`)
  }
  return {
    generatorName: name as GeneratorName | undefined,
    onnxModel: str(flags['onnx-model']),
    comfyuiUrl: str(flags['comfyui-url']),
    comfyuiWorkflow: str(flags['comfyui-workflow']),
  }
}

/** The model's share of the work: requests, tokens and cost per stage, and the fallbacks. */
export function llmUsageLines(u: NonNullable<RenderSummary['llm']>): string[] {
  const cost = (c: number | null) => (c === null ? 'cost unknown for this model' : `$${c.toFixed(c < 0.01 ? 4 : 2)}`)
  const tokens = (s: { promptTokens: number; completionTokens: number }) => `${s.promptTokens.toLocaleString('en-US')} in + ${s.completionTokens.toLocaleString('en-US')} out tokens`
  return [
    `model ${u.model}: ${u.requests} requests, ${tokens(u)}, ${cost(u.costUsd)}${u.fallbacks ? `; ${u.fallbacks} answer(s) fell back to the heuristics (see scores.json)` : ''}`,
    ...Object.entries(u.stages).map(([stage, s]) => `  ${stage.padEnd(9)} ${String(s.requests).padStart(4)} requests, ${tokens(s)}, ${cost(s.costUsd)}${s.fallbacks ? `, ${s.fallbacks} fallback(s)` : ''}`),
  ]
}

/** The model from --llm-* flags over the environment; null with --no-llm; undefined never (the CLI decides). */
function llmFlags(flags: Flags) {
  if (flags['no-llm']) return null
  try {
    return llmConfigFrom(config().llm, {
      llmBaseUrl: str(flags['llm-base-url']),
      llmModel: str(flags['llm-model']),
      llmMethod: str(flags['llm-method']),
      llmBudget: str(flags['llm-budget']),
      llmTimeoutMs: str(flags['llm-timeout-ms']),
      llmMaxRetries: str(flags['llm-max-retries']),
      llmMaxRepairs: str(flags['llm-max-repairs']),
    })
  } catch (err) {
    if (err instanceof LlmConfigError) throw new UsageError(err.message)
    throw err
  }
}

/** `--take 7=2`: shot 7 back to its take 2. */
function takeFlags(v: Flags[string]): Record<number, number> {
  const out: Record<number, number> = {}
  for (const t of Array.isArray(v) ? v : typeof v === 'string' ? [v] : []) {
    const m = /^(\d{1,6})=(\d{1,6})$/.exec(t)
    if (!m || Number(m[2]) < 1) throw new UsageError(`--take expects SHOT=TAKE (e.g. --take 7=2), got '${t}'`)
    out[Number(m[1])] = Number(m[2])
  }
  return out
}

async function reshootCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [outDir] = requirePositionals(args, ['out'], 'reshoot')
  const shots = (Array.isArray(flags.shot) ? flags.shot : typeof flags.shot === 'string' ? [flags.shot] : []).map((v) => intFlag(v, 'shot', 0, 100_000)!)
  const takes = takeFlags(flags.take)
  if (shots.length === 0 && Object.keys(takes).length === 0) throw new UsageError('reshoot: name the shots to make again (--shot N, repeatable) or the takes to pick back (--take N=K)')
  const printer = makeProgressPrinter(process.stderr, { verbose: Boolean(flags.verbose) })
  const r = await reshoot({
    outDir,
    shots,
    takes,
    seed: intFlag(flags.seed, 'seed', 0, 2 ** 31 - 1),
    prompt: str(flags.prompt),
    rounds: intFlag(flags.rounds, 'rounds', 1, 10),
    ...modelFlags(flags),
    signal,
    onEvent: printer.onEvent,
  })
  printer.done()
  process.stdout.write(`${r.files.final}\n`)
  process.stderr.write(`${r.takes.map((t) => `shot ${t.shot}: take ${t.take}`).join(', ')} (every take: ${resolve(outDir, 'takes.json')}; pick one back with --take N=K)\n`)
  return 0
}

async function planCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [song, brief] = requirePositionals(args, ['song', 'brief.md'], 'plan')
  const printer = makeProgressPrinter(process.stderr, { verbose: Boolean(flags.verbose) })
  const r = await plan({ song, brief, ...modelFlags(flags), llm: llmFlags(flags), ...generatorFlags(flags), outDir: str(flags.out), output: outputFlags(flags), force: Boolean(flags.force), signal, onEvent: printer.onEvent })
  printer.done()
  process.stdout.write(`${resolve(r.outDir, 'plan.json')}\n`)
  process.stderr.write(`${r.plan.shots.length} shots over ${formatDuration(r.plan.totalFrames / r.plan.fps)} at ${r.plan.fps} fps\n`)
  process.stderr.write(
    `edit it (prompt, camera, characterIds, locationId, seed, generator, startFrame/endFrame to move a cut, shots split or merged, "locked": true), then render it:\n` +
      `  longav render ${song} ${brief} --out ${r.outDir} --plan ${resolve(r.outDir, 'plan.json')}\n` +
      `(only the shots you changed are generated again; a cut off the beat moves to the nearest beat, --strict refuses it)\n`,
  )
  return 0
}

async function analyzeCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [song] = requirePositionals(args, ['song'], 'analyze')
  const outDir = str(flags.out) ?? '.'
  const plot = Boolean(flags.plot)
  const warnings: string[] = []
  const a = await analyze(song, {
    ...modelFlags(flags),
    outDir,
    plot,
    force: Boolean(flags.force),
    signal,
    onEvent: (e) => {
      if (e.type === 'log' && e.level !== 'info') warnings.push(e.message)
    },
  })
  const t = a.tempo
  const tempo =
    a.beats.length === 0
      ? 'no steady beat found'
      : `tempo ${t.bpm.toFixed(1)} BPM${t.varying ? ` (varying ${t.min.toFixed(1)}–${t.max.toFixed(1)})` : ''}, confidence ${t.confidence.toFixed(2)}`
  const beatless = a.beatless.map((s) => `${formatDuration(s.start)}–${formatDuration(s.end)}`).join(', ')
  const lines = [
    `${tempo}; meter ${a.meter}/4; ${a.beats.length} beats, ${a.downbeats.length} bars; ${formatDuration(a.source.durationSec)}`,
    ...(beatless ? [`no steady beat in ${beatless}`] : []),
    `streams: ${a.streams.method === 'onnx' ? `ONNX model ${a.streams.detail}` : `dsp (${a.streams.detail})`}`,
    `${a.sections.length} section${a.sections.length === 1 ? '' : 's'}:`,
    ...a.sections.map((s) => `  ${formatDuration(s.start).padStart(5)}–${formatDuration(s.end).padEnd(5)}  ${s.label.padEnd(8)} energy ${s.energy.toFixed(2)}`),
    ...warnings.map((w) => `warning: ${w}`),
  ]
  process.stderr.write(lines.join('\n') + '\n')
  process.stdout.write(`${resolve(outDir, 'analysis.json')}\n`)
  if (plot) process.stdout.write(`${resolve(outDir, 'analysis.png')}\n`)
  return 0
}

async function scoreCommand(args: string[], flags: Flags, signal: AbortSignal): Promise<number> {
  const [video, song] = requirePositionals(args, ['video', 'song'], 'score')
  const printer = makeProgressPrinter(process.stderr, { verbose: Boolean(flags.verbose) })
  const r = await score(video, song, {
    ...modelFlags(flags),
    outDir: str(flags.out),
    plan: str(flags.plan),
    embeddingModel: str(flags['embedding-model']),
    force: Boolean(flags.force),
    signal,
    onEvent: printer.onEvent,
  })
  printer.done()
  process.stderr.write(scoreLines(r.score).join('\n') + '\n')
  process.stdout.write(`${r.files.json}\n${r.files.png}\n`)
  return 0
}

/** The headline figures of a score, each beside what chance would give. */
export function scoreLines(s: VideoScore): string[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`)
  const f = (x: number) => x.toFixed(3)
  const lines = [
    `${formatDuration(s.video.durationSec)} at ${s.video.fps} fps, ${s.video.frames} frames; song ${formatDuration(s.song.durationSec)} at ${s.song.bpm.toFixed(1)} BPM`,
    `AV-Align ${f(s.avAlign.score)} (shifted-audio baseline ${f(s.avAlign.baseline)}; ${s.avAlign.audioPeaks} audio peaks, ${s.avAlign.videoPeaks} motion peaks)`,
    `beat alignment ${f(s.beatAlignment.score)} (baseline ${f(s.beatAlignment.baseline)})`,
    `${s.cuts.frames.length} cuts found, ${pct(s.cuts.onBeatShare)} on a beat (chance ${pct(s.cuts.onBeatChance)}); ${pct(s.cuts.sectionsWithCut)} of section boundaries get a cut`,
    `temporal consistency ${f(s.temporal.consistency)}, flicker ${f(s.temporal.flicker)} (${s.temporal.flickerFrames.length} frames)`,
    `frozen runs ${s.frozenRuns.length} (longest ${Math.max(0, ...s.frozenRuns.map((r) => r.frames))} frames), black runs ${s.blackRuns.length} (longest ${Math.max(0, ...s.blackRuns.map((r) => r.frames))} frames)`,
    `duration ${s.duration.exact ? 'exact' : `off by ${s.duration.diffSec.toFixed(3)} s`}; ` +
      (s.video.hasAudio ? (s.audioOffset ? `audio offset ${Math.round(s.audioOffset.seconds * 1000) || 0} ms (confidence ${s.audioOffset.confidence.toFixed(2)})` : 'its audio does not match the song') : 'no audio track'),
    ...s.identity.map((e) => `identity ${e.kind} ${e.id}: ${f(e.consistency)} over ${e.shots.length} shots (${e.method})`),
  ]
  return lines
}

function initCommand(args: string[], flags: Flags): number {
  const target = resolve(args[0] ?? 'brief.md')
  if (existsSync(target) && !flags.force) {
    process.stderr.write(`longav: ${target} already exists; not overwriting it (pass --force to replace it)\n`)
    return 2
  }
  writeFileSync(target, briefTemplate())
  process.stdout.write(`${target}\n`)
  return 0
}

function requirePositionals(args: string[], names: string[], command: string): string[] {
  if (args.length < names.length) throw new UsageError(`'${command}' needs ${names.map((n) => `<${n}>`).join(' ')}`)
  if (args.length > names.length) throw new UsageError(`'${command}' takes ${names.length} argument(s), got ${args.length}: ${args.join(' ')}`)
  return args
}

function outputFlags(flags: Flags): { width?: number; height?: number; fps?: number } {
  const out: { width?: number; height?: number; fps?: number } = {}
  const size = str(flags.size)
  if (size) {
    const m = /^(\d+)x(\d+)$/.exec(size)
    if (!m) throw new UsageError(`--size expects WIDTHxHEIGHT like 1280x720, got '${size}'`)
    out.width = Number(m[1])
    out.height = Number(m[2])
    if (out.width < 64 || out.height < 64 || out.width > 7680 || out.height > 4320) throw new UsageError(`--size ${size} is outside 64x64..7680x4320`)
  }
  const fps = fpsFlag(flags.fps)
  if (fps !== undefined) out.fps = fps
  return out
}

function modelFlags(flags: Flags): { modelsDir?: string; separationModel?: string; beatTracker?: 'auto' | 'dsp' } {
  checkModelFlags(flags)
  const tracker = str(flags['beat-tracker'])
  if (tracker !== undefined && tracker !== 'auto' && tracker !== 'dsp') throw new UsageError(`--beat-tracker expects auto or dsp, got '${tracker}'`)
  return { modelsDir: str(flags['models-dir']), separationModel: str(flags['separation-model']), ...(tracker ? { beatTracker: tracker } : {}) }
}

/** Every folder, model and template named on the command line must exist (`checkModelNames`). */
function checkModelFlags(flags: Flags): void {
  checkModelNames(
    {
      modelsDir: str(flags['models-dir']),
      separationModel: str(flags['separation-model']),
      embeddingModel: str(flags['embedding-model']),
      onnxModel: str(flags['onnx-model']),
      comfyuiWorkflow: str(flags['comfyui-workflow']),
    },
    (name) => `--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`,
  )
}

/** --fps 30, or an NTSC rate by its name (29.97) or as a fraction (30000/1001), held exactly. */
function fpsFlag(v: Flags[string]): number | undefined {
  if (v === undefined) return undefined
  const m = typeof v === 'string' ? /^(\d{1,6})(?:\.(\d{1,6})|\/(\d{1,6}))?$/.exec(v) : null
  const n = m === null ? NaN : m[3] !== undefined ? Number(m[1]) / Number(m[3]) : Number(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`)
  const rate = renderRate(n)
  if (rate === undefined) throw new UsageError(`--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 (also as 30000/1001), got '${String(v)}'`)
  return rate
}

function str(v: Flags[string]): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/**
 * Prints an error and returns the exit code (`exitCodeOf`): 2 for bad input (`longav: <message>`),
 * 130 for an interrupt, 1 for a failed step (`longav: <message>`) or, with its stack, for an error
 * that is not a LongavError (a defect in longav).
 */
function reportError(err: unknown): number {
  const code = exitCodeOf(err)
  if (code === 130) {
    process.stderr.write('\nlongav: stopped. Run the same command again to continue where it left off.\n')
    return 130
  }
  if (err instanceof LongavError) {
    process.stderr.write(`longav: ${err.message}\n${err instanceof UsageError ? '(see longav --help)\n' : ''}`)
    return code
  }
  const e = err as Error
  process.stderr.write(`longav: ${e?.stack ?? String(err)}\n`)
  return code
}

