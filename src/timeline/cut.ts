/**
 * An edit cut down to some spans of its record time (a 15 s version of a song's film): the spans
 * laid end to end, each clip trimmed to what shows of it, with its source in-point moved to
 * match, and the markers that fall inside a span moved with it. Pure.
 */
import { sourceSpan, type TimelineClip, type TimelineMarker } from './model.js'

/** A span [startFrame, endFrame) of the edit's record time. */
export interface RecordSpan {
  startFrame: number
  endFrame: number
}

/** The clips of `clips` that show inside `spans`, in the spans' order, on the new record time. */
export function cutClips(clips: TimelineClip[], spans: RecordSpan[]): TimelineClip[] {
  const out: TimelineClip[] = []
  const used = new Map<string, number>()
  let at = 0
  for (const span of spans) {
    for (const c of clips) {
      const a = Math.max(c.startFrame, span.startFrame)
      const b = Math.min(c.endFrame, span.endFrame)
      if (b <= a) continue
      const { sourceIn, sourceFrames } = sourceSpan(c)
      // A shot seen twice (in two spans) needs two names: editors and MLT key clips by them.
      const n = (used.get(c.name) ?? 0) + 1
      used.set(c.name, n)
      out.push({
        name: n === 1 ? c.name : `${c.name}-${n}`,
        source: c.source,
        startFrame: at + a - span.startFrame,
        endFrame: at + b - span.startFrame,
        sourceIn: sourceIn + a - c.startFrame,
        sourceFrames,
      })
    }
    at += span.endFrame - span.startFrame
  }
  return out
}

/** The markers inside the spans, moved onto the new record time. */
export function cutMarkers(markers: TimelineMarker[], spans: RecordSpan[]): TimelineMarker[] {
  const out: TimelineMarker[] = []
  let at = 0
  for (const span of spans) {
    for (const m of markers) if (m.frame >= span.startFrame && m.frame < span.endFrame) out.push({ ...m, frame: at + m.frame - span.startFrame })
    at += span.endFrame - span.startFrame
  }
  return out
}
