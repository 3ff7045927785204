// A batch's bases after the first draw the takes the first kept: each shot generated once with the
// kept take's seed and revision, no verification (no verdict measured, no retake), the verdict
// marked as the other base's; a take of another plan is refused.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { keptTakes, readKeptTakes, type ScoresShots } from '../src/batch/baseTakes.js'
import { render, type ChosenTakes, type RenderEvent } from '../src/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'

let dir: string
let song: SongFixture
let brief: string
let takes: ChosenTakes
const store = () => join(dir, 'store')
const verdicts = () => (existsSync(join(store(), 'verdict')) ? readdirSync(join(store(), 'verdict')).length : 0)
const shotsOf = (out: string) => JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8')).shots as Array<{ attempts: Array<{ video: string; verdict: { critique: string } }>; rounds: Array<{ judge: string }> }>

async function base(out: string, size: [number, number], t?: ChosenTakes) {
  const events: RenderEvent[] = []
  await render({ song: song.path, brief, outDir: join(dir, out), storeDir: store(), finish: 'video', ...(t ? { takes: t } : {}), output: { width: size[0], height: size[1], fps: 12 }, llm: null, onEvent: (e) => events.push(e) })
  return events
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-takes-'))
  song = await makeSongFixture({ bpm: 120, seconds: 12, dir })
  brief = writeTestBrief(dir)
  await base('wide', [192, 108])
  takes = await readKeptTakes(join(dir, 'wide'), '192x108')
}, 240_000)

describe('kept takes', () => {
  it('reads each shot’s kept take with the revision it was generated with', () => {
    const scores: ScoresShots = {
      shots: [
        {
          index: 0,
          startFrame: 0,
          endFrame: 24,
          keptAttempt: 2,
          attempts: [0, 1, 2].map((a) => ({ attempt: a, round: a, candidate: 0, verdict: { score: a / 2, accepted: a === 2, critique: '', checks: {}, failed: [] } })),
          rounds: [
            { round: 0, revision: { seed: 11, motionGain: 0.9 } },
            { round: 1, revision: { seed: 22 } },
            { round: 2 },
          ],
        },
      ],
    }
    const [t] = keptTakes(scores, 'A').shots
    // The shot machine's revision at round 2: round 0's, then round 1's over it.
    expect(t).toMatchObject({ shot: 0, attempt: 2, round: 2, candidate: 0, revision: { seed: 22, motionGain: 0.9 }, verdict: { accepted: true } })
    expect(() => keptTakes({ shots: [{ ...scores.shots[0], keptAttempt: 5 }] }, 'A')).toThrow(/attempt 5 of shot 0/)
  })

  it('draws every shot once with the chosen take and measures nothing', async () => {
    expect(takes.shots.length).toBeGreaterThan(2)
    const before = verdicts()
    const events = await base('tall', [108, 192], takes)
    // Verified once per batch: no verdict measured at this size.
    expect(verdicts()).toBe(before)
    const generated = events.filter((e) => e.type === 'shot' && e.status === 'generating')
    expect(generated).toHaveLength(takes.shots.length)
    const shots = shotsOf(join(dir, 'tall'))
    for (const s of shots) {
      expect(s.attempts).toHaveLength(1)
      expect(s.attempts[0].verdict.critique).toContain("verdict of 192x108's take")
      expect(s.rounds[0].judge).toBe('chosen by 192x108')
    }
    expect(events.some((e) => e.type === 'log' && /take \d+ as chosen by 192x108/.test(e.message))).toBe(true)
  }, 120_000)

  it('draws a retake’s seed, and refuses takes of another plan', async () => {
    const retake: ChosenTakes = { ...takes, shots: takes.shots.map((t, i) => (i === 0 ? { ...t, attempt: 1, round: 1, revision: { seed: 4242 } } : t)) }
    const events = await base('tall-retake', [108, 192], retake)
    // Shot 0 is another picture (the retake's seed): made; the other shots are the same takes, store
    // hits (but a shot continuing from a remade one, whose first frame is that one's last).
    const made = events.filter((e) => e.type === 'shot' && e.status === 'generating').map((e) => (e as { index: number }).index)
    expect(made).toContain(0)
    expect(made.length).toBeLessThan(takes.shots.length)
    const [a, b] = [shotsOf(join(dir, 'tall')), shotsOf(join(dir, 'tall-retake'))]
    expect(b[0].attempts[0].video).not.toBe(a[0].attempts[0].video)
    for (let i = 0; i < a.length; i++) if (!made.includes(i)) expect(b[i].attempts[0].video).toBe(a[i].attempts[0].video)
    const other: ChosenTakes = { ...takes, shots: takes.shots.map((t, i) => (i === 1 ? { ...t, endFrame: t.endFrame + 1 } : t)) }
    await expect(base('tall-other', [108, 192], other)).rejects.toThrow(/takes chosen by 192x108 are of another plan/)
  }, 120_000)
})
