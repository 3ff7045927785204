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

/** x264 writes its settings into the stream: the draft's ultrafast has CABAC off, the final's encoding has it on. */
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

type PlanShot = {
  index: number
  startFrame: number
  endFrame: number
  kind?: string
  framing: string
  locationId: string
  characterIds: string[]
  transition?: string
  camera: string
  captions: Array<{ text: string }>
}
type Plan = { fps: number; totalFrames: number; shots: PlanShot[] }

/**
 * What a draft promises: a preview of the plan the final render makes (the same shots, cut at the
 * same moments, each on the song's beat grid), joined frame-exactly with the song laid over it, and
 * every shot judged by the verifier on the draft's own frames (marked as a draft's figures).
 */
function previewOfTheSamePlan(out: string, plan: Plan): void {
  // The plan a final render of the same song and brief makes (1280x720 at 30 fps), without rendering it.
  const full = join(dir, 'full-plan')
  const p = longav(['plan', song.path, brief, '--no-llm', '--out', full], dir, { timeoutMs: 60_000 })
  expect(p.code, p.stderr).toBe(0)
  const finalPlan: Plan = JSON.parse(readFileSync(join(full, 'plan.json'), 'utf8'))
  expect(finalPlan.fps).toBe(30)
  const outline = (q: Plan) =>
    q.shots.map((s) => ({ kind: s.kind, framing: s.framing, locationId: s.locationId, characterIds: s.characterIds, transition: s.transition, camera: s.camera, captions: s.captions.map((c) => c.text) }))
  expect(outline(plan)).toEqual(outline(finalPlan))
  // Each cut at the same moment: within one draft frame (1/12 s) of the final's.
  const starts = (q: Plan) => q.shots.map((s) => s.startFrame / q.fps)
  starts(plan).forEach((t, i) => expect(Math.abs(t - starts(finalPlan)[i]), `shot ${i} starts at ${t} s`).toBeLessThanOrEqual(1 / 12 + 1e-9))
  // On the beat grid of the song: each cut within one frame of a beat of the analysis.
  const analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as { beats: number[] }
  for (const s of plan.shots.slice(1)) expect(Math.min(...analysis.beats.map((b) => Math.abs(b * plan.fps - s.startFrame))), `cut at frame ${s.startFrame}`).toBeLessThanOrEqual(1)
  // Joined frame-exactly: the film has every planned frame, and the spans tile it.
  expect(videoStream(join(out, 'final.mp4')).frames).toBe(plan.totalFrames)
  plan.shots.slice(1).forEach((s, i) => expect(s.startFrame).toBe(plan.shots[i].endFrame))
  // The song over it: the film's own audio track lines up with the song (measured, not assumed).
  const score = JSON.parse(readFileSync(join(out, 'score.json'), 'utf8'))
  expect(score.video.hasAudio).toBe(true)
  expect(score.audioOffset, "the film's audio matched against the song").not.toBeNull()
  expect(Math.abs(score.audioOffset.seconds)).toBeLessThan(0.05)
  expect(score.duration.exact).toBe(true)
  // Judged on the draft's own frames: every kept take has the verifier's figures, marked as a draft's.
  const scores = JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8'))
  for (const s of scores.shots) {
    const checks = s.attempts[0].verdict.checks
    expect(checks.draft, `shot ${s.index}`).toBe(true)
    expect(checks.exactDuration, `shot ${s.index} has its planned frames in the film`).toBe(true)
    expect(typeof checks.temporalConsistency).toBe('number')
    expect(typeof checks.meanLuma).toBe('number')
  }
  expect(score.analysisSize.width).toBe(80)
  expect(score.shots.map((s: { startFrame: number }) => s.startFrame)).toEqual(plan.shots.map((s) => s.startFrame))
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
    const plan: Plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))
    expect(plan.fps).toBe(12)
    expect(scores.shots.every((s: { attempts: unknown[] }) => s.attempts.length === 1)).toBe(true)
    expect(existsSync(join(out, 'timeline.otio'))).toBe(false)
    const afterDraft = cabacOfSegments(out)
    expect(afterDraft).toEqual({ draft: plan.shots.length, final: 0 })
    previewOfTheSamePlan(out, plan)

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
