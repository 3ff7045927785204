import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../src/ffmpeg/index.js'
import { Analysis } from '../src/schemas/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { longav } from './helpers/cli.js'

// Bad audio through the CLI as a user meets it: a useful analysis or a specific message (exit 2),
// never a crash (exit 1, a stack trace) and never a NaN/Infinity (null in JSON) in analysis.json.

/** Paths of every value in parsed JSON that is null or a non-finite number (JSON turns NaN into null). */
function nonFinite(v: unknown, path = '$', out: string[] = []): string[] {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) out.push(path)
  else if (Array.isArray(v)) v.forEach((x, i) => nonFinite(x, `${path}[${i}]`, out))
  else if (typeof v === 'object' && v) for (const [k, x] of Object.entries(v)) nonFinite(x, `${path}.${k}`, out)
  return out
}

let dir: string
let song: SongFixture

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-bad-'))
  song = await makeSongFixture({ bpm: 120, seconds: 24, dir })
})

const lavfi = async (name: string, source: string, extra: string[] = []) => {
  const p = join(dir, name)
  await runFfmpeg(['-f', 'lavfi', '-i', source, ...extra, p])
  return p
}

/** A 120 BPM click: 20 ms of 1.5 kHz every half second. */
const click = (rate: number, sec: number) => `aevalsrc='if(lt(mod(t,0.5),0.02),0.9*sin(2*PI*1500*t),0)':s=${rate}:d=${sec}`

/** Runs `analyze`, expects success, and returns the validated, NaN-free analysis and the CLI output. */
function analyzeOk(song: string, name: string) {
  const out = join(dir, `out-${name}`)
  const r = longav(['analyze', song, '--out', out], dir)
  expect(r.code, r.stderr).toBe(0)
  expect(r.stderr).not.toMatch(/^\s+at /m)
  const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'))
  expect(nonFinite(json), 'NaN/Infinity/null in analysis.json').toEqual([])
  const parsed = Analysis.safeParse(json)
  expect(parsed.success, parsed.error?.message).toBe(true)
  return { a: parsed.data!, r }
}

function expectInputError(song: string, name: string, message: RegExp) {
  const out = join(dir, `out-${name}`)
  const r = longav(['analyze', song, '--out', out], dir)
  expect(r.code, r.stderr).toBe(2)
  expect(r.stderr).toMatch(message)
  expect(r.stderr).not.toMatch(/^\s+at /m) // a message, not a stack trace
  expect(existsSync(join(out, 'analysis.json'))).toBe(false)
}

describe('analyze on bad audio', () => {
  it('silence: exit 2, "the song is silent"', async () => {
    const p = await lavfi('silence.wav', 'anullsrc=r=44100:cl=stereo', ['-t', '8'])
    expectInputError(p, 'silence', /the song is silent/)
  })

  it('a hiss at -80 dBFS counts as silence too', async () => {
    const p = await lavfi('hiss.wav', 'anoisesrc=a=0.0001:r=44100:d=6')
    expectInputError(p, 'hiss', /the song is silent/)
  })

  it('a 2 s clip gives a valid analysis', async () => {
    const p = await lavfi('clip2.wav', click(44100, 2))
    const { a } = analyzeOk(p, 'clip2')
    expect(a.source.durationSec).toBeCloseTo(2, 1)
    expect(a.sections.length).toBeGreaterThan(0)
    expect(a.sections[a.sections.length - 1].end).toBeCloseTo(a.source.durationSec, 1)
  })

  it('a 50 ms clip (shorter than one FFT frame) gives a valid analysis', async () => {
    const p = await lavfi('clip005.wav', click(44100, 0.05))
    const { a } = analyzeOk(p, 'clip005')
    expect(a.beats).toEqual([])
  })

  it('a clipped full-scale square wave gives a valid analysis', async () => {
    // 2 Hz square wave at 1.5× full scale: every sample clips to ±1 in 16-bit PCM.
    const p = await lavfi('square.wav', "aevalsrc='if(lt(mod(t,0.5),0.25),1.5,-1.5)':s=44100:d=12", ['-c:a', 'pcm_s16le'])
    const { a } = analyzeOk(p, 'square')
    expect(a.source.durationSec).toBeCloseTo(12, 1)
  })

  it('8 kHz mono gives a valid analysis with the tempo of its 120 BPM pulse', async () => {
    const p = await lavfi('mono8k.wav', "aevalsrc='0.8*sin(2*PI*440*t)*exp(-20*mod(t,0.5))':s=8000:d=12")
    const { a } = analyzeOk(p, 'mono8k')
    expect(a.tempo.bpm).toBeGreaterThan(120 * 0.98)
    expect(a.tempo.bpm).toBeLessThan(120 * 1.02)
  })

  it('96 kHz 6-channel: valid, tempo found for a 120 BPM click track', async () => {
    const p = join(dir, 'six96.wav')
    const c = "if(lt(mod(t,0.5),0.02),0.9*sin(2*PI*1500*t),0)"
    await runFfmpeg(['-f', 'lavfi', '-i', `aevalsrc='${c}|0|${c}|0|0|0':s=96000:c=5.1:d=15`, p])
    const { a } = analyzeOk(p, 'six96')
    expect(a.tempo.bpm).toBeGreaterThan(120 * 0.98)
    expect(a.tempo.bpm).toBeLessThan(120 * 1.02)
    expect(a.beats.length).toBeGreaterThan(20)
  })

  it('an mp3 cut off mid-frame: the readable part is analysed', () => {
    const bytes = readFileSync(song.path)
    const p = join(dir, 'truncated.mp3')
    writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length * 0.5) + 17))
    const { a } = analyzeOk(p, 'truncated')
    expect(a.source.durationSec).toBeGreaterThan(song.durationSec * 0.4)
    expect(a.source.durationSec).toBeLessThan(song.durationSec * 0.6)
    expect(a.tempo.bpm).toBeGreaterThan(118)
    expect(a.tempo.bpm).toBeLessThan(122)
  })

  it('an mp3 with 50 kB of garbage in the middle: the decoder resyncs and the analysis is valid', () => {
    const bytes = readFileSync(song.path)
    let seed = 7
    const garbage = Buffer.from(Array.from({ length: 50_000 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff))
    const cut = Math.floor(bytes.length * 0.4) + 5
    const p = join(dir, 'garbage.mp3')
    writeFileSync(p, Buffer.concat([bytes.subarray(0, cut), garbage, bytes.subarray(cut)]))
    const { a } = analyzeOk(p, 'garbage')
    expect(a.source.durationSec).toBeGreaterThan(song.durationSec * 0.8)
    expect(a.beats.length).toBeGreaterThan(20)
  })

  it('an m4a cut off half way: the readable part is analysed and the CLI says only part decoded', async () => {
    const full = join(dir, 'faststart.m4a')
    await runFfmpeg(['-i', song.path, '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', full])
    const bytes = readFileSync(full)
    const p = join(dir, 'faststart-cut.m4a')
    writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2) + 13))
    const { a, r } = analyzeOk(p, 'm4a-cut')
    expect(a.source.durationSec).toBeLessThan(song.durationSec * 0.7)
    expect(r.stderr).toMatch(/warning: only \d+\.\d s of \d+\.\d s could be decoded/)
  })

  it('an m4a whose last 70 % is garbage: the readable head is analysed, with a warning', async () => {
    // ffmpeg decodes the head, then fails most frames and (above its default 2/3 error rate) exits
    // non-zero although the head's samples were written: the analysis should keep them.
    const full = join(dir, 'head-only.m4a')
    await runFfmpeg(['-i', song.path, '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', full])
    const bytes = readFileSync(full)
    let seed = 5
    const keep = Math.floor(bytes.length * 0.3)
    const garbage = Buffer.from(Array.from({ length: bytes.length - keep }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff))
    const p = join(dir, 'head-only-damaged.m4a')
    writeFileSync(p, Buffer.concat([bytes.subarray(0, keep), garbage]))
    const { a, r } = analyzeOk(p, 'm4a-garbage-tail')
    expect(a.source.durationSec).toBeGreaterThan(2)
    expect(a.source.durationSec).toBeLessThan(song.durationSec * 0.6)
    expect(r.stderr).toMatch(/warning: only \d+\.\d s of \d+\.\d s could be decoded/)
  })

  it('an m4a cut off before its index (moov) is a specific error', async () => {
    const full = join(dir, 'moov-last.m4a')
    await runFfmpeg(['-i', song.path, '-c:a', 'aac', '-b:a', '128k', full])
    const bytes = readFileSync(full)
    const p = join(dir, 'moov-last-cut.m4a')
    writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)))
    expectInputError(p, 'moov-cut', /not an audio file ffmpeg can read/)
  })

  it('an empty file: exit 2, "empty"', () => {
    const p = join(dir, 'empty.mp3')
    writeFileSync(p, '')
    expectInputError(p, 'empty', /song is empty \(0 bytes\)/)
  })

  it('a video with no audio stream: exit 2, "no audio stream"', async () => {
    const p = await lavfi('noaudio.mp4', 'testsrc=s=64x64:r=10:d=2', ['-pix_fmt', 'yuv420p'])
    expectInputError(p, 'noaudio', /song has no audio stream/)
  })

  it('random bytes named .mp3: exit 2, not an audio file', () => {
    let seed = 11
    const p = join(dir, 'noise.mp3')
    writeFileSync(p, Buffer.from(Array.from({ length: 20_000 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff)))
    expectInputError(p, 'noise', /not an audio file ffmpeg can read|no audio stream|no duration/)
  })
})
