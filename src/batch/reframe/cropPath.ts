/**
 * The crop path of a reframe (pure): per frame, the window of the destination's aspect cut out of
 * the source, following the subject without jitter.
 *
 * The rule, per axis (x and y are planned independently; for a change of aspect only one of them
 * has room to move):
 * 1. The crop is the largest rectangle of the destination's aspect that fits the source (even
 *    sides, so yuv420p crops stay aligned); its size never changes, only its position.
 * 2. Each frame gives a corridor of allowed crop positions:
 *    - hard: when the subject fits in the crop, every position that keeps the whole subject box
 *      inside (never cut through the subject); when it does not fit, positions within the dead
 *      zone around its most salient part (`focus`: the centre of the crop-sized window holding most of
 *      its saliency, see focus.ts; default the box centre);
 *    - soft: a dead zone around the position that centres the subject (±`deadZone` of the crop
 *      side), intersected with the hard corridor, so small wobbles of the estimate move nothing.
 *    A frame with an empty subject box (nothing found) leaves the whole source open.
 * 3. Within a shot the path is the taut string through the corridors: the shortest path that
 *    stays inside every corridor. It holds still as long as the subject allows, pans in straight
 *    lines at the slowest speed that keeps the subject framed (its speed is bounded by the
 *    subject's own), and never jitters. It starts still and ends still when it can.
 * 4. At each shot start (`shotStarts`) the path starts afresh: the crop jumps on the cut instead
 *    of panning across it.
 */
import type { Box } from '../types.js'

export interface Size {
  width: number
  height: number
}

export interface CropPathOptions {
  /** First frames of shots (frame 0 is always one): the crop jumps here instead of panning. */
  shotStarts?: number[]
  /** Per frame, the subject's most salient part (source px; see massFocus): what a subject wider than the crop is centred on. */
  focus?: Array<{ x: number; y: number } | undefined>
  /** Half-width of the dead zone, as a fraction of the crop side (default 0.08). */
  deadZone?: number
}

/** The largest crop of `dst`'s aspect inside `src`, even sides. */
export function cropSize(src: Size, dst: Size): Size {
  const even = (v: number) => Math.max(2, 2 * Math.floor(v / 2))
  if (src.width * dst.height > dst.width * src.height) {
    // Source wider than destination: full height, narrower width.
    return { width: Math.min(even(src.width), even((src.height * dst.width) / dst.height)), height: even(src.height) }
  }
  return { width: even(src.width), height: Math.min(even(src.height), even((src.width * dst.height) / dst.width)) }
}

/** One axis of the problem: source extent, crop extent and, per frame, the subject's span and focus. */
interface Axis {
  extent: number
  crop: number
  lo: (b: Box) => number
  len: (b: Box) => number
  focus: (i: number) => number | undefined
}

export function planCropPath(subjects: Box[], src: Size, dst: Size, opts: CropPathOptions = {}): Box[] {
  const n = subjects.length
  const size = cropSize(src, dst)
  const dz = opts.deadZone ?? 0.08
  const starts = shotBounds(opts.shotStarts ?? [], n)
  const axisX: Axis = { extent: src.width, crop: size.width, lo: (b) => b.x, len: (b) => b.width, focus: (i) => opts.focus?.[i]?.x }
  const axisY: Axis = { extent: src.height, crop: size.height, lo: (b) => b.y, len: (b) => b.height, focus: (i) => opts.focus?.[i]?.y }
  const xs = new Array<number>(n)
  const ys = new Array<number>(n)
  for (let s = 0; s + 1 < starts.length; s++) {
    const [a, b] = [starts[s], starts[s + 1]]
    const shot = subjects.slice(a, b)
    planAxis(shot, axisX, dz, a).forEach((v, k) => (xs[a + k] = v))
    planAxis(shot, axisY, dz, a).forEach((v, k) => (ys[a + k] = v))
  }
  // Even positions keep yuv420p chroma aligned; the clamp keeps the crop inside the source.
  const snap = (v: number, max: number) => Math.min(max - (max % 2), Math.max(0, 2 * Math.round(v / 2)))
  return xs.map((x, i) => ({
    x: snap(x, src.width - size.width),
    y: snap(ys[i], src.height - size.height),
    width: size.width,
    height: size.height,
  }))
}

/** Sorted, unique shot boundaries inside [0, n], always starting with 0 and ending with n. */
function shotBounds(shotStarts: number[], n: number): number[] {
  const inner = shotStarts.filter((f) => Number.isInteger(f) && f > 0 && f < n)
  return [...new Set([0, ...inner, n])].sort((p, q) => p - q)
}

/** Crop positions (left or top edge) for one shot along one axis. */
function planAxis(shot: Box[], axis: Axis, dz: number, offset: number): number[] {
  const max = axis.extent - axis.crop
  if (max <= 0) return shot.map(() => 0)
  const lo: number[] = []
  const hi: number[] = []
  const want: number[] = []
  const dead = dz * axis.crop
  shot.forEach((b, k) => {
    const len = axis.len(b)
    if (!(len > 0) || !(b.width > 0 && b.height > 0)) {
      // Nothing found this frame: any position will do.
      lo.push(0)
      hi.push(max)
      want.push(NaN)
      return
    }
    const start = axis.lo(b)
    const fits = len <= axis.crop
    const centre = fits ? start + len / 2 : clamp(axis.focus(offset + k) ?? start + len / 2, start, start + len)
    const ideal = clamp(centre - axis.crop / 2, 0, max)
    // Hard corridor: the whole subject inside when it fits, else the dead zone around its focus.
    const hardLo = fits ? clamp(start + len - axis.crop, 0, max) : clamp(ideal - dead, 0, max)
    const hardHi = fits ? clamp(start, 0, max) : clamp(ideal + dead, 0, max)
    lo.push(Math.max(hardLo, Math.min(hardHi, ideal - dead)))
    hi.push(Math.min(hardHi, Math.max(hardLo, ideal + dead)))
    want.push(ideal)
  })
  return tautString(lo, hi, want)
}

/**
 * The shortest path x[0..n) with lo[i] <= x[i] <= hi[i] (funnel algorithm), starting still at
 * the level the first frames allow and ending on the flattest slope the last corridor allows.
 */
export function tautString(lo: number[], hi: number[], want: number[] = []): number[] {
  const n = lo.length
  const out = new Array<number>(n)
  if (n === 0) return out
  // Start: hold still while the corridors overlap; then sit on the side the path must move to.
  let L = -Infinity
  let U = Infinity
  let k = 0
  for (; k < n && Math.max(L, lo[k]) <= Math.min(U, hi[k]); k++) [L, U] = [Math.max(L, lo[k]), Math.min(U, hi[k])]
  if (k === n) {
    const wanted = want.filter((v) => Number.isFinite(v)).sort((p, q) => p - q)
    const level = wanted.length ? clamp(wanted[wanted.length >> 1], L, U) : clamp((L + U) / 2, L, U)
    return out.fill(level)
  }
  let a = 0
  let xa = lo[k] > U ? U : L
  out[0] = xa
  while (a < n - 1) {
    let smax = Infinity
    let smin = -Infinity
    let kmax = a
    let kmin = a
    let bend = -1
    let bendAt = 0
    for (let j = a + 1; j < n; j++) {
      const su = (hi[j] - xa) / (j - a)
      const sl = (lo[j] - xa) / (j - a)
      if (su < smin) {
        // The corridor drops below the line through the lowest constraint: bend there.
        bend = kmin
        bendAt = lo[kmin]
        break
      }
      if (sl > smax) {
        bend = kmax
        bendAt = hi[kmax]
        break
      }
      if (su < smax) [smax, kmax] = [su, j]
      if (sl > smin) [smin, kmin] = [sl, j]
    }
    if (bend < 0) {
      const slope = clamp(0, smin, smax)
      for (let j = a + 1; j < n; j++) out[j] = xa + slope * (j - a)
      break
    }
    for (let j = a + 1; j <= bend; j++) out[j] = xa + ((bendAt - xa) * (j - a)) / (bend - a)
    a = bend
    xa = bendAt
  }
  return out
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}
