import { describe, expect, it } from 'vitest'
import { analyzeSamples } from '../src/audio/analyze.js'
import { synthesizeSong, type SectionSpec } from '../src/audio/synth.js'
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
