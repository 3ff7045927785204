import { LongavError } from '../../../errors.js'

/**
 * A problem with the user's footage that the user can fix: a listed file that is missing, that
 * ffmpeg cannot read, or that holds no picture. `asset` is the file's path. Kind `input`, code `FOOTAGE_INVALID`.
 */
export class FootageError extends LongavError {
  constructor(
    message: string,
    readonly asset: string,
  ) {
    super(message, { kind: 'input', code: 'FOOTAGE_INVALID' })
    this.name = 'FootageError'
  }
}
