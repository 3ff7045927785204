/**
 * longav's one error model. Every error it throws is a `LongavError` with a `kind` (what the
 * user gave was wrong, or a step failed) and a stable `code`; the CLI maps the kind to its exit
 * code, the API rethrows the original class. Errors cross the workflow machine as plain records
 * (snapshots are JSON), and come back out as instances of the class they were thrown as.
 */

/** `input`: what the user gave (song, brief, flags, models, assets) is wrong: exit 2, nothing is lost. `failure`: a step failed: exit 1. */
export type ErrorKind = 'input' | 'failure'

export interface LongavErrorOptions {
  kind: ErrorKind
  /** Stable, upper-snake identifier (e.g. `BRIEF_INVALID`): callers branch on it, not on the text. */
  code: string
  cause?: unknown
}

export class LongavError extends Error {
  readonly kind: ErrorKind
  readonly code: string

  constructor(message: string, options: LongavErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LongavError'
    this.kind = options.kind
    this.code = options.code
  }
}

/** An error as the machine keeps it: JSON, so it survives a snapshot. */
export interface ErrorRecord {
  name: string
  kind: ErrorKind
  code: string
  message: string
  /** The class's own fields (a BriefError's `issues`, an ffmpeg failure's `stderrTail`, …). */
  details: Record<string, unknown>
}

/** Classes seen by `errorRecord` in this process, by name: what `restoreError` rebuilds. */
const seen = new Map<string, { prototype: Error }>()

const STANDARD = new Set(['name', 'message', 'stack', 'cause', 'kind', 'code'])

/** The record of any thrown value; a non-longav error is a `failure` with code `INTERNAL`. */
export function errorRecord(err: unknown): ErrorRecord {
  if (!(err instanceof Error)) return { name: 'Error', kind: 'failure', code: 'INTERNAL', message: String(err), details: {} }
  const details: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(err)) {
    if (STANDARD.has(k) || typeof v === 'function') continue
    // Only what JSON keeps: a snapshot is written to disk.
    try {
      details[k] = JSON.parse(JSON.stringify(v) ?? 'null')
    } catch {
      /* not serialisable: left out */
    }
  }
  if (err instanceof LongavError) {
    seen.set(err.name, err.constructor as { prototype: Error })
    return { name: err.name, kind: err.kind, code: err.code, message: err.message, details }
  }
  return { name: err.name, kind: 'failure', code: err.name === 'AbortError' ? 'ABORTED' : 'INTERNAL', message: err.message, details }
}

/**
 * An error of the recorded class (when that class was recorded in this process), with its
 * message and details; otherwise a `LongavError` of the recorded kind and code.
 */
export function restoreError(record: ErrorRecord): Error {
  const cls = seen.get(record.name)
  const err: Error = cls ? (Object.create(cls.prototype) as Error) : new LongavError(record.message, { kind: record.kind, code: record.code })
  Object.assign(err, record.details)
  Object.defineProperties(err, {
    name: { value: record.name, writable: true, configurable: true },
    message: { value: record.message, writable: true, configurable: true },
    kind: { value: record.kind, enumerable: true, configurable: true },
    code: { value: record.code, enumerable: true, configurable: true },
  })
  Error.captureStackTrace?.(err, restoreError)
  return err
}

/** Exit code of the CLI for an error: 2 for bad input, 130 for an interrupt, 1 otherwise. */
export function exitCodeOf(err: unknown): number {
  if ((err as Error)?.name === 'AbortError') return 130
  return err instanceof LongavError && err.kind === 'input' ? 2 : 1
}

/**
 * What the user gave is wrong and no narrower class says it better: a song or video that is
 * missing or unreadable, a plan that is not a plan, an output size that cannot be encoded, a
 * models folder that does not exist. `code` narrows it (default `INPUT_INVALID`).
 */
export class InputError extends LongavError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { kind: 'input', code: options.code ?? 'INPUT_INVALID', cause: options.cause })
    this.name = 'InputError'
  }
}

/** A render stopped because one of its steps failed (not because of what the user gave). */
export class RenderError extends LongavError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { kind: 'failure', code: options.code ?? 'RENDER_FAILED', cause: options.cause })
    this.name = 'RenderError'
  }
}

/** An environment variable longav reads holds a value it cannot use; `variable` names it. */
export class ConfigError extends LongavError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message, { kind: 'input', code: 'CONFIG_INVALID' })
    this.name = 'ConfigError'
  }
}
