import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'

// `score --plan` with a plan made at another frame rate than the video's (issue 12, case 4).

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`)
}

interface PlanFile {
  fps: number
  totalFrames: number
  shots: Array<{ index: number; startFrame: number; endFrame: number }>
}
interface ScoreFile {
  video: { fps: number; frames: number }
  shots: Array<{ index: number; startFrame: number; endFrame: number; cutOnBeat: boolean | null }>
}

let dir: string
let song: SongFixture
let plan: string
let planned: PlanFile
let video24: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-planrate-'))
  song = await makeSongFixture({ bpm: 120, seconds: 8, dir })
  const out = join(dir, 'render')
  const r = longav(['render', song.path, writeTestBrief(dir), '--out', out, '--size', '160x90', '--fps', '12'], dir)
  expect(r.code, r.stderr).toBe(0)
  plan = join(out, 'plan.json')
  planned = JSON.parse(readFileSync(plan, 'utf8')) as PlanFile
  expect(planned.fps).toBe(12)
  // The same video at 24 fps: every frame shown twice, same timeline.
  video24 = join(dir, 'video24.mp4')
  ffmpeg(['-i', join(out, 'final.mp4'), '-vf', 'fps=24', '-c:v', 'libx264', '-crf', '18', '-c:a', 'copy', video24])
}, 180_000)

describe('score --plan at another frame rate', () => {
  it('converts a 12 fps plan to a 24 fps video: per-shot scores on the right spans', () => {
    const out = join(dir, 'scored')
    const r = longav(['score', video24, song.path, '--plan', plan, '--out', out], dir)
    expect(r.code, r.stderr).toBe(0)
    const score = JSON.parse(readFileSync(join(out, 'score.json'), 'utf8')) as ScoreFile
    expect(score.video.fps).toBe(24)
    expect(score.video.frames).toBe(planned.totalFrames * 2)
    expect(score.shots.map((s) => [s.index, s.startFrame, s.endFrame])).toEqual(planned.shots.map((s) => [s.index, s.startFrame * 2, s.endFrame * 2]))
    // The plan cuts on beats: read at the wrong rate, its cuts would fall between them.
    expect(score.shots.length).toBeGreaterThan(1)
    for (const s of score.shots.slice(1)) expect(s.cutOnBeat, `shot ${s.index}`).toBe(true)
  })

  it('refuses a plan whose length does not match the video (exit 2, nothing written)', () => {
    const half = join(dir, 'half24.mp4')
    ffmpeg(['-i', video24, '-t', String(planned.totalFrames / planned.fps / 2), '-c:v', 'libx264', '-c:a', 'aac', half])
    const out = join(dir, 'scored-half')
    const r = longav(['score', half, song.path, '--plan', plan, '--out', out], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/is at 12 fps over [\d.]+ s but the video is at 24 fps over [\d.]+ s: they cannot be matched/)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(existsSync(join(out, 'score.json'))).toBe(false)
  })
})
