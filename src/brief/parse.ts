import path from 'node:path'
import { isScalar, parseDocument } from 'yaml'
import { Brief, BriefCharacter, BriefLocation, CaptionStyle } from '../schemas/brief.js'
import { normaliseAssets } from './assets.js'
import { BriefError, BriefIssue, describeValue } from './errors.js'
import { splitFrontMatter } from './frontMatter.js'
import { LyricsLineMap, normaliseLyrics } from './lyrics.js'
import { normaliseOutput } from './output.js'
import { closest, suggestionFor } from './suggest.js'
import { readableIssues } from './zodIssues.js'

export interface ParseBriefOptions {
  /** Folder asset paths are relative to; made absolute in the result. */
  baseDir: string
  /** Name used at the start of every error line; defaults to "brief.md". */
  sourceName?: string
}

/** Front-matter keys a brief may have; `notes` and `baseDir` come from the body and the file's place. */
export const BRIEF_KEYS = ['title', 'artist', 'concept', 'style', 'characters', 'locations', 'lyrics', 'assets', 'output', 'captionStyle', 'verifier', 'generator', 'onnx', 'comfyui', 'shots'] as const
const CHARACTER_KEYS = Object.keys(BriefCharacter.shape)
const LOCATION_KEYS = Object.keys(BriefLocation.shape)
const CAPTION_STYLE_KEYS = Object.keys(CaptionStyle.shape)

type Rec = Record<string, unknown>

function isRecord(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Numbers are fine as names and titles ("1999"); YAML would otherwise hand them over as numbers. */
function textish(v: unknown): unknown {
  return typeof v === 'number' ? String(v) : v
}

/** Characters that draw nothing: a name with one pasted in is still the same name. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060\ufeff]/g

/**
 * The canonical spelling of a name: NFKC (full-width "Ｍａｒａ" is "Mara"), no invisible
 * characters, single spaces. Names are stored so, so every later step sees one spelling.
 */
export function canonicalName(v: unknown): unknown {
  if (typeof v !== 'string') return v
  return v.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
}

/** A single value where a list is expected ("sections: chorus") is unambiguous: wrap it. */
function listish(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' ? [v] : v
}

function unknownKeyIssues(rec: Rec, known: readonly string[], at: string): BriefIssue[] {
  return Object.keys(rec)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const where = at === '' ? k : `${at}.${k}`
      if (at === '' && k === 'notes') {
        return { path: where, message: 'unknown key: write creative notes in the Markdown body after the closing --- instead' }
      }
      return { path: where, message: `unknown key (${suggestionFor(k, known)})` }
    })
}

/** Characters or locations: per-item key checks and light coercions; the schema checks the rest. */
function normaliseEntities(raw: unknown, kind: 'characters' | 'locations', issues: BriefIssue[]): unknown {
  if (!Array.isArray(raw)) return raw ?? []
  const known = kind === 'characters' ? CHARACTER_KEYS : LOCATION_KEYS
  return raw.map((item, i) => {
    if (!isRecord(item)) return item
    issues.push(...unknownKeyIssues(item, known, `${kind}[${i}]`))
    const out: Rec = { ...item, name: canonicalName(textish(item.name)) }
    for (const key of ['sections', 'locations'] as const) {
      if (key in out && known.includes(key)) out[key] = out[key] === null ? undefined : listish(out[key])
    }
    if (Array.isArray(out.locations)) out.locations = out.locations.map(canonicalName)
    return out
  })
}

/** Unknown keys are reported with a suggestion (not as zod's bare "unrecognized key") and left out. */
function normaliseCaptionStyle(raw: unknown, issues: BriefIssue[]): unknown {
  if (!isRecord(raw)) return raw ?? undefined
  issues.push(...unknownKeyIssues(raw, CAPTION_STYLE_KEYS, 'captionStyle'))
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => CAPTION_STYLE_KEYS.includes(k) && v !== null))
}

const keyOf = (name: string): string => String(canonicalName(name)).toLowerCase()

/** Names must be unique per list: later steps refer to entities by name. */
function duplicateNameIssues(items: unknown, kind: 'characters' | 'locations'): BriefIssue[] {
  if (!Array.isArray(items)) return []
  const firstAt = new Map<string, number>()
  const issues: BriefIssue[] = []
  items.forEach((item, i) => {
    if (!isRecord(item) || typeof item.name !== 'string' || item.name.trim() === '') return
    const prior = firstAt.get(keyOf(item.name))
    if (prior === undefined) firstAt.set(keyOf(item.name), i)
    else issues.push({ path: `${kind}[${i}].name`, message: `duplicate name ${describeValue(item.name)}: ${kind}[${prior}] already has it; names must be unique` })
  })
  return issues
}

/**
 * Each character's `locations` must name locations of this brief. Matching ignores case and
 * surrounding spaces; matches are rewritten to the location's own spelling.
 */
function resolveCharacterLocations(characters: unknown, locations: unknown): BriefIssue[] {
  if (!Array.isArray(characters)) return []
  const names = Array.isArray(locations)
    ? locations.flatMap((l) => (isRecord(l) && typeof l.name === 'string' ? [l.name] : []))
    : []
  const byKey = new Map(names.map((n) => [keyOf(n), n]))
  const issues: BriefIssue[] = []
  characters.forEach((c, i) => {
    if (!isRecord(c) || !Array.isArray(c.locations)) return
    c.locations = c.locations.map((ref: unknown, j: number) => {
      if (typeof ref !== 'string' || ref.trim() === '') return ref
      const hit = byKey.get(keyOf(ref))
      if (hit !== undefined) return hit
      const near = closest(ref, names)
      const hint =
        names.length === 0 ? 'the brief has no locations' : near !== undefined ? `did you mean "${near}"?` : `locations are: ${names.join(', ')}`
      issues.push({ path: `characters[${i}].locations[${j}]`, message: `${describeValue(ref)} is not a location in this brief (${hint})` })
      return ref
    })
  })
  return issues
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++
  return line
}

/** YAML error text without yaml's own "at line …" tail and context lines (we report brief.md lines). */
function yamlReason(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
}

/**
 * Parses brief.md text into a validated Brief. Pure: touches no files (see `loadBrief` for the
 * asset-file checks). Throws BriefError listing every problem found.
 */
export function parseBrief(text: string, opts: ParseBriefOptions): Brief {
  const source = opts.sourceName ?? 'brief.md'
  const baseDir = path.resolve(opts.baseDir)
  const split = splitFrontMatter(text)
  if ('message' in split) throw new BriefError(source, [split])

  const doc = parseDocument(split.yaml, { prettyErrors: true })
  if (doc.errors.length > 0) {
    // Only the first: later YAML errors are usually knock-on effects of it.
    const issues = doc.errors.slice(0, 1).map((e): BriefIssue => {
      const line = e.linePos?.[0].line
      const where = line === undefined ? '' : ` on line ${split.yamlFirstLine + line - 1}`
      return { path: '', message: `has a YAML syntax error${where}: ${yamlReason(e.message)}` }
    })
    throw new BriefError(source, issues)
  }
  let raw: unknown
  try {
    raw = doc.toJS()
  } catch (e) {
    throw new BriefError(source, [{ path: '', message: `has front matter YAML that cannot be read: ${(e as Error).message}` }])
  }
  raw ??= {}
  if (!isRecord(raw)) {
    throw new BriefError(source, [
      { path: '', message: `has front matter that is not a mapping: expected keys like 'title: ...' on their own lines (got ${describeValue(raw)})` },
    ])
  }

  const issues: BriefIssue[] = unknownKeyIssues(raw, BRIEF_KEYS, '')

  const lyricsNode = doc.get('lyrics', true)
  const lyricsLine: LyricsLineMap | undefined =
    isScalar(lyricsNode) && lyricsNode.type === 'BLOCK_LITERAL' && lyricsNode.range
      ? (n) => split.yamlFirstLine + lineAt(split.yaml, lyricsNode.range![0]) - 1 + n
      : undefined
  const lyrics = normaliseLyrics(raw.lyrics, lyricsLine)
  const assets = normaliseAssets(raw.assets, baseDir)
  const output = normaliseOutput(raw.output)
  issues.push(...lyrics.issues, ...assets.issues, ...output.issues)

  const characters = normaliseEntities(raw.characters, 'characters', issues)
  const locations = normaliseEntities(raw.locations, 'locations', issues)
  const crossIssues = [
    ...duplicateNameIssues(characters, 'characters'),
    ...duplicateNameIssues(locations, 'locations'),
    ...resolveCharacterLocations(characters, locations),
  ]

  const candidate = {
    title: textish(raw.title),
    artist: textish(raw.artist) ?? undefined,
    concept: raw.concept,
    style: raw.style ?? undefined,
    characters,
    locations,
    lyrics: lyrics.lines,
    assets: assets.value,
    output: output.value,
    captionStyle: normaliseCaptionStyle(raw.captionStyle, issues),
    verifier: raw.verifier ?? undefined,
    generator: raw.generator ?? undefined,
    onnx: raw.onnx ?? undefined,
    comfyui: raw.comfyui ?? undefined,
    shots: Array.isArray(raw.shots) ? raw.shots.map((o: unknown) => (isRecord(o) && o.sections !== undefined ? { ...o, sections: listish(o.sections) } : o)) : (raw.shots ?? undefined),
    notes: split.body.trim(),
    baseDir,
  }
  const result = Brief.safeParse(candidate)
  if (!result.success) issues.push(...readableIssues(result.error.issues, candidate))
  issues.push(...crossIssues)
  if (issues.length > 0) throw new BriefError(source, issues)
  return result.data!
}
