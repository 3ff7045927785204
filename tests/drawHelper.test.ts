/**
 * The procedural generator's optional second drawing thread (setDrawHelper): every other frame of
 * a shot is drawn there, and the film must be the same, frame for frame, as one drawn on one
 * thread — for a shot of its own and for one that continues from the previous shot's last frame.
 * The helper's thread runs the compiled `frameWorker.js`, so this test loads the built `dist/`
 * (`npm test` builds first); the statistics prove the helper drew frames rather than falling back.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'
import { frameMd5s } from './helpers/video.js'

type Procedural = typeof import('../src/render/generators/procedural/index.js')
const built = path.join(import.meta.dirname, '..', 'dist', 'render', 'generators', 'procedural', 'index.js')

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-draw-helper-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const W = 320
const H = 180
const FPS = 24
const singer: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
const city: LocationCard = {
  kind: 'location', id: 'city', name: 'City', description: 'night skyline', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}

function controls(start: number, frames: number): FrameControl[] {
  const fpb = FPS / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.5 + 0.3 * Math.sin(f / 9), hit: f % fpb === 0 ? 1 : 0, hue: (f * 3) % 360,
      brightness: 0.6, harmonic: 0.5, vocal: i > frames / 3 ? 0.8 : 0, sectionIndex: 0,
      beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

function request(name: string, startFrame: number, over: Partial<Shot> = {}, initKeyframe?: string): SegmentRequest {
  const frames = 40
  const dir = path.join(tmp, name)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: startFrame ? 1 : 0, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'start', locationId: city.id,
    characterIds: [singer.id], camera: 'push-in', framing: 'medium', prompt: 'a singer under the lights', seed: 5,
    continuesPrevious: false, motionGain: 0.8, captions: [{ startFrame: startFrame + 8, endFrame: startFrame + 30, text: 'city lights' }],
    ...over,
  }
  return {
    shot, fps: FPS, width: W, height: H, frames, attempt: 0,
    style: { look: 'flat pastel', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location: city, characters: [singer], controls: controls(startFrame, frames),
    audio: { path: '/nonexistent.wav', startSec: startFrame / FPS, endSec: (startFrame + frames) / FPS },
    initKeyframe, referenceKeyframes: {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}

/** Two shots, the second continuing from the first's last frame; their frames' MD5s. */
async function film(p: Procedural, name: string): Promise<string[]> {
  const ctx = { signal: new AbortController().signal, onProgress: () => {} }
  const first = request(`${name}-a`, 0)
  await p.generateProcedural(first, ctx)
  const second = request(`${name}-b`, 40, { continuesPrevious: true, camera: 'pan-left' }, first.out.lastFrame)
  await p.generateProcedural(second, ctx)
  return [...frameMd5s(first.out.video), ...frameMd5s(second.out.video)]
}

describe('the second drawing thread', () => {
  it('draws every other frame and makes the same film as one thread', async () => {
    const p = (await import(pathToFileURL(built).href)) as Procedural
    const alone = await film(p, 'one-thread')
    expect(p.proceduralFrameStats().framesHelper).toBe(0)
    p.setDrawHelper(true)
    try {
      const shared = await film(p, 'two-threads')
      // Each 40-frame shot keeps its stills (frames 0, 20, 39) at home: its other 19 odd frames are the helper's.
      expect(p.proceduralFrameStats().framesHelper).toBe(38)
      expect(shared).toEqual(alone)
    } finally {
      p.setDrawHelper(false)
    }
  }, 60_000)
})
