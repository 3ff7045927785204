/**
 * Finding vocabulary phrases in free text, and the noun phrases left over (what a description
 * asks for that the vocabulary does not cover), so nothing is dropped silently.
 */

/** A phrase found in the text: which table entry, and where. */
export interface PhraseMatch {
  id: string
  start: number
  end: number
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Every whole-word occurrence of every phrase of every entry (case-insensitive). */
export function findPhrases(text: string, table: Readonly<Record<string, readonly string[]>>): PhraseMatch[] {
  const out: PhraseMatch[] = []
  for (const [id, words] of Object.entries(table)) {
    for (const w of words) {
      const re = new RegExp(`\\b${escape(w)}\\b`, 'gi')
      for (const m of text.matchAll(re)) out.push({ id, start: m.index, end: m.index + m[0].length })
    }
  }
  return out
}

/** Drops matches inside a longer match of another entry ("trees" inside "palm trees"). */
export function longestMatches(matches: PhraseMatch[]): PhraseMatch[] {
  return matches.filter((m) => !matches.some((o) => o.id !== m.id && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start))
}

/** Blanks the given spans (same length, so positions stay valid). */
export function mask(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  const chars = [...text]
  for (const s of spans) for (let i = s.start; i < s.end && i < chars.length; i++) chars[i] = ' '
  return chars.join('')
}

/** Words that join or frame phrases: a new phrase starts after each. */
const BREAKS = new Set(
  'and or but with without of at in on under over by near beside behind through across along among amid around above below from into onto to for where while when that which who whose full against between past beneath inside outside beyond like as then'.split(' '),
)
/** Words in -ing that name things (they do not start a new phrase). */
const ING_NOUNS = new Set('building buildings ceiling painting clothing wedding spring string ring king swing evening morning lightning railing awning sling ending landing clearing crossing pudding'.split(' '))
/** Words that never name a thing by themselves. */
const STOP = new Set(
  'a an the some many few lots lot its their his her our my your this these those one two three four five several every each all is are was were be been being there here very just only it they we you i he she so no not than more most much other another same such own also too quite rather almost nearly about'.split(' '),
)
/** Qualities and actions: kept inside a phrase, but a phrase of only these is no thing. */
const FILLER = new Set(
  ('small big large tiny huge old new little long short tall wide narrow empty quiet lonely busy crowded dark bright warm cold soft slow fast deep high low ' +
    'intimate beautiful gentle endless distant far vast calm wild strange lovely cosy cozy open closed faded shiny glowing drifting covered filled lit ' +
    'meet meets stand stands standing sit sits sitting look looks feel feels seem seems go goes come comes walk walks run runs lie lies lying rise rises fall falls ' +
    'running turning rolling blowing shining burning flowing passing waiting gathering sparkling twinkling flickering swaying rising sinking fading ' +
    'watch watches wait waits live lives wander wanders end ends begin begins stretch stretches stretching reach reaches hang hangs hanging float floats floating ' +
    'where everything nothing something anything somewhere nowhere everywhere kind sort bit place spot area scene setting view background foreground distance horizon').split(' '),
)

/**
 * Noun phrases of `text` whose head (last word) is not covered: split at punctuation and joining
 * words, stop words dropped. A phrase made only of qualities, covered words and `minor` words
 * (times of day, colours: drawn through light and palette) is no thing. At most the last four words.
 */
export function leftoverPhrases(text: string, covered: ReadonlyArray<{ start: number; end: number }>, minor: ReadonlyArray<{ start: number; end: number }> = []): string[] {
  const tokens = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*|[,.;:!?()"“”/]+/gu)].map((m) => ({ w: m[0], start: m.index, end: m.index + m[0].length }))
  const chunks: Array<typeof tokens> = [[]]
  const joins = (w: string | undefined) => w === undefined || BREAKS.has(w) || STOP.has(w) || /^[,.;:!?()"“”/]+$/.test(w)
  for (const [k, t] of tokens.entries()) {
    const lw = t.w.toLowerCase()
    // A verb in -ing after a thing starts a new phrase ("wet sand | reflecting a pink sky"); before
    // a noun it qualifies it ("a mixing desk", "fishing boats").
    const verb = /^[a-z]{3,}ing$/.test(lw) && !ING_NOUNS.has(lw) && chunks[chunks.length - 1].length > 0 && joins(tokens[k + 1]?.w.toLowerCase())
    if (/^[,.;:!?()"“”/]+$/.test(t.w) || BREAKS.has(lw) || verb) chunks.push([])
    else chunks[chunks.length - 1].push(t)
  }
  const inside = (spans: ReadonlyArray<{ start: number; end: number }>) => (t: { start: number; end: number }) => spans.some((c) => t.start < c.end && t.end > c.start)
  const isCovered = inside(covered)
  const isMinor = inside(minor)
  const out: string[] = []
  for (const chunk of chunks) {
    const words = chunk.filter((t) => !STOP.has(t.w.toLowerCase()) && !/^\d+$/.test(t.w))
    // Trailing actions ("a storm rolling") do not name the thing.
    while (words.length > 1 && FILLER.has(words[words.length - 1].w.toLowerCase())) words.pop()
    if (words.length === 0 || isCovered(words[words.length - 1])) continue
    const isThing = (t: { w: string; start: number; end: number }) => !isCovered(t) && !isMinor(t) && !FILLER.has(t.w.toLowerCase()) && !/ly$/i.test(t.w)
    if (!words.some(isThing)) continue
    // Leading actions and qualities ("drifting", "glowing") are not part of the thing.
    while (words.length > 1 && !isThing(words[0]) && !isCovered(words[0]) && !isMinor(words[0]) && /(ing|ly)$/i.test(words[0].w)) words.shift()
    const phrase = words.slice(-4).map((t) => t.w.toLowerCase()).join(' ')
    if (!out.includes(phrase)) out.push(phrase)
  }
  return out
}
