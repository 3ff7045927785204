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

/** Mean grey difference (0..255) above which a frame is a hard cut, when also far above the last one. */
const CUT_DIFF = 24

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
  let before: Uint8Array | undefined // grey of frame i-1
  let held: { rgb: Uint8Array; grey: Uint8Array; index: number; jump: boolean } | undefined
  let lastDiff = 0
  const settle = (nextGrey: Uint8Array | undefined) => {
    if (!held) return
    const stays = !before || !nextGrey || brightnessFreeDiff(nextGrey, before) > CUT_DIFF
    const cut = held.index > 0 && (known.has(held.index) || (held.jump && stays))
    if (cut) cuts.push(held.index)
    const last = cut ? undefined : raw[raw.length - 1]
    raw.push(frameSubject(held.rgb, held.grey, cut ? undefined : before, a.width, a.height, opts, last))
    before = held.grey
  }
  await decodeFrames(input, { width: a.width, height: a.height, format: 'rgb24', signal: opts.signal }, (rgb, i) => {
    const grey = toGrey(rgb)
    let jump = false
    if (held) {
      const d = brightnessFreeDiff(grey, held.grey)
      jump = d > CUT_DIFF && d > 3 * lastDiff + 4
      lastDiff = d
    }
    settle(grey)
    held = { rgb: new Uint8Array(rgb), grey, index: i, jump }
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
