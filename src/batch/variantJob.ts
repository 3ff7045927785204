/**
 * Makes one variant from its base render: the music (cut-down or whole, at its loudness), the
 * text layer inside the safe zone, one encode, then the checks measured on the written file.
 */
import { mkdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { probeMedia } from '../ffmpeg/index.js'
import type { Analysis, ShotPlan } from '../schemas/index.js'
import { hashValue, sha256File } from '../util/files.js'
import { assembleVariant } from './assemble.js'
import { baseCaptionsOnTimeline, captionFamilyOf, type BaseCaption } from './baseCaptions.js'
import type { BaseRender } from './bases.js'
import { chooseCutdown, sourceFrameOf } from './cutdown.js'
import { measureLoudness, renderCutdownAudio } from './cutdownAudio.js'
import { readKeyframes, seekCost } from './sampleDecode.js'
import { checkTextBoxes, sampleFrames, textCheckResult, type BareRef } from './textCheck.js'
import { writeTextOverlays } from './textDraw.js'
import { layoutTexts } from './textLayout.js'
import type { Cutdown, ManifestEntry, TextItem, VariantCheck, VariantFormat } from './types.js'
import type { VariantSpec } from './variants.js'
import { writeVariantTimeline } from './variantTimeline.js'

/** The whole song as one piece (a `full` variant): no edit, no fade. */
export function wholeSong(analysis: Analysis, plan: { fps: number; totalFrames: number }): Cutdown {
  const bars = Math.max(1, analysis.downbeats.length)
  return {
    lengthSec: plan.totalFrames / plan.fps,
    fps: plan.fps,
    totalFrames: plan.totalFrames,
    pieces: [{ startFrame: 0, endFrame: plan.totalFrames, bars: [1, bars] }],
    joinCrossfadeSec: 0,
    fadeOutSec: 0,
    reason: 'the whole song',
  }
}

/** The cut-down a variant asks for (pure): validated before anything is rendered. */
export function cutdownOf(spec: VariantSpec, analysis: Analysis, plan: { fps: number; totalFrames: number }): Cutdown {
  if (spec.length === 'full') return wholeSong(analysis, plan)
  if (typeof spec.length === 'number') return chooseCutdown(analysis, { lengthSec: spec.length, fps: plan.fps })
  return chooseCutdown(analysis, { lengthSec: spec.length.end - spec.length.start, fps: plan.fps, span: spec.length })
}

/** The lyric captions of the plan, moved onto the variant's timeline (clipped to its pieces). */
export function captionsOnTimeline(plan: ShotPlan, cut: Cutdown): Array<{ text: string; startFrame: number; endFrame: number }> {
  const seen = new Map<string, { text: string; startFrame: number; endFrame: number }>()
  for (const c of plan.shots.flatMap((s) => s.captions)) seen.set(`${c.startFrame}:${c.text}`, c)
  const out: Array<{ text: string; startFrame: number; endFrame: number }> = []
  let offset = 0
  for (const p of cut.pieces) {
    for (const c of seen.values()) {
      const a = Math.max(c.startFrame, p.startFrame)
      const b = Math.min(c.endFrame, p.endFrame)
      if (b - a >= Math.min(6, c.endFrame - c.startFrame)) out.push({ text: c.text, startFrame: offset + a - p.startFrame, endFrame: offset + b - p.startFrame })
    }
    offset += p.endFrame - p.startFrame
  }
  return out.sort((x, y) => x.startFrame - y.startFrame)
}

/** Downbeats as frames of the variant's timeline. */
export function barFramesOnTimeline(analysis: Analysis, cut: Cutdown): number[] {
  const out: number[] = []
  let offset = 0
  for (const p of cut.pieces) {
    for (const d of analysis.downbeats) {
      const f = Math.round(d * cut.fps)
      if (f >= p.startFrame && f < p.endFrame) out.push(offset + f - p.startFrame)
    }
    offset += p.endFrame - p.startFrame
  }
  return out
}

/** The variant's texts laid out on its timeline (pure; throws InputError when a text cannot fit). */
export function textLayoutOf(
  spec: VariantSpec,
  format: VariantFormat,
  cut: Cutdown,
  analysis: Analysis,
  captions: Array<{ text: string; startFrame: number; endFrame: number }>,
  baseCaptions: BaseCaption[] = [],
): TextItem[] {
  return layoutTexts(
    format,
    cut.fps,
    {
      hook: spec.texts.hook && { text: spec.texts.hook.text, style: styleOf(spec.texts.hook) },
      cta: spec.texts.cta && { text: spec.texts.cta.text, style: styleOf(spec.texts.cta) },
      endcard: spec.texts.endcard && { text: spec.texts.endcard.text, logo: spec.texts.endcard.logo, style: styleOf(spec.texts.endcard) },
      captions,
      baseCaptions,
    },
    { totalFrames: cut.totalFrames, barFrames: barFramesOnTimeline(analysis, cut) },
  )
}

/**
 * The output frames the text check will seek to, made keyframes of the output: one per text, where
 * the base is reached cheapest (just after a shot start), so both seeks decode a few frames.
 */
export async function checkKeyFrames(items: TextItem[], cut: Cutdown, baseVideo: string, signal?: AbortSignal, bareRef?: (item: TextItem) => BareRef | null): Promise<number[]> {
  if (items.length === 0) return []
  const baseKeys = await readKeyframes(baseVideo, cut.fps, signal)
  return items.flatMap((item) => {
    if (item.inBase) {
      const o = bareRef?.(item)?.output
      return o === undefined || o === null ? [] : [o]
    }
    return sampleFrames(item, items, cut.fps, undefined, (o) => seekCost(Math.floor(sourceFrameOf(cut, o)), baseKeys))
  })
}

/**
 * The reference a caption drawn into the base is measured against: the generator's caption-free
 * still of a frame the variant shows (the first such frame in the caption's window), else of the
 * nearest frame of the same caption before the window in the base (then the base's frame is measured).
 */
export function bareRefOf(base: Pick<BaseRender, 'bare' | 'plan'>, cut: Cutdown): (item: TextItem) => BareRef | null {
  const frames = [...base.bare.keys()].sort((a, b) => a - b)
  return (item) => {
    for (let o = item.startFrame; o < item.endFrame; o++) {
      const src = Math.round(sourceFrameOf(cut, o))
      const png = base.bare.get(src)
      if (png) return { png, sourceFrame: src, output: o }
    }
    // The caption's shot in the base: its still lies between the shot's start and the window.
    const first = Math.round(sourceFrameOf(cut, item.startFrame))
    const shot = base.plan.shots.find((s) => s.startFrame <= first && first < s.endFrame)
    const before = frames.filter((f) => f < first && shot !== undefined && f >= shot.startFrame).pop()
    return before === undefined ? null : { png: base.bare.get(before)!, sourceFrame: before, output: null }
  }
}

export interface VariantJob {
  spec: VariantSpec
  format: VariantFormat
  cut: Cutdown
  base: BaseRender
  analysis: Analysis
  song: string
  batchDir: string
  signal?: AbortSignal
  onProgress?: (fraction: number) => void
  /**
   * The batch's cut-down sounds by cut and loudness: variants of the same length in other formats
   * play the same bars at the same level, so their sound is made once (in .longav/audio/, this run).
   */
  sounds?: Map<string, Promise<{ path: string }>>
}

/** The variant's sound: made once per cut and loudness in a batch, else in its own folder. */
function soundOf(job: VariantJob, work: string): Promise<{ path: string }> {
  const { cut, spec } = job
  const make = (path: string) => renderCutdownAudio(job.song, cut, path, { loudnessLufs: spec.loudness, signal: job.signal })
  if (!job.sounds) return make(join(work, 'audio.wav'))
  const key = hashValue({ pieces: cut.pieces, fps: cut.fps, frames: cut.totalFrames, loudness: spec.loudness })
  let sound = job.sounds.get(key)
  if (!sound) {
    const dir = join(job.batchDir, '.longav', 'audio')
    sound = mkdir(dir, { recursive: true }).then(() => make(join(dir, `${key}.wav`)))
    // A failed sound is not kept: the next variant of that cut tries again.
    sound.catch(() => job.sounds?.delete(key))
    job.sounds.set(key, sound)
  }
  return sound
}

export async function makeVariant(job: VariantJob): Promise<Omit<ManifestEntry, 'cost'>> {
  const { spec, format, cut, base } = job
  const work = join(job.batchDir, '.longav', 'variants', spec.name)
  await mkdir(work, { recursive: true })
  await mkdir(join(job.batchDir, 'variants'), { recursive: true })
  const file = `variants/${spec.name}.mp4`
  const out = join(job.batchDir, file)
  try {
    const audio = await soundOf(job, work)
    // Captions the base draws are kept clear of and checked; otherwise they are laid over like the other texts.
    const inBase = base.captions && spec.texts.captions ? baseCaptionsOnTimeline(base.plan, cut, format, await captionFamilyOf(dirname(base.video))) : []
    const items = textLayoutOf(spec, format, cut, job.analysis, spec.texts.captions && !base.captions ? captionsOnTimeline(base.plan, cut) : [], inBase)
    const overlays = await writeTextOverlays(items.filter((i) => !i.inBase), format, work)
    const bareRef = bareRefOf(base, cut)
    const keyFrames = await checkKeyFrames(items, cut, base.video, job.signal, bareRef)
    await assembleVariant({
      base: base.video,
      baseFrames: base.plan.totalFrames,
      pieces: cut.pieces,
      overlays: overlays.map((o) => ({ png: o.png, x: o.x, y: o.y, startFrame: o.item.startFrame, endFrame: o.item.endFrame })),
      audio: audio.path,
      fps: cut.fps,
      totalFrames: cut.totalFrames,
      out,
      keyFrames,
      work,
      signal: job.signal,
      onProgress: job.onProgress,
    })
    const checks = await measureChecks(job, out, items)
    const measuredLufs = spec.loudness === null ? null : await measureLoudness(out)
    if (spec.loudness !== null && measuredLufs !== null) {
      const off = Math.abs(measuredLufs - spec.loudness)
      checks.push({ name: 'loudness', passed: off <= 1, detail: `${measuredLufs.toFixed(1)} LUFS integrated (target ${spec.loudness}, ±1 LU)` })
    }
    const failed = checks.filter((c) => !c.passed)
    const timeline = `variants/${spec.name}.timeline`
    await writeVariantTimeline({ dir: join(job.batchDir, timeline), title: spec.name, base, analysis: job.analysis, cut, format, drawn: overlays, variantVideo: out, signal: job.signal })
    return {
      name: spec.name,
      status: failed.length ? 'failed' : 'ok',
      ...(failed.length ? { error: `failed ${failed.map((c) => c.name).join(', ')}: ${failed.map((c) => c.detail).join('; ')}` } : {}),
      format,
      fps: cut.fps,
      length: spec.length === 'full' ? 'full' : cut.lengthSec,
      totalFrames: cut.totalFrames,
      pieces: cut.pieces,
      file,
      sha256: await sha256File(out),
      timeline,
      ...(spec.row ? { row: spec.row } : {}),
      texts: items,
      loudness: { targetLufs: spec.loudness, measuredLufs },
      checks,
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

function styleOf(t: { color?: string; background?: string; fontPx?: number }) {
  return { color: t.color ?? '#ffffff', ...(t.background ? { background: t.background } : {}), ...(t.fontPx ? { fontPx: t.fontPx } : {}) }
}

/** Size, length and the safe zone, measured on the written file. */
async function measureChecks(job: VariantJob, out: string, items: TextItem[]): Promise<VariantCheck[]> {
  const { format, cut } = job
  // Packets, not decoded frames: one per frame in an H.264 mp4, and no full decode per check.
  const info = await probeMedia(out, { countPackets: true, signal: job.signal })
  const v = info.video
  const checks: VariantCheck[] = [
    {
      name: 'size',
      passed: v?.width === format.width && v?.height === format.height,
      detail: `${v?.width}x${v?.height} (asked ${format.width}x${format.height})`,
    },
    {
      name: 'frames',
      passed: v?.frames === cut.totalFrames,
      detail: `${v?.frames} frames = ${((v?.frames ?? 0) / cut.fps).toFixed(3)} s (asked ${cut.totalFrames} = ${(cut.totalFrames / cut.fps).toFixed(3)} s)`,
    },
  ]
  const audioSec = info.audio?.durationSec ?? 0
  checks.push({ name: 'audio length', passed: Math.abs(audioSec - cut.totalFrames / cut.fps) <= 1.5 / cut.fps, detail: `${audioSec.toFixed(3)} s of audio` })
  if (items.length > 0) {
    const boxes = await checkTextBoxes({ output: out, base: job.base.video, sourceFrameOf: (k) => sourceFrameOf(cut, k), items, format, bareRef: bareRefOf(job.base, cut) })
    checks.push(textCheckResult(boxes, format))
  }
  return checks
}
