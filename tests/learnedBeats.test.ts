import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeAudioMono } from '../src/ffmpeg/index.js'
import { BeatModelError, defaultBeatModelPath, featureFrames, learnedActivations, loadBeatModel, metaPathOf, type BeatActivations } from '../src/audio/learned/index.js'
import { beatFMeasure, downbeatF } from '../tools/eval/mirEval.js'
import { pickPeaks } from '../tools/beatnet/peaks.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

// Measured with the shipped model on these fixtures: beat F 1.000 (4/4, 112 BPM, and 3/4, 96 BPM),
// downbeat-peak F 0.857 (4/4), mean downbeat activation 0.74 on the 3/4 downbeats and 0.01 on its
// other beats. The thresholds sit a margin below, so a broken export, feature drift or a frame
// offset fails while retraining noise does not.
const MIN_BEAT_F = 0.9
const MIN_DOWNBEAT_F = 0.75
/** Mean downbeat activation on the true downbeats, and at most on the other beats. */
const MIN_DOWNBEAT_ACT = 0.5
const MAX_OFFBEAT_DOWNBEAT_ACT = 0.25

/** Largest value within ±1 frame of time t. */
function near(act: Float32Array, fps: number, t: number): number {
  const i = Math.round(t * fps)
  return Math.max(act[i - 1] ?? 0, act[i] ?? 0, act[i + 1] ?? 0)
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

describe('learned beat activations (models/beat/beat.onnx)', () => {
  let song: SongFixture
  let samples: Float32Array
  let act: BeatActivations

  beforeAll(async () => {
    song = await makeSongFixture({ bpm: 112, seconds: 26, seed: 91 })
    samples = (await decodeAudioMono(song.path, { sampleRate: 22050 })).samples
    act = await learnedActivations(samples, 22050)
  })

  it('loads the shipped model with its meta', async () => {
    const model = await loadBeatModel()
    try {
      expect(model.path).toBe(defaultBeatModelPath())
      expect(model.meta.fps).toBe(50)
      expect(model.meta.parameters).toBeGreaterThan(10_000)
      expect(model.meta.training.split).toBe('dev')
    } finally {
      await model.release()
    }
  })

  it('gives one value per feature frame, in 0..1', () => {
    expect(act.fps).toBe(50)
    expect(act.beat.length).toBe(featureFrames(samples.length))
    expect(act.downbeat.length).toBe(act.beat.length)
    for (const a of [act.beat, act.downbeat]) for (const v of a) expect(v >= 0 && v <= 1).toBe(true)
  })

  it('peaks on the true beats and downbeats of a generated song', () => {
    const beats = pickPeaks(act.beat, act.fps)
    const downbeats = pickPeaks(act.downbeat, act.fps, { minGap: 0.5 })
    const f = beatFMeasure(song.beats, beats)
    const fd = downbeatF(song.downbeats, downbeats)
    expect(f, `beat F ${f.toFixed(3)}`).toBeGreaterThanOrEqual(MIN_BEAT_F)
    expect(fd, `downbeat F ${fd.toFixed(3)}`).toBeGreaterThanOrEqual(MIN_DOWNBEAT_F)
  })

  it('tells the downbeats of a 3/4 song from its other beats', async () => {
    const waltz = await makeSongFixture({ bpm: 96, beatsPerBar: 3, seconds: 24, seed: 5 })
    const a = await learnedActivations((await decodeAudioMono(waltz.path, { sampleRate: 22050 })).samples, 22050)
    const downbeats = new Set(waltz.downbeats)
    const onDown = mean(waltz.downbeats.map((t) => near(a.downbeat, a.fps, t)))
    const onOther = mean(waltz.beats.filter((t) => !downbeats.has(t)).map((t) => near(a.downbeat, a.fps, t)))
    expect(onDown, `mean downbeat activation on downbeats ${onDown.toFixed(2)}`).toBeGreaterThanOrEqual(MIN_DOWNBEAT_ACT)
    expect(onOther, `mean downbeat activation on other beats ${onOther.toFixed(2)}`).toBeLessThanOrEqual(MAX_OFFBEAT_DOWNBEAT_ACT)
    expect(beatFMeasure(waltz.beats, pickPeaks(a.beat, a.fps))).toBeGreaterThanOrEqual(MIN_BEAT_F)
  })

  it('gives the same activations in chunks as in one pass', async () => {
    const chunked = await learnedActivations(samples, 22050, { chunkFrames: 250 })
    let maxDiff = 0
    for (let i = 0; i < act.beat.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(chunked.beat[i] - act.beat[i]), Math.abs(chunked.downbeat[i] - act.downbeat[i]))
    }
    expect(maxDiff).toBeLessThan(1e-4)
  })

  it('reads samples at another rate through resampling', async () => {
    const at44 = (await decodeAudioMono(song.path, { sampleRate: 44100 })).samples
    const a = await learnedActivations(at44, 44100)
    expect(Math.abs(a.beat.length - act.beat.length)).toBeLessThanOrEqual(1)
    expect(beatFMeasure(song.beats, pickPeaks(a.beat, a.fps))).toBeGreaterThanOrEqual(MIN_BEAT_F)
  })

  it('refuses a missing model file with a BeatModelError (NOT_FOUND)', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'longav-beat-')), 'beat.onnx')
    const err = await learnedActivations(samples.subarray(0, 22050), 22050, { modelPath: missing }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BeatModelError)
    expect((err as BeatModelError).code).toBe('NOT_FOUND')
    expect((err as BeatModelError).kind).toBe('input')
  })

  it('refuses a corrupt model file (LOAD_FAILED) and a broken meta file (BAD_CONFIG)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longav-beat-'))
    const onnx = join(dir, 'beat.onnx')
    const shipped = readFileSync(defaultBeatModelPath())
    writeFileSync(onnx, shipped.subarray(0, Math.floor(shipped.length / 3)))
    copyFileSync(metaPathOf(defaultBeatModelPath()), metaPathOf(onnx))
    const corrupt = await learnedActivations(samples.subarray(0, 22050), 22050, { modelPath: onnx }).catch((e: unknown) => e)
    expect(corrupt).toBeInstanceOf(BeatModelError)
    expect((corrupt as BeatModelError).code).toBe('LOAD_FAILED')

    writeFileSync(onnx, shipped)
    const meta = JSON.parse(readFileSync(metaPathOf(defaultBeatModelPath()), 'utf8')) as Record<string, unknown>
    writeFileSync(metaPathOf(onnx), JSON.stringify({ ...meta, fps: 100 }))
    const bad = await learnedActivations(samples.subarray(0, 22050), 22050, { modelPath: onnx }).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(BeatModelError)
    expect((bad as BeatModelError).code).toBe('BAD_CONFIG')
    expect((bad as Error).message).toContain('fps')
  })
})
