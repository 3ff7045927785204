/**
 * The footage library: every asset of the brief probed and measured once. Clips get their motion
 * curve (mean optical-flow magnitude per frame, the metrics module's MotionTracker at 160 px),
 * their motion peaks (sync.ts `motionPeaks`, the verifier's definition), the cuts inside them and
 * a per-frame map of where the activity is; stills get their most detailed region. Frames are
 * streamed (only the previous frame's pyramid is held) and results are cached by content hash.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { abortError, analysisSize, decodeFrames, decodeImage } from '../../../ffmpeg/index.js'
import { probeFootage, type FootageProbe } from '../../../ffmpeg/footage.js'
import { MotionTracker } from '../../../metrics/flow.js'
import { lumaOf, METRIC_WIDTH } from '../../../metrics/measureFrames.js'
import { ShotBoundaryDetector } from '../../../metrics/shotBoundaries.js'
import { motionPeaks } from '../../../metrics/sync.js'
import { activityOf, detailCentre } from './activity.js'
import { CachedAnalysis, FOOTAGE_ANALYSIS_KIND, FOOTAGE_ANALYSIS_VERSION, roundArray } from './cache.js'
import type { Store } from '../../../store/index.js'
import { FootageError } from './errors.js'

/** An asset as the generator receives it: an absolute path and the brief's tags. */
export interface FootageAssetInput {
  path: string
  tags: string[]
}

/** Per source frame: where the independent motion is (see activity.ts). */
export interface ClipActivity {
  cx: Float32Array
  cy: Float32Array
  energy: Float32Array
  x0: Float32Array
  y0: Float32Array
  x1: Float32Array
  y1: Float32Array
}

interface ItemBase {
  path: string
  tags: string[]
  /** sha256 of the file's bytes. */
  hash: string
  /** Display size (rotation and pixel aspect applied). */
  width: number
  height: number
  sar: number
  formatName: string
}

export interface FootageClip extends ItemBase {
  kind: 'clip'
  fps: number
  /** Frames decoded. */
  frames: number
  durationSec: number
  analysisWidth: number
  analysisHeight: number
  /** motion[i]: mean flow magnitude from frame i−1 to i, px/frame at the analysis size (motion[0] = 0). */
  motion: Float32Array
  /** motionPeaks(motion): source frames where a change peaks. */
  peaks: number[]
  /** Frames where a new shot starts inside the clip (an edit): a span never straddles one. */
  cuts: number[]
  activity: ClipActivity
}

export interface FootageStill extends ItemBase {
  kind: 'still'
  /** The most detailed region, in frame fractions. */
  detail: { cx: number; cy: number }
}

export type FootageItem = FootageClip | FootageStill

export interface FootageLibrary {
  items: FootageItem[]
  get(path: string): FootageItem | undefined
}

export interface OpenFootageOptions {
  signal?: AbortSignal
  /** The store analyses are kept in by file hash (the render's). */
  store?: Store
  /** Overall fraction done, 0..1, and the asset being measured. */
  onProgress?(fraction: number, asset: string): void
}

/**
 * Probes and measures every asset (duplicates merged, their tags joined). A missing, unreadable or
 * picture-less asset is a FootageError naming it.
 */
export async function openFootageLibrary(assets: readonly FootageAssetInput[], opts: OpenFootageOptions = {}): Promise<FootageLibrary> {
  const merged = new Map<string, string[]>()
  for (const a of assets) merged.set(a.path, [...new Set([...(merged.get(a.path) ?? []), ...a.tags])])
  const list = [...merged]
  const items: FootageItem[] = []
  for (const [k, [path, tags]] of list.entries()) {
    if (opts.signal?.aborted) throw abortError(opts.signal)
    const report = (f: number) => opts.onProgress?.((k + Math.min(1, Math.max(0, f))) / list.length, path)
    report(0)
    items.push(await openAsset(path, tags, opts, report))
    report(1)
  }
  const byPath = new Map(items.map((i) => [i.path, i]))
  return { items, get: (p) => byPath.get(p) }
}

async function openAsset(path: string, tags: string[], opts: OpenFootageOptions, report: (f: number) => void): Promise<FootageItem> {
  const signal = opts.signal
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new FootageError(`footage asset ${path} is not a file: list a video clip or an image in the brief's assets`, path)
  } catch (err) {
    if (err instanceof FootageError) throw err
    throw new FootageError(`footage asset not found: ${path}. Check its path in the brief's assets (relative to the brief's folder).`, path)
  }
  let probe: FootageProbe
  try {
    probe = await probeFootage(path, signal)
  } catch (err) {
    if (signal?.aborted) throw abortError(signal)
    throw unreadable(path, err)
  }
  const hash = await hashFile(path, signal)
  const base = { path, tags, hash, width: probe.width, height: probe.height, sar: probe.sar, formatName: probe.formatName }
  let analysis: CachedAnalysis | undefined = await opts.store?.get(FOOTAGE_ANALYSIS_KIND, hash, CachedAnalysis)
  if (!analysis) {
    try {
      analysis = probe.kind === 'still' ? await analyseStill(path, probe, signal) : await analyseClip(path, probe, signal, report)
      // A "video" of one picture (a single-frame gif or mjpeg) is a still.
      if (analysis.kind === 'clip' && analysis.frames < 2) analysis = await analyseStill(path, probe, signal)
    } catch (err) {
      if (signal?.aborted) throw abortError(signal)
      if (err instanceof FootageError) throw err
      throw unreadable(path, err)
    }
    await opts.store?.put(FOOTAGE_ANALYSIS_KIND, hash, analysis)
  }
  if (analysis.kind === 'still') return { kind: 'still', ...base, detail: analysis.detail }
  const motion = Float32Array.from(analysis.motion)
  const f32 = (a: number[]) => Float32Array.from(a)
  return {
    kind: 'clip',
    ...base,
    fps: analysis.fps,
    frames: analysis.frames,
    durationSec: analysis.frames / analysis.fps,
    analysisWidth: analysis.analysisWidth,
    analysisHeight: analysis.analysisHeight,
    motion,
    peaks: motionPeaks(motion),
    cuts: analysis.cuts,
    activity: {
      cx: f32(analysis.activity.cx),
      cy: f32(analysis.activity.cy),
      energy: f32(analysis.activity.energy),
      x0: f32(analysis.activity.x0),
      y0: f32(analysis.activity.y0),
      x1: f32(analysis.activity.x1),
      y1: f32(analysis.activity.y1),
    },
  }
}

function unreadable(path: string, err: unknown): FootageError {
  const why = err instanceof Error ? err.message : String(err)
  return new FootageError(
    `ffmpeg cannot read footage asset ${path} (${why}). Use a video ffmpeg decodes (mp4, mov, mkv, webm…) or an image (png, jpg, webp…), or remove it from the brief's assets.`,
    path,
  )
}

/** sha256 of a file's bytes, streamed. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) throw abortError(signal)
    h.update(chunk as Buffer)
  }
  return h.digest('hex')
}

async function analyseStill(path: string, probe: FootageProbe, signal?: AbortSignal): Promise<CachedAnalysis> {
  const { width, height } = analysisSize(probe.width, probe.height, METRIC_WIDTH)
  const gray = await decodeImage(path, { width, height, format: 'gray', signal })
  const d = detailCentre(gray, width, height)
  return { kind: 'still', version: FOOTAGE_ANALYSIS_VERSION, detail: { cx: round4(d.cx), cy: round4(d.cy) } }
}

/** A Float32Array that doubles when full (clips are measured before their length is certain). */
class Series {
  data: Float32Array
  constructor(capacity: number) {
    this.data = new Float32Array(Math.max(16, capacity))
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const grown = new Float32Array(Math.max(this.data.length * 2, i + 1))
      grown.set(this.data)
      this.data = grown
    }
    this.data[i] = v
  }
  take(n: number): number[] {
    return roundArray(this.data.subarray(0, n))
  }
}

async function analyseClip(path: string, probe: FootageProbe, signal: AbortSignal | undefined, report: (f: number) => void): Promise<CachedAnalysis> {
  if (!(probe.fps > 0)) throw new Error('no frame rate')
  const { width, height } = analysisSize(probe.width, probe.height, METRIC_WIDTH)
  const expected = Math.max(1, probe.frames ?? Math.round(probe.durationSec * probe.fps))
  const tracker = new MotionTracker(width, height)
  const cutDetector = new ShotBoundaryDetector(width, height)
  const gray = new Uint8Array(width * height)
  const names = ['motion', 'cx', 'cy', 'energy', 'x0', 'y0', 'x1', 'y1'] as const
  const series = Object.fromEntries(names.map((n) => [n, new Series(expected + 8)])) as Record<(typeof names)[number], Series>
  const frames = await decodeFrames(path, { width, height, format: 'rgb24', signal }, (rgb, i) => {
    lumaOf(rgb, gray)
    cutDetector.add(rgb)
    series.motion.set(i, tracker.add(gray))
    const flow = tracker.lastFlow
    const a = flow ? activityOf(flow) : { cx: 0.5, cy: 0.5, energy: 0, x0: 0, y0: 0, x1: 1, y1: 1 }
    series.cx.set(i, a.cx)
    series.cy.set(i, a.cy)
    series.energy.set(i, a.energy)
    series.x0.set(i, a.x0)
    series.y0.set(i, a.y0)
    series.x1.set(i, a.x1)
    series.y1.set(i, a.y1)
    if (i % 30 === 0) report(i / expected)
  })
  if (frames < 1) throw new Error('no frames decoded')
  const cuts = cutDetector.finish()
  return {
    kind: 'clip',
    version: FOOTAGE_ANALYSIS_VERSION,
    analysisWidth: width,
    analysisHeight: height,
    fps: probe.fps,
    frames,
    cuts,
    motion: series.motion.take(frames),
    activity: {
      cx: series.cx.take(frames),
      cy: series.cy.take(frames),
      energy: series.energy.take(frames),
      x0: series.x0.take(frames),
      y0: series.y0.take(frames),
      x1: series.x1.take(frames),
      y1: series.y1.take(frames),
    },
  }
}

const round4 = (x: number) => Math.round(x * 10000) / 10000
