import type { SKRSContext2D } from '@napi-rs/canvas'
import { css, hexToRgb, mix, scale } from '../colour.js'
import { range } from '../prng.js'
import { band, type FrameState } from '../stage.js'
import { silhouette, skyLayer } from './layers.js'
import type { Painter } from './types.js'

/** A straight road to the vanishing point across flat desert, mesas on the horizon; the dashes rush past on the beat. */
export const desertRoad: Painter = (s, loc, L, rng) => {
  const horizon = 0.55
  const p = loc.palette.map(hexToRgb)
  const sand = mix([214, 160, 100], p[0], 0.25)
  const vx = s.X(0.5)
  const mesas = band(s, s.Y(horizon - 0.15), s.Y(horizon) + 2, (ctx) => {
    ctx.fillStyle = css(silhouette(L, mix([150, 80, 50], p[1], 0.2), 0.25))
    let x = -rng() * s.W * 0.1
    while (x < s.LW) {
      const w = s.W * range(rng, 0.06, 0.18)
      const h = s.H * range(rng, 0.04, 0.12)
      if (rng() < 0.7) {
        ctx.beginPath()
        ctx.moveTo(x, s.Y(horizon) + 2)
        ctx.lineTo(x + w * 0.15, s.Y(horizon) - h)
        ctx.lineTo(x + w * 0.85, s.Y(horizon) - h)
        ctx.lineTo(x + w, s.Y(horizon) + 2)
        ctx.fill()
      }
      x += w + s.W * range(rng, 0.02, 0.15)
    }
  })
  const floor = band(s, s.Y(horizon), s.LH, (ctx) => {
    const g = ctx.createLinearGradient(0, s.Y(horizon), 0, s.LH)
    g.addColorStop(0, css(mix(scale(sand, 0.5 + 0.5 * L.ambient), L.skyHorizon, 0.35)))
    g.addColorStop(1, css(scale(sand, 0.35 + 0.5 * L.ambient)))
    ctx.fillStyle = g
    ctx.fillRect(0, s.Y(horizon), s.LW, s.LH)
    ctx.fillStyle = css(scale([52, 50, 54], 0.5 + 0.5 * L.ambient))
    ctx.beginPath()
    ctx.moveTo(vx - s.W * 0.006, s.Y(horizon))
    ctx.lineTo(vx + s.W * 0.006, s.Y(horizon))
    ctx.lineTo(vx + s.W * 0.7, s.LH)
    ctx.lineTo(vx - s.W * 0.7, s.LH)
    ctx.closePath()
    ctx.fill()
    // Telegraph poles receding along the right of the road.
    ctx.fillStyle = css(scale([60, 45, 35], 0.5 + 0.5 * L.ambient))
    for (let k = 1; k < 9; k++) {
      const z = Math.pow(k / 8, 2.2)
      const x = vx + s.W * (0.04 + 0.9 * z)
      const y = s.Y(horizon) + (s.LH - s.Y(horizon)) * z * 0.7
      const h = s.H * (0.02 + 0.5 * z)
      ctx.fillRect(x, y - h, Math.max(1, h * 0.03), h)
      ctx.fillRect(x - h * 0.12, y - h * 0.92, h * 0.27, Math.max(1, h * 0.02))
    }
  })
  const dashes = (ctx: SKRSContext2D, f: FrameState) => {
    const scroll = f.fc.beatPhase
    ctx.fillStyle = 'rgba(245,225,140,0.9)'
    const depthRange = s.LH - s.Y(horizon)
    for (let k = 0; k < 10; k++) {
      const z0 = Math.pow((k + scroll) / 10, 2.4)
      const z1 = Math.pow((k + scroll + 0.45) / 10, 2.4)
      const y0 = s.Y(horizon) + depthRange * z0
      const y1 = s.Y(horizon) + depthRange * z1
      const w0 = s.W * 0.003 + s.W * 0.012 * z0
      const w1 = s.W * 0.003 + s.W * 0.012 * z1
      ctx.beginPath()
      ctx.moveTo(vx - w0, y0)
      ctx.lineTo(vx + w0, y0)
      ctx.lineTo(vx + w1, y1)
      ctx.lineTo(vx - w1, y1)
      ctx.fill()
    }
  }
  return {
    layers: [skyLayer(s, L, rng, { horizon, stars: 150, bodyR: 0.08 }), { depth: 0.15, image: mesas }, { depth: 1, image: floor, draw: dashes }],
    foreground: [],
    groundY: 0.92,
    horizon,
    glow: { x: L.lightPos.x, y: L.lightPos.y, colour: L.light, radius: 0.5 },
  }
}
