import { createCanvas, loadImage } from '@napi-rs/canvas'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { storyboardLayout, writeStoryboard } from '../src/report/storyboard.js'
import { drawCaption, wrapText } from '../src/render/generators/procedural/captions.js'
import { timecode } from '../src/time.js'

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

  it('writes time codes in decimal seconds: frame 66 at 12 fps is 00:05.50, not 00:05.06 (5 s + 6 frames)', async () => {
    expect(timecode(66, 12)).toBe('00:05.50')
    expect(timecode(61, 12)).toBe('00:05.08')
    expect(timecode(90 * 24 + 12, 24)).toBe('01:30.50')
    expect(timecode(0, 30)).toBe('00:00.00')
    // Drawn on the sheet with a caption of a million characters, which is cut to one line at once.
    const outPath = path.join(tmp, 'timecodes.png')
    const t0 = Date.now()
    await writeStoryboard(
      [
        { image: png('a.png', '#336699'), shotIndex: 0, startFrame: 0, endFrame: 66, caption: 'we light the city up' },
        { image: png('b.png', '#993366'), shotIndex: 1, startFrame: 66, endFrame: 150, caption: 'y'.repeat(1_000_000) },
      ],
      { fps: 12, outPath, columns: 2, thumbWidth: 240 },
    )
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(existsSync(outPath)).toBe(true)
  })
})

describe('caption layout', () => {
  /** A monospace measure that counts the characters it was asked to measure. */
  const counting = () => {
    const c = { chars: 0, measure: (s: string) => ((c.chars += s.length), s.length * 10) }
    return c
  }

  it('lays out a line of a million characters in work bounded by what fits, with an ellipsis', () => {
    const c = counting()
    const lines = wrapText(c.measure, 'x'.repeat(1_000_000), 200, 3)
    expect(lines).toHaveLength(3)
    expect(lines.every((l) => l.length * 10 <= 200)).toBe(true)
    expect(lines[2].endsWith('…')).toBe(true)
    // Linear in the text (drawCaption also cuts it to what can show first). Before: every line
    // measured every prefix of the rest, about n² characters per line, for every line of the text.
    expect(c.chars).toBeLessThan(10 * 1_000_000)
  })

  it('wraps words as before when everything fits, without an ellipsis', () => {
    const c = counting()
    expect(wrapText(c.measure, 'we light the city up', 100, 3)).toEqual(['we light', 'the city', 'up'])
    expect(wrapText(c.measure, 'abcdefghijklmnopqrstuvwxy', 100, 3)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxy'])
    expect(wrapText(c.measure, 'one two three four five six seven', 100, 2)).toEqual(['one two', 'three…'])
  })

  it('draws a frame with a million-character caption in a few milliseconds', () => {
    const canvas = createCanvas(320, 180)
    const ctx = canvas.getContext('2d')
    const text = 'la '.repeat(400_000)
    drawCaption(ctx, text, 320, 180, 1, 'DejaVu Sans')
    const t0 = performance.now()
    for (let i = 0; i < 20; i++) drawCaption(ctx, text, 320, 180, 1, 'DejaVu Sans')
    expect((performance.now() - t0) / 20).toBeLessThan(50)
  })
})
