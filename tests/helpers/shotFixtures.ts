/** Cards, controls and segment requests for rendering single procedural shots in tests. */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { SegmentRequest } from '../../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../../src/schemas/index.js'

export const mika: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
export const otto: CharacterCard = {
  kind: 'character', id: 'otto', name: 'Otto', description: 'guitarist in stripes', seed: 27,
  palette: ['#2a9d8f', '#f4a261', '#264653'],
  shape: { height: 0.7, build: 0.4, headSize: 0.14, hair: 4, accessory: 5, outfit: 1 },
}
export const dusk: LocationCard = {
  kind: 'location', id: 'shore', name: 'Shore', description: 'a beach at dusk', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'dusk', density: 0.6 },
}

/** Controls at `fps`: a 120 BPM pulse at `loudness` with hits on beats (none when `hits` is false). */
export function pulse(start: number, frames: number, fps: number, loudness: number, hits = true): FrameControl[] {
  const fpb = fps / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    const onBeat = hits && f % Math.round(fpb) === 0
    return {
      frame: f, loudness, hit: onBeat ? 1 : 0, hue: 200 + ((f * 2) % 80), brightness: 0.5, harmonic: 0.5, vocal: 0, sectionIndex: 0,
      beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat, onDownbeat: onBeat && f % Math.round(fpb * 4) === 0,
    }
  })
}

export interface RequestOptions {
  dir: string
  name: string
  shot: Partial<Shot> & { startFrame: number }
  frames: number
  fps: number
  width: number
  height: number
  loudness?: number
  hits?: boolean
  characters?: CharacterCard[]
  location?: LocationCard
  initKeyframe?: string
  previousShot?: Shot
}

export function shotRequest(o: RequestOptions): SegmentRequest {
  const dir = path.join(o.dir, o.name)
  mkdirSync(dir, { recursive: true })
  const characters = o.characters ?? [mika, otto]
  const location = o.location ?? dusk
  const shot: Shot = {
    index: 0, endFrame: o.shot.startFrame + o.frames, sectionIndex: 0, cutOn: 'start', locationId: location.id,
    characterIds: characters.map((c) => c.id), camera: 'push-in', framing: 'wide', prompt: 'two friends',
    seed: 5, continuesPrevious: false, motionGain: 0.8, captions: [],
    ...o.shot,
  }
  return {
    shot, fps: o.fps, width: o.width, height: o.height, frames: o.frames, attempt: 0,
    style: { look: 'flat pastel', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location, characters, controls: pulse(o.shot.startFrame, o.frames, o.fps, o.loudness ?? 0.6, o.hits ?? true),
    audio: { path: '/nonexistent.wav', startSec: o.shot.startFrame / o.fps, endSec: (o.shot.startFrame + o.frames) / o.fps },
    initKeyframe: o.initKeyframe, referenceKeyframes: {},
    ...(o.previousShot ? { previousShot: o.previousShot } : {}),
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}
