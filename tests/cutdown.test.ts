import { beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { maxFlux, maxJump, windowQuantile } from './helpers/discontinuity.js'
import { analyzeSong } from '../src/audio/analyze.js'
import { decodeAudioMono } from '../src/ffmpeg/index.js'
import { InputError } from '../src/errors.js'
import { Cutdown } from '../src/batch/types.js'
import { chooseCutdown, sourceFrameOf } from '../src/batch/cutdown.js'
import { planCutdownMix } from '../src/batch/cutdownMix.js'
import { measureLoudness, normaliseLoudness, renderCutdownAudio } from '../src/batch/cutdownAudio.js'
import type { Analysis } from '../src/schemas/analysis.js'

const FPS = 24
const SR = 48000
const dir = mkdtempSync(join(tmpdir(), 'longav-cutdown-'))

/** Distance (s) from t to the nearest true downbeat of the fixture (the last bar's end counts). */
function offDownbeat(song: SongFixture, t: number): number {
  const bar = song.downbeats[1] - song.downbeats[0]
  const grid = [...song.downbeats, song.downbeats[song.downbeats.length - 1] + bar]
  return Math.min(...grid.map((d) => Math.abs(d - t)))
}

/** Every boundary a cut-down cuts the music at lies within one frame of a true downbeat. */
function expectOnDownbeats(song: SongFixture, c: Cutdown): number[] {
  const offs: number[] = []
  c.pieces.forEach((p, k) => {
    offs.push(offDownbeat(song, p.startFrame / c.fps))
    const wholeEnd = k === c.pieces.length - 1 ? p.endFrame - (c.ringFrames ?? 0) : p.endFrame
    offs.push(offDownbeat(song, wholeEnd / c.fps))
  })
  for (const o of offs) expect(o).toBeLessThanOrEqual(1 / c.fps + 1e-9)
  return offs
}

function expectExactLength(c: Cutdown, lengthSec: number): void {
  expect(Cutdown.parse(c)).toBeTruthy()
  expect(c.pieces.reduce((a, p) => a + p.endFrame - p.startFrame, 0)).toBe(c.totalFrames)
  expect(Math.abs(c.totalFrames / c.fps - lengthSec)).toBeLessThanOrEqual(1 / c.fps)
}

const songs: Array<{ name: string; song: SongFixture; analysis: Analysis }> = []

beforeAll(async () => {
  const specs = [
    // Verse / chorus twice: the chorus (bars 7-10 and 15-18) is the loud, repeated section.
    {
      name: '120 BPM 4/4 two choruses',
      opts: {
        bpm: 120,
        sections: [
          { label: 'intro', bars: 2, intensity: 0.45, drums: 'hats', chords: 'pad' },
          { label: 'verse', bars: 4, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 4, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'verse', bars: 4, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true },
          { label: 'chorus', bars: 4, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
          { label: 'outro', bars: 2, intensity: 0.5, drums: 'fade', chords: 'pad' },
        ],
      },
    },
    { name: '138 BPM 3/4', opts: { bpm: 138, beatsPerBar: 3, seconds: 48, seed: 5 } },
    { name: '96 BPM 4/4', opts: { bpm: 96, seconds: 55, seed: 9 } },
  ] as const
  for (const s of specs) {
    const song = await makeSongFixture({ ...(s.opts as Parameters<typeof makeSongFixture>[0]), dir })
    songs.push({ name: s.name, song, analysis: await analyzeSong(song.path) })
  }
})

describe('chooseCutdown on analysed fixtures', () => {
  test('6, 15 and 30 s (and 10.3 s at 25 fps) start and cut on true downbeats and have the requested length', () => {
    const report: string[] = []
    for (const { name, song, analysis } of songs) {
      for (const [len, fps] of [[6, 24], [15, 24], [30, 24], [15, 30], [10.3, 25]]) {
        const c = chooseCutdown(analysis, { lengthSec: len, fps })
        expectExactLength(c, len)
        const offs = expectOnDownbeats(song, c)
        expect(c.reason).toMatch(/bars \d+-\d+/)
        report.push(
          `${name} ${len}s @${fps}: ${c.pieces.map((p) => `bars ${p.bars.join('-')}`).join(' + ')}, ring ${c.ringFrames} f, ` +
            `cut offsets ${offs.map((o) => (o * 1000).toFixed(1)).join('/')} ms, length error ${((c.totalFrames / fps - len) * 1000).toFixed(1)} ms`,
        )
      }
    }
    console.log(report.join('\n'))
  })

  test.each([0, 1, 2])('the hook is the chorus: the first piece of 6 s and 15 s lies in a true chorus (song %i)', (k) => {
    const { song, analysis } = songs[k]
    const choruses = song.sections.filter((s) => s.label === 'chorus')
    for (const len of [6, 15]) {
      const c = chooseCutdown(analysis, { lengthSec: len, fps: FPS })
      // The hook's whole bars (a ring past the last one is faded and may run into the next section).
      const p = c.pieces[0]
      const end = (p.endFrame - (c.pieces.length === 1 ? (c.ringFrames ?? 0) : 0)) / FPS
      const inChorus = choruses.some((s) => p.startFrame / FPS >= s.start - 1 / FPS && end <= s.end + 1 / FPS)
      expect(inChorus, `${len}s hook ${p.startFrame / FPS}-${end} s; ${c.reason}`).toBe(true)
    }
  })

  test('an explicit span is honoured, snapped to downbeats', () => {
    const { song, analysis } = songs[0]
    const c = chooseCutdown(analysis, { lengthSec: 8, fps: FPS, span: { start: 12.3, end: 20.1 } })
    expectExactLength(c, 8)
    expect(c.pieces).toHaveLength(1)
    expect(Math.abs(c.pieces[0].startFrame / FPS - 12)).toBeLessThanOrEqual(1 / FPS)
    expect(c.reason).toMatch(/requested span/)
    expectOnDownbeats(song, c)
  })

  test('sourceFrameOf follows the pieces', () => {
    const c = chooseCutdown(songs[0].analysis, { lengthSec: 15, fps: FPS })
    let out = 0
    for (const p of c.pieces) {
      for (let f = p.startFrame; f < p.endFrame; f++, out++) expect(sourceFrameOf(c, out)).toBe(f)
    }
    expect(out).toBe(c.totalFrames)
    expect(() => sourceFrameOf(c, c.totalFrames)).toThrow(RangeError)
  })

  test('errors: longer than the song, shorter than a bar, span outside the song', () => {
    const { analysis } = songs[0]
    const err = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        expect(e).toBeInstanceOf(InputError)
        return e as InputError
      }
      throw new Error('no error thrown')
    }
    const long = err(() => chooseCutdown(analysis, { lengthSec: 60, fps: FPS }))
    expect(long.code).toBe('CUTDOWN_TOO_LONG')
    expect(long.message).toMatch(/length 60 s is longer than the song \(40\.50 s\)/)
    const short = err(() => chooseCutdown(analysis, { lengthSec: 1.5, fps: FPS }))
    expect(short.code).toBe('CUTDOWN_TOO_SHORT')
    expect(short.message).toMatch(/shorter than one bar of the song \(2\.00 s\)/)
    const span = err(() => chooseCutdown(analysis, { lengthSec: 10, fps: FPS, span: { start: 35, end: 45 } }))
    expect(span.code).toBe('CUTDOWN_SPAN')
    expect(span.message).toMatch(/span 35\.\.45 s is outside the song/)
    const disagree = err(() => chooseCutdown(analysis, { lengthSec: 10, fps: FPS, span: { start: 12, end: 16 } }))
    expect(disagree.code).toBe('CUTDOWN_SPAN')
    expect(disagree.message).toMatch(/does not fill the length 10\.00 s/)
    // A song whose first downbeat comes late: the length must fit after it.
    const late = { ...analysis, downbeats: analysis.downbeats.slice(2) }
    const room = analysis.source.durationSec - late.downbeats[0]
    const noRoom = err(() => chooseCutdown(late, { lengthSec: Math.round(room + 1), fps: FPS }))
    expect(noRoom.code).toBe('CUTDOWN_TOO_LONG')
    expect(noRoom.message).toMatch(/does not fit after the song's first downbeat at \d+\.\d\d s: a cut-down is at most/)
    expect(() => chooseCutdown({ ...analysis, downbeats: [] }, { lengthSec: 10, fps: FPS })).toThrow(/no bars to cut on/)
  })
})

describe('renderCutdownAudio', () => {
  test.each([
    { k: 0, name: '120 BPM 4/4', cuts: [[15, -14], [6, -23]] as const },
    { k: 1, name: '138 BPM 3/4', cuts: [[15, -14]] as const },
  ])('a bar edit is sample-exact, loud to the target and has no click at the join ($name)', async ({ k, name, cuts }) => {
    const { song, analysis } = songs[k]
    const source = (await decodeAudioMono(song.path, { sampleRate: SR })).samples
    // A join is judged in the window from 50 ms before its downbeat (the crossfade lies there)
    // to 20 ms after it, against the song's own windows: every window of that size (99th
    // percentile) and, tighter, the same window around the two downbeats it joins, unedited.
    const [pre, post] = [Math.round(0.05 * SR), Math.round(0.02 * SR)]
    const win = pre + post
    const jumpP99 = windowQuantile(source, win, 0.99, maxJump)
    const fluxP99 = windowQuantile(source, win, 0.99, maxFlux)
    const lines: string[] = []
    for (const [len, lufs] of cuts) {
      const c = chooseCutdown(analysis, { lengthSec: len, fps: FPS })
      expect(c.pieces.length, c.reason).toBeGreaterThan(1)
      const r = await renderCutdownAudio(song.path, c, join(dir, `cut-${k}-${len}.wav`), { loudnessLufs: lufs, sampleRate: SR })
      expect(r.samples).toBe(Math.round((c.totalFrames / FPS) * SR))
      const decoded = (await decodeAudioMono(r.path, { sampleRate: SR })).samples
      expect(decoded.length).toBe(r.samples)
      const measured = await measureLoudness(r.path)
      expect(Math.abs(measured - lufs)).toBeLessThanOrEqual(1)
      // The written file is gain-adjusted: compare it at the source's level.
      const gain = 10 ** ((lufs - (await measureLoudness(song.path))) / 20)
      const plan = planCutdownMix(c, SR)
      plan.segments.slice(1).forEach((seg, j) => {
        const x = seg.fades.find((f) => f.shape === 'in')!.to
        const jump = maxJump(decoded, x - pre, x + post) / gain
        const flux = maxFlux(decoded, x - pre, x + post) / gain
        // The same downbeats unedited: where the outgoing piece would have gone on, and where the incoming one starts.
        const natural = [c.pieces[j].endSec!, c.pieces[j + 1].startSec!].map((t) => Math.round(song.downbeats.reduce((a, d) => (Math.abs(d - t) < Math.abs(a - t) ? d : a)) * SR))
        const jumpNat = Math.max(...natural.map((d) => maxJump(source, d - pre, d + post)))
        const fluxNat = Math.max(...natural.map((d) => maxFlux(source, d - pre, d + post)))
        lines.push(
          `${name} ${len}s @${lufs} LUFS: measured ${measured.toFixed(2)} LUFS; join at ${(x / SR).toFixed(3)} s: ` +
            `jump ${jump.toFixed(4)} (song p99 ${jumpP99.toFixed(4)}, unedited ${jumpNat.toFixed(4)}), ` +
            `flux ${flux.toFixed(1)} (p99 ${fluxP99.toFixed(1)}, unedited ${fluxNat.toFixed(1)})`,
        )
        expect(jump).toBeLessThan(jumpP99)
        expect(flux).toBeLessThan(fluxP99)
        expect(jump).toBeLessThanOrEqual(jumpNat)
        expect(flux).toBeLessThanOrEqual(fluxNat)
      })
      // The end fades to silence on the last sample.
      expect(Math.abs(decoded[decoded.length - 1])).toBeLessThan(1e-3)
    }
    // The measure can fail: a hard splice between two far-apart sample values is a click.
    const a = source.indexOf(Math.max(...source.subarray(SR * 13, SR * 14)), SR * 13)
    const b = source.indexOf(Math.min(...source.subarray(SR * 21, SR * 22)), SR * 21)
    expect(source[a] - source[b]).toBeGreaterThan(0)
    const splice = new Float32Array([...source.subarray(a - win, a), ...source.subarray(b, b + win)])
    expect(maxJump(splice, win - 10, win + 10)).toBeGreaterThan(jumpP99)
    console.log(lines.join('\n'))
  })

  test('an aborted render stops', async () => {
    const { song, analysis } = songs[0]
    const c = chooseCutdown(analysis, { lengthSec: 6, fps: FPS })
    await expect(renderCutdownAudio(song.path, c, join(dir, 'aborted.wav'), { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i)
  })

  test('normaliseLoudness keeps the full song whole at the target', async () => {
    const { song } = songs[1]
    const r = await normaliseLoudness(song.path, join(dir, 'full.wav'), -23, { sampleRate: SR })
    expect(Math.abs((await measureLoudness(r.path)) - -23)).toBeLessThanOrEqual(1)
    expect(Math.abs(r.samples - Math.round(song.durationSec * SR))).toBeLessThanOrEqual(2)
    console.log(`full song: ${r.measuredLufs} LUFS, ${r.samples} samples vs ${song.durationSec * SR}`)
  })
})
