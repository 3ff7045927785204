import { BriefIssue } from './errors.js'

export interface FrontMatterSplit {
  /** The YAML between the fences. */
  yaml: string
  /** 1-based line of brief.md where the YAML starts, to translate YAML error lines. */
  yamlFirstLine: number
  /** The Markdown after the closing fence. */
  body: string
}

const FENCE = /^---\s*$/
/** YAML's document end marker closes front matter too (Jekyll accepts it). */
const CLOSE = /^(---|\.\.\.)\s*$/

/**
 * Splits brief.md into front matter and body. Leading blank lines and a BOM are tolerated;
 * anything else before the first fence means there is no front matter.
 */
export function splitFrontMatter(text: string): FrontMatterSplit | BriefIssue {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines.every((l) => l.trim() === '')) {
    return { path: '', message: "is empty: it needs YAML front matter between '---' lines (run `longav init` for a template)" }
  }
  let open = 0
  while (lines[open].trim() === '') open++
  if (!FENCE.test(lines[open])) {
    return {
      path: '',
      message: "has no front matter: start the file with a line '---', then YAML, then '---'",
    }
  }
  let close = open + 1
  while (close < lines.length && !CLOSE.test(lines[close])) close++
  if (close >= lines.length) {
    return {
      path: '',
      message: `has unterminated front matter: the '---' on line ${open + 1} has no closing '---' line after the YAML`,
    }
  }
  return {
    yaml: lines.slice(open + 1, close).join('\n'),
    yamlFirstLine: open + 2,
    body: lines.slice(close + 1).join('\n'),
  }
}
