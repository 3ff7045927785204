/**
 * The brief's notes (its Markdown body) read without a model: the simple forms a sentence can
 * take that code can act on (who is in the last or first shot, what to avoid, a place for a
 * section). Everything else is returned as unread, so the report can say which notes were not applied.
 */
import type { Shot, Treatment } from '../schemas/index.js'

type Framing = Shot['framing']

/** Who is in a shot (absent: as planned; empty: no one) and where (absent: as planned). */
export interface Cast {
  characterIds?: string[]
  /** A place named with them ("end on the shoreline"). */
  locationId?: string
}

export type NoteDirective =
  | ({ kind: 'last-shot' } & Cast)
  | ({ kind: 'first-shot' } & Cast)
  | { kind: 'avoid-framing'; framing: Framing }
  | { kind: 'avoid-location'; locationId: string }
  | { kind: 'avoid-character'; characterId: string }
  | { kind: 'section-place'; section: string; locationId: string }

/** One sentence of the notes and what code understood in it. */
export interface ReadNote {
  note: string
  directives: NoteDirective[]
  /** Why nothing (or not everything) in the sentence could be acted on. */
  unread?: string
}

export interface NoteDirectives {
  notes: ReadNote[]
}

/** Section words a note may name; a note's word matches the analysis labels that start with it. */
const SECTION_WORDS = ['intro', 'verse', 'pre-chorus', 'prechorus', 'chorus', 'bridge', 'break', 'breakdown', 'drop', 'hook', 'refrain', 'solo', 'outro', 'middle']

/** Words for a place beyond its own name (a note says "the city" for a skyline). */
const WORLD_WORDS: Record<string, string[]> = {
  skyline: ['city', 'skyline', 'rooftop', 'rooftops', 'town', 'street', 'streets'],
  shoreline: ['beach', 'sea', 'shore', 'shoreline', 'ocean', 'coast', 'harbour', 'harbor'],
  dunes: ['desert', 'dunes', 'sand'],
  forest: ['forest', 'woods', 'trees'],
  'neon-grid': ['grid', 'neon'],
  interior: ['room', 'inside', 'indoors', 'interior', 'studio'],
  starfield: ['space', 'stars', 'starfield', 'sky'],
}

/** Framings a note can name (the bare adjective is not enough: "close to the water" is no framing). */
const FRAMING_WORDS: Array<[RegExp, Framing]> = [
  [/\bclose[- ]?ups?\b|\bclose (?:shots?|framing|framings)\b/i, 'close'],
  [/\bwide (?:shots?|angles?|framing|framings)\b|\bwides\b/i, 'wide'],
  [/\bmedium (?:shots?|framing|framings)\b|\bmediums\b/i, 'medium'],
]

/** Sentences of Markdown notes: headings and emphasis dropped, list items and paragraphs split. */
export function noteSentences(notes: string): string[] {
  const blocks: string[] = []
  let current: string[] = []
  const flush = () => {
    if (current.length) blocks.push(current.join(' '))
    current = []
  }
  for (const raw of notes.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || /^#{1,6}\s/.test(line) || /^(-{3,}|\*{3,}|_{3,})$/.test(line)) {
      flush()
      continue
    }
    if (/^([-*+]|\d+[.)])\s+/.test(line)) flush()
    current.push(line.replace(/^([-*+]|\d+[.)])\s+/, '').replace(/^>\s*/, ''))
  }
  flush()
  return blocks
    .map((b) => b.replace(/(\*\*|__|`)/g, '').replace(/(^|\s)[*_]([^*_]+)[*_](?=[\s.,;:!?]|$)/g, '$1$2').replace(/\s+/g, ' ').trim())
    .flatMap((b) => b.split(/(?<=[.!?])\s+(?=[A-Z"'(])/))
    .map((s) => s.trim())
    .filter((s) => /[a-z]/i.test(s))
}

interface Names {
  characters: Array<{ id: string; words: RegExp }>
  locations: Array<{ id: string; words: RegExp; loose: RegExp | null }>
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const phrase = (words: string[]): RegExp => new RegExp(`\\b(?:${words.map(escape).join('|')})\\b`, 'i')

function namesOf(treatment: Pick<Treatment, 'entities'>): Names {
  const characters = treatment.entities
    .filter((e) => e.kind === 'character')
    .map((e) => ({ id: e.id, words: phrase([e.name.trim(), e.id.replace(/-/g, ' ')]) }))
  const locations = treatment.entities.flatMap((e) =>
    e.kind === 'location'
      ? [{ id: e.id, words: phrase([e.name.trim(), e.id.replace(/-/g, ' ')]), loose: WORLD_WORDS[e.shape.world] ? phrase(WORLD_WORDS[e.shape.world]) : null }]
      : [],
  )
  return { characters, locations }
}

/** Places a phrase names: by name first; by the world's words only when that picks one place. */
function placesIn(text: string, names: Names): string[] {
  const named = names.locations.filter((l) => l.words.test(text)).map((l) => l.id)
  if (named.length) return named
  const loose = names.locations.filter((l) => l.loose?.test(text)).map((l) => l.id)
  return loose.length === 1 ? loose : []
}

/** Who a phrase puts in a shot ("both of them together", "Mara alone", "an empty beach"); null: no one understood. */
function castIn(text: string, names: Names): Cast | null {
  const places = placesIn(text, names)
  const locationId = places.length === 1 ? places[0] : undefined
  const named = names.characters.filter((c) => c.words.test(text)).map((c) => c.id)
  const at = locationId ? { locationId } : {}
  if (/\b(empty|no one|nobody|no people|no figures?)\b/i.test(text)) return { characterIds: [], ...at }
  if (named.length) return { characterIds: named, ...at }
  if (/\b(both|together|the two|two of them|all of them|everyone|everybody|whole (cast|band)|the band|all (the )?characters)\b/i.test(text)) {
    return { characterIds: names.characters.map((c) => c.id), ...at }
  }
  return locationId ? { locationId } : null
}

const LAST = /\b(?:end(?:s|ing)?|finish(?:es|ing)?|clos(?:e|es|ing)|last shot|final shot|final image|last image)\b(?:\s+(?:the video|the film|it|everything))?(?:\s+(?:is|on|with|shows?|has|:))+\s+(.+)/i
const FIRST = /\b(?:open(?:s|ing)?|start(?:s|ing)?|begin(?:s|ning)?|first shot|opening shot|first image)\b(?:\s+(?:the video|the film|it|everything))?(?:\s+(?:is|on|with|shows?|has|:))+\s+(.+)|\b(?:open|start|begin)\s+(empty)\b/i
// "never" alone is no avoid-list ("Mara never leaves the rooftop"); "never show" is.
const AVOID = /\b(?:avoid(?:ing)?|never (?:show|use)(?:ing)?|do(?:n't| not) (?:show|use)|no|without)\b:?\s+(.+)/i

/** Why a sentence was not read, for the report. */
export const UNREAD = 'no form the built-in reader knows: who opens or ends the video, what to avoid, a place for a section'

/** A clause up to its first stop (the rest of a sentence is another clause). */
const clause = (s: string): string => s.split(/[;,.!?]|\s+(?:and then|then|while|as|but)\s+/i)[0]

function readSentence(note: string, names: Names, sectionLabels: readonly string[]): ReadNote {
  const directives: NoteDirective[] = []
  const misses: string[] = []
  const last = LAST.exec(note)
  if (last) {
    const cast = castIn(clause(last[1]), names)
    if (cast) directives.push({ kind: 'last-shot', ...cast })
    else misses.push(`no character or place named in "${clause(last[1]).trim()}"`)
  }
  const first = FIRST.exec(note)
  if (first) {
    const cast = castIn(clause(first[1] ?? first[2]), names)
    if (cast) directives.push({ kind: 'first-shot', ...cast })
    else misses.push(`no character or place named in "${clause(first[1] ?? first[2]).trim()}"`)
  }
  const avoid = !/\bno one\b/i.test(note) ? AVOID.exec(note) : null
  const sectionWords = SECTION_WORDS.filter((w) => new RegExp(`\\b${escape(w)}(e?s)?\\b`, 'i').test(note))
  if (avoid && sectionWords.length) {
    misses.push(`what to avoid in one section only (${sectionWords.join(', ')}) is not a form the built-in reader knows`)
  } else if (avoid) {
    for (const item of avoid[1].split(/,|;|\bor\b|\band\b|\bnor\b/i).map((s) => s.trim()).filter(Boolean)) {
      const found = avoidItem(item, names)
      if (found.length) directives.push(...found)
      else misses.push(`nothing drawn matches "${item.replace(/[.!]$/, '')}"`)
    }
  } else if (!last && !first) {
    // "the chorus in the harbour": a section word and one place, in a sentence that avoids nothing.
    const sections = sectionWords.filter((w) => sectionLabels.some((l) => l.toLowerCase().startsWith(w)))
    const places = placesIn(note, names)
    if (sections.length && places.length === 1) for (const section of sections) directives.push({ kind: 'section-place', section, locationId: places[0] })
    else if (sectionWords.length && !sections.length && places.length === 1) {
      misses.push(`the song has no ${sectionWords.join(' or ')} (its sections: ${[...new Set(sectionLabels)].join(', ')})`)
    }
  }
  const unread = directives.length === 0 ? (misses.length ? misses.join('; ') : UNREAD) : misses.length ? `partly read: ${misses.join('; ')}` : undefined
  return { note, directives, ...(unread ? { unread } : {}) }
}

function avoidItem(item: string, names: Names): NoteDirective[] {
  const out: NoteDirective[] = []
  for (const [re, framing] of FRAMING_WORDS) if (re.test(item)) out.push({ kind: 'avoid-framing', framing })
  if (out.length) return out
  for (const c of names.characters) if (c.words.test(item)) out.push({ kind: 'avoid-character', characterId: c.id })
  for (const locationId of placesIn(item, names)) out.push({ kind: 'avoid-location', locationId })
  return out
}

/**
 * Reads the notes against the treatment's cast and places and the song's section labels. Pure:
 * the same notes and treatment give the same directives.
 */
export function readNotes(notes: string, treatment: Pick<Treatment, 'entities' | 'sectionMoods'>): NoteDirectives {
  const names = namesOf(treatment)
  const labels = treatment.sectionMoods.map((m) => m.label)
  return { notes: noteSentences(notes).map((s) => readSentence(s, names, labels)) }
}

/** Every directive of the notes, in order. */
export function directivesOf(read: NoteDirectives): NoteDirective[] {
  return read.notes.flatMap((n) => n.directives)
}
