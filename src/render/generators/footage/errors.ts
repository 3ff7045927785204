/**
 * A problem with the user's footage that the user can fix: a listed file that is missing, that
 * ffmpeg cannot read, or that holds no picture. `asset` is the file's path.
 */
export class FootageError extends Error {
  constructor(
    message: string,
    readonly asset: string,
  ) {
    super(message)
    this.name = 'FootageError'
  }
}
