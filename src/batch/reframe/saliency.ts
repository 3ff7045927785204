/**
 * Where the subject is in one small frame (pure): a map of motion (difference to the previous
 * frame) plus colour distinctiveness (distance of a lightly blurred pixel from the nearest of the
 * frame's border colours: the background), times a light centre prior; the subject is the
 * connected region above Otsu's threshold with the most saliency mass (sticking to the last
 * frame's subject), returned as box, centroid, peak and per-column/row mass.
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
  /** Saliency mass of the region per column and per row: where a crop narrower than the subject holds most of it. */
  cols: Float32Array
  rows: Float32Array
}

export interface SaliencyOptions {
  /** Weight of motion against colour distinctiveness (default 0.6). */
  motionWeight?: number
  /** Strength of the centre prior, 0..1 (default 0.25: a subject at the edge keeps 75 %). */
  centrePrior?: number
}

/** Grey-level change (after a light blur) that counts as full motion. */
const MOTION_FULL = 40

/**
 * The background's colours: the means of strips along the top (4), left (2) and right (2) edges.
 * A subject is what differs from all of them (the bottom is left out: figures stand on it).
 */
function borderColours(rgb: Float32Array, w: number, h: number): Array<[number, number, number]> {
  const d = Math.max(2, Math.round(0.06 * Math.min(w, h)))
  const strips: Array<[number, number, number, number]> = [] // x0, y0, x1, y1
  for (let k = 0; k < 4; k++) strips.push([Math.floor((k * w) / 4), 0, Math.floor(((k + 1) * w) / 4), d])
  for (let k = 0; k < 2; k++) {
    const [y0, y1] = [d + Math.floor((k * (h - d)) / 2), d + Math.floor(((k + 1) * (h - d)) / 2)]
    strips.push([0, y0, d, y1], [w - d, y0, w, y1])
  }
  return strips.map(([x0, y0, x1, y1]) => {
    const sum: [number, number, number] = [0, 0, 0]
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += rgb[(y * w + x) * 3 + c]
    const count = (x1 - x0) * (y1 - y0)
    return [sum[0] / count, sum[1] / count, sum[2] / count]
  })
}

/**
 * Mean absolute difference of two rgb24 frames after removing the mean change common to all three
 * channels, 0..255: a flash (everything brighter) scores low, a cut to another picture or another
 * colour scores high.
 */
export function brightnessFreeDiff(a: Uint8Array, b: Uint8Array): number {
  let off = 0
  for (let i = 0; i < a.length; i++) off += a[i] - b[i]
  off /= a.length
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i] - off)
  return s / a.length
}

/** Grey (Rec. 601 luma) of an rgb24 frame. */
export function toGrey(rgb: Uint8Array, out = new Uint8Array(rgb.length / 3)): Uint8Array {
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = (rgb[p] * 77 + rgb[p + 1] * 150 + rgb[p + 2] * 29) >> 8
  return out
}

/** A box in analysis px. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/**
 * The subject of one rgb24 frame. `prevGrey` (same size) adds motion; pass undefined on the
 * first frame of a shot (a cut's difference is everywhere and says nothing). `hint` (the last
 * frame's subject) keeps the track on the same thing unless something else is far more salient.
 */
export function frameSubject(rgb: Uint8Array, grey: Uint8Array, prevGrey: Uint8Array | undefined, w: number, h: number, opts: SaliencyOptions = {}, hint?: Rect): FrameSubject {
  const n = w * h
  const blurred = boxBlur3(rgb, w, h, 3)
  const bg = borderColours(blurred, w, h)
  const colour = new Float32Array(n)
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    let d = Infinity
    for (const [r, g, b] of bg) d = Math.min(d, Math.hypot(blurred[p] - r, blurred[p + 1] - g, blurred[p + 2] - b))
    colour[i] = d
  }
  const map = normalise(colour)
  if (prevGrey) {
    const motion = new Float32Array(n)
    for (let i = 0; i < n; i++) motion[i] = Math.abs(grey[i] - prevGrey[i])
    // A fixed scale (not the frame's maximum): a still frame's compression noise stays near zero.
    const m = boxBlur3(motion, w, h, 1)
    const mw = opts.motionWeight ?? 0.6
    for (let i = 0; i < n; i++) map[i] = (map[i] + mw * Math.min(1, m[i] / MOTION_FULL)) / (1 + mw)
  }
  const prior = opts.centrePrior ?? 0.25
  let peak = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5) / w - 0.5
      const dy = (y + 0.5) / h - 0.5
      const i = y * w + x
      map[i] *= 1 - prior * 2 * (dx * dx + dy * dy)
      if (map[i] > peak) peak = map[i]
    }
  }
  let mean = 0
  for (let i = 0; i < n; i++) mean += map[i]
  mean /= n
  // A flat frame (nothing distinct, nothing moving): no subject.
  if (peak < 1e-6 || peak < 2 * mean) return { x: 0, y: 0, width: 0, height: 0, cx: w / 2, cy: h / 2, px: w / 2, py: h / 2, cols: new Float32Array(w), rows: new Float32Array(h) }
  // Regions grow on a softer map so a figure's outline and hair do not split it into pieces.
  const soft = boxBlur3(map, w, h, 1, 2)
  return pickRegion(soft, w, h, Math.max(0.2 * peak, otsu(soft, peak)), hint)
}

/**
 * Of the connected regions above the threshold, the one with the most saliency mass (a figure,
 * not a small bright lamp), with a bonus for overlapping the last frame's subject so the track
 * does not hop between two similar things.
 */
function pickRegion(map: Float32Array, w: number, h: number, threshold: number, hint?: Rect): FrameSubject {
  const seen = new Uint8Array(w * h)
  let best: FrameSubject | undefined
  let bestScore = -1
  for (let i = 0; i < w * h; i++) {
    if (seen[i] || map[i] < threshold) continue
    const r = region(map, w, h, i, threshold, seen)
    const overlaps = hint && hint.width > 0 && r.x < hint.x + hint.width && hint.x < r.x + r.width && r.y < hint.y + hint.height && hint.y < r.y + r.height
    const score = r.mass * (overlaps ? 1.5 : 1)
    if (score > bestScore) [best, bestScore] = [r, score]
  }
  return best!
}

/** The 4-connected region of map >= threshold around pixel `seed`: box, weighted centroid, peak, mass profiles. */
function region(map: Float32Array, w: number, h: number, seed: number, threshold: number, seen: Uint8Array): FrameSubject & { mass: number } {
  const stack = [seed]
  seen[seed] = 1
  let [x0, y0, x1, y1] = [w, h, -1, -1]
  let sw = 0, sx = 0, sy = 0
  let top = seed
  const cols = new Float32Array(w)
  const rows = new Float32Array(h)
  while (stack.length) {
    const i = stack.pop()!
    const x = i % w
    const y = (i - x) / w
    const v = map[i]
    if (v > map[top]) top = i
    ;[sw, sx, sy] = [sw + v, sx + v * (x + 0.5), sy + v * (y + 0.5)]
    cols[x] += v
    rows[y] += v
    ;[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)]
    const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]
    for (const j of next) if (j >= 0 && !seen[j] && map[j] >= threshold) (seen[j] = 1), stack.push(j)
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, cx: sx / sw, cy: sy / sw, px: (top % w) + 0.5, py: Math.floor(top / w) + 0.5, cols, rows, mass: sw }
}

/** Otsu's threshold of values in [0, max]: the split that best separates subject from background. */
function otsu(a: Float32Array, max: number): number {
  const bins = 64
  const hist = new Float64Array(bins)
  for (let i = 0; i < a.length; i++) hist[Math.min(bins - 1, Math.floor((a[i] / max) * bins))]++
  let total = 0
  for (let b = 0; b < bins; b++) total += b * hist[b]
  let [wB, sumB, best, split] = [0, 0, -1, 0]
  for (let t = 0; t < bins; t++) {
    wB += hist[t]
    const wF = a.length - wB
    if (wB === 0 || wF === 0) continue
    sumB += t * hist[t]
    const between = wB * wF * (sumB / wB - (total - sumB) / wF) ** 2
    if (between > best) [best, split] = [between, t]
  }
  return ((split + 1) / bins) * max
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
