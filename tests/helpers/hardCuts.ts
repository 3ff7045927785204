/**
 * Hard cases for the shot-boundary detector, drawn frame by frame from a seed (no randomness but
 * the seeded generator) and encoded by the real ffmpeg (H.264, like a render). Used by
 * tests/shotBoundaries.test.ts and by bench/cuts-hard.mjs (which transpiles this file, so it
 * imports nothing but node's own modules).
 *
 * Kinds (`HardKind`), each with its truth as spans: a detected cut inside a span matches it, one
 * detection per span.
 * - `palette`: scenes with one layout (flat shapes) and different palettes (hues turned), hard cuts,
 *   and a bright bar sweeping across the frame that jumps back to the left edge (not a cut);
 * - `sweep`: the bar alone over one scene (no cut);
 * - `whip`: a still view, a fast pan across a wide scene (motion blur in even cases), a still view (no cut);
 * - `flash`: one or two white frames (the second half strength) over a scene (no cut);
 * - `motion`: a large object crossing the frame fast, then a hard cut to another layout;
 * - `dissolve`: a cross-fade between two scenes (one cut, anywhere in the dissolve);
 * - `fade`: a fade to black, a few black frames, a fade in to another scene (one cut);
 * - `closeup`, `procedural`: a large foreground figure with fast limbs, a beat flash and a caption
 *   change (hardCutsCloseup.ts); `procedural` needs the procedural renderer passed in.
 */
import { spawn } from 'node:child_process'
import { closeupCase, proceduralCase, type ShotRendererFactory } from './hardCutsCloseup.js'

export type HardKind = 'palette' | 'sweep' | 'whip' | 'flash' | 'motion' | 'dissolve' | 'fade' | 'closeup' | 'procedural'
// New kinds go last: a kind's seeds depend on its position.
export const HARD_KINDS: HardKind[] = ['palette', 'sweep', 'whip', 'flash', 'motion', 'dissolve', 'fade', 'closeup', 'procedural']

/** What some kinds need from the project: `procedural` draws with the procedural generator's renderer. */
export interface HardDeps {
  shotRenderer?: ShotRendererFactory
}

/**
 * `dev` is tuned on; `test` (other seeds and parameter ranges) never is; `fresh` (the test ranges,
 * other seeds) was added after the test set's close-up failures had been looked at and a fix made,
 * so that fix is measured on cases nobody has seen.
 */
export type HardSet = 'dev' | 'test' | 'fresh'

export interface HardCase {
  name: string
  kind: HardKind
  width: number
  height: number
  fps: number
  frames: number
  /** Truth: [first, last] frame of each transition (a hard cut at c is [c − 1, c + 1]). */
  cuts: Array<[number, number]>
  /** Draws frame `n` as packed RGB into `out` (width × height × 3). */
  draw(n: number, out: Uint8Array): void
}

/** mulberry32: a small seeded generator, the same numbers on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type RGB = [number, number, number]

export function hsv(h: number, s: number, v: number): RGB {
  h = ((h % 360) + 360) % 360
  const c = v * s
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1))
  const m = v - c
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x]
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)]
}

/** A layout: a label (palette index) per pixel of a `w`×`h` canvas, flat shapes over a background. */
export interface Layout {
  w: number
  h: number
  labels: Uint8Array
}

const LABELS = 5

export function makeLayout(r: () => number, w: number, h: number): Layout {
  const labels = new Uint8Array(w * h)
  const shapes = 6 + Math.floor(r() * 6)
  for (let s = 0; s < shapes; s++) {
    const label = 1 + Math.floor(r() * (LABELS - 1))
    const cx = r() * w
    const cy = r() * h
    const rx = (0.06 + r() * 0.18) * Math.min(w, h * 1.5)
    const ry = (0.06 + r() * 0.25) * h
    const round = r() < 0.5
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(h, cy + ry); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(w, cx + rx); x++) {
        if (round && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue
        labels[y * w + x] = label
      }
  }
  return { w, h, labels }
}

/** A palette: saturated colours of spread hues from `hue0`, values varied. */
export function makePalette(r: () => number, hue0: number): RGB[] {
  const out: RGB[] = []
  for (let i = 0; i < LABELS; i++) out.push(hsv(hue0 + i * 67 + r() * 20, 0.55 + r() * 0.4, 0.45 + r() * 0.5))
  return out
}

/** Fine grain, a fresh pattern every frame (sensor noise: what a flat picture really carries). */
function grain(seed: number, n: number, i: number): number {
  let t = Math.imul(i ^ Math.imul(n + 1, 0x9e3779b1) ^ seed, 0x85ebca6b)
  t ^= t >>> 13
  t = Math.imul(t, 0xc2b2ae35)
  return (((t ^ (t >>> 16)) >>> 0) % 13) - 6
}

export function put(out: Uint8Array, p: number, c: RGB, g: number): void {
  out[p] = Math.max(0, Math.min(255, c[0] + g))
  out[p + 1] = Math.max(0, Math.min(255, c[1] + g))
  out[p + 2] = Math.max(0, Math.min(255, c[2] + g))
}

/** A scene: a layout seen through a palette, with an optional horizontal offset into a wide layout. */
export function drawScene(out: Uint8Array, w: number, h: number, layout: Layout, palette: RGB[], n: number, seed: number, offsetX = 0): void {
  const ox = Math.round(offsetX)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const lx = Math.min(layout.w - 1, Math.max(0, x + ox))
      const i = y * w + x
      put(out, i * 3, palette[layout.labels[y * layout.w + lx]], grain(seed, n, i))
    }
}

/** A bright bar `bw` wide at x = (x0 + v·n) mod (w + bw) − bw: it crosses and jumps back to the left. */
function drawBar(out: Uint8Array, w: number, h: number, n: number, x0: number, v: number, bw: number): void {
  const x = Math.round(((x0 + v * n) % (w + bw)) - bw)
  for (let y = 0; y < h; y++)
    for (let xx = Math.max(0, x); xx < Math.min(w, x + bw); xx++) {
      const p = (y * w + xx) * 3
      out[p] = 250
      out[p + 1] = 248
      out[p + 2] = 235
    }
}

function mix(out: Uint8Array, a: Uint8Array, b: Uint8Array, t: number): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.round(a[i] * (1 - t) + b[i] * t)
}

/** Parameter ranges that differ between the sets (the test set is not a replay of the dev set). */
function ranges(set: HardSet) {
  return set === 'dev'
    ? { barSpeed: [12, 60], barWidth: [0.12, 0.2], whipSpeed: [40, 120], objSpeed: [18, 30], dissolve: [8, 16], fade: [6, 10], hueTurn: [70, 150] }
    : { barSpeed: [16, 70], barWidth: [0.1, 0.24], whipSpeed: [50, 140], objSpeed: [22, 38], dissolve: [10, 20], fade: [5, 12], hueTurn: [60, 170] }
}

/** Hard case `index` of `kind` in `set`: deterministic from those three. */
export function hardCase(kind: HardKind, set: HardSet, index: number, size = { width: 320, height: 240 }, deps: HardDeps = {}): HardCase {
  const seed = { dev: 1, test: 100_003, fresh: 200_017 }[set] + 7919 * index + 104_729 * HARD_KINDS.indexOf(kind)
  const r = rng(seed)
  const R = ranges(set)
  const between = (lo: number, hi: number) => lo + r() * (hi - lo)
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1))
  const { width: w, height: h } = size
  const fps = 30
  const name = `${set}-${kind}-${index}`
  const base = { name, kind, width: w, height: h, fps }
  if (kind === 'closeup') return closeupCase(base, set, index, seed)
  if (kind === 'procedural') {
    if (!deps.shotRenderer) throw new Error('hardCase: the procedural kind needs deps.shotRenderer')
    // 16:9 like a render; the renderer draws at this size.
    return proceduralCase({ ...base, height: Math.round((w * 9) / 32) * 2 }, set, index, seed, deps.shotRenderer)
  }
  const scratchA = new Uint8Array(w * h * 3)
  const scratchB = new Uint8Array(w * h * 3)
  const layoutA = makeLayout(r, w, h)
  const layoutB = makeLayout(r, w, h)
  const hue0 = r() * 360
  const palA = makePalette(r, hue0)
  const palB = makePalette(r, hue0 + between(R.hueTurn[0], R.hueTurn[1]))
  const bar = { x0: r() * w, v: between(R.barSpeed[0], R.barSpeed[1]), bw: Math.round(w * between(R.barWidth[0], R.barWidth[1])) }

  switch (kind) {
    case 'palette': {
      // The case: one layout, a new palette per shot (each turned from the last), the bar throughout.
      const shots = 7
      const lengths = Array.from({ length: shots }, () => int(20, 40))
      const palettes: RGB[][] = [palA]
      for (let s = 1; s < shots; s++) palettes.push(makePalette(r, hue0 + s * between(R.hueTurn[0], R.hueTurn[1])))
      const starts: number[] = []
      let total = 0
      for (const l of lengths) {
        starts.push(total)
        total += l
      }
      return {
        ...base,
        frames: total,
        cuts: starts.slice(1).map((c) => [c - 1, c + 1]),
        draw(n, out) {
          let s = 0
          while (s + 1 < shots && starts[s + 1] <= n) s++
          drawScene(out, w, h, layoutA, palettes[s], n, seed)
          drawBar(out, w, h, n, bar.x0, bar.v, bar.bw)
        },
      }
    }
    case 'sweep':
      return {
        ...base,
        frames: 150,
        cuts: [],
        draw(n, out) {
          drawScene(out, w, h, layoutA, palA, n, seed)
          drawBar(out, w, h, n, bar.x0, bar.v, bar.bw)
          // A second, slower bar the other way in half the cases.
          if (index % 2) drawBar(out, w, h, n, bar.x0 / 2, bar.v * 0.6, bar.bw >> 1)
        },
      }
    case 'whip': {
      // A still view, a whip pan (ease in and out, motion blur as wide as a frame's travel), a still view.
      const wide = makeLayout(r, w * 6, h)
      const speed = between(R.whipSpeed[0], R.whipSpeed[1])
      const hold = int(20, 30)
      const whip = int(6, 12)
      const travel = speed * whip * 0.64
      const pos = (n: number) => {
        if (n < hold) return 0
        if (n >= hold + whip) return travel
        const t = (n - hold) / whip
        return travel * (t * t * (3 - 2 * t))
      }
      return {
        ...base,
        frames: hold * 2 + whip,
        cuts: [],
        draw(n, out) {
          const x1 = pos(n)
          const x0 = n > 0 ? pos(n - 1) : x1
          // Odd cases have no motion blur (a sharp shutter): each frame jumps far, like a cut.
          const taps = index % 2 ? 1 : Math.max(1, Math.min(12, Math.round(Math.abs(x1 - x0) / 4)))
          if (taps === 1) return drawScene(out, w, h, wide, palA, n, seed, x1)
          const acc = new Float32Array(out.length)
          for (let k = 0; k < taps; k++) {
            drawScene(scratchA, w, h, wide, palA, n, seed, x0 + ((x1 - x0) * (k + 1)) / taps)
            for (let i = 0; i < acc.length; i++) acc[i] += scratchA[i]
          }
          for (let i = 0; i < acc.length; i++) out[i] = Math.round(acc[i] / taps)
        },
      }
    }
    case 'flash': {
      const flashes = [int(15, 25), int(45, 55), int(75, 85)]
      const two = flashes.map(() => r() < 0.5)
      return {
        ...base,
        frames: 100,
        cuts: [],
        draw(n, out) {
          drawScene(out, w, h, layoutA, palA, n, seed, 0)
          drawBar(out, w, h, n, bar.x0, bar.v * 0.5, bar.bw)
          for (const [k, f] of flashes.entries()) {
            const strength = n === f ? 1 : two[k] && n === f + 1 ? 0.5 : 0
            if (strength) for (let i = 0; i < out.length; i++) out[i] = Math.round(out[i] + (255 - out[i]) * strength)
          }
        },
      }
    }
    case 'motion': {
      // A large flat object with a stripe bouncing across scene A fast, then a hard cut to scene B.
      const cut = int(50, 70)
      const size = Math.round(h * between(0.35, 0.55))
      const v = between(R.objSpeed[0], R.objSpeed[1])
      const colour = hsv(hue0 + 180, 0.8, 0.9)
      const travel = w - size
      return {
        ...base,
        frames: cut + 40,
        cuts: [[cut - 1, cut + 1]],
        draw(n, out) {
          drawScene(out, w, h, n < cut ? layoutA : layoutB, n < cut ? palA : palB, n, seed)
          const x = Math.round(Math.abs(((v * n) % (2 * travel)) - travel))
          const y0 = Math.round((h - size) / 2 + (h / 6) * Math.sin(n / 5))
          for (let y = Math.max(0, y0); y < Math.min(h, y0 + size); y++)
            for (let xx = x; xx < x + size; xx++) put(out, (y * w + xx) * 3, (y - y0) % 16 < 4 ? [20, 20, 20] : colour, 0)
        },
      }
    }
    case 'dissolve':
    case 'fade': {
      const start = int(30, 45)
      const isFade = kind === 'fade'
      const len = isFade ? int(R.fade[0], R.fade[1]) : int(R.dissolve[0], R.dissolve[1])
      const black = isFade ? int(0, 6) : 0
      const end = isFade ? start + 2 * len + black : start + len
      return {
        ...base,
        frames: end + 35,
        cuts: [[start, end]],
        draw(n, out) {
          // Both scenes drift slowly (a real shot is rarely still).
          drawScene(scratchA, w, h, layoutA, palA, n, seed, 0)
          drawBar(scratchA, w, h, n, bar.x0, 3, bar.bw >> 1)
          drawScene(scratchB, w, h, layoutB, palB, n, seed, 0)
          if (!isFade) {
            const t = Math.max(0, Math.min(1, (n - start + 1) / (len + 1)))
            return mix(out, scratchA, scratchB, t)
          }
          scratchB.fill(0)
          if (n < start + len) mix(out, scratchA, scratchB, Math.max(0, Math.min(1, (n - start + 1) / len)))
          else if (n < start + len + black) out.fill(0)
          else {
            drawScene(scratchA, w, h, layoutB, palB, n, seed, 0)
            mix(out, scratchB, scratchA, Math.max(0, Math.min(1, (n - start - len - black + 1) / len)))
          }
        },
      }
    }
  }
}

/** The whole set: `perKind` cases of every kind (`procedural` only when its renderer is given). */
export function hardSet(set: HardSet, perKind: number, deps: HardDeps = {}): HardCase[] {
  const kinds = HARD_KINDS.filter((k) => k !== 'procedural' || deps.shotRenderer)
  return kinds.flatMap((kind) => Array.from({ length: perKind }, (_, i) => hardCase(kind, set, i, undefined, deps)))
}

/** Encodes a case to `path` with the real ffmpeg (H.264 CRF `crf`, default 23, yuv420p, like a render). */
export function writeHardCase(c: HardCase, path: string, opts: { crf?: number; ffmpeg?: string } = {}): Promise<void> {
  const args = ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${c.width}x${c.height}`, '-r', String(c.fps), '-i', 'pipe:0']
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(opts.crf ?? 23), '-pix_fmt', 'yuv420p', '-f', 'mp4', path)
  return new Promise((resolve, reject) => {
    const p = spawn(opts.ffmpeg ?? 'ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] })
    let err = ''
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.trim()}`))))
    // Frames are written one at a time, waiting for the pipe to drain: never the whole video in memory.
    const frame = new Uint8Array(c.width * c.height * 3)
    let n = 0
    const pump = () => {
      while (n < c.frames) {
        c.draw(n++, frame)
        if (!p.stdin.write(Buffer.from(frame))) return void p.stdin.once('drain', pump)
      }
      p.stdin.end()
    }
    pump()
  })
}

/** Matches found cuts to truth spans (each detection to at most one span, in order). */
export function matchCuts(found: number[], truth: Array<[number, number]>): { tp: number; fp: number; fn: number; missed: Array<[number, number]>; extra: number[] } {
  const used = new Array<boolean>(truth.length).fill(false)
  const extra: number[] = []
  for (const f of found) {
    const k = truth.findIndex(([lo, hi], j) => !used[j] && f >= lo && f <= hi)
    if (k < 0) extra.push(f)
    else used[k] = true
  }
  const missed = truth.filter((_, j) => !used[j])
  return { tp: used.filter(Boolean).length, fp: extra.length, fn: missed.length, missed, extra }
}
