import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { ManifestEntry, Piece } from './types.js'

/**
 * Words for a variant, shared by the contact sheet and the gallery so both say the same thing:
 * its format, length, bars, loudness, cost and checks. Pure: plain text, never markup.
 */

/** A number to at most `digits` decimals, without trailing zeros ("15", "14.3"). */
export function fmtNum(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v)
  return String(Number(v.toFixed(digits)))
}

/** "1280×720" (and the preset's name when it is not just the size: "tiktok 720×1280"). */
export function formatLabel(e: ManifestEntry): string {
  const size = `${e.format.width}×${e.format.height}`
  const n = e.format.name.trim()
  return n && n !== `${e.format.width}x${e.format.height}` && n !== size ? `${n} ${size}` : size
}

/** The variant's length in seconds as made (frames / fps), or the request when nothing was made. */
export function lengthSec(e: ManifestEntry): number | null {
  if (e.totalFrames > 0) return e.totalFrames / e.fps
  return e.length === 'full' ? null : e.length
}

/** "15 s", "full · 42.5 s", or "full" for a failed full-length variant. */
export function lengthLabel(e: ManifestEntry): string {
  const sec = lengthSec(e)
  const made = sec === null ? '' : `${fmtNum(sec)} s`
  return e.length === 'full' ? (made ? `full · ${made}` : 'full') : made
}

/** "bars 33–40 + 61–64", "bar 5", or "" when no pieces were recorded. */
export function barsLabel(pieces: Piece[]): string {
  if (pieces.length === 0) return ''
  const ranges = pieces.map(({ bars: [a, b] }) => (a === b ? `${a}` : `${a}–${b}`))
  const one = pieces.length === 1 && pieces[0].bars[0] === pieces[0].bars[1]
  return `${one ? 'bar' : 'bars'} ${ranges.join(' + ')}`
}

/** "−14 LUFS" with a true minus sign (LUFS are negative and a hyphen reads as a dash). */
export function lufsLabel(v: number | null): string {
  return v === null ? '—' : `${fmtNum(v, 1).replace('-', '−')} LUFS`
}

/** How many checks passed, and whether all did (a variant with no checks has not passed any). */
export function checksSummary(e: ManifestEntry): { passed: number; total: number; allPassed: boolean } {
  const passed = e.checks.filter((c) => c.passed).length
  return { passed, total: e.checks.length, allPassed: e.status === 'ok' && e.checks.length > 0 && passed === e.checks.length }
}

/** "12.3 s · 4 shots generated, 8 reused". */
export function costLabel(c: ManifestEntry['cost']): string {
  return `${fmtNum(c.wallSec, 1)} s · ${c.shotsGenerated} shot${c.shotsGenerated === 1 ? '' : 's'} generated, ${c.shotsReused} reused`
}

/** "1.2 MB", "830 kB", "512 B". */
export function bytesLabel(n: number): string {
  if (n < 1000) return `${n} B`
  if (n < 1_000_000) return `${fmtNum(n / 1000, 0)} kB`
  return `${fmtNum(n / 1_000_000, 1)} MB`
}

/**
 * The variant's file as a path inside the batch folder, or an error saying why not. The manifest
 * is read from disk, so its `file` is checked: relative, no `..`, nothing outside the folder.
 */
export function variantFile(e: ManifestEntry, batchDir: string): { rel: string; abs: string } | { error: string } {
  if (!e.file) return { error: 'no file recorded' }
  const rel = e.file.replace(/\\/g, '/')
  if (isAbsolute(e.file) || /^[a-z][a-z0-9+.-]*:/i.test(rel) || rel.split('/').some((s) => s === '..' || s === ''))
    return { error: `file "${e.file}" is not a path inside the batch folder` }
  const root = resolve(batchDir)
  const abs = resolve(root, rel)
  const back = relative(root, abs)
  if (back === '' || back.startsWith(`..${sep}`) || isAbsolute(back)) return { error: `file "${e.file}" is not a path inside the batch folder` }
  return { rel, abs }
}
