import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, hsl, mix, scale, type Rgb } from '../colour.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import { band, type FrameState, type Stage } from '../stage.js'
import type { Painter } from './types.js'

/** A practical lamp's glow, breathing with the loudness. */
function lampGlow(ctx: SKRSContext2D, x: number, y: number, r: number, f: FrameState): void {
  const g = ctx.createRadialGradient(x, y, 0, x, y, r)
  g.addColorStop(0, `rgba(255,214,150,${(0.15 + 0.35 * f.energy).toFixed(3)})`)
  g.addColorStop(1, 'rgba(255,214,150,0)')
  ctx.fillStyle = g
  ctx.fillRect(x - r, y - r, 2 * r, 2 * r)
}

export const interior: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const wall = mix(p[0], [200, 180, 160], 0.35)
  const dim = 0.45 + 0.55 * Math.max(L.ambient, 0.5)
  const floorY = 0.68
  const room = band(s, 0, s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(floorY))
    g.addColorStop(0, css(scale(wall, dim * 0.7)))
    g.addColorStop(1, css(scale(wall, dim)))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.Y(floorY))
    // Window with the time of day outside.
    const wx = s.X(range(rng, 0.12, 0.3))
    const wy = s.Y(0.14)
    const ww = s.W * 0.22
    const wh = s.H * 0.36
    const sg = ctx.createLinearGradient(0, wy, 0, wy + wh)
    sg.addColorStop(0, css(L.skyTop))
    sg.addColorStop(1, css(L.skyHorizon))
    ctx.fillStyle = sg
    ctx.fillRect(wx, wy, ww, wh)
    ctx.fillStyle = css(L.light)
    ctx.beginPath()
    ctx.arc(wx + ww * 0.7, wy + wh * 0.3, wh * 0.09, 0, Math.PI * 2)
    ctx.fill()
    ctx.fillStyle = css(scale(wall, 0.45))
    const bar = Math.max(3, s.H * 0.012)
    ctx.fillRect(wx - bar, wy - bar, ww + 2 * bar, bar)
    ctx.fillRect(wx - bar, wy + wh, ww + 2 * bar, bar * 1.6)
    ctx.fillRect(wx - bar, wy, bar, wh)
    ctx.fillRect(wx + ww, wy, bar, wh)
    ctx.fillRect(wx + ww / 2 - bar / 2, wy, bar, wh)
    ctx.fillRect(wx, wy + wh / 2 - bar / 2, ww, bar)
    // Picture frames on the wall.
    for (let k = 0; k < 2; k++) {
      const fx = s.X(range(rng, 0.5, 0.85))
      const fy = s.Y(range(rng, 0.12, 0.3))
      const fw = s.H * range(rng, 0.1, 0.18)
      ctx.fillStyle = css(scale(wall, 0.35))
      ctx.fillRect(fx, fy, fw, fw * 1.25)
      ctx.fillStyle = css(p[(k + 1) % p.length])
      ctx.fillRect(fx + fw * 0.1, fy + fw * 0.1, fw * 0.8, fw * 1.05)
    }
    // Skirting board.
    ctx.fillStyle = css(scale(wall, 0.55))
    ctx.fillRect(0, s.Y(floorY) - s.H * 0.025, s.LW, s.H * 0.025)
    // Floor lamp.
    const lx = s.X(0.88)
    ctx.fillStyle = css([30, 26, 24])
    ctx.fillRect(lx - 2, s.Y(0.3), 4 * (s.H / 720), s.Y(0.86) - s.Y(0.3))
    ctx.fillStyle = css([255, 220, 160])
    ctx.beginPath()
    ctx.moveTo(lx - s.H * 0.06, s.Y(0.3))
    ctx.lineTo(lx + s.H * 0.06, s.Y(0.3))
    ctx.lineTo(lx + s.H * 0.035, s.Y(0.22))
    ctx.lineTo(lx - s.H * 0.035, s.Y(0.22))
    ctx.closePath()
    ctx.fill()
  })
  const floor = band(s, s.Y(floorY), s.LH, (ctx) => {
    const wood = mix([120, 80, 50], p[1], 0.25)
    const g = ctx.createLinearGradient(0, s.Y(floorY), 0, s.LH)
    g.addColorStop(0, css(scale(wood, dim * 0.8)))
    g.addColorStop(1, css(scale(wood, dim * 0.45)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(floorY), s.LW, s.LH)
    ctx.strokeStyle = css(scale(wood, 0.3), 0.6)
    ctx.lineWidth = Math.max(1, s.H * 0.002)
    ctx.beginPath()
    const vx = s.X(0.5)
    for (let k = -12; k <= 12; k++) {
      ctx.moveTo(vx + k * s.W * 0.07, s.Y(floorY))
      ctx.lineTo(vx + k * s.W * 0.22, s.LH)
    }
    ctx.stroke()
    // Rug.
    ctx.fillStyle = css(p[p.length - 1], 0.85)
    ctx.beginPath()
    ctx.ellipse(s.X(0.5), s.Y(0.9), s.W * 0.32, s.H * 0.07, 0, 0, Math.PI * 2)
    ctx.fill()
  })
  return {
    layers: [{ depth: 0.55, image: room, draw: (ctx, f) => lampGlow(ctx, s.X(0.88), s.Y(0.26), s.H * 0.22, f) }, { depth: 1, image: floor }],
    foreground: [],
    groundY: 0.9,
    horizon: floorY,
    slots: { wall: [0.12, 0.5] },
    glow: { x: 0.88, y: 0.26, colour: [255, 200, 130], radius: 0.4 },
  }
}

/** Wooden floor boards converging to the back wall. */
function boards(ctx: SKRSContext2D, s: Stage, top: number, wood: Rgb, dim: number): void {
  const g = ctx.createLinearGradient(0, s.Y(top), 0, s.LH)
  g.addColorStop(0, css(scale(wood, dim * 0.8)))
  g.addColorStop(1, css(scale(wood, dim * 0.45)))
  ctx.fillStyle = g
  ctx.fillRect(0, s.Y(top), s.LW, s.LH)
  ctx.strokeStyle = css(scale(wood, 0.3), 0.6)
  ctx.lineWidth = Math.max(1, s.H * 0.002)
  ctx.beginPath()
  for (let k = -12; k <= 12; k++) {
    ctx.moveTo(s.X(0.5) + k * s.W * 0.07, s.Y(top))
    ctx.lineTo(s.X(0.5) + k * s.W * 0.22, s.LH)
  }
  ctx.stroke()
}

/** A recording studio: foam panels, the control-room window, a level meter and a red light that follow the music. */
export const studio: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const floorY = 0.7
  const foam = mix([60, 62, 72], p[0], 0.3)
  const room = band(s, 0, s.Y(floorY) + 2, (ctx) => {
    ctx.fillStyle = css(scale(foam, 0.6))
    ctx.fillRect(0, 0, s.LW, s.Y(floorY) + 2)
    // Acoustic foam: tiles with alternating ridges.
    const t = s.H * 0.07
    for (let y = 0; y < s.Y(floorY); y += t) {
      for (let x = 0; x < s.LW; x += t) {
        const flip = (Math.floor(x / t) + Math.floor(y / t)) % 2 === 0
        for (let k = 0; k < 4; k++) {
          ctx.fillStyle = css(scale(foam, k % 2 ? 0.75 : 1.05))
          if (flip) ctx.fillRect(x + (k * t) / 4, y, t / 4 - 1, t - 1)
          else ctx.fillRect(x, y + (k * t) / 4, t - 1, t / 4 - 1)
        }
      }
    }
    // Control-room window with the desk's glow behind it.
    const wx = s.X(range(rng, 0.55, 0.68))
    const wy = s.Y(0.16)
    const ww = s.W * 0.26
    const wh = s.H * 0.24
    ctx.fillStyle = css([22, 22, 26])
    ctx.fillRect(wx - 8, wy - 8, ww + 16, wh + 16)
    const g = ctx.createLinearGradient(0, wy, 0, wy + wh)
    g.addColorStop(0, css(mix([30, 40, 60], p[1], 0.3)))
    g.addColorStop(1, css(mix([90, 70, 50], p[1], 0.2)))
    ctx.fillStyle = g
    ctx.fillRect(wx, wy, ww, wh)
    ctx.fillStyle = css([20, 20, 24])
    ctx.fillRect(wx, wy + wh * 0.7, ww, wh * 0.3)
    for (let k = 0; k < 24; k++) {
      ctx.fillStyle = css(hsl(k * 47, 0.7, 0.6))
      ctx.fillRect(wx + ww * 0.05 + (k % 12) * ww * 0.075, wy + wh * (0.76 + 0.1 * Math.floor(k / 12)), ww * 0.03, wh * 0.04)
    }
    // A sign above the door.
    ctx.fillStyle = css([40, 10, 10])
    ctx.fillRect(s.X(0.2), s.Y(0.08), s.W * 0.09, s.H * 0.05)
  })
  const floor = band(s, s.Y(floorY), s.LH, (ctx) => {
    boards(ctx, s, floorY, mix([110, 75, 50], p[1], 0.2), 0.8)
    ctx.fillStyle = css(mix([120, 40, 40], p[2 % p.length], 0.3), 0.9)
    ctx.fillRect(s.X(0.2), s.Y(0.82), s.W * 0.6, s.H * 0.14)
  })
  const meter = (ctx: SKRSContext2D, f: FrameState) => {
    const lit = Math.round(12 * f.energy)
    for (let k = 0; k < 12; k++) {
      ctx.fillStyle = k < lit ? css(k > 9 ? [255, 60, 40] : k > 7 ? [255, 210, 60] : [80, 230, 90]) : 'rgb(30,32,36)'
      ctx.fillRect(s.X(0.06), s.Y(0.6 - k * 0.035), s.W * 0.025, s.H * 0.025)
    }
    ctx.fillStyle = css([255, 40, 30], 0.35 + 0.65 * Math.max(f.hitEnv, f.energy))
    ctx.fillRect(s.X(0.2) + 3, s.Y(0.08) + 3, s.W * 0.09 - 6, s.H * 0.05 - 6)
  }
  return {
    layers: [{ depth: 0.55, image: room, draw: meter }, { depth: 1, image: floor }],
    foreground: [],
    groundY: 0.9,
    horizon: floorY,
    slots: { wall: [0.1, 0.5] },
    glow: { x: 0.62, y: 0.28, colour: [255, 200, 150], radius: 0.35 },
  }
}

/** A club stage: LED wall, lighting truss, moving beams that sweep on the beat and change colour by the bar. */
export const clubStage: Painter = (s, loc, L, rng) => {
  const p = loc.palette.map(hexToRgb)
  const floorY = 0.72
  const back = band(s, 0, s.Y(floorY) + 2, (ctx) => {
    ctx.fillStyle = css(mix([8, 6, 16], p[0], 0.12))
    ctx.fillRect(0, 0, s.LW, s.Y(floorY) + 2)
    ctx.fillStyle = css([14, 14, 20])
    ctx.fillRect(s.X(0.12), s.Y(0.14), s.W * 0.76, s.H * 0.5)
  })
  const cells: Array<[number, number, number]> = []
  const cw = s.W * 0.76 / 16
  const ch = s.H * 0.5 / 8
  for (let r = 0; r < 8; r++) for (let c = 0; c < 16; c++) cells.push([s.X(0.12) + c * cw, s.Y(0.14) + r * ch, (r + c) % 4])
  const cols = [p[0], p[1 % p.length], mix(p[0], [255, 255, 255], 0.4), [255, 60, 180] as Rgb]
  const led = (ctx: SKRSContext2D, f: FrameState) => {
    const beat = Math.floor(f.fc.barPhase * 4)
    ctx.fillStyle = css(cols[beat % cols.length], 0.25 + 0.6 * f.energy)
    for (const [x, y, k] of cells) if (k === beat) ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2)
  }
  const truss = band(s, s.Y(0.02), s.Y(0.12), (ctx) => {
    ctx.strokeStyle = 'rgb(90,92,100)'
    ctx.lineWidth = Math.max(1, s.H * 0.003)
    const y0 = s.Y(0.04)
    const y1 = s.Y(0.08)
    ctx.beginPath()
    ctx.moveTo(0, y0)
    ctx.lineTo(s.LW, y0)
    ctx.moveTo(0, y1)
    ctx.lineTo(s.LW, y1)
    for (let x = 0; x < s.LW; x += s.H * 0.04) {
      ctx.moveTo(x, y0)
      ctx.lineTo(x + s.H * 0.04, y1)
    }
    ctx.stroke()
  })
  const cans = Array.from({ length: 6 }, (_, k) => s.X(0.1 + (k * 0.8) / 5))
  const ar = mulberry32(mixSeed(loc.seed, 'beams'))
  const phases = cans.map(() => ar() * 6.28)
  const beams = (ctx: SKRSContext2D, f: FrameState) => {
    const bar = Math.floor(f.t * 0.5 + f.fc.barPhase)
    const col = hsl((f.fc.hue + bar * 90) % 360, 0.9, 0.6)
    ctx.globalCompositeOperation = 'lighter'
    ctx.fillStyle = css(col, 0.08 + 0.2 * f.energy)
    const swing = Math.sin(f.fc.beatPhase * Math.PI)
    cans.forEach((x, k) => {
      const a = Math.sin(phases[k] + f.t * 0.7) * 0.5 + (k % 2 ? 1 : -1) * 0.25 * swing
      const y = s.Y(0.09)
      const len = s.H * 1.1
      ctx.beginPath()
      ctx.moveTo(x - s.H * 0.01, y)
      ctx.lineTo(x + s.H * 0.01, y)
      ctx.lineTo(x + Math.sin(a) * len + s.H * 0.08, y + Math.cos(a) * len)
      ctx.lineTo(x + Math.sin(a) * len - s.H * 0.08, y + Math.cos(a) * len)
      ctx.fill()
    })
    ctx.globalCompositeOperation = 'source-over'
    ctx.fillStyle = css(col)
    for (const x of cans) ctx.fillRect(x - s.H * 0.015, s.Y(0.08), s.H * 0.03, s.H * 0.025)
  }
  const stage = band(s, s.Y(floorY), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(floorY), 0, s.LH)
    g.addColorStop(0, 'rgb(40,38,46)')
    g.addColorStop(1, 'rgb(12,12,16)')
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(floorY), s.LW, s.LH)
    ctx.fillStyle = css(mix([255, 255, 255], p[0], 0.5), 0.5)
    ctx.fillRect(0, s.Y(0.96), s.LW, s.H * 0.006)
  })
  return {
    layers: [{ depth: 0.4, image: back, draw: led }, { depth: 0.6, image: truss }, { depth: 1, image: stage, draw: beams }],
    foreground: [],
    groundY: 0.9,
    horizon: floorY,
    slots: { wall: [0.15, 0.45] },
    glow: { x: 0.5, y: 0.1, colour: mix(p[0], [255, 255, 255], 0.4), radius: 0.5 },
  }
}
