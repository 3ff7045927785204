/**
 * One encode per variant: the base render's picture (no text in it) cut to the variant's pieces,
 * the text layer laid over it, and the variant's own audio. Frame-exact: the pieces' frames add up
 * to the variant's length and the output is cut to exactly that many frames and samples.
 */
import { rename, rm } from 'node:fs/promises'
import { progressFromStderr, runFfmpeg } from '../ffmpeg/index.js'
import { overlayFilter, overlayInputArgs } from './textDraw.js'
import { smartAssemble } from './smartAssemble.js'
import { forceKeyFrameArgs, type AssembleOptions } from './assembleOptions.js'
import { ffmpegRate } from '../time.js'
import type { Piece } from './types.js'

/**
 * One input per piece, each opened at its first frame: an accurate seek half a frame before it,
 * so ffmpeg decodes from the keyframe before the piece (every shot of a base starts on one), not
 * the whole song up to it. Frame 0 needs no seek.
 */
export function pieceInputArgs(base: string, pieces: Piece[], fps: number): string[] {
  return pieces.flatMap((p) => (p.startFrame === 0 ? ['-i', base] : ['-ss', ((p.startFrame - 0.5) / fps).toFixed(6), '-i', base]))
}

/** The filter graph that takes each piece's frames from its own input (0..n-1) and joins them: numbers only. */
export function piecesFilter(pieces: Piece[]): { filter: string; outLabel: string } {
  const parts = pieces.map((p, i) => `[${i}:v]trim=end_frame=${p.endFrame - p.startFrame},setpts=PTS-STARTPTS[p${i}]`)
  if (pieces.length === 1) return { filter: parts[0].replace(/\[p0\]$/, '[cut]'), outLabel: 'cut' }
  return { filter: `${parts.join(';')};${pieces.map((_, i) => `[p${i}]`).join('')}concat=n=${pieces.length}:v=1:a=0[cut]`, outLabel: 'cut' }
}

export async function assembleVariant(o: AssembleOptions): Promise<void> {
  if (o.work && (await smartAssemble(o, o.work))) return
  const cut = piecesFilter(o.pieces)
  const text = overlayFilter(cut.outLabel, o.overlays, o.pieces.length, o.fps, { totalFrames: o.totalFrames })
  const audioIndex = o.pieces.length + o.overlays.length
  const filter = `${cut.filter};${text.filter};[${text.outLabel}]trim=end_frame=${o.totalFrames},format=yuv420p[vout]`
  const tmp = `${o.out}.partial.mp4`
  const durationSec = o.totalFrames / o.fps
  try {
    await runFfmpeg(
      [
        ...pieceInputArgs(o.base, o.pieces, o.fps),
        ...overlayInputArgs(o.overlays, o.fps),
        '-i', o.audio,
        '-filter_complex', filter,
        '-map', '[vout]', '-map', `${audioIndex}:a:0`,
        '-r', ffmpegRate(o.fps),
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-x264-params', 'subme=1', '-pix_fmt', 'yuv420p',
        ...forceKeyFrameArgs(o.keyFrames, o.fps),
        '-c:a', 'aac', '-b:a', '192k', '-ar', '48000',
        '-t', durationSec.toFixed(6),
        '-movflags', '+faststart',
        tmp,
      ],
      { signal: o.signal, onStderrLine: progressFromStderr(durationSec, o.onProgress) },
    )
    await rename(tmp, o.out)
  } finally {
    await rm(tmp, { force: true })
  }
}
