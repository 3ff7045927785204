import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { reshoot } from '../src/index.js'
import { Takes } from '../src/reshoot/takes.js'
import { ShotPlan } from '../src/schemas/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'
import { frameMd5s } from './helpers/video.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

// Issue 16, part 2: reshoot single shots of a finished render; every take kept and selectable.
const TINY = ['--size', '160x90', '--fps', '12']

let dir: string
let song: SongFixture
let out: string
let plan: ShotPlan


/** Indices of frames that differ between two equally long frame lists. */
function changedFrames(a: string[], b: string[]): number[] {
  expect(b.length).toBe(a.length)
  return a.flatMap((x, i) => (x === b[i] ? [] : [i]))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-reshoot-'))
  song = await makeSongFixture({ bpm: 120, seconds: 16, dir })
  const brief = writeTestBrief(dir)
  out = join(dir, 'out')
  const r = longav(['render', song.path, brief, '--out', out, ...TINY], dir, { timeoutMs: 200_000 })
  expect(r.code, r.stderr).toBe(0)
  plan = ShotPlan.parse(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')))
  copyFileSync(join(out, 'final.mp4'), join(dir, 'take1.mp4'))
}, 240_000)

describe('longav reshoot', () => {
  it('reshoots two shots with new seeds: only their frames change, the film keeps its length, both takes are kept', () => {
    // Shots nobody continues from, so nothing else depends on their last frames.
    const free = plan.shots.filter((s, i) => !(plan.shots[i + 1]?.continuesPrevious ?? false) && !s.continuesPrevious).map((s) => s.index)
    const [a, b] = [free[0], free[free.length - 1]]
    const r = longav(['reshoot', out, '--shot', String(a), '--shot', String(b)], dir, { timeoutMs: 200_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`shot ${a}: take 2, shot ${b}: take 2`))
    const before = frameMd5s(join(dir, 'take1.mp4'))
    const after = frameMd5s(join(out, 'final.mp4'))
    expect(after.length).toBe(plan.totalFrames)
    const inside = (f: number) => [a, b].some((k) => f >= plan.shots[k].startFrame && f < plan.shots[k].endFrame)
    const changed = changedFrames(before, after)
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.filter((f) => !inside(f))).toEqual([])
    for (const k of [a, b]) expect(changed.some((f) => f >= plan.shots[k].startFrame && f < plan.shots[k].endFrame), `shot ${k} changed`).toBe(true)
    const takes = Takes.parse(JSON.parse(readFileSync(join(out, 'takes.json'), 'utf8')))
    for (const k of [a, b]) {
      expect(takes.shots[String(k)].map((t) => t.take)).toEqual([1, 2])
      expect(takes.shots[String(k)][1].shot.seed).not.toBe(takes.shots[String(k)][0].shot.seed)
    }
    // The report shows both takes side by side, the new one in the film.
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    for (const k of [a, b]) {
      const detail = html.slice(html.indexOf(`id="shot-${k}"`), html.indexOf('</details>', html.indexOf(`id="shot-${k}"`)))
      expect(detail).toMatch(/take 1<br>/)
      expect(detail).toMatch(/take 2 \(in the film\)/)
      const strip = detail.slice(detail.indexOf('class="takes"'))
      expect(strip.match(/<img class="thumb"/g)?.length).toBe(2)
    }
    copyFileSync(join(out, 'final.mp4'), join(dir, 'take2.mp4'))
  }, 240_000)

  it('picks an earlier take back without generating anything: the film is the first one again', async () => {
    const takes = Takes.parse(JSON.parse(readFileSync(join(out, 'takes.json'), 'utf8')))
    const back = Object.fromEntries(Object.keys(takes.shots).map((k) => [Number(k), 1]))
    let generated = 0
    const r = await reshoot({ outDir: out, takes: back, onEvent: (e) => void (e.type === 'shot' && e.status === 'generating' && generated++) })
    expect(generated).toBe(0)
    expect(r.takes.every((t) => t.take === 1)).toBe(true)
    expect(changedFrames(frameMd5s(join(dir, 'take1.mp4')), frameMd5s(r.files.final))).toEqual([])
    expect(readFileSync(r.files.report, 'utf8')).toMatch(/take 1 \(in the film\)/)
  }, 120_000)

  it.each([
    [['--shot', '999'], /--shot 999: the render has shots 0\.\.\d+/],
    [['--take', '0=7'], /--take 0=7: shot 0 has/],
    [['--take', 'seven'], /--take expects SHOT=TAKE/],
    [[], /name the shots to make again/],
  ])('%j: exit 2 with what is wrong, nothing changed', (flags, message) => {
    const before = readFileSync(join(out, 'final.mp4'))
    const r = longav(['reshoot', out, ...flags], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(readFileSync(join(out, 'final.mp4')).equals(before)).toBe(true)
  }, 60_000)

  it('a folder without a finished render: exit 2', () => {
    const r = longav(['reshoot', join(dir, 'nothing-here'), '--shot', '1'], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/holds no finished render to reshoot/)
  })
})
