import type { CameraMove } from '../../../schemas/index.js'

/** Camera at one frame: zoom (≥ ~1) and position offsets as fractions of the frame size. */
export interface CameraState {
  zoom: number
  x: number
  y: number
}

const ease = (u: number) => u * u * (3 - 2 * u)

/** The planned move at progress u (0..1 across the shot), before beat accents. */
export function cameraAt(move: CameraMove, u: number, t: number, baseZoom: number): CameraState {
  const e = ease(Math.min(1, Math.max(0, u)))
  switch (move) {
    case 'static':
      return { zoom: baseZoom + 0.004 * Math.sin(t * 0.9), x: 0, y: 0 }
    case 'push-in':
      return { zoom: baseZoom + 0.14 * e, x: 0, y: 0.01 * e }
    case 'pull-out':
      return { zoom: baseZoom + 0.14 * (1 - e), x: 0, y: 0.01 * (1 - e) }
    case 'pan-left':
      return { zoom: baseZoom + 0.02, x: 0.07 - 0.14 * e, y: 0 }
    case 'pan-right':
      return { zoom: baseZoom + 0.02, x: -0.07 + 0.14 * e, y: 0 }
    case 'drift':
      return { zoom: baseZoom + 0.03 + 0.015 * Math.sin(t * 0.5), x: 0.04 * Math.sin(t * 0.35), y: 0.015 * Math.sin(t * 0.27 + 1) }
    case 'crane-up':
      return { zoom: baseZoom + 0.03, x: 0, y: 0.07 - 0.14 * e }
  }
}

/**
 * Transform for a layer at depth d: far layers move and zoom less (parallax).
 * Returns [scale, tx, ty] mapping world pixels to screen pixels.
 */
export function layerTransform(
  cam: CameraState,
  depth: number,
  stage: { W: number; H: number; LW: number; LH: number },
  shake: { x: number; y: number },
): [number, number, number] {
  const s = 1 + (cam.zoom - 1) * depth
  // Camera moving right slides the scene left, more so for near layers.
  const dx = -cam.x * stage.W * depth + shake.x * depth
  const dy = -cam.y * stage.H * depth + shake.y * depth
  return [s, stage.W / 2 - (s * stage.LW) / 2 + dx, stage.H / 2 - (s * stage.LH) / 2 + dy]
}

/**
 * The floor of motion: the camera circles slowly on an ellipse (constant speed, so it never stops
 * the way a back-and-forth sway does at its turning points) and breathes in and out, largest when
 * the music is quiet and nothing when it is loud (the hits move the picture then), so a quiet or beatless stretch never
 * freezes. On the film's clock, so it runs on through a continuous move.
 */
export function idleDrift(t: number, energy: number): CameraState {
  // Full below about 0.35, none from 0.75 (motion gain): loud shots keep their framing (identity checks
  // compare a centred subject) and move with the hits instead.
  const q = Math.min(1, Math.max(0, (0.75 - energy) / 0.4))
  const a = t * IDLE_RATE
  return {
    zoom: q * 0.03 * (1 - Math.cos(t * 0.37)),
    x: q * 0.04 * Math.sin(a),
    y: q * 0.05 * Math.cos(a),
  }
}

/** Radians per second of the idle circle: a lap about every 10 s. */
export const IDLE_RATE = 0.62

export function addCamera(a: CameraState, b: CameraState): CameraState {
  return { zoom: a.zoom + b.zoom, x: a.x + b.x, y: a.y + b.y }
}

export function lerpCamera(a: CameraState, b: CameraState, u: number): CameraState {
  const e = ease(Math.min(1, Math.max(0, u)))
  return { zoom: a.zoom + (b.zoom - a.zoom) * e, x: a.x + (b.x - a.x) * e, y: a.y + (b.y - a.y) * e }
}

/** How much closer a match cut or a continuous move comes than the set-up it continues. */
export const REFRAME_ZOOM: Record<'medium' | 'close', number> = { medium: 1.85, close: 2.3 }

/**
 * The camera that frames a world point (frame fractions of the figure plane, depth 1) at `zoom`,
 * kept inside the world's margin at every depth up to `maxDepth` (the edge condition is linear in
 * depth, so holding it at depth 0 and maxDepth holds it everywhere between).
 */
export function frameOn(
  point: { x: number; y: number },
  zoom: number,
  stage: { W: number; H: number; LW: number; LH: number; ox: number; oy: number },
  maxDepth = 1.25,
): CameraState {
  const s = 1 + (zoom - 1) * maxDepth
  const px = stage.ox + point.x * stage.W
  const py = stage.oy + point.y * stage.H
  const want = { x: (zoom * (px - stage.LW / 2)) / stage.W, y: (zoom * (py - stage.LH / 2)) / stage.H }
  const limX = ((s * stage.LW) / 2 - stage.W / 2) / (stage.W * maxDepth)
  const limY = ((s * stage.LH) / 2 - stage.H / 2) / (stage.H * maxDepth)
  const clamp = (v: number, lim: number) => Math.max(-0.95 * lim, Math.min(0.95 * lim, v))
  return { zoom, x: clamp(want.x, limX), y: clamp(want.y, limY) }
}
