/**
 * The notes' part in the treatment: a place for a section, places and characters to avoid, set
 * on the section moods so the planner (heuristic or model) starts from them. What each sentence
 * finally did is recorded by the planner's pass (planner/notes.ts), which sees the whole plan.
 */
import { Treatment, type Analysis, type SectionMood } from '../../schemas/index.js'
import { songSections } from '../heuristics/sections.js'
import { directivesOf, readNotes } from '../notes.js'
import { assertTreatmentInvariants } from './invariants.js'

/** The treatment with the notes' section places and avoid-lists applied to its moods. Pure. */
export function applyNotesToTreatment(treatment: Treatment, notes: string, analysis: Analysis): Treatment {
  if (notes.trim() === '') return treatment
  const directives = directivesOf(readNotes(notes, treatment))
  if (!directives.length) return treatment
  const labels = new Map(songSections(analysis).map((s) => [s.index, s.label.toLowerCase()]))
  const avoidedPlaces = new Set(directives.flatMap((d) => (d.kind === 'avoid-location' ? [d.locationId] : [])))
  const avoidedPeople = new Set(directives.flatMap((d) => (d.kind === 'avoid-character' ? [d.characterId] : [])))
  const places = treatment.entities.filter((e) => e.kind === 'location' && !avoidedPlaces.has(e.id)).map((e) => e.id)
  const moods: SectionMood[] = treatment.sectionMoods.map((m) => ({ ...m, characterIds: m.characterIds.filter((c) => !avoidedPeople.has(c)) }))
  for (const d of directives) {
    if (d.kind !== 'section-place') continue
    for (const m of moods) if (labels.get(m.sectionIndex)?.startsWith(d.section)) m.locationId = d.locationId
  }
  if (places.length) {
    const use = new Map(places.map((p) => [p, moods.filter((m) => m.locationId === p).length]))
    moods.forEach((m, i) => {
      if (!avoidedPlaces.has(m.locationId)) return
      // The least-used remaining place, not the one just before (consecutive sections should differ).
      const prev = moods[i - 1]?.locationId
      const pool = places.filter((p) => p !== prev)
      const pick = (pool.length ? pool : places).reduce((a, b) => (use.get(b)! < use.get(a)! ? b : a))
      use.set(pick, use.get(pick)! + 1)
      m.locationId = pick
    })
  }
  const out = Treatment.parse({ ...treatment, sectionMoods: moods })
  assertTreatmentInvariants(out, analysis)
  return out
}
