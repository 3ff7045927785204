/**
 * One encode per variant: the base render's picture (no text in it) cut to the variant's pieces,
 * the text layer laid over it, and the variant's own audio. Frame-exact: the pieces' frames add up
 * to the variant's length and the output is cut to exactly that many frames and samples.
 */
import { rename, rm } from 'node:fs/promises'
import { progressFromStderr, runFfmpeg } from '../ffmpeg/index.js'
import { overlayFilter, overlayInputArgs } from './textDraw.js'
import type { Piece } from './types.js'

export interface AssembleOptions {
  /** The base render of this format (H.264, the whole song, no text). */
  base: string
  pieces: Piece[]
  overlays: Array<{ png: string; x: number; y: number; startFrame: number; endFrame: number }>
  /** The variant's audio: exactly totalFrames / fps seconds. */
  audio: string
  fps: number
  totalFrames: number
  out: string
  signal?: AbortSignal
  onProgress?: (fraction: number) => void
}

/** The filter graph that cuts the pieces out of input 0 and joins them: numbers only. */
export function piecesFilter(pieces: Piece[]): { filter: string; outLabel: string } {
  const parts = pieces.map((p, i) => `[0:v]trim=start_frame=${p.startFrame}:end_frame=${p.endFrame},setpts=PTS-STARTPTS[p${i}]`)
  if (pieces.length === 1) return { filter: parts[0].replace(/\[p0\]$/, '[cut]'), outLabel: 'cut' }
  return { filter: `${parts.join(';')};${pieces.map((_, i) => `[p${i}]`).join('')}concat=n=${pieces.length}:v=1:a=0[cut]`, outLabel: 'cut' }
}

export async function assembleVariant(o: AssembleOptions): Promise<void> {
  const cut = piecesFilter(o.pieces)
  const text = overlayFilter(cut.outLabel, o.overlays, 1, o.fps, { totalFrames: o.totalFrames })
  const audioIndex = 1 + o.overlays.length
  const filter = `${cut.filter};${text.filter};[${text.outLabel}]trim=end_frame=${o.totalFrames},format=yuv420p[vout]`
  const tmp = `${o.out}.partial.mp4`
  const durationSec = o.totalFrames / o.fps
  try {
    await runFfmpeg(
      [
        '-i', o.base,
        ...overlayInputArgs(o.overlays, o.fps),
        '-i', o.audio,
        '-filter_complex', filter,
        '-map', '[vout]', '-map', `${audioIndex}:a:0`,
        '-r', String(o.fps),
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-x264-params', 'subme=1', '-pix_fmt', 'yuv420p',
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
