import { LongavError } from '../../errors.js'

export type SeparationModelErrorCode = 'NOT_FOUND' | 'BAD_CONFIG' | 'LOAD_FAILED' | 'IO_MISMATCH' | 'RUN_FAILED'

/**
 * A separation model in models/separation/ that cannot be used; `code` says why without parsing
 * text. The user's model folder does not fit (kind `input`), except RUN_FAILED (a `failure`).
 */
export class SeparationModelError extends LongavError {
  declare readonly code: SeparationModelErrorCode

  constructor(code: SeparationModelErrorCode, message: string) {
    super(message, { kind: code === 'RUN_FAILED' ? 'failure' : 'input', code })
    this.name = 'SeparationModelError'
  }
}
