// A batch's base render in a child process (the built dist/batch/baseProcess.js, as the package
// runs it): files back on success, the error's kind and code back on failure, and an abort that
// stops the child.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { forkedBaseRenderer } from '../src/batch/baseFork.js'
import { exitCodeOf, LongavError } from '../src/errors.js'
import type { RenderEvent } from '../src/pipeline/events.js'
import { probeMedia } from '../src/ffmpeg/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'

let dir: string
let song: SongFixture
let brief: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-basefork-'))
  song = await makeSongFixture({ bpm: 120, seconds: 8, dir })
  brief = writeTestBrief(dir)
}, 120_000)

describe('forkedBaseRenderer', () => {
  it('renders in a child process and hands back the film, the plan and the events', async () => {
    const events: RenderEvent[] = []
    const render = forkedBaseRenderer({ song: song.path, brief, storeDir: join(dir, 'store'), output: { fps: 12, captions: false } })
    const files = await render({ outDir: join(dir, 'a'), width: 160, height: 96, onEvent: (e) => events.push(e), signal: new AbortController().signal })
    const info = await probeMedia(files.final, { countFrames: true })
    expect(info.video?.width).toBe(160)
    expect(info.video?.height).toBe(96)
    expect(info.video?.frames).toBe(Math.round(song.durationSec * 12))
    expect(existsSync(files.plan)).toBe(true)
    expect(events.some((e) => e.type === 'stage' && e.stage === 'generating')).toBe(true)
    expect(events.filter((e) => e.type === 'shot' && e.status === 'accepted').length).toBeGreaterThan(0)
    // 'video' finish: no report in a base.
    expect(existsSync(join(dir, 'a', 'report.html'))).toBe(false)
  }, 240_000)

  it('brings a bad input back as the same kind and code (exit 2)', async () => {
    const render = forkedBaseRenderer({ song: join(dir, 'missing.mp3'), brief, storeDir: join(dir, 'store') })
    const err = await render({ outDir: join(dir, 'b'), width: 160, height: 96, onEvent: () => undefined, signal: new AbortController().signal }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LongavError)
    expect((err as LongavError).kind).toBe('input')
    expect((err as LongavError).code).toBe('SONG_NOT_FOUND')
    expect((err as Error).message).toContain('missing.mp3')
    expect(exitCodeOf(err)).toBe(2)
  }, 60_000)

  it('stops the child when the batch is aborted', async () => {
    const abort = new AbortController()
    const render = forkedBaseRenderer({ song: song.path, brief, storeDir: join(dir, 'store-abort'), output: { fps: 12, captions: false } })
    const started = Date.now()
    const p = render({
      outDir: join(dir, 'c'),
      width: 320,
      height: 192,
      signal: abort.signal,
      // Abort once shots are being made.
      onEvent: (e) => e.type === 'stage' && e.stage === 'generating' && abort.abort(),
    })
    const err = await p.catch((e: unknown) => e)
    expect((err as Error).name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(existsSync(join(dir, 'c', 'final.mp4'))).toBe(false)
  }, 90_000)
})
