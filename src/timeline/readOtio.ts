/**
 * Reads the video cuts back from OTIO JSON: the first Video track of the timeline's stack, its
 * clips laid end to end from record frame 0 (a Gap advances the record frame, a Transition takes
 * no track time). Clip.1 (`media_reference`) and Clip.2 (`media_references`) both read. Pure.
 */
import { z } from 'zod'
import { rationalFps } from './rate.js'
import type { TimelineCuts } from './model.js'

const RationalTime = z.object({ rate: z.number().positive(), value: z.number() })
const TimeRange = z.object({ start_time: RationalTime, duration: RationalTime })
const Ref = z.object({ target_url: z.string().optional() }).loose().nullable().optional()
const Item = z
  .object({
    OTIO_SCHEMA: z.string(),
    name: z.string().nullable().optional(),
    source_range: TimeRange.nullable().optional(),
    media_reference: Ref,
    media_references: z.record(z.string(), Ref).optional(),
    active_media_reference_key: z.string().optional(),
  })
  .loose()
const Track = z.object({ OTIO_SCHEMA: z.string().startsWith('Track.'), kind: z.string(), children: z.array(Item) }).loose()
export const OtioTimeline = z
  .object({
    OTIO_SCHEMA: z.string().startsWith('Timeline.'),
    global_start_time: RationalTime.nullable().optional(),
    tracks: z.object({ OTIO_SCHEMA: z.string().startsWith('Stack.'), children: z.array(z.unknown()) }).loose(),
  })
  .loose()

/** The cuts of an OTIO document; throws an Error naming what does not fit. */
export function readOtioText(text: string): TimelineCuts {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`)
  }
  const doc = OtioTimeline.safeParse(json)
  if (!doc.success) throw new Error(`not an OTIO timeline: ${issue(doc.error)}`)
  const tracks = doc.data.tracks.children.map((c) => Track.safeParse(c))
  const video = tracks.find((t) => t.success && t.data.kind === 'Video')
  if (!video?.success) {
    const bad = tracks.find((t) => !t.success)
    throw new Error(bad && !bad.success ? `a track does not fit: ${issue(bad.error)}` : 'no Video track')
  }
  const rate = video.data.children.find((c) => c.source_range)?.source_range?.duration.rate ?? doc.data.global_start_time?.rate
  if (!rate) throw new Error('no clip with a source_range: the frame rate is unknown')
  const fps = rationalFps(rate)
  const toFrames = (t: { rate: number; value: number }) => Math.round((t.value * fps.num) / fps.den / t.rate)
  const clips: TimelineCuts['clips'] = []
  let at = 0
  video.data.children.forEach((item, i) => {
    const kind = item.OTIO_SCHEMA.split('.')[0]
    if (kind === 'Transition') return
    if (!item.source_range) throw new Error(`video track item ${i + 1} (${kind}) has no source_range`)
    const frames = toFrames(item.source_range.duration)
    if (frames <= 0) throw new Error(`video track item ${i + 1} (${kind}) lasts ${frames} frames`)
    if (kind === 'Clip') {
      const ref = item.media_references?.[item.active_media_reference_key ?? 'DEFAULT_MEDIA'] ?? item.media_reference
      clips.push({ name: item.name || `clip ${clips.length + 1}`, startFrame: at, endFrame: at + frames, ...(ref?.target_url ? { source: ref.target_url } : {}) })
    } else if (kind !== 'Gap') throw new Error(`video track item ${i + 1} is a ${item.OTIO_SCHEMA}, which longav does not read`)
    at += frames
  })
  return { fps, clips }
}

function issue(e: z.ZodError): string {
  const i = e.issues[0]
  return `${i.path.join('.') || '(root)'}: ${i.message}`
}
