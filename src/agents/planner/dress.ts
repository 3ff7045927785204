/**
 * Dressing shots: who is in frame, what the shot shows and how it is framed, what the figures do,
 * how the camera moves and how the shot opens. Sequential because each choice looks at the shot
 * before: no two neighbours share place, framing and action, and a continuing shot is a match cut
 * or one continuous camera move (never a cross-fade between framings).
 */
import type { CameraMove, CharacterCard, LocationCard, SectionMood, Shot, ShotAction, ShotKind, ShotTransition } from '../../schemas/index.js'
import { rng, seedFor, weightedPick } from '../heuristics/hash.js'
import { isLoud } from '../heuristics/sections.js'
import { actionWeights, chooseKind, framingWeights, instrumentOf, pickFramingAndAction, propsOf } from './grammar.js'
import type { ShotMusic } from './music.js'

export interface Frames {
  startFrame: number
  endFrame: number
  sectionIndex: number
  /** Position of the shot within its section. */
  k: number
}

export type Dressed = Omit<Shot, 'prompt' | 'captions' | 'cutOn'> & {
  action: ShotAction
  kind: ShotKind
  transition: ShotTransition
}

type Framing = Shot['framing']

export interface DressInput {
  frames: readonly Frames[]
  moods: ReadonlyMap<number, SectionMood>
  title: string
  /** The music under each frame span, same order. */
  music: readonly ShotMusic[]
  /** A strong lyric line under each frame span, same order. */
  strongLine: readonly boolean[]
  characters: ReadonlyMap<string, CharacterCard>
  locations: ReadonlyMap<string, LocationCard>
}

/** Share of eligible shots that continue the set-up before them (match cut or continuous move). */
export const CONTINUE_SHARE = 0.4
/** Music at this share of the song's loud level or above drives motion at the section's full intensity. */
const SOFT_LEVEL = 0.6
/** Share of quiet section openings that dissolve in. */
export const DISSOLVE_SHARE = 0.6

/** Section openings: a move that reveals (push-in first). */
const OPENING_MOVES: readonly CameraMove[] = ['push-in', 'crane-up', 'drift', 'pull-out']

/** Loud sections move a lot and rarely hold still; quiet ones drift and hold. */
const LOUD_MOVES: ReadonlyArray<readonly [CameraMove, number]> = [
  ['push-in', 3],
  ['pan-left', 2],
  ['pan-right', 2],
  ['crane-up', 2],
  ['pull-out', 2],
  ['drift', 1],
  ['static', 0.4],
]
const QUIET_MOVES: ReadonlyArray<readonly [CameraMove, number]> = [
  ['drift', 3],
  ['static', 2],
  ['push-in', 2],
  ['pull-out', 2],
  ['pan-left', 1],
  ['pan-right', 1],
  ['crane-up', 1],
]

function round3(v: number): number {
  return Math.round(v * 1000) / 1000
}

/** A continued shot that tightens its framing is the camera travelling in. */
const TIGHTENING_MOVES: readonly CameraMove[] = ['push-in', 'drift', 'crane-up']

const TIGHTER: Record<Framing, Framing> = { wide: 'medium', medium: 'close', close: 'close' }

interface CameraChoice {
  prev: CameraMove | undefined
  k: number
  loud: boolean
  continues: boolean
  last: boolean
  r: number
}

function camera({ prev, k, loud, continues, last, r }: CameraChoice): CameraMove {
  if (k === 0) return OPENING_MOVES.find((m) => m !== prev)!
  if (last && prev !== 'pull-out') return 'pull-out'
  if (continues) return TIGHTENING_MOVES.find((m) => m !== prev)!
  return weightedPick((loud ? LOUD_MOVES : QUIET_MOVES).filter(([m]) => m !== prev), r)
}

/**
 * Who is in frame: everyone wide, up to two in medium, one in close-up. Close-ups go to whoever
 * has had the fewest so far (cast order breaks ties; a player first when the shot is about playing).
 */
function castFor(framing: Framing, cast: readonly string[], closeUps: Map<string, number>, mediumTurn: number, prefer: ReadonlySet<string>): string[] {
  if (framing === 'wide' || cast.length === 0) return [...cast]
  if (framing === 'medium') {
    return cast.length <= 2 ? [...cast] : [cast[mediumTurn % cast.length], cast[(mediumTurn + 1) % cast.length]]
  }
  const pool = prefer.size > 0 ? cast.filter((id) => prefer.has(id)) : cast
  const pick = pool.reduce((best, id) => ((closeUps.get(id) ?? 0) < (closeUps.get(best) ?? 0) ? id : best))
  closeUps.set(pick, (closeUps.get(pick) ?? 0) + 1)
  return [pick]
}

/** Whether a shot can be continued: a fresh set-up of figures that a tighter framing can match. */
function continuable(prev: Dressed | undefined, f: Frames, locationId: string): prev is Dressed {
  return (
    prev !== undefined &&
    f.k > 0 &&
    prev.sectionIndex === f.sectionIndex &&
    prev.locationId === locationId &&
    (prev.transition === 'cut' || prev.transition === 'dissolve') &&
    (prev.kind === 'figures' || prev.kind === 'silhouette') &&
    prev.characterIds.length > 0 &&
    (prev.framing === 'wide' || (prev.framing === 'medium' && prev.characterIds.length === 1))
  )
}

export function dressShots(input: DressInput): Dressed[] {
  const { frames, moods, title } = input
  const out: Dressed[] = []
  // Film-wide counts, so the cast rotates across sections, not just within one.
  const closeUps = new Map<string, number>()
  let mediumTurn = 0
  let lastLyric = -Infinity
  const abstractSections = new Set<number>()
  frames.forEach((f, index) => {
    const mood = moods.get(f.sectionIndex)
    if (!mood) throw new Error(`planner: the treatment has no mood for section ${f.sectionIndex}`)
    const prev = out[index - 1]
    const music = input.music[index]
    const r = rng(seedFor(title, 'dress', index))
    const location = input.locations.get(mood.locationId)
    const castCards = mood.characterIds.map((id) => input.characters.get(id)).filter((c): c is CharacterCard => c !== undefined)
    const players = new Set(castCards.filter((c) => instrumentOf(c) !== undefined).map((c) => c.id))

    let transition: ShotTransition = 'cut'
    let kind: ShotKind
    let framing: Framing
    let action: ShotAction
    let characterIds: string[]
    let prop: string | undefined
    const rc = r()
    const rt = r()
    if (continuable(prev, f, mood.locationId) && rc < CONTINUE_SHARE) {
      // Same figures where they stood, one step tighter: a match cut, or in calm music one camera move on.
      transition = !music.loud && rt < 0.5 ? 'continuous' : 'match'
      kind = prev.kind
      framing = TIGHTER[prev.framing]
      action = prev.action
      characterIds = [...prev.characterIds]
    } else {
      if (f.k === 0 && prev !== undefined && music.quiet && rt < DISSOLVE_SHARE) transition = 'dissolve'
      const props = location ? propsOf(location) : []
      kind = chooseKind(
        { music, prev, opener: f.k === 0, cast: castCards, props, strongLine: input.strongLine[index], sinceLyric: index - lastLyric, abstractInSection: abstractSections.has(f.sectionIndex) },
        r(),
      )
      const clash = (fr: Framing, a: ShotAction) => prev !== undefined && prev.locationId === mood.locationId && prev.framing === fr && prev.action === a
      const figured = kind === 'figures' || kind === 'silhouette'
      const chosen = pickFramingAndAction(
        f.k === 0 ? [['wide', 1]] : framingWeights(kind, music.loud, castCards.length > 0),
        (fr) => (figured && castCards.length > 0 ? actionWeights({ music, framing: fr, player: players.size > 0 }) : [['perform', 1]]),
        clash,
        r(),
        r(),
      )
      framing = chosen.framing
      action = chosen.action
      if (kind === 'insert') {
        characterIds = []
        prop = props[Math.floor(r() * props.length) % props.length]
      } else if (kind === 'abstract') {
        characterIds = []
        abstractSections.add(f.sectionIndex)
      } else {
        const prefer = action === 'play' ? players : new Set<string>()
        characterIds = castFor(framing, mood.characterIds, closeUps, framing === 'medium' ? mediumTurn++ : mediumTurn, prefer)
      }
      if (kind === 'lyric') lastLyric = index
    }
    const continues = transition === 'match' || transition === 'continuous'
    out.push({
      index,
      startFrame: f.startFrame,
      endFrame: f.endFrame,
      sectionIndex: f.sectionIndex,
      locationId: mood.locationId,
      characterIds,
      camera: camera({ prev: prev?.camera, k: f.k, loud: isLoud(mood.intensity), continues, last: index === frames.length - 1, r: r() }),
      framing,
      seed: seedFor(title, index),
      // Keyframe chaining: a continuing shot and a dissolve both start from the previous last frame.
      continuesPrevious: continues || transition === 'dissolve',
      // The section's intensity, held down where the music under the shot is soft (a quiet opening
      // inside a loud section); a continuous move keeps its set-up's gain, so nothing jumps at the join.
      motionGain:
        transition === 'continuous' && prev ? prev.motionGain : round3(Math.min(1, Math.max(0, 0.15 + 0.8 * Math.min(mood.intensity, music.level / SOFT_LEVEL)))),
      action,
      kind,
      transition,
      ...(prop !== undefined ? { prop } : {}),
    })
  })
  return out
}
