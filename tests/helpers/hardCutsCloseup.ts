/**
 * Hard cases with a large foreground figure, the failure the example song showed (shot 9, frame
 * 60: a close-up figure swinging its arm fast while the caption changes, on a beat that flashes
 * and re-tints the whole picture). Two kinds (see hardCuts.ts for the shapes they share):
 * - `closeup`: drawn here: a figure filling much of the frame over a scene, arms swinging fast,
 *   a beat flash toward white every beat, a zoom punch and shake on it, a tint that changes with
 *   the harmony, a caption whose text changes on a beat. No cut in even cases; in odd cases the
 *   background cuts to another scene on a beat while the figure stays (the same singer elsewhere);
 * - `procedural`: real frames of the procedural generator (src/render/generators/procedural) in a
 *   close framing with hits on every beat and a caption change, through a renderer the caller
 *   passes in (this file imports no project code, so bench/cuts-hard.mjs can transpile it alone).
 *   Odd cases cut on a downbeat to another location with the same character.
 * The held-out set uses other seeds, other parameter ranges, other worlds and camera moves.
 */
import type { SegmentRequest } from '../../src/render/generators/types.js'
import type { CameraMove, CharacterCard, FrameControl, LocationCard, World } from '../../src/schemas/index.js'
import { drawScene, hsv, makeLayout, makePalette, put, rng, type HardCase, type HardSet, type RGB } from './hardCuts.js'

/** What `createShotRenderer` (procedural/scene.ts) gives: draw frame i, read the canvas as RGBA. */
export type ShotRendererFactory = (req: SegmentRequest) => { canvas: { data(): Uint8Array | Buffer }; renderFrame(i: number): void }

type Base = Pick<HardCase, 'name' | 'kind' | 'width' | 'height' | 'fps'>

function closeupRanges(set: HardSet) {
  return set === 'dev'
    ? { flash: [0.08, 0.16], armPeriod: [6, 10], armAmp: [50, 80], torso: [0.45, 0.6], punch: [0.03, 0.05], beat: [12, 16] }
    : { flash: [0.05, 0.2], armPeriod: [5, 12], armAmp: [40, 90], torso: [0.4, 0.65], punch: [0.02, 0.06], beat: [10, 18] }
}

/** A pseudo-glyph (5×7 cells) per character code: caption text without a font. */
function glyphBit(code: number, x: number, y: number): boolean {
  let t = Math.imul(code * 73 + y * 7 + x, 0x9e3779b1)
  t ^= t >>> 15
  return (t & 3) !== 0
}

function drawCaption(out: Uint8Array, w: number, h: number, text: number[], alpha: number): void {
  if (alpha <= 0) return
  const px = Math.max(1, Math.round(h / 120))
  const cw = 6 * px
  const x0 = Math.round((w - text.length * cw) / 2)
  const y0 = h - 12 * px
  for (let k = 0; k < text.length; k++) {
    if (text[k] === 32) continue
    for (let gy = 0; gy < 7; gy++)
      for (let gx = 0; gx < 5; gx++) {
        if (!glyphBit(text[k], gx, gy)) continue
        for (let yy = 0; yy < px; yy++)
          for (let xx = 0; xx < px; xx++) {
            const x = x0 + k * cw + gx * px + xx
            const y = y0 + gy * px + yy
            if (x < 0 || x >= w || y < 0 || y >= h) continue
            const p = (y * w + x) * 3
            for (let c = 0; c < 3; c++) out[p + c] = Math.round(out[p + c] * (1 - alpha) + 245 * alpha)
          }
      }
  }
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segDist(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)))
  return Math.hypot(x - ax - t * dx, y - ay - t * dy)
}

export function closeupCase(base: Base, set: HardSet, index: number, seed: number): HardCase {
  const r = rng(seed)
  const R = closeupRanges(set)
  const between = (lo: number, hi: number) => lo + r() * (hi - lo)
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1))
  const { width: w, height: h } = base
  const layouts = [makeLayout(r, w, h), makeLayout(r, w, h)]
  const hue0 = r() * 360
  const palettes = [makePalette(r, hue0), makePalette(r, hue0 + between(90, 200))]
  const beat = int(R.beat[0], R.beat[1])
  const frames = beat * 8
  const change = beat * int(3, 4)
  const cut = index % 2 ? beat * int(5, 6) : -1
  const flash = between(R.flash[0], R.flash[1])
  const punch = between(R.punch[0], R.punch[1])
  const cx = w * between(0.4, 0.6)
  const torsoW = w * between(R.torso[0], R.torso[1])
  const torsoTop = h * between(0.4, 0.5)
  const headR = h * between(0.16, 0.22)
  const armLen = h * between(0.5, 0.75)
  const armW = h * between(0.08, 0.12)
  const period = between(R.armPeriod[0], R.armPeriod[1])
  const amp = (between(R.armAmp[0], R.armAmp[1]) * Math.PI) / 180
  const jacket = hsv(hue0 + between(120, 240), 0.75, 0.85)
  const shirt = hsv(hue0 + between(0, 60), 0.3, 0.95)
  const skin = hsv(20 + r() * 15, 0.45, 0.55 + r() * 0.35)
  const tints = [0, 1].map(() => [0, 1, 2].map(() => between(0.85, 1.12)))
  const caption = (len: number) => Array.from({ length: len }, () => (r() < 0.18 ? 32 : 65 + Math.floor(r() * 26)))
  const texts = [caption(int(14, 22)), caption(int(10, 22))]
  const shake = Array.from({ length: frames }, () => [r() - 0.5, r() - 0.5])
  return {
    ...base,
    frames,
    cuts: cut > 0 ? [[cut - 1, cut + 1]] : [],
    draw(n, out) {
      const bg = cut > 0 && n >= cut ? 1 : 0
      drawScene(out, w, h, layouts[bg], palettes[bg], n, seed)
      const env = 0.7 ** (n % beat)
      // Zoom punch about the figure's base and a shake, both decaying from each beat.
      const s = 1 + punch * env
      const sx = shake[n][0] * env * h * 0.025
      const sy = shake[n][1] * env * h * 0.025
      const X = (x: number) => cx + (x - cx) * s + sx
      const Y = (y: number) => h + (y - h) * s + sy
      const shoulderY = Y(torsoTop + 0.06 * h)
      const arms = [-1, 1].map((side, k) => {
        const a = side * (0.35 + amp * Math.sin((2 * Math.PI * n) / period + k * 2.1))
        const ax = X(cx + (side * torsoW) / 2.2)
        return [ax, shoulderY, ax + Math.sin(a) * armLen * s, shoulderY + Math.cos(a) * armLen * s * -0.3 + armLen * s * 0.5]
      })
      const headY = Y(torsoTop - headR * 0.8)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let c: RGB | undefined
          if (Math.abs(x - cx - sx) <= (torsoW * s) / 2 && y >= Y(torsoTop)) c = Math.abs(x - cx - sx) <= (torsoW * s) / 7 ? shirt : jacket
          else if (Math.hypot(x - X(cx), y - headY) <= headR * s) c = skin
          for (const [ax, ay, bx, by] of arms) if (segDist(x, y, ax, ay, bx, by) <= (armW * s) / 2) c = jacket
          if (c) put(out, (y * w + x) * 3, c, 0)
        }
      const k = n >= change ? 1 : 0
      // Odd cases fade the new caption in over 3 frames (the procedural renderer does), even ones switch.
      drawCaption(out, w, h, texts[k], k && index % 2 ? Math.min(1, (n - change + 1) / 3) : 1)
      // The grade: a tint that follows the harmony (it changes with the caption) and a flash on each beat.
      const tint = tints[k]
      const a = flash * env
      for (let i = 0; i < out.length; i += 3)
        for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round(out[i + c] * tint[c] * (1 - a) + [255, 250, 240][c] * a))
    },
  }
}

const HELD_OUT_WORLDS: World[] = ['shoreline', 'dunes', 'interior', 'starfield']
const HELD_OUT_CAMERAS: CameraMove[] = ['static', 'pan-left', 'crane-up', 'pull-out']
const WORLD_SETS: Record<HardSet, World[]> = { dev: ['neon-grid', 'skyline', 'forest'], test: HELD_OUT_WORLDS, fresh: HELD_OUT_WORLDS }
const CAMERA_SETS: Record<HardSet, CameraMove[]> = { dev: ['pull-out', 'push-in', 'drift'], test: HELD_OUT_CAMERAS, fresh: HELD_OUT_CAMERAS }
const hex = (c: RGB) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`

/** 120 bpm at 30 fps: a hit every 15 frames, a harmony hue that moves every bar, loud throughout. */
function controls(start: number, frames: number, hue0: number, hueStep: number): FrameControl[] {
  return Array.from({ length: frames }, (_, i) => {
    const f = start + i
    return {
      frame: f, loudness: 0.75 + 0.2 * Math.sin(f / 7), hit: f % 15 === 0 ? 1 : 0, hue: (hue0 + Math.floor(f / 60) * hueStep) % 360,
      brightness: 0.6, harmonic: 0.6, vocal: 0.7, sectionIndex: 0, beatPhase: (f % 15) / 15, barPhase: (f % 60) / 60,
      onBeat: f % 15 === 0, onDownbeat: f % 60 === 0,
    }
  })
}

export function proceduralCase(base: Base, set: HardSet, index: number, seed: number, makeRenderer: ShotRendererFactory): HardCase {
  const r = rng(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]
  const { width: w, height: h, fps } = base
  const frames = 120
  const cut = index % 2 ? 60 : -1
  const hue0 = r() * 360
  const character: CharacterCard = {
    kind: 'character', id: 'lead', name: 'Lead', description: 'the singer', seed: Math.floor(r() * 1e6),
    palette: [hsv(r() * 360, 0.8, 0.9), hsv(r() * 360, 0.5, 0.3), hsv(r() * 360, 0.2, 0.95)].map(hex),
    shape: { height: 0.6 + r() * 0.2, build: r(), headSize: 0.14 + r() * 0.04, hair: Math.floor(r() * 6), accessory: Math.floor(r() * 6), outfit: Math.floor(r() * 4) },
  }
  const worlds = WORLD_SETS[set]
  const w0 = Math.floor(r() * worlds.length)
  const location = (world: World, k: number): LocationCard => ({
    kind: 'location', id: `place-${k}`, name: world, description: world, seed: Math.floor(r() * 1e6),
    palette: [hsv(r() * 360, 0.7, 0.4), hsv(r() * 360, 0.8, 0.9), hsv(r() * 360, 0.6, 0.7)].map(hex),
    shape: { world, timeOfDay: pick(['dawn', 'day', 'dusk', 'night'] as const), density: 0.3 + r() * 0.6 },
  })
  const places = [location(worlds[w0], 0), location(worlds[(w0 + 1 + Math.floor(r() * (worlds.length - 1))) % worlds.length], 1)]
  const camera = pick(CAMERA_SETS[set])
  const hueStep = 40 + r() * 80
  const shots = (cut > 0 ? [[0, cut], [cut, frames]] : [[0, frames]]).map(([start, end], k) => {
    const req = {
      shot: {
        index: k, startFrame: start, endFrame: end, sectionIndex: 0, cutOn: 'downbeat', locationId: places[k].id, characterIds: [character.id],
        camera, framing: 'close', prompt: 'the singer, close', seed: Math.floor(r() * 1e8), continuesPrevious: false, motionGain: 0.95,
        // The caption changes on a downbeat, mid-shot when there is no cut.
        captions: [{ startFrame: 0, endFrame: 60, text: 'Every pulse is a shoreline' }, { startFrame: 60, endFrame: frames, text: 'Ride the neon tide' }],
      },
      fps, width: w, height: h, frames: end - start, attempt: 0,
      style: { look: 'synthwave', palette: [hsv(hue0, 0.8, 0.9), hsv(hue0 + 150, 0.8, 0.8)].map(hex), grain: 0.4, vignette: 0.4, captionFont: '' },
      location: places[k], characters: [character], controls: controls(start, end - start, hue0, hueStep),
      audio: { path: '', startSec: start / fps, endSec: end / fps }, referenceKeyframes: {},
      out: { video: '', firstFrame: '', lastFrame: '', keyFrame: '' },
    } as SegmentRequest
    return { start, renderer: makeRenderer(req) }
  })
  return {
    ...base,
    frames,
    cuts: cut > 0 ? [[cut - 1, cut + 1]] : [],
    draw(n, out) {
      const s = shots[n >= cut && cut > 0 ? 1 : 0]
      s.renderer.renderFrame(n - s.start)
      const rgba = s.renderer.canvas.data()
      for (let i = 0, j = 0; j < out.length; i += 4, j += 3) {
        out[j] = rgba[i]
        out[j + 1] = rgba[i + 1]
        out[j + 2] = rgba[i + 2]
      }
    },
  }
}
