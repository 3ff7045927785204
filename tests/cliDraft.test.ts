import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'

let dir: string
let song: SongFixture
let other: SongFixture
let brief: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-draft-'))
  song = await makeSongFixture({ bpm: 120, seconds: 10, dir })
  other = await makeSongFixture({ bpm: 100, seconds: 6, dir })
  brief = writeTestBrief(dir)
})

function videoStream(path: string): { width: number; height: number; rate: string; frames: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=width,height,r_frame_rate,nb_read_frames', '-of', 'json', path], { encoding: 'utf8' })
  const s = JSON.parse(r.stdout).streams[0]
  return { width: s.width, height: s.height, rate: s.r_frame_rate, frames: Number(s.nb_read_frames) }
}

/** x264 writes its settings into the stream: ultrafast (the draft) has CABAC off, veryfast on. */
function cabacOfSegments(out: string): { draft: number; final: number } {
  const root = join(out, '.longav', 'store', 'segment')
  const counts = { draft: 0, final: 0 }
  for (const key of readdirSync(root)) {
    const m = /cabac=([01])/.exec(readFileSync(join(root, key, 'shot.mp4')).toString('latin1'))
    expect(m, `x264 settings in segment ${key}`).not.toBeNull()
    if (m![1] === '0') counts.draft++
    else counts.final++
  }
  return counts
}

describe('render --draft', () => {
  it('renders a small, low-rate preview marked as a draft, whose shots a final render into the same folder does not reuse', () => {
    const out = join(dir, 'out')
    const d = longav(['render', song.path, brief, '--draft', '--no-llm', '--out', out], dir, { timeoutMs: 180_000 })
    expect(d.code, d.stderr).toBe(0)
    expect(d.stderr).toMatch(/a draft \(preview\)/)
    // The brief's 1280x720 at 30 fps becomes 480x270 at 12 fps.
    const v = videoStream(join(out, 'final.mp4'))
    expect(v).toMatchObject({ width: 480, height: 270, rate: '12/1' })
    expect(v.frames).toBeGreaterThan(10 * 12 - 12)
    const run = JSON.parse(readFileSync(join(out, '.longav', 'run.json'), 'utf8'))
    expect(run.request.draft).toBe(true)
    const scores = JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8'))
    expect(scores.agents.generator).toBe('procedural+draft')
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/output\.draft<\/th><td>true/)
    // One take per shot, no timeline export.
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))
    expect(plan.fps).toBe(12)
    expect(scores.shots.every((s: { attempts: unknown[] }) => s.attempts.length === 1)).toBe(true)
    expect(existsSync(join(out, 'timeline.otio'))).toBe(false)
    const afterDraft = cabacOfSegments(out)
    expect(afterDraft).toEqual({ draft: plan.shots.length, final: 0 })

    // A draft is replaced only by a render of the song it previews: another song is refused, the draft kept.
    const finalBytes = readFileSync(join(out, 'final.mp4'))
    const o = longav(['render', other.path, brief, '--no-llm', '--out', out], dir, { timeoutMs: 60_000 })
    expect(o.code, o.stderr).toBe(2)
    expect(o.stderr).toMatch(/already holds a finished render of other inputs/)
    expect(readFileSync(join(out, 'final.mp4')).equals(finalBytes)).toBe(true)

    // The same size and rate without --draft: no --force needed, and every shot is made anew.
    const f = longav(['render', song.path, brief, '--no-llm', '--rounds', '1', '--size', '480x270', '--fps', '12', '--out', out], dir, { timeoutMs: 180_000 })
    expect(f.code, f.stderr).toBe(0)
    expect(f.stderr).not.toMatch(/a draft/)
    const finalPlan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))
    expect(cabacOfSegments(out)).toEqual({ draft: plan.shots.length, final: finalPlan.shots.length })
    expect(JSON.parse(readFileSync(join(out, '.longav', 'run.json'), 'utf8')).request.draft).toBeUndefined()
    expect(JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8')).agents.generator).toBe('procedural')
    expect(existsSync(join(out, 'timeline.otio'))).toBe(true)
  }, 400_000)
})
