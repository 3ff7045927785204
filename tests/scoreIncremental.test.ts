import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../src/ffmpeg/index.js'
import { render, type RenderResult } from '../src/index.js'
import { filmFramesFromTraces, type FilmFrames } from '../src/metrics/filmFrames.js'
import { decodeFilmTrace, encodeFilmTrace } from '../src/metrics/filmTraceCodec.js'
import type { FilmTrace } from '../src/metrics/filmTrace.js'
import { measureFrames } from '../src/metrics/measureFrames.js'
import { measureSegment, type SegmentContext } from '../src/metrics/measureSegment.js'
import { scoreVideo } from '../src/metrics/scoreVideo.js'
import { filmFramesOf } from '../src/pipeline/filmTraces.js'
import { Analysis, ShotPlan, VideoScore } from '../src/schemas/index.js'
import { openStore } from '../src/store/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { makeSongFixture } from './helpers/songFixture.js'

// Issue 18: the film is scored from its shots' traces, not by decoding it again. Every figure must
// be the one a decode of the whole film gives.

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'longav-scoreinc-'))
})

/** Every series and decision scoring reads, whole-film against joined traces. */
function expectSameFrames(joined: FilmFrames, whole: FilmFrames): void {
  expect(joined.frames).toBe(whole.frames)
  expect([joined.width, joined.height]).toEqual([whole.width, whole.height])
  expect(Array.from(joined.motion)).toEqual(Array.from(whole.motion))
  expect(joined.cuts).toEqual(whole.cuts)
  expect(Array.from(joined.temporal.lumaSeries())).toEqual(Array.from(whole.temporal.lumaSeries()))
  expect(Array.from(joined.temporal.similaritySeries())).toEqual(Array.from(whole.temporal.similaritySeries()))
  expect(joined.stats).toEqual(whole.stats)
}

/** Encodes a lavfi source as a canonical-looking segment (H.264 yuv420p, 160×90 at 12 fps). */
async function clip(name: string, source: string, filters: string, frames: number): Promise<string> {
  const out = join(dir, `${name}.mp4`)
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', source, '-vf', `${filters}format=yuv420p`, '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-r', '12', out])
  return out
}

describe('a film joined from segments is measured from their traces exactly', () => {
  it('across cuts, a fade to black over a junction, a flash next to a cut and a still held over a junction', async () => {
    const segments = [
      // Moving pattern, fading to black in its last frames: the black run continues into the next segment.
      await clip('a', 'testsrc2=size=160x90:rate=12', 'fade=t=out:st=1.5:d=0.5,', 24),
      await clip('b', 'mandelbrot=size=160x90:rate=12', 'fade=t=in:st=0:d=0.4,', 20),
      // A cut straight into a one-frame flash, then the picture: the flash check reads across the junction.
      await clip('c', 'testsrc=size=160x90:rate=12', "eq=brightness='if(eq(n,1),0.6,0)':eval=frame,", 18),
      // A still, then the same still again: a frozen run across the junction.
      await clip('d', 'smptebars=size=160x90:rate=12', '', 14),
      await clip('e', 'smptebars=size=160x90:rate=12', '', 14),
    ]
    const list = join(dir, 'list.txt')
    writeFileSync(list, segments.map((s) => `file '${s}'`).join('\n') + '\n')
    const film = join(dir, 'film.mp4')
    await runFfmpeg(['-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', film])
    const whole = await measureFrames(film)
    const traces = await Promise.all(segments.map(async (s) => (await measureFrames(s, { trace: true })).trace!))
    // Through the bytes the store keeps.
    const joined = filmFramesFromTraces(traces.map((t) => decodeFilmTrace(encodeFilmTrace(t))), whole.fps, whole.info)
    expectSameFrames(joined, whole)
    expect(whole.cuts.length).toBeGreaterThanOrEqual(2)
    expect(whole.stats.blackRuns.length + whole.stats.frozenRuns.length).toBeGreaterThan(0)
    // A junction's figures come from the two frames beside it, not from the segment alone.
    const at = traces[0].frames
    expect(joined.motion[at]).not.toBe(traces[1].motion[0])

    // The verifier asked again about a segment it measured before reads the trace: the same figures.
    const kept = new Map<string, FilmTrace>()
    const traceStore = { load: async (p: string) => kept.get(p), save: async (p: string, t: FilmTrace) => void kept.set(p, t) }
    const ctx: SegmentContext = {
      fps: 12, startFrame: 24, audioPeaksSec: [2.1, 2.6, 3.3], beatsSec: [2, 2.5, 3, 3.5], beatPeriodSec: 0.5,
      locationId: 'here', entities: [], references: {}, keyFrame: '',
    }
    const decoded = await measureSegment(segments[2], ctx)
    const first = await measureSegment(segments[2], { ...ctx, traces: traceStore })
    expect(kept.size).toBe(1)
    const fromTrace = await measureSegment(segments[2], { ...ctx, traces: { ...traceStore, save: async () => expect.fail('measured again') } })
    expect(first).toEqual(decoded)
    expect(fromTrace).toEqual(decoded)
  }, 60_000)
})

describe('the render scores its film from the shots it measured', () => {
  let out: string
  let result: RenderResult
  beforeAll(async () => {
    const song = await makeSongFixture({ bpm: 120, seconds: 12, dir })
    out = join(dir, 'out')
    result = await render({ song: song.path, brief: writeTestBrief(dir), outDir: out, output: { width: 160, height: 90, fps: 12 }, llm: null })
  }, 180_000)

  it('every figure of score.json is the one a decode of the whole film gives', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(result.files.plan, 'utf8')))
    const analysis = Analysis.parse(JSON.parse(readFileSync(result.files.analysis, 'utf8')))
    const written = VideoScore.parse(JSON.parse(readFileSync(join(out, 'score.json'), 'utf8')))
    const shotViews = Object.fromEntries(keptSegments(out).map((path, i) => [i, join(dirname(path), 'key.png')]))
    // The whole film decoded and measured, identity computed from scratch with the same views.
    const whole = await scoreVideo({ videoPath: result.files.final, songPath: written.song.path, analysis, plan, shotViews, references: referencesOf(out) })
    expect(written.avAlign).toEqual(whole.avAlign)
    expect(written.beatAlignment).toEqual(whole.beatAlignment)
    expect(written.cuts).toEqual(whole.cuts)
    expect(written.temporal).toEqual(whole.temporal)
    expect(written.frozenRuns).toEqual(whole.frozenRuns)
    expect(written.blackRuns).toEqual(whole.blackRuns)
    expect(written.motion).toEqual(whole.motion)
    expect(written.shots).toEqual(whole.shots)
    expect(written.identity).toEqual(whole.identity)
    expect(written.video).toEqual(whole.video)
    expect(written.duration).toEqual(whole.duration)
    expect(written.audioOffset).toEqual(whole.audioOffset)
    expect(written).toEqual(whole)
    expect(written.cuts.frames.length).toBeGreaterThan(0)
    // And it was measured from the shots: the log says when the film had to be decoded.
    expect(readFileSync(result.files.log, 'utf8')).not.toMatch(/the film was decoded/)
  }, 120_000)

  it('reads every shot from the store (no decode) and says when the film is not its segments', async () => {
    const store = openStore(join(out, '.longav', 'store'))
    const plan = ShotPlan.parse(JSON.parse(readFileSync(result.files.plan, 'utf8')))
    const paths = keptSegments(out)
    expect(paths.length).toBe(plan.shots.length)
    const r = await filmFramesOf(result.files.final, paths, store)
    expect('frames' in r && r.measured).toBe(0)
    const short = await filmFramesOf(result.files.final, paths.slice(1), store)
    expect('reason' in short && short.reason).toMatch(/the film has \d+ frames, its segments \d+/)
  }, 60_000)
})

/** The kept take of every shot, in order (scores.json). */
function keptSegments(out: string): string[] {
  const scores = JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8')) as { shots: Array<{ keptAttempt: number; attempts: Array<{ attempt: number; video: string }> }> }
  return scores.shots.map((s) => s.attempts.find((a) => a.attempt === s.keptAttempt)!.video)
}

/** The references the render's memory holds, as the score step passes them. */
function referencesOf(out: string): Record<string, Array<{ image: string; locationId?: string; framing?: string }>> {
  const memory = JSON.parse(readFileSync(join(out, 'memory.json'), 'utf8')) as { entities: Record<string, { references: Array<{ image: string; locationId?: string; framing?: string }> }> }
  return Object.fromEntries(Object.entries(memory.entities).map(([id, e]) => [id, e.references.map((r) => ({ image: r.image, locationId: r.locationId, framing: r.framing }))]))
}
