/** What the model is told about the song and the brief: compact JSON data for the prompt fences. */
import type { Analysis, Brief } from '../../schemas/index.js'
import { songSections } from '../heuristics/sections.js'

export type AgentLog = (level: 'info' | 'warn', message: string) => void

/** Mean of a curve over [start, end) seconds, 0 when the span holds no sample. */
function meanOver(curve: { fps: number; values: number[] }, start: number, end: number): number {
  const a = Math.max(0, Math.floor(start * curve.fps))
  const b = Math.min(curve.values.length, Math.ceil(end * curve.fps))
  if (b <= a) return 0
  let s = 0
  for (let i = a; i < b; i++) s += curve.values[i]
  return s / (b - a)
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

/** Tempo, meter, sections with times/labels/energy and mean vocal activity, as JSON text. */
export function analysisSummary(analysis: Analysis, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      durationSec: round(analysis.source.durationSec),
      tempo: { bpm: round(analysis.tempo.bpm, 1), varying: analysis.tempo.varying },
      meter: analysis.meter,
      sections: songSections(analysis).map((s) => ({
        index: s.index,
        label: s.label,
        start: round(s.start),
        end: round(s.end),
        energy: round(s.energy),
        vocal: round(meanOver(analysis.features.vocal, s.start, s.end)),
      })),
      ...extra,
    },
    null,
    1,
  )
}

/**
 * The brief as JSON data. JSON.stringify escapes quotes and newlines, so the text cannot close the
 * fence on a line of its own; fence markers inside values are defused anyway.
 */
export function briefJson(brief: Brief): string {
  // Where the brief sits on this machine is none of the model's business; the notes have their own fence (notesText).
  const { baseDir: _baseDir, notes: _notes, ...data } = brief
  return defuseFences(JSON.stringify(data, null, 1))
}

/** The brief's Markdown notes as they were written, fence markers defused ("(none)" when empty). */
export function notesText(brief: Brief): string {
  const text = brief.notes.trim()
  return text === '' ? '(none)' : defuseFences(text)
}

export function defuseFences(text: string): string {
  return text.replace(/<<<|>>>/g, '< < <').replace(/\b(BEGIN|END)(\s+[A-Z]+\s+(JSON|SUMMARY|TEXT))/g, '$1_$2')
}

/** Strips path-like sequences and control characters from model text (it is never used as a path). */
export function sanitizeText(text: string, maxLen: number): string {
  const clean = text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/(\.\.[\\/])+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return clean.length > maxLen ? clean.slice(0, maxLen) : clean
}
