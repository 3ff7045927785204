import { css, hsl, mix, scale } from '../colour.js'
import type { PropDef } from './types.js'

const TAU = Math.PI * 2

export const bookshelf: PropDef = {
  id: 'bookshelf', slot: 'wall', h: 0.42, aspect: 0.7, count: 1,
  draw(ctx, b, c, rng) {
    const l = b.x - b.w / 2
    const wood = scale(mix([110, 75, 45], c.main, 0.1), 0.45 + 0.55 * c.amb)
    ctx.fillStyle = css(wood)
    ctx.fillRect(l, b.y - b.h, b.w, b.h)
    ctx.fillStyle = css(scale(wood, 0.45))
    ctx.fillRect(l + b.w * 0.05, b.y - b.h * 0.96, b.w * 0.9, b.h * 0.92)
    const shelves = 4
    for (let k = 0; k < shelves; k++) {
      const sy = b.y - b.h * 0.04 - (k * b.h * 0.92) / shelves
      ctx.fillStyle = css(wood)
      ctx.fillRect(l, sy - b.h * 0.025, b.w, b.h * 0.025)
      let x = l + b.w * 0.06
      while (x < l + b.w * 0.9) {
        const bw = b.w * (0.04 + 0.05 * rng())
        const bh = (b.h * 0.92) / shelves * (0.6 + 0.3 * rng())
        ctx.fillStyle = css(scale(hsl(rng() * 360, 0.45, 0.45), 0.5 + 0.5 * c.amb))
        if (rng() < 0.12) {
          ctx.save()
          ctx.translate(x, sy - b.h * 0.025)
          ctx.rotate(-0.3)
          ctx.fillRect(0, -bh, bw, bh)
          ctx.restore()
          x += bw * 2
        } else {
          ctx.fillRect(x, sy - b.h * 0.025 - bh, bw - 1, bh)
          x += bw
        }
      }
    }
  },
}

export const windowProp: PropDef = {
  id: 'window', slot: 'wall', h: 0.3, aspect: 0.8, count: 1,
  draw(ctx, b, c) {
    const l = b.x - b.w / 2
    // On a wall the box is the pane; standing free (no wall in the world) it is a frame on two legs.
    const top = b.y - b.h
    const wh = b.wall ? b.h : b.h * 0.62
    const g = ctx.createLinearGradient(0, top, 0, top + wh)
    g.addColorStop(0, css(c.night ? [10, 14, 40] : mix([70, 130, 210], c.light, 0.1)))
    g.addColorStop(1, css(c.night ? [40, 50, 90] : mix([190, 220, 240], c.light, 0.3)))
    ctx.fillStyle = g
    ctx.fillRect(l, top, b.w, wh)
    ctx.fillStyle = css(c.light)
    ctx.beginPath()
    ctx.arc(l + b.w * 0.7, top + wh * 0.28, wh * 0.07, 0, TAU)
    ctx.fill()
    const bar = Math.max(2, wh * 0.04)
    ctx.fillStyle = css(scale([235, 230, 220], 0.4 + 0.5 * c.amb))
    ctx.fillRect(l - bar, top - bar, b.w + 2 * bar, bar)
    ctx.fillRect(l - bar * 1.5, top + wh, b.w + 3 * bar, bar * 1.5)
    ctx.fillRect(l - bar, top, bar, wh)
    ctx.fillRect(l + b.w, top, bar, wh)
    ctx.fillRect(b.x - bar / 2, top, bar, wh)
    ctx.fillRect(l, top + wh / 2 - bar / 2, b.w, bar)
    if (!b.wall) {
      ctx.fillStyle = css(c.ink)
      ctx.fillRect(l - bar, top + wh + bar * 1.5, bar, b.y - top - wh - bar * 1.5)
      ctx.fillRect(l + b.w, top + wh + bar * 1.5, bar, b.y - top - wh - bar * 1.5)
    }
  },
}
