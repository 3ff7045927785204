import { describe, expect, it } from 'vitest'
import { estimateTempo, tempoRange } from '../src/audio/tempo.js'
import { correctOffbeat, cymbalOnset, trackBeats } from '../src/audio/beats.js'
import { melBank } from '../src/audio/mel.js'
import { findBeatless } from '../src/audio/beatless.js'
import { findDownbeats } from '../src/audio/downbeats.js'
import { mulberry32 } from '../src/util/random.js'
import { fMeasure } from './helpers/beatEval.js'

const FPS = 22050 / 512

/** An onset envelope: a bump of `height` at each event time on a small noise floor. */
function envelope(seconds: number, events: Array<[number, number]>, seed = 1): Float64Array {
  const n = Math.round(seconds * FPS)
  const rnd = mulberry32(seed)
  const x = new Float64Array(n).map(() => 0.05 * rnd())
  for (const [t, h] of events) {
    const c = t * FPS
    for (let i = Math.floor(c) - 2; i <= Math.ceil(c) + 2; i++) if (i >= 0 && i < n) x[i] += h * Math.exp(-0.5 * ((i - c) / 0.7) ** 2)
  }
  return x
}

/** Beat times of a steady pulse from t0 to t1. */
function grid(t0: number, t1: number, bpm: number): number[] {
  const out: number[] = []
  for (let t = t0; t < t1 - 1e-9; t += 60 / bpm) out.push(t)
  return out
}

const toTimes = (frames: number[]) => frames.map((f) => f / FPS)

describe('tempo and beats on synthetic onset envelopes', () => {
  it('tracks quarter notes, not the accented 8th/16th subdivisions, at the right phase', () => {
    const bpm = 110
    const beats = grid(0.5, 40, bpm)
    const p = 60 / bpm
    const ev: Array<[number, number]> = []
    for (const b of beats) ev.push([b, 1], [b + p / 2, 0.6], [b + p / 4, 0.3], [b + (3 * p) / 4, 0.3])
    const onset = envelope(41, ev)
    const est = estimateTempo(onset, FPS)
    expect(Math.abs(est.bpm - bpm) / bpm).toBeLessThan(0.03)
    expect(est.varying).toBe(false)
    const found = toTimes(trackBeats(onset, FPS, est.bpm))
    expect(fMeasure(beats, found)).toBeGreaterThan(0.95)
  })

  it('does not lock to a 3-against-2 cross-rhythm', () => {
    const bpm = 96
    const beats = grid(0.5, 40, bpm)
    // A strong beat, and a weaker pulse three times per two beats (a hemiola figure).
    const ev: Array<[number, number]> = beats.map((b) => [b, 1])
    for (const t of grid(0.5, 40, (bpm * 3) / 2)) ev.push([t + 0.005, 0.55])
    const onset = envelope(41, ev, 2)
    const est = estimateTempo(onset, FPS)
    expect(Math.abs(est.bpm - bpm) / bpm).toBeLessThan(0.03)
    const found = toTimes(trackBeats(onset, FPS, est.bpm))
    expect(fMeasure(beats, found)).toBeGreaterThan(0.9)
  })

  it('follows a tempo step (100 → 130 BPM) with a time-varying period', () => {
    const a = grid(0.5, 30, 100)
    const b = grid(a[a.length - 1] + 60 / 100, 60, 130)
    const truth = [...a, ...b]
    const onset = envelope(61, truth.map((t) => [t, 1] as [number, number]), 3)
    const est = estimateTempo(onset, FPS)
    expect(est.varying).toBe(true)
    const found = toTimes(trackBeats(onset, FPS, est.period))
    expect(fMeasure(truth, found)).toBeGreaterThan(0.9)
    const range = tempoRange(found, est.bpm)
    expect(range.varying).toBe(true)
    expect(range.min).toBeLessThan(104)
    expect(range.max).toBeGreaterThan(126)
    // A steady tempo tracked with a single period does much worse: the path is what helps.
    const steady = toTimes(trackBeats(onset, FPS, est.bpm))
    expect(fMeasure(truth, steady)).toBeLessThan(fMeasure(truth, found))
  })

  it('reports a pulseless intro as beatless and puts no beats in it', () => {
    const rnd = mulberry32(9)
    const ev: Array<[number, number]> = []
    // 15 s of free, rubato note onsets, then a steady groove.
    for (let t = 0.3; t < 15; t += 0.35 + 1.2 * rnd()) ev.push([t, 0.4 + 0.5 * rnd()])
    const groove = grid(15, 45, 120)
    for (const t of groove) ev.push([t, 1])
    const onset = envelope(46, ev, 4)
    const est = estimateTempo(onset, FPS)
    expect(Math.abs(est.bpm - 120)).toBeLessThan(3)
    const tracked = trackBeats(onset, FPS, est.bpm)
    const { beats, spans } = findBeatless(tracked, onset, est, FPS)
    expect(spans.length).toBeGreaterThanOrEqual(1)
    expect(spans[0].start).toBe(0)
    expect(spans[0].end / FPS).toBeGreaterThan(10)
    expect(spans[0].end / FPS).toBeLessThanOrEqual(15.05)
    for (const f of beats) expect(f / FPS).toBeGreaterThan(14.9)
    expect(fMeasure(groove, toTimes(beats))).toBeGreaterThan(0.95)
  })

  it('finds no beatless span in a steady groove', () => {
    const groove = grid(0.2, 30, 128)
    const onset = envelope(31, groove.map((t) => [t, 1] as [number, number]), 5)
    const est = estimateTempo(onset, FPS)
    const tracked = trackBeats(onset, FPS, est.bpm)
    const { beats, spans } = findBeatless(tracked, onset, est, FPS)
    expect(spans).toEqual([])
    expect(beats).toEqual(tracked)
  })
})

describe('downbeats and meter', () => {
  /** Beat frames, low-band onsets accenting bar starts, and chroma that changes chord per bar. */
  function bars(meter: number, nBeats: number, phase: number) {
    const period = 20
    const beatFrames = Array.from({ length: nBeats }, (_, i) => 10 + i * period)
    const frames = beatFrames[nBeats - 1] + period
    const low = new Float64Array(frames)
    const chroma = { frames, dims: 12, data: new Float32Array(frames * 12) }
    beatFrames.forEach((f, i) => {
      const bar = Math.floor((i - phase + meter * 100) / meter)
      low[f] = (i - phase) % meter === 0 ? 1 : 0.35
      for (let t = f; t < f + period; t++) {
        for (const c of [0, 4, 7]) chroma.data[t * 12 + ((c + 5 * bar) % 12)] = 1
      }
    })
    return { beatFrames, low, chroma }
  }

  it.each([
    [4, 1],
    [3, 2],
    [4, 0],
  ])('finds meter %i and the bar phase %i', (meter, phase) => {
    const { beatFrames, low, chroma } = bars(meter, 48, phase)
    const r = findDownbeats(beatFrames, low, chroma)
    expect(r.meter).toBe(meter)
    expect(r.downbeatIndices[0]).toBe(phase)
    for (let k = 1; k < r.downbeatIndices.length; k++) expect(r.downbeatIndices[k] - r.downbeatIndices[k - 1]).toBe(meter)
  })
})

describe('off-beat guard (cymbal cue)', () => {
  const bpm = 100
  const p = 60 / bpm
  const beats = grid(1, 40, bpm)
  // Funk-like: kick, bass and keys hit the "and" hardest; the beats carry only softer notes.
  const syncopated = (): Float64Array => {
    const ev: Array<[number, number]> = []
    for (const b of beats) ev.push([b, 0.45], [b + p / 2, 1], [b + (3 * p) / 4, 0.5])
    return envelope(41, ev, 6)
  }
  // Hats on every 16th, accented on the beat (quarter > eighth > sixteenth), as drummers play.
  const hats = (): Float64Array => {
    const ev: Array<[number, number]> = []
    for (const b of beats) ev.push([b, 1], [b + p / 4, 0.35], [b + p / 2, 0.6], [b + (3 * p) / 4, 0.35])
    return envelope(41, ev, 7)
  }

  it('moves a grid locked to the off-beat onto the beat when the cymbals accent the beat', () => {
    const onset = syncopated()
    const tracked = trackBeats(onset, FPS, bpm)
    // The failure mode this guards against: the DP alone follows the syncopation.
    expect(fMeasure(beats, toTimes(tracked))).toBeLessThan(0.2)
    const fixed = correctOffbeat(tracked, hats())
    expect(fMeasure(beats, toTimes(fixed))).toBeGreaterThan(0.95)
  })

  it('leaves a grid that is already on the beat alone', () => {
    const onBeat = beats.map((t) => Math.round(t * FPS))
    expect(correctOffbeat(onBeat, hats())).toEqual(onBeat)
    // Off-beat hats alone (no accent) do not flip it either unless they clearly dominate.
    const flat = envelope(41, beats.flatMap((b) => [[b, 1], [b + p / 2, 1.05]] as Array<[number, number]>), 8)
    expect(correctOffbeat(onBeat, flat)).toEqual(onBeat)
  })

  it('cymbalOnset hears only the percussive bands above 6 kHz', () => {
    const bank = melBank(22050, 2048, 128)
    const frames = 400
    const mel = new Float32Array(frames * 128).fill(1e-6)
    const hatFrames = [50, 150, 250]
    const kickFrames = [100, 200, 300]
    for (const f of hatFrames) for (let m = 0; m < 128; m++) if (bank.centers[m] >= 7000) mel[f * 128 + m] = 1
    for (const f of kickFrames) for (let m = 0; m < 128; m++) if (bank.centers[m] < 2000) mel[f * 128 + m] = 1
    const c = cymbalOnset(mel, bank.centers, frames)
    const shift = 1 + 2048 / (2 * 512)
    for (const f of hatFrames) expect(c[f - 1 + shift]).toBeGreaterThan(10)
    for (const f of kickFrames) for (let d = -2; d <= 4; d++) expect(c[f + d]).toBe(0)
    expect(c.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
  })
})

describe('downbeat phase in a shuffle', () => {
  it('takes the bar phase from chord changes, not the beat with the loudest low band', () => {
    const period = 28
    const n = 72
    const phase = 1
    const beatFrames = Array.from({ length: n }, (_, i) => 10 + i * period)
    const frames = beatFrames[n - 1] + period
    // Bass on every beat with the pedal hat on 2 and 4: beat 4 is the loudest low-band beat.
    const low = new Float64Array(frames)
    beatFrames.forEach((f, i) => {
      const pos = (((i - phase) % 4) + 4) % 4
      low[f] = [0.9, 0.95, 0.93, 1][pos]
    })
    // 12-bar blues: chords (I I I I IV IV I I V IV I V) change only at bar starts.
    const blues = [0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7]
    const chroma = { frames, dims: 12, data: new Float32Array(frames * 12) }
    beatFrames.forEach((f, i) => {
      const bar = Math.floor((i - phase + 400) / 4) - 100
      const root = blues[((bar % 12) + 12) % 12]
      for (let t = f; t < f + period; t++) for (const c of [0, 4, 7, 10]) chroma.data[t * 12 + ((root + c) % 12)] = 1
    })
    const r = findDownbeats(beatFrames, low, chroma)
    expect(r.meter).toBe(4)
    expect(r.downbeatIndices[0]).toBe(phase)
  })
})
