/**
 * CLIP's byte-level BPE tokenizer, as openai/CLIP's simple_tokenizer.py and transformers'
 * CLIPTokenizer implement it, read from a diffusers export's tokenizer/ folder.
 *
 * Text → clean (collapse whitespace, strip, lowercase; no ftfy) → split with CLIP's regex →
 * each piece's UTF-8 bytes mapped to printable characters (bytes_to_unicode) → BPE with the
 * merge ranks, the last symbol carrying the end-of-word marker `</w>` → vocabulary ids.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { OnnxModelError } from './errors.js'
import type { ClipTokenizer } from './types.js'

export const BOS_TOKEN = '<|startoftext|>'
export const EOS_TOKEN = '<|endoftext|>'
/** The sequence length of every Stable Diffusion text encoder. */
export const DEFAULT_MAX_LENGTH = 77
const END_OF_WORD = '</w>'

/** simple_tokenizer.py's pattern; the specials come first so a literal `<|endoftext|>` stays one token. */
const CLIP_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu

export interface ClipTokenizerSpec {
  /** vocab.json: token → id. */
  vocab: Record<string, number>
  /** merges.txt's lines, `first second`, best (lowest rank) first; a leading `#version` line is skipped. */
  merges: string[]
  /** Sequence length, default 77. */
  maxLength?: number
  /** Special tokens (defaults: CLIP's; SD 1.x pads with `<|endoftext|>`, SD 2.x with `!`). */
  bosToken?: string
  eosToken?: string
  padToken?: string
  unkToken?: string
}

/**
 * GPT-2/CLIP's bytes_to_unicode: every byte gets a printable character so BPE never sees
 * whitespace or control bytes. Printable Latin-1 bytes map to themselves; the other 68 bytes
 * map to U+0100 onwards, in byte order.
 */
export function bytesToUnicode(): string[] {
  const keep = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)
  const table = new Array<string>(256)
  let n = 0
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(keep(b) ? b : 256 + n++)
  return table
}

/** Whitespace runs become one space, ends stripped, lowercased (CLIP's cleaning without ftfy/html). */
export function cleanText(text: string): string {
  return text.replace(/\s+/gu, ' ').trim().toLowerCase()
}

const BYTE_CHARS = bytesToUnicode()
const utf8 = new TextEncoder()
/** Cached BPE results per tokenizer are cleared past this many words (prompts reuse few words). */
const CACHE_LIMIT = 20_000

/** Builds a tokenizer from an in-memory vocabulary and merge list (pure; tests use it directly). */
export function createClipTokenizer(spec: ClipTokenizerSpec): ClipTokenizer {
  const vocab = new Map<string, number>(Object.entries(spec.vocab))
  const maxLength = spec.maxLength ?? DEFAULT_MAX_LENGTH
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError(`tokenizer maxLength must be an integer ≥ 2 (bos + eos), got ${maxLength}`)
  const bosToken = spec.bosToken ?? BOS_TOKEN
  const eosToken = spec.eosToken ?? EOS_TOKEN
  const padToken = spec.padToken ?? eosToken
  const unkToken = spec.unkToken ?? EOS_TOKEN
  const idOf = (token: string, role: string): number => {
    const id = vocab.get(token)
    if (id === undefined) throw new OnnxModelError(`the tokenizer vocabulary has no ${role} token ${JSON.stringify(token)}; vocab.json does not match special_tokens_map.json`)
    return id
  }
  const bosId = idOf(bosToken, 'start-of-text')
  const eosId = idOf(eosToken, 'end-of-text')
  const padId = idOf(padToken, 'padding')
  const unkId = idOf(unkToken, 'unknown')
  const specials = new Set([bosToken, eosToken, BOS_TOKEN, EOS_TOKEN])

  // Merge ranks keyed by "first second" (the pair joined with the space merges.txt uses; BPE
  // symbols never contain a space since bytes_to_unicode maps it to 'Ġ').
  const ranks = new Map<string, number>()
  let lines = spec.merges
  if (lines.length > 0 && lines[0].startsWith('#version')) lines = lines.slice(1)
  for (const line of lines) {
    if (line.trim() === '') continue
    const parts = line.split(' ')
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new OnnxModelError(`merges.txt line ${JSON.stringify(line)} is not two symbols separated by one space`)
    if (!ranks.has(line)) ranks.set(line, ranks.size)
  }

  const cache = new Map<string, string[]>()
  const bpe = (piece: string): string[] => {
    const hit = cache.get(piece)
    if (hit) return hit
    const chars = Array.from(piece)
    let word = chars.slice(0, -1).concat(chars[chars.length - 1] + END_OF_WORD)
    while (word.length > 1) {
      // The adjacent pair with the lowest merge rank; unranked pairs never merge.
      let best = ''
      let bestRank = Infinity
      for (let i = 0; i < word.length - 1; i++) {
        const r = ranks.get(`${word[i]} ${word[i + 1]}`)
        if (r !== undefined && r < bestRank) {
          bestRank = r
          best = `${word[i]} ${word[i + 1]}`
        }
      }
      if (bestRank === Infinity) break
      const [first, second] = best.split(' ')
      // Merge every non-overlapping occurrence, left to right, as simple_tokenizer does.
      const merged: string[] = []
      for (let i = 0; i < word.length; ) {
        if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
          merged.push(first + second)
          i += 2
        } else {
          merged.push(word[i])
          i += 1
        }
      }
      word = merged
    }
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(piece, word)
    return word
  }

  const tokenize = (text: string): string[] => {
    const out: string[] = []
    for (const match of cleanText(text).matchAll(CLIP_PATTERN)) {
      const piece = match[0]
      if (specials.has(piece)) {
        out.push(piece)
        continue
      }
      let mapped = ''
      for (const byte of utf8.encode(piece)) mapped += BYTE_CHARS[byte]
      out.push(...bpe(mapped))
    }
    return out
  }

  const encode = (text: string): Int32Array => {
    const ids = new Int32Array(maxLength).fill(padId)
    const tokens = tokenize(text)
    // Truncation keeps bos and eos: at most maxLength − 2 text tokens.
    const kept = Math.min(tokens.length, maxLength - 2)
    ids[0] = bosId
    for (let i = 0; i < kept; i++) ids[i + 1] = vocab.get(tokens[i]) ?? unkId
    ids[kept + 1] = eosId
    return ids
  }

  return { maxLength, bosId, eosId, padId, encode, tokenize }
}

// ---------------------------------------------------------------------------------------------
// Loading the export's tokenizer/ folder

const Vocab = z.record(z.string(), z.number().int().nonnegative())

/** A special token as tokenizer files write it: a string, or an AddedToken object with `content`. */
const SpecialToken = z.union([z.string(), z.looseObject({ content: z.string() })]).transform((t) => (typeof t === 'string' ? t : t.content))

const SpecialTokensMap = z.looseObject({
  bos_token: SpecialToken.nullish(),
  eos_token: SpecialToken.nullish(),
  pad_token: SpecialToken.nullish(),
  unk_token: SpecialToken.nullish(),
})

const TokenizerConfig = SpecialTokensMap.extend({
  model_max_length: z.number().positive().nullish(),
})

/** transformers writes ~1e30 (VERY_LARGE_INTEGER) when a tokenizer has no length; CLIP then means 77. */
const UNSET_MAX_LENGTH = 1e9

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new OnnxModelError(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the tokenizer folder needs ${what}; re-export the model (models/README.md)`, { cause: e })
  }
}

function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string): T {
  const text = readText(file, what)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new OnnxModelError(`${file} is not valid JSON (${(e as Error).message}); it should be ${what}`, { cause: e })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    throw new OnnxModelError(`${file} is malformed (${issues}); it should be ${what}`)
  }
  return parsed.data
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile()

/**
 * Loads CLIP's tokenizer from `dir`: either the export's `tokenizer/` folder itself or the model
 * folder holding it. Needs vocab.json and merges.txt; tokenizer_config.json (model_max_length,
 * default 77) and special_tokens_map.json (bos/eos/pad/unk, default CLIP's) are optional, the
 * latter taking precedence as in transformers.
 */
export async function loadClipTokenizer(dir: string): Promise<ClipTokenizer> {
  const folder = !isFile(join(dir, 'vocab.json')) && isFile(join(dir, 'tokenizer', 'vocab.json')) ? join(dir, 'tokenizer') : dir
  const vocab = readJsonFile(join(folder, 'vocab.json'), Vocab, "CLIP's vocabulary, an object of token → id")
  const merges = readText(join(folder, 'merges.txt'), "CLIP's BPE merges (merges.txt)").split(/\r?\n/)
  if (merges.every((l) => l.trim() === '' || l.startsWith('#version')))
    throw new OnnxModelError(`${join(folder, 'merges.txt')} holds no merges; it should list CLIP's BPE merges, one "first second" pair per line`)
  const configFile = join(folder, 'tokenizer_config.json')
  const config = isFile(configFile) ? readJsonFile(configFile, TokenizerConfig, 'the tokenizer settings (tokenizer_config.json)') : {}
  const mapFile = join(folder, 'special_tokens_map.json')
  const specials = isFile(mapFile) ? readJsonFile(mapFile, SpecialTokensMap, 'the special tokens (special_tokens_map.json)') : {}
  const length = config.model_max_length
  const maxLength = length == null || length >= UNSET_MAX_LENGTH ? DEFAULT_MAX_LENGTH : Math.floor(length)
  try {
    return createClipTokenizer({
      vocab,
      merges,
      maxLength,
      bosToken: specials.bos_token ?? config.bos_token ?? undefined,
      eosToken: specials.eos_token ?? config.eos_token ?? undefined,
      padToken: specials.pad_token ?? config.pad_token ?? undefined,
      unkToken: specials.unk_token ?? config.unk_token ?? undefined,
    })
  } catch (e) {
    if (e instanceof OnnxModelError) throw new OnnxModelError(`${folder}: ${e.message}`, { cause: e })
    if (e instanceof RangeError) throw new OnnxModelError(`${configFile}: ${e.message}`, { cause: e })
    throw e
  }
}
