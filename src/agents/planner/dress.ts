/**
 * Dressing shots: who is in frame, how it is framed, how the camera moves, and whether the shot
 * continues the previous one. Sequential because each choice looks at the shot before.
 */
import type { CameraMove, SectionMood, Shot } from '../../schemas/index.js'
import { rng, seedFor, weightedPick } from '../heuristics/hash.js'
import { isLoud } from '../heuristics/sections.js'

export interface Frames {
  startFrame: number
  endFrame: number
  sectionIndex: number
  /** Position of the shot within its section. */
  k: number
}

export type Dressed = Omit<Shot, 'prompt' | 'captions' | 'cutOn'>

type Framing = Shot['framing']

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

/** After the opening wide shot, new set-ups cycle through these (continued shots then tighten). */
const FRAMING_CYCLE: readonly Framing[] = ['close', 'medium', 'wide']
const EMPTY_FRAMING_CYCLE: readonly Framing[] = ['medium', 'wide']

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
  tightens: boolean
  last: boolean
  r: number
}

function camera({ prev, k, loud, continues, tightens, last, r }: CameraChoice): CameraMove {
  if (k === 0) return OPENING_MOVES.find((m) => m !== prev)!
  if (last && prev !== 'pull-out') return 'pull-out'
  if (tightens) return TIGHTENING_MOVES.find((m) => m !== prev)!
  // A continued shot keeps the camera travelling: holding still would read as a freeze.
  const pool = (loud ? LOUD_MOVES : QUIET_MOVES).filter(([m]) => m !== prev && !(continues && m === 'static'))
  return weightedPick(pool, r)
}

/**
 * Who is in frame: everyone wide, up to two in medium, one in close-up. Close-ups go to whoever
 * has had the fewest so far (cast order breaks ties), so every character gets their moment.
 */
function castFor(framing: Framing, cast: readonly string[], closeUps: Map<string, number>, mediumTurn: number): string[] {
  if (framing === 'wide' || cast.length === 0) return [...cast]
  if (framing === 'medium') {
    return cast.length <= 2 ? [...cast] : [cast[mediumTurn % cast.length], cast[(mediumTurn + 1) % cast.length]]
  }
  const pick = cast.reduce((best, id) => ((closeUps.get(id) ?? 0) < (closeUps.get(best) ?? 0) ? id : best))
  closeUps.set(pick, (closeUps.get(pick) ?? 0) + 1)
  return [pick]
}

export function dressShots(frames: readonly Frames[], moods: ReadonlyMap<number, SectionMood>, title: string): Dressed[] {
  const out: Dressed[] = []
  let setups = 0
  // Film-wide counts, so the cast rotates across sections, not just within one.
  const closeUps = new Map<string, number>()
  let mediumTurn = 0
  const cast = (framing: Framing, from: readonly string[]): string[] =>
    castFor(framing, from, closeUps, framing === 'medium' ? mediumTurn++ : mediumTurn)
  frames.forEach((f, index) => {
    const mood = moods.get(f.sectionIndex)
    if (!mood) throw new Error(`planner: the treatment has no mood for section ${f.sectionIndex}`)
    const prev = out[index - 1]
    if (f.k === 0) setups = 0
    const r = rng(seedFor(title, 'dress', index))
    // Every other shot within a section continues the one before (never a section's first).
    const continues = f.k % 2 === 1 && prev !== undefined && prev.sectionIndex === f.sectionIndex && prev.locationId === mood.locationId
    let framing: Framing
    let characterIds: string[]
    if (continues) {
      // The continued shot moves in: one step tighter, on part of the same cast.
      framing = TIGHTER[prev.framing]
      characterIds = framing === prev.framing ? [...prev.characterIds] : cast(framing, prev.characterIds)
    } else {
      const cycle = mood.characterIds.length > 0 ? FRAMING_CYCLE : EMPTY_FRAMING_CYCLE
      framing = setups === 0 ? 'wide' : cycle[(setups - 1) % cycle.length]
      // A new set-up should look new: skip ahead when the cycle repeats the previous framing.
      if (setups > 0 && framing === prev?.framing) framing = cycle[setups++ % cycle.length]
      characterIds = cast(framing, mood.characterIds)
      setups++
    }
    out.push({
      index,
      startFrame: f.startFrame,
      endFrame: f.endFrame,
      sectionIndex: f.sectionIndex,
      locationId: mood.locationId,
      characterIds,
      camera: camera({
        prev: prev?.camera,
        k: f.k,
        loud: isLoud(mood.intensity),
        continues,
        tightens: continues && framing !== prev.framing,
        last: index === frames.length - 1,
        r: r(),
      }),
      framing,
      seed: seedFor(title, index),
      continuesPrevious: continues,
      motionGain: round3(Math.min(1, Math.max(0, 0.15 + 0.8 * mood.intensity))),
    })
  })
  return out
}
