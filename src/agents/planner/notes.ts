/**
 * The notes' post-pass over a finished plan: who is in the first and last shots, framings,
 * places and characters to avoid, a place for a section. Each sentence of the notes ends up
 * applied (with what it did) or not applied (with why) in `plan.notes`. Pure.
 */
import { ShotPlan, type CharacterCard, type LocationCard, type NotesOutcome, type Shot } from '../../schemas/index.js'
import { songSections } from '../heuristics/sections.js'
import { directivesOf, readNotes, type NoteDirective } from '../notes.js'
import { PlannerInput } from '../types.js'
import { assertPlanInvariants } from './invariants.js'
import { shotPrompt } from './prompt.js'

type Framing = Shot['framing']

export interface PlanNotesOptions {
  /** The model that planned (it was given the notes): sentences code cannot read are left to it. */
  model?: string
}

/** Applies what code can read of `input.brief.notes` to the plan and records every sentence's outcome. */
export function applyNotesToPlan(plan: ShotPlan, raw: PlannerInput, opts: PlanNotesOptions = {}): ShotPlan {
  const input = PlannerInput.parse(raw)
  if (input.brief.notes.trim() === '') return plan
  const { treatment, analysis } = input
  const read = readNotes(input.brief.notes, treatment)
  const cards = new Map(treatment.entities.map((e) => [e.id, e]))
  const moods = new Map(treatment.sectionMoods.map((m) => [m.sectionIndex, m]))
  const nameOf = (id: string) => cards.get(id)?.name ?? id
  const list = (ids: string[]) => (ids.length ? ids.map(nameOf).join(' and ') : 'no one')
  const shots: Shot[] = plan.shots.map((s) => ({ ...s }))
  const changed = new Set<number>()
  const set = (i: number, patch: Partial<Shot>) => {
    Object.assign(shots[i], patch)
    changed.add(i)
  }
  const avoided = { framings: new Set<Framing>(), locations: new Set<string>() }
  for (const d of directivesOf(read)) {
    if (d.kind === 'avoid-framing') avoided.framings.add(d.framing)
    if (d.kind === 'avoid-location') avoided.locations.add(d.locationId)
  }
  const places = treatment.entities.filter((e) => e.kind === 'location').map((e) => e.id)
  const sections = songSections(analysis)

  /** What one directive did to the plan (an effect), or why it could not (a reason). */
  const apply = (d: NoteDirective): { effect: string } | { reason: string } => {
    switch (d.kind) {
      case 'section-place': {
        const hit = sections.filter((s) => s.label.toLowerCase().startsWith(d.section))
        if (!hit.length) return { reason: `the song has no ${d.section}` }
        const idx = new Set(hit.map((s) => s.index))
        shots.forEach((s, i) => idx.has(s.sectionIndex) && s.locationId !== d.locationId && set(i, { locationId: d.locationId }))
        return { effect: `${d.section} (section${hit.length > 1 ? 's' : ''} ${[...idx].join(', ')}) in ${nameOf(d.locationId)}` }
      }
      case 'avoid-location': {
        const others = places.filter((p) => !avoided.locations.has(p))
        const using = shots.filter((s) => s.locationId === d.locationId).length
        if (using && !others.length) return { reason: `the brief has no other place than ${nameOf(d.locationId)}` }
        shots.forEach((s, i) => {
          if (s.locationId !== d.locationId) return
          const mood = moods.get(s.sectionIndex)?.locationId
          set(i, { locationId: mood && !avoided.locations.has(mood) ? mood : others[0] })
        })
        return { effect: `no shot in ${nameOf(d.locationId)}${using ? ` (${using} moved)` : ''}` }
      }
      case 'avoid-character': {
        let n = 0
        shots.forEach((s, i) => {
          if (!s.characterIds.includes(d.characterId)) return
          n++
          const characterIds = s.characterIds.filter((c) => c !== d.characterId)
          set(i, { characterIds, ...(characterIds.length === 0 && s.framing === 'close' ? { framing: reframe('close', avoided.framings, 'wide') } : {}) })
        })
        return { effect: `${nameOf(d.characterId)} in no shot${n ? ` (left out of ${n})` : ''}` }
      }
      case 'avoid-framing': {
        const to = reframe(d.framing, avoided.framings)
        if (to === d.framing) return { reason: 'every framing is avoided' }
        let n = 0
        shots.forEach((s, i) => s.framing === d.framing && (n++, set(i, { framing: to })))
        return { effect: `no ${d.framing} shots${n ? ` (${n} reframed ${to})` : ''}` }
      }
      case 'first-shot':
      case 'last-shot': {
        const i = d.kind === 'first-shot' ? 0 : shots.length - 1
        const s = shots[i]
        const characterIds = d.characterIds ?? s.characterIds
        const locationId = d.locationId ?? s.locationId
        const patch: Partial<Shot> = { characterIds, locationId }
        // Several figures do not fit a close-up; no one makes it a view of the place.
        if (s.framing === 'close' && characterIds.length !== 1) patch.framing = reframe('close', avoided.framings, characterIds.length ? 'medium' : 'wide')
        if (s.kind && s.kind !== 'figures' && s.kind !== 'silhouette' && characterIds.length) Object.assign(patch, { kind: 'figures', prop: undefined })
        const moved = characterIds.join() !== s.characterIds.join() || locationId !== s.locationId
        // A continued shot starts from the previous one's last frame: with other figures it is a cut.
        if (moved && s.continuesPrevious) Object.assign(patch, { continuesPrevious: false, ...(s.transition && s.transition !== 'cut' ? { transition: 'cut' } : {}) })
        if (moved || patch.framing || patch.kind) set(i, patch)
        const where = d.locationId ? ` in ${nameOf(locationId)}` : ''
        return { effect: `the ${d.kind === 'first-shot' ? 'first' : 'last'} shot (shot ${i}) shows ${list(characterIds)}${where}` }
      }
    }
  }

  const outcome: NotesOutcome = { applied: [], notApplied: [] }
  for (const n of read.notes) {
    const results = n.directives.map(apply)
    const effects = results.flatMap((r) => ('effect' in r ? [r.effect] : []))
    const reasons = [...results.flatMap((r) => ('reason' in r ? [r.reason] : [])), ...(n.unread ? [n.unread] : [])]
    if (effects.length) outcome.applied.push({ note: n.note, effect: [...effects, ...reasons.map((r) => `not applied: ${r}`)].join('; ') })
    else outcome.notApplied.push({ note: n.note, reason: opts.model ? `left to the model ${opts.model} (code reads no directive in it)` : reasons.join('; ') })
  }

  for (const i of changed) {
    const s = shots[i]
    const mood = moods.get(s.sectionIndex)!
    const characters = s.characterIds.map((c) => cards.get(c) as CharacterCard)
    s.prompt = shotPrompt(s, treatment.styleBible, cards.get(s.locationId) as LocationCard, characters, mood)
    if (s.prop === undefined) delete s.prop
  }
  const out = ShotPlan.parse({ ...plan, shots, notes: outcome })
  assertPlanInvariants(out, analysis, { maxShotFrames: input.maxShotFrames, treatment })
  return out
}

/** The framing that replaces an avoided one: the next nearest not avoided (close ↔ medium ↔ wide). */
function reframe(from: Framing, avoided: ReadonlySet<Framing>, prefer?: Framing): Framing {
  const order: Record<Framing, Framing[]> = { close: ['medium', 'wide'], medium: ['wide', 'close'], wide: ['medium', 'close'] }
  const candidates = prefer ? [prefer, ...order[from].filter((f) => f !== prefer)] : order[from]
  return candidates.find((f) => !avoided.has(f) && f !== from) ?? from
}
