/**
 * Synthetic beat / downbeat activations with a known grid, for the decoder's tests and bench:
 * Gaussian peaks at the beats (and downbeats) plus noise, with the troubles real activations
 * have — beats the model misses, spurious off-beat peaks (syncopation), tempo steps and drifts,
 * a stretch without any pulse, compound (6/8) accents. Deterministic for a seed.
 */
import type { BeatActivations } from '../../src/audio/learned/activations.js'

export interface SyntheticGridSpec {
  seconds: number
  /** Tempo (BPM) at time t; constant when a number. */
  bpm: number | ((t: number) => number)
  meter: number
  fps?: number
  seed?: number
  /** First beat time (s). */
  offset?: number
  /** Peak height of beats and of downbeats on the downbeat curve. */
  beatPeak?: number
  downPeak?: number
  /** Downbeat-curve height at beats that are not downbeats. */
  downAtBeat?: number
  /** Uniform noise amplitude added to both curves. */
  noise?: number
  /** Probability that a beat has no peak at all. */
  drop?: number
  /** Probability and height of a spurious peak halfway between two beats. */
  offbeat?: { prob: number; peak: number }
  /** Beat-curve peak height by position in the bar (overrides beatPeak), e.g. 6/8 accents. */
  accents?: number[]
  /** A stretch (s) with no pulse: the curves hold `level` there (0 = silence) plus noise. */
  silent?: { start: number; end: number; level?: number }
  /** Peak width (s, standard deviation). */
  width?: number
  /** Multiplies every peak height at time t (a passage the model is unsure of). */
  scale?: (t: number) => number
}

export interface SyntheticGrid {
  act: BeatActivations
  beats: number[]
  downbeats: number[]
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
}

export function syntheticGrid(spec: SyntheticGridSpec): SyntheticGrid {
  const fps = spec.fps ?? 100
  const n = Math.round(spec.seconds * fps)
  const rand = rng(spec.seed ?? 7)
  const bpmAt = typeof spec.bpm === 'number' ? () => spec.bpm as number : spec.bpm
  const inSilence = (t: number) => spec.silent !== undefined && t >= spec.silent.start && t < spec.silent.end
  const beats: number[] = []
  const downbeats: number[] = []
  const allBeats: Array<{ t: number; pos: number }> = []
  let pos = 0
  for (let t = spec.offset ?? 0.5; t < spec.seconds - 0.1; t += 60 / bpmAt(t)) {
    allBeats.push({ t, pos })
    if (!inSilence(t)) {
      beats.push(round4(t))
      if (pos === 0) downbeats.push(round4(t))
    }
    pos = (pos + 1) % spec.meter
  }
  const beat = new Float32Array(n)
  const down = new Float32Array(n)
  const width = (spec.width ?? 0.02) * fps
  const add = (x: Float32Array, t: number, h: number) => {
    const c = t * fps
    for (let i = Math.max(0, Math.floor(c - 4 * width)); i <= Math.min(n - 1, Math.ceil(c + 4 * width)); i++) {
      x[i] = Math.max(x[i], h * Math.exp(-0.5 * ((i - c) / width) ** 2))
    }
  }
  for (let k = 0; k < allBeats.length; k++) {
    const { t, pos: p } = allBeats[k]
    if (inSilence(t)) continue
    if (rand() < (spec.drop ?? 0)) continue
    const peak = spec.accents ? spec.accents[p % spec.accents.length] : spec.beatPeak ?? 0.8
    const scale = spec.scale ? spec.scale(t) : 1
    add(beat, t, scale * peak * (0.85 + 0.15 * rand()))
    add(down, t, scale * (p === 0 ? (spec.downPeak ?? 0.6) * (0.8 + 0.2 * rand()) : (spec.downAtBeat ?? 0.05)))
    const next = allBeats[k + 1]
    if (spec.offbeat && next && rand() < spec.offbeat.prob) add(beat, 0.5 * (t + next.t), spec.offbeat.peak)
  }
  const noise = spec.noise ?? 0.03
  for (let i = 0; i < n; i++) {
    const t = i / fps
    if (inSilence(t)) {
      const level = spec.silent?.level ?? 0
      beat[i] = level
      down[i] = level / 2
    }
    beat[i] = Math.min(1, Math.max(0, beat[i] + noise * rand()))
    down[i] = Math.min(1, Math.max(0, down[i] + noise * rand()))
  }
  return { act: { fps, beat, downbeat: down }, beats, downbeats }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/** The clear cases the decoder must get right (tests/gridDecode.test.ts, bench/grid-decode.mjs). */
export function syntheticCases(): Array<{ name: string; spec: SyntheticGridSpec }> {
  return [
    { name: '4/4 at 120 BPM, noisy', spec: { seconds: 60, bpm: 120, meter: 4, noise: 0.08, seed: 1 } },
    { name: '4/4 with dropped beats and syncopated off-beat peaks', spec: { seconds: 60, bpm: 104, meter: 4, drop: 0.15, offbeat: { prob: 0.4, peak: 0.4 }, seed: 2 } },
    { name: '3/4 at 96 BPM', spec: { seconds: 60, bpm: 96, meter: 3, seed: 3 } },
    { name: '3/4 at 160 BPM (a fast waltz)', spec: { seconds: 45, bpm: 160, meter: 3, seed: 4 } },
    { name: '5/4 at 130 BPM', spec: { seconds: 60, bpm: 130, meter: 5, seed: 5 } },
    { name: '7/4 at 150 BPM', spec: { seconds: 60, bpm: 150, meter: 7, seed: 6 } },
    { name: '2/4 at 100 BPM', spec: { seconds: 60, bpm: 100, meter: 2, seed: 8 } },
    { name: 'a tempo step 100 → 136 BPM', spec: { seconds: 70, bpm: (t) => (t < 35 ? 100 : 136), meter: 4, seed: 9 } },
    { name: 'a slow drift 88 → 122 BPM', spec: { seconds: 80, bpm: (t) => 88 + (34 * t) / 80, meter: 4, seed: 10 } },
    { name: '4/4 at 70 BPM (a ballad), weak off-beats', spec: { seconds: 60, bpm: 70, meter: 4, offbeat: { prob: 1, peak: 0.15 }, seed: 11 } },
    { name: '4/4 at 112 BPM with 14 s of silence', spec: { seconds: 60, bpm: 112, meter: 4, silent: { start: 22, end: 36 }, seed: 12 } },
    { name: '4/4 at 120 BPM, a weak (drumless) stretch 20-40 s', spec: { seconds: 60, bpm: 120, meter: 4, scale: (t) => (t >= 20 && t < 40 ? 0.15 : 1), noise: 0.06, seed: 16 } },
    { name: '4/4 at 200 BPM, sure activations', spec: { seconds: 60, bpm: 200, meter: 4, beatPeak: 0.85, seed: 19 } },
  ]
}
