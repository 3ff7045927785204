/**
 * Subject tracking over a whole video: streams its frames at a small analysis size (never the
 * whole video in memory), estimates each frame's subject (saliency.ts), finds hard cuts, and
 * steadies the boxes with a short median inside each shot. Boxes come back in source pixels.
 */
import { analysisSize, decodeFrames, probeMedia } from '../../ffmpeg/index.js'
import { InputError } from '../../errors.js'
import type { Box } from '../types.js'
import { brightnessFreeDiff, frameSubject, toGrey, type SaliencyOptions } from './saliency.js'
import type { MassProfile } from './focus.js'

export interface TrackOptions extends SaliencyOptions {
  /** Analysis width in px (default 160). */
  analysisWidth?: number
  /** Known shot starts; cuts are also detected from the frames. */
  shotStarts?: number[]
  signal?: AbortSignal
}

export interface Track {
  /** The source's size. */
  width: number
  height: number
  fps: number
  /** Per frame, the subject box (source px; width 0 where nothing stands out). */
  subjects: Box[]
  /** Per frame, the subject's saliency mass per analysis column and row (5-frame mean inside the shot): see massFocus. */
  profiles: MassProfile[]
  /** Frames where a hard cut was detected (first frame of the new shot). */
  cuts: number[]
}

/** A frame is a cut candidate when its difference to the last (brightnessFreeDiff, 0..255) is at
 * least CUT_MIN and CUT_RATIO times the shot's recent median (+4): relative, so a busy shot's
 * motion is not a cut and a quiet shot's change of picture is. */
const CUT_MIN = 12
const CUT_RATIO = 4

export async function trackSubjects(input: string, opts: TrackOptions = {}): Promise<Track> {
  const info = await probeMedia(input, { signal: opts.signal })
  if (!info.video || !info.video.width || !info.video.height) throw new InputError(`${input} has no video stream to reframe`)
  const { width, height, fps } = info.video
  const a = analysisSize(width, height, opts.analysisWidth ?? 160)
  const known = new Set(opts.shotStarts ?? [])
  const raw: Array<ReturnType<typeof frameSubject>> = []
  const cuts: number[] = []
  // One frame of delay: a cut is confirmed only when the next frame does not go back to the last
  // shot's picture (a flash or a beat shake differs from its neighbours, then returns).
  let before: { rgb: Uint8Array; grey: Uint8Array } | undefined // frame i-1
  let held: { rgb: Uint8Array; grey: Uint8Array; index: number; jump: number } | undefined
  const recent: number[] = [] // the last frame-to-frame differences: the shot's own motion level
  const settle = (nextRgb: Uint8Array | undefined) => {
    if (!held) return
    const stays = !before || !nextRgb || brightnessFreeDiff(nextRgb, before.rgb) > held.jump
    const cut = held.index > 0 && (known.has(held.index) || (held.jump > 0 && stays))
    if (cut) cuts.push(held.index)
    const last = cut ? undefined : raw[raw.length - 1]
    raw.push(frameSubject(held.rgb, held.grey, cut ? undefined : before?.grey, a.width, a.height, opts, last))
    before = held
  }
  await decodeFrames(input, { width: a.width, height: a.height, format: 'rgb24', signal: opts.signal }, (frame, i) => {
    const rgb = new Uint8Array(frame)
    let jump = 0
    if (held) {
      const d = brightnessFreeDiff(rgb, held.rgb)
      const threshold = Math.max(CUT_MIN, CUT_RATIO * (recent.length ? median(recent) : 0) + 4)
      if (d > threshold) jump = threshold
      recent.push(d)
      if (recent.length > 8) recent.shift()
    }
    settle(rgb)
    held = { rgb, grey: toGrey(rgb), index: i, jump }
  })
  settle(undefined)
  const sx = width / a.width
  const sy = height / a.height
  const shots = [0, ...cuts, raw.length]
  const subjects: Box[] = []
  const profiles: MassProfile[] = []
  for (let s = 0; s + 1 < shots.length; s++) {
    const shot = raw.slice(shots[s], shots[s + 1])
    shot.forEach((f, k) => {
      // A 5-frame median of each edge drops one-frame outliers without lagging a steady motion.
      const near = shot.slice(Math.max(0, k - 2), k + 3).filter((g) => g.width > 0)
      profiles.push({ cols: meanOf(near.map((g) => g.cols), a.width), rows: meanOf(near.map((g) => g.rows), a.height) })
      if (f.width === 0) return subjects.push({ x: 0, y: 0, width: 0, height: 0 })
      const x0 = median(near.map((g) => g.x)) - 1
      const y0 = median(near.map((g) => g.y)) - 1
      const x1 = median(near.map((g) => g.x + g.width)) + 1
      const y1 = median(near.map((g) => g.y + g.height)) + 1
      const box = { x: Math.max(0, x0 * sx), y: Math.max(0, y0 * sy), width: 0, height: 0 }
      box.width = Math.min(width, x1 * sx) - box.x
      box.height = Math.min(height, y1 * sy) - box.y
      subjects.push(box)
    })
  }
  return { width, height, fps, subjects, profiles, cuts }
}

function median(v: number[]): number {
  const s = [...v].sort((p, q) => p - q)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function meanOf(arrays: Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n)
  for (const a of arrays) for (let i = 0; i < n; i++) out[i] += a[i] / arrays.length
  return out
}
