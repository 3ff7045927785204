import { frameControls } from '../audio/controls.js'
import type { SegmentRequest } from '../render/generators/types.js'
import type { Analysis, CharacterCard, LocationCard, Shot, ShotPlan, Treatment } from '../schemas/index.js'
import { frameToSeconds } from '../time.js'
import type { ShotMemoryInputs } from './machines/shotMachine.js'

/** What a generator is asked for one shot (without where to write it). Pure. */
export function shotRequest(
  made: { plan: ShotPlan; treatment: Treatment; analysis: Analysis; songPath: string; vocalsPath?: string },
  shotIndex: number,
  revision: Partial<Shot>,
  fromMemory: ShotMemoryInputs,
): Omit<SegmentRequest, 'out' | 'attempt'> {
  const { plan: p, treatment: t } = made
  const shot: Shot = { ...p.shots[shotIndex], ...revision }
  const location = t.entities.find((e): e is LocationCard => e.kind === 'location' && e.id === shot.locationId)
  if (!location) throw new Error(`plan.json: shot ${shotIndex} names location '${shot.locationId}', which the treatment does not have`)
  const characters = shot.characterIds.map((id) => {
    const c = t.entities.find((e): e is CharacterCard => e.kind === 'character' && e.id === id)
    if (!c) throw new Error(`plan.json: shot ${shotIndex} names character '${id}', which the treatment does not have`)
    return c
  })
  return {
    shot,
    fps: p.fps,
    width: p.width,
    height: p.height,
    frames: shot.endFrame - shot.startFrame,
    style: t.styleBible,
    mood: t.sectionMoods.find((m) => m.sectionIndex === shot.sectionIndex),
    location,
    characters,
    controls: frameControls(made.analysis, p.fps, shot.startFrame, shot.endFrame),
    audio: {
      path: made.songPath,
      startSec: frameToSeconds(shot.startFrame, p.fps),
      endSec: frameToSeconds(shot.endFrame, p.fps),
      ...(made.vocalsPath ? { vocalsPath: made.vocalsPath } : {}),
    },
    ...(p.captionsShown === false ? { hideCaptions: true } : {}),
    ...(p.bareStills && p.captionsShown !== false ? { bareStills: true } : {}),
    ...(p.captionStyle ? { captionStyle: p.captionStyle } : {}),
    initKeyframe: fromMemory.initKeyframe,
    ...(shotIndex > 0 && (shot.transition === 'match' || shot.transition === 'continuous') ? { previousShot: p.shots[shotIndex - 1] } : {}),
    referenceKeyframes: Object.fromEntries(Object.entries(fromMemory.references).map(([id, refs]) => [id, refs.map((r) => r.image)])),
  }
}
