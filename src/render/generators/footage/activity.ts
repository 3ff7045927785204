/**
 * Where the picture is active (clips) and where it is detailed (stills), from small grey frames
 * and their optical flow. Pure functions.
 */
import type { FlowField } from '../../../metrics/flow.js'

/** Where a frame's independent motion is, in frame fractions (0..1, x right, y down). */
export interface ActivitySample {
  /** Motion-energy centroid. */
  cx: number
  cy: number
  /** Mean motion energy per pixel, px/frame (0: nothing moves on its own). */
  energy: number
  /** Bounding box of the pixels with at least a quarter of the frame's peak energy. */
  x0: number
  y0: number
  x1: number
  y1: number
}

/** Residual flow under this (px/frame at the analysis size) is noise, not activity. */
export const ACTIVITY_FLOOR_PX = 0.15

/**
 * Motion energy of a flow field with the camera's motion taken out: the residual r = f − f̄ of
 * every pixel against the mean flow f̄ of the interior (a pan moves everything alike; what moves
 * differently from it is the subject), weighted w = max(0, |r| − ACTIVITY_FLOOR_PX). Returns the
 * w-weighted centroid, the mean of w, and the box of pixels with w ≥ max(w)/4. Pixels within
 * `border` of the edge are left out (the flow is clamped there).
 */
export function activityOf(flow: FlowField, border = 2): ActivitySample {
  const { width: w, height: h, u, v } = flow
  const b = Math.max(0, Math.min(border, Math.floor((Math.min(w, h) - 1) / 2)))
  let mu = 0
  let mv = 0
  let n = 0
  for (let y = b; y < h - b; y++) {
    for (let x = b; x < w - b; x++) {
      mu += u[y * w + x]
      mv += v[y * w + x]
      n++
    }
  }
  mu /= Math.max(1, n)
  mv /= Math.max(1, n)
  let sw = 0
  let sx = 0
  let sy = 0
  let peak = 0
  for (let y = b; y < h - b; y++) {
    for (let x = b; x < w - b; x++) {
      const i = y * w + x
      const du = u[i] - mu
      const dv = v[i] - mv
      const e = Math.sqrt(du * du + dv * dv) - ACTIVITY_FLOOR_PX
      if (e <= 0) continue
      sw += e
      sx += e * (x + 0.5)
      sy += e * (y + 0.5)
      if (e > peak) peak = e
    }
  }
  if (sw <= 0) return { cx: 0.5, cy: 0.5, energy: 0, x0: 0, y0: 0, x1: 1, y1: 1 }
  let x0 = w
  let y0 = h
  let x1 = 0
  let y1 = 0
  const cut = peak / 4
  for (let y = b; y < h - b; y++) {
    for (let x = b; x < w - b; x++) {
      const i = y * w + x
      const du = u[i] - mu
      const dv = v[i] - mv
      if (Math.sqrt(du * du + dv * dv) - ACTIVITY_FLOOR_PX < cut) continue
      if (x < x0) x0 = x
      if (x + 1 > x1) x1 = x + 1
      if (y < y0) y0 = y
      if (y + 1 > y1) y1 = y + 1
    }
  }
  return { cx: sx / sw / w, cy: sy / sw / h, energy: sw / Math.max(1, n), x0: x0 / w, y0: y0 / h, x1: x1 / w, y1: y1 / h }
}

/**
 * The most detailed region of a still (grey, row-major): squared central-difference gradient
 * g² per pixel, box-averaged over a window an eighth of the width across (a region, not a single
 * edge); the centroid of the averaged map where it reaches at least 90 % of its maximum.
 * In frame fractions; the centre when the picture is flat.
 */
export function detailCentre(gray: ArrayLike<number>, width: number, height: number): { cx: number; cy: number } {
  const g = new Float64Array(width * height)
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x
      const gx = gray[i + 1] - gray[i - 1]
      const gy = gray[i + width] - gray[i - width]
      g[i] = gx * gx + gy * gy
    }
  }
  const r = Math.max(1, Math.round(width / 16))
  const blurred = boxBlur(g, width, height, r)
  let max = 0
  for (const x of blurred) if (x > max) max = x
  if (max <= 0) return { cx: 0.5, cy: 0.5 }
  let sw = 0
  let sx = 0
  let sy = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const e = blurred[y * width + x]
      if (e < 0.9 * max) continue
      sw += e
      sx += e * (x + 0.5)
      sy += e * (y + 0.5)
    }
  }
  return { cx: sx / sw / width, cy: sy / sw / height }
}

/** Mean over a (2r+1)² window, clamped at the edges (direct sums: a still is analysed once, at 160 px). */
function boxBlur(src: Float64Array, w: number, h: number, r: number): Float64Array {
  const tmp = new Float64Array(w * h)
  const out = new Float64Array(w * h)
  for (let y = 0; y < h; y++) {
    const o = y * w
    for (let x = 0; x < w; x++) {
      let s = 0
      const a = Math.max(0, x - r)
      const b = Math.min(w - 1, x + r)
      for (let k = a; k <= b; k++) s += src[o + k]
      tmp[o + x] = s / (b - a + 1)
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      let s = 0
      const a = Math.max(0, y - r)
      const b = Math.min(h - 1, y + r)
      for (let k = a; k <= b; k++) s += tmp[k * w + x]
      out[y * w + x] = s / (b - a + 1)
    }
  }
  return out
}
