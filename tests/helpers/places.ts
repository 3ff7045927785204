/** Single frames of the procedural renderer for the place tests: hand-built requests, real renderer. */
import { createCanvas, type Canvas } from '@napi-rs/canvas'
import { createShotRenderer } from '../../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../../src/render/generators/types.js'
import { WORLD_COLOURS } from '../../src/agents/heuristics/placeWords.js'
import type { Analysis, CharacterCard, FrameControl, LocationCard, PropId, Shot, TimeOfDay, Weather, World } from '../../src/schemas/index.js'

export const FPS = 12

export const singer: CharacterCard = {
  kind: 'character', id: 'mika', name: 'Mika', description: 'singer in a red jacket', seed: 11,
  palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'],
  shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 0, outfit: 2 },
}

export function place(world: World, opts: { props?: PropId[]; timeOfDay?: TimeOfDay; weather?: Weather; seed?: number } = {}): LocationCard {
  return {
    kind: 'location', id: `p-${world}`, name: world, description: world, seed: opts.seed ?? 17,
    palette: [...WORLD_COLOURS[world]],
    shape: { world, timeOfDay: opts.timeOfDay ?? 'dusk', density: 0.5, ...(opts.props ? { props: opts.props } : {}), ...(opts.weather ? { weather: opts.weather } : {}) },
  }
}

/** Steady loudness without hits (no camera shake or flash): frames at t = 0 map world to screen exactly. */
export function steady(frames: number, loudness = 0.5): FrameControl[] {
  return controls(frames).map((c) => ({ ...c, loudness, hit: 0, onBeat: false, onDownbeat: false }))
}

/** A steady 120 bpm pulse: a hit on every beat, loudness swelling. */
export function controls(frames: number, start = 0): FrameControl[] {
  const fpb = FPS / 2
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.55 + 0.25 * Math.sin(f / 7), hit: f % fpb === 0 ? 1 : 0, hue: 200, brightness: 0.6, harmonic: 0.5, vocal: 0,
      sectionIndex: 0, beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
    }
  })
}

export function request(
  location: LocationCard,
  opts: { width?: number; height?: number; frames?: number; characters?: CharacterCard[]; shot?: Partial<Shot>; grain?: number; controls?: FrameControl[] } = {},
): SegmentRequest {
  const frames = opts.frames ?? 6
  const characters = opts.characters ?? []
  const shot: Shot = {
    index: 0, startFrame: 0, endFrame: frames, sectionIndex: 0, cutOn: 'start', locationId: location.id,
    characterIds: characters.map((c) => c.id), camera: 'static', framing: 'wide', prompt: 'place', seed: 3,
    continuesPrevious: false, motionGain: 0.6, captions: [], ...opts.shot,
  }
  return {
    shot, fps: FPS, width: opts.width ?? 320, height: opts.height ?? 180, frames, attempt: 0,
    style: { look: 'test', palette: ['#808080', '#909090'], grain: opts.grain ?? 0, vignette: 0, captionFont: 'DejaVu Sans' },
    location, characters, controls: opts.controls ?? controls(frames), audio: { path: '/nonexistent.wav', startSec: 0, endSec: frames / FPS },
    referenceKeyframes: {}, out: { video: '/nonexistent/v.mp4', firstFrame: '/nonexistent/a.png', lastFrame: '/nonexistent/b.png', keyFrame: '/nonexistent/c.png' },
  }
}

export interface Pixels {
  data: Uint8ClampedArray
  width: number
  height: number
  canvas: Canvas
}

/** Frame i of the shot, drawn by the real renderer. */
export function frame(req: SegmentRequest, i = 0): Pixels {
  const r = createShotRenderer(req)
  for (let k = 0; k <= i; k++) if (k === i) r.renderFrame(k)
  const { width, height } = req
  return { data: r.canvas.getContext('2d').getImageData(0, 0, width, height).data, width, height, canvas: r.canvas }
}

/** Mean absolute RGB difference per pixel inside a box given in frame fractions. */
export function diffIn(a: Pixels, b: Pixels, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let d = 0
  let n = 0
  const c = (v: number) => Math.min(1, Math.max(0, v))
  for (let y = Math.floor(c(box.y0) * a.height); y < Math.ceil(c(box.y1) * a.height); y++) {
    for (let x = Math.floor(c(box.x0) * a.width); x < Math.ceil(c(box.x1) * a.width); x++) {
      const i = (y * a.width + x) * 4
      d += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2])
      n++
    }
  }
  return n > 0 ? d / (3 * n) : 0
}

/** Fraction of pixels that differ by more than `t` (0..255, max channel), and their bounding box in fractions. */
export function changed(a: Pixels, b: Pixels, t = 24): { share: number; box: { x0: number; x1: number; y0: number; y1: number } } {
  let n = 0
  let x0 = a.width
  let x1 = -1
  let y0 = a.height
  let y1 = -1
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4
      const d = Math.max(Math.abs(a.data[i] - b.data[i]), Math.abs(a.data[i + 1] - b.data[i + 1]), Math.abs(a.data[i + 2] - b.data[i + 2]))
      if (d > t) {
        n++
        x0 = Math.min(x0, x)
        x1 = Math.max(x1, x)
        y0 = Math.min(y0, y)
        y1 = Math.max(y1, y)
      }
    }
  }
  return { share: n / (a.width * a.height), box: { x0: x0 / a.width, x1: (x1 + 1) / a.width, y0: y0 / a.height, y1: (y1 + 1) / a.height } }
}

/** Normalised 4x4x4 RGB histogram of the whole frame. */
export function histogram(p: Pixels): Float64Array {
  const h = new Float64Array(64)
  for (let i = 0; i < p.data.length; i += 4) h[(p.data[i] >> 6) * 16 + (p.data[i + 1] >> 6) * 4 + (p.data[i + 2] >> 6)]++
  return h.map((v) => v / (p.width * p.height))
}

/** Pictures tiled into one PNG with a label under each. */
export function contactSheet(items: Array<{ label: string; canvas: Canvas }>, cols: number): Buffer {
  const w = items[0].canvas.width
  const h = items[0].canvas.height
  const rows = Math.ceil(items.length / cols)
  const sheet = createCanvas(cols * w, rows * (h + 16))
  const ctx = sheet.getContext('2d')
  ctx.fillStyle = '#111'
  ctx.fillRect(0, 0, sheet.width, sheet.height)
  ctx.font = '12px sans-serif'
  items.forEach((it, k) => {
    const x = (k % cols) * w
    const y = Math.floor(k / cols) * (h + 16)
    ctx.drawImage(it.canvas, x, y)
    ctx.fillStyle = '#eee'
    ctx.fillText(it.label, x + 4, y + h + 12)
  })
  return sheet.encodeSync('png')
}

/** A 20 s, 120 BPM, one-section analysis: enough for the director to write cards. */
export function flatAnalysis(): Analysis {
  const beats = Array.from({ length: 40 }, (_, i) => i / 2)
  const flat = { fps: 43.066, values: [0.5] }
  return {
    version: 1, source: { path: '/tmp/s.wav', sha256: 'x', durationSec: 20, sampleRate: 22050 },
    tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false }, beatless: [], streams: { method: 'dsp', detail: 't' }, meter: 4,
    beats, downbeats: beats.filter((_, i) => i % 4 === 0), sections: [{ index: 0, label: 'verse', start: 0, end: 20, energy: 0.5, confidence: 1 }],
    beatConfidence: beats.map(() => 1), downbeatConfidence: beats.filter((_, i) => i % 4 === 0).map(() => 1), tracker: { method: 'dsp', detail: 't' },
    features: { onset: flat, rms: flat, percussive: flat, harmonic: flat, centroid: flat, hue: flat, vocal: flat },
  }
}
