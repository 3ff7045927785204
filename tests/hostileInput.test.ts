import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { longav as runLongav, LONGAV_BIN as BIN } from './helpers/cli.js'

// Hostile text and samples through the built CLI (issue 12): a long lyric line, a megabyte one,
// a signal in the middle of drawing, a float WAV with NaN/Inf, look-alike names, odd flag values.
const FAST = ['--size', '320x180', '--fps', '12', '--no-llm']

/** Runs the CLI to its end in the test folder; SIGKILL after `timeoutMs` (a blocked event loop ignores SIGTERM). */
const longav = (args: string[], timeoutMs = 180_000) => runLongav(args, dir, { timeoutMs })

function briefWith(name: string, opts: { line?: string; characters?: string; locations?: string } = {}): string {
  const p = join(dir, name)
  writeFileSync(
    p,
    `---
title: Hostile
concept: A singer on a rooftop at night.
characters:
${opts.characters ?? '  - name: Mara\n    description: singer with a red scarf'}
locations:
${opts.locations ?? '  - name: Rooftop\n    description: a city rooftop at night'}
lyrics: |
  [00:01.00] ${opts.line ?? 'we light the city up'}
  [00:07.00] nothing left but the beat
---
`,
  )
  return p
}

/** A mono 32-bit float WAV (format 3, IEEE float) written byte by byte: ffmpeg's pcm_f32le. */
function floatWav(path: string, samples: Float32Array, rate: number): void {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'ascii')
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVEfmt ', 8, 'ascii')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(3, 20) // WAVE_FORMAT_IEEE_FLOAT
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 4, 28)
  h.writeUInt16LE(4, 32)
  h.writeUInt16LE(32, 34)
  h.write('data', 36, 'ascii')
  h.writeUInt32LE(data.length, 40)
  writeFileSync(path, Buffer.concat([h, data]))
}

let dir: string
let song: SongFixture

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-hostile-'))
  song = await makeSongFixture({ bpm: 120, seconds: 12, dir, format: 'wav' })
})

describe('a long lyric line', () => {
  it('5,000 characters render in about the time of a normal line (caption layout is bounded)', () => {
    const normal = longav(['render', song.path, briefWith('normal.md'), '--out', join(dir, 'o-normal'), ...FAST])
    expect(normal.code, normal.stderr).toBe(0)
    // One 5,000-character word (broken by characters: the old worst case) and 5,000 characters of words.
    for (const [name, line] of [['word', 'x'.repeat(5000)], ['words', 'la '.repeat(1700).slice(0, 5000)]] as const) {
      const long = longav(['render', song.path, briefWith(`long-${name}.md`, { line }), '--out', join(dir, `o-${name}`), ...FAST], Math.max(60_000, normal.ms * 6))
      expect(long.code, `${name}: ${long.stderr.slice(-500)}`).toBe(0)
      expect(existsSync(join(dir, `o-${name}`, 'final.mp4'))).toBe(true)
      expect(long.ms / normal.ms, `${name}: ${long.ms} ms against ${normal.ms} ms`).toBeLessThan(2)
    }
  }, 600_000)

  it('a 1,000,000-character line is refused with exit 2 naming the field, before anything is written', () => {
    const out = join(dir, 'o-mega')
    const r = longav(['render', song.path, briefWith('mega.md', { line: 'y'.repeat(1_000_000) }), '--out', out, ...FAST], 60_000)
    expect(r.code, r.stderr.slice(-500)).toBe(2)
    expect(r.stderr).toMatch(/mega\.md: lyrics\[0\]\.text: too long: 1,000,000 characters, at most 10,000 characters/)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(existsSync(out)).toBe(false)
  })

  it('SIGTERM while it draws a long caption stops the render within 2 s (exit 130)', async () => {
    const child = spawn(process.execPath, [BIN, 'render', song.path, briefWith('sig.md', { line: 'x'.repeat(5000) }), '--out', join(dir, 'o-sig'), '--verbose', ...FAST], { cwd: dir })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    const drawing = new Promise<void>((resolve) =>
      child.stderr.on('data', (s: string) => {
        stderr += s
        if (/generating shot 1 of/.test(stderr)) resolve()
      }),
    )
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await drawing
    await new Promise((r) => setTimeout(r, 500))
    const t0 = Date.now()
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const code = await exited
    clearTimeout(killer)
    const ms = Date.now() - t0
    expect(ms, stderr.slice(-300)).toBeLessThan(2000)
    expect(code).toBe(130)
  }, 180_000)
})

describe('a signal while the song is analysed', () => {
  it('SIGTERM during the analysis of an 8-minute song stops the render within 2 s (exit 130)', async () => {
    const long = await makeSongFixture({ bpm: 120, seconds: 480, dir, format: 'wav', seed: 5 })
    const child = spawn(process.execPath, [BIN, 'render', long.path, briefWith('sig-analysis.md'), '--out', join(dir, 'o-sig-analysis'), '--verbose', ...FAST], { cwd: dir })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    const analysing = new Promise<void>((resolve) =>
      child.stderr.on('data', (s: string) => {
        stderr += s
        if (/analyzing/.test(stderr)) resolve()
      }),
    )
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await analysing
    // Into the spectral pass (decoding the song takes about as long).
    await new Promise((r) => setTimeout(r, 1200))
    expect(stderr).not.toMatch(/directing/)
    const t0 = Date.now()
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    const code = await exited
    clearTimeout(killer)
    const ms = Date.now() - t0
    expect(ms, stderr.slice(-300)).toBeLessThan(2000)
    expect(code).toBe(130)
    expect(existsSync(join(dir, 'o-sig-analysis', 'analysis.json'))).toBe(false)
  }, 180_000)
})

describe('a song with NaN and infinite samples', () => {
  it('is refused before anything is written: exit 2, a specific message, no --out folder', () => {
    const rate = 22050
    const x = new Float32Array(rate * 6)
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) * (Math.floor(i / (rate / 2)) % 2 ? 0.2 : 1)
    x.fill(NaN, rate * 3, rate * 3 + 100)
    x[rate * 4] = Infinity
    const p = join(dir, 'nan.wav')
    floatWav(p, x, rate)
    const out = join(dir, 'o-nan')
    const r = longav(['render', p, briefWith('nan.md'), '--out', out, ...FAST])
    expect(r.code, r.stderr.slice(-500)).toBe(2)
    expect(r.stderr).toMatch(/nan\.wav has samples that are not numbers \(NaN or infinity\) from 3\.00 s/)
    expect(existsSync(out)).toBe(false)
    // analyze refuses it the same way (it writes analysis.json only for a good song).
    const a = longav(['analyze', p, '--out', join(dir, 'o-nan-a')])
    expect(a.code).toBe(2)
    expect(a.stderr).toMatch(/not numbers \(NaN or infinity\)/)
  })
})

describe('names that differ only by invisible or full-width characters are one name', () => {
  it('a full-width, zero-width spelled duplicate is refused as a duplicate', () => {
    const b = briefWith('dup.md', { characters: '  - name: Mara\n    description: singer\n  - name: "Ｍａ\\u200bｒａ"\n    description: the same singer' })
    const r = longav(['plan', song.path, b, '--out', join(dir, 'o-dup'), '--no-llm'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/characters\[1\]\.name: duplicate name "Mara": characters\[0\] already has it/)
  })

  it('a location named with full-width and zero-width characters resolves to the location', () => {
    const b = briefWith('ref.md', { characters: '  - name: "Ｍａｒａ\\u200d"\n    description: singer\n    locations: ["Ｒｏｏｆ\\u200btop"]' })
    const r = longav(['plan', song.path, b, '--out', join(dir, 'o-ref'), '--no-llm'])
    expect(r.code, r.stderr).toBe(0)
    const treatment = JSON.parse(readFileSync(join(dir, 'o-ref', 'treatment.json'), 'utf8')) as { entities: Array<{ name: string }> }
    expect(treatment.entities.map((c) => c.name).sort()).toEqual(['Mara', 'Rooftop'])
  })
})

describe('flag values and flags of other commands', () => {
  const missing = () => join(dir, 'no-such-song.wav')
  it.each([
    [['--fps', '0x10'], /--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 \(also as 30000\/1001\), got '0x10'/],
    [['--fps', '1e1'], /--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 \(also as 30000\/1001\), got '1e1'/],
    [['--fps', '-5'], /--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 \(also as 30000\/1001\), got '-5'/],
    [['--fps=-5'], /--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 \(also as 30000\/1001\), got '-5'/],
    [['--fps', '25.5'], /--fps expects a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 \(also as 30000\/1001\), got '25.5'/],
    [['--size', '-320x180'], /--size expects WIDTHxHEIGHT like 1280x720, got '-320x180'/],
    [['--concurrency', '-1'], /--concurrency expects an integer from 1 to 16, got '-1'/],
  ])('render %j: exit 2 with the range message, not the parser\'s or the help', (flags, message) => {
    const r = longav(['render', missing(), briefWith('flags.md'), ...flags])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/ambiguous|Usage:/)
  })

  it.each([
    [['render', 'song.wav', 'brief.md', '--plot'], /'render' does not take --plot \(it is an option of 'analyze'\)/],
    [['plan', 'song.wav', 'brief.md', '--strict'], /'plan' does not take --strict \(it is an option of 'render'\)/],
    [['analyze', 'song.wav', '--size', '320x180'], /'analyze' does not take --size \(it is an option of 'render', 'plan'\)/],
    [['score', 'v.mp4', 'song.wav', '--plot'], /'score' does not take --plot \(it is an option of 'analyze'\)/],
    [['plan', 'song.wav', 'brief.md', '--rounds', '2'], /'plan' does not take --rounds \(it is an option of 'render', 'batch', 'reshoot'\)/],
  ])('%j: a flag of another command is refused with exit 2 naming it', (args, message) => {
    const r = longav(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})
