/**
 * A full-length variant without re-encoding what it does not change: the base's GOPs (every shot
 * of a base starts on a keyframe) that no text touches are stream-copied, only the GOPs that carry
 * text are decoded, titled and encoded again with the base's own settings, and the parts are
 * joined by the stitcher's concat. Copied frames are the base's bit for bit. Pays where texts
 * leave long stretches bare (captions off); with captions over most of the song it falls back to
 * the one-encode assembly.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { concatAndMux, runFfmpeg, runFfprobe, segmentVideoArgs } from '../ffmpeg/index.js'
import { forceKeyFrameArgs, type AssembleOptions } from './assembleOptions.js'
import { readKeyframes, type Keyframe } from './sampleDecode.js'
import { overlayFilter, overlayInputArgs } from './textDraw.js'

export interface Run {
  /** Frames [start, end) of the base and of the variant. */
  start: number
  end: number
  copy: boolean
}

/** Least share of the frames copied for the smart path to be worth its extra processes. */
export const MIN_COPY_SHARE = 0.25

/** The base's GOPs grouped into runs: copied where no text is on screen in any of its frames (pure). */
export function planRuns(keyframes: number[], totalFrames: number, texts: Array<{ startFrame: number; endFrame: number }>): Run[] {
  const starts = [...new Set([0, ...keyframes.filter((k) => k > 0 && k < totalFrames)])].sort((a, b) => a - b)
  const runs: Run[] = []
  starts.forEach((a, i) => {
    const b = starts[i + 1] ?? totalFrames
    const copy = !texts.some((t) => t.startFrame < b && t.endFrame > a)
    const last = runs[runs.length - 1]
    if (last && last.copy === copy) last.end = b
    else runs.push({ start: a, end: b, copy })
  })
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
 * Makes the variant by copying bare GOPs when the variant is the whole base (one piece from frame
 * 0) and enough of it is bare; resolves false (nothing written) when it does not apply.
 */
export async function smartAssemble(o: AssembleOptions, work: string): Promise<boolean> {
  const whole = o.pieces.length === 1 && o.pieces[0].startFrame === 0 && o.pieces[0].endFrame === o.totalFrames
  if (!whole) return false
  const keys = await readKeyframes(o.base, o.fps, o.signal)
  const runs = planRuns(keys.map((k) => k.frame), o.totalFrames, o.overlays)
  const copied = runs.filter((r) => r.copy).reduce((s, r) => s + r.end - r.start, 0)
  if (copied < MIN_COPY_SHARE * o.totalFrames) return false
  const dir = join(work, 'runs')
  await mkdir(dir, { recursive: true })
  const keyAt = new Map(keys.map((k) => [k.frame, k]))
  const parts: string[] = []
  try {
    for (const [i, r] of runs.entries()) {
      const k = keyAt.get(r.start) ?? { frame: 0, sec: 0 }
      const part = join(dir, `run-${i}.mp4`)
      const n = r.end - r.start
      if (r.copy) {
        await runFfmpeg([...atKeyframe(k, o.base), '-map', '0:v:0', '-c:v', 'copy', '-frames:v', String(n), '-movflags', '+faststart', part], { signal: o.signal })
      } else {
        // The run's picture keeps the variant's clock (texts are laid out on it), restarted at 0 for the encoder.
        const texts = o.overlays.filter((t) => t.startFrame < r.end && t.endFrame > r.start)
        const pic = `[0:v]trim=end_frame=${n},setpts=PTS-STARTPTS+${(r.start / o.fps).toFixed(6)}/TB[pic]`
        const text = overlayFilter('pic', texts, 1, o.fps, { totalFrames: o.totalFrames })
        await runFfmpeg(
          [
            ...atKeyframe(k, o.base),
            ...overlayInputArgs(texts, o.fps),
            '-filter_complex', `${pic};${text.filter};[${text.outLabel}]setpts=PTS-STARTPTS,format=yuv420p[v]`,
            '-map', '[v]', '-frames:v', String(n),
            ...segmentVideoArgs(o.fps),
            // After the segment settings (the last -force_key_frames wins): where the text check will seek.
            ...forceKeyFrameArgs((o.keyFrames ?? []).filter((f) => f >= r.start && f < r.end).map((f) => f - r.start), o.fps),
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
