/**
 * The safe-zone check, measured on what a viewer gets: decode frames of the finished variant and
 * the same frames of the text-free base picture, take the pixels that changed (well above H.264
 * noise, cleaned by a morphological opening), and the bounding box of what changed is where the
 * text really is. A text whose measured box leaves the safe area fails the variant.
 *
 * While one text is measured, the boxes of the other texts on screen at that frame are masked out
 * (with a margin), so simultaneous texts (a caption under the hook) are told apart.
 */
import { RenderError } from '../errors.js'
import { probeMedia, runFfmpeg } from '../ffmpeg/index.js'
import { decodeSampledFrames, readKeyframes, seekCost } from './sampleDecode.js'
import { boxInside } from './textLayout.js'
import { fadeFrames } from './textDraw.js'
import type { Box, TextItem, VariantCheck, VariantFormat } from './types.js'

/** A pixel changed when a channel moved more than this (x264 at usual CRFs moves a few levels). */
export const CHANGE_THRESHOLD = 28
/** Opening radius: changed specks thinner than 2r+1 px are compression noise, not text. */
export const OPEN_RADIUS = 2
/** How far a measured box may reach past the safe area (rounding, chroma subsampling). */
export const INSIDE_TOLERANCE_PX = 2
/**
 * Frames sampled per text. One frame where the text is fully on screen shows its whole box (a
 * misplaced text fails on it); more frames only cost decoding.
 */
const SAMPLES = 1

/**
 * For a text the base render drew (a lyric caption): a caption-free still of one of its frames,
 * written by the generator. `output` is the output frame showing that frame, or null when the
 * variant does not show it (then the same caption is measured in the base's frame).
 */
export interface BareRef {
  png: string
  sourceFrame: number
  output: number | null
}

export interface TextBoxMeasure {
  item: TextItem
  /** Bounding box of the changed pixels; null when the text left no trace. */
  measured: Box | null
  inside: boolean
  /** A caption drawn into the base whose frames with a reference the variant does not show: measured in the base at this frame. */
  inBaseAt?: number
}

/**
 * Stills (PNGs) as rgb24 at W x H, through 4:2:0 as the base's frames went (the encoder's RGB to
 * yuv420p, the decoder's back): thin saturated lines (a neon grid) lose colour in the subsampled
 * chroma, which a lossless still would count as changed. A dozen per ffmpeg process.
 */
async function readStills(paths: string[], W: number, H: number, signal?: AbortSignal): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  const bytes = W * H * 3
  for (let c = 0; c < paths.length; c += 12) {
    const chunk = paths.slice(c, c + 12)
    const legs = chunk.map((_, k) => `[${k}:v]format=yuv420p,scale=${W}:${H}:flags=area,format=rgb24[s${k}]`)
    const graph = `${legs.join(';')};${chunk.map((_, k) => `[s${k}]`).join('')}concat=n=${chunk.length}:v=1:a=0[out]`
    const { stdout } = await runFfmpeg([...chunk.flatMap((p) => ['-i', p]), '-filter_complex', graph, '-map', '[out]', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { signal, captureStdout: true })
    if (stdout.length !== chunk.length * bytes) throw new RenderError(`text check: the stills ${chunk.join(', ')} are not ${W}x${H}`, { code: 'TEXT_CHECK_FAILED' })
    chunk.forEach((_, k) => out.push(new Uint8Array(stdout.subarray(k * bytes, (k + 1) * bytes))))
  }
  return out
}

/** 1 where any channel differs by more than `threshold`. */
export function changeMask(a: Uint8Array, b: Uint8Array, width: number, height: number, threshold = CHANGE_THRESHOLD): Uint8Array {
  const m = new Uint8Array(width * height)
  for (let p = 0, q = 0; p < m.length; p++, q += 3) {
    const d = Math.max(Math.abs(a[q] - b[q]), Math.abs(a[q + 1] - b[q + 1]), Math.abs(a[q + 2] - b[q + 2]))
    m[p] = d > threshold ? 1 : 0
  }
  return m
}

/** Separable square min (erode) or max (dilate) filter of radius r on a 0/1 mask. */
function morph(m: Uint8Array, w: number, h: number, r: number, erode: boolean): Uint8Array {
  const pass = (src: Uint8Array, horizontal: boolean) => {
    const dst = new Uint8Array(src.length)
    const [outer, inner] = horizontal ? [h, w] : [w, h]
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let v = erode ? 1 : 0
        for (let d = -r; d <= r && v === (erode ? 1 : 0); d++) {
          const j = i + d
          // Outside the frame counts as unchanged for dilation and as changed for erosion (edges kept).
          const s = j < 0 || j >= inner ? (erode ? 1 : 0) : horizontal ? src[o * w + j] : src[j * w + o]
          if (erode ? s === 0 : s === 1) v = erode ? 0 : 1
        }
        dst[horizontal ? o * w + i : i * w + o] = v
      }
    return dst
  }
  return pass(pass(m, true), false)
}

/** Erode then dilate: removes specks and thin edges, keeps solid regions at their size. */
export function openMask(m: Uint8Array, w: number, h: number, r = OPEN_RADIUS): Uint8Array {
  return r > 0 ? morph(morph(m, w, h, r, true), w, h, r, false) : m
}

/** Bounding box of the set pixels, or null. */
export function maskBox(m: Uint8Array, w: number, h: number): Box | null {
  let x0 = w
  let y0 = h
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (m[y * w + x]) {
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        if (y > y1) y1 = y
      }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  const inter = ix * iy
  const union = a.width * a.height + b.width * b.height - inter
  return union > 0 ? inter / union : 0
}

/**
 * Frames inside the item's window, away from its fades; those with no other text on screen first.
 * With `cost` (frames a seek to that frame decodes), the cheapest frames are taken, nearest the
 * window's middle among equals; without it, frames spread evenly over the window.
 */
export function sampleFrames(item: TextItem, items: TextItem[], fps: number, n = SAMPLES, cost?: (frame: number) => number): number[] {
  const f = fadeFrames(item.endFrame - item.startFrame, fps)
  const lo = item.startFrame + f
  const hi = Math.max(lo, item.endFrame - 1 - f)
  const all = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k)
  const busy = (o: number) => items.some((it) => it !== item && it.startFrame <= o && o < it.endFrame)
  const spread = (pool: number[]) => (pool.length <= n ? pool : Array.from({ length: n }, (_, k) => pool[Math.round(((k + 0.5) * pool.length) / n - 0.5)]))
  const mid = (lo + hi) / 2
  const cheapest = (pool: number[]) =>
    pool
      .map((o) => ({ o, c: cost!(o) }))
      .sort((a, b) => a.c - b.c || Math.abs(a.o - mid) - Math.abs(b.o - mid))
      .slice(0, n)
      .map((x) => x.o)
      .sort((a, b) => a - b)
  const pick = cost ? cheapest : spread
  const quiet = all.filter((o) => !busy(o))
  return [...new Set(quiet.length >= 1 ? pick(quiet) : pick(all))]
}

/** Measures every text's box in the decoded output against the text-free base picture. */
export async function checkTextBoxes(opts: {
  output: string
  base: string
  sourceFrameOf: (outputFrame: number) => number
  items: TextItem[]
  format: VariantFormat
  /** The reference of each text drawn into the base (`inBase`): those are measured against it, not against the base. */
  bareRef?: (item: TextItem) => BareRef | null
  signal?: AbortSignal
}): Promise<TextBoxMeasure[]> {
  const { width: W, height: H } = opts.format
  const [out, base] = await Promise.all([probeMedia(opts.output, { signal: opts.signal }), probeMedia(opts.base, { signal: opts.signal })])
  if (!out.video || !base.video) throw new RenderError(`text check: ${out.video ? opts.base : opts.output} has no video`, { code: 'TEXT_CHECK_FAILED' })
  if (out.video.width !== W || out.video.height !== H || base.video.width !== W || base.video.height !== H)
    throw new RenderError(
      `text check: output ${out.video.width}x${out.video.height} and base ${base.video.width}x${base.video.height} must both be the format's ${W}x${H}`,
      { code: 'TEXT_CHECK_FAILED' },
    )
  const fps = out.video.fps
  // Each sampled frame is reached by a seek in both videos: take the frames nearest after a
  // keyframe of both (a text usually starts with a shot), not a decode of the whole song.
  const [outKeys, baseKeys] = await Promise.all([readKeyframes(opts.output, fps, opts.signal), readKeyframes(opts.base, base.video.fps, opts.signal)])
  const cost = (o: number) => seekCost(o, outKeys) + seekCost(Math.floor(opts.sourceFrameOf(o)), baseKeys)
  const refs = opts.items.map((item) => (item.inBase ? (opts.bareRef?.(item) ?? null) : null))
  const samples = opts.items.map((item, k) => (item.inBase ? (refs[k]?.output != null ? [refs[k]!.output!] : []) : sampleFrames(item, opts.items, fps, SAMPLES, cost)))
  const outIdx = samples.flat()
  const baseIdx = opts.items.flatMap((item, k) => (item.inBase ? (refs[k] && refs[k]!.output === null ? [refs[k]!.sourceFrame] : []) : samples[k].map((o) => Math.floor(opts.sourceFrameOf(o)))))
  const [outFrames, baseFrames] = await Promise.all([
    decodeSampledFrames(opts.output, outIdx, { width: W, height: H, fps, keyframes: outKeys, signal: opts.signal }),
    decodeSampledFrames(opts.base, baseIdx, { width: W, height: H, fps: base.video.fps, keyframes: baseKeys, signal: opts.signal }),
  ])
  const wantedStills = [...new Map(refs.filter((r): r is BareRef => r !== null).map((r) => [r.sourceFrame, r.png])).entries()]
  const read = await readStills(wantedStills.map(([, png]) => png), W, H, opts.signal)
  const stills = new Map(wantedStills.map(([frame], k) => [frame, read[k]]))
  const results: TextBoxMeasure[] = []
  opts.items.forEach((item, k) => {
    if (item.inBase) {
      const ref = refs[k]
      const a = ref && (ref.output !== null ? outFrames.get(ref.output) : baseFrames.get(ref.sourceFrame))
      if (!ref || !a) return results.push({ item, measured: null, inside: false })
      const pairs = [{ o: ref.output ?? item.startFrame, a, b: stills.get(ref.sourceFrame)! }]
      const region = regionAround(item.box, W, H)
      let measured = changedBox(pairs, item, opts.items, W, H, region)
      if (!measured || !within(measured, region, W, H)) measured = changedBox(pairs, item, opts.items, W, H, { x: 0, y: 0, width: W, height: H })
      return results.push({ item, measured, inside: measured !== null && boxInside(measured, opts.format.safe, INSIDE_TOLERANCE_PX), ...(ref.output === null ? { inBaseAt: ref.sourceFrame } : {}) })
    }
    const pairs = samples[k].map((o) => {
      const a = outFrames.get(o)
      const b = baseFrames.get(Math.floor(opts.sourceFrameOf(o)))
      if (!a || !b) throw new RenderError(`text check: frame ${o} of ${a ? opts.base : opts.output} is missing (${item.role} is on screen until ${item.endFrame})`, { code: 'TEXT_CHECK_FAILED' })
      return { o, a, b }
    })
    // Looked for around its laid-out box first (a fraction of the pixels); where what changed
    // reaches that region's edge, or nothing changed there, the text (or a mismatch) may be elsewhere: measured on the whole frame.
    const region = regionAround(item.box, W, H)
    let measured = changedBox(pairs, item, opts.items, W, H, region)
    if (!measured || !within(measured, region, W, H)) measured = changedBox(pairs, item, opts.items, W, H, { x: 0, y: 0, width: W, height: H })
    results.push({ item, measured, inside: measured !== null && boxInside(measured, opts.format.safe, INSIDE_TOLERANCE_PX) })
  })
  return results
}

/** Margin around a text's laid-out box where it is looked for first, as a fraction of the frame's larger side. */
const REGION_MARGIN = 0.2

function regionAround(b: Box, W: number, H: number): Box {
  const m = Math.ceil(REGION_MARGIN * Math.max(W, H))
  const x0 = Math.max(0, Math.floor(b.x) - m)
  const y0 = Math.max(0, Math.floor(b.y) - m)
  const x1 = Math.min(W, Math.ceil(b.x + b.width) + m)
  const y1 = Math.min(H, Math.ceil(b.y + b.height) + m)
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) }
}

/** True when `box` stays off every edge of `region` that is not also an edge of the frame. */
function within(box: Box, region: Box, W: number, H: number): boolean {
  if (region.x > 0 && box.x <= region.x) return false
  if (region.y > 0 && box.y <= region.y) return false
  if (region.x + region.width < W && box.x + box.width >= region.x + region.width) return false
  if (region.y + region.height < H && box.y + box.height >= region.y + region.height) return false
  return true
}

/** Crops rows/columns of an rgb24 frame to `r`. */
function crop(rgb: Uint8Array, W: number, r: Box): Uint8Array {
  if (r.x === 0 && r.width === W) return rgb.subarray(r.y * W * 3, (r.y + r.height) * W * 3)
  const out = new Uint8Array(r.width * r.height * 3)
  for (let y = 0; y < r.height; y++) out.set(rgb.subarray(((r.y + y) * W + r.x) * 3, ((r.y + y) * W + r.x + r.width) * 3), y * r.width * 3)
  return out
}

/** The box (frame coordinates) of what the text changed inside `r`, over all its sample frames. */
function changedBox(pairs: Array<{ o: number; a: Uint8Array; b: Uint8Array }>, item: TextItem, items: TextItem[], W: number, H: number, r: Box): Box | null {
  let union: Uint8Array | null = null
  for (const { o, a, b } of pairs) {
    const m = changeMask(crop(a, W, r), crop(b, W, r), r.width, r.height)
    // Other texts on screen now are not this one's pixels.
    for (const other of items) if (other !== item && other.startFrame <= o && o < other.endFrame) clearBox(m, r.width, r.height, { ...other.box, x: other.box.x - r.x, y: other.box.y - r.y }, 4)
    const opened = openMask(m, r.width, r.height)
    if (!union) union = opened
    else for (let p = 0; p < union.length; p++) union[p] |= opened[p]
  }
  const box = union ? maskBox(union, r.width, r.height) : null
  return box ? { ...box, x: box.x + r.x, y: box.y + r.y } : null
}

function clearBox(m: Uint8Array, w: number, h: number, b: Box, margin: number): void {
  const x0 = Math.max(0, Math.floor(b.x - margin))
  const x1 = Math.min(w, Math.ceil(b.x + b.width + margin))
  const y0 = Math.max(0, Math.floor(b.y - margin))
  const y1 = Math.min(h, Math.ceil(b.y + b.height + margin))
  for (let y = y0; y < y1; y++) m.fill(0, y * w + x0, y * w + x1)
}

const span = (b: Box) => `${b.x}..${b.x + b.width} x ${b.y}..${b.y + b.height}`

/** The measured boxes as one check of the variant, in words a marketer can read. */
export function textCheckResult(results: TextBoxMeasure[], format: VariantFormat): VariantCheck {
  const bad = results.filter((r) => !r.inside)
  const where = `safe zone ${span(format.safe)} of ${format.width}x${format.height}`
  if (results.length === 0) return { name: 'text safe zone', passed: true, detail: `no texts to check (${where})` }
  // Half the frame changed is not a text: the output's picture does not match the base there.
  const whole = (b: Box) => (b.width * b.height > 0.5 * format.width * format.height ? ' (most of the picture differs from the base: output and base frames do not match)' : '')
  const from = (r: TextBoxMeasure) => (r.item.inBase ? (r.inBaseAt !== undefined ? ` (drawn by the base; measured in its frame ${r.inBaseAt})` : ' (drawn by the base)') : '')
  const say = (r: TextBoxMeasure) => `${r.item.role} "${r.item.text.slice(0, 30)}" ${r.measured ? `measured ${span(r.measured)}${whole(r.measured)}` : 'not found in the output'}${from(r)}`
  if (bad.length === 0) return { name: 'text safe zone', passed: true, detail: `${results.length} text box(es) inside ${where}: ${results.map(say).join('; ')}` }
  return { name: 'text safe zone', passed: false, detail: `${bad.length} of ${results.length} text box(es) outside ${where}: ${bad.map(say).join('; ')}` }
}
