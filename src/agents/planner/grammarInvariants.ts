/**
 * The shot grammar's rules over a plan: honest transitions (a continuing shot is a match cut or a
 * continuous move on the same figures in the same place; a dissolve only in quiet music), what each
 * kind of shot holds, and (for the heuristic planner) no two neighbours with the same place,
 * framing and action.
 */
import type { Analysis, ShotPlan } from '../../schemas/index.js'
import { InvariantError } from '../types.js'
import { shotMusic } from './music.js'

function fail(rule: string, detail: string): never {
  throw new InvariantError('plan', rule, detail)
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])

export function assertGrammarInvariants(plan: ShotPlan, analysis: Analysis, opts: { variety: boolean }): void {
  const shots = plan.shots
  const music = shotMusic(analysis, plan.fps, shots.map((s) => ({ ...s, sung: false })))
  shots.forEach((shot, i) => {
    const prev = shots[i - 1]
    const t = shot.transition
    if (t !== undefined) {
      const chains = t === 'match' || t === 'continuous' || t === 'dissolve'
      if (shot.continuesPrevious !== chains) {
        fail('transition', `shot ${i} opens with a ${t} but has continuesPrevious ${shot.continuesPrevious}`)
      }
      if (chains && !prev) fail('transition', `shot 0 opens with a ${t}: there is no shot before it`)
      if (prev && (t === 'match' || t === 'continuous')) {
        const where = `shot ${i} (${t})`
        if (prev.sectionIndex !== shot.sectionIndex || prev.locationId !== shot.locationId) fail('transition', `${where} changes section or place`)
        if (!sameIds(prev.characterIds, shot.characterIds)) fail('transition', `${where} does not keep the figures of shot ${i - 1}`)
        if (prev.framing === shot.framing) fail('transition', `${where} keeps the framing of shot ${i - 1}: a continuing shot reframes`)
        if ((prev.kind ?? 'figures') !== (shot.kind ?? 'figures')) fail('transition', `${where} changes what the shot shows`)
        if (prev.transition === 'match' || prev.transition === 'continuous') fail('transition', `${where} continues a shot that itself continues`)
      }
      if (t === 'dissolve' && !music[i].quiet) fail('dissolve', `shot ${i} dissolves in, but the music there is not quiet`)
    }
    const kind = shot.kind ?? 'figures'
    if (kind === 'insert' && (shot.prop === undefined || shot.characterIds.length > 0)) fail('kind', `insert shot ${i} needs a prop and no figures`)
    if (kind === 'abstract' && shot.characterIds.length > 0) fail('kind', `abstract shot ${i} holds figures`)
    if (kind !== 'insert' && shot.prop !== undefined) fail('kind', `shot ${i} names prop "${shot.prop}" but is not an insert`)
    if (opts.variety && prev && prev.locationId === shot.locationId && prev.framing === shot.framing && (prev.action ?? 'perform') === (shot.action ?? 'perform')) {
      fail('variety', `shots ${i - 1} and ${i} share place "${shot.locationId}", framing "${shot.framing}" and action "${shot.action ?? 'perform'}"`)
    }
  })
}
