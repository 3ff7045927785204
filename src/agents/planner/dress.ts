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

/** After the opening wide shot, new set-ups cycle through these. */
const FRAMING_CYCLE: readonly Framing[] = ['medium', 'close', 'medium', 'close', 'wide']
const EMPTY_FRAMING_CYCLE: readonly Framing[] = ['medium', 'wide']

function round3(v: number): number {
  return Math.round(v * 1000) / 1000
}

function camera(prev: CameraMove | undefined, k: number, loud: boolean, continues: boolean, last: boolean, r: number): CameraMove {
  if (k === 0) return OPENING_MOVES.find((m) => m !== prev)!
  if (last && prev !== 'pull-out') return 'pull-out'
  // A continued shot keeps the camera travelling: holding still would read as a freeze.
  const pool = (loud ? LOUD_MOVES : QUIET_MOVES).filter(([m]) => m !== prev && !(continues && m === 'static'))
  return weightedPick(pool, r)
}

/** Who is in a new set-up: everyone wide, up to two in medium, one (in turn) in close-up. */
function castFor(framing: Framing, cast: readonly string[], turn: number): string[] {
  if (cast.length === 0) return []
  if (framing === 'wide') return [...cast]
  if (framing === 'medium') return cast.length <= 2 ? [...cast] : [cast[turn % cast.length], cast[(turn + 1) % cast.length]]
  return [cast[turn % cast.length]]
}

export function dressShots(frames: readonly Frames[], moods: ReadonlyMap<number, SectionMood>, title: string): Dressed[] {
  const out: Dressed[] = []
  let setups = 0
  let turn = 0
  frames.forEach((f, index) => {
    const mood = moods.get(f.sectionIndex)
    if (!mood) throw new Error(`planner: the treatment has no mood for section ${f.sectionIndex}`)
    const prev = out[index - 1]
    if (f.k === 0) {
      setups = 0
      // Sections take turns at whose close-up comes first.
      turn = f.sectionIndex
    }
    const r = rng(seedFor(title, 'dress', index))
    // Every other shot within a section continues the one before (never a section's first).
    const continues = f.k % 2 === 1 && prev !== undefined && prev.sectionIndex === f.sectionIndex && prev.locationId === mood.locationId
    let framing: Framing
    let characterIds: string[]
    if (continues) {
      framing = prev.framing
      characterIds = [...prev.characterIds]
    } else {
      const cycle = mood.characterIds.length > 0 ? FRAMING_CYCLE : EMPTY_FRAMING_CYCLE
      framing = setups === 0 ? 'wide' : cycle[(setups - 1) % cycle.length]
      characterIds = castFor(framing, mood.characterIds, turn)
      if (framing !== 'wide') turn++
      setups++
    }
    out.push({
      index,
      startFrame: f.startFrame,
      endFrame: f.endFrame,
      sectionIndex: f.sectionIndex,
      locationId: mood.locationId,
      characterIds,
      camera: camera(prev?.camera, f.k, isLoud(mood.intensity), continues, index === frames.length - 1, r()),
      framing,
      seed: seedFor(title, index),
      continuesPrevious: continues,
      motionGain: round3(Math.min(1, Math.max(0, 0.15 + 0.8 * mood.intensity))),
    })
  })
  return out
}
