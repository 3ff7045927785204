/** Shot requests for caption and lyric-shot tests: one place, one figure, a 120 bpm pulse. */
import { createCanvas, type Canvas } from '@napi-rs/canvas'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { SegmentRequest } from '../../src/render/generators/types.js'
import type { Caption, CaptionStyle, CharacterCard, FrameControl, LocationCard, Shot } from '../../src/schemas/index.js'

export const mika: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 },
}
export const city: LocationCard = {
  kind: 'location', id: 'city', name: 'City', description: 'night skyline', seed: 42,
  palette: ['#2a2350', '#ff6b8b', '#ffd166'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}

/** A 120 bpm pulse at `fps`: hits and onBeat on every beat. */
export function pulse(start: number, frames: number, fps: number): FrameControl[] {
  const fpb = fps / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.6, hit: f % fpb === 0 ? 1 : 0, hue: 200, brightness: 0.6, harmonic: 0.5, vocal: 0.8, sectionIndex: 0,
      beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

export interface ReqOptions {
  width: number
  height: number
  fps?: number
  startFrame: number
  frames: number
  captions: Caption[]
  captionStyle?: CaptionStyle
  shot?: Partial<Shot>
  dir?: string
  initKeyframe?: string
}

export function captionRequest(o: ReqOptions): SegmentRequest {
  const fps = o.fps ?? 24
  const dir = o.dir ?? '/nonexistent'
  if (o.dir) mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 0, startFrame: o.startFrame, endFrame: o.startFrame + o.frames, sectionIndex: 0, cutOn: 'beat', locationId: city.id,
    characterIds: [mika.id], camera: 'static', framing: 'medium', prompt: 'a singer', seed: 5, continuesPrevious: false, motionGain: 0,
    captions: o.captions, ...o.shot,
  }
  return {
    shot, fps, width: o.width, height: o.height, frames: o.frames, attempt: 0,
    style: { look: 'flat', palette: ['#ff6b6b', '#4d96ff', '#ffd93d'], grain: 0, vignette: 0.3, captionFont: 'DejaVu Sans' },
    location: city, characters: [mika], controls: pulse(o.startFrame, o.frames, fps),
    audio: { path: '/nonexistent.wav', startSec: o.startFrame / fps, endSec: (o.startFrame + o.frames) / fps },
    ...(o.captionStyle ? { captionStyle: o.captionStyle } : {}),
    initKeyframe: o.initKeyframe, referenceKeyframes: {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}

/** A copy of a canvas's pixels. */
export function snapshot(c: Canvas): Uint8ClampedArray {
  return new Uint8ClampedArray(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)
}

/** Writes RGBA pixels to a PNG. */
export function rgbaToPng(data: Uint8ClampedArray, width: number, height: number): Buffer {
  const c = createCanvas(width, height)
  const img = c.getContext('2d').createImageData(width, height)
  img.data.set(data)
  c.getContext('2d').putImageData(img, 0, 0)
  return c.encodeSync('png')
}
