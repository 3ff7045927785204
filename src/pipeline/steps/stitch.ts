import { basename, dirname, join } from 'node:path'
import { concatAndMux, normalizeSegment } from '../../ffmpeg/index.js'
import { storedProbe } from '../probeCache.js'
import { ShotPlan, type Shot } from '../../schemas/index.js'
import { logTo, type StepContext } from '../context.js'
import type { FinishInput } from '../machines/renderMachine.js'
import { stepKey, type Store } from '../../store/index.js'
import { need } from './read.js'

export interface StitchInput extends FinishInput {
  /** The song already encoded as the film's audio track (songAudio.ts): stream-copied. Else the song is encoded here. */
  audioTrack?: string
  out: {
    /** The film: every shot's kept take joined frame-exactly, the song laid once over it. */
    final: string
    /** Scratch path for ffmpeg's concat list. */
    concatList: string
  }
}

/** Concatenation and mux only: each kept take in the canonical format, joined by stream copy. */
export async function stitch(input: StitchInput, store: Store, ctx: StepContext): Promise<{ final: string; segments: Array<{ shotIndex: number; path: string }> }> {
  const plan = await need(store, 'plan', input.sources.planKey, ShotPlan)
  const segments: Array<{ shotIndex: number; path: string }> = []
  for (const shot of plan.shots) {
    const out = input.results[String(shot.index)]
    if (!out) throw new Error(`shot ${shot.index} has no kept take`)
    segments.push({ shotIndex: shot.index, path: await canonicalSegment(out.best.segment.path, shot, plan, store, ctx) })
  }
  await concatAndMux({
    segments: segments.map((s) => s.path),
    audio: input.audioTrack ?? input.sources.songPath,
    audioEncoded: input.audioTrack !== undefined,
    out: input.out.final,
    listPath: input.out.concatList,
    frames: plan.totalFrames,
    fps: plan.fps,
    signal: ctx.signal,
    onProgress: (fraction) => ctx.emit({ type: 'progress', stage: 'stitching', fraction }),
  })
  // The joined segments too: the timeline export references exactly these files.
  return { final: input.out.final, segments }
}

/** The segment itself when it is already H.264 yuv420p at the plan's size and rate, else a re-encoded copy in the store. */
async function canonicalSegment(path: string, shot: Shot, plan: ShotPlan, store: Store, ctx: StepContext): Promise<string> {
  const frames = shot.endFrame - shot.startFrame
  const v = (await storedProbe(store, path, ctx.signal)).video
  const ok = v && v.codec === 'h264' && v.pixFmt === 'yuv420p' && v.width === plan.width && v.height === plan.height && Math.abs(v.fps - plan.fps) < 1e-6
  if (ok) return path
  const key = canonicalKey(path, shot, plan)
  const { dir } = await store.artifact('canonical', key, async (tmp) => {
    logTo(ctx)('info', `shot ${shot.index}: re-encoding segment to the canonical format`)
    await normalizeSegment(path, join(tmp, 'canonical.mp4'), { width: plan.width, height: plan.height, fps: plan.fps, frames, signal: ctx.signal })
  })
  return join(dir, 'canonical.mp4')
}

/** The store key of a segment's canonical copy: the score step finds the film's own files by it. */
export function canonicalKey(path: string, shot: Shot, plan: ShotPlan): string {
  return stepKey('canonical', 1, { segment: basename(dirname(path)), width: plan.width, height: plan.height, fps: plan.fps, frames: shot.endFrame - shot.startFrame })
}
