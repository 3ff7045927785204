/**
 * From a shot request to what a workflow is asked for: frame count and size the model accepts,
 * the prompt text, the seed, reference images. Pure functions.
 */
import type { GeneratorCapabilities, SegmentRequest } from '../types.js'
import type { WorkflowMeta, WorkflowTemplate } from './template.js'

/**
 * Frames to ask the workflow for: the smallest count the model accepts (frameOffset + k ×
 * frameStep, at least 1) that covers `frames`, else the largest accepted count within maxFrames.
 * The segment is then held or trimmed to exactly `frames`.
 */
export function workflowFrames(frames: number, meta: Pick<WorkflowMeta, 'maxFrames' | 'frameStep' | 'frameOffset'>): number {
  const { frameStep: step, frameOffset: offset, maxFrames } = meta
  const valid = (k: number) => offset + k * step
  const kMin = Math.max(0, Math.ceil((1 - offset) / step))
  const kUp = Math.max(kMin, Math.ceil((frames - offset) / step))
  if (valid(kUp) <= maxFrames) return valid(kUp)
  const kDown = Math.floor((maxFrames - offset) / step)
  return valid(Math.max(kMin, kDown))
}

/**
 * Frames to ask the workflow for a shot of `frames` at `fps`: the shot's duration at the
 * model's native rate when it has one, else one workflow frame per output frame; then made a
 * count the model accepts (`workflowFrames`).
 */
export function framesToRequest(frames: number, fps: number, meta: Pick<WorkflowMeta, 'maxFrames' | 'frameStep' | 'frameOffset' | 'nativeFps'>): number {
  return workflowFrames(nativeFramesFor(frames, fps, meta), meta)
}

/** Model frames that cover a shot of `frames` at `fps` (its duration at the native rate), before the grid. */
export function nativeFramesFor(frames: number, fps: number, meta: Pick<WorkflowMeta, 'nativeFps'>): number {
  return meta.nativeFps ? Math.max(1, Math.ceil((frames * meta.nativeFps) / fps - 1e-9)) : frames
}

/**
 * Width and height to ask for: the output size scaled down (aspect kept) to at most maxPixels,
 * each rounded to the nearest multiple of sizeMultiple (at least one multiple). The segment is
 * scaled to cover the output size and centre-cropped afterwards.
 */
export function workflowSize(width: number, height: number, meta: Pick<WorkflowMeta, 'sizeMultiple' | 'maxPixels'>): { width: number; height: number } {
  const scale = meta.maxPixels && width * height > meta.maxPixels ? Math.sqrt(meta.maxPixels / (width * height)) : 1
  const m = meta.sizeMultiple
  const round = (v: number) => Math.max(m, Math.round((v * scale) / m) * m)
  let w = round(width)
  let h = round(height)
  // Rounding up may cross maxPixels by a little: step down the longer side until it fits.
  while (meta.maxPixels && w * h > meta.maxPixels && (w > m || h > m)) {
    if (w >= h && w > m) w -= m
    else h -= m
  }
  return { width: w, height: h }
}

/** The shot's prompt, with the style bible's look added when the planner did not already put it in. */
export function shotPromptText(req: Pick<SegmentRequest, 'shot' | 'style'>): string {
  const prompt = req.shot.prompt.trim()
  const look = req.style.look.trim()
  if (!look || prompt.toLowerCase().includes(look.toLowerCase())) return prompt
  return prompt ? `${prompt} ${look}.` : look
}

/** ComfyUI seeds are 64-bit; ours stay within 2^53 so they round-trip through JSON. */
export function shotSeed(seed: number, attempt: number): number {
  return (seed + attempt) % Number.MAX_SAFE_INTEGER
}

/**
 * Reference keyframes for the shot, the location's first, then each character's, each file
 * once; `count` slots filled by cycling through them. Empty when the shot has none.
 */
export function referenceImages(req: Pick<SegmentRequest, 'shot' | 'referenceKeyframes'>, count: number): string[] {
  if (count <= 0) return []
  const ids = [req.shot.locationId, ...req.shot.characterIds]
  const files = [...new Set(ids.flatMap((id) => req.referenceKeyframes[id] ?? []))]
  if (files.length === 0) return []
  return Array.from({ length: count }, (_, i) => files[i % files.length])
}

/**
 * The generator's capabilities from the workflow's meta. maxFrames is in output frames: for a
 * model with a native rate, the longest clip it makes retimed to the render's `fps`.
 */
export function templateCapabilities(t: WorkflowTemplate, fps: number, maxRuns = 1): GeneratorCapabilities {
  // Chained runs share their joining frame: n runs of the longest make n (L - 1) + 1 frames.
  const runs = maxRuns > 1 && canChain(t) ? maxRuns : 1
  const longest = workflowFrames(t.meta.maxFrames, t.meta)
  const native = runs * (longest - 1) + 1
  const maxFrames = t.meta.nativeFps ? Math.max(1, Math.floor((native * fps) / t.meta.nativeFps)) : native
  return {
    audioConditioned: t.meta.accepts.audio,
    keyframeIn: t.meta.accepts.initImage,
    referenceImages: t.meta.accepts.referenceImages > 0,
    maxFrames,
  }
}

/**
 * Can a shot be made of chained runs of this workflow (each starting on the last frame of the one
 * before)? Not an audio-driven one: each run would need its own span of the audio.
 */
export function canChain(t: WorkflowTemplate): boolean {
  return t.meta.accepts.initImage && !t.meta.accepts.audio && t.meta.produces === 'frames' && t.meta.temporal
}

/**
 * Score of a workflow for the default choice: a coherent clip (a video model) first, then one
 * that continues from the previous shot's frame, then one that follows the shot's text (directly
 * or through its init-frame template), then reference images and audio.
 */
export function capabilityScore(t: WorkflowTemplate): number {
  const m = t.meta
  const followsText = t.names.includes('prompt') || m.initFrom !== undefined
  return (m.temporal ? 16 : 0) + (m.accepts.initImage ? 8 : 0) + (followsText ? 4 : 0) + (m.accepts.referenceImages > 0 ? 2 : 0) + (m.accepts.audio ? 1 : 0)
}

/** The default workflow: the best-scoring one that allows automatic choice; ties go to the name first in order. */
export function chooseWorkflow(templates: WorkflowTemplate[]): WorkflowTemplate | undefined {
  return templates
    .filter((t) => t.meta.autoSelect)
    .sort((a, b) => capabilityScore(b) - capabilityScore(a) || a.name.localeCompare(b.name))[0]
}
