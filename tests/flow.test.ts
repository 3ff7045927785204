import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeFrames, runFfmpeg } from '../src/ffmpeg/index.js'
import { denseFlow, meanFlowMagnitude, meanFlowVector, MotionTracker, type FlowField } from '../src/metrics/flow.js'
import { mulberry32 } from '../src/util/random.js'

// The size the metrics run at.
const W = 160
const H = 90

/** A smooth analytic texture: oriented sinusoids (periods 7–45 px by default) plus Gaussian blobs, about 0..255. */
function makeTexture(seed: number, minPeriod = 7, maxPeriod = 45): (x: number, y: number) => number {
  const rnd = mulberry32(seed)
  const waves: Array<[number, number, number, number]> = []
  for (let k = 0; k < 10; k++) {
    const period = minPeriod + rnd() * (maxPeriod - minPeriod)
    const th = rnd() * Math.PI
    waves.push([(Math.cos(th) * 2 * Math.PI) / period, (Math.sin(th) * 2 * Math.PI) / period, rnd() * 2 * Math.PI, 8 + rnd() * 10])
  }
  const blobs: Array<[number, number, number, number]> = []
  for (let k = 0; k < 12; k++) blobs.push([rnd() * 200 - 20, rnd() * 130 - 20, 4 + rnd() * 8, (rnd() - 0.5) * 80])
  return (x, y) => {
    let v = 128
    for (const [a, b, p, amp] of waves) v += amp * Math.sin(a * x + b * y + p)
    for (const [bx, by, s, amp] of blobs) v += amp * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s))
    return v
  }
}

/** A W×H frame whose pixel (x, y) shows tex(map(x, y)). */
function render(tex: (x: number, y: number) => number, map: (x: number, y: number) => [number, number] = (x, y) => [x, y]): Float32Array {
  const f = new Float32Array(W * H)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [sx, sy] = map(x, y)
      f[y * W + x] = tex(sx, sy)
    }
  }
  return f
}

function toBytes(f: Float32Array): Uint8Array {
  const b = new Uint8Array(f.length)
  for (let i = 0; i < f.length; i++) b[i] = Math.max(0, Math.min(255, Math.round(f[i])))
  return b
}

/** Mean flow over the pixels of a rectangle [x0, x1) × [y0, y1). */
function meanIn(flow: FlowField, x0: number, x1: number, y0: number, y1: number): { u: number; v: number } {
  let su = 0
  let sv = 0
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      su += flow.u[y * W + x]
      sv += flow.v[y * W + x]
    }
  }
  const n = (x1 - x0) * (y1 - y0)
  return { u: su / n, v: sv / n }
}

/** Least-squares slope of `values` against `coords` (both over the interior pixels). */
function slope(coords: number[], values: number[]): number {
  const n = coords.length
  const mc = coords.reduce((a, b) => a + b, 0) / n
  const mv = values.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (coords[i] - mc) * (values[i] - mv)
    den += (coords[i] - mc) ** 2
  }
  return num / den
}

const INTERIOR = 10
const tex = makeTexture(11)

describe('denseFlow on analytic frames', () => {
  const shifts: Array<[number, number]> = [
    [0.25, 0],
    [0, -0.4],
    [0.7, 0.3],
    [1.5, -1.2],
    [3.2, 2.1],
  ]
  const prev = render(tex)
  for (const [dx, dy] of shifts) {
    it(`recovers a translation by (${dx}, ${dy}) within 0.1 px`, () => {
      const next = render(tex, (x, y) => [x - dx, y - dy])
      const flow = denseFlow(prev, next, W, H)
      const mean = meanFlowVector(flow, INTERIOR)
      expect(Math.abs(mean.u - dx)).toBeLessThan(0.1)
      expect(Math.abs(mean.v - dy)).toBeLessThan(0.1)
      // Not only on average: nearly every interior pixel is right.
      let good = 0
      let n = 0
      for (let y = INTERIOR; y < H - INTERIOR; y++) {
        for (let x = INTERIOR; x < W - INTERIOR; x++) {
          const i = y * W + x
          n++
          if (Math.hypot(flow.u[i] - dx, flow.v[i] - dy) < 0.1) good++
        }
      }
      expect(good / n).toBeGreaterThan(0.98)
      expect(meanFlowMagnitude(flow, INTERIOR)).toBeCloseTo(Math.hypot(dx, dy), 1)
    })
  }

  it('shifts longer than the texture periods need the pyramid: each level more reaches further', () => {
    // Fine texture only (periods 6–16 px): at full size a long shift lands on the wrong wave crest.
    const fine = makeTexture(11, 6, 16)
    const a = render(fine)
    const miss = (dx: number, dy: number, levels: number) => {
      const b = render(fine, (x, y) => [x - dx, y - dy])
      const m = meanFlowVector(denseFlow(a, b, W, H, { levels }), INTERIOR)
      return Math.hypot(m.u - dx, m.v - dy)
    }
    expect(miss(7, 3, 1)).toBeGreaterThan(1)
    expect(miss(7, 3, 2)).toBeGreaterThan(1)
    expect(miss(7, 3, 3)).toBeLessThan(0.1)
    expect(miss(9, -4, 3)).toBeGreaterThan(1)
    expect(miss(9, -4, 4)).toBeLessThan(0.1)
  })

  it('identical frames give zero flow everywhere', () => {
    const flow = denseFlow(prev, prev, W, H)
    let max = 0
    for (let i = 0; i < W * H; i++) max = Math.max(max, Math.abs(flow.u[i]), Math.abs(flow.v[i]))
    expect(max).toBeLessThan(1e-6)
    expect(meanFlowMagnitude(flow)).toBeLessThan(1e-6)
  })

  it('a still picture with independent sensor noise reads as (almost) still', () => {
    const rnd = mulberry32(5)
    const noisy = () => {
      const f = new Float32Array(prev)
      for (let i = 0; i < f.length; i++) f[i] += 2 * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())
      return toBytes(f)
    }
    const flow = denseFlow(noisy(), noisy(), W, H)
    expect(meanFlowMagnitude(flow, 2)).toBeLessThan(0.1)
  })

  it('a change of lighting is not read as motion, and does not disturb a real shift', () => {
    // (Plain brightness constancy reads these as 2.1 and 0.7 px/frame of motion.)
    const global = render((x, y) => tex(x, y) + 15)
    expect(meanFlowMagnitude(denseFlow(prev, global, W, H), 2)).toBeLessThan(0.01)
    // Up to +12 grey levels, brighter to the right and down.
    const light = (x: number, y: number) => 12 * (0.6 * (x / W) + 0.4 * (y / H) ** 2)
    const lit = render((x, y) => tex(x, y) + light(x, y))
    expect(meanFlowMagnitude(denseFlow(prev, lit, W, H), 2)).toBeLessThan(0.1)
    const [dx, dy] = [1.3, -0.6]
    const litShifted = render((x, y) => tex(x - dx, y - dy) + light(x, y))
    const mean = meanFlowVector(denseFlow(prev, litShifted, W, H), INTERIOR)
    expect(Math.abs(mean.u - dx)).toBeLessThan(0.1)
    expect(Math.abs(mean.v - dy)).toBeLessThan(0.1)
  })

  it('a textured square moving over a static textured background: its flow inside, zero outside', () => {
    const bg = makeTexture(3)
    const fg = makeTexture(29)
    const [sx, sy, size] = [58, 22, 46]
    const [dx, dy] = [2.4, -1.3]
    const frame = (ox: number, oy: number) =>
      render((x, y) => {
        const inside = x >= sx + ox && x < sx + ox + size && y >= sy + oy && y < sy + oy + size
        return inside ? fg(x - ox, y - oy) : bg(x, y)
      })
    const flow = denseFlow(frame(0, 0), frame(dx, dy), W, H)
    const m = 9 // window radius + 2: pixels whose window sees only the square
    const inside = meanIn(flow, sx + m, sx + size - m, sy + m, sy + size - m)
    expect(Math.abs(inside.u - dx)).toBeLessThan(0.15)
    expect(Math.abs(inside.v - dy)).toBeLessThan(0.15)
    // Background well clear of both positions of the square.
    let su = 0
    let sv = 0
    let n = 0
    for (let y = 4; y < H - 4; y++) {
      for (let x = 4; x < W - 4; x++) {
        const near = x > sx - m - 3 && x < sx + size + m + 3 && y > sy - m - 2 && y < sy + size + m + 2
        if (near) continue
        su += Math.abs(flow.u[y * W + x])
        sv += Math.abs(flow.v[y * W + x])
        n++
      }
    }
    expect(n).toBeGreaterThan(2000)
    expect(su / n).toBeLessThan(0.1)
    expect(sv / n).toBeLessThan(0.1)
  })

  it('a zoom gives a divergent field with the right signs and rate', () => {
    const [cx, cy, s] = [(W - 1) / 2, (H - 1) / 2, 1.05]
    const next = render(tex, (x, y) => [cx + (x - cx) / s, cy + (y - cy) / s])
    const flow = denseFlow(render(tex), next, W, H)
    // Truth: u = (s − 1)(x − cx), v = (s − 1)(y − cy).
    expect(meanIn(flow, 100, W - INTERIOR, INTERIOR, H - INTERIOR).u).toBeGreaterThan(1)
    expect(meanIn(flow, INTERIOR, 60, INTERIOR, H - INTERIOR).u).toBeLessThan(-1)
    expect(meanIn(flow, INTERIOR, W - INTERIOR, 60, H - INTERIOR).v).toBeGreaterThan(0.6)
    expect(meanIn(flow, INTERIOR, W - INTERIOR, INTERIOR, 30).v).toBeLessThan(-0.6)
    const xs: number[] = []
    const ys: number[] = []
    const us: number[] = []
    const vs: number[] = []
    for (let y = INTERIOR; y < H - INTERIOR; y++) {
      for (let x = INTERIOR; x < W - INTERIOR; x++) {
        xs.push(x - cx)
        ys.push(y - cy)
        us.push(flow.u[y * W + x])
        vs.push(flow.v[y * W + x])
      }
    }
    expect(slope(xs, us)).toBeCloseTo(s - 1, 2)
    expect(slope(ys, vs)).toBeCloseTo(s - 1, 2)
  })

  it('a rotation gives a curl field with the right signs and angle', () => {
    const [cx, cy, th] = [(W - 1) / 2, (H - 1) / 2, (3 * Math.PI) / 180]
    const [c, s] = [Math.cos(th), Math.sin(th)]
    // next(p) = prev(R⁻¹(p − c) + c): the picture turns by +θ (clockwise on screen, y down).
    const next = render(tex, (x, y) => [cx + c * (x - cx) + s * (y - cy), cy - s * (x - cx) + c * (y - cy)])
    const flow = denseFlow(render(tex), next, W, H)
    // Truth: u ≈ −θ(y − cy), v ≈ θ(x − cx).
    expect(meanIn(flow, INTERIOR, W - INTERIOR, INTERIOR, 30).u).toBeGreaterThan(0.5)
    expect(meanIn(flow, INTERIOR, W - INTERIOR, 60, H - INTERIOR).u).toBeLessThan(-0.5)
    expect(meanIn(flow, 100, W - INTERIOR, INTERIOR, H - INTERIOR).v).toBeGreaterThan(1)
    expect(meanIn(flow, INTERIOR, 60, INTERIOR, H - INTERIOR).v).toBeLessThan(-1)
    const xs: number[] = []
    const ys: number[] = []
    const us: number[] = []
    const vs: number[] = []
    for (let y = INTERIOR; y < H - INTERIOR; y++) {
      for (let x = INTERIOR; x < W - INTERIOR; x++) {
        xs.push(x - cx)
        ys.push(y - cy)
        us.push(flow.u[y * W + x])
        vs.push(flow.v[y * W + x])
      }
    }
    expect(slope(ys, us)).toBeCloseTo(-s, 2)
    expect(slope(xs, vs)).toBeCloseTo(s, 2)
  })

  it('rejects frames of the wrong size and bad options', () => {
    const f = render(tex)
    expect(() => denseFlow(f, f.subarray(1), W, H)).toThrow(RangeError)
    expect(() => denseFlow(f, f, W, H, { iterations: 0 })).toThrow(RangeError)
    expect(() => denseFlow(f, f, W, H, { windowRadius: 2.5 })).toThrow(RangeError)
  })

  it('meanFlowMagnitude averages √(u²+v²) over the interior only', () => {
    const u = new Float32Array(W * H)
    const v = new Float32Array(W * H)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const edge = x < 5 || x >= W - 5 || y < 5 || y >= H - 5
        u[y * W + x] = edge ? 100 : 3
        v[y * W + x] = edge ? 100 : 4
      }
    }
    const field = { width: W, height: H, u, v }
    expect(meanFlowMagnitude(field, 5)).toBeCloseTo(5, 6)
    expect(meanFlowMagnitude(field, 0)).toBeGreaterThan(20)
  })
})

describe('MotionTracker', () => {
  it('returns the known per-frame speeds in order, with reused input buffers', () => {
    // Camera drift with a new speed and direction every frame (pixels/frame).
    const steps: Array<[number, number]> = [
      [0, 0],
      [0.5, 0],
      [0, 1],
      [-1.5, 0.8],
      [2.5, 2],
      [0.3, -0.3],
      [0, 0],
      [-3, -1.5],
      [1, 1],
    ]
    const tracker = new MotionTracker(W, H)
    const buf = new Uint8Array(W * H)
    let [ox, oy] = [0, 0]
    const got: number[] = []
    const frames: Uint8Array[] = []
    buf.set(toBytes(render(tex)))
    frames.push(new Uint8Array(buf))
    got.push(tracker.add(buf))
    for (const [dx, dy] of steps) {
      ox += dx
      oy += dy
      buf.set(toBytes(render(tex, (x, y) => [x - ox, y - oy])))
      frames.push(new Uint8Array(buf))
      got.push(tracker.add(buf))
    }
    expect(got[0]).toBe(0)
    steps.forEach(([dx, dy], k) => expect(Math.abs(got[k + 1] - Math.hypot(dx, dy))).toBeLessThan(0.1))
    // The tracker measures exactly what denseFlow + meanFlowMagnitude (border 2) measure.
    const last = meanFlowMagnitude(denseFlow(frames.at(-2)!, frames.at(-1)!, W, H), 2)
    expect(got.at(-1)).toBeCloseTo(last, 5)
    expect(tracker.lastFlow?.width).toBe(W)

    tracker.reset()
    expect(tracker.add(buf)).toBe(0)
    expect(tracker.lastFlow).toBeUndefined()
    buf.set(frames[0])
    expect(Math.abs(tracker.add(buf) - Math.hypot(ox, oy))).toBeLessThan(0.15)
  })
})

describe('motion of a real encoded video', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longav-flow-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('measures a camera pan at 160×90 at the speed it was made with', async () => {
    // A 1280×360 still of blurred noise, panned by a 640×360 crop moving 0, 4, 6 then 10 source px
    // per frame (0, 1, 1.5, 2.5 px/frame after the 4× downscale), encoded with x264.
    const texPng = join(dir, 'texture.png')
    await runFfmpeg(['-f', 'lavfi', '-i', 'nullsrc=s=1280x360,format=gray,geq=lum=random(1)*255,gblur=sigma=3', '-frames:v', '1', '-y', texPng])
    const speeds = [
      ...Array<number>(10).fill(0),
      ...Array<number>(15).fill(4),
      ...Array<number>(15).fill(6),
      ...Array<number>(20).fill(10),
    ]
    const offsets = [0]
    for (let k = 1; k < speeds.length; k++) offsets.push(offsets[k - 1] + speeds[k])
    // crop's x as a piecewise function of the frame number n (same sums as `offsets`).
    const x = 'if(lt(n,10),0,if(lt(n,25),(n-9)*4,if(lt(n,40),60+(n-24)*6,150+(n-39)*10)))'
    expect(offsets[9]).toBe(0)
    expect(offsets[24]).toBe(60)
    expect(offsets[39]).toBe(150)
    expect(offsets.at(-1)).toBe(150 + 20 * 10)
    const video = join(dir, 'pan.mp4')
    await runFfmpeg([
      '-loop', '1', '-framerate', '30', '-i', texPng,
      '-vf', `crop=w=640:h=360:x='${x}':y=0:exact=1,format=yuv420p`,
      '-frames:v', String(speeds.length), '-c:v', 'libx264', '-crf', '20', '-preset', 'veryfast', '-y', video,
    ])
    const tracker = new MotionTracker(W, H)
    const measured: number[] = []
    const n = await decodeFrames(video, { width: W, height: H, format: 'gray' }, (frame) => measured.push(tracker.add(frame)))
    expect(n).toBe(speeds.length)
    const errors = measured.slice(1).map((m, k) => Math.abs(m - speeds[k + 1] / 4))
    expect(Math.max(...errors)).toBeLessThan(0.1)
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.03)
    // And the direction: the picture content moves left as the crop window moves right.
    expect(meanFlowVector(tracker.lastFlow!, 2).u).toBeLessThan(-2.3)
  })
})
