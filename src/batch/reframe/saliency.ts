/**
 * Where the subject is in one small frame (pure): a map of motion (difference to the previous
 * frame) plus colour distinctiveness (distance of a lightly blurred pixel from the frame's mean
 * colour, the "frequency-tuned" saliency idea), times a light centre prior; the subject is the
 * connected region around the map's peak, and its box, centroid and peak are returned.
 */

export interface FrameSubject {
  /** Box in analysis px; width 0 when nothing stands out. */
  x: number
  y: number
  width: number
  height: number
  /** Weighted centroid of the region and the map's peak (the most salient point), analysis px. */
  cx: number
  cy: number
  px: number
  py: number
}

export interface SaliencyOptions {
  /** Weight of motion against colour distinctiveness (default 1: equal after normalising). */
  motionWeight?: number
  /** Strength of the centre prior, 0..1 (default 0.25: a subject at the edge keeps 75 %). */
  centrePrior?: number
}

/** Mean absolute grey difference between two frames, 0..255: high on a cut. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}

/** Grey (Rec. 601 luma) of an rgb24 frame. */
export function toGrey(rgb: Uint8Array, out = new Uint8Array(rgb.length / 3)): Uint8Array {
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = (rgb[p] * 77 + rgb[p + 1] * 150 + rgb[p + 2] * 29) >> 8
  return out
}

/**
 * The subject of one rgb24 frame. `prevGrey` (same size) adds motion; pass undefined on the
 * first frame of a shot (a cut's difference is everywhere and says nothing).
 */
export function frameSubject(rgb: Uint8Array, grey: Uint8Array, prevGrey: Uint8Array | undefined, w: number, h: number, opts: SaliencyOptions = {}): FrameSubject {
  const n = w * h
  const blurred = boxBlur3(rgb, w, h, 3)
  let mr = 0, mg = 0, mb = 0
  for (let i = 0, p = 0; i < n; i++, p += 3) [mr, mg, mb] = [mr + blurred[p], mg + blurred[p + 1], mb + blurred[p + 2]]
  ;[mr, mg, mb] = [mr / n, mg / n, mb / n]
  const colour = new Float32Array(n)
  for (let i = 0, p = 0; i < n; i++, p += 3) colour[i] = Math.hypot(blurred[p] - mr, blurred[p + 1] - mg, blurred[p + 2] - mb)
  const map = normalise(colour)
  if (prevGrey) {
    const motion = new Float32Array(n)
    for (let i = 0; i < n; i++) motion[i] = Math.abs(grey[i] - prevGrey[i])
    const m = normalise(boxBlur3(motion, w, h, 1) as Float32Array)
    const mw = opts.motionWeight ?? 1
    for (let i = 0; i < n; i++) map[i] = (map[i] + mw * m[i]) / (1 + mw)
  }
  const prior = opts.centrePrior ?? 0.25
  let peak = 0
  let pi = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5) / w - 0.5
      const dy = (y + 0.5) / h - 0.5
      const i = y * w + x
      map[i] *= 1 - prior * 2 * (dx * dx + dy * dy)
      if (map[i] > peak) [peak, pi] = [map[i], i]
    }
  }
  const px = pi % w
  const py = Math.floor(pi / w)
  let mean = 0
  for (let i = 0; i < n; i++) mean += map[i]
  mean /= n
  // A flat frame (nothing distinct, nothing moving): no subject.
  if (peak < 1e-6 || peak < 2 * mean) return { x: 0, y: 0, width: 0, height: 0, cx: w / 2, cy: h / 2, px: w / 2, py: h / 2 }
  return region(map, w, h, pi, Math.max(0.35 * peak, mean + 0.25 * (peak - mean)))
}

/** The 4-connected region of map >= threshold around pixel `seed`: box, weighted centroid, peak. */
function region(map: Float32Array, w: number, h: number, seed: number, threshold: number): FrameSubject {
  const seen = new Uint8Array(w * h)
  const stack = [seed]
  seen[seed] = 1
  let [x0, y0, x1, y1] = [w, h, -1, -1]
  let sw = 0, sx = 0, sy = 0
  while (stack.length) {
    const i = stack.pop()!
    const x = i % w
    const y = (i - x) / w
    const v = map[i]
    ;[sw, sx, sy] = [sw + v, sx + v * (x + 0.5), sy + v * (y + 0.5)]
    ;[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)]
    const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]
    for (const j of next) if (j >= 0 && !seen[j] && map[j] >= threshold) (seen[j] = 1), stack.push(j)
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, cx: sx / sw, cy: sy / sw, px: (seed % w) + 0.5, py: Math.floor(seed / w) + 0.5 }
}

/** Scales values to 0..1 by their maximum (all zero stays zero). */
function normalise(a: Float32Array): Float32Array {
  let max = 0
  for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i]
  if (max > 0) for (let i = 0; i < a.length; i++) a[i] /= max
  return a
}

/** Separable box blur of radius r over interleaved channels (clamped edges). */
function boxBlur3(src: ArrayLike<number>, w: number, h: number, ch: number, r = 1): Float32Array {
  const tmp = new Float32Array(w * h * ch)
  const out = new Float32Array(w * h * ch)
  const span = 2 * r + 1
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) {
        let s = 0
        for (let k = -r; k <= r; k++) s += src[(y * w + Math.min(w - 1, Math.max(0, x + k))) * ch + c]
        tmp[(y * w + x) * ch + c] = s / span
      }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) {
        let s = 0
        for (let k = -r; k <= r; k++) s += tmp[(Math.min(h - 1, Math.max(0, y + k)) * w + x) * ch + c]
        out[(y * w + x) * ch + c] = s / span
      }
  return out
}
