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
