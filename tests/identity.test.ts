import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames, decodeImage } from '../src/ffmpeg/index.js'
import {
  colourSimilarity,
  cosineSimilarity,
  describeImage,
  descriptorSimilarity,
  entityConsistency,
  similarityToReferences,
  type DescriptorFocus,
  type ImageDescriptor,
} from '../src/metrics/identity.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'

const tmp = mkdtempSync(join(tmpdir(), 'longav-identity-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// Rendered at 320×180; descriptors are taken at the verifier's kind of analysis size.
const W = 320
const H = 180
const FPS = 24
const FRAMES = 24
const DW = 96
const DH = 54

const ines: CharacterCard = {
  kind: 'character', id: 'ines', name: 'Ines', description: 'singer in a yellow dress', seed: 101,
  palette: ['#f2c14e', '#2e4057', '#f7f7f2', '#5b3a29'],
  shape: { height: 0.64, build: 0.28, headSize: 0.15, hair: 3, accessory: 2, outfit: 3 },
}
const kofi: CharacterCard = {
  kind: 'character', id: 'kofi', name: 'Kofi', description: 'drummer in a purple striped shirt and a hat', seed: 202,
  palette: ['#6a4c93', '#8ac926', '#1982c4'],
  shape: { height: 0.72, build: 0.42, headSize: 0.13, hair: 5, accessory: 1, outfit: 1 },
}
const shore: LocationCard = {
  kind: 'location', id: 'shore', name: 'Shore', description: 'a beach at dusk', seed: 31,
  palette: ['#355070', '#e56b6f', '#eaac8b'], shape: { world: 'shoreline', timeOfDay: 'dusk', density: 0.5 },
}
const city: LocationCard = {
  kind: 'location', id: 'city', name: 'City', description: 'night skyline', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}
const forest: LocationCard = {
  kind: 'location', id: 'forest', name: 'Forest', description: 'pines at dusk', seed: 8,
  palette: ['#1b4332', '#95d5b2', '#ffd166'], shape: { world: 'forest', timeOfDay: 'dusk', density: 0.6 },
}
/** Another skyline: the same kind of world, a different place (other card, seed and time of day). */
const harbour: LocationCard = {
  kind: 'location', id: 'harbour', name: 'Harbour', description: 'harbour towers at dusk', seed: 99,
  palette: ['#3d5a80', '#ee6c4d', '#e0fbfc'], shape: { world: 'skyline', timeOfDay: 'dusk', density: 0.4 },
}

/**
 * Controls of a 120 bpm song: hits on beats, loudness swells, and a harmony hue that turns 3° per
 * frame, so shots at different times are graded in clearly different colours (the hard case).
 */
function controls(start: number, frames: number): FrameControl[] {
  const fpb = FPS / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.5 + 0.3 * Math.sin(f / 9), hit: f % fpb === 0 ? 1 : 0, hue: (f * 3) % 360, brightness: 0.6,
      harmonic: 0.5, vocal: 0, sectionIndex: Math.floor(f / 96), beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4),
      onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

interface ShotSpec {
  location: LocationCard
  character: CharacterCard
  camera: Shot['camera']
  seed: number
  startFrame: number
}

function request(name: string, s: ShotSpec): SegmentRequest {
  const dir = join(tmp, name)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 0, startFrame: s.startFrame, endFrame: s.startFrame + FRAMES, sectionIndex: 0, cutOn: 'start', locationId: s.location.id,
    characterIds: [s.character.id], camera: s.camera, framing: 'medium', prompt: name, seed: s.seed, continuesPrevious: false,
    motionGain: 0.8, captions: [],
  }
  return {
    shot, fps: FPS, width: W, height: H, frames: FRAMES, attempt: 0,
    style: { look: 'flat pastel', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location: s.location, characters: [s.character], controls: controls(s.startFrame, FRAMES),
    audio: { path: '/nonexistent.wav', startSec: s.startFrame / FPS, endSec: (s.startFrame + FRAMES) / FPS },
    referenceKeyframes: {},
    out: { video: join(dir, 'shot.mp4'), firstFrame: join(dir, 'first.png'), lastFrame: join(dir, 'last.png'), keyFrame: join(dir, 'key.png') },
  }
}

const SHOTS = {
  // Ines on the shore: the reference shot, two more shots with other moves, seeds and times.
  inesRef: { location: shore, character: ines, camera: 'push-in', seed: 3, startFrame: 0 },
  ines2: { location: shore, character: ines, camera: 'pan-right', seed: 12, startFrame: 150 },
  ines3: { location: shore, character: ines, camera: 'drift', seed: 21, startFrame: 330 },
  // Kofi in the same place, once with exactly the reference shot's camera, seed and time.
  kofi1: { location: shore, character: kofi, camera: 'push-in', seed: 3, startFrame: 0 },
  kofi2: { location: shore, character: kofi, camera: 'pan-right', seed: 12, startFrame: 150 },
  // Places: the city (reference, then two shots with other figures and moves), a forest, a harbour skyline.
  cityRef: { location: city, character: ines, camera: 'pull-out', seed: 4, startFrame: 40 },
  city2: { location: city, character: kofi, camera: 'pan-left', seed: 17, startFrame: 200 },
  city3: { location: city, character: ines, camera: 'crane-up', seed: 25, startFrame: 420 },
  forest1: { location: forest, character: ines, camera: 'pull-out', seed: 4, startFrame: 40 },
  forest2: { location: forest, character: kofi, camera: 'pan-left', seed: 17, startFrame: 200 },
  harbour1: { location: harbour, character: ines, camera: 'pull-out', seed: 4, startFrame: 40 },
  harbour2: { location: harbour, character: kofi, camera: 'crane-up', seed: 25, startFrame: 420 },
} satisfies Record<string, ShotSpec>
type ShotName = keyof typeof SHOTS

/** Frames of each shot's video used as its views (first, middle, last area), decoded from the mp4. */
const VIEW_FRAMES = [3, 12, 21]
const views: Record<string, Uint8Array[]> = {}
const keyframes: Record<string, Uint8Array> = {}
const keyframePaths: Record<string, string> = {}

beforeAll(async () => {
  const gen = createProceduralGenerator()
  const signal = new AbortController().signal
  for (const [name, spec] of Object.entries(SHOTS)) {
    const req = request(name, spec)
    await gen.generate(req, { signal, onProgress: () => {} })
    keyframePaths[name] = req.out.keyFrame
    keyframes[name] = await decodeImage(req.out.keyFrame, { width: DW, height: DH, format: 'rgb24' })
    const kept: Uint8Array[] = []
    await decodeFrames(req.out.video, { width: DW, height: DH, format: 'rgb24' }, (frame, i) => {
      if (VIEW_FRAMES.includes(i)) kept.push(new Uint8Array(frame))
    })
    expect(kept.length).toBe(VIEW_FRAMES.length)
    views[name] = kept
  }
})

const describe96 = (rgb: Uint8Array, focus: DescriptorFocus) => describeImage(rgb, DW, DH, { focus })
/** Similarity of every view of a shot to the reference keyframe. */
function viewScores(ref: ImageDescriptor, shot: ShotName, focus: DescriptorFocus): number[] {
  return views[shot].map((v) => similarityToReferences(describe96(v, focus), [ref], descriptorSimilarity))
}
const fmt = (v: number[]) => v.map((x) => x.toFixed(3)).join(' ')
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length

describe('identity consistency on rendered shots', () => {
  it('separates two shots of the same figure from shots of a different figure in the same place', () => {
    const ref = describe96(keyframes.inesRef, 'subject')
    const same = [...viewScores(ref, 'ines2', 'subject'), ...viewScores(ref, 'ines3', 'subject')]
    const other = [...viewScores(ref, 'kofi1', 'subject'), ...viewScores(ref, 'kofi2', 'subject')]
    const margin = Math.min(...same) - Math.max(...other)
    console.log(`figure: same figure, other shots ${fmt(same)} | different figure ${fmt(other)} | margin (worst same − best other) ${margin.toFixed(3)}`)
    // Every view of Ines in another shot beats every view of Kofi, even Kofi's shot that has the
    // reference's very camera, seed and timing.
    expect(margin).toBeGreaterThan(0.01)
    expect(mean(same) - mean(other)).toBeGreaterThan(0.05)

    // Per entity: Ines's shots are consistent; a shot where the wrong figure was drawn is the worst.
    const shotScore = (s: ShotName) => mean(viewScores(ref, s, 'subject'))
    const good = entityConsistency([{ shot: 2, similarity: shotScore('ines2') }, { shot: 3, similarity: shotScore('ines3') }])
    const broken = entityConsistency([{ shot: 2, similarity: shotScore('ines2') }, { shot: 5, similarity: shotScore('kofi2') }, { shot: 3, similarity: shotScore('ines3') }])
    console.log(`figure: consistency ${good.consistency.toFixed(3)}, with a wrong-figure shot ${broken.consistency.toFixed(3)} (worst shot ${broken.worst?.shot})`)
    expect(broken.worst?.shot).toBe(5)
    expect(good.consistency - broken.consistency).toBeGreaterThan(0.02)
  })

  it('separates views of the same place from a different world and, less widely, from another place of the same kind', () => {
    const ref = describe96(keyframes.cityRef, 'scene')
    const same = [...viewScores(ref, 'city2', 'scene'), ...viewScores(ref, 'city3', 'scene')]
    const forestViews = [...viewScores(ref, 'forest1', 'scene'), ...viewScores(ref, 'forest2', 'scene')]
    const harbourViews = [...viewScores(ref, 'harbour1', 'scene'), ...viewScores(ref, 'harbour2', 'scene')]
    const margin = Math.min(...same) - Math.max(...forestViews)
    console.log(
      `place: same place, other shots ${fmt(same)} | different world ${fmt(forestViews)} (margin ${margin.toFixed(3)}) | ` +
        `another skyline ${fmt(harbourViews)} (margin ${(Math.min(...same) - Math.max(...harbourViews)).toFixed(3)})`,
    )
    expect(margin).toBeGreaterThan(0.05)
    // Another skyline is the same kind of world (buildings, lit windows): a narrower margin.
    expect(Math.min(...same) - Math.max(...harbourViews)).toBeGreaterThan(0.03)
    // forest1 and harbour1 are the reference's exact shot (camera, seed, time, figure) in another place.
    expect(mean(viewScores(ref, 'forest1', 'scene'))).toBeLessThan(Math.min(...same))
  })

  it('is 1 for the same picture and stays above the different-figure level under light, shift and grain', () => {
    const base = views.ines2[1]
    const ref = describe96(base, 'subject')
    const different = Math.max(...viewScores(describe96(keyframes.inesRef, 'subject'), 'kofi1', 'subject'))
    expect(descriptorSimilarity(ref, describe96(new Uint8Array(base), 'subject'))).toBeCloseTo(1, 6)

    const brighter = base.map((v) => Math.min(255, Math.round(v * 1.1)))
    const darker = base.map((v) => Math.round(v * 0.9))
    const shifted = new Uint8Array(base.length)
    const dx = 3
    const dy = 2
    for (let y = 0; y < DH; y++)
      for (let x = 0; x < DW; x++) {
        const sx = Math.min(DW - 1, Math.max(0, x - dx))
        const sy = Math.min(DH - 1, Math.max(0, y - dy))
        for (let c = 0; c < 3; c++) shifted[(y * DW + x) * 3 + c] = base[(sy * DW + sx) * 3 + c]
      }
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
    const grainy = base.map((v) => Math.min(255, Math.max(0, Math.round(v + (rand() + rand() - 1) * 20))))
    const scores = {
      brighter: descriptorSimilarity(ref, describe96(brighter, 'subject')),
      darker: descriptorSimilarity(ref, describe96(darker, 'subject')),
      shifted: descriptorSimilarity(ref, describe96(shifted, 'subject')),
      grainy: descriptorSimilarity(ref, describe96(grainy, 'subject')),
    }
    console.log(`robustness: ${Object.entries(scores).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}; different figure at most ${different.toFixed(3)}`)
    for (const v of Object.values(scores)) {
      expect(v).toBeGreaterThan(0.93)
      expect(v).toBeGreaterThan(different + 0.05)
    }
  })

  it('does not depend on the size the picture was decoded at', async () => {
    const small = describe96(keyframes.ines3, 'subject')
    const large = await decodeImage(keyframePaths.ines3, { width: 320, height: 180, format: 'rgb24' })
    const sim = descriptorSimilarity(small, describeImage(large, 320, 180, { focus: 'subject' }))
    console.log(`size: 96×54 vs 320×180 decode of one keyframe ${sim.toFixed(3)}`)
    expect(sim).toBeGreaterThan(0.98)
  })
})

describe('identity descriptors (unit)', () => {
  const solid = (r: number, g: number, b: number, w = 16, h = 12) => {
    const a = new Uint8Array(w * h * 3)
    for (let i = 0; i < w * h; i++) a.set([r, g, b], i * 3)
    return a
  }

  it('compares flat pictures by colour alone and keeps every part within 0..1', () => {
    const red = describeImage(solid(200, 40, 40), 16, 12)
    const blue = describeImage(solid(40, 40, 200), 16, 12)
    const grey = describeImage(solid(128, 128, 128), 16, 12)
    expect(red.structure.every((v) => v === 0)).toBe(true)
    expect(descriptorSimilarity(red, describeImage(solid(200, 40, 40), 16, 12))).toBeCloseTo(1, 6)
    // A one-colour picture is grey-world balanced towards grey, yet red and blue stay apart.
    expect(colourSimilarity(red.colour, blue.colour)).toBeLessThan(0.7)
    expect(colourSimilarity(red.colour, grey.colour)).toBeLessThan(0.7)
    for (const d of [red, blue, grey]) {
      const total = d.colour.reduce((a, v) => a + v, 0)
      expect(total).toBeGreaterThan(0.39) // value part always, hue or grey part depending on colour
      expect(total).toBeLessThanOrEqual(1 + 1e-6)
    }
  })

  it('refuses bad sizes and mixed focus', () => {
    expect(() => describeImage(new Uint8Array(10), 4, 4)).toThrow(/needs 48 bytes, got 10/)
    expect(() => describeImage(new Uint8Array(6), 2, 1)).toThrow(/at least 3×3/)
    const a = describeImage(solid(10, 20, 30), 16, 12, { focus: 'subject' })
    const b = describeImage(solid(10, 20, 30), 16, 12, { focus: 'scene' })
    expect(() => descriptorSimilarity(a, b)).toThrow(/different focus/)
  })

  it('cosine similarity: 1 for the same direction, 0 for orthogonal or opposed vectors and for a zero vector', () => {
    const v = Float32Array.of(1, 2, 3)
    expect(cosineSimilarity(v, Float32Array.of(2, 4, 6))).toBeCloseTo(1, 6)
    expect(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(0, 1))).toBe(0)
    expect(cosineSimilarity(v, Float32Array.of(-1, -2, -3))).toBe(0)
    expect(cosineSimilarity(v, new Float32Array(3))).toBe(0)
    expect(cosineSimilarity(Float32Array.of(1, 1), Float32Array.of(1, 0))).toBeCloseTo(Math.SQRT1_2, 6)
    expect(() => cosineSimilarity(v, Float32Array.of(1, 2))).toThrow(RangeError)
  })

  it('entity consistency: mean over shots and the worst shot; no shots is vacuously consistent', () => {
    expect(entityConsistency([])).toEqual({ consistency: 1 })
    const r = entityConsistency([{ shot: 1, similarity: 0.9 }, { shot: 4, similarity: 0.6 }, { shot: 7, similarity: 0.9 }, { shot: 9, similarity: 0.6 }])
    expect(r.consistency).toBeCloseTo(0.75, 10)
    expect(r.worst).toEqual({ shot: 4, similarity: 0.6 })
    expect(() => entityConsistency([{ shot: 2, similarity: Number.NaN }])).toThrow(/shot 2/)
    expect(() => entityConsistency([{ shot: 2, similarity: 1.2 }])).toThrow(/0\.\.1/)
  })

  it('a view matches an entity by its best reference', () => {
    const sim = (a: number, b: number) => 1 - Math.abs(a - b)
    expect(similarityToReferences(0.5, [0.1, 0.45, 0.9], sim)).toBeCloseTo(0.95, 10)
    expect(similarityToReferences(0.5, [], sim)).toBe(0)
  })
})
