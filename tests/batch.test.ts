import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Canvas } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { batch, type BatchEvent, type BatchResult } from '../src/index.js'
import { decodeFrames, probeMedia } from '../src/ffmpeg/index.js'
import { measureLoudness } from '../src/batch/cutdownAudio.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'

const FPS = 12
let dir: string
let song: SongFixture
let brief: string
let result: BatchResult
const events: BatchEvent[] = []

function writeLogo(path: string): void {
  const c = new Canvas(64, 64)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#ffcc00'
  ctx.beginPath()
  ctx.arc(32, 32, 28, 0, Math.PI * 2)
  ctx.fill()
  writeFileSync(path, c.toBuffer('image/png'))
}

const VARIANTS = [
  'defaults:',
  '  texts: { brand: { color: "#ffffff", background: "#1e3a8a" } }',
  'variants:',
  '  - name: wide',
  '    format: { width: 256, height: 144 }',
  '    length: [full, 8]',
  '    loudness: -14',
  '    texts: { hook: "Out now", cta: "Listen today", endcard: { text: "Test Song", logo: logo.png } }',
  '  - name: story',
  '    format: { preset: tiktok, width: 144, height: 256 }',
  '    length: 8',
  '    texts: { hook: "{{city}} tonight" }',
  '    data: cities.csv',
].join('\n')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-batch-'))
  song = await makeSongFixture({ bpm: 120, seconds: 32, dir })
  brief = writeTestBrief(dir, `output: 256x144@${FPS}\n`)
  writeLogo(join(dir, 'logo.png'))
  writeFileSync(join(dir, 'cities.csv'), 'name,city\nparis,Paris\nlima,Lima\noslo,Oslo\n')
  writeFileSync(join(dir, 'variants.yaml'), VARIANTS)
  // Two formats in two processes at once (the default on a 2-core machine, asked for explicitly here).
  result = await batch({ song: song.path, brief, variants: join(dir, 'variants.yaml'), outDir: join(dir, 'out'), parallel: 2, onEvent: (e) => events.push(e) })
}, 600_000)

const byName = (name: string) => {
  const v = result.manifest.variants.find((e) => e.name === name)
  if (!v) throw new Error(`no variant ${name} in ${result.manifest.variants.map((e) => e.name).join(', ')}`)
  return v
}

describe('a batch of 5 variants (2 formats, full and 8 s, a 3-row data table)', () => {
  it('makes every variant at its exact size and frame count, with its checks passed', async () => {
    expect(result.manifest.variants.map((v) => v.name).sort()).toEqual(['story-lima', 'story-oslo', 'story-paris', 'wide-256x144-8s', 'wide-256x144-full'])
    for (const v of result.manifest.variants) {
      expect(v.status, `${v.name}: ${v.error ?? ''}`).toBe('ok')
      const info = await probeMedia(join(result.outDir, v.file!), { countFrames: true })
      expect(info.video?.width).toBe(v.format.width)
      expect(info.video?.height).toBe(v.format.height)
      expect(info.video?.frames).toBe(v.totalFrames)
      expect(info.audio?.codec).toBe('aac')
      expect(v.checks.length).toBeGreaterThanOrEqual(4)
      for (const c of v.checks) expect(c.passed, `${v.name} ${c.name}: ${c.detail}`).toBe(true)
    }
    expect(byName('wide-256x144-full').totalFrames).toBe(Math.round(song.durationSec * FPS))
    // The captions are the base's own, and each was found and measured (in the output, against the generator's caption-free still).
    const full = byName('wide-256x144-full')
    const caps = full.texts.filter((t) => t.role === 'caption')
    expect(caps.length).toBeGreaterThanOrEqual(2)
    for (const c of caps) expect(c.inBase).toBe(true)
    const detail = full.checks.find((c) => c.name === 'text safe zone')!.detail
    expect(detail.match(/caption "[^"]*" measured \d+\.\.\d+ x \d+\.\.\d+ \(drawn by the base\)/g)?.length).toBe(caps.length)
  })

  it('cuts down to within one frame of the length, starting within one frame of a true downbeat', () => {
    for (const name of ['wide-256x144-8s', 'story-paris']) {
      const v = byName(name)
      expect(Math.abs(v.totalFrames - 8 * FPS)).toBeLessThanOrEqual(1)
      const start = v.pieces[0].startFrame / FPS
      const nearest = Math.min(...song.downbeats.map((d) => Math.abs(d - start)))
      expect(nearest, `${name} starts at ${start} s`).toBeLessThanOrEqual(1 / FPS + 1e-9)
    }
  })

  it('brings loudness to the target (ffmpeg ebur128 on the written files)', async () => {
    for (const name of ['wide-256x144-full', 'wide-256x144-8s']) {
      const lufs = await measureLoudness(join(result.outDir, byName(name).file!))
      expect(Math.abs(lufs + 14), `${name}: ${lufs} LUFS`).toBeLessThanOrEqual(1)
    }
  })

  it('analyses once, renders each format once and reuses its shots for every other variant', () => {
    const analyses = readdirSync(join(result.outDir, '.longav', 'store', 'analysis'))
    expect(analyses.filter((f) => f.endsWith('.json'))).toHaveLength(1)
    // The treatment is made once up front (planning), then each base process finds the analysis in the store.
    const reusedAnalysis = events.filter((e) => e.type === 'log' && /analysis: reused from the store/.test(e.message))
    expect(reusedAnalysis).toHaveLength(3)
    expect(readdirSync(join(result.outDir, '.longav', 'store', 'treatment')).filter((f) => f.endsWith('.json'))).toHaveLength(1)
    const bases = events.filter((e) => e.type === 'base' && e.status === 'rendering').map((e) => (e as { format: string }).format)
    // The procedural generator draws the lyric captions into each base (inside the format's safe area).
    expect(bases.sort()).toEqual(['144x256-captions', '256x144-captions'])
    // The first base verifies every shot; the second starts once it is done and draws its kept takes
    // (no verdict of its own: the store holds the first's only), as the manifest says.
    const order = events.filter((e) => e.type === 'base').map((e) => `${(e as { format: string }).format} ${(e as { status: string }).status}`)
    expect(order).toEqual(['256x144-captions rendering', '256x144-captions done', '144x256-captions rendering', '144x256-captions done'])
    for (const v of result.manifest.variants) expect(v.base).toEqual(v.format.width === 256 ? { key: '256x144-captions', takesFrom: null } : { key: '144x256-captions', takesFrom: '256x144-captions' })
    const verdicts = readdirSync(join(result.outDir, '.longav', 'store', 'verdict')).length
    const attempts = JSON.parse(readFileSync(join(result.outDir, '.longav', 'bases', '256x144-captions', 'scores.json'), 'utf8')).shots.reduce((n: number, s: { attempts: unknown[] }) => n + s.attempts.length, 0)
    expect(verdicts).toBe(attempts)
    const [first, ...rest] = result.manifest.variants.filter((v) => v.name.startsWith('story-'))
    expect(first.cost.shotsGenerated).toBeGreaterThan(0)
    for (const v of rest) {
      expect(v.cost.shotsGenerated).toBe(0)
      expect(v.cost.shotsReused).toBeGreaterThan(0)
    }
    expect(byName('wide-256x144-8s').cost.shotsGenerated).toBe(0)
  })

  it('puts each data row’s text in its own video only', async () => {
    const names = ['story-paris', 'story-lima', 'story-oslo']
    const hook = byName('story-paris').texts.find((t) => t.role === 'hook')!
    expect(hook.text).toBe('Paris tonight')
    expect(byName('story-oslo').texts.find((t) => t.role === 'hook')!.text).toBe('Oslo tonight')
    const frameAt = Math.floor((hook.startFrame + hook.endFrame) / 2)
    const frames = await Promise.all(names.map((n) => frameOf(join(result.outDir, byName(n).file!), frameAt, 144, 256)))
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        const d = diffBox(frames[a], frames[b], 144, 256)
        expect(d.changed, `${names[a]} vs ${names[b]}`).toBeGreaterThan(20)
        // The videos differ only where the hook is.
        expect(d.box.x).toBeGreaterThanOrEqual(hook.box.x - 3)
        expect(d.box.y).toBeGreaterThanOrEqual(hook.box.y - 3)
        expect(d.box.x + d.box.width).toBeLessThanOrEqual(hook.box.x + hook.box.width + 3)
        expect(d.box.y + d.box.height).toBeLessThanOrEqual(hook.box.y + hook.box.height + 3)
      }
    }
  })

  it('writes the manifest, the contact sheet and the gallery', () => {
    for (const f of Object.values(result.files)) expect(existsSync(f), f).toBe(true)
  })

  it('keeps every finished variant on a rerun', async () => {
    const again: BatchEvent[] = []
    const second = await batch({ song: song.path, brief, variants: join(dir, 'variants.yaml'), outDir: join(dir, 'out'), onEvent: (e) => again.push(e) })
    expect(again.filter((e) => e.type === 'variant').every((e) => e.type === 'variant' && e.status === 'kept')).toBe(true)
    expect(again.some((e) => e.type === 'base')).toBe(false)
    expect(second.manifest.variants.map((v) => v.sha256)).toEqual(result.manifest.variants.map((v) => v.sha256))
  })
})

describe('longav batch refuses bad input with exit 2 and makes nothing', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['unknown preset', 'variants:\n  - { name: a, format: tiktak }\n', /variants\[0\] \(a\).*format.*tiktak/s],
    ['length longer than the song', 'variants:\n  - { name: a, format: "16:9", length: 600 }\n', /variants\[0\] \(a\).*length: 600 s is longer than the song/s],
    ['logo outside the brief folder', 'variants:\n  - { name: a, format: "16:9", texts: { endcard: { text: x, logo: ../logo.png } } }\n', /endcard\.logo.*outside/],
    ['a bad variants file', 'variants:\n  - { name: a, format: "16:9", lenght: 15 }\n', /variants\[0\] \(a\).*lenght/],
  ]
  for (const [what, yaml, message] of cases) {
    it(what, () => {
      const file = join(dir, `bad-${what.replace(/\W+/g, '-')}.yaml`)
      writeFileSync(file, yaml)
      const out = join(dir, `out-bad-${what.replace(/\W+/g, '-')}`)
      const r = longav(['batch', song.path, brief, file, '--out', out], dir)
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(existsSync(join(out, 'variants'))).toBe(false)
      expect(existsSync(join(out, 'manifest.json'))).toBe(false)
    })
  }
})

async function frameOf(file: string, index: number, width: number, height: number): Promise<Uint8Array> {
  let kept: Uint8Array | undefined
  await decodeFrames(file, { width, height, format: 'rgb24' }, (frame, i) => {
    if (i === index) kept = frame.slice()
  })
  if (!kept) throw new Error(`${file} has no frame ${index}`)
  return kept
}

function diffBox(a: Uint8Array, b: Uint8Array, width: number, height: number) {
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  let changed = 0
  const channels = a.length / (width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels
      const d = Math.max(Math.abs(a[o] - b[o]), Math.abs(a[o + 1] - b[o + 1]), Math.abs(a[o + 2] - b[o + 2]))
      if (d > 48) {
        changed++
        x0 = Math.min(x0, x)
        y0 = Math.min(y0, y)
        x1 = Math.max(x1, x)
        y1 = Math.max(y1, y)
      }
    }
  }
  return { changed, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } }
}
