/**
 * Where a crop narrower than the subject should sit (pure): the window of the crop's size that
 * holds the most of the subject's saliency mass (a figure's torso and head rather than an
 * outstretched arm, which a single brightest pixel might pick).
 */
import type { Size } from './cropPath.js'

export interface MassProfile {
  /** Saliency mass per analysis column / row. */
  cols: ArrayLike<number>
  rows: ArrayLike<number>
}

/** Per frame, the centre (source px) of the crop-sized window holding most of the subject's mass. */
export function massFocus(profiles: MassProfile[], src: Size, crop: Size): Array<{ x: number; y: number } | undefined> {
  return profiles.map((p) => {
    const x = bestWindow(p.cols, (crop.width / src.width) * p.cols.length)
    const y = bestWindow(p.rows, (crop.height / src.height) * p.rows.length)
    if (x === undefined || y === undefined) return undefined
    return { x: (x / p.cols.length) * src.width, y: (y / p.rows.length) * src.height }
  })
}

/**
 * Centre (in profile cells) of the window of `size` cells with the largest sum; among equal sums
 * the one nearest the profile's centre of mass. Undefined for an empty profile.
 */
export function bestWindow(profile: ArrayLike<number>, size: number): number | undefined {
  const n = profile.length
  let total = 0
  let moment = 0
  for (let i = 0; i < n; i++) [total, moment] = [total + profile[i], moment + profile[i] * (i + 0.5)]
  if (!(total > 0)) return undefined
  const mean = moment / total
  const k = Math.max(1, Math.min(n, Math.round(size)))
  let sum = 0
  for (let i = 0; i < k; i++) sum += profile[i]
  let best = -1
  let bestCentre = 0
  for (let start = 0; start + k <= n; start++) {
    if (start > 0) sum += profile[start + k - 1] - profile[start - 1]
    const centre = start + k / 2
    // A small tolerance so float noise does not decide between equal windows.
    if (sum > best * (1 + 1e-6) || (sum >= best * (1 - 1e-6) && Math.abs(centre - mean) < Math.abs(bestCentre - mean))) {
      if (sum > best) best = sum
      bestCentre = centre
    }
  }
  return bestCentre
}
