/**
 * One generator per render, with per-shot overrides: the router sends each shot to its backend
 * and shapes the request to what that backend can take (its capabilities).
 */
import type { GeneratorName, ShotGenerator } from '../../schemas/index.js'
import { baseLabel } from '../../agents/heuristics/sections.js'
import type { GenerateContext, GeneratorCapabilities, SegmentGenerator, SegmentRequest } from './types.js'
import { hashValue } from '../../util/files.js'

/** Where a shot sits, as the override rules see it. */
export interface ShotPlace {
  index: number
  sectionIndex: number
  sectionLabel?: string
  startSec: number
}

/** The generator for a shot: the first override that matches it, else the render's default. Pure. */
export function generatorNameFor(shot: ShotPlace, rules: readonly ShotGenerator[], fallback: GeneratorName): GeneratorName {
  for (const r of rules) {
    if (r.shots && !r.shots.includes(shot.index)) continue
    if (r.from !== undefined && shot.startSec < r.from) continue
    if (r.to !== undefined && shot.startSec >= r.to) continue
    if (r.sections) {
      const label = shot.sectionLabel !== undefined ? baseLabel(shot.sectionLabel) : undefined
      const hit = r.sections.some((s) => (typeof s === 'number' ? s === shot.sectionIndex : label !== undefined && baseLabel(s) === label))
      if (!hit) continue
    }
    return r.generator
  }
  return fallback
}

/**
 * The request as a backend with these capabilities takes it: no init keyframe for one that cannot
 * start from a picture, no reference images for one that takes none, and a size it can make (the
 * listed size nearest in aspect, then in area; the segment is scaled to the output when stitched).
 */
export function adaptRequest<R extends Pick<SegmentRequest, 'initKeyframe' | 'referenceKeyframes' | 'width' | 'height'>>(req: R, caps: GeneratorCapabilities): R {
  const out: R = { ...req }
  if (!caps.keyframeIn) delete out.initKeyframe
  if (!caps.referenceImages) out.referenceKeyframes = {}
  if (caps.sizes && caps.sizes.length > 0 && !caps.sizes.some((s) => s.width === req.width && s.height === req.height)) {
    const aspect = req.width / req.height
    const best = [...caps.sizes].sort(
      (a, b) =>
        Math.abs(Math.log(a.width / a.height / aspect)) - Math.abs(Math.log(b.width / b.height / aspect)) ||
        Math.abs(a.width * a.height - req.width * req.height) - Math.abs(b.width * b.height - req.width * req.height),
    )[0]
    out.width = best.width
    out.height = best.height
  }
  return out
}

export interface RouterOptions {
  fallback: GeneratorName
  backends: Partial<Record<GeneratorName, SegmentGenerator>>
  rules: readonly ShotGenerator[]
  onLog?(line: string): void
}

/** Backends named by the default and the rules, in a stable order. */
export function namesInUse(fallback: GeneratorName, rules: readonly ShotGenerator[]): GeneratorName[] {
  return [...new Set([fallback, ...rules.map((r) => r.generator)])].sort()
}

/**
 * A SegmentGenerator over several backends. Its maxFrames is the smallest of theirs (the planner
 * keeps every shot within it whichever backend gets it); its id names the backends and the rules.
 */
export function createGeneratorRouter(opts: RouterOptions): SegmentGenerator {
  const names = namesInUse(opts.fallback, opts.rules)
  const backends = names.map((n) => {
    const g = opts.backends[n]
    if (!g) throw new Error(`generator router: no '${n}' backend was built`)
    return g
  })
  const single = opts.rules.length === 0 || names.length === 1
  const caps: GeneratorCapabilities = {
    audioConditioned: backends.some((b) => b.capabilities.audioConditioned),
    keyframeIn: backends.some((b) => b.capabilities.keyframeIn),
    referenceImages: backends.some((b) => b.capabilities.referenceImages),
    maxFrames: Math.min(...backends.map((b) => b.capabilities.maxFrames)),
  }
  const backendFor = (req: Pick<SegmentRequest, 'shot' | 'mood' | 'audio'>): SegmentGenerator => {
    const name = single
      ? opts.fallback
      : generatorNameFor({ index: req.shot.index, sectionIndex: req.shot.sectionIndex, sectionLabel: req.mood?.label, startSec: req.audio.startSec }, opts.rules, opts.fallback)
    return opts.backends[name]!
  }
  const id = single ? backends[0].id : `mixed(${backends.map((b) => b.id).join(',')};${hashValue(opts.rules).slice(0, 8)})`
  return {
    id,
    capabilities: caps,
    adapt(req) {
      return adaptRequest(req, backendFor(req).capabilities)
    },
    generate(req: SegmentRequest, ctx: GenerateContext) {
      const backend = backendFor(req)
      if (!single && req.attempt === 0) opts.onLog?.(`shot ${req.shot.index}: ${backend.id}`)
      return backend.generate(adaptRequest(req, backend.capabilities), ctx)
    },
  }
}
