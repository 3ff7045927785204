import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale, type Rgb } from '../colour.js'
import { range } from '../prng.js'
import { band, type FrameState } from '../stage.js'
import { rainLayer, ridge, silhouette, skyLayer } from './layers.js'
import type { Painter } from './types.js'

/** Street lamps whose light swells with the loudness. */
function lampsGlow(ctx: SKRSContext2D, f: FrameState, xs: number[], y: number, r: number, col: Rgb): void {
  const rr = r * (0.35 + 0.45 * f.energy)
  ctx.globalCompositeOperation = 'lighter'
  for (const x of xs) {
    const g = ctx.createRadialGradient(x, y, 0, x, y, rr)
    g.addColorStop(0, css(col, 0.1 + 0.35 * f.energy))
    g.addColorStop(1, css(col, 0))
    ctx.fillStyle = g
    ctx.fillRect(x - rr, y - rr, 2 * rr, 2 * rr)
  }
  ctx.globalCompositeOperation = 'source-over'
}

/** Windows that light up in turn, one set per beat of the bar, brighter when loud. */
function windowsOnBeat(ctx: SKRSContext2D, f: FrameState, wins: Array<[number, number, number]>, col: Rgb): void {
  const beat = Math.floor(f.fc.barPhase * 4)
  ctx.fillStyle = css(col, 0.35 + 0.6 * f.energy)
  for (let k = beat; k < wins.length; k += 4) {
    const [x, y, w] = wins[k]
    ctx.fillRect(x, y, w, w * 1.3)
  }
}

export const skyline: Painter = (s, loc, L, rng) => {
  const horizon = 0.72
  const p = loc.palette.map(hexToRgb)
  const dark = mix(p[0], [10, 10, 22], 0.75)
  const lit = L.isNight || loc.shape.timeOfDay === 'dusk'
  const winCol = mix([255, 214, 130], p[p.length - 1], 0.3)
  // Dark windows that light up beat by beat (positions recorded while painting: no extra random draws).
  const flick: Array<[number, number, number]> = []
  let nWin = 0
  const buildings = (depth: number, minH: number, maxH: number, minW: number, maxW: number, windows: boolean) =>
    band(s, s.Y(horizon - maxH) - 40, s.Y(horizon) + 2, (ctx) => {
      let x = -rng() * 30
      const col = silhouette(L, dark, depth)
      while (x < s.LW) {
        const w = range(rng, minW, maxW) * s.H * (1.1 - 0.5 * loc.shape.density + 0.2)
        const h = range(rng, minH, maxH) * s.H
        const top = s.Y(horizon) - h
        ctx.fillStyle = css(col)
        ctx.fillRect(x, top, w, h + 2)
        if (rng() < 0.3) {
          // Antenna or stepped roof, for a recognisable skyline.
          ctx.fillRect(x + w * 0.45, top - h * 0.12, Math.max(2, w * 0.06), h * 0.12)
        } else if (rng() < 0.3) {
          ctx.fillRect(x + w * 0.15, top - h * 0.06, w * 0.7, h * 0.06)
        }
        if (windows) {
          const cw = Math.max(3, s.H * 0.008)
          const gap = cw * 2.2
          for (let wy = top + gap; wy < s.Y(horizon) - gap; wy += gap * 1.3) {
            for (let wx = x + gap * 0.7; wx < x + w - gap * 0.7; wx += gap) {
              const on = rng() < (lit ? 0.38 : 0.12)
              ctx.fillStyle = on ? css(winCol, 0.65 + rng() * 0.35) : css(scale(col, 1.25))
              ctx.fillRect(wx, wy, cw, cw * 1.3)
              if (!on && nWin++ % 9 === 0 && flick.length < 48) flick.push([wx, wy, cw])
            }
          }
        }
        x += w + range(rng, 0, 0.02) * s.H
      }
    })
  const far = buildings(0.25, 0.12, 0.33, 0.05, 0.1, false)
  const mid = buildings(0.6, 0.18, 0.5, 0.07, 0.15, true)
  const lamps: number[] = []
  const street = band(s, s.Y(horizon) - s.H * 0.32, s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(silhouette(L, mix(dark, [40, 40, 50], 0.3), 1)))
    g.addColorStop(1, css(scale(dark, 0.5)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
    // Street lamps reflections / kerb line.
    ctx.fillStyle = css(winCol, 0.25)
    ctx.fillRect(0, s.Y(horizon) + 2, s.LW, Math.max(2, s.H * 0.006))
    for (let x = rng() * 200; x < s.LW; x += s.H * 0.55) {
      lamps.push(x)
      ctx.fillStyle = css(scale(dark, 0.6))
      ctx.fillRect(x, s.Y(horizon) - s.H * 0.22, s.H * 0.008, s.H * 0.24)
      const lg = ctx.createRadialGradient(x, s.Y(horizon) - s.H * 0.22, 0, x, s.Y(horizon) - s.H * 0.22, s.H * 0.08)
      lg.addColorStop(0, css(winCol, 0.9))
      lg.addColorStop(1, css(winCol, 0))
      ctx.fillStyle = lg
      ctx.fillRect(x - s.H * 0.08, s.Y(horizon) - s.H * 0.3, s.H * 0.16, s.H * 0.16)
    }
  })
  return {
    layers: [
      skyLayer(s, L, rng, { horizon, stars: 160, bodyR: 0.06 }),
      { depth: 0.2, image: far },
      { depth: 0.5, image: mid, draw: (ctx, f) => windowsOnBeat(ctx, f, flick, winCol) },
      { depth: 1, image: street, draw: (ctx, f) => lampsGlow(ctx, f, lamps, s.Y(horizon) - s.H * 0.22, s.H * 0.1, winCol) },
    ],
    foreground: [],
    groundY: 0.9,
    horizon,
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.35 },
  }
}
/** A street seen from the pavement: facades across the road, traffic light streaks that speed up with the music. */
export const cityStreet: Painter = (s, loc, L, rng) => {
  const horizon = 0.62
  const p = loc.palette.map(hexToRgb)
  const lit = L.isNight || loc.shape.timeOfDay === 'dusk'
  const winCol = mix([255, 214, 130], p[p.length - 1], 0.3)
  const far = band(s, s.Y(0.05), s.Y(horizon) + 2, (ctx) => {
    ctx.fillStyle = css(silhouette(L, mix(p[0], [20, 20, 30], 0.7), 0.3))
    for (let x = -10; x < s.LW; x += s.H * range(rng, 0.12, 0.25)) {
      const h = s.H * range(rng, 0.3, 0.55)
      ctx.fillRect(x, s.Y(horizon) - h, s.H * range(rng, 0.12, 0.26), h + 2)
    }
  })
  const signs: Array<[number, number, number, Rgb]> = []
  const facades = band(s, s.Y(0.02), s.Y(horizon) + 4, (ctx) => {
    let x = -rng() * s.H * 0.2
    let k = 0
    while (x < s.LW) {
      const w = s.W * range(rng, 0.16, 0.3)
      const top = s.Y(range(rng, 0.04, 0.22))
      const base = scale(mix(p[k % p.length], [120, 100, 90], 0.55), 0.35 + 0.55 * L.ambient)
      ctx.fillStyle = css(base)
      ctx.fillRect(x, top, w - 2, s.Y(horizon) - top)
      ctx.fillStyle = css(scale(base, 0.7))
      ctx.fillRect(x, top, w - 2, s.H * 0.015)
      // Upper-floor windows.
      const cw = s.H * 0.03
      for (let wy = top + s.H * 0.05; wy < s.Y(horizon - 0.2); wy += s.H * 0.08) {
        for (let wx = x + cw * 0.8; wx < x + w - cw * 1.5; wx += cw * 2) {
          ctx.fillStyle = lit && rng() < 0.45 ? css(winCol, 0.85) : css(scale(base, 0.45))
          ctx.fillRect(wx, wy, cw, cw * 1.5)
        }
      }
      // Shop front: a lit window under an awning.
      const sy = s.Y(horizon - 0.15)
      ctx.fillStyle = css(mix(winCol, L.skyHorizon, lit ? 0.2 : 0.6), lit ? 0.9 : 0.7)
      ctx.fillRect(x + w * 0.1, sy, w * 0.55, s.Y(horizon) - sy - s.H * 0.01)
      ctx.fillStyle = css(scale(base, 0.4))
      ctx.fillRect(x + w * 0.72, sy, w * 0.16, s.Y(horizon) - sy)
      const aw = p[(k + 1) % p.length]
      for (let a = 0; a < 6; a++) {
        ctx.fillStyle = css(a % 2 ? aw : mix(aw, [255, 255, 255], 0.6))
        ctx.fillRect(x + w * 0.08 + (a * w * 0.6) / 6, sy - s.H * 0.03, (w * 0.6) / 6, s.H * 0.03)
      }
      signs.push([x + w * 0.1, sy - s.H * 0.07, w * 0.5, aw])
      x += w
      k++
    }
  })
  const street = band(s, s.Y(horizon), s.LH, (ctx) => {
    ctx.fillStyle = css(scale([150, 145, 140], 0.35 + 0.5 * L.ambient))
    ctx.fillRect(0, s.Y(horizon), s.LW, s.H * 0.04)
    ctx.fillStyle = css(scale([45, 45, 52], 0.5 + 0.5 * L.ambient))
    ctx.fillRect(0, s.Y(horizon + 0.04), s.LW, s.H * 0.16)
    ctx.fillStyle = css([230, 220, 180], 0.7)
    for (let x = 0; x < s.LW; x += s.H * 0.22) ctx.fillRect(x, s.Y(horizon + 0.115), s.H * 0.12, s.H * 0.008)
    const g = ctx.createLinearGradient(0, s.Y(horizon + 0.2), 0, s.LH)
    g.addColorStop(0, css(scale([160, 155, 150], 0.35 + 0.5 * L.ambient)))
    g.addColorStop(1, css(scale([90, 88, 85], 0.3 + 0.4 * L.ambient)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon + 0.2), s.LW, s.LH)
    ctx.fillStyle = css([30, 30, 34], 0.6)
    ctx.fillRect(0, s.Y(horizon + 0.2), s.LW, s.H * 0.012)
  })
  const traffic = (ctx: SKRSContext2D, f: FrameState) => {
    const speed = s.W * (0.4 + 1.2 * f.energy)
    for (let k = 0; k < 3; k++) {
      const x = ((f.t * speed * (1 + k * 0.3) + k * s.LW * 0.37) % (s.LW + s.W * 0.3)) - s.W * 0.15
      const y = s.Y(horizon + (k % 2 ? 0.08 : 0.15))
      ctx.fillStyle = k % 2 ? 'rgba(255,60,50,0.8)' : 'rgba(255,245,210,0.85)'
      ctx.fillRect(k % 2 ? s.LW - x : x, y, s.W * 0.12, s.H * 0.006)
    }
    // Shop signs glow with the loudness.
    for (const [x, y, w, c] of signs) {
      ctx.fillStyle = css(mix(c, [255, 255, 255], 0.3), 0.35 + 0.6 * f.energy)
      ctx.fillRect(x, y, w, s.H * 0.03)
    }
  }
  return {
    layers: [skyLayer(s, L, rng, { horizon: 0.3, stars: 40, bodyR: 0.05 }), { depth: 0.25, image: far }, { depth: 0.6, image: facades }, { depth: 1, image: street, draw: traffic }],
    foreground: [],
    groundY: 0.92,
    horizon: horizon + 0.2,
    glow: { x: L.lightPos.x, y: 0.3, colour: winCol, radius: 0.4 },
  }
}

/** Open country in a storm: dark clouds, hills, a wet ground that mirrors the sky, rain and lightning on strong downbeats. */
export const rain: Painter = (s, loc, L, rng) => {
  const horizon = 0.6
  const p = loc.palette.map(hexToRgb)
  const cloud = mix(mix(L.skyTop, [70, 78, 92], 0.6), p[0], 0.15)
  const sky = band(s, 0, s.Y(horizon) + 2, (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, s.Y(horizon))
    g.addColorStop(0, css(scale(cloud, 0.55)))
    g.addColorStop(1, css(mix(cloud, L.skyHorizon, 0.35)))
    ctx.fillStyle = g
    ctx.fillRect(0, 0, s.LW, s.Y(horizon) + 2)
    // Heavy cloud banks.
    for (let k = 0; k < 14; k++) {
      ctx.fillStyle = css(scale(cloud, range(rng, 0.45, 0.8)), 0.8)
      ctx.beginPath()
      ctx.ellipse(rng() * s.LW, s.Y(range(rng, 0.0, 0.35)), s.W * range(rng, 0.12, 0.3), s.H * range(rng, 0.04, 0.09), 0, 0, Math.PI * 2)
      ctx.fill()
    }
  })
  const hills = [0.2, 0.45].map((depth, k) =>
    band(s, s.Y(horizon - 0.12), s.Y(horizon + 0.05 + k * 0.05), (ctx) =>
      ridge(ctx, s, rng, s.Y(horizon + k * 0.04), s.H * (0.05 + k * 0.03), 1.3, css(silhouette(L, scale(cloud, 0.5), depth))),
    ),
  )
  const ground = band(s, s.Y(horizon + 0.05), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon + 0.05), 0, s.LH)
    g.addColorStop(0, css(mix(cloud, L.skyHorizon, 0.3)))
    g.addColorStop(1, css(scale(mix([40, 48, 44], p[1], 0.2), 0.6)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon + 0.05), s.LW, s.LH)
    // Puddles mirroring the sky.
    for (let k = 0; k < 9; k++) {
      ctx.fillStyle = css(mix(cloud, [220, 225, 235], 0.35), 0.55)
      ctx.beginPath()
      ctx.ellipse(rng() * s.LW, s.Y(range(rng, 0.72, 1.05)), s.W * range(rng, 0.04, 0.12), s.H * range(rng, 0.008, 0.02), 0, 0, Math.PI * 2)
      ctx.fill()
    }
  })
  const bolt = Array.from({ length: 7 }, () => range(rng, -1, 1))
  const boltX = s.X(range(rng, 0.15, 0.85))
  const lightning = (ctx: SKRSContext2D, f: FrameState) => {
    const flash = f.hitEnv > 0.55 && f.fc.barPhase < 0.25 ? f.hitEnv : 0
    if (flash <= 0) return
    ctx.fillStyle = `rgba(225,232,255,${(0.35 * flash).toFixed(3)})`
    ctx.fillRect(0, 0, s.LW, s.Y(horizon))
    ctx.strokeStyle = 'rgba(245,248,255,0.95)'
    ctx.lineWidth = Math.max(1.5, s.H * 0.004)
    ctx.beginPath()
    ctx.moveTo(boltX, 0)
    bolt.forEach((d, k) => ctx.lineTo(boltX + d * s.H * 0.05, s.Y(((k + 1) / bolt.length) * (horizon - 0.12))))
    ctx.stroke()
  }
  return {
    layers: [{ depth: 0.04, image: sky, draw: lightning }, { depth: 0.2, image: hills[0] }, { depth: 0.45, image: hills[1] }, { depth: 1, image: ground }],
    foreground: [rainLayer(s, rng, [200, 210, 230])],
    groundY: 0.9,
    horizon: horizon + 0.05,
    glow: { x: 0.5, y: 0.2, colour: mix(cloud, [230, 235, 255], 0.6), radius: 0.5 },
  }
}
