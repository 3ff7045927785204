import { DEFAULT_OUTPUT } from '../schemas/brief.js'
import { renderRate } from '../time.js'
import { BriefIssue, describeValue } from './errors.js'
import { suggestionFor } from './suggest.js'

export interface OutputResult {
  /** Width/height/fps with defaults filled in; still to be range-checked by the schema. */
  value: Record<'width' | 'height' | 'fps', unknown> & { captions?: unknown }
  issues: BriefIssue[]
}

const OUTPUT_KEYS = ['width', 'height', 'fps', 'size', 'captions'] as const
/** `1920x1080`, `1920×1080`, optionally `@24`, `@24fps` or `@29.97`. */
const SIZE = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*(?:@\s*(\d+(?:\.\d+)?)\s*(?:fps)?)?\s*$/
const EXPECTED = 'a size like "1920x1080" (optionally "1920x1080@24") or a mapping { width, height, fps }'

/** Number strings ("30", "29.97") become numbers; anything else is left for the schema to reject with its range. */
function numberish(v: unknown): unknown {
  return typeof v === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : v
}

/** 29.97 (as people write it) becomes the exact NTSC rate; other values go to the schema as they are. */
function exactRate(v: unknown): unknown {
  return typeof v === 'number' ? (renderRate(v) ?? v) : v
}

function parseSize(s: string): { width: number; height: number; fps?: number } | undefined {
  const m = SIZE.exec(s)
  if (m === null) return undefined
  return { width: Number(m[1]), height: Number(m[2]), ...(m[3] !== undefined ? { fps: exactRate(Number(m[3])) as number } : {}) }
}

/** Output format from a size string or a partial mapping; missing parts come from DEFAULT_OUTPUT. */
export function normaliseOutput(raw: unknown): OutputResult {
  const value: OutputResult['value'] = { ...DEFAULT_OUTPUT }
  if (raw === undefined || raw === null) return { value, issues: [] }
  if (typeof raw === 'string') {
    const size = parseSize(raw)
    if (size === undefined) return { value, issues: [{ path: 'output', message: `expected ${EXPECTED} (got ${describeValue(raw)})` }] }
    return { value: { ...value, ...size }, issues: [] }
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { value, issues: [{ path: 'output', message: `expected ${EXPECTED} (got ${describeValue(raw)})` }] }
  }
  const rec = raw as Record<string, unknown>
  const issues: BriefIssue[] = []
  for (const key of Object.keys(rec)) {
    if (!(OUTPUT_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: `output.${key}`, message: `unknown key (${suggestionFor(key, OUTPUT_KEYS)})` })
    }
  }
  if (rec.size !== undefined && rec.size !== null) {
    const size = typeof rec.size === 'string' ? parseSize(rec.size) : undefined
    if (size === undefined) issues.push({ path: 'output.size', message: `expected a size like "1920x1080" (got ${describeValue(rec.size)})` })
    else Object.assign(value, size)
  }
  // `captions: false`: the lyrics still time the performance, but no text is drawn into the picture.
  if (rec.captions !== undefined && rec.captions !== null) value.captions = rec.captions
  for (const key of ['width', 'height', 'fps'] as const) {
    if (rec[key] !== undefined && rec[key] !== null) value[key] = key === 'fps' ? exactRate(numberish(rec[key])) : numberish(rec[key])
  }
  return { value, issues }
}
