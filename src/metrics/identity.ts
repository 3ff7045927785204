/**
 * Identity consistency: does a character or place look the same in every shot it appears in as
 * in its reference keyframes? Weight-free descriptors of a small decoded RGB picture, colour and
 * structure, compared on a 0..1 scale, and the per-entity summary over its shots. (With an ONNX
 * image-embedding model, `embedding.ts` gives vectors compared by `cosineSimilarity`.)
 *
 * Pictures are whole frames as the verifier decodes them (any size from 3×3; wider than WORK_WIDTH
 * they are area-averaged down to it first).
 * Nothing segments the picture, so where to look is a choice, `focus`:
 * - `subject` (characters): a centred Gaussian window (σ = SUBJECT_SIGMA of each side): figures are
 *   framed near the centre, and camera moves change the edges most;
 * - `scene` (locations): everything but the subject, 1 − SCENE_HOLE · that window (σ = SCENE_SIGMA),
 *   so the figure standing in the place counts little.
 * Compare views of one entity with the same focus, ideally the same framing: a close-up and a wide
 * shot of one figure are different pictures to any whole-frame descriptor.
 */

export type DescriptorFocus = 'subject' | 'scene'

export interface ImageDescriptor {
  /**
   * Three histograms in a row, each normalised to its weight (COLOUR_PARTS) or all 0 when it is
   * empty: HUE_BINS × CHROMA_BINS hue–chroma of the chromatic pixels, GREY_BINS levels of the
   * achromatic ones, VALUE_BINS levels of HSV value of every pixel.
   */
  colour: Float32Array
  /** CELLS_Y × CELLS_X cells × ORIENT_BINS gradient orientations of the luma (HOG-like), unit L2 (0 if flat). */
  structure: Float32Array
  focus: DescriptorFocus
}

export const HUE_BINS = 12
export const CHROMA_BINS = 3
export const GREY_BINS = 4
export const VALUE_BINS = 6
export const CELLS_X = 8
export const CELLS_Y = 6
export const ORIENT_BINS = 8
export const SUBJECT_SIGMA = 0.15
export const SCENE_SIGMA = 0.2
export const SCENE_HOLE = 0.9
/**
 * Hue carries identity (a red jacket, a green forest); how much of the picture is grey and how
 * bright it is depend on light, which pulses with the music, so they weigh less.
 */
export const COLOUR_PARTS = { hue: 0.6, grey: 0.15, value: 0.25 } as const
/** Weights of colour and structure in `descriptorSimilarity`. */
export const SIMILARITY_WEIGHTS = { colour: 0.5, structure: 0.5 } as const
/** HOG's "L2-Hys": no bin holds more than this after normalisation, so one hard edge cannot dominate. */
const HOG_CLIP = 0.2
/**
 * Grey-world gains are limited to this factor either way: enough for the renderer's grade (its casts
 * need well under ×1.25), while a picture dominated by one colour (a close-up of a red coat, a
 * green forest) is not turned grey.
 */
const MAX_GAIN = 1.5
/**
 * Larger pictures are first area-averaged to this width (aspect kept): the descriptors then do not
 * depend on the size a caller decodes at, and grain and compression detail finer than a figure's
 * parts are averaged away.
 */
export const WORK_WIDTH = 96

const HUE_LENGTH = HUE_BINS * CHROMA_BINS
const PARTS: Array<[offset: number, length: number, weight: number]> = [
  [0, HUE_LENGTH, COLOUR_PARTS.hue],
  [HUE_LENGTH, GREY_BINS, COLOUR_PARTS.grey],
  [HUE_LENGTH + GREY_BINS, VALUE_BINS, COLOUR_PARTS.value],
]
const COLOUR_LENGTH = HUE_LENGTH + GREY_BINS + VALUE_BINS
const STRUCTURE_LENGTH = CELLS_X * CELLS_Y * ORIENT_BINS

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)))
  return t * t * (3 - 2 * t)
}

/**
 * Adds `w` at fractional bin position `pos` (bin centres at integers), split linearly between the
 * two nearest bins, so a value that moves slightly moves mass smoothly (no bin-edge jumps).
 * `circular` wraps around (hue, orientation); otherwise the ends clamp.
 */
function softAdd(hist: Float32Array, offset: number, bins: number, pos: number, w: number, circular: boolean): void {
  let i0 = Math.floor(pos)
  const f = pos - i0
  let i1 = i0 + 1
  if (circular) {
    i0 = ((i0 % bins) + bins) % bins
    i1 = i1 % bins
  } else {
    if (i0 < 0) i0 = 0
    if (i1 > bins - 1) i1 = bins - 1
  }
  hist[offset + i0] += w * (1 - f)
  hist[offset + i1] += w * f
}

/** Centred Gaussian of one axis (length n, σ = sigma · n). */
function gaussian(n: number, sigma: number): Float32Array {
  const w = new Float32Array(n)
  const s = sigma * n
  for (let i = 0; i < n; i++) {
    const d = i + 0.5 - n / 2
    w[i] = Math.exp(-(d * d) / (2 * s * s))
  }
  return w
}

/** Box (area) average of an rgb24 picture down to `w × h`. */
function areaResize(rgb: Uint8Array, W: number, H: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3)
  for (let ty = 0; ty < h; ty++) {
    const y0 = Math.floor((ty * H) / h)
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * H) / h))
    for (let tx = 0; tx < w; tx++) {
      const x0 = Math.floor((tx * W) / w)
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * W) / w))
      let r = 0
      let g = 0
      let b = 0
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) {
          const i = (y * W + x) * 3
          r += rgb[i]
          g += rgb[i + 1]
          b += rgb[i + 2]
        }
      const n = (y1 - y0) * (x1 - x0)
      const o = (ty * w + tx) * 3
      out[o] = Math.round(r / n)
      out[o + 1] = Math.round(g / n)
      out[o + 2] = Math.round(b / n)
    }
  }
  return out
}

/** Pixel weights of the focus window, row-major. */
function focusWindow(width: number, height: number, focus: DescriptorFocus): Float32Array {
  const sigma = focus === 'subject' ? SUBJECT_SIGMA : SCENE_SIGMA
  const gx = gaussian(width, sigma)
  const gy = gaussian(height, sigma)
  const w = new Float32Array(width * height)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) w[y * width + x] = focus === 'subject' ? gx[x] * gy[y] : 1 - SCENE_HOLE * gx[x] * gy[y]
  return w
}

/**
 * Grey-world white balance: per-channel gains that bring each channel's mean to the mean of the
 * three. The renderer grades every shot with the music's colour (a soft-light tint that follows the
 * harmony), so a cast common to the whole picture is light, not identity.
 */
function greyWorldGains(rgb: Uint8Array): [number, number, number] {
  const m = [0, 0, 0]
  for (let i = 0; i < rgb.length; i += 3) {
    m[0] += rgb[i]
    m[1] += rgb[i + 1]
    m[2] += rgb[i + 2]
  }
  const avg = (m[0] + m[1] + m[2]) / 3
  return m.map((c) => (c > 0 && avg > 0 ? Math.max(1 / MAX_GAIN, Math.min(MAX_GAIN, avg / c)) : 1)) as [number, number, number]
}

/**
 * Colour + structure descriptor of a small RGB picture (rgb24, row-major, `width × height`).
 *
 * Colour: the picture is grey-world balanced (gains within ×2/3..×1.5), then each pixel (r, g, b in
 * 0..1; V = max, chroma C = max − min, hue as in HSV) is split between a chromatic part with weight
 * k = smoothstep(0.04, 0.16, C), soft-binned by hue (circular) × C, and an achromatic part 1 − k,
 * soft-binned by V into grey levels; every pixel also goes into the V histogram. Chroma rather than
 * HSV saturation gates hue: the saturation of dark pixels is large and their hue is noise. Each
 * part is normalised on its own (COLOUR_PARTS), so the hue histogram describes which colours are
 * there however much of the picture is grey. All weighted by the focus window.
 *
 * Structure: luma blurred by a 3×3 binomial (grain), central-difference gradients, orientation
 * mod π soft-binned into ORIENT_BINS and bilinearly into a CELLS_X × CELLS_Y grid (a shift of part
 * of a cell moves mass smoothly), weighted by √magnitude (strong edges count without drowning the
 * rest) and by the focus window, then L2-normalised, clipped at 0.2 and renormalised (HOG's
 * L2-Hys): a gain in brightness or contrast scales every gradient and cancels out.
 */
export function describeImage(rgb: Uint8Array, width: number, height: number, opts: { focus?: DescriptorFocus } = {}): ImageDescriptor {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 3 || height < 3)
    throw new RangeError(`picture must be at least 3×3 pixels, got ${width}×${height}`)
  if (rgb.length !== width * height * 3) throw new RangeError(`rgb24 ${width}×${height} needs ${width * height * 3} bytes, got ${rgb.length}`)
  const focus = opts.focus ?? 'subject'
  if (width > WORK_WIDTH) {
    const w = WORK_WIDTH
    const h = Math.max(3, Math.round((height * WORK_WIDTH) / width))
    rgb = areaResize(rgb, width, height, w, h)
    width = w
    height = h
  }
  const win = focusWindow(width, height, focus)
  const gain = greyWorldGains(rgb)
  const colour = new Float32Array(COLOUR_LENGTH)
  const luma = new Float32Array(width * height)
  const greyOff = HUE_LENGTH
  const valueOff = HUE_LENGTH + GREY_BINS
  for (let p = 0; p < width * height; p++) {
    const R = rgb[p * 3]
    const G = rgb[p * 3 + 1]
    const B = rgb[p * 3 + 2]
    luma[p] = (0.299 * R + 0.587 * G + 0.114 * B) / 255
    const r = Math.min(1, (R / 255) * gain[0])
    const g = Math.min(1, (G / 255) * gain[1])
    const b = Math.min(1, (B / 255) * gain[2])
    const w = win[p]
    const v = Math.max(r, g, b)
    const c = v - Math.min(r, g, b)
    const k = smoothstep(0.04, 0.16, c)
    if (k > 0) {
      let h: number
      if (v === r) h = ((g - b) / c + 6) % 6
      else if (v === g) h = (b - r) / c + 2
      else h = (r - g) / c + 4
      // Joint soft binning: split along hue, then each share along chroma.
      const hpos = (h / 6) * HUE_BINS - 0.5
      const cpos = c * CHROMA_BINS - 0.5
      let h0 = Math.floor(hpos)
      const hf = hpos - h0
      h0 = ((h0 % HUE_BINS) + HUE_BINS) % HUE_BINS
      const h1 = (h0 + 1) % HUE_BINS
      softAdd(colour, h0 * CHROMA_BINS, CHROMA_BINS, cpos, w * k * (1 - hf), false)
      softAdd(colour, h1 * CHROMA_BINS, CHROMA_BINS, cpos, w * k * hf, false)
    }
    if (k < 1) softAdd(colour, greyOff, GREY_BINS, v * GREY_BINS - 0.5, w * (1 - k), false)
    softAdd(colour, valueOff, VALUE_BINS, v * VALUE_BINS - 0.5, w, false)
  }
  for (const [off, len, weight] of PARTS) {
    let sum = 0
    for (let i = off; i < off + len; i++) sum += colour[i]
    for (let i = off; i < off + len; i++) colour[i] = sum > 0 ? (weight * colour[i]) / sum : 0
  }
  return { colour, structure: structureDescriptor(luma, width, height, win), focus }
}

function structureDescriptor(luma: Float32Array, width: number, height: number, win: Float32Array): Float32Array {
  // 3×3 binomial blur, edges clamped.
  const tmp = new Float32Array(width * height)
  const blur = new Float32Array(width * height)
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++)
      tmp[row + x] = 0.25 * luma[row + Math.max(0, x - 1)] + 0.5 * luma[row + x] + 0.25 * luma[row + Math.min(width - 1, x + 1)]
  }
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width
    const dn = Math.min(height - 1, y + 1) * width
    for (let x = 0; x < width; x++) blur[y * width + x] = 0.25 * tmp[up + x] + 0.5 * tmp[y * width + x] + 0.25 * tmp[dn + x]
  }

  const hog = new Float32Array(STRUCTURE_LENGTH)
  for (let y = 1; y < height - 1; y++) {
    const cy = ((y + 0.5) / height) * CELLS_Y - 0.5
    const fy = cy - Math.floor(cy)
    const y0 = Math.max(0, Math.floor(cy))
    const y1 = Math.min(CELLS_Y - 1, Math.floor(cy) + 1)
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x
      const gx = blur[p + 1] - blur[p - 1]
      const gy = blur[p + width] - blur[p - width]
      const mag = Math.sqrt(gx * gx + gy * gy)
      if (mag < 1e-6) continue
      const w = Math.sqrt(mag) * win[p]
      let theta = Math.atan2(gy, gx)
      if (theta < 0) theta += Math.PI
      const opos = (theta / Math.PI) * ORIENT_BINS - 0.5
      const cx = ((x + 0.5) / width) * CELLS_X - 0.5
      const fx = cx - Math.floor(cx)
      const x0 = Math.max(0, Math.floor(cx))
      const x1 = Math.min(CELLS_X - 1, Math.floor(cx) + 1)
      // Bilinear over the four nearest cell centres (clamped at the border).
      softAdd(hog, (y0 * CELLS_X + x0) * ORIENT_BINS, ORIENT_BINS, opos, w * (1 - fy) * (1 - fx), true)
      softAdd(hog, (y0 * CELLS_X + x1) * ORIENT_BINS, ORIENT_BINS, opos, w * (1 - fy) * fx, true)
      softAdd(hog, (y1 * CELLS_X + x0) * ORIENT_BINS, ORIENT_BINS, opos, w * fy * (1 - fx), true)
      softAdd(hog, (y1 * CELLS_X + x1) * ORIENT_BINS, ORIENT_BINS, opos, w * fy * fx, true)
    }
  }
  l2Normalise(hog)
  let clipped = false
  for (let i = 0; i < hog.length; i++)
    if (hog[i] > HOG_CLIP) {
      hog[i] = HOG_CLIP
      clipped = true
    }
  if (clipped) l2Normalise(hog)
  return hog
}

function l2Normalise(v: Float32Array): void {
  let n = 0
  for (let i = 0; i < v.length; i++) n += v[i] * v[i]
  n = Math.sqrt(n)
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n
}

function checkLengths(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: vectors of different lengths (${a.length} and ${b.length})`)
}

/** Bhattacharyya coefficient Σ √(aᵢ bᵢ) of two histograms that each sum to 1: 1 identical, 0 disjoint. */
export function bhattacharyya(a: Float32Array, b: Float32Array): number {
  checkLengths(a, b, 'bhattacharyya')
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.sqrt(Math.max(0, a[i]) * Math.max(0, b[i]))
  return Math.min(1, s)
}

/**
 * Colour similarity, 0..1: Σ over the parts (hue–chroma, grey, value) of weight · BC(part a, part
 * b), BC the Bhattacharyya coefficient of the part's normalised histograms; a part empty in both
 * pictures (e.g. no chromatic pixel in either) agrees fully, empty in one only not at all.
 */
export function colourSimilarity(a: Float32Array, b: Float32Array): number {
  checkLengths(a, b, 'colourSimilarity')
  if (a.length !== COLOUR_LENGTH) throw new RangeError(`colourSimilarity: expected ${COLOUR_LENGTH} values, got ${a.length}`)
  let sim = 0
  for (const [off, len, weight] of PARTS) {
    let sa = 0
    let sb = 0
    let bc = 0
    for (let i = off; i < off + len; i++) {
      sa += a[i]
      sb += b[i]
      bc += Math.sqrt(Math.max(0, a[i]) * Math.max(0, b[i]))
    }
    if (sa === 0 && sb === 0) sim += weight
    else if (sa > 0 && sb > 0) sim += weight * Math.min(1, bc / Math.sqrt(sa * sb))
  }
  return Math.min(1, sim)
}

/**
 * Similarity of two pictures' descriptors, 0..1 (1: same picture):
 * `0.5 · colourSimilarity + 0.5 · cos(structure a, structure b)` (SIMILARITY_WEIGHTS); the cosine
 * of the non-negative HOG vectors is itself 0..1; it counts 1 when both pictures are flat (no
 * gradient anywhere) and 0 when only one is. Both must have been made with the same focus.
 */
export function descriptorSimilarity(a: ImageDescriptor, b: ImageDescriptor): number {
  if (a.focus !== b.focus) throw new RangeError(`descriptors of different focus (${a.focus} and ${b.focus}) are not comparable`)
  const colour = colourSimilarity(a.colour, b.colour)
  // Two flat pictures agree on having no structure; a flat and a textured one do not.
  const flatA = a.structure.every((v) => v === 0)
  const flatB = b.structure.every((v) => v === 0)
  const structure = flatA && flatB ? 1 : cosineSimilarity(a.structure, b.structure)
  return Math.max(0, Math.min(1, SIMILARITY_WEIGHTS.colour * colour + SIMILARITY_WEIGHTS.structure * structure))
}

/**
 * Cosine similarity a·b / (|a| |b|) with negatives clamped to 0, so it reads on the same 0..1
 * scale as `descriptorSimilarity`: 1 same direction, 0 orthogonal (unrelated) or opposed. (Not
 * (1 + cos)/2, which would put unrelated pictures at 0.5.) A zero vector gives 0. For embeddings,
 * where "same identity" begins depends on the model: compare against the same model's scores of
 * known-different pictures.
 */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  checkLengths(a, b, 'cosineSimilarity')
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i]
    na += a[i] * a[i]
    nb += b[i] * b[i]
  }
  if (na === 0 || nb === 0) return 0
  return Math.max(0, Math.min(1, dot / Math.sqrt(na * nb)))
}

/**
 * How well one view matches an entity's reference views: the best similarity over the references
 * (a view need only look like one of them; references may differ in framing). 0 without references.
 */
export function similarityToReferences<T>(view: T, references: readonly T[], similarity: (a: T, b: T) => number): number {
  let best = 0
  for (const r of references) best = Math.max(best, similarity(view, r))
  return best
}

/**
 * Identity consistency of one entity: its views (one per shot it appears in, each with its
 * similarity to the entity's reference views, 0..1) summarised as the mean similarity
 * (`consistency`) and the shot that looks least like the references (`worst`, the first on a tie).
 * No views: consistency 1 (nothing contradicts the references) and no worst shot.
 */
export function entityConsistency(views: Array<{ shot: number; similarity: number }>): {
  consistency: number
  worst?: { shot: number; similarity: number }
} {
  if (views.length === 0) return { consistency: 1 }
  let sum = 0
  let worst = views[0]
  for (const v of views) {
    if (!Number.isFinite(v.similarity) || v.similarity < 0 || v.similarity > 1)
      throw new RangeError(`shot ${v.shot}: similarity must be within 0..1, got ${v.similarity}`)
    sum += v.similarity
    if (v.similarity < worst.similarity) worst = v
  }
  return { consistency: sum / views.length, worst: { shot: worst.shot, similarity: worst.similarity } }
}
