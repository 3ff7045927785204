import { LongavError, RenderError } from '../../errors.js'

/** System errors of writing files: the disk, not longav, is at fault. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'the file system became read-only',
  EIO: 'an input/output error on the device',
}

/**
 * A failed write as a `failure` the CLI prints in one line (exit 1), naming the folder. Errors
 * that cross the workflow machine lose their `code` but keep `errno` and the message's prefix.
 */
export function asWriteError(err: unknown, folder: string): unknown {
  const e = err as (NodeJS.ErrnoException & { stderrTail?: unknown }) | undefined
  // ffmpeg says it in its own words.
  const ffmpegFull = typeof e?.stderrTail === 'string' && /No space left on device/i.test(e.stderrTail)
  if (err instanceof LongavError && err.code !== 'INTERNAL' && !ffmpegFull) return err
  const code = ffmpegFull
    ? 'ENOSPC'
    : typeof e?.code === 'string' && e.code in WRITE_ERRORS
      ? e.code
      : /^(E[A-Z]+):/.exec(e?.message ?? '')?.[1]
  if (!code || !(code in WRITE_ERRORS)) return err
  const path = typeof e?.path === 'string' ? ` (writing ${e.path})` : ''
  return new RenderError(`could not write to ${folder}: ${WRITE_ERRORS[code]}${path}. Free some space or choose another --out, then run the same command again`, {
    code: 'OUTPUT_WRITE_FAILED',
    cause: err,
  })
}
