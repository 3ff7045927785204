import { appendFileSync, existsSync, mkdirSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { createActor, type Snapshot } from 'xstate'
import { z } from 'zod'
import { hashValue, writeJsonAtomic, readJsonIfValid } from '../util/files.js'
import type { RenderEvent, Stage } from './events.js'
import { makeRenderMachine, type RenderSummary } from './renderMachine.js'
import { createRenderWork, type RenderSetup } from './renderWork.js'
import type { RunDir } from './runDir.js'
import { InputError } from './inputs.js'

export class RenderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RenderError'
  }
}

const RunInfo = z.object({ inputs: z.string(), song: z.string(), startedAt: z.string() })

export interface RunRenderOptions extends Omit<RenderSetup, 'emit'> {
  /** VISTA's bounds: rounds per shot and candidates per round. */
  maxRounds: number
  candidates: number
  concurrency: number
  /** Continue a previous render of the same inputs in this directory (default true). */
  resume: boolean
  /** Replace a finished render of different inputs in this directory. */
  force: boolean
  signal?: AbortSignal
  onEvent?: (event: RenderEvent) => void
}

/**
 * Runs (or resumes) the render machine over a run directory. The snapshot is saved after every
 * transition; a rerun with the same inputs restores it, and steps already done are cache hits.
 */
export async function runRender(opts: RunRenderOptions): Promise<RenderSummary> {
  const { runDir } = opts
  const inputs = hashValue({
    songSha: opts.songSha,
    brief: { ...opts.brief, baseDir: undefined },
    generator: opts.generator.id,
    director: opts.director.id,
    planner: opts.planner.id,
    verifier: opts.verifier.id,
    judge: opts.judge.id,
    thresholds: opts.thresholds,
    // The shot loop's shape: a snapshot of another shape must not be restored into this one.
    loop: 'vista-1',
    maxRounds: opts.maxRounds,
    candidates: opts.candidates,
    separation: opts.separation,
  })
  const previous = await readJsonIfValid(runDir.runInfo, RunInfo)
  if (previous && previous.inputs !== inputs && existsSync(runDir.final) && !opts.force) {
    throw new RenderError(
      `${runDir.root} already holds a finished render of other inputs (${previous.song}). ` +
        `Choose another --out, or pass --force to replace it.`,
    )
  }
  mkdirSync(runDir.state, { recursive: true })
  const log = openRunLog(runDir)
  const emit = (event: RenderEvent) => {
    log(event)
    opts.onEvent?.(event)
  }

  let snapshot: Snapshot<unknown> | undefined
  if (previous?.inputs === inputs && opts.resume) snapshot = await loadSnapshot(runDir)
  if (!snapshot) await rm(runDir.snapshot, { force: true })
  await writeJsonAtomic(runDir.runInfo, { inputs, song: opts.songPath, startedAt: new Date().toISOString() })

  const persisted = snapshot as { value?: unknown; status?: string; context?: { summary?: RenderSummary } } | undefined
  if (persisted?.value === 'done' && persisted.context?.summary && existsSync(runDir.final)) {
    emit({ type: 'log', level: 'info', message: 'render already complete: nothing to do' })
    emit({ type: 'stage', stage: 'done' })
    return persisted.context.summary
  }
  if (persisted?.value === 'failed') snapshot = undefined
  if (snapshot) emit({ type: 'log', level: 'info', message: `resuming from the saved state (${String(persisted?.value)})` })

  const work = createRenderWork({ ...opts, emit })
  if (snapshot && (persisted?.value === 'generating' || persisted?.value === 'stitching')) {
    await work.restore(opts.signal ?? new AbortController().signal)
    emit({ type: 'stage', stage: (persisted?.value as Stage) ?? 'generating' })
  }
  const machine = makeRenderMachine(work)
  const input = { maxRounds: opts.maxRounds, candidates: opts.candidates, concurrency: opts.concurrency }
  const actor = snapshot ? createActor(machine, { snapshot: snapshot as never, input }) : createActor(machine, { input })

  const saver = makeSnapshotSaver(runDir, () => actor.getPersistedSnapshot())
  return new Promise<RenderSummary>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => {
      actor.stop()
      void saver.flush().finally(() => finish(() => reject(abortReason(opts.signal!))))
    }
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    actor.subscribe({
      next: (snap) => {
        // A stopped actor's snapshot would restore as stopped: keep the last live one instead.
        if (snap.status === 'stopped') return
        saver.save()
        if (snap.status !== 'done') return
        void saver.flush().then(() => {
          if (snap.value === 'done' && snap.context.summary) finish(() => resolve(snap.context.summary!))
          else finish(() => reject(failureError(snap.context.errorName, snap.context.error)))
        })
      },
      error: (err) => finish(() => reject(err)),
    })
    actor.start()
  })
}

async function loadSnapshot(runDir: RunDir): Promise<Snapshot<unknown> | undefined> {
  try {
    return JSON.parse(await readFile(runDir.snapshot, 'utf8')) as Snapshot<unknown>
  } catch {
    return undefined
  }
}

/** Saves the latest snapshot after each transition; writes never overlap and bursts coalesce. */
function makeSnapshotSaver(runDir: RunDir, get: () => unknown) {
  let chain = Promise.resolve()
  let queued = false
  return {
    save() {
      if (queued) return
      queued = true
      chain = chain.then(async () => {
        queued = false
        await writeJsonAtomic(runDir.snapshot, get())
      })
    },
    flush: () => chain,
  }
}

function openRunLog(runDir: RunDir): (e: RenderEvent) => void {
  let lastStage: Stage | undefined
  return (e) => {
    let line: string | undefined
    if (e.type === 'log') line = `${e.level.toUpperCase()} ${e.message}`
    else if (e.type === 'stage' && e.stage !== lastStage) line = `STAGE ${(lastStage = e.stage)}`
    else if (e.type === 'shot' && e.status !== 'generating')
      line = `SHOT ${e.index + 1}/${e.total} attempt ${e.attempt} ${e.status}${e.score !== undefined ? ` score ${e.score.toFixed(3)}` : ''}${e.critique ? `: ${e.critique}` : ''}`
    if (line) appendFileSync(runDir.log, `${new Date().toISOString()} ${line}\n`)
  }
}

/** Errors about what the user gave (the song itself) stay input errors; the rest failed the render. */
const INPUT_ERRORS = new Set([
  'SilentSongError',
  'AudioAnalysisError',
  'AudioDecodeError',
  'SeparationModelError',
  'InputError',
  'BriefError',
  // What the user gave the generators: footage that does not decode, a model folder or a workflow that does not fit.
  'FootageError',
  'OnnxModelError',
  'GeneratorSetupError',
  'ComfyMissingNodeError',
  'ComfyMissingModelError',
  'ComfyTemplateError',
])

function failureError(name: string | undefined, message = 'render failed'): Error {
  return name && INPUT_ERRORS.has(name) ? new InputError(message) : new RenderError(message)
}

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason
  if (r instanceof Error) return r
  const e = new Error('render aborted')
  e.name = 'AbortError'
  return e
}
