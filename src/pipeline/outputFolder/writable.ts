import { randomBytes } from 'node:crypto'
import { closeSync, openSync, rmSync, statSync, type Stats } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { InputError } from '../../errors.js'

/**
 * The output folder can be made and written: it is not a file, and a file can be created in it
 * (or, when it does not exist yet, in its nearest existing parent). Checked by writing, not with
 * access(W_OK): root passes every permission check, yet still cannot write on a read-only file
 * system or in /proc. Nothing is left behind.
 */
export function checkOutputFolder(root: string): void {
  const abs = resolve(root)
  const own = statOf(abs)
  if (own && !own.isDirectory()) throw new InputError(`output folder ${abs} is a file, not a folder: choose another --out`, { code: 'OUTPUT_NOT_A_FOLDER' })
  let existing = abs
  while (!statOf(existing)) {
    const parent = dirname(existing)
    if (parent === existing) break
    existing = parent
  }
  if (existing !== abs && !statOf(existing)?.isDirectory()) {
    throw new InputError(`output folder ${abs} cannot be made: ${existing} is a file`, { code: 'OUTPUT_NOT_A_FOLDER' })
  }
  const probe = join(existing, `.longav-probe-${process.pid}-${randomBytes(4).toString('hex')}`)
  try {
    closeSync(openSync(probe, 'wx'))
  } catch (err) {
    const where = existing === abs ? '' : ` (in ${existing}, where it would be made)`
    throw new InputError(`output folder ${abs} is not writable${where}: ${reasonOf(err)}; choose another --out`, { code: 'OUTPUT_NOT_WRITABLE', cause: err })
  }
  rmSync(probe, { force: true })
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/** A system error in words (ENOENT in a folder that exists means files cannot be made there, as in /proc). */
export function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  switch (code) {
    case 'EROFS':
      return 'read-only file system'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOSPC':
      return 'no space left on the device'
    case 'EDQUOT':
      return 'disk quota exceeded'
    case 'ENOENT':
      return 'files cannot be created there'
    default:
      return code ?? String((err as Error)?.message ?? err)
  }
}
