import { existsSync, mkdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createActor, type Snapshot } from 'xstate'
import { InputError, RenderError, restoreError, type ErrorRecord } from '../../errors.js'
import { hashValue, writeJsonAtomic } from '../../util/files.js'
import type { RenderEvent, Stage } from '../events.js'
import type { LogRelay } from '../logRelay.js'
import type { RenderContext, RenderMachineInput } from '../machines/renderMachine.js'
import { generationProgress } from '../progress.js'
import { referenceLagFor } from '../readiness.js'
import { asWriteError, guardOutputFolder, lockOutputFolder, outputsOf, readRunRecord, type RunInfo } from '../outputFolder/index.js'
import type { RenderSummary } from '../summary.js'
import { provideRender, type RenderSetup } from './provide.js'
import { loadSnapshot, makeSnapshotSaver, openRunLog } from './runState.js'

export interface RunRenderOptions extends RenderSetup {
  /** VISTA's bounds: rounds per shot and candidates per round. */
  maxRounds: number
  candidates: number
  concurrency: number
  /** Stop once the plan is made (the `plan` API). */
  stopAfter?: 'planning'
  /** Continue a previous render of the same inputs in this directory (default true). */
  resume: boolean
  /** Replace a finished render of different inputs in this directory. */
  force: boolean
  /** The plan is the user's (`--plan`): a finished render of the same song, brief and settings in this folder is the one being edited, and is replaced. */
  editedPlan?: boolean
  /** Kept in the run record for `reshoot`: the brief's path and the render's plain options. */
  record?: { brief: string; request: Record<string, unknown> }
  /** Where the generators' log lines wait for the render's events. */
  generatorLog?: LogRelay
  signal?: AbortSignal
  onEvent?: (event: RenderEvent) => void
}

/** The stage a machine state reports: the finishing states belong to stitching and scoring. */
const STAGE_OF: Record<string, Stage> = {
  analyzing: 'analyzing',
  directing: 'directing',
  planning: 'planning',
  generating: 'generating',
  stitching: 'stitching',
  storyboarding: 'stitching',
  scoring: 'scoring',
  reporting: 'scoring',
  remembering: 'scoring',
  done: 'done',
}

/**
 * Runs (or resumes) the render machine over a run directory. The snapshot is saved after every
 * transition; a rerun with the same inputs restores it, and steps already done are cache hits.
 */
export async function runRender(opts: RunRenderOptions): Promise<RenderSummary | undefined> {
  const { runDir } = opts
  // Everything but who planned: a render of an edited plan is the same project as the render it edits.
  const project = hashValue({
    songSha: opts.songSha,
    brief: { ...opts.brief, baseDir: undefined },
    generator: opts.services.generator.id,
    director: opts.services.director.id,
    verifier: opts.services.verifier.id,
    judge: opts.services.judge.id,
    thresholds: opts.thresholds,
    // The shot loop's shape: a snapshot of another shape must not be restored into this one.
    loop: 'vista-1',
    maxRounds: opts.maxRounds,
    candidates: opts.candidates,
    separation: opts.separation,
    // Takes chosen by another render (a batch base): only when given, so other renders' keys stay.
    ...(opts.takes ? { takes: opts.takes } : {}),
  })
  const inputs = hashValue({ project, planner: opts.services.planner.id })
  // A plan-only run keeps no snapshot and leaves the folder's run record alone: it is cheap to redo.
  const planOnly = opts.stopAfter === 'planning'
  const record = await readRunRecord(runDir)
  guardOutputFolder({
    command: planOnly ? 'plan' : 'render',
    runDir,
    inputs: [{ label: 'song', path: opts.songPath }],
    outputs: outputsOf(planOnly ? 'plan' : 'render', runDir),
    record,
    force: opts.force,
  })
  const previous = planOnly ? undefined : record
  const editing = opts.editedPlan === true && previous?.project === project
  // A finished draft (a preview) is replaced by a render of the same song without --force.
  const previewed = previous?.request?.draft === true && previous.song === opts.songPath
  if (previous && previous.inputs !== inputs && existsSync(runDir.final) && !opts.force && !editing && !previewed) {
    throw new InputError(
      `${runDir.root} already holds a finished render of other inputs (${previous.song}). ` +
        `Choose another --out, or pass --force to replace it.`,
      { code: 'OUTPUT_IN_USE' },
    )
  }
  const lock = lockOutputFolder(runDir)
  try {
    return await runLocked(opts, { inputs, project }, previous)
  } catch (err) {
    throw asWriteError(err, runDir.root)
  } finally {
    lock.release()
  }
}

/** The render itself, once the folder is checked and locked. */
async function runLocked(opts: RunRenderOptions, keys: { inputs: string; project: string }, previous: RunInfo | undefined): Promise<RenderSummary | undefined> {
  const { inputs, project } = keys
  const { runDir } = opts
  const planOnly = opts.stopAfter === 'planning'
  mkdirSync(runDir.state, { recursive: true })
  // A write that fails outside a step (the run log, the snapshot: a full disk) ends the render
  // through its error path; until the render runs, the first such error waits to be thrown.
  let writeError: unknown
  let onWriteError = (err: unknown) => {
    writeError ??= err
  }
  const log = openRunLog(runDir, (err) => onWriteError(err))
  const emit = (event: RenderEvent) => {
    log(event)
    opts.onEvent?.(event)
  }

  let snapshot: Snapshot<unknown> | undefined
  if (previous?.inputs === inputs && opts.resume) snapshot = await loadSnapshot(runDir)
  if (!planOnly) {
    if (!snapshot) await rm(runDir.snapshot, { force: true })
    await writeJsonAtomic(runDir.runInfo, { inputs, project, song: opts.songPath, ...opts.record, startedAt: new Date().toISOString() } satisfies RunInfo)
  }

  const persisted = snapshot as { value?: unknown; status?: string; context?: Partial<RenderContext> } | undefined
  if (persisted?.value === 'done' && persisted.context?.summary && existsSync(runDir.final)) {
    emit({ type: 'log', level: 'info', message: 'render already complete: nothing to do' })
    emit({ type: 'stage', stage: 'done' })
    return persisted.context.summary
  }
  // A finished or failed run starts again (its steps are store hits); so does a plan-only run asked to render.
  if (persisted?.value === 'failed' || persisted?.value === 'stopped' || persisted?.value === 'done') snapshot = undefined
  if (snapshot) emit({ type: 'log', level: 'info', message: `resuming from the saved state (${String(persisted?.value)})` })

  const logLine = (level: 'info' | 'warn', message: string) => emit({ type: 'log', level, message })
  opts.services.llm?.connect({ log: logLine, transcriptsDir: runDir.llm })
  opts.generatorLog?.connect(logLine)
  const progress = generationProgress(emit)
  const restoredShots = snapshot ? persisted?.context?.shots : undefined
  if (restoredShots?.length) {
    progress.start(restoredShots.map((s) => s.frames))
    // Report the shots the saved state already has, so a progress display starts from them.
    const kept = Object.values(persisted?.context?.results ?? {}).sort((a, b) => a.shotIndex - b.shotIndex)
    for (const r of kept) {
      emit({ type: 'shot', index: r.shotIndex, total: restoredShots.length, attempt: r.best.attempt, status: 'cached' })
      progress.shotFraction(r.shotIndex, 1)
    }
    if (kept.length) progress.shotDone(kept.length)
  }
  // A draft judges its shots on the film only when it keeps one take each (asked for more, it verifies them).
  const machine = provideRender({ ...opts, draft: opts.draft === true && opts.maxRounds <= 1 && opts.candidates <= 1 }, emit, progress)
  const input: RenderMachineInput = {
    songPath: opts.songPath,
    maxRounds: opts.maxRounds,
    candidates: opts.candidates,
    concurrency: opts.concurrency,
    referenceLag: referenceLagFor(opts.concurrency),
    stopAfter: opts.stopAfter,
  }
  const actor = snapshot ? createActor(machine, { snapshot: snapshot as never, input }) : createActor(machine, { input })
  let stage: Stage | undefined

  const saver = planOnly ? { save() {}, flush: () => Promise.resolve() } : makeSnapshotSaver(runDir, () => actor.getPersistedSnapshot(), (err) => onWriteError(err))
  return new Promise<RenderSummary | undefined>((resolve, reject) => {
    let settled = false
    onWriteError = (err) => {
      if (settled) return
      actor.stop()
      void saver.flush().finally(() => finish(() => reject(asWriteError(err, runDir.root))))
    }
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
    if (writeError !== undefined) return onWriteError(writeError)
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    actor.subscribe({
      next: (snap) => {
        // A stopped actor's snapshot would restore as stopped: keep the last live one instead.
        if (snap.status === 'stopped') return
        saver.save()
        const now = STAGE_OF[String(snap.value)]
        if (now && now !== stage) emit({ type: 'stage', stage: (stage = now) })
        if (snap.status !== 'done') return
        void saver.flush().then(() => {
          if (snap.value === 'done' && snap.context.summary) finish(() => resolve(snap.context.summary!))
          else if (snap.value === 'stopped') finish(() => resolve(undefined))
          else finish(() => reject(failure(snap.context.error)))
        })
      },
      error: (err) => finish(() => reject(err)),
    })
    actor.start()
  })
}

/** The error the failed step threw, of its own class (the machine kept it as a record). */
function failure(record: ErrorRecord | undefined): Error {
  return record ? restoreError(record) : new RenderError('render failed')
}

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason
  if (r instanceof Error) return r
  const e = new Error('render aborted')
  e.name = 'AbortError'
  return e
}
