/**
 * Applies a crop path with ffmpeg: one pass, `crop` moved per frame by `sendcmd` from a commands
 * file of numbers we write (never user text), then `scale` to the destination. Frame-exact:
 * timestamps are renumbered n/fps before sendcmd so command k lands on frame k, and frames pass
 * through unchanged in number (`-fps_mode passthrough`). H.264 yuv420p; audio copied when the
 * mp4 can hold it, else AAC.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { probeMedia, runFfmpeg } from '../../ffmpeg/index.js'
import { InputError, RenderError } from '../../errors.js'
import type { Box } from '../types.js'
import type { Size } from './cropPath.js'
import { ffmpegRate } from '../../time.js'

export interface ReframeVideoOptions {
  signal?: AbortSignal
}

/** Audio codecs an mp4 takes as they are. */
const MP4_AUDIO = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3', 'opus', 'flac'])

export async function reframeVideo(input: string, output: string, path: Box[], dst: Size, opts: ReframeVideoOptions = {}): Promise<void> {
  const info = await probeMedia(input, { signal: opts.signal })
  const v = info.video
  if (!v || !v.fps) throw new InputError(`${input} has no video stream with a frame rate to reframe`)
  if (path.length === 0) throw new InputError('reframe path is empty: it needs one crop box per frame')
  checkReframeSize(dst)
  const { width: cw, height: ch } = path[0]
  for (const [i, b] of path.entries()) {
    if (b.width !== cw || b.height !== ch) throw new InputError(`reframe path frame ${i}: crop size ${b.width}x${b.height} differs from frame 0's ${cw}x${ch}`)
    if (b.x < 0 || b.y < 0 || b.x + cw > v.width || b.y + ch > v.height) throw new InputError(`reframe path frame ${i}: crop ${b.x},${b.y} ${cw}x${ch} leaves the ${v.width}x${v.height} source`)
  }
  const work = mkdtempSync(join(tmpdir(), 'longav-reframe-'))
  const tmpOut = join(dirname(output), `.${basename(output)}.${process.pid}-${randomBytes(4).toString('hex')}.partial.mp4`)
  try {
    const cmds = join(work, 'crop.cmd')
    writeFileSync(cmds, sendcmdScript(path, v.fps))
    const fps = v.fps
    const graph =
      `[0:v]setpts=N/FRAME_RATE/TB,sendcmd=f=${filterPath(cmds)},` +
      `crop@rf=w=${cw}:h=${ch}:x=${int(path[0].x)}:y=${int(path[0].y)}:exact=1,` +
      `scale=${dst.width}:${dst.height}:flags=bicubic,setsar=1,format=yuv420p[v]`
    const audio = info.audio ? ['-map', '0:a:0', ...(MP4_AUDIO.has(info.audio.codec) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k'])] : ['-an']
    await runFfmpeg(
      [
        '-i', input,
        '-filter_complex', graph,
        '-map', '[v]',
        ...audio,
        '-frames:v', String(path.length),
        '-fps_mode', 'passthrough',
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p',
        '-r', ffmpegRate(fps),
        '-movflags', '+faststart',
        '-f', 'mp4',
        tmpOut,
      ],
      { signal: opts.signal },
    )
    renameSync(tmpOut, output)
  } catch (err) {
    rmSync(tmpOut, { force: true })
    if (err instanceof InputError || (err as Error).name === 'AbortError') throw err
    throw new RenderError(`could not reframe ${input}: ${(err as Error).message}`, { code: 'REFRAME_FAILED', cause: err })
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** The destination size must be positive even integers (H.264 yuv420p): an InputError naming it otherwise. */
export function checkReframeSize(dst: Size): void {
  if (!(Number.isInteger(dst.width) && Number.isInteger(dst.height) && dst.width > 0 && dst.height > 0 && dst.width % 2 === 0 && dst.height % 2 === 0))
    throw new InputError(`reframe size ${dst.width}x${dst.height} must be positive even integers (H.264 yuv420p)`)
}

/**
 * The sendcmd script: at frame k (time k/fps after renumbering) the crop's x and y, written only
 * when they change. Each command is timed half a frame early so rounding cannot delay it.
 */
export function sendcmdScript(path: Box[], fps: number): string {
  const lines: string[] = []
  let last: Box | undefined
  path.forEach((b, k) => {
    if (last && last.x === b.x && last.y === b.y) return
    const t = k === 0 ? 0 : (k - 0.5) / fps
    lines.push(`${t.toFixed(6)} crop@rf x ${int(b.x)}, crop@rf y ${int(b.y)};`)
    last = b
  })
  return lines.join('\n') + '\n'
}

function int(v: number): string {
  return String(Math.round(v))
}

/** A path we made (temp dir) is safe in a filtergraph only without its special characters. */
function filterPath(p: string): string {
  if (!/^[A-Za-z0-9_./-]+$/.test(p)) throw new RenderError(`temporary folder ${p} has characters a filtergraph cannot take`)
  return p
}
