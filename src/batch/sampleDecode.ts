/**
 * A few frames of a long video, each reached by its own seek: the text check needs one or two
 * frames per text, and decoding the whole grainy variant and base to get them cost more than the
 * rest of the check (a 720p frame of the example decodes in ~5 ms of CPU). Each frame's input
 * seeks to the keyframe before it and decodes only from there; one ffmpeg process serves a chunk
 * of frames (a process per frame would cost more in start-up than in decoding).
 */
import { RenderError } from '../errors.js'
import { runFfmpeg, runFfprobe } from '../ffmpeg/index.js'

/** Inputs (seeks) per ffmpeg process: bounds open files and the frames held in one stdout buffer. */
const FRAMES_PER_PROCESS = 12

export interface Keyframe {
  /** Frame index (presentation order) at the video's fps. */
  frame: number
  /** Its timestamp as the file holds it, seconds. */
  sec: number
}

/**
 * The video's keyframes (random-access points), read from packet flags: no decoding. A packet's
 * presentation time at `fps` gives its frame index.
 */
export async function readKeyframes(path: string, fps: number, signal?: AbortSignal): Promise<Keyframe[]> {
  const { stdout } = await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path], { signal })
  const out = new Map<number, Keyframe>()
  for (const line of stdout.toString('utf8').split('\n')) {
    const [pts, flags] = line.trim().split(',')
    const sec = Number(pts)
    if (!flags?.includes('K') || pts === '' || !Number.isFinite(sec)) continue
    const frame = Math.max(0, Math.round(sec * fps))
    if (!out.has(frame)) out.set(frame, { frame, sec })
  }
  return [...out.values()].sort((a, b) => a.frame - b.frame)
}

/** The last keyframe at or before `frame` (the first frame of the video when none is listed). */
export function keyframeBefore(frame: number, keyframes: Keyframe[]): Keyframe {
  let last: Keyframe = { frame: 0, sec: 0 }
  for (const k of keyframes) {
    if (k.frame > frame) break
    last = k
  }
  return last
}

/** How many frames a seek to `frame` decodes: from the last keyframe at or before it. */
export function seekCost(frame: number, keyframes: Keyframe[]): number {
  return frame - keyframeBefore(frame, keyframes).frame + 1
}

/**
 * Decodes the frames at `indices` (0-based presentation order, at `fps`) as rgb24 at the given
 * size. Each frame's input seeks to the keyframe before it (a quarter frame past that keyframe's
 * own timestamp, so timestamps that are not exact multiples of 1/fps still land on it) and counts
 * frames from there: exact without trusting any timestamp but the keyframe's. Resolves with the
 * frames by index; an index past the end is absent.
 */
export async function decodeSampledFrames(
  path: string,
  indices: number[],
  opts: { width: number; height: number; fps: number; keyframes: Keyframe[]; signal?: AbortSignal },
): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices.map((i) => Math.floor(i)).filter((i) => i >= 0))].sort((a, b) => a - b)
  const frames = new Map<number, Uint8Array>()
  const bytes = opts.width * opts.height * 3
  for (let c = 0; c < wanted.length; c += FRAMES_PER_PROCESS) {
    const chunk = wanted.slice(c, c + FRAMES_PER_PROCESS)
    const from = chunk.map((i) => keyframeBefore(i, opts.keyframes))
    // One input per frame; numbers only in the arguments and the graph.
    const inputs = chunk.flatMap((i, k) => [
      '-threads', '1',
      ...(from[k].frame > 0 ? ['-noaccurate_seek', '-ss', (from[k].sec + 0.25 / opts.fps).toFixed(6)] : []),
      '-t', ((i - from[k].frame + 2) / opts.fps).toFixed(6),
      '-i', path,
    ])
    const legs = chunk.map((i, k) => `[${k}:v]trim=start_frame=${i - from[k].frame}:end_frame=${i - from[k].frame + 1},setpts=PTS-STARTPTS,scale=${opts.width}:${opts.height}:flags=area,format=rgb24[f${k}]`)
    const graph = `${legs.join(';')};${chunk.map((_, k) => `[f${k}]`).join('')}concat=n=${chunk.length}:v=1:a=0[out]`
    const { stdout } = await runFfmpeg(
      [...inputs, '-filter_complex_threads', '1', '-filter_complex', graph, '-map', '[out]', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { signal: opts.signal, captureStdout: true },
    )
    // A frame past the end leaves its input empty: the concat then has fewer frames than asked,
    // and which one is missing cannot be told: each frame of the chunk is asked alone.
    if (stdout.length === chunk.length * bytes) chunk.forEach((i, k) => frames.set(i, new Uint8Array(stdout.subarray(k * bytes, (k + 1) * bytes))))
    else if (stdout.length % bytes !== 0) throw new RenderError(`could not decode frames ${chunk.join(', ')} of ${path}: ${stdout.length} bytes`, { code: 'TEXT_CHECK_FAILED' })
    else for (const i of chunk) if (chunk.length > 1) (await decodeSampledFrames(path, [i], opts)).forEach((v, k) => frames.set(k, v))
  }
  return frames
}
