/**
 * Framing: the crop window of a clip span (at the output's aspect ratio, following the activity)
 * and the slow camera move over a still. Pure; sizes and positions in source display pixels.
 */
import type { CameraMove, Shot } from '../../../schemas/index.js'

export type Framing = Shot['framing']

/** A close shot shows this much of the largest window (a 1.25× punch-in). */
export const CLOSE_ZOOM = 0.8

/**
 * The largest window of the output's aspect ratio inside the source, shrunk to CLOSE_ZOOM for a
 * close shot; even sides (yuv420p), at least 2 px.
 */
export function cropSize(srcW: number, srcH: number, outW: number, outH: number, framing: Framing = 'medium'): { width: number; height: number } {
  const aspect = outW / outH
  let w = srcW
  let h = srcW / aspect
  if (h > srcH) {
    h = srcH
    w = srcH * aspect
  }
  const z = framing === 'close' ? CLOSE_ZOOM : 1
  const even = (x: number, max: number) => Math.max(2, Math.min(max - (max % 2), Math.round((x * z) / 2) * 2))
  return { width: even(w, srcW), height: even(h, srcH) }
}

export interface CropKeyframe {
  /** Output frame of the shot. */
  frame: number
  x: number
  y: number
}

export interface CropPlan {
  width: number
  height: number
  /** Window positions at these output frames, linear in between (one keyframe when fixed). */
  keyframes: CropKeyframe[]
  /** True when the window holds still for the whole shot. */
  fixed: boolean
}

/** What framing needs of a clip: its size and per-frame activity (activity.ts). */
export interface ActivityTrack {
  width: number
  height: number
  frames: number
  activity: { cx: ArrayLike<number>; cy: ArrayLike<number>; energy: ArrayLike<number> }
}

/** Smoothing of the window's path, seconds (Gaussian σ): a camera operator, not a tracker. */
export const CROP_SMOOTH_SEC = 0.5
/** A path that moves less than this share of the source's side is held still. */
export const CROP_MIN_TRAVEL = 0.02

/**
 * The crop window over a span: for output frame j (source frame inFrame + j·step) the centre is
 * the activity centroid smoothed over time, c_j = (Σ_i e_i g_ij c_i + ε c̄) / (Σ_i e_i g_ij + ε),
 * with e_i the motion energy of frame i, g_ij a Gaussian of σ = CROP_SMOOTH_SEC, c̄ the span's
 * energy-weighted centroid and ε 5 % of the mean Σ e g (quiet stretches drift to c̄ instead of
 * jumping). The window is centred there and clamped inside the source; a path that travels less
 * than CROP_MIN_TRAVEL is fixed at its mean. Keyframes every ~1/48 of the shot (at least every
 * 3 frames apart), linear in between.
 */
export function planClipCrop(clip: ActivityTrack, span: { inFrame: number; step: number }, frames: number, fps: number, size: { width: number; height: number }): CropPlan {
  const { width: W, height: H } = clip
  const { width: w, height: h } = size
  if (w >= W && h >= H) return { width: W, height: H, keyframes: [{ frame: 0, x: 0, y: 0 }], fixed: true }
  const e = new Float64Array(frames)
  const cx = new Float64Array(frames)
  const cy = new Float64Array(frames)
  let se = 0
  let sx = 0
  let sy = 0
  for (let j = 0; j < frames; j++) {
    const k = Math.min(clip.frames - 1, Math.max(0, Math.round(span.inFrame + j * span.step)))
    e[j] = clip.activity.energy[k]
    cx[j] = clip.activity.cx[k]
    cy[j] = clip.activity.cy[k]
    se += e[j]
    sx += e[j] * cx[j]
    sy += e[j] * cy[j]
  }
  const gx = se > 0 ? sx / se : 0.5
  const gy = se > 0 ? sy / se : 0.5
  const sigma = Math.max(1, CROP_SMOOTH_SEC * fps)
  const reach = Math.ceil(3 * sigma)
  const num = { x: new Float64Array(frames), y: new Float64Array(frames) }
  const den = new Float64Array(frames)
  let meanDen = 0
  for (let j = 0; j < frames; j++) {
    for (let i = Math.max(0, j - reach); i <= Math.min(frames - 1, j + reach); i++) {
      const wgt = e[i] * Math.exp(-((i - j) ** 2) / (2 * sigma * sigma))
      den[j] += wgt
      num.x[j] += wgt * cx[i]
      num.y[j] += wgt * cy[i]
    }
    meanDen += den[j] / frames
  }
  const eps = 0.05 * meanDen + 1e-12
  const xs = new Float64Array(frames)
  const ys = new Float64Array(frames)
  for (let j = 0; j < frames; j++) {
    const px = (num.x[j] + eps * gx) / (den[j] + eps)
    const py = (num.y[j] + eps * gy) / (den[j] + eps)
    xs[j] = clamp(px * W - w / 2, 0, W - w)
    ys[j] = clamp(py * H - h / 2, 0, H - h)
  }
  const travel = (a: Float64Array) => Math.max(...a) - Math.min(...a)
  if (travel(xs) < CROP_MIN_TRAVEL * W && travel(ys) < CROP_MIN_TRAVEL * H) {
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length
    return { width: w, height: h, keyframes: [{ frame: 0, x: Math.round(mean(xs)), y: Math.round(mean(ys)) }], fixed: true }
  }
  const every = Math.max(3, Math.ceil(frames / 48))
  const keyframes: CropKeyframe[] = []
  for (let j = 0; j < frames; j += every) keyframes.push({ frame: j, x: Math.round(xs[j]), y: Math.round(ys[j]) })
  if (keyframes[keyframes.length - 1].frame !== frames - 1) keyframes.push({ frame: frames - 1, x: Math.round(xs[frames - 1]), y: Math.round(ys[frames - 1]) })
  return { width: w, height: h, keyframes, fixed: false }
}

/** The crop window's top-left corner at output frame n (linear between keyframes). */
export function cropAt(plan: CropPlan, n: number): { x: number; y: number } {
  const k = plan.keyframes
  if (n <= k[0].frame || k.length === 1) return { x: k[0].x, y: k[0].y }
  for (let i = 0; i + 1 < k.length; i++) {
    if (n <= k[i + 1].frame) {
      const t = (n - k[i].frame) / (k[i + 1].frame - k[i].frame)
      return { x: k[i].x + (k[i + 1].x - k[i].x) * t, y: k[i].y + (k[i + 1].y - k[i].y) * t }
    }
  }
  const last = k[k.length - 1]
  return { x: last.x, y: last.y }
}

/** A still's slow move: zoom and window centre (frame fractions), linear from `from` to `to`. */
export interface StillMove {
  camera: CameraMove
  from: { zoom: number; cx: number; cy: number }
  to: { zoom: number; cx: number; cy: number }
  /** The window at zoom 1 (source px): the largest at the output's aspect, or CLOSE_ZOOM of it. */
  baseWidth: number
  baseHeight: number
}

/** Ken Burns zoom of a still over a shot: 1.0 → 1.08. */
export const STILL_ZOOM = 1.08
/** A still named 'static' still creeps in this far: a frozen picture is what the verifier rejects. */
export const STILL_STATIC_ZOOM = 1.03

/**
 * The camera move over a still, following the shot's camera:
 * - push-in and drift (the default Ken Burns): zoom 1 → 1.08 toward the most detailed region;
 * - pull-out: the reverse; static: 1 → 1.03 toward the detail;
 * - pan-left / pan-right: at zoom 1.08 the window crosses its slack right→left / left→right;
 * - crane-up: at zoom 1.08 the window rises from the bottom of its slack to the top.
 * Every window lies inside the picture.
 */
export function planStillMove(still: { width: number; height: number; detail: { cx: number; cy: number } }, camera: CameraMove, out: { width: number; height: number }, framing: Framing = 'medium'): StillMove {
  const aspect = out.width / out.height
  let bw = still.width
  let bh = still.width / aspect
  if (bh > still.height) {
    bh = still.height
    bw = still.height * aspect
  }
  const z = framing === 'close' ? CLOSE_ZOOM : 1
  const base = { baseWidth: bw * z, baseHeight: bh * z }
  const d = still.detail
  // Centres are clamped to where the window fits at that zoom, so the move between them is
  // linear over the whole shot (not stuck at an edge for part of it).
  const at = (zoom: number, cx: number, cy: number) => {
    const hw = Math.min(0.5, base.baseWidth / zoom / still.width / 2)
    const hh = Math.min(0.5, base.baseHeight / zoom / still.height / 2)
    return { zoom, cx: clamp(cx, hw, 1 - hw), cy: clamp(cy, hh, 1 - hh) }
  }
  switch (camera) {
    case 'pull-out':
      return { camera, from: at(STILL_ZOOM, d.cx, d.cy), to: at(1, d.cx, d.cy), ...base }
    case 'pan-left':
      return { camera, from: at(STILL_ZOOM, 1, d.cy), to: at(STILL_ZOOM, 0, d.cy), ...base }
    case 'pan-right':
      return { camera, from: at(STILL_ZOOM, 0, d.cy), to: at(STILL_ZOOM, 1, d.cy), ...base }
    case 'crane-up':
      return { camera, from: at(STILL_ZOOM, d.cx, 1), to: at(STILL_ZOOM, d.cx, 0), ...base }
    case 'static':
      return { camera, from: at(1, d.cx, d.cy), to: at(STILL_STATIC_ZOOM, d.cx, d.cy), ...base }
    default:
      return { camera, from: at(1, d.cx, d.cy), to: at(STILL_ZOOM, d.cx, d.cy), ...base }
  }
}

/** The window (source px, fractional) at time t ∈ [0, 1] of the shot. */
export function stillWindowAt(move: StillMove, srcW: number, srcH: number, t: number): { x: number; y: number; width: number; height: number } {
  const u = clamp(t, 0, 1)
  const lerp = (a: number, b: number) => a + (b - a) * u
  const zoom = lerp(move.from.zoom, move.to.zoom)
  const width = Math.min(srcW, move.baseWidth / zoom)
  const height = Math.min(srcH, move.baseHeight / zoom)
  const x = clamp(lerp(move.from.cx, move.to.cx) * srcW - width / 2, 0, srcW - width)
  const y = clamp(lerp(move.from.cy, move.to.cy) * srcH - height / 2, 0, srcH - height)
  return { x, y, width, height }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}
