/**
 * Shot grammar: what a new set-up shows (kind), what its figures do (action) and how it is framed,
 * each a seeded weighted choice from what the music and the cards allow, never a fixed cycle.
 */
import type { CharacterCard, LocationCard, Shot, ShotAction, ShotKind } from '../../schemas/index.js'
import { weightedPick } from '../heuristics/hash.js'
import { resolveFigure } from '../../schemas/figure.js'
import { insertableProps } from '../director/locations.js'
import type { ShotMusic } from './music.js'

type Framing = Shot['framing']

/** The instrument a character plays (not a microphone: singing into one is a performance), from its card's figure. */
export function instrumentOf(card: CharacterCard): string | undefined {
  const instrument = resolveFigure(card.shape).instrument
  return instrument && instrument !== 'microphone' ? instrument : undefined
}

/** Props a place holds that an insert can show. */
export function propsOf(location: LocationCard): string[] {
  return insertableProps(location)
}

export interface KindContext {
  music: ShotMusic
  prev: Pick<Shot, 'kind'> | undefined
  opener: boolean
  cast: readonly CharacterCard[]
  props: readonly string[]
  /** A strong lyric line (several words) is timed under the shot. */
  strongLine: boolean
  /** Shots since the last lyric shot (Infinity when none yet). */
  sinceLyric: number
  /** An abstract insert is already in this section. */
  abstractInSection: boolean
}

/** What a new set-up shows. Openers show the place (figures or silhouettes); inserts never open. */
export function chooseKind(c: KindContext, r: number): ShotKind {
  const prev = c.prev?.kind ?? 'figures'
  const peopled = c.cast.length > 0
  const weights: Array<[ShotKind, number]> = [
    ['figures', peopled ? 1.6 : 1],
    ['silhouette', peopled && prev !== 'silhouette' ? (c.music.quiet ? 0.6 : 0.35) : 0],
    ['insert', !c.opener && c.props.length > 0 && prev !== 'insert' ? 0.35 : 0],
    ['lyric', !c.opener && c.music.chorus && c.strongLine && c.sinceLyric >= 3 && prev !== 'lyric' ? 1.4 : 0],
    ['abstract', c.opener || prev === 'abstract' ? 0 : c.music.break ? (c.abstractInSection ? 0.8 : 3) : c.music.instrumental ? (peopled ? 0.4 : 0.8) : 0],
  ]
  return weightedPick(weights, r)
}

export interface ActionContext {
  music: ShotMusic
  framing: Framing
  /** Someone in frame plays an instrument. */
  player: boolean
}

/** What the figures do, weighted by the music: sing to camera, play, walk or run in builds, dance when loud. */
export function actionWeights(c: ActionContext): Array<[ShotAction, number]> {
  const { music: m } = c
  const body = c.framing !== 'close'
  return [
    ['perform', m.vocal ? 3 : 0.6],
    ['play', c.player ? (m.vocal ? 1.2 : 2.5) : 0],
    ['walk', body ? (m.build ? 2 : m.loud ? 0.3 : 0.9) : 0],
    ['run', body && m.build && !m.quiet ? 1.5 : body && m.loud ? 0.4 : 0],
    ['dance', body && !m.quiet ? (m.loud ? 2.2 : m.build ? 0.6 : 0.25) : 0],
  ]
}

/** Framings a new set-up of this kind may take, weighted by energy (loud music comes closer). */
export function framingWeights(kind: ShotKind, loud: boolean, peopled: boolean): Array<[Framing, number]> {
  switch (kind) {
    case 'insert':
      return [['close', 1]]
    case 'abstract':
      return [['wide', 1]]
    case 'lyric':
      return [['medium', 1]]
    case 'silhouette':
      return [['wide', 1.2], ['medium', 1]]
    case 'figures':
      if (!peopled) return [['wide', 1], ['medium', 1]]
      return loud ? [['wide', 0.8], ['medium', 1.3], ['close', 1.2]] : [['wide', 1.2], ['medium', 1.2], ['close', 0.8]]
  }
}

/**
 * Framing and action for a new set-up that differ from the previous shot in the same place in at
 * least one of the two: the first weighted pair that does, starting from the seeded draw.
 */
export function pickFramingAndAction(
  framings: Array<[Framing, number]>,
  actionsFor: (framing: Framing) => Array<[ShotAction, number]>,
  clash: (framing: Framing, action: ShotAction) => boolean,
  r1: number,
  r2: number,
): { framing: Framing; action: ShotAction } {
  const first = weightedPick(framings, r1)
  const order = [first, ...framings.map(([f]) => f).filter((f) => f !== first)]
  for (const framing of order) {
    const weights = actionsFor(framing)
    const pick = weightedPick(weights, r2)
    const ranked = [pick, ...weights.filter(([a, w]) => w > 0 && a !== pick).sort((a, b) => b[1] - a[1]).map(([a]) => a)]
    const action = ranked.find((a) => !clash(framing, a))
    if (action) return { framing, action }
  }
  // Every pair clashes (one framing, one action): any other action keeps the rule.
  const framing = order[0]
  const action = (['perform', 'walk', 'dance', 'play', 'run'] as const).find((a) => !clash(framing, a))!
  return { framing, action }
}
