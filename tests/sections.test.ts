import { describe, expect, it } from 'vitest'
import { analyzeSamples } from '../src/audio/analyze.js'
import { beatGridFrames, downbeatGrid, findSections, medianRows, noveltyFromBand, similarityBand } from '../src/audio/sections.js'
import { mulberry32 } from '../src/util/random.js'
import { synthesizeSong, type SectionSpec } from '../tools/synth.js'
import { boundaryHits } from './helpers/beatEval.js'

const verse: SectionSpec = { label: 'verse', bars: 4, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true }
const chorus: SectionSpec = { label: 'chorus', bars: 4, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true }
const bridge: SectionSpec = { label: 'bridge', bars: 4, intensity: 0.6, drums: 'hats', bass: true, chords: 'pad', progression: [2, 5, 1, 4] }
const intro: SectionSpec = { label: 'intro', bars: 2, intensity: 0.45, drums: 'hats', chords: 'pad' }
const outro: SectionSpec = { label: 'outro', bars: 2, intensity: 0.5, drums: 'fade', chords: 'pad' }

describe('sections of short songs with 4-bar sections', () => {
  it.each([
    { bpm: 96, secs: [intro, verse, chorus, verse, chorus, outro] },
    { bpm: 120, secs: [intro, verse, chorus, verse, chorus, bridge, chorus, outro] },
  ])('finds the boundaries (F ≥ 0.8 at ±3 s) at $bpm BPM, snapped to downbeats, with energies', ({ bpm, secs }) => {
    const song = synthesizeSong({ bpm, beatsPerBar: 4, sections: secs, seed: 3, sampleRate: 22050 })
    const a = analyzeSamples(song.samples, 22050, { path: 'song', sha256: '0'.repeat(64) })
    const hits = boundaryHits(
      song.sections.slice(1).map((s) => s.start),
      a.sections.slice(1).map((s) => s.start),
      3,
    )
    expect(hits.f).toBeGreaterThanOrEqual(0.8)
    // Sections tile the song; every inner boundary is a downbeat.
    expect(a.sections[0].start).toBe(0)
    for (let k = 1; k < a.sections.length; k++) expect(a.sections[k].start).toBe(a.sections[k - 1].end)
    for (const s of a.sections.slice(1)) expect(a.downbeats.some((d) => Math.abs(d - s.start) < 1e-3) || s.start > a.downbeats[a.downbeats.length - 1]).toBe(true)
    // Energy: the loudest section is 1; the quiet intro and outro are named and well below it.
    expect(Math.max(...a.sections.map((s) => s.energy))).toBe(1)
    expect(a.sections[0].label).toBe('intro')
    expect(a.sections[a.sections.length - 1].label).toBe('outro')
    expect(a.sections[0].energy).toBeLessThan(0.5)
    // Labels repeat when the music repeats: some label occurs at least twice.
    const counts = new Map<string, number>()
    for (const s of a.sections) counts.set(s.label, (counts.get(s.label) ?? 0) + 1)
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(2)
  })
})

/** Reference Foote novelty on a full n × n matrix (the definition the banded one must equal). */
function fullNovelty(S: Float64Array, n: number, half: number): Float64Array {
  const g = (k: number) => Math.exp(-0.5 * ((k + 0.5) / half) ** 2)
  const out = new Float64Array(n)
  for (let i = 1; i < n; i++) {
    let pp = 0
    let ppW = 0
    let ff = 0
    let ffW = 0
    let pf = 0
    let pfW = 0
    for (let a = 0; a < half; a++) {
      for (let b = 0; b < half; b++) {
        const w = g(a) * g(b)
        const [pa, pb, fa, fb] = [i - 1 - a, i - 1 - b, i + a, i + b]
        if (pa >= 0 && pb >= 0) (pp += w * S[pa * n + pb]), (ppW += w)
        if (fa < n && fb < n) (ff += w * S[fa * n + fb]), (ffW += w)
        if (pa >= 0 && fb < n) (pf += w * S[pa * n + fb]), (pfW += w)
      }
    }
    out[i] = ppW && ffW && pfW ? Math.max(0, 0.5 * (pp / ppW + ff / ffW) - pf / pfW) : 0
  }
  return out
}

describe('section helpers', () => {
  it('banded novelty equals the full-matrix novelty', () => {
    const rnd = mulberry32(5)
    const n = 70
    // Three "sections" with different means plus noise.
    const rows = Array.from({ length: n }, (_, i) => Float64Array.from({ length: 6 }, (_, d) => (i < 25 ? 0 : i < 45 ? 1.5 : -1) * (d % 2 ? 1 : -1) + rnd()))
    const sigma2 = 2.5
    const S = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = Math.exp(-rows[i].reduce((acc, x, d) => acc + (x - rows[j][d]) ** 2, 0) / sigma2)
    for (const half of [4, 8]) {
      const band = similarityBand(rows, 2 * half, sigma2)
      expect(band.data.length).toBe(n * 2 * half)
      const banded = noveltyFromBand(band, half)
      const full = fullNovelty(S, n, half)
      for (let i = 0; i < n; i++) expect(banded[i]).toBeCloseTo(full[i], 12)
    }
    // The band must cover the kernel: a narrower one is refused, not silently wrong.
    expect(() => noveltyFromBand(similarityBand(rows, 7, sigma2), 4)).toThrow(RangeError)
  })

  it('fills gaps in the beat grid and the downbeat grid', () => {
    const edges = beatGridFrames([20, 40, 60, 140, 160, 180], 200)
    expect(edges).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200])
    const grid = downbeatGrid([2, 4, 10, 12], 2, 14)
    expect(grid.map((t) => Math.round(t * 1e6) / 1e6)).toEqual([0, 2, 4, 6, 8, 10, 12, 14])
  })

  it('a two-bar median is steady on an alternating kick/snare pattern', () => {
    const rows = Array.from({ length: 40 }, (_, i) => Float64Array.of(i % 2 ? 1 : 0, i % 4 === 3 ? 2 : 0))
    const out = medianRows(rows, 8)
    for (let i = 4; i < 36; i++) {
      expect(out[i][0]).toBe(0.5)
      expect(out[i][1]).toBe(0)
    }
  })

  it('an hour of beats needs memory in proportion to beats × kernel, not beats²', () => {
    // 8000 beats at 20 frames each (≈ 62 min at 129 BPM): a full similarity matrix would be 512 MB.
    const nBeats = 8000
    const period = 20
    const frames = nBeats * period + 40
    const beatFrames = Array.from({ length: nBeats }, (_, i) => 20 + i * period)
    const chroma = { frames, dims: 12, data: new Float32Array(frames * 12) }
    const timbre = { frames, dims: 12, data: new Float32Array(frames * 12) }
    const rms = new Float64Array(frames)
    // Sections of 64 beats alternating between two chords, timbres and levels.
    for (let t = 0; t < frames; t++) {
      const sec = Math.floor((t - 20) / (64 * period)) % 2
      chroma.data[t * 12 + (sec ? 7 : 0)] = 1
      for (let d = 0; d < 12; d++) timbre.data[t * 12 + d] = sec ? d : -d
      rms[t] = sec ? 0.5 : 0.2
    }
    const fps = 22050 / 512
    const downbeats = beatFrames.filter((_, i) => i % 4 === 0).map((f) => f / fps)
    const before = process.memoryUsage().heapUsed
    const t0 = performance.now()
    const secs = findSections({ beatFrames, downbeats, meter: 4, fps, frames, durationSec: frames / fps, chroma, timbre, rms })
    const ms = performance.now() - t0
    const grown = process.memoryUsage().heapUsed - before
    expect(secs.length).toBeGreaterThan(100)
    // Labels repeat: two kinds of section, alternating.
    expect(new Set(secs.slice(2, -2).map((s) => s.label)).size).toBeLessThanOrEqual(3)
    expect(grown).toBeLessThan(200 * 1024 * 1024)
    expect(ms).toBeLessThan(20000)
  }, 60_000)
})
