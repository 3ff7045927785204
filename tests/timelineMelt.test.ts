/**
 * The MLT export played by the real `melt` (Debian package melt, installed by scripts/setup.sh)
 * gives the same cuts at the same frames as final.mp4: the luma of every frame at each cut and
 * one either side is identical, bit for bit, and the song plays from frame 0. Through real renders at
 * 30 and 29.97 fps (held as 30000/1001), and at 29.97 and 23.976 fps on segments made with ffmpeg.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeAudioMono } from '../src/ffmpeg/decodeAudio.js'
import { runBinary } from '../src/ffmpeg/index.js'
import { render } from '../src/index.js'
import { ShotPlan } from '../src/schemas/index.js'
import { readTimeline, TIMELINE_FILES, type Rational } from '../src/timeline/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { countFrames, lumaMd5s, meltRender, ntscEdit } from './helpers/timelineFixture.js'

let dir: string
let song: SongFixture

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-melt-'))
  song = await makeSongFixture({ bpm: 120, seconds: 10, dir, format: 'wav' })
})

/** Copies the timeline files and their media elsewhere (the folder moved), renders the MLT there with melt. */
async function meltFromMovedFolder(from: string, to: string): Promise<string> {
  mkdirSync(to, { recursive: true })
  for (const name of Object.values(TIMELINE_FILES)) cpSync(join(from, name), join(to, name))
  cpSync(join(from, 'segments'), join(to, 'segments'), { recursive: true })
  const out = join(to, 'melt.mkv')
  await meltRender(join(to, 'timeline.mlt'), out)
  return out
}

/** Every cut ±1: the luma MD5s of melt's frames equal final.mp4's; and the two are equally long. */
async function expectSameCuts(final: string, melted: string, cuts: number[]): Promise<void> {
  const frames = cuts.flatMap((c) => [c - 1, c, c + 1])
  const [a, b] = await Promise.all([lumaMd5s(final, frames), lumaMd5s(melted, frames)])
  for (const f of frames) expect(b.get(f), `frame ${f}`).toBe(a.get(f))
  // Across each cut the picture changes: equal MD5s there are not a blank comparison.
  for (const c of cuts) expect(a.get(c), `cut ${c}`).not.toBe(a.get(c - 1))
  expect(await countFrames(melted)).toBe(await countFrames(final))
  // The song, from frame 0: melt's sound is final.mp4's, shifted by less than a millisecond (its
  // resampler's delay), never by a frame (33 ms), over a search of ±100 ms.
  const [x, y] = await Promise.all([decodeAudioMono(final, { sampleRate: 8000 }), decodeAudioMono(melted, { sampleRate: 8000 })])
  expect(Math.abs(x.durationSec - y.durationSec)).toBeLessThan(0.05)
  const best = bestLag(x.samples, y.samples, 800)
  expect(best.correlation).toBeGreaterThan(0.95)
  expect(Math.abs(best.lag) / 8000).toBeLessThanOrEqual(0.001)
}

/** The lag (samples, b later than a) at which b best matches a, within ±maxLag, and the correlation there. */
function bestLag(a: Float32Array, b: Float32Array, maxLag: number): { lag: number; correlation: number } {
  let best = { lag: 0, correlation: -1 }
  const n = Math.min(a.length, b.length) - maxLag
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0
    let aa = 0
    let bb = 0
    for (let i = maxLag; i < n; i++) {
      const u = a[i]
      const v = b[i + lag]
      ab += u * v
      aa += u * u
      bb += v * v
    }
    const c = ab / Math.sqrt(aa * bb)
    if (c > best.correlation) best = { lag, correlation: c }
  }
  return best
}

describe.each<[string, number, Rational]>([
  ['30', 30, { num: 30, den: 1 }],
  ['29.97', 29.97, { num: 30000, den: 1001 }],
])('a real render at %s fps', (label, asked, fps) => {
  let outDir: string
  let files: Awaited<ReturnType<typeof render>>['files']

  beforeAll(async () => {
    outDir = join(dir, `out-${label}`)
    ;({ files } = await render({ song: song.path, brief: writeTestBrief(dir), outDir, output: { width: 160, height: 90, fps: asked }, rounds: 1, finish: 'video', llm: null }))
  }, 240_000)

  it('renders at exactly that rate: the plan holds num/den, the film is num/den with the plan\'s frame count', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(files.plan, 'utf8')))
    expect(plan.fps).toBe(fps.num / fps.den)
    expect(plan.totalFrames).toBe(Math.round((song.durationSec * fps.num) / fps.den))
    const { stdout } = await runBinary('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate,avg_frame_rate', '-of', 'csv=p=0', files.final], { captureStdout: true })
    expect(stdout.toString().trim().split(',')).toEqual([`${fps.num}/${fps.den}`, `${fps.num}/${fps.den}`])
    expect(await countFrames(files.final)).toBe(plan.totalFrames)
    // Every shot's segment has exactly its frames: the cuts stay where the plan put them.
    for (const s of plan.shots) expect(await countFrames(join(files.segments, `shot-${String(s.index + 1).padStart(2, '0')}.mp4`)), `shot ${s.index}`).toBe(s.endFrame - s.startFrame)
    expect(readFileSync(files.timelineEdl, 'utf8')).toContain(fps.den === 1001 ? 'FCM: DROP FRAME' : 'FCM: NON-DROP FRAME')
  }, 120_000)

  it('writes the four timelines with the segments and the song beside them, listed in the result', () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(files.plan, 'utf8')))
    expect([files.timelineOtio, files.timelineFcpxml, files.timelineEdl, files.timelineMlt]).toEqual(Object.values(TIMELINE_FILES).map((n) => join(outDir, n)))
    for (const p of [files.timelineOtio, files.timelineFcpxml, files.timelineEdl, files.timelineMlt]) expect(existsSync(p), p).toBe(true)
    expect(readdirSync(files.segments).sort()).toEqual([...plan.shots.map((s) => `shot-${String(s.index + 1).padStart(2, '0')}.mp4`), 'song.wav'].sort())
    // The texts came from the run's store (a rerun is a hit): one timeline artifact, the same text.
    const artifacts = readdirSync(join(outDir, '.longav', 'store', 'timeline'))
    expect(artifacts).toHaveLength(1)
    expect(readFileSync(join(outDir, '.longav', 'store', 'timeline', artifacts[0], 'timeline.otio'), 'utf8')).toBe(readFileSync(files.timelineOtio, 'utf8'))
  })

  it('reads back (.otio, .fcpxml, .mlt) as the plan\'s cuts', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(files.plan, 'utf8')))
    expect(plan.shots.length).toBeGreaterThanOrEqual(3)
    const want = plan.shots.map((s) => [s.startFrame, s.endFrame])
    for (const p of [files.timelineOtio, files.timelineFcpxml, files.timelineMlt]) {
      const cuts = await readTimeline(p)
      expect(cuts.fps, p).toEqual(fps)
      expect(cuts.clips.map((c) => [c.startFrame, c.endFrame]), p).toEqual(want)
    }
  })

  it('melt renders the MLT (moved to another folder) with the cuts of final.mp4 at the same frames', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(files.plan, 'utf8')))
    const melted = await meltFromMovedFolder(outDir, join(dir, `moved-${label}`))
    await expectSameCuts(files.final, melted, plan.shots.slice(1).map((s) => s.startFrame))
  }, 120_000)
})

describe.each<[string, Rational]>([
  ['29.97', { num: 30000, den: 1001 }],
  ['23.976', { num: 24000, den: 1001 }],
])('at %s fps', (label, fps) => {
  it('melt renders the MLT with the cuts of final.mp4 at the same frames, and every reader finds them', async () => {
    const at = join(dir, `ntsc-${label}`)
    mkdirSync(at)
    const { timeline, final } = await ntscEdit(at, fps, song)
    expect(timeline.clips.length).toBeGreaterThanOrEqual(3)
    const melted = await meltFromMovedFolder(at, join(dir, `moved-${label}`))
    await expectSameCuts(final, melted, timeline.clips.slice(1).map((c) => c.startFrame))
    for (const name of [TIMELINE_FILES.otio, TIMELINE_FILES.fcpxml, TIMELINE_FILES.mlt]) {
      const cuts = await readTimeline(join(at, name))
      expect(cuts.fps, name).toEqual(fps)
      expect(cuts.clips.map((c) => [c.startFrame, c.endFrame]), name).toEqual(timeline.clips.map((c) => [c.startFrame, c.endFrame]))
    }
  }, 120_000)
})
