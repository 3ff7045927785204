/**
 * Reads a variants file and expands it into concrete variants: one per format × length × data
 * row, with texts filled and every path checked. Everything wrong is reported at once, each
 * problem naming the variant and field; nothing is made before the file is valid.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { LongavError } from '../errors.js'
import { escapesFolder } from '../brief/assets.js'
import { pathToString } from '../brief/errors.js'
import { fillPlaceholders, parseCsv, parseJsonRows, rowSuffix, type Row } from './dataTable.js'
import { EndCardField, FormatField, LengthField, TextField, TextsSpec, VariantEntry, VariantsFile } from './variantsSchema.js'

export interface VariantIssue {
  /** `variants[2] (story-15).texts.hook.color`, or '' for the file as a whole. */
  where: string
  message: string
}

/** Everything wrong with a variants file (kind `input`: exit 2). */
export class VariantsError extends LongavError {
  readonly issues: VariantIssue[]
  constructor(source: string, issues: VariantIssue[]) {
    super(issues.map((i) => (i.where === '' ? `${source}: ${i.message}` : `${source}: ${i.where}: ${i.message}`)).join('\n'), { kind: 'input', code: 'VARIANTS_INVALID' })
    this.name = 'VariantsError'
    this.issues = issues
  }
}

/** A text with its data filled in. */
export interface VariantText {
  text: string
  color?: string
  background?: string
  fontPx?: number
}

/** One video to make. */
export interface VariantSpec {
  name: string
  /** The entry it came from (for messages). */
  entry: string
  format: FormatField
  length: LengthField
  texts: { hook?: VariantText; cta?: VariantText; endcard?: VariantText & { logo?: string }; captions: boolean }
  loudness: number | null
  row?: Row
}

const MAX_FILE_BYTES = 1e6

async function readLimited(file: string, what: string, issues: VariantIssue[], where: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file)
    if (!st.isFile()) return void issues.push({ where, message: `${what} ${file} is not a file` })
    if (st.size > MAX_FILE_BYTES) return void issues.push({ where, message: `${what} ${file} is ${(st.size / 1e6).toFixed(1)} MB: at most 1 MB` })
    return await fs.readFile(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    issues.push({ where, message: code === 'ENOENT' ? `${what} not found (looked for ${file})` : `${what} ${file} cannot be read: ${(e as Error).message}` })
  }
}

function zodIssues(error: z.ZodError, where: string): VariantIssue[] {
  return error.issues.map((i) => ({ where: [where, pathToString(i.path)].filter((s) => s !== '').join('.'), message: i.message }))
}

/** A path that must stay inside `dir`, symlinks resolved. */
async function insideFolder(dir: string, p: string, what: string): Promise<string> {
  if (escapesFolder(dir, p)) throw new Error(`${what} '${p}' is outside ${dir}: it must be relative to that folder and stay inside it`)
  const abs = path.resolve(dir, p)
  let real: string
  try {
    real = await fs.realpath(abs)
  } catch {
    throw new Error(`${what} '${p}' not found (looked for ${abs})`)
  }
  const realDir = await fs.realpath(dir)
  if (escapesFolder(realDir, path.relative(realDir, real))) throw new Error(`${what} '${p}' links outside ${dir}`)
  return real
}

function text(field: TextField | EndCardField | undefined, brand: TextsSpec['brand'], row: Row | undefined): VariantText | undefined {
  if (field === undefined) return undefined
  const obj = typeof field === 'string' ? { text: field } : field
  return {
    text: fillPlaceholders(obj.text, row),
    color: obj.color ?? brand?.color,
    background: obj.background ?? brand?.background,
    fontPx: obj.fontPx,
  }
}

/** A field that may hold one value or a list, as a list (`fallback` when absent). */
function listOf<T>(v: T | T[] | undefined, fallback: T): T[] {
  return v === undefined ? [fallback] : Array.isArray(v) ? v : [v]
}

/** `16:9` → `16x9`, `{width,height}` → `1280x720`, `{preset}` → its name: a file-name part. */
function formatSlug(f: FormatField): string {
  if (typeof f === 'string') return f.replace(/[^A-Za-z0-9]+/g, 'x')
  if ('preset' in f) return f.preset.replace(/[^A-Za-z0-9]+/g, 'x') + (f.width !== undefined ? `-${f.width}x${f.height}` : '')
  return `${f.width}x${f.height}`
}

function lengthSlug(l: LengthField): string {
  if (l === 'full') return 'full'
  if (typeof l === 'number') return `${l}s`
  return `${l.start}-${l.end}s`.replace(/\./g, '_')
}

/**
 * The variants of a file. `briefDir` is where logos must live; data tables are read relative to
 * the variants file and must stay inside its folder.
 */
export async function loadVariants(file: string, opts: { briefDir: string; defaultCaptions: boolean }): Promise<VariantSpec[]> {
  const abs = path.resolve(file)
  const issues: VariantIssue[] = []
  const source = await readLimited(abs, 'the variants file', issues, '')
  if (source === undefined) throw new VariantsError(file, issues)
  let raw: unknown
  try {
    raw = abs.endsWith('.json') ? JSON.parse(source) : parseYaml(source, { maxAliasCount: 100 })
  } catch (e) {
    throw new VariantsError(file, [{ where: '', message: `is not valid ${abs.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}` }])
  }
  const top = VariantsFile.safeParse(raw)
  if (!top.success) throw new VariantsError(file, zodIssues(top.error, ''))
  const defaults = top.data.defaults ?? {}
  const out: VariantSpec[] = []
  const names = new Map<string, string>()
  for (const [i, item] of top.data.variants.entries()) {
    const label = typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string' ? ` (${(item as { name: string }).name})` : ''
    const where = `variants[${i}]${label}`
    const merged =
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? { ...defaults, ...item, texts: { ...defaults.texts, ...(item as { texts?: object }).texts } }
        : item
    const parsed = VariantEntry.safeParse(merged)
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, where))
      continue
    }
    const v = parsed.data
    let rows: Array<Row | undefined> = [undefined]
    if (v.data !== undefined) {
      try {
        const dataPath = await insideFolder(path.dirname(abs), v.data, 'data table')
        const body = await readLimited(dataPath, 'data table', issues, `${where}.data`)
        if (body === undefined) continue
        rows = dataPath.toLowerCase().endsWith('.json') ? parseJsonRows(body) : parseCsv(body)
      } catch (e) {
        issues.push({ where: `${where}.data`, message: (e as Error).message })
        continue
      }
    }
    let logo: string | undefined
    const endcard = v.texts?.endcard
    if (endcard !== undefined && typeof endcard !== 'string' && 'logo' in endcard && endcard.logo !== undefined) {
      try {
        logo = await insideFolder(opts.briefDir, endcard.logo, 'logo')
        if (!/\.(png|jpe?g|webp)$/i.test(logo)) throw new Error(`logo '${endcard.logo}' must be a PNG, JPEG or WebP image`)
      } catch (e) {
        issues.push({ where: `${where}.texts.endcard.logo`, message: (e as Error).message })
        continue
      }
    }
    const formats = Array.isArray(v.format) ? v.format : [v.format]
    const lengths = listOf<LengthField>(v.length, 'full')
    const several = formats.length * lengths.length > 1
    for (const [r, row] of rows.entries()) {
      const filled: Partial<Record<'hook' | 'cta' | 'endcard', VariantText>> = {}
      let ok = true
      for (const k of ['hook', 'cta', 'endcard'] as const) {
        try {
          filled[k] = text(v.texts?.[k], v.texts?.brand, row)
        } catch (e) {
          issues.push({ where: `${where}.texts.${k}${row ? ` (data row ${r + 1})` : ''}`, message: (e as Error).message })
          ok = false
        }
      }
      if (!ok) continue
      const texts: VariantSpec['texts'] = {
        hook: filled.hook,
        cta: filled.cta,
        endcard: filled.endcard === undefined ? undefined : { ...filled.endcard, ...(logo ? { logo } : {}) },
        captions: v.texts?.captions ?? opts.defaultCaptions,
      }
      for (const format of formats) {
        for (const length of lengths) {
          const parts = [v.name, ...(several ? [formatSlug(format), lengthSlug(length)] : []), ...(row ? [rowSuffix(row, r)] : [])]
          const name = parts.join('-')
          const clash = names.get(name)
          if (clash !== undefined) issues.push({ where, message: `makes a variant named '${name}', as does ${clash}: names must be unique` })
          names.set(name, where)
          out.push({ name, entry: where, format, length, texts, loudness: v.loudness ?? null, ...(row ? { row } : {}) })
        }
      }
    }
  }
  if (issues.length > 0) throw new VariantsError(file, issues)
  return out
}
