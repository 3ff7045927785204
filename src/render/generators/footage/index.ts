/**
 * The footage generator (`--generator footage`): cuts the user's own clips and stills to the beat.
 * For each shot it picks an asset by its tags and an in-point whose motion peaks land on the
 * shot's beats (choose.ts), crops at the output's aspect ratio following the activity
 * (framing.ts), renders the span with ffmpeg (src/ffmpeg/footage.ts) or a still with a slow
 * camera move (still.ts), and never shows a span twice unless it must. A shot no footage matches
 * goes to the fallback generator, and the log says so. What was chosen is written next to the
 * segment (record.ts).
 */
import type { Store } from '../../../store/index.js'
import { rm } from 'node:fs/promises'
import { abortError, extractFramePng } from '../../../ffmpeg/index.js'
import { renderFootageClip } from '../../../ffmpeg/footage.js'
import type { Segment } from '../../../schemas/index.js'
import type { GenerateContext, GeneratorCapabilities, SegmentGenerator, SegmentRequest } from '../types.js'
import { chooseFootage, shotNeedOf, spanOf, type ClipChoice, type StillChoice } from './choose.js'
import { cropSize, planClipCrop, planStillMove } from './framing.js'
import { openFootageLibrary, type FootageAssetInput, type FootageClip, type FootageLibrary, type FootageStill } from './library.js'
import { writeFootageChoice } from './record.js'
import { SpanRegistry } from './spans.js'
import { renderStill } from './still.js'
import { segmentFor } from '../segment.js'

export { FootageError } from './errors.js'
export { openFootageLibrary, hashFile } from './library.js'
export type { FootageAssetInput, FootageClip, FootageItem, FootageLibrary, FootageStill, OpenFootageOptions, ClipActivity } from './library.js'
export { chooseFootage, clipTiming, shotNeedOf, spanOf, MAX_SLOWDOWN, CONFORM_RANGE } from './choose.js'
export type { ChooseOptions, ChooseResult, ClipChoice, ClipTiming, FootageChoice, Resample, ShotNeed, StillChoice } from './choose.js'
export { alignmentOf, compareAlignment, cumulativeMotion, retimedMotion, type Alignment } from './align.js'
export { cropAt, cropSize, planClipCrop, planStillMove, stillWindowAt, STILL_ZOOM, CLOSE_ZOOM } from './framing.js'
export type { CropPlan, StillMove } from './framing.js'
export { matchTags, normaliseTag, shotKeysOf, TAG_WEIGHTS, type ShotKeys, type TagMatch } from './tags.js'
export { SpanRegistry, overlapFrames, type ReservedSpan, type SpanView } from './spans.js'
export { footageChoicePath, readFootageChoice, FootageChoiceRecord } from './record.js'

export interface FootageGeneratorOptions {
  /** The brief's assets, paths absolute (resolved against brief.baseDir). */
  assets: readonly FootageAssetInput[]
  /** Renders the shots no footage matches (the procedural generator in practice). */
  fallback: SegmentGenerator
  /** The store clip analyses are kept in by file hash (the render's). */
  store?: Store
  /** One line per notable decision: fallbacks, reused spans, what the library holds. */
  onLog?(line: string): void
}

export interface FootageGenerator extends SegmentGenerator {
  /** Probes and measures the footage now (generate does it on first use); fails with FootageError. */
  open(signal?: AbortSignal): Promise<FootageLibrary>
  /** The spans shown so far in this render. */
  readonly shown: SpanRegistry
}

export const FOOTAGE_CAPABILITIES: GeneratorCapabilities = { audioConditioned: false, keyframeIn: false, referenceImages: false, maxFrames: 1_000_000 }

export function createFootageGenerator(opts: FootageGeneratorOptions): FootageGenerator {
  const log = (line: string) => opts.onLog?.(line)
  const shown = new SpanRegistry()
  let opening: Promise<FootageLibrary> | undefined

  const open = (signal?: AbortSignal): Promise<FootageLibrary> => {
    if (!opening) {
      opening = openFootageLibrary(opts.assets, { signal, store: opts.store }).then(
        (lib) => {
          for (const item of lib.items) log(describeItem(item))
          return lib
        },
        (err) => {
          // Forget a failed open (an abort, a file fixed since): the next shot tries again.
          opening = undefined
          throw err
        },
      )
    }
    return opening
  }

  async function generate(req: SegmentRequest, ctx: GenerateContext): Promise<Segment> {
    if (!Number.isInteger(req.frames) || req.frames < 1) throw new RangeError(`frames must be a positive integer, got ${req.frames}`)
    if (req.width % 2 || req.height % 2) throw new RangeError(`size must be even for yuv420p, got ${req.width}x${req.height}`)
    const { signal } = ctx
    if (signal.aborted) throw abortError(signal)
    const lib = await open(signal)
    if (signal.aborted) throw abortError(signal)

    // From here to the reservation nothing awaits: a shot generated at the same time cannot take the same span.
    const need = shotNeedOf(req)
    const result = chooseFootage(need, lib, shown)
    if (!result.choice) {
      log(`shot ${req.shot.index}: ${result.reason}; rendered by the ${opts.fallback.id} generator instead`)
      const seg = await opts.fallback.generate(req, ctx)
      await writeFootageChoice(req.out.video, {
        kind: 'fallback',
        version: 1,
        shotIndex: req.shot.index,
        attempt: req.attempt,
        output: { width: req.width, height: req.height, fps: req.fps, frames: req.frames },
        generator: opts.fallback.id,
        reason: result.reason,
      })
      return seg
    }
    const choice = result.choice
    shown.reserve(spanOf(choice, req.shot.index, req.attempt))
    if (result.log) log(result.log)
    try {
      const item = lib.get(choice.asset)!
      if (choice.kind === 'clip') await renderClip(req, item as FootageClip, choice, ctx)
      else await renderStillShot(req, item as FootageStill, choice, ctx)
    } catch (err) {
      shown.release(req.shot.index, req.attempt)
      throw signal.aborted ? abortError(signal) : err
    }
    ctx.onProgress(1)
    return segmentFor(req, 'footage')
  }

  return { id: 'footage', capabilities: FOOTAGE_CAPABILITIES, generate, open, shown }
}

async function renderClip(req: SegmentRequest, clip: FootageClip, choice: ClipChoice, ctx: GenerateContext): Promise<void> {
  const size = cropSize(clip.width, clip.height, req.width, req.height, req.shot.framing)
  const crop = planClipCrop(clip, { inFrame: choice.inFrame, step: choice.timing.step }, req.frames, req.fps, size)
  const pngs: Array<[number, string]> = [
    [0, req.out.firstFrame],
    [Math.floor(req.frames / 2), req.out.keyFrame],
    [req.frames - 1, req.out.lastFrame],
  ]
  try {
    await renderFootageClip({
      source: clip.path,
      sourceWidth: clip.width,
      sourceHeight: clip.height,
      sar: clip.sar,
      sourceFps: clip.fps,
      inSec: choice.inSec,
      speed: choice.timing.speed,
      resample: choice.timing.resample,
      crop,
      width: req.width,
      height: req.height,
      fps: req.fps,
      frames: req.frames,
      out: req.out.video,
      signal: ctx.signal,
      // The keyframe PNGs take the last tenth.
      onProgress: (f) => ctx.onProgress(0.9 * f),
    })
    for (const [index, png] of pngs) await extractFramePng(req.out.video, index, png, ctx.signal)
  } catch (err) {
    await Promise.all([req.out.video, ...pngs.map(([, p]) => p)].map((p) => rm(p, { force: true })))
    throw err
  }
  await writeFootageChoice(req.out.video, {
    kind: 'clip',
    version: 1,
    shotIndex: req.shot.index,
    attempt: req.attempt,
    output: { width: req.width, height: req.height, fps: req.fps, frames: req.frames },
    generator: 'footage',
    asset: clip.path,
    tags: clip.tags,
    matchedTags: choice.matchedTags,
    tagScore: choice.tagScore,
    reused: choice.reused,
    source: { width: clip.width, height: clip.height },
    inFrame: choice.inFrame,
    inSec: choice.inSec,
    sourceFps: choice.sourceFps,
    sourceFrames: choice.timing.sourceFrames,
    step: choice.timing.step,
    speed: choice.timing.speed,
    resample: choice.timing.resample,
    slowed: choice.timing.slowed,
    overlapFrames: choice.overlapFrames,
    cutsInside: choice.cutsInside,
    alignment: {
      method: 'av-align',
      avAlign: choice.alignment.avAlign,
      matched: choice.alignment.matched,
      beatAlignment: choice.alignment.beatAlignment,
      targets: shotNeedOf(req).targets,
      peaks: choice.alignment.peaks,
    },
    crop,
  })
}

async function renderStillShot(req: SegmentRequest, still: FootageStill, choice: StillChoice, ctx: GenerateContext): Promise<void> {
  const move = planStillMove(still, req.shot.camera, req, req.shot.framing)
  await renderStill(req, still, move, ctx)
  await writeFootageChoice(req.out.video, {
    kind: 'still',
    version: 1,
    shotIndex: req.shot.index,
    attempt: req.attempt,
    output: { width: req.width, height: req.height, fps: req.fps, frames: req.frames },
    generator: 'footage',
    asset: still.path,
    tags: still.tags,
    matchedTags: choice.matchedTags,
    tagScore: choice.tagScore,
    reused: choice.reused,
    source: { width: still.width, height: still.height },
    detail: still.detail,
    move,
  })
}

function describeItem(item: FootageClip | FootageStill): string {
  if (item.kind === 'still') return `footage: ${item.path}: still ${item.width}x${item.height}, tags [${item.tags.join(', ')}]`
  return (
    `footage: ${item.path}: clip ${item.width}x${item.height}, ${item.durationSec.toFixed(2)} s at ${+item.fps.toFixed(3)} fps, ` +
    `${item.peaks.length} motion peaks, ${item.cuts.length} edits, tags [${item.tags.join(', ')}]`
  )
}
