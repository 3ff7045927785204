/** A single shot rendered with the real procedural renderer, for figure tests: hand-built request, small size. */
import type { Canvas } from '@napi-rs/canvas'
import { characterCard } from '../../src/agents/director/characters.js'
import { createShotRenderer } from '../../src/render/generators/procedural/scene.js'
import type { SegmentRequest } from '../../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../../src/schemas/index.js'

export const FPS = 12

export const studio: LocationCard = {
  kind: 'location', id: 'studio', name: 'Studio', description: 'a plain studio', seed: 3,
  palette: ['#3b3f58', '#d8cbb0', '#22222e'], shape: { world: 'interior', timeOfDay: 'day', density: 0.2 },
}

/** Heuristic card for a described character (the same path the director takes). */
export function card(name: string, description: string, ordinal = 0): CharacterCard {
  return characterCard({ name, description }, name.toLowerCase(), ordinal)
}

/**
 * Controls of a 120 bpm song in 4/4 at FPS: hits on every beat, the harmony's hue jumping every
 * two beats (a chord change), the voice on in the middle third.
 */
export function songControls(frames: number, start = 0): FrameControl[] {
  const fpb = FPS / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.6, hit: f % fpb === 0 ? 1 : 0, hue: 60 * Math.floor(f / (2 * fpb)) % 360,
      brightness: 0.6, harmonic: 0.5, vocal: i > frames / 3 && i < (2 * frames) / 3 ? 0.9 : 0, sectionIndex: 0,
      beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

export function shotRequest(characters: CharacterCard[], shot: Partial<Shot> = {}, opts: { width?: number; height?: number; frames?: number; location?: LocationCard } = {}): SegmentRequest {
  const frames = opts.frames ?? 48
  const location = opts.location ?? studio
  const full: Shot = {
    index: 0, startFrame: 0, endFrame: frames, sectionIndex: 0, cutOn: 'start', locationId: location.id,
    characterIds: characters.map((c) => c.id), camera: 'static', framing: 'medium', prompt: 'figures', seed: 5,
    continuesPrevious: false, motionGain: 0.5, captions: [], ...shot,
  }
  return {
    shot: full, fps: FPS, width: opts.width ?? 320, height: opts.height ?? 180, frames, attempt: 0,
    style: { look: 'flat', palette: ['#888888', '#999999'], grain: 0, vignette: 0, captionFont: 'DejaVu Sans' },
    location, characters, controls: songControls(frames),
    audio: { path: '/nonexistent.wav', startSec: 0, endSec: frames / FPS }, referenceKeyframes: {},
    out: { video: '/nonexistent/shot.mp4', firstFrame: '/nonexistent/a.png', lastFrame: '/nonexistent/b.png', keyFrame: '/nonexistent/c.png' },
  }
}

/** Renders frame i of a request; returns the canvas (reused across calls of the same renderer). */
export function frameOf(req: SegmentRequest, i: number): Canvas {
  const r = createShotRenderer(req)
  r.renderFrame(i)
  return r.canvas
}

/** Renders several frames with one renderer, returning a copy of each frame's RGBA pixels. */
export function framesOf(req: SegmentRequest, indices: number[]): Uint8ClampedArray[] {
  const r = createShotRenderer(req)
  return indices.map((i) => {
    r.renderFrame(i)
    return new Uint8ClampedArray(r.canvas.getContext('2d').getImageData(0, 0, req.width, req.height).data)
  })
}
