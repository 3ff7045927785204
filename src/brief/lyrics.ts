import type { LyricLine } from '../schemas/brief.js'
import { BriefIssue, describeValue } from './errors.js'

export interface LyricsResult {
  lines: LyricLine[]
  issues: BriefIssue[]
}

/** Maps a 1-based line of the lyrics text to its line in brief.md, when that is knowable. */
export type LyricsLineMap = (lyricsLine: number) => number | undefined

const TIME_EXPECTED = 'seconds (12.5) or a time like "0:12.5"'
const LRC_EXPECTED = 'a timestamp like [01:23.45]'

/** `[mm:ss]`, `[mm:ss.xx]`, `[mm:ss:xx]` (some editors use a colon before the hundredths). */
const LRC_TIME = /^(\d+):(\d+)(?:[.:](\d+))?$/
/** `[ar:Artist]`, `[ti:Title]`, `[offset:+120]`, `[#:comment]`… */
const LRC_META = /^([a-zA-Z#][\w#-]*)\s*:(.*)$/
/** Enhanced-LRC word timings inside a line: `<00:12.34>`. */
const WORD_TIME = /<\d+:\d+(?:[.:]\d+)?>/g

type ParsedLine =
  | { kind: 'skip' }
  | { kind: 'meta'; key: string; value: string }
  | { kind: 'timed'; times: number[]; text: string }
  | { kind: 'plain'; text: string }
  | { kind: 'bad'; token: string }

/** Seconds from a number or a `[h:]m:ss[.xx]` string; undefined when it is neither. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s)
  const m = /^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$/.exec(s)
  if (m === null) return undefined
  const [, h, min, sec] = m
  if (Number(sec) >= 60 || (h !== undefined && Number(min) >= 60)) return undefined
  return Number(h ?? 0) * 3600 + Number(min) * 60 + Number(sec)
}

function lrcSeconds(token: string): number | undefined {
  const m = LRC_TIME.exec(token)
  if (m === null) return undefined
  const [, min, sec, frac] = m
  if (Number(sec) >= 60) return undefined
  return Number(min) * 60 + Number(sec) + (frac === undefined ? 0 : Number(`0.${frac}`))
}

/** Classifies one lyrics line: metadata tag, timed line(s), plain text, a label to drop, or a broken timestamp. */
export function parseLrcLine(raw: string): ParsedLine {
  const line = raw.trim()
  if (line === '') return { kind: 'skip' }
  const times: number[] = []
  let rest = line
  let first = true
  for (let m = /^\[([^\]]*)\]/.exec(rest); m !== null; m = /^\[([^\]]*)\]/.exec(rest)) {
    const token = m[1].trim()
    const seconds = lrcSeconds(token)
    if (seconds !== undefined) times.push(seconds)
    else if (/^[-+]?\d/.test(token)) return { kind: 'bad', token: m[0] }
    else if (first) {
      // Tags stand alone on their line; "[ar:x] words" is text (and flagged in LRC).
      if (rest.slice(m[0].length).trim() !== '') break
      const meta = LRC_META.exec(token)
      if (meta !== null) return { kind: 'meta', key: meta[1].toLowerCase(), value: meta[2].trim() }
      // A lone "[Chorus]" or "[Verse 2]" is a lyric-sheet annotation, not something sung.
      return { kind: 'skip' }
    } else break
    rest = rest.slice(m[0].length).trimStart()
    first = false
  }
  if (times.length > 0) return { kind: 'timed', times, text: rest.replace(WORD_TIME, '').trim() }
  return { kind: 'plain', text: line }
}

/**
 * Lyrics as LRC (any line carries a timestamp) or as plain lines. Timed lines with several
 * timestamps repeat at each; `[offset:ms]` shifts all times as LRC players do; the result is
 * sorted by time. Empty timed lines are kept: in LRC they mark where the previous line ends.
 */
export function parseLyricsText(text: string, fileLineOf: LyricsLineMap = () => undefined): LyricsResult {
  const issues: BriefIssue[] = []
  const where = (n: number): string => {
    const fileLine = fileLineOf(n)
    return fileLine === undefined ? `line ${n}` : `line ${n} (brief line ${fileLine})`
  }
  const parsed = text.split(/\r?\n/).map(parseLrcLine)
  const isLrc = parsed.some((p) => p.kind === 'timed')
  let offsetSec = 0
  const timed: Array<{ time: number; text: string }> = []
  const plain: LyricLine[] = []
  parsed.forEach((p, i) => {
    const n = i + 1
    switch (p.kind) {
      case 'skip':
        return
      case 'bad':
        issues.push({ path: 'lyrics', message: `${where(n)}: bad timestamp ${p.token}: expected ${LRC_EXPECTED} (minutes:seconds, seconds below 60)` })
        return
      case 'meta':
        if (p.key === 'offset') {
          const ms = Number(p.value)
          if (Number.isFinite(ms)) offsetSec = ms / 1000
          else issues.push({ path: 'lyrics', message: `${where(n)}: [offset:] expected milliseconds like [offset:+250] (got ${describeValue(p.value)})` })
        }
        return
      case 'timed':
        for (const time of p.times) timed.push({ time, text: p.text })
        return
      case 'plain':
        if (isLrc) {
          issues.push({ path: 'lyrics', message: `${where(n)}: has no timestamp while other lines do: expected ${LRC_EXPECTED} before ${describeValue(p.text)}` })
        } else plain.push({ text: p.text })
    }
  })
  if (!isLrc) return { lines: plain, issues }
  // A positive LRC offset makes lines appear earlier.
  const lines = timed
    .map((l) => ({ time: round3(Math.max(0, l.time - offsetSec)), text: l.text }))
    .sort((a, b) => a.time - b.time)
  return { lines, issues }
}

/** Milliseconds are the finest LRC precision; this also hides float noise like 12.299999. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

/** `lyrics` as a YAML list: `{ time, text }` mappings, or strings (which may carry LRC timestamps). */
function parseLyricsList(items: unknown[]): LyricsResult {
  const issues: BriefIssue[] = []
  const lines: LyricLine[] = []
  items.forEach((item, i) => {
    const at = `lyrics[${i}]`
    if (typeof item === 'string') {
      const one = parseLyricsText(item)
      one.issues.forEach((x) => issues.push({ path: at, message: x.message.replace(/^line 1: /, '') }))
      lines.push(...one.lines)
      return
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({ path: at, message: `expected a line of text or a mapping { time, text } (got ${describeValue(item)})` })
      return
    }
    const rec = item as Record<string, unknown>
    for (const key of Object.keys(rec)) {
      if (key !== 'time' && key !== 'text') issues.push({ path: `${at}.${key}`, message: 'unknown key (a lyric line has only time and text)' })
    }
    const text = typeof rec.text === 'number' ? String(rec.text) : rec.text
    if (typeof text !== 'string') issues.push({ path: `${at}.text`, message: `expected a string (got ${describeValue(rec.text)})` })
    let time: number | undefined
    if (rec.time !== undefined && rec.time !== null) {
      time = parseTime(rec.time)
      if (time === undefined) issues.push({ path: `${at}.time`, message: `expected ${TIME_EXPECTED} (got ${describeValue(rec.time)})` })
    }
    if (typeof text === 'string') lines.push(time === undefined ? { text } : { time: round3(time), text })
  })
  const timedCount = lines.filter((l) => l.time !== undefined).length
  if (timedCount > 0 && timedCount < lines.length) {
    issues.push({ path: 'lyrics', message: `${lines.length - timedCount} line(s) have no time while others do: give every line a time, or none` })
  }
  if (timedCount > 0) lines.sort((a, b) => (a.time ?? 0) - (b.time ?? 0))
  return { lines, issues }
}

/** Normalises the front matter's `lyrics` (LRC string, plain string, or list) into lyric lines. */
export function normaliseLyrics(raw: unknown, fileLineOf?: LyricsLineMap): LyricsResult {
  if (raw === undefined || raw === null) return { lines: [], issues: [] }
  if (typeof raw === 'string') return parseLyricsText(raw, fileLineOf)
  if (Array.isArray(raw)) return parseLyricsList(raw)
  return {
    lines: [],
    issues: [{ path: 'lyrics', message: `expected LRC text, plain lines, or a list of { time, text } (got ${describeValue(raw)})` }],
  }
}
