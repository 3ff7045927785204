/**
 * Reads a character description into vocabulary ids (schemas/figure.ts) and the phrases that name
 * things the vocabulary does not have. Deterministic and word-based: phrases are matched longest
 * first, colours and counts attach to the next thing they can colour or count in the same chunk.
 */
import {
  CHARACTER_PHRASES,
  CHUNK_BREAKS,
  CLAUSE_STARTS,
  FILLER,
  MAX_PHRASE_TOKENS,
  NON_VISUAL_VERBS,
  VISUAL_VERBS,
  type Term,
} from '../heuristics/characterWords.js'

const ROLE_NOUN = /(er|or|ist|ian|naut|ess|ant|ent)s?$/

export interface ReadDescription {
  /** Requested vocabulary ids, in order of appearance, each with the text that asked for it. */
  requests: Array<{ id: string; phrase: string }>
  /** Phrases naming visual things outside the vocabulary. */
  notDrawn: string[]
}

interface Token {
  w: string
  start: number
  end: number
  /** Punctuation (or the text's start) before this token ends a chunk. */
  breakBefore: boolean
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  const re = /[A-Za-z0-9]+(?:'[a-z]+)?/g
  let last = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const between = text.slice(last, m.index)
    out.push({ w: m[0].toLowerCase().replace(/'s$/, ''), start: m.index, end: m.index + m[0].length, breakBefore: out.length === 0 || /[,;:.!?()\n/]/.test(between) })
    last = m.index + m[0].length
  }
  return out
}

interface Match {
  term: Term
  from: number
  to: number
}

/** Longest phrase at each token; "long"/"short" are hair lengths only when hair follows. */
function matchAt(tokens: Token[], i: number): Match | undefined {
  for (let n = Math.min(MAX_PHRASE_TOKENS, tokens.length - i); n >= 1; n--) {
    if (tokens.slice(i + 1, i + n).some((t) => t.breakBefore)) continue
    const phrase = tokens.slice(i, i + n).map((t) => t.w).join(' ')
    const term = CHARACTER_PHRASES.get(phrase)
    if (term) {
      if (n === 1 && phrase === 'short' && hairFollows(tokens, i)) return { term: { t: 'id', id: 'hair:short', noun: false }, from: i, to: i + 1 }
      return { term, from: i, to: i + n }
    }
  }
  if (tokens[i].w === 'long' && hairFollows(tokens, i)) return { term: { t: 'id', id: 'hair:long', noun: false }, from: i, to: i + 1 }
  return undefined
}

function hairFollows(tokens: Token[], i: number): boolean {
  for (let k = i + 1; k <= i + 3 && k < tokens.length; k++) {
    if (tokens[k].breakBefore) return false
    if (tokens[k].w === 'hair' || tokens[k].w === 'haired') return true
  }
  return false
}

/** The id a colour or count makes with the thing it attaches to (undefined: nothing to attach). */
function attach(mod: Term, to: Term | undefined, kindId: string | undefined): string | undefined {
  if (mod.t === 'count') return to?.t === 'part' && to.part === 'eye' ? `eyes:${Math.min(3, mod.n)}` : undefined
  if (mod.t !== 'colour') return undefined
  const c = mod.colour
  const body = () => (kindId === 'robot' ? `metal:${c}` : kindId && kindId !== 'person' ? `colour:${c}` : `top:${c}`)
  if (!to) return body()
  if (to.t === 'part') {
    if (to.part === 'eye') return `eye:${c}`
    if (to.part === 'hair') return `hair-colour:${c}`
    if (to.part === 'top' || to.part === 'bottom') return `${to.part}:${c}`
    if (to.part === 'body') return body()
    return undefined
  }
  if (to.t !== 'id') return undefined
  const id = to.id
  if (id === 'person') return `top:${c}`
  if (isKindId(id)) return id === 'robot' ? `metal:${c}` : `colour:${c}`
  if (id.startsWith('hair:')) return `hair-colour:${c}`
  if (id.startsWith('eyes:')) return `eye:${c}`
  if (id.includes(':')) return undefined
  return `${id}:${c}`
}

export const isKindId = (id: string): boolean => id === 'person' || id === 'robot' || id === 'creature' || id.startsWith('animal:') || id.startsWith('creature:')

export function readDescription(description: string, name = ''): ReadDescription {
  const tokens = tokenize(description)
  const nameWords = new Set(tokenize(name).map((t) => t.w))
  const used = new Array<boolean>(tokens.length).fill(false)
  const matches: Match[] = []
  for (let i = 0; i < tokens.length; ) {
    const m = matchAt(tokens, i)
    if (m) {
      matches.push(m)
      for (let k = m.from; k < m.to; k++) used[k] = true
      i = m.to
    } else i++
  }
  // No kind word: a role noun in the first phrase ("a sailor", "an astronaut") names the person drawn.
  if (!matches.some((m) => m.term.t === 'id' && isKindId(m.term.id))) {
    for (let i = 0; i < tokens.length && (i === 0 || !tokens[i].breakBefore) && !CHUNK_BREAKS.has(tokens[i].w); i++) {
      if (!used[i] && isContent(tokens[i].w) && ROLE_NOUN.test(tokens[i].w)) {
        used[i] = true
        matches.push({ term: { t: 'id', id: 'person', noun: true }, from: i, to: i + 1 })
        matches.sort((a, b) => a.from - b.from)
        break
      }
    }
  }
  // The kind decides what a bare colour paints (a robot's metal, an animal's fur, a person's top).
  const kindMatch = matches.find((m) => m.term.t === 'id' && isKindId(m.term.id) && m.term.id !== 'person')
    ?? matches.find((m) => m.term.t === 'id' && m.term.id === 'person')
  const kindId = kindMatch?.term.t === 'id' ? kindMatch.term.id : undefined
  const text = (from: number, to: number) => description.slice(tokens[from].start, tokens[to - 1].end)
  const chunkOf = (i: number) => {
    let c = 0
    for (let k = 1; k <= i; k++) if (tokens[k].breakBefore || CHUNK_BREAKS.has(tokens[k].w)) c++
    return c
  }
  const requests: ReadDescription['requests'] = []
  for (const [mi, m] of matches.entries()) {
    const term = m.term
    if (term.t === 'id') requests.push({ id: term.id, phrase: text(m.from, m.to) })
    else if (term.t === 'colour' || term.t === 'count') {
      // Attach forward within the chunk, skipping other modifiers ("one cyan eye", "long red hair").
      const chunk = chunkOf(m.from)
      const next = matches.slice(mi + 1).find((n) => chunkOf(n.from) === chunk && n.term.t !== 'colour' && n.term.t !== 'count' && !(n.term.t === 'id' && !n.term.noun && !n.term.id.startsWith('hair:')))
      // "a silver earring": the colour belongs to a thing the vocabulary lacks, and goes with it to notDrawn.
      const ownsUnknown = !next && (() => {
          for (let k = m.to; k < tokens.length && !tokens[k].breakBefore && !CHUNK_BREAKS.has(tokens[k].w) && !used[k]; k++) if (isContent(tokens[k].w)) return true
          return false
        })()
      if (ownsUnknown) {
        for (let k = m.from; k < m.to; k++) used[k] = false
        continue
      }
      const id = attach(term, next?.term, kindId)
      if (id) requests.push({ id, phrase: next ? text(m.from, next.to) : text(m.from, m.to) })
    } else if (term.t === 'anatomy' && (kindId === undefined || kindId === 'person' || kindId === 'robot')) {
      requests.push({ id: `anatomy:${tokens[m.from].w}`, phrase: text(m.from, m.to) })
    }
  }
  return { requests, notDrawn: leftovers(tokens, used, nameWords, description) }
}

/** Nouns ending like participles or adverbs that still name things. */
const NOUNS_LIKE_VERBS = new Set(['earring', 'earrings', 'ring', 'rings', 'king', 'wing', 'wings', 'string', 'strings', 'sling', 'piercing', 'piercings', 'clothing', 'bling', 'painting', 'building', 'bed', 'sled', 'shed', 'lily', 'belly', 'jelly', 'fly', 'butterfly', 'dragonfly'])

/** A word that may name a drawable thing: not grammar, not a manner word, not a participle. */
export function isContent(w: string): boolean {
  if (NOUNS_LIKE_VERBS.has(w)) return true
  return !FILLER.has(w) && !/^\d+$/.test(w) && !/(ly|ing|ed)$/.test(w) && w !== 'long'
}

/** Content words nothing matched, grouped by chunk into phrases ("tattoo of a whale"). */
function leftovers(tokens: Token[], used: boolean[], nameWords: Set<string>, description: string): string[] {
  const out: string[] = []
  let skipping = false
  let run: number[] = []
  const flush = () => {
    if (run.length > 0) out.push(description.slice(tokens[run[0]].start, tokens[run[run.length - 1]].end))
    run = []
  }
  for (const [i, tok] of tokens.entries()) {
    const w = tok.w
    if (tok.breakBefore) {
      flush()
      skipping = false
    }
    if (skipping) continue
    if (CLAUSE_STARTS.has(w) && i + 1 < tokens.length && !tokens[i + 1].breakBefore && !VISUAL_VERBS.has(tokens[i + 1].w) && !used[i + 1]) {
      // "who loves jazz", "she dreams of the sea": what the character is or does, not a visual thing.
      flush()
      skipping = true
      continue
    }
    if (NON_VISUAL_VERBS.has(w)) {
      flush()
      skipping = true
      continue
    }
    if (CHUNK_BREAKS.has(w) || used[i]) {
      flush()
      continue
    }
    if (isContent(w) && !nameWords.has(w)) run.push(i)
    else if (run.length > 0 && (w === 'of' || w === 'a' || w === 'an' || w === 'the')) run.push(i)
    else flush()
  }
  flush()
  // Trailing "of a" left by a run that ended early is trimmed.
  return out.map((p) => p.replace(/\s+(of|a|an|the)$/i, '').replace(/\s+(of|a|an|the)$/i, '')).filter((p) => p.length > 0)
}
