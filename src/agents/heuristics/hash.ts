import { mulberry32 } from '../../util/random.js'
/**
 * Stable hashing and seeded randomness. Heuristic agents must be deterministic: the same brief
 * and song always give the same treatment and plan, so cached steps stay valid.
 */

/** FNV-1a over UTF-16 code units: small, fast and stable across platforms. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A non-negative 31-bit seed from parts (31 bits: some generators reject larger seeds). */
export function seedFor(...parts: Array<string | number>): number {
  return hash32(parts.map(String).join('\u241f')) & 0x7fffffff
}

/** Hash mapped to [0, 1). */
export function unitHash(...parts: Array<string | number>): number {
  return seedFor(...parts) / 0x80000000
}

/** A seeded generator of floats in [0, 1). */
export const rng = mulberry32

/** Weighted choice; `r` in [0, 1). Zero-weight items are never chosen unless all are zero. */
export function weightedPick<T>(items: ReadonlyArray<readonly [T, number]>, r: number): T {
  if (items.length === 0) throw new Error('weightedPick: no items')
  const total = items.reduce((s, [, w]) => s + Math.max(0, w), 0)
  if (total <= 0) return items[Math.floor(r * items.length) % items.length][0]
  let acc = r * total
  for (const [item, w] of items) {
    acc -= Math.max(0, w)
    if (acc < 0) return item
  }
  return items[items.length - 1][0]
}

/** Lower-case ASCII slug matching the identity-card id rule `^[a-z0-9][a-z0-9-]*$`. */
export function slugify(name: string, fallback: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug.length > 0 ? slug : fallback
}

/** A slug not yet in `taken` (suffix -2, -3…); records it in `taken`. */
export function uniqueSlug(name: string, taken: Set<string>, fallback: string): string {
  const base = slugify(name, fallback)
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  taken.add(id)
  return id
}
