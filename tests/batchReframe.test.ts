// A batch with a generator whose shots are costly (the user's footage): one master render at the
// largest format, the other formats reframed from it by a crop that follows the subject.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { batch, type BatchEvent, type BatchResult } from '../src/index.js'
import { makeSongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { FIGURE, subjectStats, writeSubjectVideo, type SubjectStats } from './helpers/subjectVideo.js'

const FPS = 12
let dir: string
let result: BatchResult
const events: BatchEvent[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-batch-reframe-'))
  const song = await makeSongFixture({ bpm: 120, seconds: 16, dir })
  mkdirSync(join(dir, 'clips'))
  // A yellow figure walking across a wide frame, back and forth, over two backgrounds.
  const walk = (from: number, to: number, frames: number) => (k: number) => ({ x: from + ((to - from) * k) / (frames - 1), y: 100 })
  await writeSubjectVideo(
    join(dir, 'clips', 'walk.mp4'),
    [
      { frames: 120, at: walk(40, 280, 120), background: [30, 40, 70] },
      { frames: 120, at: walk(280, 60, 120), background: [60, 30, 40] },
    ],
    { width: 320, height: 180, fps: FPS },
  )
  const assets = 'generator: footage\nassets:\n  - { path: clips/walk.mp4, tags: [place:rooftop, place:neon-grid, place:shoreline] }\n'
  const brief = writeTestBrief(dir, `output: 320x180@${FPS}\n${assets}`)
  writeFileSync(
    join(dir, 'variants.yaml'),
    ['variants:', '  - name: film', '    format: [{ width: 320, height: 180 }, { width: 144, height: 256 }]', '    length: full', '    texts: { captions: false }'].join('\n'),
  )
  result = await batch({ song: song.path, brief, variants: join(dir, 'variants.yaml'), outDir: join(dir, 'out'), rounds: 1, llm: null, onEvent: (e) => events.push(e) })
}, 600_000)

describe('a batch from footage: one master, the other format reframed', () => {
  it('renders the master once and reframes the tall format from it, both exact', () => {
    const bases = events.filter((e): e is Extract<BatchEvent, { type: 'base' }> => e.type === 'base' && e.status !== 'done').map((e) => `${e.format} ${e.status}`)
    expect(bases.sort()).toEqual(['144x256 reframing', '320x180 rendering'])
    for (const v of result.manifest.variants) {
      expect(v.status, `${v.name}: ${v.error ?? ''}`).toBe('ok')
      for (const c of v.checks) expect(c.passed, `${v.name} ${c.name}: ${c.detail}`).toBe(true)
    }
    const tall = result.manifest.variants.find((v) => v.format.height === 256)!
    expect(tall.cost.shotsGenerated).toBe(0)
  })

  it('keeps the walking figure whole inside the tall crop wherever the master shows it whole', async () => {
    const file = (h: number) => join(result.outDir, result.manifest.variants.find((v) => v.format.height === h)!.file!)
    const wide = await subjectStats(file(180), 320, 180)
    const tall = await subjectStats(file(256), 144, 256)
    expect(tall).toHaveLength(wide.length)
    const whole = (s: SubjectStats) => s.count > 0.6 * FIGURE.width * FIGURE.height * 0.8 && s.onEdge === 0
    const shown = wide.map((s, i) => [s, tall[i]] as const).filter(([s]) => whole(s))
    expect(shown.length).toBeGreaterThan(wide.length / 2)
    // Crop 101x180 of 320x180 scaled to 144x256: the figure is ~1.42x larger each way.
    const kept = shown.filter(([s, t]) => t.onEdge === 0 && t.count > 0.8 * s.count * 1.42 ** 2)
    expect(kept.length / shown.length).toBeGreaterThanOrEqual(0.95)
  })
})
