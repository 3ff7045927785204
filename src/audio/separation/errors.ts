export type SeparationModelErrorCode = 'NOT_FOUND' | 'BAD_CONFIG' | 'LOAD_FAILED' | 'IO_MISMATCH' | 'RUN_FAILED'

/** A separation model in models/separation/ that cannot be used; `code` says why without parsing text. */
export class SeparationModelError extends Error {
  constructor(
    readonly code: SeparationModelErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'SeparationModelError'
  }
}
