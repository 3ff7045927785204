import { join } from 'node:path'
import { concatAndMux, decodeFrames, runBinary, runFfmpeg } from '../../src/ffmpeg/index.js'
import { buildTimeline, placeMedia, segmentName, songFileName, timelineTexts, writeTimelineTexts, type Rational, type Timeline } from '../../src/timeline/index.js'
import type { SongFixture } from './songFixture.js'

/** Sources that differ from shot to shot and, with testsrc2's counter, from frame to frame. */
const LOOKS = ['testsrc2', 'testsrc2,hue=h=120', 'testsrc2,negate', 'testsrc2,hue=h=240', 'testsrc2,colorchannelmixer=rr=0:rb=1:br=1:bb=0']

/**
 * A finished edit at any rate, made the way the pipeline makes one but without a plan's integer
 * rate: one H.264 segment per shot (cut on the song's downbeats), final.mp4 stream-copied from
 * them with the song, and the timeline files with their media beside them.
 */
export async function ntscEdit(dir: string, fps: Rational, song: SongFixture, size = { width: 160, height: 90 }): Promise<{ timeline: Timeline; final: string }> {
  const rate = `${fps.num}/${fps.den}`
  const toFrame = (sec: number) => Math.round((sec * fps.num) / fps.den)
  const total = toFrame(song.durationSec)
  // Every other downbeat, so shots last two bars: a cut on the grid like the planner's.
  const cuts = song.downbeats.filter((_, i) => i % 2 === 0).map(toFrame).filter((f) => f > 0 && f < total)
  const edges = [0, ...cuts, total]
  const shots = edges.slice(0, -1).map((startFrame, index) => ({ index, startFrame, endFrame: edges[index + 1] }))
  const segments: Array<{ name: string; path: string }> = []
  for (const s of shots) {
    const path = join(dir, `seg-${s.index}.mp4`)
    const look = LOOKS[s.index % LOOKS.length]
    await runFfmpeg([
      '-y', '-f', 'lavfi', '-i', `${look.replace('testsrc2', `testsrc2=size=${size.width}x${size.height}:rate=${rate}`)}`,
      '-frames:v', String(s.endFrame - s.startFrame),
      '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-r', rate, '-movflags', '+faststart', path,
    ])
    segments.push({ name: segmentName(s.index), path })
  }
  const final = join(dir, 'final.mp4')
  await concatAndMux({ segments: segments.map((s) => s.path), audio: song.path, out: final, listPath: join(dir, 'concat.txt'), frames: total, fps: fps.num / fps.den })
  const songName = songFileName(song.path)
  const timeline = buildTimeline({
    title: `melt check ${rate}`,
    plan: { fps: Math.round(fps.num / fps.den), width: size.width, height: size.height, totalFrames: total, shots: shots as never },
    analysis: { sections: song.sections.map((s, index) => ({ index, label: s.label, start: s.start, end: s.end, energy: 1, confidence: 1 })), downbeats: song.downbeats },
    songSource: `segments/${songName}`,
    fps,
  })
  await writeTimelineTexts(dir, timelineTexts(timeline))
  await placeMedia(dir, segments, { path: song.path, name: songName })
  return { timeline, final }
}

/** Renders an MLT file with the real melt, losslessly (FFV1), so its frames can be compared bit for bit. */
export async function meltRender(mlt: string, out: string): Promise<void> {
  await runBinary('melt', ['-quiet', mlt, '-consumer', `avformat:${out}`, 'vcodec=ffv1', 'pix_fmt=yuv420p', 'acodec=pcm_s16le', 'an=0'])
}

/**
 * MD5 of the luma plane of each of these frames, straight from the decoder (no colour
 * conversion): equal when the pictures' brightness is identical, pixel for pixel.
 */
export async function lumaMd5s(path: string, frames: number[]): Promise<Map<number, string>> {
  const only = [...new Set(frames)].filter((f) => f >= 0).sort((a, b) => a - b)
  const select = only.map((i) => `eq(n\\,${i})`).join('+')
  const { stdout } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-vf', `select=${select},extractplanes=y`, '-fps_mode', 'passthrough', '-f', 'framemd5', '-'], { captureStdout: true })
  const md5s = stdout.toString().split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim())
  if (md5s.length !== only.length) throw new Error(`${path}: ${md5s.length} of ${only.length} frames decoded`)
  return new Map(only.map((f, k) => [f, md5s[k]]))
}

/** Frames a video has (decoded, counted). */
export async function countFrames(path: string): Promise<number> {
  let n = 0
  await decodeFrames(path, { width: 16, height: 16 }, () => n++)
  return n
}

/** Each of these frames as RGB bytes (a copy), by frame index. */
export async function framesAt(path: string, frames: number[], size: { width: number; height: number }): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>()
  const only = [...new Set(frames)].filter((f) => f >= 0).sort((a, b) => a - b)
  await decodeFrames(path, { ...size, format: 'rgb24', only }, (frame, i) => out.set(i, Uint8Array.from(frame)))
  return out
}

/** Mean absolute difference of two frames, 0..255. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}
