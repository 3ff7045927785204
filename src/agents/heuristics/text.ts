/** Keyword matching on free text: whole words, case-insensitive, in order of appearance. */

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Position of the first whole-word match of any of `words` (multi-word phrases allowed), or -1. */
export function firstIndexOf(text: string, words: readonly string[]): number {
  let best = -1
  for (const w of words) {
    const m = new RegExp(`\\b${escape(w)}\\b`, 'i').exec(text)
    if (m && (best < 0 || m.index < best)) best = m.index
  }
  return best
}

export function hasWord(text: string, words: readonly string[]): boolean {
  return firstIndexOf(text, words) >= 0
}

/** Which of `words` occur, ordered by first appearance in the text. */
export function findWords(text: string, words: readonly string[]): string[] {
  return words
    .map((w) => [w, firstIndexOf(text, [w])] as const)
    .filter(([, i]) => i >= 0)
    .sort((a, b) => a[1] - b[1])
    .map(([w]) => w)
}

/** How many of `words` occur in the text. */
export function countWords(text: string, words: readonly string[]): number {
  return words.filter((w) => firstIndexOf(text, [w]) >= 0).length
}
