/**
 * The sample plan of a cut-down's audio and the mix itself. Pure.
 *
 * Each piece is anchored at its downbeat: output sample round(outFrame / fps * sr) plays source
 * sample round(startSec * sr), so the music cuts on the beat even though the picture's frames are
 * snapped (the two differ by at most half a frame). At a join the outgoing piece stops at its own
 * next downbeat (or the join, whichever is first) and the crossfade lies wholly before that point:
 * the incoming piece fades in over the `joinCrossfadeSec` before its downbeat, so its downbeat
 * attack plays at full level and the outgoing piece's next downbeat is never heard.
 */
import type { Cutdown } from './types.js'

export type Fade = { from: number; to: number; shape: 'in' | 'out' | 'end' }

export interface MixSegment {
  /** Output samples [outFrom, outTo) play source samples [srcFrom, srcFrom + outTo - outFrom). */
  outFrom: number
  outTo: number
  srcFrom: number
  /** Gain ramps in output samples. */
  fades: Fade[]
}

export interface MixPlan {
  sampleRate: number
  totalSamples: number
  segments: MixSegment[]
}

/** A click-free start: a couple of milliseconds from silence into the first downbeat. */
const START_RAMP_SEC = 0.002

export function planCutdownMix(cut: Cutdown, sampleRate: number): MixPlan {
  const sr = sampleRate
  const total = Math.round((cut.totalFrames / cut.fps) * sr)
  const D = Math.round(cut.joinCrossfadeSec * sr)
  let frames = 0
  const anchors = cut.pieces.map((p) => {
    const outAt = Math.round((frames / cut.fps) * sr)
    frames += p.endFrame - p.startFrame
    const startSec = p.startSec ?? p.startFrame / cut.fps
    const endSec = p.endSec ?? p.endFrame / cut.fps
    return { outAt, src: Math.round(startSec * sr), natural: Math.round((endSec - startSec) * sr) }
  })
  const segments: MixSegment[] = anchors.map((a, k) => {
    const fades: Fade[] = []
    let outFrom = a.outAt
    if (k === 0) fades.push({ from: 0, to: Math.min(total, Math.round(START_RAMP_SEC * sr)), shape: 'in' })
    else {
      const prev = anchors[k - 1]
      const x = Math.min(a.outAt, prev.outAt + prev.natural)
      outFrom = Math.max(0, x - D, a.outAt - a.src)
      fades.push({ from: outFrom, to: x, shape: 'in' })
    }
    let outTo = total
    if (k < anchors.length - 1) {
      const next = anchors[k + 1]
      outTo = Math.min(next.outAt, a.outAt + a.natural)
      fades.push({ from: Math.max(outFrom, outTo - D), to: outTo, shape: 'out' })
    } else {
      fades.push({ from: Math.max(outFrom, total - Math.round(cut.fadeOutSec * sr)), to: total, shape: 'end' })
    }
    return { outFrom, outTo, srcFrom: a.src + (outFrom - a.outAt), fades }
  })
  return { sampleRate: sr, totalSamples: total, segments }
}

/** Gain of a fade at output sample o: equal-power for joins, a raised cosine for the end. */
function gainAt(f: Fade, o: number): number {
  if (o < f.from) return f.shape === 'in' ? 0 : 1
  if (o >= f.to) return f.shape === 'in' ? 1 : 0
  const t = (o - f.from + 0.5) / (f.to - f.from)
  if (f.shape === 'in') return Math.sin((Math.PI / 2) * t)
  if (f.shape === 'out') return Math.cos((Math.PI / 2) * t)
  return 0.5 * (1 + Math.cos(Math.PI * t))
}

/**
 * Mixes the segments: `sources[k]` holds segment k's source samples from its `srcFrom` on,
 * interleaved with `channels` channels (missing samples are silence).
 */
export function mixSegments(plan: MixPlan, sources: Float32Array[], channels: number): Float32Array {
  const out = new Float32Array(plan.totalSamples * channels)
  plan.segments.forEach((seg, k) => {
    const src = sources[k]
    for (let o = seg.outFrom; o < seg.outTo; o++) {
      let g = 1
      for (const f of seg.fades) g *= gainAt(f, o)
      if (g === 0) continue
      const i = (o - seg.outFrom) * channels
      for (let c = 0; c < channels; c++) out[o * channels + c] += g * (src[i + c] ?? 0)
    }
  })
  return out
}
