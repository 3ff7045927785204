import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../src/ffmpeg/index.js'
import { encodeFilmTrace } from '../src/metrics/filmTraceCodec.js'
import { measureFrames, type FrameMeasurement } from '../src/metrics/measureFrames.js'
import { measureFramesOffThread as fromSources, measuresOffThread as sourcesOffThread } from '../src/metrics/measureOffThread.js'

// Issue 18: the verifier's metrics run on a worker thread (the compiled build's), beside the main
// thread that draws the next shot. The figures must be those measureFrames gives on this thread.
// The worker exists only in the build (dist/): `npm test` builds first.
const BUILT = new URL('../dist/metrics/measureOffThread.js', import.meta.url)

let dir: string
let video: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-offthread-'))
  video = join(dir, 'clip.mp4')
  // Motion, a cut and a flash: every series the metrics keep has something to say.
  const graph = 'testsrc2=size=320x180:rate=12,trim=end_frame=14[a];mandelbrot=size=320x180:rate=12,trim=end_frame=12,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1'
  await runFfmpeg(['-y', '-filter_complex', graph, '-frames:v', '26', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', video])
}, 60_000)

function expectSame(a: FrameMeasurement, b: FrameMeasurement): void {
  expect(b.frames).toBe(a.frames)
  expect([b.width, b.height]).toEqual([a.width, a.height])
  expect(Array.from(b.motion)).toEqual(Array.from(a.motion))
  expect(b.cuts).toEqual(a.cuts)
  expect(b.stats).toEqual(a.stats)
  expect(b.bestFrame).toBe(a.bestFrame)
  expect(Array.from(b.temporal.lumaSeries())).toEqual(Array.from(a.temporal.lumaSeries()))
  expect(Array.from(b.temporal.similaritySeries())).toEqual(Array.from(a.temporal.similaritySeries()))
  expect(b.temporal.summary(b.cuts)).toEqual(a.temporal.summary(a.cuts))
  expect(Buffer.compare(encodeFilmTrace(b.trace!), encodeFilmTrace(a.trace!))).toBe(0)
}

describe('measuring on the worker thread', () => {
  afterAll(() => {
    delete process.env.LONGAV_METRICS_WORKER
  })

  it('runs on this thread from the sources (no compiled worker), with the same figures', async () => {
    expect(sourcesOffThread()).toBe(false)
    expectSame(await measureFrames(video, { trace: true }), await fromSources(video, { trace: true }))
  })

  it('runs on the worker in the build and gives exactly the figures measured on this thread', async () => {
    expect(existsSync(BUILT), 'dist/ is missing: run `npm run build` first').toBe(true)
    const built = (await import(BUILT.href)) as typeof import('../src/metrics/measureOffThread.js')
    // LONGAV_METRICS_WORKER=0 keeps the measuring on this thread; =1 uses the worker whatever the core count.
    process.env.LONGAV_METRICS_WORKER = '0'
    expect(built.measuresOffThread()).toBe(false)
    process.env.LONGAV_METRICS_WORKER = '1'
    expect(built.measuresOffThread()).toBe(true)
    const here = await measureFrames(video, { trace: true })
    expect(here.cuts.length).toBeGreaterThan(0)
    // Two at once: both queue on the one worker and each gets its own result.
    const [a, b] = await Promise.all([built.measureFramesOffThread(video, { trace: true }), built.measureFramesOffThread(video, { trace: true })])
    expectSame(here, a)
    expectSame(here, b)
  })

  it('reports a failed decode as the ffmpeg error, and an abort at once', async () => {
    const built = (await import(BUILT.href)) as typeof import('../src/metrics/measureOffThread.js')
    await expect(built.measureFramesOffThread(join(dir, 'missing.mp4'))).rejects.toMatchObject({ name: 'FfmpegError', code: 'FFMPEG_FAILED' })
    const ac = new AbortController()
    const p = built.measureFramesOffThread(video, { signal: ac.signal })
    ac.abort()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    // The worker goes on serving after both.
    expect((await built.measureFramesOffThread(video)).frames).toBe(26)
  })
})
