import { createCanvas, loadImage } from '@napi-rs/canvas'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { storyboardLayout, writeStoryboard } from '../src/report/storyboard.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-storyboard-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A 160x90 PNG in one flat colour. */
function png(name: string, colour: string): string {
  const c = createCanvas(160, 90)
  const ctx = c.getContext('2d')
  ctx.fillStyle = colour
  ctx.fillRect(0, 0, 160, 90)
  const p = path.join(tmp, name)
  writeFileSync(p, c.encodeSync('png'))
  return p
}

describe('storyboard', () => {
  it('lays out 5 shots in a labelled grid of the expected size', async () => {
    const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff']
    const items = colours.map((c, k) => ({
      image: png(`shot-${k}.png`, c),
      shotIndex: k,
      startFrame: k * 48,
      endFrame: (k + 1) * 48,
      caption: k === 2 ? 'a caption that is much too long to fit under one small thumbnail\u0007' : undefined,
    }))
    const outPath = path.join(tmp, 'board.png')
    await writeStoryboard(items, { fps: 24, outPath, columns: 3, thumbWidth: 200 })

    // 3 columns x 2 rows of 200x113 thumbnails (16:9 from the sources) with padding and label rows.
    const g = storyboardLayout(5, 16 / 9, { columns: 3, thumbWidth: 200 })
    expect([g.columns, g.rows, g.thumbW, g.thumbH]).toEqual([3, 2, 200, 113])
    expect(g.width).toBe(3 * 200 + 4 * g.pad)
    expect(g.height).toBe(2 * (113 + g.labelH) + 3 * g.pad)

    const img = await loadImage(readFileSync(outPath))
    expect([img.width, img.height]).toEqual([g.width, g.height])
    // The thumbnails are really there: sample the centre of the first and fifth.
    const c = createCanvas(img.width, img.height)
    const ctx = c.getContext('2d')
    ctx.drawImage(img, 0, 0)
    const at = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3))
    expect(at(g.pad + 100, g.pad + 56)).toEqual([255, 0, 0])
    const x5 = g.pad + (g.thumbW + g.pad) + 100
    const y5 = g.pad + (g.thumbH + g.labelH + g.pad) + 56
    expect(at(x5, y5)).toEqual([0, 255, 255])
    // Labels are drawn: the label strip under the first thumbnail has light pixels.
    const strip = ctx.getImageData(g.pad, g.pad + g.thumbH + 2, g.thumbW, g.labelH - 4).data
    let bright = 0
    for (let i = 0; i < strip.length; i += 4) if (strip[i] > 200) bright++
    expect(bright).toBeGreaterThan(50)
    expect(readdirSync(tmp).filter((f) => f.includes('partial'))).toEqual([])
  })

  it('refuses an empty storyboard', async () => {
    const outPath = path.join(tmp, 'empty.png')
    await expect(writeStoryboard([], { fps: 24, outPath })).rejects.toThrow(RangeError)
    expect(existsSync(outPath)).toBe(false)
  })
})
