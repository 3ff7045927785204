import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames, probeMedia, runFfmpeg } from '../src/ffmpeg/index.js'
import { piecewiseLinearExpr } from '../src/ffmpeg/footage.js'
import { measureFrames } from '../src/metrics/measureFrames.js'
import { motionPeaks } from '../src/metrics/sync.js'
import {
  chooseFootage,
  clipTiming,
  createFootageGenerator,
  FootageError,
  matchTags,
  openFootageLibrary,
  readFootageChoice,
  shotKeysOf,
  shotNeedOf,
  spanOf,
  SpanRegistry,
  stillWindowAt,
  planStillMove,
  type FootageClip,
  type FootageLibrary,
  type ShotNeed,
} from '../src/render/generators/footage/index.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { SegmentGenerator, SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, SectionMood, Shot } from '../src/schemas/index.js'
import { writeBurstClip, writeCornerClip, writeCorrupt, writeStill } from './helpers/footageClips.js'
import { openStore } from '../src/store/index.js'
import { FOOTAGE_ANALYSIS_KIND } from '../src/render/generators/footage/cache.js'

const tmp = mkdtempSync(join(tmpdir(), 'longav-footage-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const cacheDir = join(tmp, 'cache')

const FPS = 24
/** Beats (and hits) every 12 frames, on shot frames 6, 18, 30, 42, … */
const BEAT_OFFSET = 6
const BEAT_EVERY = 12

const mara: CharacterCard = {
  kind: 'character', id: 'mara', name: 'Mara', description: 'singer with a red scarf', seed: 3,
  palette: ['#e63946', '#1d3557'], shape: { height: 0.6, build: 0.3, headSize: 0.16, hair: 2, accessory: 2, outfit: 0 },
}
const otto: CharacterCard = {
  kind: 'character', id: 'otto', name: 'Otto Lind', description: 'guitarist', seed: 4,
  palette: ['#2a9d8f', '#264653'], shape: { height: 0.7, build: 0.4, headSize: 0.14, hair: 1, accessory: 5, outfit: 1 },
}
const rooftop: LocationCard = {
  kind: 'location', id: 'rooftop', name: 'Rooftop', description: 'a city rooftop at night', seed: 5,
  palette: ['#2a2350', '#ff6b8b'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.5 },
}
const alley: LocationCard = {
  kind: 'location', id: 'back-alley', name: 'Back Alley', description: 'a wet alley', seed: 6,
  palette: ['#101820', '#f2aa4c'], shape: { world: 'interior', timeOfDay: 'night', density: 0.5 },
}
const dunes: LocationCard = {
  kind: 'location', id: 'dunes', name: 'Dunes', description: 'sand at noon', seed: 8,
  palette: ['#e9a56b', '#7a4b2a'], shape: { world: 'dunes', timeOfDay: 'day', density: 0.5 },
}
const moodOf = (mood: string, label = 'verse'): SectionMood => ({
  sectionIndex: 0, label, mood, colour: '#334455', intensity: 0.6, locationId: 'rooftop', characterIds: [],
})

function controls(start: number, frames: number): FrameControl[] {
  return Array.from({ length: frames }, (_, i) => {
    const on = i % BEAT_EVERY === BEAT_OFFSET
    return {
      frame: start + i, loudness: 0.5, hit: on ? 1 : 0, hue: 0, brightness: 0.5, harmonic: 0.5, vocal: 0, sectionIndex: 0,
      beatPhase: ((i - BEAT_OFFSET + BEAT_EVERY) % BEAT_EVERY) / BEAT_EVERY, barPhase: 0, onBeat: on, onDownbeat: on && i === BEAT_OFFSET,
    }
  })
}

let counter = 0
interface RequestOptions {
  index?: number
  frames?: number
  fps?: number
  width?: number
  height?: number
  location?: LocationCard
  characters?: CharacterCard[]
  mood?: SectionMood
  prompt?: string
  camera?: Shot['camera']
  framing?: Shot['framing']
  attempt?: number
}
function request(o: RequestOptions = {}): SegmentRequest {
  const frames = o.frames ?? 48
  const fps = o.fps ?? FPS
  const dir = join(tmp, `seg-${counter++}`)
  mkdirSync(dir, { recursive: true })
  const location = o.location ?? rooftop
  const characters = o.characters ?? [mara]
  const shot: Shot = {
    index: o.index ?? 0, startFrame: 0, endFrame: frames, sectionIndex: 0, cutOn: 'start', locationId: location.id,
    characterIds: characters.map((c) => c.id), camera: o.camera ?? 'push-in', framing: o.framing ?? 'medium',
    prompt: o.prompt ?? 'Mara on a city rooftop at night', seed: 1, continuesPrevious: false, motionGain: 0.6, captions: [],
  }
  return {
    shot, fps, width: o.width ?? 192, height: o.height ?? 108, frames, attempt: o.attempt ?? 0,
    style: { look: 'grainy', palette: ['#112233', '#ffcc00'], grain: 0.2, vignette: 0.2, captionFont: 'DejaVu Sans' },
    mood: o.mood, location, characters, controls: controls(0, frames),
    audio: { path: '/nonexistent.wav', startSec: 0, endSec: frames / fps },
    referenceKeyframes: {},
    out: { video: join(dir, 'shot.mp4'), firstFrame: join(dir, 'first.png'), lastFrame: join(dir, 'last.png'), keyFrame: join(dir, 'key.png') },
  }
}

const ctx = () => ({ signal: new AbortController().signal, onProgress: () => {} })

/** Motion peaks of a rendered segment, measured from its real frames like the verifier does. */
async function measuredPeaks(video: string): Promise<{ peaks: number[]; motion: Float32Array; frames: number }> {
  const m = await measureFrames(video)
  return { peaks: motionPeaks(m.motion), motion: m.motion, frames: m.frames }
}

const nearest = (xs: number[], x: number) => Math.min(...xs.map((v) => Math.abs(v - x)))

// ---------------------------------------------------------------------------------------------
// Pure parts

describe('tag matching', () => {
  const keys = shotKeysOf({ location: alley, characters: [mara, otto], mood: moodOf('tense, hushed, intimate', 'verse'), shot: { prompt: 'rain on neon signs' } as Shot })

  it('matches ids, names and prefixed forms, case- and punctuation-insensitively', () => {
    expect(matchTags(['back-alley'], keys).score).toBe(3)
    expect(matchTags(['Back Alley'], keys).score).toBe(3)
    expect(matchTags(['place:BACK_ALLEY'], keys).score).toBe(3)
    expect(matchTags(['location:back alley'], keys).score).toBe(3)
    expect(matchTags(['character:mara'], keys).score).toBe(3)
    expect(matchTags(['character:Otto Lind'], keys).score).toBe(3)
    expect(matchTags(['OTTO'], keys).score).toBe(3) // the id
    expect(matchTags(['Lind'], keys).score).toBe(0) // a name is matched whole
    expect(matchTags(['mood:Tense'], keys).score).toBe(1)
    expect(matchTags(['mood:hushed intimate'], keys).score).toBe(1)
    expect(matchTags(['verse'], keys).score).toBe(1) // the section's label
    expect(matchTags(['neon'], keys).score).toBe(1) // a prompt word
    expect(matchTags(['mara', 'alley', 'mood:tense'], keys)).toEqual({ score: 3 + 0 + 1, matched: ['mara', 'mood:tense'] })
    expect(matchTags(['place:back-alley', 'character:mara', 'mood:tense'], keys).score).toBe(7)
  })

  it('prefixed place and character tags are constraints; untagged or * footage is generic', () => {
    const r = matchTags(['place:rooftop', 'mood:tense', 'mara'], keys)
    expect(r.score).toBe(0)
    expect(r.excludedBy).toBe('place:rooftop')
    expect(matchTags(['character:nina', 'back-alley'], keys)).toMatchObject({ score: 0, excludedBy: 'character:nina' })
    expect(matchTags(['sunny', 'beach'], keys).score).toBe(0)
    expect(matchTags([], keys).score).toBe(0.5)
    expect(matchTags(['*'], keys).score).toBe(0.5)
    expect(matchTags(['any', 'mara'], keys).score).toBe(3)
  })
})

describe('clip timing', () => {
  it('conforms near rates frame for frame, drops whole ratios, blends the rest, slows short clips', () => {
    expect(clipTiming(24, 240, 24, 48)).toMatchObject({ step: 1, speed: 1, resample: 'conform', sourceFrames: 48, slowed: false })
    const c = clipTiming(30, 240, 24, 48)!
    expect(c).toMatchObject({ step: 1, resample: 'conform', sourceFrames: 48 })
    expect(c.speed).toBeCloseTo(0.8, 10)
    expect(clipTiming(60, 240, 30, 48)).toMatchObject({ step: 2, resample: 'drop', sourceFrames: 95 })
    const b = clipTiming(50, 240, 24, 48)!
    expect(b.resample).toBe('blend')
    expect(b.speed).toBeCloseTo(1, 10)
    const s = clipTiming(24, 24, 24, 48)!
    expect(s).toMatchObject({ resample: 'blend', slowed: true, sourceFrames: 24 })
    expect(s.step).toBeCloseTo(23 / 47, 10)
    expect(clipTiming(24, 10, 24, 48)).toBeUndefined() // > 4× slower
  })
})

/** A clip with a synthetic motion curve: peaks of 1 px at `peaks`, nothing elsewhere. */
function fakeClip(path: string, frames: number, peaks: number[], tags: string[], cuts: number[] = []): FootageClip {
  const motion = new Float32Array(frames)
  for (const p of peaks) {
    motion[p - 1] = 0.5
    motion[p] = 1
    motion[p + 1] = 0.5
  }
  const flat = () => new Float32Array(frames).fill(0.5)
  return {
    kind: 'clip', path, tags, hash: path, width: 320, height: 180, sar: 1, formatName: 'mov,mp4', fps: FPS, frames,
    durationSec: frames / FPS, analysisWidth: 160, analysisHeight: 90, motion, peaks: motionPeaks(motion), cuts,
    activity: { cx: flat(), cy: flat(), energy: new Float32Array(frames), x0: flat(), y0: flat(), x1: flat(), y1: flat() },
  }
}
const libraryOf = (...items: FootageClip[]): FootageLibrary => ({ items, get: (p) => items.find((i) => i.path === p) })
const needOf = (o: RequestOptions = {}): ShotNeed => shotNeedOf(request(o))

describe('choosing footage (pure)', () => {
  it('picks the in-point that puts the motion peaks on the beats, and never the same span twice', () => {
    // Regular runs at 60…96 and 150…186; stray bursts elsewhere.
    const clip = fakeClip('/f/bursts.mp4', 240, [20, 33, 60, 72, 84, 96, 110, 125, 150, 162, 174, 186, 205, 221], ['rooftop'])
    const lib = libraryOf(clip)
    const shown = new SpanRegistry()
    const first = chooseFootage(needOf({ index: 0 }), lib, shown)
    expect(first.choice?.kind).toBe('clip')
    const a = first.choice as Extract<typeof first.choice, { kind: 'clip' }>
    expect([54, 144]).toContain(a.inFrame)
    expect(a.alignment.avAlign).toBe(1)
    expect(a.alignment.peaks).toEqual([6, 18, 30, 42])
    shown.reserve(spanOf(a, 0, 0))
    const second = chooseFootage(needOf({ index: 1 }), lib, shown).choice as typeof a
    expect(second.inFrame).toBe(a.inFrame === 54 ? 144 : 54)
    expect(second.alignment.avAlign).toBe(1)
    shown.reserve(spanOf(second, 1, 0))
    // The third gets a free span (worse aligned) rather than a shown one.
    const third = chooseFootage(needOf({ index: 2 }), lib, shown)
    const t = third.choice as typeof a
    expect(t.reused).toBe(false)
    expect(t.overlapFrames).toBe(0)
    expect(t.alignment.avAlign).toBeLessThan(1)
    expect('log' in third && third.log).toBeFalsy()
  })

  it('reuses the least-overlapping span only when nothing is free, and says so', () => {
    const clip = fakeClip('/f/short.mp4', 60, [10, 22, 34, 46], ['rooftop'])
    const lib = libraryOf(clip)
    const shown = new SpanRegistry()
    shown.reserve({ asset: clip.path, start: 0, end: 40, shotIndex: 4, attempt: 0 })
    const r = chooseFootage(needOf({ index: 5 }), lib, shown)
    const c = r.choice as Extract<NonNullable<typeof r.choice>, { kind: 'clip' }>
    // Spans are 48 frames of 60: [12, 60) overlaps the shown [0, 40) least (28 frames).
    expect(c.reused).toBe(true)
    expect(c.inFrame).toBe(12)
    expect(c.overlapFrames).toBe(28)
    expect('log' in r && r.log).toMatch(/shot 5: every span of the matching footage is already shown; reusing \/f\/short\.mp4 .*by shot 4/)
  })

  it('skips a clip shorter than the shot for a longer one, slows it when it is all there is, and never spans an edit', () => {
    const short = fakeClip('/f/a-short.mp4', 30, [6, 18], ['rooftop'])
    // Its best span, [30, 78), straddles an edit at 50.
    const uncut = fakeClip('/f/z-long.mp4', 100, [36, 48, 60, 72], ['rooftop'])
    expect((chooseFootage(needOf(), libraryOf(uncut), new SpanRegistry()).choice as { inFrame: number }).inFrame).toBe(30)
    const long = { ...uncut, cuts: [50] }
    const r = chooseFootage(needOf(), libraryOf(short, long), new SpanRegistry())
    expect(r.choice?.asset).toBe(long.path)
    const c = r.choice as Extract<NonNullable<typeof r.choice>, { kind: 'clip' }>
    // Spans [s, s + 48) with 50 strictly inside are out: only s ≤ 2 and s ≥ 50 remain.
    expect(c.inFrame <= 2 || c.inFrame >= 50).toBe(true)
    expect(c.cutsInside).toBe(0)
    const alone = chooseFootage(needOf(), libraryOf(short), new SpanRegistry()).choice as typeof c
    expect(alone.timing.slowed).toBe(true)
    expect(alone.inFrame).toBe(0)
  })

  it('ranks by tags first, then the least-used asset; no match gives the reason', () => {
    const mood = fakeClip('/f/mood.mp4', 100, [], ['mood:tense'])
    const place = fakeClip('/f/place.mp4', 100, [], ['place:rooftop'])
    const place2 = fakeClip('/f/place2.mp4', 100, [], ['rooftop'])
    const lib = libraryOf(mood, place, place2)
    const shown = new SpanRegistry()
    const need = needOf({ mood: moodOf('tense, driving') })
    const first = chooseFootage(need, lib, shown).choice!
    expect([place.path, place2.path]).toContain(first.asset)
    shown.reserve(spanOf(first, 0, 0))
    const second = chooseFootage(need, lib, shown).choice!
    expect(second.asset).toBe(first.asset === place.path ? place2.path : place.path)
    const none = chooseFootage(needOf({ location: dunes, characters: [], mood: moodOf('calm') }), libraryOf(place), new SpanRegistry())
    expect(none.choice).toBeNull()
    expect('reason' in none && none.reason).toMatch(/no footage is tagged for location dunes/)
  })
})

describe('framing (pure)', () => {
  it('a still moves slowly from its centre toward its most detailed region, zooming 1.0 → 1.08', () => {
    const move = planStillMove({ width: 640, height: 360, detail: { cx: 0.2, cy: 0.75 } }, 'push-in', { width: 192, height: 108 })
    const a = stillWindowAt(move, 640, 360, 0)
    const b = stillWindowAt(move, 640, 360, 1)
    expect(a).toEqual({ x: 0, y: 0, width: 640, height: 360 })
    expect(b.width).toBeCloseTo(640 / 1.08, 6)
    expect(b.x).toBeCloseTo(0, 6) // as far left as the window goes
    expect(b.y).toBeCloseTo(360 - 360 / 1.08, 6) // and as far down
    const pan = planStillMove({ width: 640, height: 360, detail: { cx: 0.5, cy: 0.5 } }, 'pan-left', { width: 192, height: 108 })
    const p0 = stillWindowAt(pan, 640, 360, 0)
    const pm = stillWindowAt(pan, 640, 360, 0.5)
    const p1 = stillWindowAt(pan, 640, 360, 1)
    expect(p0.x).toBeGreaterThan(pm.x)
    expect(pm.x).toBeGreaterThan(p1.x) // it keeps moving for the whole shot
    expect(pm.x).toBeCloseTo((p0.x + p1.x) / 2, 6)
  })

  it('builds flat piecewise-linear ffmpeg expressions', () => {
    expect(piecewiseLinearExpr([{ frame: 0, value: 10 }])).toBe('10')
    expect(piecewiseLinearExpr([{ frame: 0, value: 10 }, { frame: 4, value: 2 }, { frame: 8, value: 2 }])).toBe('10-2*clip(n-0,0,4)')
  })
})

// ---------------------------------------------------------------------------------------------
// Real files

const BURST_PEAKS = [20, 33, 60, 72, 84, 96, 110, 125, 150, 162, 174, 186, 205, 221]
let bursts: string
let cornerRight: string
let cornerLeft: string
let stillPng: string
let stillJpg: string
let oneSpan: string
let shortClip: string

beforeAll(async () => {
  bursts = (await writeBurstClip(join(tmp, 'bursts.mp4'), { peaks: BURST_PEAKS, frames: 240 })).path
  cornerRight = (await writeCornerClip(join(tmp, 'corner-right.mkv'), { centre: { x: 270, y: 40 }, frames: 96 })).path
  cornerLeft = (await writeCornerClip(join(tmp, 'corner-left.mp4'), { centre: { x: 50, y: 140 }, frames: 96 })).path
  stillPng = (await writeStill(join(tmp, 'still.png'), { patch: { x: 24, y: 190 } })).path
  stillJpg = (await writeStill(join(tmp, 'still.jpg'), { patch: { x: 400, y: 20 } })).path
  oneSpan = (await writeBurstClip(join(tmp, 'one-span.mp4'), { peaks: [6, 18, 30, 42], frames: 48, seed: 3 })).path
  shortClip = (await writeBurstClip(join(tmp, 'short.mp4'), { peaks: [8, 16], frames: 24, seed: 5 })).path
})

describe('footage library', () => {
  it('probes clips and stills, finds the known motion peaks and where the activity is; caches by file hash', async () => {
    const lib = await openFootageLibrary(
      [
        { path: bursts, tags: ['a'] },
        { path: cornerRight, tags: [] },
        { path: stillPng, tags: [] },
        { path: stillJpg, tags: [] },
        { path: bursts, tags: ['b'] },
      ],
      { store: openStore(cacheDir) },
    )
    expect(lib.items.map((i) => i.kind)).toEqual(['clip', 'clip', 'still', 'still'])
    const b = lib.get(bursts) as FootageClip
    expect(b.tags).toEqual(['a', 'b'])
    expect(b.frames).toBe(240)
    expect(b.peaks).toEqual(BURST_PEAKS)
    expect(b.cuts).toEqual([])
    const c = lib.get(cornerRight) as FootageClip
    let se = 0
    let sx = 0
    let sy = 0
    for (let i = 0; i < c.frames; i++) {
      se += c.activity.energy[i]
      sx += c.activity.energy[i] * c.activity.cx[i]
      sy += c.activity.energy[i] * c.activity.cy[i]
    }
    expect(sx / se).toBeCloseTo(270 / 320, 1)
    expect(sy / se).toBeCloseTo(40 / 180, 1)
    const s = lib.get(stillPng)!
    expect(s.kind === 'still' && s.detail.cx).toBeCloseTo(124 / 640, 1)
    expect(s.kind === 'still' && s.detail.cy).toBeCloseTo(265 / 360, 1)
    const j = lib.get(stillJpg)!
    expect(j.kind === 'still' && j.detail.cx).toBeCloseTo(500 / 640, 1)

    // The second open (another process: a fresh store) reads the store: a doctored analysis shows through.
    const kindDir = join(cacheDir, FOOTAGE_ANALYSIS_KIND)
    const file = readdirSync(kindDir).find((f) => f === `${b.hash}.json`)!
    const cached = JSON.parse(readFileSync(join(kindDir, file), 'utf8'))
    cached.motion = cached.motion.map((_: number, i: number) => (i === 100 ? 5 : 0))
    writeFileSync(join(kindDir, file), JSON.stringify(cached))
    const again = await openFootageLibrary([{ path: bursts, tags: [] }], { store: openStore(cacheDir) })
    expect((again.items[0] as FootageClip).peaks).toEqual([100])
    writeFileSync(join(kindDir, file), JSON.stringify({ ...cached, motion: Array.from(b.motion) }))
  })

  it('a missing or unreadable asset is a FootageError naming it', async () => {
    const missing = join(tmp, 'nope', 'gone.mp4')
    const err = await openFootageLibrary([{ path: missing, tags: [] }]).catch((e) => e)
    expect(err).toBeInstanceOf(FootageError)
    expect(err.asset).toBe(missing)
    expect(err.message).toMatch(/not found: .*gone\.mp4/)
    const corrupt = writeCorrupt(join(tmp, 'corrupt.mp4'))
    const bad = await openFootageLibrary([{ path: stillPng, tags: [] }, { path: corrupt, tags: [] }]).catch((e) => e)
    expect(bad).toBeInstanceOf(FootageError)
    expect(bad.asset).toBe(corrupt)
    expect(bad.message).toMatch(/ffmpeg cannot read footage asset .*corrupt\.mp4/)
    // Through the generator too, on the first shot.
    const gen = createFootageGenerator({ assets: [{ path: corrupt, tags: [] }], fallback: createProceduralGenerator() })
    await expect(gen.generate(request(), ctx())).rejects.toBeInstanceOf(FootageError)
  })
})

describe('footage generator', () => {
  it('puts the clip motion peaks on the shot beats, measured from the real mp4, with the exact frame count', async () => {
    const gen = createFootageGenerator({ assets: [{ path: bursts, tags: ['place:rooftop', 'character:mara'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir) })
    expect(gen.id).toBe('footage')
    expect(gen.capabilities).toMatchObject({ keyframeIn: false, referenceImages: false, audioConditioned: false })
    const req = request({ index: 3 })
    const seg = await gen.generate(req, ctx())
    expect(seg).toMatchObject({ generator: 'footage', frames: 48, shotIndex: 3, path: req.out.video })
    for (const p of [req.out.firstFrame, req.out.keyFrame, req.out.lastFrame]) expect(existsSync(p)).toBe(true)
    const probe = await probeMedia(req.out.video, { countFrames: true })
    expect(probe.video).toMatchObject({ codec: 'h264', width: 192, height: 108, pixFmt: 'yuv420p', frames: 48 })
    expect(probe.video!.fps).toBe(24)

    const rec = await readFootageChoice(req.out.video)
    expect(rec.kind).toBe('clip')
    if (rec.kind !== 'clip') return
    expect(rec.asset).toBe(bursts)
    expect(rec.matchedTags).toEqual(['place:rooftop', 'character:mara'])
    expect([54, 144]).toContain(rec.inFrame)
    expect(rec.alignment.targets).toEqual([6, 18, 30, 42])
    expect(rec.resample).toBe('conform')
    // The real video: every beat carries a motion peak within a frame, and no other peak shows.
    const m = await measuredPeaks(req.out.video)
    expect(m.frames).toBe(48)
    expect(m.peaks).toEqual(rec.alignment.targets)
  })

  it('keeps the peaks on the beats when the clip frame rate differs (every 2nd frame of 48 fps, blended 36 fps)', async () => {
    // At 48 fps a beat (12 output frames) is 24 source frames; at 36 fps, 18.
    const cases = [
      { fps: 48, peaks: [30, 47, 100, 124, 148, 172], resample: 'drop' },
      { fps: 36, peaks: [20, 33, 60, 78, 96, 114], resample: 'blend' },
    ] as const
    for (const c of cases) {
      const clip = await writeBurstClip(join(tmp, `bursts-${c.fps}.mp4`), { peaks: [...c.peaks], frames: 200, fps: c.fps, seed: c.fps })
      const gen = createFootageGenerator({ assets: [{ path: clip.path, tags: ['rooftop'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir) })
      const req = request({ frames: 48 })
      await gen.generate(req, ctx())
      const rec = await readFootageChoice(req.out.video)
      if (rec.kind !== 'clip') throw new Error('expected a clip')
      expect(rec.resample).toBe(c.resample)
      expect(rec.alignment.avAlign).toBe(1)
      expect((await probeMedia(req.out.video, { countFrames: true })).video!.frames).toBe(48)
      const m = await measuredPeaks(req.out.video)
      for (const t of rec.alignment.targets) expect(nearest(m.peaks, t)).toBeLessThanOrEqual(1)
    }
  })

  it('two shots generated at once never get the same span; reusing one is logged', async () => {
    const lines: string[] = []
    const gen = createFootageGenerator({ assets: [{ path: bursts, tags: ['rooftop'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir), onLog: (l) => lines.push(l) })
    const a = request({ index: 0 })
    const b = request({ index: 1 })
    await Promise.all([gen.generate(a, ctx()), gen.generate(b, ctx())])
    const ra = await readFootageChoice(a.out.video)
    const rb = await readFootageChoice(b.out.video)
    if (ra.kind !== 'clip' || rb.kind !== 'clip') throw new Error('expected clips')
    expect(new Set([ra.inFrame, rb.inFrame])).toEqual(new Set([54, 144]))
    expect(Math.abs(ra.inFrame - rb.inFrame)).toBeGreaterThanOrEqual(48)
    const spans = gen.shown.all().sort((x, y) => x.start - y.start)
    expect(spans.map((s) => [s.start, s.end])).toEqual([[54, 102], [144, 192]])
    for (const [req, rec] of [[a, ra], [b, rb]] as const) {
      const m = await measuredPeaks(req.out.video)
      for (const t of rec.alignment.targets) expect(nearest(m.peaks, t)).toBeLessThanOrEqual(1)
    }
    expect(lines.some((l) => /reusing/.test(l))).toBe(false)

    // A clip exactly one shot long has one span: the second shot must show it again, and says so.
    const one = createFootageGenerator({ assets: [{ path: oneSpan, tags: ['rooftop'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir), onLog: (l) => lines.push(l) })
    const c = request({ index: 7 })
    const d = request({ index: 8 })
    await Promise.all([one.generate(c, ctx()), one.generate(d, ctx())])
    const rd = await readFootageChoice(d.out.video)
    const rc = await readFootageChoice(c.out.video)
    expect([rc.kind === 'clip' && rc.reused, rd.kind === 'clip' && rd.reused].sort()).toEqual([false, true])
    expect(lines.filter((l) => /every span of the matching footage is already shown; reusing .*one-span\.mp4/.test(l))).toHaveLength(1)
  })

  it('a cancelled shot leaves no files and gives its span back', async () => {
    const gen = createFootageGenerator({ assets: [{ path: bursts, tags: ['rooftop'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir) })
    const req = request({ frames: 96 })
    const ac = new AbortController()
    // Cancelled at its first progress report, while ffmpeg renders (or right after).
    const err = await gen.generate(req, { signal: ac.signal, onProgress: () => ac.abort() }).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('AbortError')
    expect(gen.shown.all()).toEqual([])
    for (const p of [req.out.video, req.out.firstFrame, req.out.keyFrame, req.out.lastFrame]) expect(existsSync(p)).toBe(false)
    expect(readdirSync(join(req.out.video, '..'))).toEqual([])
  })

  it('crops at the output aspect ratio to keep the active corner in frame', async () => {
    const gen = createFootageGenerator({
      assets: [{ path: cornerRight, tags: ['place:rooftop'] }, { path: cornerLeft, tags: ['place:back-alley'] }],
      fallback: createProceduralGenerator(),
      store: openStore(cacheDir),
    })
    // 320×180 sources, square output: the window (180×180) can slide 140 px sideways.
    const right = request({ width: 180, height: 180, frames: 40 })
    const left = request({ width: 180, height: 180, frames: 40, location: alley })
    const close = request({ width: 180, height: 180, frames: 40, framing: 'close' })
    await gen.generate(right, ctx())
    await gen.generate(left, ctx())
    await gen.generate(close, ctx())
    const rr = await readFootageChoice(right.out.video)
    const rl = await readFootageChoice(left.out.video)
    const rc = await readFootageChoice(close.out.video)
    if (rr.kind !== 'clip' || rl.kind !== 'clip' || rc.kind !== 'clip') throw new Error('expected clips')
    expect(rr.asset).toBe(cornerRight)
    expect(rl.asset).toBe(cornerLeft)
    expect(rr.crop).toMatchObject({ width: 180, height: 180 })
    for (const k of rr.crop.keyframes) expect(k.x).toBeGreaterThanOrEqual(130) // right edge: 140
    for (const k of rl.crop.keyframes) expect(k.x).toBeLessThanOrEqual(10) // left edge: 0
    // A close shot punches in (144×144) and moves up into the corner too.
    expect(rc.crop).toMatchObject({ width: 144, height: 144 })
    for (const k of rc.crop.keyframes) {
      expect(k.x).toBeGreaterThanOrEqual(166) // 176 at the edge
      expect(k.y).toBeLessThanOrEqual(10)
    }
    // The 30 fps source plays frame for frame in the 24 fps shot, and the exact count holds.
    expect(rr.resample).toBe('conform')
    for (const r of [right, left, close]) expect((await probeMedia(r.out.video, { countFrames: true })).video!.frames).toBe(40)
    // The moving box is in the picture: the output moves several times more than the same span
    // of the source's other side (the still part) does.
    const meanMotion = async (video: string) => {
      const m = await measureFrames(video)
      return m.motion.reduce((s, v) => s + v, 0) / (m.frames - 1)
    }
    const control = join(tmp, 'corner-right-left-side.mp4')
    await runFfmpeg(['-ss', (rr.inSec).toFixed(4), '-i', cornerRight, '-vf', 'crop=180:180:0:0', '-frames:v', '40', '-c:v', 'libx264', '-crf', '20', control])
    const [inFrame, still] = [await meanMotion(right.out.video), await meanMotion(control)]
    expect(inFrame).toBeGreaterThan(4 * still)
  })

  it('gives a still a slow, smooth move toward its detail', async () => {
    const gen = createFootageGenerator({ assets: [{ path: stillPng, tags: ['mood:calm'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir) })
    const req = request({ frames: 36, mood: moodOf('calm, warm') })
    const seg = await gen.generate(req, ctx())
    expect(seg.generator).toBe('footage')
    expect((await probeMedia(req.out.video, { countFrames: true })).video!.frames).toBe(36)
    const rec = await readFootageChoice(req.out.video)
    if (rec.kind !== 'still') throw new Error('expected a still')
    expect(rec.move.camera).toBe('push-in')
    expect(rec.move.from.zoom).toBe(1)
    expect(rec.move.to.zoom).toBeCloseTo(1.08, 10)
    expect(rec.move.to.cx).toBeLessThan(rec.move.from.cx) // toward the patch at the bottom left
    expect(rec.move.to.cy).toBeGreaterThan(rec.move.from.cy)
    // Consecutive frames differ a little, and evenly: a steady move, no jumps, no frozen stretch.
    const diffs: number[] = []
    let prev: Uint8Array | undefined
    await decodeFrames(req.out.video, { width: 192, height: 108, format: 'gray' }, (f) => {
      if (prev) {
        let s = 0
        for (let i = 0; i < f.length; i++) s += Math.abs(f[i] - prev[i])
        diffs.push(s / f.length / 255)
      }
      prev = new Uint8Array(f)
    })
    expect(diffs).toHaveLength(35)
    const sorted = [...diffs].sort((x, y) => x - y)
    const median = sorted[Math.floor(sorted.length / 2)]
    expect(sorted[0]).toBeGreaterThan(0)
    expect(sorted[sorted.length - 1]).toBeLessThan(0.02)
    expect(sorted[sorted.length - 1]).toBeLessThan(3 * median)
    // …and the verifier's frame statistics see no frozen stretch.
    const m = await measureFrames(req.out.video)
    expect(m.stats.longestFrozenRun).toBeLessThan(3)
  })

  it('slows a clip shorter than the shot when nothing longer matches', async () => {
    const gen = createFootageGenerator({ assets: [{ path: shortClip, tags: ['rooftop'] }], fallback: createProceduralGenerator(), store: openStore(cacheDir) })
    const req = request({ frames: 40 })
    await gen.generate(req, ctx())
    const rec = await readFootageChoice(req.out.video)
    if (rec.kind !== 'clip') throw new Error('expected a clip')
    expect(rec).toMatchObject({ slowed: true, resample: 'blend', inFrame: 0, sourceFrames: 24 })
    expect(rec.speed).toBeCloseTo(23 / 39, 6)
    expect((await probeMedia(req.out.video, { countFrames: true })).video!.frames).toBe(40)
  })

  it('sends a shot no footage matches to the fallback, and logs it', async () => {
    const lines: string[] = []
    const calls: number[] = []
    const proc = createProceduralGenerator()
    const fallback: SegmentGenerator = { ...proc, generate: (r, c) => (calls.push(r.shot.index), proc.generate(r, c)) }
    const gen = createFootageGenerator({ assets: [{ path: cornerRight, tags: ['place:rooftop'] }], fallback, store: openStore(cacheDir), onLog: (l) => lines.push(l) })
    const req = request({ index: 9, location: dunes, characters: [otto], mood: moodOf('euphoric, driving', 'chorus'), frames: 24, width: 160, height: 96 })
    const seg = await gen.generate(req, ctx())
    expect(calls).toEqual([9])
    expect(seg.generator).toBe('procedural')
    expect((await probeMedia(req.out.video, { countFrames: true })).video!.frames).toBe(24)
    expect(lines.filter((l) => l.startsWith('shot 9:'))).toEqual([
      'shot 9: no footage is tagged for location dunes ("Dunes"), characters otto, mood "euphoric, driving"; rendered by the procedural generator instead',
    ])
    expect(await readFootageChoice(req.out.video)).toMatchObject({ kind: 'fallback', generator: 'procedural', shotIndex: 9 })
    // The matching shot still gets footage from the same generator.
    const ok = request({ index: 10, frames: 24, width: 160, height: 96 })
    expect((await gen.generate(ok, ctx())).generator).toBe('footage')
  })
})
