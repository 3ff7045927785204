/**
 * Data tables for variants: CSV (RFC 4180: quoted fields, doubled quotes, CRLF) or JSON (a list of
 * flat objects) whose columns fill `{{placeholders}}` in a variant's texts. Pure.
 */
import { z } from 'zod'

export type Row = Record<string, string>

export const MAX_ROWS = 1000

/** Rows of a CSV text, keyed by its header row. Throws an Error with a line number on bad input. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  let line = 1
  const src = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`line ${line}: a quote inside an unquoted field (quote the whole field)`)
      quoted = true
    } else if (c === ',') record.push(field), (field = '')
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++
      record.push(field)
      if (record.length > 1 || record[0] !== '') records.push(record)
      ;(record = []), (field = ''), line++
    } else field += c
  }
  if (quoted) throw new Error(`line ${line}: a quoted field is never closed`)
  record.push(field)
  if (record.length > 1 || record[0] !== '') records.push(record)
  if (records.length < 2) throw new Error('needs a header row and at least one data row')
  const header = records[0].map((h) => h.trim())
  header.forEach((h, i) => {
    if (h === '') throw new Error(`column ${i + 1} of the header has no name`)
    if (header.indexOf(h) !== i) throw new Error(`column '${h}' appears twice in the header`)
  })
  if (records.length - 1 > MAX_ROWS) throw new Error(`has ${records.length - 1} rows: at most ${MAX_ROWS}`)
  return records.slice(1).map((r, k) => {
    if (r.length !== header.length) throw new Error(`data row ${k + 1} has ${r.length} fields, the header ${header.length}`)
    return Object.fromEntries(header.map((h, i) => [h, r[i].trim()]))
  })
}

const JsonRows = z
  .array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
  .min(1, 'at least one row')
  .max(MAX_ROWS, `at most ${MAX_ROWS} rows`)

/** Rows of a JSON text: a list of flat objects of strings, numbers or booleans. */
export function parseJsonRows(text: string): Row[] {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new Error(`is not valid JSON (${(e as Error).message})`)
  }
  const parsed = JsonRows.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? `row ${Number(issue.path[0]) + 1}${issue.path.length > 1 ? `, '${String(issue.path[1])}'` : ''}: ` : ''
    throw new Error(`${where}expected a list of flat objects of strings or numbers (${issue.message})`)
  }
  return parsed.data.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g

/** The placeholder names a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1])
}

/** Fills `{{name}}` from the row; a name the row lacks is an error naming it. */
export function fillPlaceholders(text: string, row: Row | undefined): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    if (row === undefined) throw new Error(`uses {{${name}}} but the variant has no data table`)
    if (!(name in row)) throw new Error(`uses {{${name}}}, which is not a column of the data table (columns: ${Object.keys(row).join(', ')})`)
    if (row[name] === '') throw new Error(`uses {{${name}}}, which is empty in this row`)
    return row[name]
  })
}

/** A row's part of a variant's name: its `name` or `id` column, else its 1-based number. */
export function rowSuffix(row: Row, index: number): string {
  const raw = row.name ?? row.id ?? String(index + 1)
  const safe = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 40)
  return safe === '' ? String(index + 1) : safe
}
