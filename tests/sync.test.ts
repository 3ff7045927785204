import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeSong } from '../src/audio/analyze.js'
import { onsetEnvelope } from '../src/audio/index.js'
import { synthesizeSong } from '../tools/synth.js'
import { openRawVideoEncoder } from '../src/ffmpeg/index.js'
import { envelopeOffset } from '../src/metrics/offset.js'
import { scoreVideo } from '../src/metrics/scoreVideo.js'
import {
  avAlign,
  avAlignChance,
  beatAlignment,
  cutsOnBeat,
  motionBeats,
  motionPeaks,
  sectionsWithCut,
  shiftTimes,
} from '../src/metrics/sync.js'
import type { Analysis, VideoScore } from '../src/schemas/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

describe('sync metrics (pure)', () => {
  it('AV-Align is the IoU of peaks matched within one frame, greedily and one to one', () => {
    const fps = 30
    // Audio at frames 10, 20, 30 (as seconds); video peaks at 11 (match), 22 (2 frames: no), 30 (match), 50 (extra).
    const r = avAlign([10 / fps, 20 / fps, 30 / fps], [11, 22, 30, 50], fps)
    expect(r.matched).toBe(2)
    expect(r.score).toBeCloseTo(2 / (3 + 4 - 2), 10)
    // Two audio peaks may not share one video peak.
    expect(avAlign([10 / fps, 10.5 / fps], [10], fps).matched).toBe(1)
    expect(avAlign([], [], fps).score).toBe(0)
  })

  it('motion peaks are strict local maxima of at least 0.1 px', () => {
    expect(motionPeaks([0, 0.5, 0.2, 0.2, 0.09, 0.05, 0.3, 0.3, 0, 1, 0])).toEqual([1, 9])
  })

  it('the chance level of AV-Align matches random peaks', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const frames = 3000
    const scores: number[] = []
    for (let k = 0; k < 40; k++) {
      const a = Array.from({ length: 150 }, () => (rand() * frames) / 30)
      const v = [...new Set(Array.from({ length: 100 }, () => Math.floor(rand() * frames)))]
      scores.push(avAlign(a, v, 30).score)
    }
    const mean = scores.reduce((x, y) => x + y, 0) / scores.length
    expect(Math.abs(mean - avAlignChance(150, 100, frames))).toBeLessThan(0.02)
  })

  it('beat alignment is 1 when every beat carries a motion beat and falls off with a Gaussian of σ = 50 ms', () => {
    const fps = 60
    expect(beatAlignment([1, 2, 3], [60, 120, 180], fps)).toBeCloseTo(1, 10)
    // 3 frames at 60 fps = σ: exp(-1/2).
    expect(beatAlignment([1], [63], fps)).toBeCloseTo(Math.exp(-0.5), 6)
    expect(beatAlignment([1], [], fps)).toBe(0)
  })

  it('motion beats mark sudden starts and stops of motion, not steady motion', () => {
    const fps = 30
    const speed = new Array(90).fill(2) // steady motion: no beats
    expect(motionBeats(speed, fps)).toEqual([])
    const hits = new Array(90).fill(0.02)
    for (const b of [15, 45, 75]) {
      hits[b] = 3
      hits[b + 1] = 1.5
    }
    const beats = motionBeats(hits, fps)
    for (const b of [15, 45, 75]) expect(beats).toContain(b)
    // A movement that stops dead (a dance hit) marks the stop.
    const stop = Array.from({ length: 60 }, (_, i) => (i < 30 ? 2 : 0.01))
    expect(motionBeats(stop, fps)).toContain(30)
  })

  it('cuts on beat count cuts within one frame of a beat, with the chance level 3 / frames-per-beat', () => {
    const fps = 30
    const beats = [1, 1.5, 2, 2.5, 3]
    const r = cutsOnBeat([30, 46, 61, 80], beats, fps, 120)
    expect(r.onBeat).toEqual([true, true, true, false])
    expect(r.share).toBe(0.75)
    expect(r.chance).toBeCloseTo(3 / 15, 10)
    expect(cutsOnBeat([], beats, fps, 120).share).toBeNull()
  })

  it('section boundaries get a cut within half a beat', () => {
    expect(sectionsWithCut([60, 300], [0, 2, 10, 20], 30, 0.5)).toBeCloseTo(2 / 3, 10)
    expect(sectionsWithCut([60], [0], 30, 0.5)).toBeNull()
  })

  it('shifting wraps around and keeps the count', () => {
    expect(shiftTimes([1, 9.5], 1, 10)).toEqual([0.5, 2])
  })
})

describe('audio offset', () => {
  it('finds a known delay of a song against itself to within 5 ms', () => {
    // Sections that differ (a loop repeated exactly would match itself a bar away just as well).
    const song = synthesizeSong({
      bpm: 112,
      beatsPerBar: 4,
      sections: [
        { label: 'intro', bars: 2, intensity: 0.4, drums: 'hats' },
        { label: 'verse', bars: 3, intensity: 0.7, drums: 'full', bass: true, lead: true },
        { label: 'chorus', bars: 2, intensity: 1, drums: 'full', crash: true, chords: 'bright' },
        { label: 'outro', bars: 2, intensity: 0.5, drums: 'fade' },
      ],
      seed: 5,
      tailSec: 0.2,
    })
    const sr = song.sampleRate
    const ref = onsetEnvelope(song.samples, sr)
    for (const delaySec of [0, 0.137, -0.25]) {
      const shift = Math.round(delaySec * sr)
      const delayed = new Float32Array(song.samples.length)
      for (let i = 0; i < delayed.length; i++) {
        const j = i - shift
        delayed[i] = j >= 0 && j < song.samples.length ? song.samples[j] : 0
      }
      const off = envelopeOffset(ref.values, onsetEnvelope(delayed, sr).values, ref.fps)
      expect(Math.abs(off.seconds - delaySec)).toBeLessThan(0.012)
      expect(off.confidence).toBeGreaterThan(0.8)
    }
  })
})

/**
 * A textured picture that flashes (and its texture jolts) on given frames: the way a music video
 * marks a beat. Written through the real encoder the renderer uses.
 */
async function writeFlashVideo(path: string, frames: number, flashes: Set<number>, width = 320, height = 180, fps = 30): Promise<void> {
  const enc = openRawVideoEncoder({ path, width, height, fps })
  const frame = Buffer.alloc(width * height * 4)
  let decay = 0
  let jolt = 0
  for (let n = 0; n < frames; n++) {
    if (flashes.has(n)) {
      decay = 1
      jolt = 6
    }
    const dx = jolt
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = x + dx
        const base = 90 + 50 * Math.sin(u / 7) * Math.cos(y / 9) + 30 * Math.sin((u + 2 * y) / 17)
        const v = Math.min(255, base + decay * 120)
        const o = (y * width + x) * 4
        frame[o] = v
        frame[o + 1] = v * 0.9
        frame[o + 2] = v * 0.8
        frame[o + 3] = 255
      }
    }
    await enc.writeFrame(frame)
    decay *= 0.35
    jolt = Math.round(jolt * 0.4)
  }
  await enc.finish()
}

describe('flashes on the beat versus 150 ms late (real frames, real song)', () => {
  let fixture: SongFixture
  let analysis: Analysis
  let synced: VideoScore
  let late: VideoScore
  const fps = 30

  beforeAll(async () => {
    fixture = await makeSongFixture({ bpm: 120, seconds: 16 })
    analysis = await analyzeSong(fixture.path)
    const frames = Math.round(analysis.source.durationSec * fps)
    const dir = dirname(fixture.path)
    const onBeat = new Set(fixture.beats.map((b) => Math.round(b * fps)))
    const shifted = new Set(fixture.beats.map((b) => Math.round((b + 0.15) * fps)))
    await writeFlashVideo(join(dir, 'synced.mp4'), frames, onBeat)
    await writeFlashVideo(join(dir, 'late.mp4'), frames, shifted)
    synced = await scoreVideo({ videoPath: join(dir, 'synced.mp4'), songPath: fixture.path, analysis })
    late = await scoreVideo({ videoPath: join(dir, 'late.mp4'), songPath: fixture.path, analysis })
  }, 120_000)

  afterAll(() => rmSync(dirname(fixture.path), { recursive: true, force: true }))

  it('AV-Align ranks the synced video clearly higher', () => {
    expect(synced.avAlign.score).toBeGreaterThan(late.avAlign.score + 0.15)
    expect(synced.avAlign.score).toBeGreaterThan(synced.avAlign.baseline + 0.15)
  })

  it('the shifted-audio baseline sits near chance', () => {
    const chance = avAlignChance(synced.avAlign.audioPeaks, synced.avAlign.videoPeaks, synced.video.frames)
    expect(Math.abs(synced.avAlign.baseline - chance)).toBeLessThan(Math.max(0.08, chance * 0.6))
    expect(Math.abs(late.avAlign.baseline - chance)).toBeLessThan(Math.max(0.08, chance * 0.6))
  })

  it('beat alignment ranks the synced video clearly higher', () => {
    expect(synced.beatAlignment.score).toBeGreaterThan(0.8)
    expect(late.beatAlignment.score).toBeLessThan(0.3)
    expect(synced.beatAlignment.score).toBeGreaterThan(synced.beatAlignment.baseline + 0.3)
  })

  it('a flash is not a cut, and the video has no audio to offset', () => {
    expect(synced.cuts.frames).toEqual([])
    expect(synced.video.hasAudio).toBe(false)
    expect(synced.audioOffset).toBeNull()
  })
})
