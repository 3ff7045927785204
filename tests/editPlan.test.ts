import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { fitEditedPlan, parseEditedPlan } from '../src/agents/planner/edited.js'
import { InputError } from '../src/errors.js'
import { render, type RenderResult } from '../src/index.js'
import { Analysis, ShotPlan, Treatment } from '../src/schemas/index.js'
import { secondsToFrame } from '../src/time.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'
import { frameMd5s } from './helpers/video.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

// Issue 16, part 1: the plan as an editable spec. A first render, then edits of its plan.json.
const OUTPUT = { width: 160, height: 90, fps: 12 }
const TINY = ['--size', '160x90', '--fps', '12']

let dir: string
let song: SongFixture
let brief: string
let out: string
let first: RenderResult
let firstSec: number
let plan: ShotPlan
let analysis: Analysis
let treatment: Treatment


function md5File(path: string): string {
  return spawnSync('md5sum', [path], { encoding: 'utf8' }).stdout.split(' ')[0]
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-edit-'))
  song = await makeSongFixture({ bpm: 120, seconds: 16, dir })
  brief = writeTestBrief(dir)
  out = join(dir, 'out')
  const t0 = performance.now()
  first = await render({ song: song.path, brief, outDir: out, output: OUTPUT, llm: null })
  firstSec = (performance.now() - t0) / 1000
  plan = ShotPlan.parse(JSON.parse(readFileSync(first.files.plan, 'utf8')))
  analysis = Analysis.parse(JSON.parse(readFileSync(first.files.analysis, 'utf8')))
  treatment = Treatment.parse(JSON.parse(readFileSync(first.files.treatment, 'utf8')))
  copyFileSync(first.files.final, join(dir, 'first.mp4'))
}, 240_000)

/** Renders the song with a plan file; the shots that were generated and those that were store hits. */
async function renderPlan(planFile: string): Promise<{ result: RenderResult; generated: Set<number>; cached: Set<number>; logs: string[] }> {
  const generated = new Set<number>()
  const cached = new Set<number>()
  const logs: string[] = []
  const result = await render({
    song: song.path,
    brief,
    outDir: out,
    output: OUTPUT,
    llm: null,
    plan: planFile,
    onEvent: (e) => {
      if (e.type === 'shot' && e.status === 'generating') generated.add(e.index)
      if (e.type === 'shot' && e.status === 'cached') cached.add(e.index)
      if (e.type === 'log') logs.push(e.message)
    },
  })
  return { result, generated, cached, logs }
}

const fitOpts = () => ({ file: 'plan.json', analysis, treatment, output: OUTPUT, maxShotFrames: 10_000, strict: false })

describe('an edited plan is held to the planner rules', () => {
  it('takes the render’s own plan back unchanged', () => {
    const fitted = fitEditedPlan(plan, fitOpts())
    expect(fitted.warnings).toEqual([])
    expect(fitted.plan).toEqual({ ...plan, author: `edited (from ${plan.author})` })
  })

  it('moves a cut off the beat grid to the nearest beat, says so, and cuts the captions again', () => {
    const k = 2
    const beatFrames = [...new Set(analysis.beats.map((t) => secondsToFrame(t, OUTPUT.fps)))]
    const moved = plan.shots[k].startFrame + 2 // 120 BPM at 12 fps: beats every 6 frames, so +2 is off the grid
    expect(beatFrames).not.toContain(moved)
    const shots = plan.shots.map((s, i) => (i === k - 1 ? { ...s, endFrame: moved } : i === k ? { ...s, startFrame: moved } : s))
    const fitted = fitEditedPlan({ ...plan, shots }, fitOpts())
    const nearest = beatFrames.reduce((a, b) => (Math.abs(b - moved) < Math.abs(a - moved) ? b : a))
    expect(fitted.plan.shots[k].startFrame).toBe(nearest)
    expect(fitted.plan.shots[k - 1].endFrame).toBe(nearest)
    expect(fitted.warnings.join('\n')).toMatch(new RegExp(`shot ${k}: the cut at frame ${moved} is not on a beat: moved to the nearest beat, frame ${nearest}`))
    for (const s of fitted.plan.shots) for (const c of s.captions) expect(c.startFrame >= s.startFrame && c.endFrame <= s.endFrame).toBe(true)
    expect(() => fitEditedPlan({ ...plan, shots }, { ...fitOpts(), strict: true })).toThrow(new RegExp(`shot ${k}, field startFrame: the cut at frame ${moved} is not on a beat`))
  })

  it('refuses overlaps, a cut past the song, unknown ids and a bad field, naming the shot and field', () => {
    const at = (i: number, patch: Partial<ShotPlan['shots'][number]>) => ({ ...plan, shots: plan.shots.map((s, j) => (j === i ? { ...s, ...patch } : s)) })
    const cases: Array<[ShotPlan, RegExp]> = [
      [at(1, { startFrame: plan.shots[1].startFrame - 6 }), /shot 1, field startFrame: .* but shot 0 ends at \d+ \(overlap\)/],
      [at(plan.shots.length - 1, { endFrame: plan.totalFrames + 24 }), /shot \d+, field endFrame: \d+, the song ends at frame \d+ \(past the end of the song\)/],
      [at(1, { characterIds: ['nobody'] }), /shot 1, field characterIds: "nobody" is not a character of the treatment/],
      [at(2, { locationId: 'moon' }), /shot 2, field locationId: "moon" is not a place of the treatment/],
    ]
    for (const [p, message] of cases) {
      let err: unknown
      try {
        fitEditedPlan(p, fitOpts())
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(InputError)
      expect((err as Error).message).toMatch(message)
    }
    const json = JSON.parse(JSON.stringify(plan))
    json.shots[3].generator = 'dalle'
    json.shots[1].camera = 'zoom-wobble'
    expect(() => parseEditedPlan(json, 'plan.json')).toThrow(/shot 1, field camera: .*\n.*shot 3, field generator: /s)
  })
})

describe('render --plan', () => {
  it('edits one shot: only it is generated again, every other frame is the same, and it costs a fraction of the first render', async () => {
    // A shot whose next shot does not start from its last frame: the edit stays inside it.
    const k = plan.shots.findIndex((s, i) => i > 0 && !s.continuesPrevious && !(plan.shots[i + 1]?.continuesPrevious ?? false))
    expect(k).toBeGreaterThan(0)
    const edited = JSON.parse(readFileSync(first.files.plan, 'utf8'))
    edited.shots[k].prompt += ', lit by a passing car'
    edited.shots[k].seed += 1
    const planFile = join(dir, 'edited.json')
    writeFileSync(planFile, JSON.stringify(edited, null, 2))

    const t0 = performance.now()
    const { result: again, generated, cached, logs } = await renderPlan(planFile)
    const editSec = (performance.now() - t0) / 1000
    console.log(`first render ${firstSec.toFixed(1)} s; edit of shot ${k} re-rendered in ${editSec.toFixed(1)} s = ${(editSec / firstSec).toFixed(2)} of it`)
    expect([...generated]).toEqual([k])
    expect(cached.size).toBe(plan.shots.length - 1)
    // The film is scored from its shots' traces: the new shot's was kept by the verifier, the
    // others are store hits; nothing is decoded again for the score.
    expect(logs.join('\n')).toMatch(new RegExp(`score: the film measured from its ${plan.shots.length} shots' traces, 0 of them decoded now \\(`))

    const before = frameMd5s(join(dir, 'first.mp4'))
    const after = frameMd5s(again.files.final)
    expect(after.length).toBe(before.length)
    expect(after.length).toBe(plan.totalFrames)
    const s = plan.shots[k]
    for (let f = 0; f < after.length; f++) {
      if (f >= s.startFrame && f < s.endFrame) continue
      expect(after[f], `frame ${f} (outside shot ${k}, frames ${s.startFrame}..${s.endFrame})`).toBe(before[f])
    }
    expect(after.slice(s.startFrame, s.endFrame)).not.toEqual(before.slice(s.startFrame, s.endFrame))
    expect(ShotPlan.parse(JSON.parse(readFileSync(again.files.plan, 'utf8'))).shots[k].prompt).toMatch(/passing car$/)
    // Measured on a shared 2-core machine: 0.68–0.71 when the score decoded the whole film again,
    // 0.3–0.4 now. Six shots: the edited shot's own generation and verification are a sixth of the
    // first render's shot work, and the stitch probes every segment, so a tenth is out of reach here.
    expect(editSec / firstSec).toBeLessThan(0.5)
  }, 240_000)

  it('reads an edit back from the editor: a cut moved in timeline.otio becomes the plan\'s cut, and only its two shots are made again', async () => {
    const current = ShotPlan.parse(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')))
    // Two neighbours that continue nothing and are not continued: the move touches only them.
    const j = current.shots.findIndex((s, i) => i + 2 < current.shots.length && !s.continuesPrevious && !current.shots[i + 1].continuesPrevious && !current.shots[i + 2].continuesPrevious)
    expect(j).toBeGreaterThanOrEqual(0)
    const otio = JSON.parse(readFileSync(join(out, 'timeline.otio'), 'utf8'))
    const video = otio.tracks.children.find((t: { kind: string }) => t.kind === 'Video')
    const clips = video.children.filter((c: { OTIO_SCHEMA: string }) => c.OTIO_SCHEMA.startsWith('Clip'))
    const beat = 6 // 120 BPM at 12 fps
    clips[j].source_range.duration.value += beat
    clips[j + 1].source_range.duration.value -= beat
    const file = join(dir, 'moved.otio')
    writeFileSync(file, JSON.stringify(otio))
    const { result: again, generated } = await renderPlan(file)
    const moved = ShotPlan.parse(JSON.parse(readFileSync(again.files.plan, 'utf8')))
    expect(moved.shots[j + 1].startFrame).toBe(current.shots[j + 1].startFrame + beat)
    expect(moved.shots[j].endFrame).toBe(current.shots[j + 1].startFrame + beat)
    expect([...generated].sort()).toEqual([j, j + 1])
    expect(frameMd5s(again.files.final).length).toBe(current.totalFrames)
  }, 240_000)

  it.each([
    ['an unknown character', (p: ShotPlan) => (p.shots[1].characterIds = ['Nobody']), /shot 1, field characterIds: "Nobody" is not a character/],
    ['a bad generator name', (p: ShotPlan) => Object.assign(p.shots[2], { generator: 'sora' }), /shot 2, field generator: /],
    ['a cut moved off the song', (p: ShotPlan) => (p.shots[p.shots.length - 1].endFrame += 30), /field endFrame: \d+, the song ends at frame \d+ \(past the end of the song\)/],
    ['a cut off the beat with --strict', (p: ShotPlan) => ((p.shots[1].startFrame += 1), (p.shots[0].endFrame += 1)), /shot 1, field startFrame: the cut at frame \d+ is not on a beat .*--strict/],
  ])('%s: exit 2 naming shot and field, nothing overwritten', (_, edit, message) => {
    const current = ShotPlan.parse(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')))
    const finalMd5 = md5File(join(out, 'final.mp4'))
    const planMd5 = md5File(join(out, 'plan.json'))
    const bad = JSON.parse(JSON.stringify(current)) as ShotPlan
    edit(bad)
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify(bad))
    const r = longav(['render', song.path, brief, '--out', out, ...TINY, '--plan', file, '--strict'], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(md5File(join(out, 'final.mp4'))).toBe(finalMd5)
    expect(md5File(join(out, 'plan.json'))).toBe(planMd5)
  }, 60_000)

  it('a plan that is not JSON, or not there: exit 2 before anything runs', () => {
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{"fps": 12, "shots": [')
    const r = longav(['render', song.path, brief, '--out', out, ...TINY, '--plan', file], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.json is not JSON/)
    const r2 = longav(['render', song.path, brief, '--out', out, ...TINY, '--plan', join(dir, 'nope.json')], dir)
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/the plan .*nope\.json does not exist/)
  })
})
