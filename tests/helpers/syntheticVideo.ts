/**
 * Small synthetic videos with known truth (cut frames, frozen and black runs, flashes, flicker),
 * made by ffmpeg's lavfi sources and filters, for tests of the frame metrics.
 *
 * Building blocks:
 * - a `Source` is a function that returns an ffmpeg filtergraph fragment producing an endless
 *   stream at a given size and rate (`sources.*`, `movingBox`, `pan`, `zoom`);
 * - modifiers wrap a source and return a new one (`withFlashes`, `withFreeze`, `withBlack`,
 *   `withFlicker`);
 * - writers render exactly N frames of a source (`writeVideo`) or concatenate shots with hard cuts
 *   at known frames (`writeShots`), losslessly (FFV1, exact pixels) or through a real H.264 encode.
 *
 * Frame n of the output is frame n of the source (timestamps are rewritten to n/fps), so a modifier
 * that acts "at frame 40" acts on frame 40 of the decoded file.
 *
 * ```ts
 * const tmp = makeTempDir('longav-cuts-')
 * const { cuts } = await writeShots(tmp.file('shots.mkv'), [
 *   { source: sources.testPattern(), frames: 23 },
 *   { source: sources.noisyColor('navy'), frames: 28 },
 * ])                                      // cuts = [23]
 * await writeVideo(tmp.file('frozen.mp4'), withFreeze(sources.testPattern(), { at: 30, frames: 12 }), 90,
 *   { encoding: { codec: 'h264' } })
 * tmp.cleanup()
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runFfmpeg } from '../../src/ffmpeg/index.js'

/** Picture size and frame rate of a synthetic video. */
export interface VideoFormat {
  width: number
  height: number
  fps: number
}

/** 320×180 at 30 fps: twice the 160-px analysis width, so the decoder's downscale is exercised. */
export const DEFAULT_FORMAT: VideoFormat = { width: 320, height: 180, fps: 30 }

/**
 * How the file is encoded. `lossless`: FFV1 yuv444p in Matroska (identical frames stay identical).
 * `h264`: libx264 yuv420p in MP4 like a real render (`crf` default 23, `gop` = keyframe interval,
 * default 250; a short GOP puts keyframes, hence compression-noise jumps, inside frozen runs).
 */
export type Encoding = { codec: 'lossless' } | { codec: 'h264'; crf?: number; gop?: number; preset?: string }

export interface WriteOptions {
  /** Overrides of DEFAULT_FORMAT. */
  format?: Partial<VideoFormat>
  /** Default `{ codec: 'lossless' }`. */
  encoding?: Encoding
  signal?: AbortSignal
}

/** What a writer produced. */
export interface SyntheticVideo {
  path: string
  frames: number
  format: VideoFormat
}

/**
 * A filtergraph fragment with no input pads and one unlabelled output: an endless stream of
 * `format.width`×`format.height` frames at `format.fps`. `id` is unique per use in a graph: prefix
 * any internal pad labels with it (`[${id}bg]`) so a source can be used twice in one graph.
 */
export type Source = (format: VideoFormat, id: string) => string

/** A temp dir for fixtures: `file(name)` gives a path inside it, `cleanup()` removes it all. */
export interface TempDir {
  dir: string
  file(name: string): string
  cleanup(): void
}

export function makeTempDir(prefix = 'longav-video-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

const size = (f: VideoFormat) => `${f.width}x${f.height}`

/** Plain sources, each visually distinct (colours, textures, layout) so shots of them differ. */
export const sources = {
  /** ffmpeg's testsrc2: colour bars, a gradient and moving elements. */
  testPattern: (): Source => (f) => `testsrc2=s=${size(f)}:r=${f.fps}`,
  /** A flat colour with light temporal noise (a static shot with sensor grain). */
  noisyColor:
    (color: string, grain = 12): Source =>
    (f) =>
      `color=c=${color}:s=${size(f)}:r=${f.fps},noise=alls=${grain}:allf=t`,
  /** The Mandelbrot set, slowly zooming (detailed, high-contrast). */
  mandelbrot: (): Source => (f) => `mandelbrot=s=${size(f)}:r=${f.fps}:maxiter=256,format=yuv444p`,
  /** SMPTE HD colour bars (static). */
  bars: (): Source => (f) => `smptehdbars=s=${size(f)}:r=${f.fps}`,
  /** Smooth, slowly moving random colour gradients (`seed` picks the colours). */
  gradients:
    (seed: number): Source =>
    (f) =>
      `gradients=s=${size(f)}:r=${f.fps}:seed=${seed}:speed=0.01:n=3,format=yuv444p`,
  /** A scrolling elementary cellular automaton (rule 110): black/white fine texture. */
  automaton: (): Source => (f) => `cellauto=s=${size(f)}:r=${f.fps}:rule=110:random_seed=7:scroll=1,format=yuv444p`,
  /**
   * A static colourful texture (interfering sine waves per channel plus fine noise): detail at
   * every scale and no repeating period, the same picture every frame. `seed` shifts the pattern.
   */
  texture:
    (seed = 1): Source =>
    (f) =>
      `color=c=black:s=${size(f)}:r=${f.fps},format=yuv444p,trim=end_frame=1,` +
      // The inner sines warp the stripes so the pattern never repeats exactly (block matching
      // must not be able to cheat on a period); the seed changes periods and phases.
      `geq=r='128+90*sin(X/${19 + 4 * seed}+3*sin(Y/17+X/${97 + 13 * seed}))+37*sin(X/5+Y/7+${seed})':` +
      `g='128+90*sin(Y/13+X/${41 + 5 * seed}+2*cos(X/${71 + 11 * seed}))+37*cos(X/6+${2 * seed})':` +
      `b='128+90*cos((X+2*Y)/${29 + 3 * seed}+4*sin(Y/23+X/${131 + 17 * seed}))+37*sin(X*Y/900)',` +
      `format=yuv444p,noise=alls=30:all_seed=${seed},` +
      `loop=loop=-1:size=1,setpts=N/(${f.fps}*TB)`,
}

/** The same source rendered at another size (e.g. a wide texture to pan over). */
export function atSize(source: Source, width: number, height: number): Source {
  return (f, id) => source({ ...f, width, height }, id)
}

/**
 * A large box (`boxSize` px square, default two thirds of the height) bouncing left and right over a
 * static background at `pxPerFrame` (in the video's own pixels): fast object motion, no cut.
 */
export function movingBox(opts: { pxPerFrame: number; boxSize?: number; background?: Source; color?: string }): Source {
  return (f, id) => {
    const box = opts.boxSize ?? Math.round((f.height * 2) / 3)
    const bg = (opts.background ?? sources.noisyColor('0x405060', 4))(f, `${id}b`)
    const travel = f.width - box
    // A triangle wave: the box bounces between the edges instead of jumping back across the frame.
    const x = `abs(mod(n*${opts.pxPerFrame},${2 * travel})-${travel})`
    return (
      `${bg}[${id}bg];color=c=${opts.color ?? 'orange'}:s=${box}x${box}:r=${f.fps},drawgrid=w=${Math.max(4, box >> 2)}:h=${Math.max(4, box >> 2)}:t=3:c=black[${id}fg];` +
      `[${id}bg][${id}fg]overlay=x='${x}':y=${Math.round((f.height - box) / 2)}:eval=frame:shortest=1`
    )
  }
}

/**
 * A camera pan at `pxPerFrame` over a still picture `textureWidth` px wide (default: a texture of
 * `sources.texture`), bouncing at the edges: fast global motion, no cut.
 */
export function pan(opts: { pxPerFrame: number; texture?: Source; textureWidth?: number }): Source {
  return (f, id) => {
    const tw = opts.textureWidth ?? f.width * 8
    const tex = (opts.texture ?? sources.texture(3))({ ...f, width: tw }, `${id}t`)
    const travel = tw - f.width
    const x = `abs(mod(n*${opts.pxPerFrame},${2 * travel})-${travel})`
    return `${tex},crop=w=${f.width}:h=${f.height}:x='${x}':y=0`
  }
}

/**
 * A zoom into the centre of a still picture (default: `sources.texture`) by a constant factor
 * `1 + perFrame` per frame (0.03 = 3 % per frame, the speed of the picture's edges is constant),
 * up to `maxZoom` (default 10, zoompan's limit): fast scale change, no cut.
 */
export function zoom(opts: { perFrame: number; picture?: Source; maxZoom?: number }): Source {
  return (f, id) => {
    const pic = (opts.picture ?? sources.texture(5))({ ...f, width: f.width * 2, height: f.height * 2 }, `${id}p`)
    return (
      `${pic},trim=end_frame=1,loop=loop=-1:size=1,setpts=N/(${f.fps}*TB),` +
      `zoompan=z='min(pow(${1 + opts.perFrame},on),${opts.maxZoom ?? 10})':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=${size(f)}:fps=${f.fps}`
    )
  }
}

/**
 * One "set" seen at different framings, like consecutive shots of a music video in the same
 * place: a dark night-sky wall of lit windows with a red-and-white striped figure swaying in the
 * middle. `zoom` 1 is the wide shot (figure a third of the height); 2.5 a close-up (the same set
 * magnified around the figure). Cuts between framings keep the colours and the background: only
 * the layout changes.
 */
export function stage(opts: { zoom: number; sway?: number }): Source {
  return (f, id) => {
    const z = opts.zoom
    const bw = Math.round((f.width * z) / 2) * 2
    const bh = Math.round((f.height * z) / 2) * 2
    const cell = Math.max(6, Math.round(24 * z))
    const bg =
      `color=c=0x141b33:s=${bw}x${bh}:r=${f.fps},drawgrid=w=${cell}:h=${cell}:t=${Math.max(2, Math.round(5 * z))}:c=0xf4d35e@0.7,` +
      `drawbox=x=0:y=${Math.round(bh * 0.8)}:w=iw:h=ih:t=fill:c=0x2a2a3a,` +
      `crop=w=${f.width}:h=${f.height}:x=${Math.round((bw - f.width) / 2)}:y=${Math.round((bh - f.height) / 2)}`
    const fh = Math.round((f.height / 3) * z)
    const fw = Math.round(fh * 0.45)
    const fig = `color=c=0xd7263d:s=${fw}x${fh}:r=${f.fps},drawgrid=w=${fw}:h=${Math.max(4, Math.round(fh / 6))}:t=${Math.max(2, Math.round(fh / 14))}:c=0xf4f4f4`
    const sway = (opts.sway ?? 6) * z
    const x = `(W-w)/2+${sway}*sin(2*PI*n/45)`
    const y = `H*0.8-h*0.85`
    return `${bg}[${id}sb];${fig}[${id}sf];[${id}sb][${id}sf]overlay=x='${x}':y='${y}':eval=frame:shortest=1`
  }
}

/**
 * A beat "punch" inside one shot, as music-video generators do on every beat: every `every`
 * frames from `offset`, the picture jumps `zoom` bigger (default 5 %), `brightness` brighter
 * (default +0.06) and its hue turns by `hue` degrees (default 10), then eases back over
 * `decayFrames` frames (default 4). Not a cut.
 */
export function withBeatPunch(
  source: Source,
  opts: { every: number; offset?: number; zoom?: number; brightness?: number; hue?: number; decayFrames?: number },
): Source {
  return (f, id) => {
    const off = opts.offset ?? 0
    const decay = opts.decayFrames ?? 4
    // 1 on the beat frame, falling linearly to 0 over `decay` frames.
    const env = (n: string) => `if(gte(${n},${off}),max(0,1-mod(${n}-${off},${opts.every})/${decay}),0)`
    const z = opts.zoom ?? 0.05
    return (
      `${source(f, id)},format=yuv444p,` +
      `zoompan=z='1+${z}*${env('in')}':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=${size(f)}:fps=${f.fps},` +
      `eq=brightness='${opts.brightness ?? 0.06}*${env('n')}':eval=frame,` +
      `hue=h='${opts.hue ?? 10}*${env('n')}'`
    )
  }
}

/**
 * Flashes over a source: from frame `offset` on, every `every` frames, `length` frames (1 or 2)
 * are replaced by `color` (default white); with length 2 the second frame is a half-strength decay.
 * The picture after the flash is the source's picture: a flash is not a cut.
 */
export function withFlashes(source: Source, opts: { every: number; offset?: number; length?: 1 | 2; color?: string }): Source {
  return (f, id) => {
    const off = opts.offset ?? 0
    const color = opts.color ?? 'white'
    const phase = `mod(n-${off},${opts.every})`
    let out = `${source(f, id)},drawbox=x=0:y=0:w=iw:h=ih:t=fill:color=${color}@1:enable='gte(n,${off})*eq(${phase},0)'`
    if ((opts.length ?? 1) === 2) out += `,drawbox=x=0:y=0:w=iw:h=ih:t=fill:color=${color}@0.5:enable='gte(n,${off})*eq(${phase},1)'`
    return out
  }
}

/** Appends any ffmpeg video filter chain to a source (e.g. `'hflip'`, `'eq=brightness=0.2'`). */
export function withFilter(source: Source, filter: string): Source {
  return (f, id) => `${source(f, id)},${filter}`
}

/**
 * Freezes the source's frame `at` so that it shows for exactly `frames` frames: a frozen run
 * [at, at+frames); the source then continues with its frame at+1.
 */
export function withFreeze(source: Source, opts: { at: number; frames: number }): Source {
  return (f, id) => {
    const pts = `setpts=N/(${f.fps}*TB)`
    // The held frame is isolated in its own one-frame stream before it is looped: ffmpeg 5.1's
    // loop filter counts `start` off by one, so looping inside the full stream is unreliable.
    const hold = `[${id}fb]trim=start_frame=${opts.at}:end_frame=${opts.at + 1},loop=loop=${opts.frames - 1}:size=1,${pts}[${id}fh]`
    const post = `[${id}fc]trim=start_frame=${opts.at + 1},${pts}[${id}fq]`
    if (opts.at === 0) return `${source(f, id)},split=2[${id}fb][${id}fc];${hold};${post};[${id}fh][${id}fq]concat=n=2:v=1:a=0`
    const pre = `[${id}fa]trim=end_frame=${opts.at},${pts}[${id}fp]`
    return `${source(f, id)},split=3[${id}fa][${id}fb][${id}fc];${pre};${hold};${post};[${id}fp][${id}fh][${id}fq]concat=n=3:v=1:a=0`
  }
}

/** Paints frames [at, at+frames) pure black. */
export function withBlack(source: Source, opts: { at: number; frames: number }): Source {
  return (f, id) =>
    `${source(f, id)},drawbox=x=0:y=0:w=iw:h=ih:t=fill:color=black@1:enable='between(n,${opts.at},${opts.at + opts.frames - 1})'`
}

/** Multiplies luma by 1 ± `amplitude` on alternate frames (0.15 = ±15 %): flicker. Chroma untouched. */
export function withFlicker(source: Source, opts: { amplitude: number }): Source {
  return (f, id) =>
    `${source(f, id)},format=yuv444p,geq=lum='clip(lum(X,Y)*(1+${opts.amplitude}*(2*mod(N,2)-1)),0,255)':cb='cb(X,Y)':cr='cr(X,Y)'`
}

function encodeArgs(encoding: Encoding): string[] {
  if (encoding.codec === 'lossless') return ['-c:v', 'ffv1', '-pix_fmt', 'yuv444p', '-f', 'matroska']
  return [
    '-c:v',
    'libx264',
    '-preset',
    encoding.preset ?? 'veryfast',
    '-crf',
    String(encoding.crf ?? 23),
    '-g',
    String(encoding.gop ?? 250),
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mp4',
  ]
}

function resolveFormat(opts: WriteOptions): VideoFormat {
  return { ...DEFAULT_FORMAT, ...opts.format }
}

async function render(path: string, graph: string, frames: number, format: VideoFormat, opts: WriteOptions): Promise<SyntheticVideo> {
  // Timestamps rewritten to n/fps so frame n of the file is exactly frame n of the graph.
  const full = `${graph},trim=end_frame=${frames},setpts=N/(${format.fps}*TB),format=yuv444p[out]`
  await runFfmpeg(
    ['-filter_complex', full, '-map', '[out]', '-frames:v', String(frames), '-r', String(format.fps), ...encodeArgs(opts.encoding ?? { codec: 'lossless' }), path],
    { signal: opts.signal },
  )
  return { path, frames, format }
}

/** Renders exactly `frames` frames of `source` to `path`. */
export async function writeVideo(path: string, source: Source, frames: number, opts: WriteOptions = {}): Promise<SyntheticVideo> {
  const format = resolveFormat(opts)
  return render(path, source(format, 's0'), frames, format, opts)
}

/** One shot of `writeShots`: `frames` frames of `source` (each shot starts at the source's frame 0). */
export interface ShotSpec {
  source: Source
  frames: number
}

/**
 * Concatenates shots with hard cuts. `cuts` are the frame indices where shots 2… start
 * (the running sums of the shot lengths).
 */
export async function writeShots(path: string, shots: ShotSpec[], opts: WriteOptions = {}): Promise<SyntheticVideo & { cuts: number[] }> {
  if (shots.length === 0) throw new Error('writeShots: no shots')
  const format = resolveFormat(opts)
  const parts = shots.map(
    (s, i) => `${s.source(format, `s${i}`)},trim=end_frame=${s.frames},setpts=N/(${format.fps}*TB),format=yuv444p,setsar=1[c${i}]`,
  )
  const labels = shots.map((_, i) => `[c${i}]`).join('')
  const graph = `${parts.join(';')};${labels}concat=n=${shots.length}:v=1:a=0`
  const cuts: number[] = []
  let total = 0
  for (const [i, s] of shots.entries()) {
    if (i > 0) cuts.push(total)
    total += s.frames
  }
  const video = await render(path, graph, total, format, opts)
  return { ...video, cuts }
}
