/** Rules every treatment must keep, whoever wrote it (reused to check LLM directors). */
import type { Analysis, Treatment } from '../../schemas/index.js'
import { songSections } from '../heuristics/sections.js'
import { InvariantError } from '../types.js'

function fail(rule: string, detail: string): never {
  throw new InvariantError('treatment', rule, detail)
}

export function assertTreatmentInvariants(treatment: Treatment, analysis: Analysis): void {
  const ids = new Set<string>()
  for (const e of treatment.entities) {
    if (ids.has(e.id)) fail('unique-entity-ids', `entity id "${e.id}" is used twice`)
    ids.add(e.id)
  }
  const locations = new Set(treatment.entities.filter((e) => e.kind === 'location').map((e) => e.id))
  const characters = new Set(treatment.entities.filter((e) => e.kind === 'character').map((e) => e.id))
  if (locations.size === 0) fail('has-location', 'the treatment has no location card')

  const expected = songSections(analysis).map((s) => s.index)
  const got = treatment.sectionMoods.map((m) => m.sectionIndex)
  const missing = expected.filter((i) => !got.includes(i))
  if (missing.length > 0) fail('mood-per-section', `no mood for section(s) ${missing.join(', ')}`)
  if (got.length !== expected.length || new Set(got).size !== got.length) {
    fail('mood-per-section', `expected one mood for each of sections ${expected.join(', ')}, got ${got.join(', ')}`)
  }
  for (const m of treatment.sectionMoods) {
    if (!locations.has(m.locationId)) fail('mood-location', `section ${m.sectionIndex} uses unknown location "${m.locationId}"`)
    for (const c of m.characterIds) {
      if (!characters.has(c)) fail('mood-characters', `section ${m.sectionIndex} uses unknown character "${c}"`)
    }
    if (new Set(m.characterIds).size !== m.characterIds.length) {
      fail('mood-characters', `section ${m.sectionIndex} lists a character twice`)
    }
  }
}
