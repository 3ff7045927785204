/**
 * What the run log says about how the brief was followed: per character and place what the
 * built-in renderer draws and what it does not ("not drawn: …"), and which notes were not applied.
 * Pure: lines with their level (warnings reach the terminal without --verbose).
 */
import type { ShotPlan, Treatment } from '../schemas/index.js'

export interface LogLine {
  level: 'info' | 'warn'
  message: string
}

export function treatmentLogLines(t: Treatment): LogLine[] {
  const out: LogLine[] = []
  for (const e of t.entities) {
    const who = `${e.kind === 'character' ? 'character' : 'place'} "${e.name}"`
    if (e.features?.length) out.push({ level: 'info', message: `${who} drawn with: ${e.features.join(', ')}` })
    if (e.notDrawn?.length) out.push({ level: 'warn', message: `${who} not drawn: ${e.notDrawn.join(', ')}` })
  }
  return out
}

export function planNotesLogLines(p: ShotPlan): LogLine[] {
  if (!p.notes) return []
  return [
    ...p.notes.applied.map((n) => ({ level: 'info' as const, message: `note applied: "${n.note}" (${n.effect})` })),
    ...p.notes.notApplied.map((n) => ({ level: 'warn' as const, message: `note not applied: "${n.note}" (${n.reason})` })),
  ]
}
