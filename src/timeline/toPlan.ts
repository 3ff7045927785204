/**
 * An edit brought back from an editor (`render … --plan timeline.otio`): its clips laid onto the
 * plan of the render it was exported from. Each clip is the shot its media names
 * (`segments/shot-NN.mp4`, else a clip named `shot-NN`, else the shot at its position), now at the
 * clip's record frames; the plan's rules (tiling, snapping to beats) are checked after. Pure.
 */
import { InputError } from '../errors.js'
import type { ShotPlan } from '../schemas/index.js'
import type { TimelineCuts } from './model.js'

const SHOT_NAME = /(?:^|[\\/])shot-(\d+)(?:\.[a-z0-9]+)?$/i

function shotIndexOf(clip: TimelineCuts['clips'][number], position: number): number {
  const m = (clip.source && SHOT_NAME.exec(clip.source)) || SHOT_NAME.exec(clip.name)
  return m ? Number(m[1]) - 1 : position
}

export function planFromTimeline(cuts: TimelineCuts, base: ShotPlan, files: { timeline: string; plan: string }): ShotPlan {
  if (cuts.fps.den !== 1 || cuts.fps.num !== base.fps) {
    throw new InputError(`${files.timeline}: frame rate ${cuts.fps.num}/${cuts.fps.den}, but ${files.plan} is at ${base.fps} fps (set the editor's timeline to the render's rate)`, {
      code: 'PLAN_INVALID',
    })
  }
  if (cuts.clips.length === 0) throw new InputError(`${files.timeline}: no clips on the video track`, { code: 'PLAN_INVALID' })
  const shots = cuts.clips.map((clip, i) => {
    const k = shotIndexOf(clip, i)
    const shot = base.shots[k]
    if (!shot) throw new InputError(`${files.timeline}: clip ${i + 1} (${clip.name}) is shot ${k}, which ${files.plan} does not have (${base.shots.length} shots)`, { code: 'PLAN_INVALID' })
    return { ...shot, index: i, startFrame: clip.startFrame, endFrame: clip.endFrame }
  })
  return { ...base, shots }
}
