import { LongavError } from '../../errors.js'

export type BeatModelErrorCode = 'NOT_FOUND' | 'BAD_CONFIG' | 'LOAD_FAILED' | 'IO_MISMATCH' | 'RUN_FAILED'

/**
 * The learned beat model (models/beat/beat.onnx + beat.json) cannot be used; `code` says why
 * without parsing text. The analysis catches it and falls back to the DSP tracker. A model the
 * caller named (`modelPath`) is the caller's input (kind `input`); the shipped one missing or
 * broken is an install failure (kind `failure`).
 */
export class BeatModelError extends LongavError {
  declare readonly code: BeatModelErrorCode

  constructor(
    code: BeatModelErrorCode,
    message: string,
    readonly modelPath: string,
    callerGiven = false,
  ) {
    super(message, { kind: callerGiven && code !== 'RUN_FAILED' ? 'input' : 'failure', code })
    this.name = 'BeatModelError'
  }
}
