import { describe, expect, it } from 'vitest'
import { beatTimes, downbeatTimes, writeMidi, type MidiPiece } from '../tools/eval/midi.js'
import { midiTickSeconds, readMidi } from '../tools/eval/midiRead.js'
import { generate, generatedPieces, genSpecs } from '../tools/devset/generators.js'
import { planPiece, windows, type Piece } from '../tools/devset/plan.js'
import { sharedComposerSets, SOURCES } from '../tools/devset/sources.js'
import { SOUNDFONTS } from '../tools/devset/render.js'
import { vetMidi } from '../tools/devset/vet.js'

/** A 3/4 waltz: bass on 1 (long, loud), chords on 2 and 3, at `bpm`, optionally with a pickup beat first. */
function waltz(opts: { bars?: number; bpm?: number; pickup?: boolean; jitter?: number; noSig?: boolean } = {}): MidiPiece {
  const bars = opts.bars ?? 24
  const off = opts.pickup ? 1 : 0
  const notes: MidiPiece['notes'] = []
  let seed = 7
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * (opts.jitter ?? 0)
  if (opts.pickup) notes.push({ at: 0, dur: 0.5, ch: 1, key: 67, vel: 60 })
  for (let b = 0; b < bars; b++) {
    const at = off + b * 3
    notes.push({ at: at + rnd(), dur: 2.5, ch: 0, key: 41 + (b % 2) * 7, vel: 110 })
    for (const k of [1, 2]) for (const key of [60, 64, 67]) notes.push({ at: at + k + rnd(), dur: 0.5, ch: 1, key, vel: 62 })
    notes.push({ at: at + rnd(), dur: 1, ch: 2, key: 72 + (b % 3), vel: 80 })
  }
  return {
    name: 'waltz',
    tempos: [{ at: 0, bpm: opts.bpm ?? 150 }],
    timeSignatures: opts.noSig ? [] : [{ at: 0, num: 3, den: 4 }],
    programs: [],
    notes,
    end: off + bars * 3,
  }
}

describe('MIDI reader', () => {
  it('reads back what the writer wrote: tempo map, signatures, notes, seconds', () => {
    const p = generate({ name: 'x', signature: '6/8', bpm: 100, feel: 'straight', tempo: 'step', drums: 'full', bars: 12, seed: 3 })
    const f = readMidi(writeMidi(p))
    expect(f.ppq).toBe(480)
    expect(f.timeSignatures).toEqual([{ tick: 0, num: 6, den: 8 }])
    expect(f.notes.length).toBe(p.notes.length)
    expect(f.tempos.length).toBe(p.tempos.length)
    const sec = midiTickSeconds(f)
    // The last beat in seconds matches the writer's own truth.
    const beats = beatTimes(p)
    expect(sec(Math.round(((beats.length - 1) * 1.5 * 480)))).toBeCloseTo(beats[beats.length - 1], 5)
  })

  it('refuses what is not a MIDI file', () => {
    expect(() => readMidi(Buffer.from('RIFF....WAVEfmt '))).toThrow(/MThd/)
  })
})

describe('grid vetting', () => {
  it('keeps a sequenced waltz: meter 3, downbeats on the bass notes', () => {
    const v = vetMidi(readMidi(writeMidi(waltz())))
    expect(v.ok).toBe(true)
    if (!v.ok) return
    expect(v.truth.meter).toBe(3)
    expect(v.truth.signature).toBe('3/4')
    expect(v.truth.downbeats.slice(0, 3)).toEqual([0, 1.2, 2.4])
  })

  it('finds the pickup of a file written without a short first bar and moves the bar lines', () => {
    const v = vetMidi(readMidi(writeMidi(waltz({ pickup: true }))))
    expect(v.ok).toBe(true)
    if (!v.ok) return
    expect(v.truth.tags).toContain('anacrusis')
    // The bass enters one beat (0.4 s at 150 BPM) in: that is the first downbeat after the pickup.
    expect(v.truth.downbeats).toContain(0.4)
    expect(v.truth.downbeats).not.toContain(1.2)
  })

  it('infers 3/4 from the accents when the file has no time signature', () => {
    const v = vetMidi(readMidi(writeMidi(waltz({ noSig: true }))))
    expect(v.ok && v.truth.meter).toBe(3)
    expect(v.ok && v.truth.tags).toContain('signature-inferred')
  })

  it('hears an unsigned bar of three quarters with its accent half-way through as 6/8 (2 beats)', () => {
    const notes: MidiPiece['notes'] = []
    for (let b = 0; b < 30; b++) {
      const at = b * 3
      notes.push({ at, dur: 1.4, ch: 0, key: 40, vel: 115 }, { at, dur: 0.1, ch: 9, key: 36, vel: 110 }, { at: at + 1.5, dur: 0.1, ch: 9, key: 38, vel: 105 })
      for (let e = 0; e < 6; e++) notes.push({ at: at + e / 2, dur: 0.1, ch: 9, key: 42, vel: e % 3 === 0 ? 80 : 55 })
    }
    const v = vetMidi(readMidi(writeMidi({ name: 'jig', tempos: [{ at: 0, bpm: 180 }], timeSignatures: [], programs: [], notes, end: 90 })))
    expect(v.ok && v.truth.signature).toBe('6/8')
    expect(v.ok && v.truth.meter).toBe(2)
    expect(v.ok && v.truth.beats[2]).toBeCloseTo(1, 4)
  })

  it('drops a file whose notes were played freely against the tempo map', () => {
    const v = vetMidi(readMidi(writeMidi(waltz({ jitter: 0.6 }))))
    expect(v.ok).toBe(false)
    expect(!v.ok && v.reason).toMatch(/off the tempo map/)
  })

  it('drops a tempo no listener taps at the notated beat', () => {
    const v = vetMidi(readMidi(writeMidi(waltz({ bpm: 400, bars: 80 }))))
    expect(!v.ok && v.reason).toMatch(/outside/)
  })
})

describe('excerpts and splits', () => {
  const p = generate({ name: 'long', signature: '4/4', bpm: 120, feel: 'straight', tempo: 'steady', drums: 'full', bars: 150, seed: 1 })
  const truth = { beats: beatTimes(p), downbeats: downbeatTimes(p), meter: 4, signature: '4/4', tags: [], startSec: 0, endSec: 300 }

  it('cuts a 5-minute piece into excerpts of at most 120 s, cut on downbeats', () => {
    const ws = windows(truth, 120, 12345)
    expect(ws.length).toBe(3)
    for (const w of ws) expect(w.end - w.start).toBeLessThanOrEqual(120)
    for (const w of ws.slice(0, -1)) expect(truth.downbeats).toContain(w.end)
  })

  it("shifts each excerpt's truth to its own clock", () => {
    const piece: Piece = { key: 'generated/long', source: 'generated', composerSet: 'generated:dev', split: 'dev', truth }
    const planned = planPiece(piece, ['a', 'b'], { maxSec: 120, firstOnly: false, fontsPerPiece: 1, processing: ['clean'] })
    const second = planned[1]
    expect(second.item.beats[0]).toBeGreaterThanOrEqual(0)
    expect(second.item.beats[0]).toBeLessThan(0.5 + 1e-9)
    for (const b of second.item.beats) expect(truth.beats).toContainEqual(expect.closeTo(b + second.start, 5))
    expect(second.item.bpm).toBeCloseTo(120, 1)
    expect(second.item.tags).toContain('excerpt')
  })

  it('no composer set, soundfont or piece in both splits; generated specs cover every meter in the test split', () => {
    const gen = generatedPieces()
    const sets = [...SOURCES.map((s) => ({ split: s.split, composerSet: s.id })), ...gen.map((g) => ({ split: g.piece.split, composerSet: g.piece.composerSet }))]
    expect(sharedComposerSets(sets)).toEqual([])
    const fonts = new Map(SOUNDFONTS.map((s) => [s.id, s.split]))
    expect(new Set(fonts.values())).toEqual(new Set(['dev', 'test']))
    const keys = (split: string) => new Set(gen.filter((g) => g.piece.split === split).map((g) => g.piece.key))
    expect([...keys('dev')].filter((k) => keys('test').has(k))).toEqual([])
    const testSigs = new Set(genSpecs('test').map((s) => s.signature))
    for (const sig of ['2/4', '3/4', '4/4', '5/4', '7/4', '6/8']) expect(testSigs).toContain(sig)
    for (const g of gen) expect(g.piece.truth.beats.length).toBeGreaterThan(16)
  })
})

describe('MIDI truncation', () => {
  it('keeps everything before the cut and nothing after it', async () => {
    const { truncateMidi } = await import('../tools/eval/midiTruncate.js')
    const p = generate({ name: 't', signature: '4/4', bpm: 120, feel: 'straight', tempo: 'step', drums: 'full', bars: 20, seed: 5 })
    const full = readMidi(writeMidi(p))
    const cut = readMidi(truncateMidi(writeMidi(p), 10))
    const sec = midiTickSeconds(full)
    const before = full.notes.filter((n) => sec(n.tick) <= 10)
    expect(cut.notes.map((n) => [n.tick, n.key, n.ch])).toEqual(before.map((n) => [n.tick, n.key, n.ch]))
    expect(cut.tempos).toEqual(full.tempos.filter((t) => sec(t.tick) <= 10))
  })
})
