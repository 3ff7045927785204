/** What the commands' option parsers share: the usage error and the integer flags. */
import { LongavError } from '../errors.js'

/** A command line that cannot be run as given: an input error, printed with a pointer to --help. */
export class UsageError extends LongavError {
  constructor(message: string) {
    super(message, { kind: 'input', code: 'USAGE' })
    this.name = 'UsageError'
  }
}

/** `--name N` as an integer in [min, max], or undefined when not given. */
export function intFlag(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  // Decimal digits only: Number() would take '0x10', '1e1' and ' 12 '.
  const n = typeof v === 'string' && /^-?\d{1,9}$/.test(v) ? Number(v) : NaN
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got '${String(v)}'`)
  return n
}
