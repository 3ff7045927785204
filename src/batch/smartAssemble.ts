/**
 * A variant without re-encoding what it does not change: the base's GOPs (every shot of a base
 * starts on a keyframe) that a piece plays whole and no text touches are stream-copied; the rest
 * (GOPs with text, a piece's partial first and last GOPs) is decoded from the keyframe before it,
 * titled and encoded again with the base's own settings, and the parts are joined by the
 * stitcher's concat. Copied frames are the base's bit for bit. Pays where texts leave long
 * stretches bare (captions drawn into the base, or off); else it falls back to the one-encode
 * assembly.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { concatAndMux, runFfmpeg, runFfprobe, segmentVideoArgs } from '../ffmpeg/index.js'
import { forceKeyFrameArgs, type AssembleOptions } from './assembleOptions.js'
import { keyframeBefore, readKeyframes, type Keyframe } from './sampleDecode.js'
import { overlayFilter, overlayInputArgs } from './textDraw.js'
import type { Piece } from './types.js'

export interface Run {
  /** Base frames [srcStart, srcEnd), played from variant frame outStart on. */
  srcStart: number
  srcEnd: number
  outStart: number
  copy: boolean
}

/** Least share of the frames copied for the smart path to be worth its extra processes. */
export const MIN_COPY_SHARE = 0.25

/**
 * The variant's frames as runs of the base (pure): a GOP is copied when a piece plays all of it
 * (from its keyframe to the next, or to the base's end) and no text is on screen in any of its
 * frames; neighbours of the same kind and contiguous in the base join into one run.
 */
export function planRuns(keyframes: number[], baseFrames: number, pieces: Piece[], texts: Array<{ startFrame: number; endFrame: number }>): Run[] {
  const keys = new Set([0, ...keyframes.filter((k) => k > 0 && k < baseFrames)])
  const sorted = [...keys].sort((a, b) => a - b)
  const runs: Run[] = []
  let off = 0
  for (const p of pieces) {
    const cuts = [p.startFrame, ...sorted.filter((k) => k > p.startFrame && k < p.endFrame), p.endFrame]
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [a, b] = [cuts[i], cuts[i + 1]]
      const [oa, ob] = [off + a - p.startFrame, off + b - p.startFrame]
      const whole = keys.has(a) && (keys.has(b) || b === baseFrames)
      const copy = whole && !texts.some((t) => t.startFrame < ob && t.endFrame > oa)
      const last = runs[runs.length - 1]
      if (last && last.copy === copy && last.srcEnd === a && last.outStart + (last.srcEnd - last.srcStart) === oa) last.srcEnd = b
      else runs.push({ srcStart: a, srcEnd: b, outStart: oa, copy })
    }
    off += p.endFrame - p.startFrame
  }
  return runs
}

/** SHA-256 of the stream's codec parameters (SPS/PPS): parts join by stream copy only when equal. */
async function extradataHash(path: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_data_hash', 'SHA256', '-show_entries', 'stream=extradata_hash,width,height,pix_fmt', '-of', 'csv=p=0', path], { signal })
  return stdout.toString('utf8').trim()
}

/** Input arguments that open the base at a keyframe (a microsecond past its timestamp, so the seek lands on it). */
function atKeyframe(k: Keyframe, base: string): string[] {
  return k.frame === 0 ? ['-i', base] : ['-noaccurate_seek', '-ss', (k.sec + 1e-6).toFixed(6), '-i', base]
}

/**
 * Makes the variant by copying the base's bare whole GOPs when enough of it is bare; resolves
 * false (nothing written) when it does not apply.
 */
export async function smartAssemble(o: AssembleOptions, work: string): Promise<boolean> {
  const keys = await readKeyframes(o.base, o.fps, o.signal)
  const baseFrames = o.baseFrames ?? o.pieces.reduce((m, p) => Math.max(m, p.endFrame), 0)
  const runs = planRuns(keys.map((k) => k.frame), baseFrames, o.pieces, o.overlays)
  const copied = runs.filter((r) => r.copy).reduce((s, r) => s + r.srcEnd - r.srcStart, 0)
  if (copied < MIN_COPY_SHARE * o.totalFrames) return false
  const dir = join(work, 'runs')
  await mkdir(dir, { recursive: true })
  const parts: string[] = []
  try {
    for (const [i, r] of runs.entries()) {
      const k = keyframeBefore(r.srcStart, keys)
      const part = join(dir, `run-${i}.mp4`)
      const n = r.srcEnd - r.srcStart
      if (r.copy) {
        await runFfmpeg([...atKeyframe(k, o.base), '-map', '0:v:0', '-c:v', 'copy', '-frames:v', String(n), '-movflags', '+faststart', part], { signal: o.signal })
      } else {
        // From the keyframe before the run; the run's picture keeps the variant's clock (texts are laid out on it), restarted at 0 for the encoder.
        const texts = o.overlays.filter((t) => t.startFrame < r.outStart + n && t.endFrame > r.outStart)
        const skip = r.srcStart - k.frame
        const pic = `[0:v]trim=start_frame=${skip}:end_frame=${skip + n},setpts=PTS-STARTPTS+${(r.outStart / o.fps).toFixed(6)}/TB[pic]`
        const text = overlayFilter('pic', texts, 1, o.fps, { totalFrames: o.totalFrames })
        await runFfmpeg(
          [
            ...atKeyframe(k, o.base),
            ...overlayInputArgs(texts, o.fps),
            '-filter_complex', `${pic};${text.filter};[${text.outLabel}]setpts=PTS-STARTPTS,format=yuv420p[v]`,
            '-map', '[v]', '-frames:v', String(n),
            ...segmentVideoArgs(o.fps),
            // After the segment settings (the last -force_key_frames wins): where the text check will seek.
            ...forceKeyFrameArgs((o.keyFrames ?? []).filter((f) => f >= r.outStart && f < r.outStart + n).map((f) => f - r.outStart), o.fps),
            part,
          ],
          { signal: o.signal },
        )
      }
      parts.push(part)
    }
    // Copied and encoded parts must carry the same codec parameters to be one stream.
    const hashes = new Set(await Promise.all([o.base, ...parts.filter((_, i) => !runs[i].copy)].map((p) => extradataHash(p, o.signal))))
    if (hashes.size !== 1) return false
    await concatAndMux({ segments: parts, audio: o.audio, out: o.out, listPath: join(dir, 'list.ffconcat'), frames: o.totalFrames, fps: o.fps, signal: o.signal, onProgress: o.onProgress })
    return true
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
