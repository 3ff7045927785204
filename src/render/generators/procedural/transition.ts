/**
 * How a shot opens: a planned dissolve blends the previous last frame in over the whole frame; a
 * match cut or a continuous move keeps the previous set-up's layout and frames it closer (the
 * continuous move starting where the previous camera stopped). The camera of every shot carries
 * the floor of motion (idle drift on the film's clock).
 */
import type { Shot } from '../../../schemas/index.js'
import type { SegmentRequest } from '../types.js'
import { addCamera, cameraAt, frameOn, idleDrift, lerpCamera, REFRAME_ZOOM, type CameraState } from './camera.js'
import type { Stage } from './stage.js'

/** A placed figure as far as framing goes: feet at (x, y) in world pixels, h tall. */
interface Placed {
  pose: { x: number; y: number; h: number }
}

/** Shortest full-frame dissolve, in frames; a dissolve lasts DISSOLVE_SECONDS when the frame rate allows. */
export const DISSOLVE_FRAMES = 8
export const DISSOLVE_SECONDS = 0.6

/** Frames a 'dissolve' shot blends in from the previous shot's last frame (never its whole length). */
export function dissolveFrames(fps: number, frames: number): number {
  return Math.max(1, Math.min(frames - 1, Math.max(DISSOLVE_FRAMES, Math.round(DISSOLVE_SECONDS * fps))))
}

export const baseZoomOf = (framing: string) => (framing === 'close' ? 1.12 : 1)

/**
 * The camera of a shot at frame i, with its floor of motion (idle drift on the film's clock, so it
 * runs on across a continuous move). A match cut or a continuous move keeps the previous set-up's
 * layout and frames `target` closer; a continuous move starts where the previous camera stopped.
 */
export function shotCamera(req: SegmentRequest, i: number, target: CameraState | undefined): CameraState {
  const { shot, fps } = req
  const u = req.frames > 1 ? i / (req.frames - 1) : 0
  const idle = idleDrift((shot.startFrame + i) / fps, shot.motionGain)
  const prev = req.previousShot
  if (target && prev && shot.transition === 'continuous') {
    const prevFrames = prev.endFrame - prev.startFrame
    const end = cameraAt(prev.camera, 1, (prevFrames - 1) / fps, baseZoomOf(prev.framing))
    return addCamera(lerpCamera(end, target, u), idle)
  }
  if (target) {
    const move = cameraAt(shot.camera, u, i / fps, target.zoom)
    return addCamera({ zoom: move.zoom, x: move.x + target.x, y: move.y + target.y }, idle)
  }
  return addCamera(cameraAt(shot.camera, u, i / fps, baseZoomOf(shot.framing)), idle)
}

/** Where a reframing shot looks: the middle of the group (medium) or the first figure's face (close). */
export function reframeTarget(figures: readonly Placed[], framing: Shot['framing'], stage: Stage): CameraState | undefined {
  if (figures.length === 0 || framing === 'wide') return undefined
  const on = framing === 'close' ? [figures[0]] : figures
  const x = on.reduce((a, f) => a + f.pose.x, 0) / on.length
  const y = on.reduce((a, f) => a + f.pose.y - (framing === 'close' ? 0.8 : 0.5) * f.pose.h, 0) / on.length
  // A group keeps everyone in: its outer figures at most about 0.2 of the frame from the edges.
  const span = on.length > 1 ? (Math.max(...on.map((f) => f.pose.x)) - Math.min(...on.map((f) => f.pose.x))) / stage.W : 0
  const zoom = span > 0 ? Math.max(1.4, Math.min(REFRAME_ZOOM[framing], 0.62 / span)) : REFRAME_ZOOM[framing]
  return frameOn({ x: (x - stage.ox) / stage.W, y: (y - stage.oy) / stage.H }, zoom, stage)
}

