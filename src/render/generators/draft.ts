import type { SegmentGenerator } from './types.js'
import { DRAFT_OUTPUT, type OutputFormat } from '../../schemas/index.js'

/**
 * The generator of a draft render: the same pictures (encoded by `withDraftEncoding`), under an
 * id of its own, so a draft's shots, verdicts and cuts have their own store keys and are never
 * taken for a final render's.
 */
export function draftGenerator(inner: SegmentGenerator): SegmentGenerator {
  return {
    id: `${inner.id}+draft`,
    capabilities: inner.capabilities,
    ...(inner.adapt ? { adapt: inner.adapt.bind(inner) } : {}),
    generate: (req, ctx) => inner.generate(req, ctx),
  }
}

/**
 * A draft's output: the brief's shape with DRAFT_OUTPUT's long side (even sides) and rate; a size
 * or rate the caller gives wins.
 */
export function draftOutput(brief: OutputFormat, given: Partial<OutputFormat>): OutputFormat {
  const scale = DRAFT_OUTPUT.longSide / Math.max(brief.width, brief.height)
  const even = (v: number) => Math.max(64, 2 * Math.round((v * Math.min(1, scale)) / 2))
  return {
    ...brief,
    ...given,
    width: given.width ?? even(brief.width),
    height: given.height ?? even(brief.height),
    fps: given.fps ?? Math.min(brief.fps, DRAFT_OUTPUT.fps),
    draft: true,
  }
}
