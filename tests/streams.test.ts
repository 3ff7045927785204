import { describe, expect, it } from 'vitest'
import { analyzeSamples } from '../src/audio/analyze.js'
import { spectralPass } from '../src/audio/streams/index.js'
import { SpectralPassStream } from '../src/audio/streams/spectralPass.js'
import { StreamingHpss } from '../src/audio/streams/hpss.js'
import { grown } from '../src/audio/streams/grown.js'
import { Analysis } from '../src/schemas/index.js'

const SR = 22050

/** Deterministic LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12)

/** A sustained C-major chord (three notes, five harmonics each) plus a 1 ms click every 0.5 s. */
function chordAndClicks(seconds: number): { mix: Float32Array; clickAt: number[] } {
  const n = Math.round(seconds * SR)
  const mix = new Float32Array(n)
  for (const note of [60, 64, 67]) {
    const f = midiHz(note)
    for (let h = 1; h <= 5; h++) for (let i = 0; i < n; i++) mix[i] += (0.08 / h) * Math.sin((2 * Math.PI * f * h * i) / SR)
  }
  const clickAt: number[] = []
  const r = rng(7)
  for (let t = 0.25; t < seconds - 0.1; t += 0.5) {
    clickAt.push(t)
    const s = Math.round(t * SR)
    for (let i = 0; i < 22; i++) mix[s + i] += 0.8 * (r() * 2 - 1) * (1 - i / 22)
  }
  return { mix, clickAt }
}

/**
 * A song with a repeating backing (4-chord pad loop, bass, kick, hats; 120 BPM, 2 s bars) and a
 * "voice" in `voiceBars` only: a non-repeating melody with vibrato, glides and formant-shaped
 * harmonics whose vowel changes per note.
 */
function songWithVoice(bars: number, voiceBars: Set<number>, seed = 11): Float32Array {
  const barSec = 2
  const n = Math.round(bars * barSec * SR)
  const out = new Float32Array(n)
  const chords = [
    [48, 55, 60, 64],
    [45, 52, 57, 60],
    [41, 48, 53, 57],
    [43, 50, 55, 59],
  ]
  const r = rng(seed)
  for (let b = 0; b < bars; b++) {
    const s0 = Math.round(b * barSec * SR)
    const len = Math.round(barSec * SR)
    const chord = chords[b % 4]
    for (const note of chord) {
      const f = midiHz(note + 12)
      for (let h = 1; h <= 6; h++) {
        const a = 0.035 / h
        for (let i = 0; i < len; i++) out[s0 + i] += a * Math.min(1, i / 800) * Math.sin((2 * Math.PI * f * h * (s0 + i)) / SR)
      }
    }
    for (let beat = 0; beat < 4; beat++) {
      const bs = s0 + Math.round(beat * 0.5 * SR)
      const fb = midiHz(chord[0] - 12)
      for (let i = 0; i < 0.45 * SR; i++) out[bs + i] += 0.12 * Math.exp(-i / (0.25 * SR)) * Math.sin((2 * Math.PI * fb * i) / SR)
      if (beat % 2 === 0) for (let i = 0; i < 0.2 * SR; i++) out[bs + i] += 0.35 * Math.exp(-i / (0.04 * SR)) * Math.sin(2 * Math.PI * (55 + 60 * Math.exp(-i / 600)) * (i / SR))
      for (let e = 0; e < 2; e++) {
        const hs = bs + Math.round(e * 0.25 * SR)
        for (let i = 0; i < 0.03 * SR; i++) out[hs + i] += 0.05 * (r() * 2 - 1) * Math.exp(-i / 150)
      }
    }
  }
  // The voice: notes of 0.25–0.6 s with 40 ms glides, vibrato 5.5 Hz ±0.3 semitone.
  const formants = [
    [700, 1200, 2600],
    [300, 2300, 3000],
    [500, 900, 2400],
    [400, 1900, 2600],
  ]
  const scale = [0, 2, 4, 5, 7, 9, 11]
  let phase = 0
  let t = 0
  let prev = 64
  while (t < bars * barSec) {
    const dur = 0.25 + 0.35 * r()
    const bar = Math.floor(t / barSec)
    const note = 57 + scale[Math.floor(r() * 7)] + 12 * Math.floor(r() * 2)
    const vowel = formants[Math.floor(r() * formants.length)]
    const s0 = Math.round(t * SR)
    const s1 = Math.min(n, Math.round((t + dur) * SR))
    if (voiceBars.has(bar)) {
      for (let i = s0; i < s1; i++) {
        const u = (i - s0) / SR
        const m = u < 0.04 ? prev + (note - prev) * (u / 0.04) : note
        const f0 = midiHz(m + 0.3 * Math.sin(2 * Math.PI * 5.5 * (i / SR)))
        phase += (2 * Math.PI * f0) / SR
        let v = 0
        for (let h = 1; h * f0 < 7000; h++) {
          const fh = h * f0
          let g = 0.15
          for (const F of vowel) g += Math.exp(-(((fh - F) / 120) ** 2))
          v += (g / Math.sqrt(h)) * Math.sin(h * phase)
        }
        const edge = Math.min(1, (i - s0) / 300, (s1 - i) / 300)
        out[i] += 0.08 * v * edge
      }
    }
    prev = note
    t += dur
  }
  return out
}

function energyShare(a: Float64Array, b: Float64Array, frames: number[]): number {
  let x = 0
  let y = 0
  for (const t of frames) {
    x += a[t]
    y += b[t]
  }
  return x / (x + y)
}

/** Area under the ROC curve of `scores` for positives vs negatives (ties count half). */
function auc(pos: number[], neg: number[]): number {
  let s = 0
  for (const p of pos) for (const q of neg) s += p > q ? 1 : p === q ? 0.5 : 0
  return s / (pos.length * neg.length)
}

describe('grown (the streaming stores make room)', () => {
  it('keeps the values written, zero-fills the rest, keeps the element type', () => {
    const a = Float32Array.from([1.5, 2, 3])
    const b = grown(a, 5)
    expect(b).toBeInstanceOf(Float32Array)
    expect([...b]).toEqual([1.5, 2, 3, 0, 0])
    expect(b.buffer).not.toBe(a.buffer)
    const c = grown(Float64Array.from([0.1, 0.2]), 3)
    expect(c).toBeInstanceOf(Float64Array)
    expect([...c]).toEqual([0.1, 0.2, 0])
    // Shrinking keeps the head.
    expect([...grown(a, 2)]).toEqual([1.5, 2])
  })

  it('a spectral pass with no frame hint (stores grown many times) equals one sized up front', () => {
    const sr = 22050
    const x = Float32Array.from({ length: sr * 3 }, (_, i) => Math.sin((2 * Math.PI * 220 * i) / sr) * (i % 5000 < 800 ? 1 : 0.2))
    const sized = spectralPass(x, sr)
    const stream = new SpectralPassStream(sr)
    for (let i = 0; i < x.length; i += 3000) stream.push(x.subarray(i, i + 3000))
    const g = stream.finish()
    expect(g.frames).toBe(sized.frames)
    for (const k of ['mel', 'chroma', 'harmonicMel', 'percussiveMel', 'centroid', 'rms'] as const) expect(g[k], k).toEqual(sized[k])
  })
})

describe('HPSS (median filtering on the STFT magnitude)', () => {
  it('streams the same result as a batch median filter would (window, padding, delay)', () => {
    // 5 bins, kernel 3: the harmonic mask of frame t uses frames t−1..t+1 with zeros outside.
    const frames = [
      [1, 0, 0, 0, 0],
      [1, 0, 9, 0, 0],
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
    ]
    const hp = new StreamingHpss(5, 3)
    const got: Array<[number, number[]]> = []
    const emit = (t: number, _m: Float32Array, mask: Float64Array) => got.push([t, Array.from(mask)])
    for (const f of frames) hp.push(f, emit)
    hp.flush(emit)
    expect(got.map((g) => g[0])).toEqual([0, 1, 2, 3])
    // Bin 0 is a steady tone: its time median is 1 (0 at the padded first frame's left neighbour
    // does not win the median of [0, 1, 1]); its frequency median over [0, 1, 0] is 0 → harmonic.
    for (const [, mask] of got) expect(mask[0]).toBe(1)
    // Bin 2 at frame 1 is a one-frame spike: time median 0, frequency median 0 → undecided 0.5.
    expect(got[1][1][2]).toBe(0.5)
  })

  it('keeps a sustained chord in the harmonic part and clicks in the percussive part', () => {
    const { mix, clickAt } = chordAndClicks(8)
    const pass = spectralPass(mix, SR)
    const clickFrames = new Set<number>()
    for (const c of clickAt) for (let d = -2; d <= 3; d++) clickFrames.add(Math.round((c * SR) / 512) + d)
    const steady: number[] = []
    for (let t = 20; t < pass.frames - 20; t++) if (!clickFrames.has(t)) steady.push(t)
    const chordHarmonicShare = energyShare(pass.harmonicEnergy, pass.percussiveEnergy, steady)
    // The clicks' own energy: each click frame minus the steady chord's median energy per frame.
    const med = (a: Float64Array) => steady.map((t) => a[t]).sort((x, y) => x - y)[steady.length >> 1]
    const hMed = med(pass.harmonicEnergy)
    const pMed = med(pass.percussiveEnergy)
    let clickP = 0
    let clickH = 0
    for (const c of clickAt) {
      const t = Math.round((c * SR) / 512)
      if (t < 20 || t >= pass.frames - 20) continue
      clickP += pass.percussiveEnergy[t] - pMed
      clickH += Math.max(0, pass.harmonicEnergy[t] - hMed)
    }
    const clickPercussiveShare = clickP / (clickP + clickH)
    console.log(`HPSS: chord energy kept harmonic ${(100 * chordHarmonicShare).toFixed(1)} %, click energy percussive ${(100 * clickPercussiveShare).toFixed(1)} %`)
    expect(chordHarmonicShare).toBeGreaterThan(0.95)
    expect(clickPercussiveShare).toBeGreaterThan(0.8)
  })
})

describe('vocal activity (REPET-SIM on the harmonic part)', () => {
  it('is high where the voice sings over the repeating backing and low elsewhere', () => {
    const bars = 20
    const voiceBars = new Set([4, 5, 6, 7, 12, 13, 14, 15])
    const mix = songWithVoice(bars, voiceBars)
    const a = Analysis.parse(analyzeSamples(mix, SR, { path: 'voice.wav', sha256: 'x' }))
    expect(a.streams).toEqual({ method: 'dsp', detail: 'hpss+repet-sim' })
    const v = a.features.vocal
    const pos: number[] = []
    const neg: number[] = []
    for (let i = 0; i < v.values.length; i++) {
      const t = i / v.fps
      const bar = Math.floor(t / 2)
      const u = t - bar * 2
      if (t > bars * 2 - 0.5) continue
      // Skip 0.4 s around bar lines where the voice enters or leaves (smoothing, hysteresis).
      const edge = voiceBars.has(bar) !== voiceBars.has(bar - 1) ? u < 0.4 : voiceBars.has(bar) !== voiceBars.has(bar + 1) ? u > 1.6 : false
      if (edge) continue
      ;(voiceBars.has(bar) ? pos : neg).push(v.values[i])
    }
    const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length
    const score = auc(pos, neg)
    console.log(`vocal: mean with voice ${mean(pos).toFixed(3)}, without ${mean(neg).toFixed(3)}, AUC ${score.toFixed(3)}`)
    expect(score).toBeGreaterThan(0.9)
    expect(mean(pos) - mean(neg)).toBeGreaterThan(0.4)
    for (const x of v.values) expect(x).toBeGreaterThanOrEqual(0)
    for (const x of v.values) expect(x).toBeLessThanOrEqual(1)
  })
})
