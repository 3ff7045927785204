/**
 * Errors of the ComfyUI backend. Every one is a `ComfyError` with a `code`, so callers can react
 * without parsing text; the subclasses carry what a user needs to fix the problem.
 */
import { LongavError, type ErrorKind } from '../../../errors.js'

export type ComfyErrorCode =
  | 'BAD_URL'
  | 'UNREACHABLE'
  | 'HTTP'
  | 'BAD_RESPONSE'
  | 'MISSING_NODES'
  | 'MISSING_MODELS'
  | 'PROMPT_REJECTED'
  | 'EXECUTION_FAILED'
  | 'INTERRUPTED'
  | 'TIMEOUT'
  | 'NO_OUTPUT'
  | 'PROMPT_LOST'
  | 'TEMPLATE'

/** Codes the user fixes (the URL, the server's node packs and models, the template): kind `input`; the rest are failures. */
const INPUT_CODES: ReadonlySet<ComfyErrorCode> = new Set(['BAD_URL', 'MISSING_NODES', 'MISSING_MODELS', 'TEMPLATE'])

/** The kind of a ComfyUI error code. */
export function comfyErrorKind(code: ComfyErrorCode): ErrorKind {
  return INPUT_CODES.has(code) ? 'input' : 'failure'
}

export class ComfyError extends LongavError {
  declare readonly code: ComfyErrorCode

  constructor(code: ComfyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { kind: comfyErrorKind(code), code, cause: options?.cause })
    this.name = 'ComfyError'
  }
}

/** The server at the URL could not be reached (refused, reset, DNS, timeout before any answer). */
export class ComfyConnectionError extends ComfyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNREACHABLE', message, options)
    this.name = 'ComfyConnectionError'
  }
}

/** An HTTP status the client does not retry (4xx) or still got after its retries (5xx). */
export class ComfyHttpError extends ComfyError {
  constructor(
    message: string,
    readonly status: number,
    readonly endpoint: string,
    readonly bodyExcerpt: string,
  ) {
    super('HTTP', message)
    this.name = 'ComfyHttpError'
  }
}

/** A response that is not what ComfyUI sends (not JSON, or JSON of the wrong shape). */
export class ComfyProtocolError extends ComfyError {
  constructor(
    message: string,
    readonly endpoint: string,
  ) {
    super('BAD_RESPONSE', message)
    this.name = 'ComfyProtocolError'
  }
}

/** The server lacks node classes the workflow uses (a custom node pack is not installed, or ComfyUI is too old for core ones). */
export class ComfyMissingNodeError extends ComfyError {
  constructor(
    message: string,
    readonly missing: string[],
    readonly workflow: string,
    /** The missing classes that ship with ComfyUI itself (the server needs updating). */
    readonly core: string[] = [],
  ) {
    super('MISSING_NODES', message)
    this.name = 'ComfyMissingNodeError'
  }
}

export interface MissingModel {
  nodeId: string
  classType: string
  input: string
  value: string
  /** What the server offers for that input (first few). */
  available: string[]
}

/** The workflow names model files (checkpoints, VAEs…) the server does not have. */
export class ComfyMissingModelError extends ComfyError {
  constructor(
    message: string,
    readonly missing: MissingModel[],
    readonly workflow: string,
  ) {
    super('MISSING_MODELS', message)
    this.name = 'ComfyMissingModelError'
  }
}

export interface NodeErrorSummary {
  nodeId: string
  classType: string
  messages: string[]
}

/** POST /prompt answered 400: the server validated the workflow and refused it. */
export class ComfyPromptError extends ComfyError {
  constructor(
    message: string,
    /** ComfyUI's `error.type`: invalid_prompt, missing_node_type, prompt_outputs_failed_validation, … */
    readonly errorType: string,
    readonly nodeErrors: NodeErrorSummary[],
    /** Node classes the server said it does not have, when that was the reason. */
    readonly missingNodes: string[],
  ) {
    super('PROMPT_REJECTED', message)
    this.name = 'ComfyPromptError'
  }
}

/** A node raised while the prompt ran (the websocket's execution_error, or the history's). */
export class ComfyExecutionError extends ComfyError {
  constructor(
    message: string,
    readonly nodeId: string,
    readonly nodeType: string,
    readonly exceptionType: string,
    readonly exceptionMessage: string,
  ) {
    super('EXECUTION_FAILED', message)
    this.name = 'ComfyExecutionError'
  }
}

/** The prompt was interrupted by someone else (not by our own cancellation). */
export class ComfyInterruptedError extends ComfyError {
  constructor(message: string) {
    super('INTERRUPTED', message)
    this.name = 'ComfyInterruptedError'
  }
}

/** The server forgot the prompt (a restart empties its queue and history) more often than the client resubmits. */
export class ComfyPromptLostError extends ComfyError {
  constructor(message: string) {
    super('PROMPT_LOST', message)
    this.name = 'ComfyPromptLostError'
  }
}

/** A request or the whole shot took longer than its limit; the prompt was interrupted. */
export class ComfyTimeoutError extends ComfyError {
  constructor(
    message: string,
    readonly limitMs: number,
  ) {
    super('TIMEOUT', message)
    this.name = 'ComfyTimeoutError'
  }
}

/** A workflow template or its meta file is wrong, or a placeholder cannot be filled. */
export class ComfyTemplateError extends ComfyError {
  constructor(message: string) {
    super('TEMPLATE', message)
    this.name = 'ComfyTemplateError'
  }
}
