/**
 * Tag matching: which of the brief's assets show what a shot needs. Pure.
 *
 * Tags are free strings, compared case- and punctuation-insensitively ("Neon_City" = "neon city"
 * = the id "neon-city"). Forms:
 * - `place:<x>` (or `location:<x>`): the shot's location id or name. A constraint: an asset with
 *   place tags never appears in a shot at another place.
 * - `character:<x>`: a character id or name. A constraint: an asset with character tags needs at
 *   least one of them in the shot.
 * - `mood:<x>`: every word of x is a word of the section's mood (or its label).
 * - a bare tag: matched against the location, then the characters, the mood, the prompt's words.
 * - `*`, `any`, or no tags at all: generic footage, usable for any shot at the lowest score.
 */
import type { SegmentRequest } from '../types.js'

/** What a shot offers to match against. */
export interface ShotKeys {
  location: { id: string; name: string }
  characters: Array<{ id: string; name: string }>
  /** Words of the section's mood and its label. */
  moodWords: string[]
  /** Words of the shot's prompt. */
  promptWords: string[]
}

export interface TagMatch {
  /** 0 when nothing matches (or a constraint excludes the asset). */
  score: number
  /** The tags that matched. */
  matched: string[]
  /** Why a constraint tag rules the asset out, when one does. */
  excludedBy?: string
}

/** Weights: who and where outrank how it feels and what the prompt mentions. */
export const TAG_WEIGHTS = { place: 3, character: 3, mood: 1, prompt: 1, generic: 0.5 } as const

/** Lower case, accents and punctuation folded to single spaces. */
export function normaliseTag(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

function words(s: string): string[] {
  return normaliseTag(s).split(' ').filter(Boolean)
}

export function shotKeysOf(req: Pick<SegmentRequest, 'location' | 'characters' | 'mood' | 'shot'>): ShotKeys {
  return {
    location: { id: req.location.id, name: req.location.name },
    characters: req.characters.map((c) => ({ id: c.id, name: c.name })),
    moodWords: req.mood ? [...words(req.mood.mood), ...words(req.mood.label)] : [],
    promptWords: words(req.shot.prompt),
  }
}

const PREFIXES: Record<string, 'place' | 'character' | 'mood'> = { place: 'place', location: 'place', character: 'character', mood: 'mood' }

function splitPrefix(tag: string): { kind: 'place' | 'character' | 'mood' | 'bare'; value: string } {
  const m = /^\s*([A-Za-z]+)\s*:\s*(.+)$/.exec(tag)
  const kind = m ? PREFIXES[m[1].toLowerCase()] : undefined
  return kind && m ? { kind, value: normaliseTag(m[2]) } : { kind: 'bare', value: normaliseTag(tag) }
}

const isEntity = (value: string, e: { id: string; name: string }) => value !== '' && (value === normaliseTag(e.id) || value === normaliseTag(e.name))
const allIn = (value: string, pool: readonly string[]) => {
  const w = value.split(' ').filter(Boolean)
  return w.length > 0 && w.every((x) => pool.includes(x))
}

/** Scores an asset's tags against a shot (see the module comment for the rules). */
export function matchTags(tags: readonly string[], keys: ShotKeys): TagMatch {
  const isGeneric = (t: string) => t.trim() === '*' || normaliseTag(t) === 'any'
  const meaningful = tags.filter((t) => normaliseTag(t) !== '' || isGeneric(t))
  if (!meaningful.length) return { score: TAG_WEIGHTS.generic, matched: [] }
  const parsed = meaningful.filter((t) => !isGeneric(t)).map((t) => ({ tag: t, ...splitPrefix(t) }))
  const places = parsed.filter((p) => p.kind === 'place')
  if (places.length && !places.some((p) => isEntity(p.value, keys.location))) {
    return { score: 0, matched: [], excludedBy: places.map((p) => p.tag).join(', ') }
  }
  const chars = parsed.filter((p) => p.kind === 'character')
  if (chars.length && !chars.some((p) => keys.characters.some((c) => isEntity(p.value, c)))) {
    return { score: 0, matched: [], excludedBy: chars.map((p) => p.tag).join(', ') }
  }
  let score = 0
  const matched: string[] = []
  for (const p of parsed) {
    let w = 0
    if (p.kind === 'place') w = isEntity(p.value, keys.location) ? TAG_WEIGHTS.place : 0
    else if (p.kind === 'character') w = keys.characters.some((c) => isEntity(p.value, c)) ? TAG_WEIGHTS.character : 0
    else if (p.kind === 'mood') w = allIn(p.value, keys.moodWords) ? TAG_WEIGHTS.mood : 0
    else if (isEntity(p.value, keys.location)) w = TAG_WEIGHTS.place
    else if (keys.characters.some((c) => isEntity(p.value, c))) w = TAG_WEIGHTS.character
    else if (allIn(p.value, keys.moodWords)) w = TAG_WEIGHTS.mood
    else if (allIn(p.value, keys.promptWords)) w = TAG_WEIGHTS.prompt
    if (w > 0) {
      score += w
      matched.push(p.tag)
    }
  }
  // '*' / 'any' make an asset usable anywhere, below every real match.
  if (score === 0 && meaningful.some(isGeneric)) return { score: TAG_WEIGHTS.generic, matched: meaningful.filter(isGeneric) }
  return { score, matched }
}

/** A one-line description of what a shot asked for (for log lines). */
export function describeKeys(keys: ShotKeys, mood?: string): string {
  const parts = [`location ${keys.location.id} ("${keys.location.name}")`]
  if (keys.characters.length) parts.push(`characters ${keys.characters.map((c) => c.id).join(', ')}`)
  if (mood) parts.push(`mood "${mood}"`)
  return parts.join(', ')
}
