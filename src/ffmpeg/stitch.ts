import { rename, rm, writeFile } from 'node:fs/promises'
import ffmpeg from 'fluent-ffmpeg'
import { ffmpegPath, ffprobePath } from './binaries.js'
import { abortError, progressFromStderr, runFfmpeg } from './run.js'
import { segmentVideoArgs } from './rawVideoEncoder.js'
import { ffmpegRate } from '../time.js'

/** One line of an ffconcat list; single quotes in the path are escaped the way the demuxer expects. */
export function concatListLine(path: string): string {
  return `file '${path.replace(/'/g, "'\\''")}'`
}

/** The film's audio track: the song as AAC, 192 kb/s, 48 kHz. */
export const SONG_AUDIO_ARGS: readonly string[] = ['-c:a', 'aac', '-b:a', '192k', '-ar', '48000']

export interface ConcatMuxOptions {
  /** Canonical segments in order; their frame counts add up to `frames`. */
  segments: string[]
  /** The original song, laid once over the whole timeline. */
  audio: string
  /** `audio` is already the film's AAC track (SONG_AUDIO_ARGS): stream-copied, not encoded again. */
  audioEncoded?: boolean
  out: string
  /** Scratch path for the concat list. */
  listPath: string
  frames: number
  fps: number
  signal?: AbortSignal
  /** Fraction of the output written, 0..1. */
  onProgress?: (fraction: number) => void
}

/**
 * Joins canonical segments without re-encoding (each was encoded with the same settings and has
 * exactly its planned frames, so stream copy is frame-exact) and lays the song over the whole
 * timeline once: audio and video cannot drift. H.264 + AAC, faststart, via a temp file.
 */
export async function concatAndMux(opts: ConcatMuxOptions): Promise<void> {
  const durationSec = opts.frames / opts.fps
  await writeFile(opts.listPath, ['ffconcat version 1.0', ...opts.segments.map(concatListLine)].join('\n') + '\n')
  const tmp = `${opts.out}.partial.mp4`
  try {
    await runFfmpeg(
      [
        '-f', 'concat', '-safe', '0', '-i', opts.listPath,
        '-i', opts.audio,
        '-map', '0:v:0', '-map', '1:a:0',
        '-c:v', 'copy',
        ...(opts.audioEncoded ? ['-c:a', 'copy'] : SONG_AUDIO_ARGS),
        '-t', durationSec.toFixed(6),
        '-movflags', '+faststart',
        tmp,
      ],
      { signal: opts.signal, onStderrLine: progressFromStderr(durationSec, opts.onProgress) },
    )
    await rename(tmp, opts.out)
  } finally {
    await rm(tmp, { force: true })
    await rm(opts.listPath, { force: true })
  }
}

/**
 * Re-encodes a segment from any generator into the canonical format at the given size, rate and
 * exact frame count, so it can be stream-copied by `concatAndMux`. Uses fluent-ffmpeg: a plain
 * single-input transcode is what it still handles well.
 */
export function normalizeSegment(
  input: string,
  output: string,
  opts: { width: number; height: number; fps: number; frames: number; signal?: AbortSignal },
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal))
    const cmd = ffmpeg(input)
      .setFfmpegPath(ffmpegPath())
      .setFfprobePath(ffprobePath())
      .videoFilters([
        `scale=${opts.width}:${opts.height}:force_original_aspect_ratio=increase`,
        `crop=${opts.width}:${opts.height}`,
        `fps=${ffmpegRate(opts.fps)}`,
        // Hold the last frame if the source is short, then cut to the exact count.
        `tpad=stop_mode=clone:stop=${opts.frames}`,
      ])
      .outputOptions([...segmentVideoArgs(opts.fps), '-frames:v', String(opts.frames)])
      .output(output)
      .on('error', (err: Error) => reject(err))
      .on('end', () => resolve())
    const onAbort = () => cmd.kill('SIGKILL')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    cmd.run()
  })
}
