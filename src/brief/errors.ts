import { LongavError } from '../errors.js'

/** One problem in a brief: `path` names the field (`characters[1].description`), '' for the whole file. */
export interface BriefIssue {
  path: string
  message: string
}

/** Everything wrong with a brief at once, so the user fixes it in one pass (kind `input`, code `BRIEF_INVALID`). */
export class BriefError extends LongavError {
  readonly issues: BriefIssue[]
  readonly source: string

  constructor(source: string, issues: BriefIssue[]) {
    super(formatIssues(source, issues), { kind: 'input', code: 'BRIEF_INVALID' })
    this.name = 'BriefError'
    this.source = source
    this.issues = issues
  }
}

/**
 * One line per issue: `brief.md: output.fps: expected …` for a field,
 * `brief.md has no front matter: …` for the file as a whole.
 */
export function formatIssues(source: string, issues: BriefIssue[]): string {
  return issues
    .map((i) => (i.path === '' ? `${source} ${i.message}` : `${source}: ${i.path}: ${i.message}`))
    .join('\n')
}

/** Renders a field path as users write it: `characters[1].description`. */
export function pathToString(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

/** A short, quoted rendering of a value for "(got …)". */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing'
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`
  if (typeof value === 'object') return 'a mapping'
  return typeof value
}
