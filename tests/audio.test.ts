import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeSamples, analyzeSong } from '../src/audio/analyze.js'
import { frameControls } from '../src/audio/controls.js'
import { SilentSongError } from '../src/audio/errors.js'
import { EXAMPLE_SONG_SPEC, synthesizeSong, writeWav, type SectionSpec } from '../tools/synth.js'
import { RealFFT } from '../src/audio/fft.js'
import { AudioDecodeError, decodeAudioMono, runFfmpeg } from '../src/ffmpeg/index.js'
import { Analysis, FrameControl } from '../src/schemas/index.js'
import { beatF, boundaryHits, fMeasure } from './helpers/beatEval.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'longav-audio-test-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('RealFFT', () => {
  it('matches a direct DFT', () => {
    const n = 64
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) * 0.1)
    const re = new Float64Array(n / 2 + 1)
    const im = new Float64Array(n / 2 + 1)
    new RealFFT(n).forward(x, re, im)
    for (let k = 0; k <= n / 2; k++) {
      let r = 0
      let m = 0
      for (let t = 0; t < n; t++) {
        r += x[t] * Math.cos((-2 * Math.PI * k * t) / n)
        m += x[t] * Math.sin((-2 * Math.PI * k * t) / n)
      }
      expect(re[k]).toBeCloseTo(r, 9)
      expect(im[k]).toBeCloseTo(m, 9)
    }
  })
})

describe('beat evaluation helper', () => {
  it('scores one-to-one matches within ±70 ms after 5 s', () => {
    const ref = [5, 5.5, 6, 6.5]
    expect(fMeasure(ref, [5.06, 5.5, 6.1, 6.5])).toBeCloseTo(0.75, 9)
    // Two estimates near one reference count once.
    expect(fMeasure([5], [4.99, 5.01])).toBeCloseTo(2 / 3, 9)
    expect(beatF([1, 2, 5, 6], [1.5, 2.5, 5, 6])).toBe(1)
  })
})

describe('decodeAudioMono', () => {
  it('decodes a wav to mono float samples at the requested rate', async () => {
    const sr = 44100
    const tone = new Float32Array(sr).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr))
    const p = join(dir, 'tone.wav')
    writeWav(p, tone, sr)
    const d = await decodeAudioMono(p, { sampleRate: 22050 })
    expect(d.sampleRate).toBe(22050)
    expect(d.durationSec).toBeCloseTo(1, 2)
    let peak = 0
    for (const v of d.samples) peak = Math.max(peak, Math.abs(v))
    expect(peak).toBeGreaterThan(0.45)
    expect(peak).toBeLessThan(0.55)
  })

  it('rejects a missing file, a text file named .mp3 and an empty file with specific errors', async () => {
    const missing = join(dir, 'nope.mp3')
    await expect(decodeAudioMono(missing)).rejects.toMatchObject({ code: 'NOT_FOUND', message: `song not found: ${missing}` })
    const text = join(dir, 'notes.mp3')
    writeFileSync(text, 'these are lyrics, not audio\n'.repeat(50))
    const err = await decodeAudioMono(text).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AudioDecodeError)
    expect((err as AudioDecodeError).code).toBe('NOT_AUDIO')
    expect((err as Error).message).toContain(`${text} is not an audio file ffmpeg can decode:`)
    const empty = join(dir, 'empty.mp3')
    writeFileSync(empty, '')
    await expect(decodeAudioMono(empty)).rejects.toMatchObject({ code: 'EMPTY' })
  })
})

/** Verse/chorus song with two of each, for structure. */
function structured(): SectionSpec[] {
  const verse: SectionSpec = { label: 'verse', bars: 4, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true }
  const chorus: SectionSpec = { label: 'chorus', bars: 4, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true }
  return [
    { label: 'intro', bars: 2, intensity: 0.45, drums: 'hats', chords: 'pad' },
    verse,
    chorus,
    verse,
    chorus,
    { label: 'outro', bars: 2, intensity: 0.5, drums: 'fade', chords: 'pad' },
  ]
}

describe.each([
  { bpm: 120, seconds: 26 },
  { bpm: 96, seconds: 30 },
])('analyzeSong on a synthesized $bpm BPM mp3', ({ bpm, seconds }) => {
  let song: SongFixture
  let analysis: Analysis
  beforeAll(async () => {
    song = await makeSongFixture({ bpm, seconds, dir, format: 'mp3' })
    analysis = await analyzeSong(song.path)
  })

  it('produces a schema-valid analysis with curves at the hop rate and no NaN', () => {
    expect(() => Analysis.parse(analysis)).not.toThrow()
    expect(analysis.source.sampleRate).toBe(22050)
    expect(analysis.source.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(analysis.source.durationSec).toBeGreaterThan(song.durationSec - 0.1)
    for (const [name, c] of Object.entries(analysis.features)) {
      expect(c.fps, name).toBeCloseTo(22050 / 512, 6)
      expect(c.values.length, name).toBeGreaterThan(analysis.source.durationSec * c.fps - 2)
      const hi = name === 'hue' ? 360 : 1
      for (const v of c.values) {
        expect(Number.isFinite(v)).toBe(true)
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(hi)
      }
    }
  })

  it('finds the beats (F ≥ 0.95 at ±70 ms) and the tempo within 2 %', () => {
    expect(beatF(song.beats, analysis.beats)).toBeGreaterThanOrEqual(0.95)
    expect(Math.abs(analysis.tempo.bpm - bpm) / bpm).toBeLessThan(0.02)
    expect(analysis.tempo.confidence).toBeGreaterThan(0.5)
  })

  it('finds the downbeats (meter 4, F ≥ 0.8) as a subset of the beats', () => {
    expect(analysis.meter).toBe(4)
    expect(beatF(song.downbeats, analysis.downbeats)).toBeGreaterThanOrEqual(0.8)
    const beats = new Set(analysis.beats)
    for (const d of analysis.downbeats) expect(beats.has(d)).toBe(true)
  })

  it('tiles the song with sections whose loudest energy is 1', () => {
    const s = analysis.sections
    expect(s[0].start).toBe(0)
    expect(s[s.length - 1].end).toBeCloseTo(analysis.source.durationSec, 3)
    for (let i = 1; i < s.length; i++) expect(s[i].start).toBe(s[i - 1].end)
    expect(Math.max(...s.map((x) => x.energy))).toBe(1)
  })

  it('gives one frame control per output frame with values in range', () => {
    const fps = 30
    const start = 150
    const end = 300
    const controls = frameControls(analysis, fps, start, end)
    expect(controls).toHaveLength(end - start)
    controls.forEach((c, i) => {
      expect(() => FrameControl.parse(c)).not.toThrow()
      expect(c.frame).toBe(start + i)
      for (const v of [c.loudness, c.hit, c.brightness, c.vocal, c.beatPhase, c.barPhase]) {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(1)
      }
      expect(c.hue).toBeGreaterThanOrEqual(0)
      expect(c.hue).toBeLessThan(360)
      expect(c.sectionIndex).toBeGreaterThanOrEqual(0)
      expect(c.sectionIndex).toBeLessThan(analysis.sections.length)
    })
    // Beats in the span land on exactly one frame each; downbeats are beats.
    const expectedBeats = analysis.beats.filter((t) => Math.round(t * fps) >= start && Math.round(t * fps) < end).length
    expect(controls.filter((c) => c.onBeat)).toHaveLength(expectedBeats)
    for (const c of controls) if (c.onDownbeat) expect(c.onBeat).toBe(true)
    // Percussive hits exist in a drummed span, and the phase restarts at each beat.
    expect(controls.filter((c) => c.hit > 0).length).toBeGreaterThan(expectedBeats / 2)
    for (const c of controls) if (c.onBeat) expect(Math.min(c.beatPhase, 1 - c.beatPhase)).toBeLessThan(0.1)
    // Chained calls cover the same frames as one call.
    const a = frameControls(analysis, fps, start, 200)
    const b = frameControls(analysis, fps, 200, end)
    expect([...a, ...b]).toEqual(controls)
  })
})

describe('structure', () => {
  it('finds the example song\'s sections within ±3 s and names intro, verse, chorus, outro', () => {
    const song = synthesizeSong(EXAMPLE_SONG_SPEC)
    // Analyse at 22050 like analyzeSong: take every other sample of the 44.1 kHz synthesis.
    const half = new Float32Array(Math.floor(song.samples.length / 2))
    for (let i = 0; i < half.length; i++) half[i] = 0.5 * (song.samples[2 * i] + song.samples[2 * i + 1])
    const a = analyzeSamples(half, 22050, { path: 'example', sha256: '0'.repeat(64) })
    const hits = boundaryHits(
      song.sections.slice(1).map((s) => s.start),
      a.sections.slice(1).map((s) => s.start),
      3,
    )
    expect(hits.recall).toBeGreaterThanOrEqual(0.8)
    expect(hits.precision).toBeGreaterThanOrEqual(0.8)
    expect(a.sections[0].label).toBe('intro')
    expect(a.sections[a.sections.length - 1].label).toBe('outro')
    expect(a.sections.some((s) => s.label === 'chorus')).toBe(true)
    expect(beatF(song.beats, a.beats)).toBeGreaterThanOrEqual(0.95)
  })

  it('finds most boundaries of a short verse/chorus song at 96 BPM (mp3)', async () => {
    const song = await makeSongFixture({ bpm: 96, sections: structured(), dir })
    const a = await analyzeSong(song.path)
    const hits = boundaryHits(
      song.sections.slice(1).map((s) => s.start),
      a.sections.slice(1).map((s) => s.start),
      3,
    )
    expect(hits.recall).toBeGreaterThanOrEqual(0.6)
    expect(hits.precision).toBeGreaterThanOrEqual(0.75)
    // Boundaries are snapped to downbeats.
    for (const s of a.sections.slice(1)) expect(a.downbeats.some((d) => Math.abs(d - s.start) < 1e-3) || s.start > a.downbeats[a.downbeats.length - 1]).toBe(true)
  })
})

describe('bad and odd input', () => {
  it('reports a missing song and a non-audio file with specific errors', async () => {
    const missing = join(dir, 'missing.mp3')
    await expect(analyzeSong(missing)).rejects.toThrow(`song not found: ${missing}`)
    const text = join(dir, 'readme.mp3')
    writeFileSync(text, '# not a song\n'.repeat(100))
    await expect(analyzeSong(text)).rejects.toBeInstanceOf(AudioDecodeError)
  })

  it('reports a silent song', async () => {
    const p = join(dir, 'silence.mp3')
    await runFfmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '5', '-c:a', 'libmp3lame', '-b:a', '128k', p])
    const err = await analyzeSong(p).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SilentSongError)
    expect((err as Error).message).toMatch(/^the song is silent/)
    expect(() => analyzeSamples(new Float32Array(22050).fill(1e-6), 22050, { path: 'x', sha256: 'y' })).toThrow(SilentSongError)
  })

  it('analyses a 2 s clip into a valid analysis covering the clip', () => {
    const sr = 22050
    const clip = new Float32Array(2 * sr).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sr) * (i % 11025 < 2000 ? 1 : 0.2))
    const a = analyzeSamples(clip, sr, { path: 'clip', sha256: 'x' })
    expect(() => Analysis.parse(a)).not.toThrow()
    expect(a.sections.length).toBeGreaterThanOrEqual(1)
    expect(a.sections[0].start).toBe(0)
    expect(a.sections[a.sections.length - 1].end).toBeCloseTo(2, 3)
    expect(JSON.stringify(a)).not.toMatch(/NaN|null/)
    const c = frameControls(a, 24, 0, 48)
    expect(c).toHaveLength(48)
  })
})

describe('synthesizer', () => {
  it('is deterministic and matches the example contract', () => {
    const spec = { ...EXAMPLE_SONG_SPEC, sections: EXAMPLE_SONG_SPEC.sections.slice(0, 2) }
    const a = synthesizeSong(spec)
    const b = synthesizeSong(spec)
    expect(Buffer.from(a.samples.buffer).equals(Buffer.from(b.samples.buffer))).toBe(true)
    const full = synthesizeSong(EXAMPLE_SONG_SPEC)
    expect(full.sampleRate).toBe(44100)
    expect(full.beats).toHaveLength(160)
    expect(full.beats[3]).toBe(1.5)
    expect(full.downbeats).toHaveLength(40)
    expect(full.sections.map((s) => [s.label, s.start, s.end])).toEqual([
      ['intro', 0, 8],
      ['verse', 8, 24],
      ['chorus', 24, 40],
      ['verse', 40, 56],
      ['chorus', 56, 72],
      ['outro', 72, 80],
    ])
    const dur = full.samples.length / full.sampleRate
    expect(dur).toBeGreaterThan(80)
    expect(dur).toBeLessThanOrEqual(81)
    let peak = 0
    for (const v of full.samples) peak = Math.max(peak, Math.abs(v))
    expect(peak).toBeLessThanOrEqual(0.9)
    expect(Math.abs(full.samples[full.samples.length - 1])).toBeLessThan(1e-3)
  })
})
