import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { synthesizeSong } from '../tools/synth.js'
import { beatsInSpans, medianTempo, tempoVaries } from '../tools/eval/evaluate.js'
import { findSoundfont, renderPiece, structuredTruth } from '../tools/eval/render.js'
import { decodeAudioMono } from '../src/ffmpeg/index.js'
import {
  beatFMeasure,
  boundaryHitRate,
  continuity,
  downbeatF,
  intervalsToBoundaries,
  matchEvents,
  referenceVariations,
} from '../tools/eval/mirEval.js'
import { beatGrid, beatTimes, beatlessSeconds, downbeatTimes, PPQ, tempoRamp, tickSeconds, vlq, writeMidi, type MidiPiece } from '../tools/eval/midi.js'
import { evalPieces, pieceTruth, structuredSpecs, type EvalPiece } from '../tools/eval/pieces.js'

/** 120 BPM reference: a beat every 0.5 s from 0 to 30 s (51 beats remain after the 5 s cut). */
const ref = Array.from({ length: 61 }, (_, i) => i * 0.5)

describe('mir_eval beat metrics (hand-worked)', () => {
  it('perfect estimate scores 1 everywhere', () => {
    expect(beatFMeasure(ref, ref)).toBe(1)
    expect(continuity(ref, ref)).toEqual({ CMLc: 1, CMLt: 1, AMLc: 1, AMLt: 1 })
  })

  it('small jitter inside ±70 ms and 17.5 % is still perfect', () => {
    const est = ref.map((t, i) => t + (i % 2 ? -0.03 : 0.03))
    expect(beatFMeasure(ref, est)).toBe(1)
    expect(continuity(ref, est).CMLt).toBe(1)
  })

  it('off-beat (shifted by half a beat): F 0, CMLt 0, AMLt 1', () => {
    const est = ref.slice(0, -1).map((t) => t + 0.25)
    expect(beatFMeasure(ref, est)).toBe(0)
    const c = continuity(ref, est)
    expect(c.CMLt).toBe(0)
    expect(c.CMLc).toBe(0)
    expect(c.AMLt).toBe(1)
    expect(c.AMLc).toBe(1)
  })

  it('double tempo: F = 2·51/(101+51), CMLt 0, AMLt 1', () => {
    const est = Array.from({ length: 121 }, (_, i) => i * 0.25)
    expect(beatFMeasure(ref, est)).toBeCloseTo(102 / 152, 12)
    const c = continuity(ref, est)
    expect(c.CMLt).toBe(0)
    expect(c.AMLt).toBe(1)
  })

  it('half tempo (either phase): F = 2·26/(26+51), CMLt 0, AMLt 1', () => {
    const even = ref.filter((_, i) => i % 2 === 0) // 0, 1, 2, … → 5..30 after the cut: 26 beats
    expect(beatFMeasure(ref, even)).toBeCloseTo(52 / 77, 12)
    expect(continuity(ref, even).CMLt).toBe(0)
    expect(continuity(ref, even).AMLt).toBe(1)
    const odd = ref.filter((_, i) => i % 2 === 1) // 0.5, 1.5, … → 5.5..29.5: 25 beats
    expect(continuity(ref, odd).AMLt).toBe(1)
    expect(beatFMeasure(ref, odd)).toBeCloseTo(50 / 76, 12)
  })

  it('three deletions: F 96/99, CMLt 45/51 (the beat after each gap fails), CMLc 20/51', () => {
    const est = ref.filter((t) => t !== 15 && t !== 20 && t !== 25)
    expect(beatFMeasure(ref, est)).toBeCloseTo(96 / 99, 12)
    const c = continuity(ref, est)
    expect(c.CMLt).toBeCloseTo(45 / 51, 12)
    expect(c.CMLc).toBeCloseTo(20 / 51, 12)
    expect(c.AMLt).toBeCloseTo(45 / 51, 12)
  })

  it('extra beats lower precision and continuity divides by the longer list', () => {
    // Two spurious beats inside the span: 53 estimates against 51 references.
    const est = [...ref, 12.2, 22.2].sort((a, b) => a - b)
    expect(beatFMeasure(ref, est)).toBeCloseTo((2 * 51) / (53 + 51), 12)
    // Each spurious beat fails, and so does the true beat after it (its interval is ~0.3 s).
    expect(continuity(ref, est).CMLt).toBeCloseTo(49 / 53, 12)
  })

  it('skipBefore drops early beats, empty inputs score 0', () => {
    expect(beatFMeasure([1, 2, 3], [1, 2, 3])).toBe(0)
    expect(beatFMeasure([1, 2, 3], [1, 2, 3], { skipBefore: 0 })).toBe(1)
    expect(beatFMeasure(ref, [])).toBe(0)
    expect(continuity([], ref)).toEqual({ CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 })
    // A single beat has no interval: mir_eval scores continuity 0 (F still counts the hit).
    expect(continuity(ref, [10])).toEqual({ CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 })
    expect(beatFMeasure(ref, [10])).toBeCloseTo(2 / 52, 12)
  })

  it('reference variations follow mir_eval (off-beat, double, half odd/even)', () => {
    const v = referenceVariations([0, 1, 2, 3])
    expect(v).toEqual([
      [0, 1, 2, 3],
      [0.5, 1.5, 2.5],
      [0, 0.5, 1, 1.5, 2, 2.5, 3],
      [0, 2],
      [1, 3],
    ])
  })

  it('matching is one-to-one and maximal', () => {
    expect(matchEvents([1, 1.05], [1.02], 0.07)).toBe(1)
    // Greedy must not steal 1.06 for 1.0 when 1.0 can take 0.96.
    expect(matchEvents([1.0, 1.1], [0.96, 1.06], 0.07)).toBe(2)
  })

  it('downbeat F uses ±70 ms', () => {
    const db = ref.filter((_, i) => i % 4 === 0)
    expect(downbeatF(db, db.map((t) => t + 0.06))).toBe(1)
    expect(downbeatF(db, db.map((t) => t + 0.08))).toBe(0)
  })
})

describe('mir_eval segment detection (trim = True)', () => {
  const refB = [0, 10, 20, 30, 40]
  it('hit rate at ±0.5 s and ±3 s', () => {
    const est = [0, 10.4, 21, 29, 40.5]
    expect(boundaryHitRate(refB, est, 0.5)).toEqual({ precision: 1 / 3, recall: 1 / 3, F: 1 / 3 })
    expect(boundaryHitRate(refB, est, 3)).toEqual({ precision: 1, recall: 1, F: 1 })
  })
  it('first and last boundaries are trimmed; extra boundaries lower precision', () => {
    // The ends never count, even when far off.
    expect(boundaryHitRate(refB, [5, 10, 20, 30, 33], 0.5).F).toBe(1)
    const r = boundaryHitRate(refB, [0, 10, 15, 20, 30, 40], 0.5)
    expect(r.precision).toBe(0.75)
    expect(r.recall).toBe(1)
    expect(r.F).toBeCloseTo(6 / 7, 12)
  })
  it('one estimate hits one reference only; no inner boundaries scores 0', () => {
    expect(boundaryHitRate([0, 10, 40], [0, 9.8, 10.2, 40], 0.5).F).toBeCloseTo(2 / 3, 12)
    expect(boundaryHitRate([0, 40], [0, 20, 40], 3).F).toBe(0)
  })
  it('intervals to boundaries', () => {
    expect(intervalsToBoundaries([{ start: 0, end: 10 }, { start: 10, end: 25 }, [25, 40]])).toEqual([0, 10, 25, 40])
  })
})

/** Parses the chunks of a Standard MIDI File: header fields and each track's data. */
function parseChunks(buf: Buffer): { format: number; ntracks: number; division: number; tracks: Buffer[] } {
  expect(buf.toString('ascii', 0, 4)).toBe('MThd')
  expect(buf.readUInt32BE(4)).toBe(6)
  const format = buf.readUInt16BE(8)
  const ntracks = buf.readUInt16BE(10)
  const division = buf.readUInt16BE(12)
  const tracks: Buffer[] = []
  let off = 14
  while (off < buf.length) {
    expect(buf.toString('ascii', off, off + 4)).toBe('MTrk')
    const len = buf.readUInt32BE(off + 4)
    tracks.push(buf.subarray(off + 8, off + 8 + len))
    off += 8 + len
  }
  expect(off).toBe(buf.length)
  return { format, ntracks, division, tracks }
}

/** Decodes a track's events (running status is never written, so each event has its status byte). */
function parseEvents(track: Buffer): Array<{ tick: number; status: number; data: number[] }> {
  const out: Array<{ tick: number; status: number; data: number[] }> = []
  let i = 0
  let tick = 0
  const readVlq = () => {
    let v = 0
    for (;;) {
      const b = track[i++]
      v = (v << 7) | (b & 0x7f)
      if (!(b & 0x80)) return v
    }
  }
  while (i < track.length) {
    tick += readVlq()
    const status = track[i++]
    if (status === 0xff) {
      const type = track[i++]
      const len = readVlq()
      out.push({ tick, status, data: [type, ...track.subarray(i, i + len)] })
      i += len
    } else {
      const n = (status & 0xf0) === 0xc0 || (status & 0xf0) === 0xd0 ? 1 : 2
      out.push({ tick, status, data: [...track.subarray(i, i + n)] })
      i += n
    }
  }
  return out
}

const tiny: MidiPiece = {
  name: 'tiny',
  tempos: [
    { at: 0, bpm: 120 },
    { at: 8, bpm: 60 },
  ],
  timeSignatures: [
    { at: 0, num: 4, den: 4 },
    { at: 8, num: 3, den: 4 },
  ],
  programs: [{ ch: 0, program: 33 }],
  notes: [
    { at: 0, dur: 1, ch: 0, key: 40, vel: 100 },
    { at: 9, dur: 0.5, ch: 9, key: 36, vel: 110 },
  ],
  end: 14,
}

describe('MIDI writer', () => {
  it('VLQ encodes like the SMF spec examples', () => {
    expect(vlq(0)).toEqual([0x00])
    expect(vlq(0x7f)).toEqual([0x7f])
    expect(vlq(0x80)).toEqual([0x81, 0x00])
    expect(vlq(0x2000)).toEqual([0xc0, 0x00])
    expect(vlq(0x0fffffff)).toEqual([0xff, 0xff, 0xff, 0x7f])
  })

  it('writes a format-1 file whose chunk lengths and events parse back', () => {
    const buf = writeMidi(tiny)
    const { format, ntracks, division, tracks } = parseChunks(buf)
    expect(format).toBe(1)
    expect(division).toBe(PPQ)
    expect(ntracks).toBe(3) // conductor, channel 0, channel 9
    expect(tracks.length).toBe(3)
    const conductor = parseEvents(tracks[0])
    const tempos = conductor.filter((e) => e.status === 0xff && e.data[0] === 0x51)
    expect(tempos.map((e) => [e.tick, (e.data[1] << 16) | (e.data[2] << 8) | e.data[3]])).toEqual([
      [0, 500000],
      [8 * PPQ, 1000000],
    ])
    const sigs = conductor.filter((e) => e.data[0] === 0x58)
    expect(sigs.map((e) => [e.tick, e.data[1], e.data[2]])).toEqual([
      [0, 4, 2],
      [8 * PPQ, 3, 2],
    ])
    for (const t of tracks) expect([...t.subarray(t.length - 3)]).toEqual([0xff, 0x2f, 0x00])
    const bass = parseEvents(tracks[1])
    expect(bass[0]).toEqual({ tick: 0, status: 0xc0, data: [33] })
    expect(bass.filter((e) => e.status === 0x90)).toEqual([{ tick: 0, status: 0x90, data: [40, 100] }])
    expect(bass.filter((e) => e.status === 0x80)).toEqual([{ tick: PPQ, status: 0x80, data: [40, 64] }])
    const drums = parseEvents(tracks[2])
    expect(drums.find((e) => e.status === 0x99)).toEqual({ tick: 9 * PPQ, status: 0x99, data: [36, 110] })
  })

  it('truth times through a tempo change and a meter change, by hand', () => {
    // Two 4/4 bars at 120 (0.5 s a beat, 0..3.5 s), then 3/4 at 60 from 4 s: 4, 5, 6 | 7, 8, 9.
    expect(beatTimes(tiny)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9])
    expect(downbeatTimes(tiny)).toEqual([0, 2, 4, 7])
    expect(beatGrid(tiny).filter((b) => b.downbeat).map((b) => b.bar)).toEqual([0, 1, 2, 3])
  })

  it('beatless spans hold no truth beats', () => {
    const p = { ...tiny, beatless: [{ from: 0, to: 4 }] }
    expect(beatTimes(p)).toEqual([2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9])
    expect(downbeatTimes(p)).toEqual([2, 4, 7])
    expect(beatlessSeconds(p)).toEqual([{ start: 0, end: 2 }])
  })

  it('6/8 counts two dotted-quarter beats per bar', () => {
    const p: MidiPiece = { ...tiny, tempos: [{ at: 0, bpm: 120 }], timeSignatures: [{ at: 0, num: 6, den: 8 }], end: 6 }
    expect(beatTimes(p)).toEqual([0, 0.75, 1.5, 2.25])
    expect(downbeatTimes(p)).toEqual([0, 1.5])
  })

  it('a tempo ramp lasts as long as the linear tempo line says', () => {
    // 100 → 116 over 88 quarters: ∫ 60/bpm dβ = 88·60·ln(116/100)/16 s; a beat plays at its midpoint tempo.
    const p: MidiPiece = { ...tiny, tempos: tempoRamp(0, 88, 100, 116), timeSignatures: [{ at: 0, num: 4, den: 4 }], end: 88 }
    const exact = (88 * 60 * Math.log(116 / 100)) / 16
    expect(tickSeconds(p)(88 * PPQ)).toBeCloseTo(exact, 2)
    const b = beatTimes(p)
    expect(b.length).toBe(88)
    expect(60 / (b[1] - b[0])).toBeCloseTo(100.09, 1)
    expect(60 / (b[87] - b[86])).toBeCloseTo(115.73, 1)
  })
})

describe('the evaluation pieces', () => {
  const pieces = evalPieces()
  it('covers the required styles with 40–70 s pieces and plausible arrangements', () => {
    expect(pieces.length).toBeGreaterThanOrEqual(8)
    expect(new Set(pieces.map((p) => p.name)).size).toBe(pieces.length)
    for (const p of pieces) {
      const t = pieceTruth(p)
      expect(t.durationSec, p.name).toBeGreaterThanOrEqual(40)
      expect(t.durationSec, p.name).toBeLessThanOrEqual(70)
      const channels = new Set(p.notes.map((n) => n.ch))
      expect(channels.has(9), `${p.name} has drums`).toBe(true)
      expect(channels.size, `${p.name} has drums, bass, chords and melody`).toBeGreaterThanOrEqual(4)
      expect(t.downbeats.every((d) => t.beats.includes(d))).toBe(true)
      for (const n of p.notes) expect(n.at).toBeGreaterThanOrEqual(0)
    }
    expect(pieces.some((p) => p.meter === 3)).toBe(true)
    expect(pieces.some((p) => p.tempos.length > 20)).toBe(true)
  })

  it('the rubato intro has a beatless span of 8–12 s with no truth beats and no drums', () => {
    const p = pieces.find((x) => x.beatless?.length)!
    const t = pieceTruth(p)
    const span = t.beatless[0]
    expect(span.end - span.start).toBeGreaterThanOrEqual(8)
    expect(span.end - span.start).toBeLessThanOrEqual(12)
    expect(t.beats.filter((b) => b < span.end)).toEqual([])
    expect(t.beats[0]).toBeCloseTo(span.end, 6)
    expect(p.notes.filter((n) => n.ch === 9 && n.at < p.beatless![0].to)).toEqual([])
  })

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(evalPieces(1))).toBe(JSON.stringify(pieces))
    expect(JSON.stringify(evalPieces(2))).not.toBe(JSON.stringify(pieces))
  })
})

describe('rendering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longav-eval-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('renders a MIDI piece with fluidsynth whose hits land on the truth beats; concurrent renders are safe', async () => {
    // Two 4/4 bars at 100 BPM then two at 150: a kick on every beat, nothing else.
    const piece: EvalPiece = {
      name: 'kicks',
      description: 'kick on every beat',
      meter: 4,
      tempos: [
        { at: 0, bpm: 100 },
        { at: 8, bpm: 150 },
      ],
      timeSignatures: [{ at: 0, num: 4, den: 4 }],
      programs: [],
      notes: Array.from({ length: 16 }, (_, k) => ({ at: k, dur: 0.25, ch: 9, key: 36, vel: 120 })),
      end: 16,
    }
    const [a, b] = await Promise.all([renderPiece(piece, dir, findSoundfont()), renderPiece(piece, dir, findSoundfont())])
    expect(a.path).toBe(b.path)
    expect(readdirSync(dir)).toEqual(['kicks.mp3']) // no temp files left behind
    expect((await renderPiece(piece, dir, findSoundfont())).cached).toBe(true)
    const audio = await decodeAudioMono(a.path, { sampleRate: 22050 })
    const truth = pieceTruth(piece)
    expect(truth.durationSec).toBeCloseTo(4 * 0.6 + 4 * 0.6 + 8 * 0.4, 6)
    // The silent ring-out fluidsynth leaves is cut to 2 s after the last bar line.
    expect(audio.samples.length / 22050).toBeGreaterThan(truth.durationSec + 1.8)
    expect(audio.samples.length / 22050).toBeLessThan(truth.durationSec + 2.2)
    const rms = (t0: number, t1: number) => {
      let acc = 0
      const i0 = Math.max(0, Math.round(t0 * 22050))
      const i1 = Math.min(audio.samples.length, Math.round(t1 * 22050))
      for (let i = i0; i < i1; i++) acc += audio.samples[i] ** 2
      return Math.sqrt(acc / Math.max(1, i1 - i0))
    }
    for (const t of truth.beats.slice(1)) {
      // The kick starts within a few ms of its beat: loud just after, the previous decay just before.
      expect(rms(t, t + 0.04), `beat at ${t}`).toBeGreaterThan(2 * rms(t - 0.04, t - 0.005))
    }
  })

  it('structured truth matches what the synthesizer plays', () => {
    const s = structuredSpecs()[3]
    const short = { ...s, spec: { ...s.spec, sections: s.spec.sections.slice(0, 2), tailSec: 0.2 } }
    const song = synthesizeSong(short.spec)
    const t = structuredTruth(short)
    expect(t.beats).toEqual(song.beats)
    expect(t.downbeats).toEqual(song.downbeats)
    expect(t.sections).toEqual(song.sections)
    expect(t.boundaries).toEqual([0, song.sections[0].end, song.sections[1].end])
  })

  it('structured specs: 4+ tracks of 60–120 s with 4–8 sections, repeats and 8-bar sections', () => {
    const specs = structuredSpecs()
    expect(specs.length).toBeGreaterThanOrEqual(4)
    for (const s of specs) {
      const t = structuredTruth(s)
      expect(t.durationSec, s.name).toBeGreaterThanOrEqual(60)
      expect(t.durationSec, s.name).toBeLessThanOrEqual(120)
      expect(t.sections.length).toBeGreaterThanOrEqual(4)
      expect(t.sections.length).toBeLessThanOrEqual(8)
      const labels = t.sections.map((x) => x.label)
      expect(new Set(labels).size, `${s.name} repeats a section`).toBeLessThan(labels.length)
      expect(s.spec.sections.some((x) => x.bars === 8)).toBe(true)
    }
    expect(new Set(specs.map((s) => s.spec.bpm)).size).toBe(specs.length)
  })
})

describe('evaluation helpers', () => {
  it('counts beats inside beatless spans, forgiving the first true beat by 70 ms', () => {
    const spans = [{ start: 0, end: 10 }]
    expect(beatsInSpans([1, 5, 9.95, 10, 10.5], spans)).toBe(2)
    expect(beatsInSpans([9.92, 10.4], spans)).toBe(1)
    expect(beatsInSpans([], spans)).toBe(0)
  })
  it('tempo varies when beat intervals span more than 4 %', () => {
    const pieces = evalPieces()
    const varying = pieces.filter((p) => tempoVaries(pieceTruth(p).beats)).map((p) => p.name)
    expect(varying).toEqual(['tempo-step-96-128', 'accelerando-100-116'])
  })
  it('median tempo of beats', () => {
    expect(medianTempo([0, 0.5, 1, 1.5, 2.2])).toBeCloseTo(120, 9)
    expect(medianTempo([1])).toBe(0)
  })
})
