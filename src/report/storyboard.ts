import { createCanvas, loadImage } from '@napi-rs/canvas'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { timecode } from '../time.js'
import { CAPTION_FONT_FAMILY, captionBudget, cleanCaption, wrapText } from '../render/generators/procedural/captions.js'

export interface StoryboardItem {
  /** PNG path of the shot's representative frame. */
  image: string
  shotIndex: number
  startFrame: number
  endFrame: number
  caption?: string
}

export interface StoryboardOptions {
  fps: number
  outPath: string
  columns?: number
  thumbWidth?: number
}

/** Grid geometry, exported so callers (and tests) know the sheet size without drawing it. */
export function storyboardLayout(count: number, aspect: number, opts: { columns?: number; thumbWidth?: number }) {
  const columns = Math.max(1, Math.min(opts.columns ?? 4, Math.max(1, count)))
  const thumbW = Math.max(32, Math.round(opts.thumbWidth ?? 320))
  const thumbH = Math.round(thumbW / aspect)
  const pad = Math.round(thumbW * 0.04) + 4
  const labelH = Math.round(thumbW * 0.16) + 8
  const rows = Math.max(1, Math.ceil(count / columns))
  return {
    columns,
    rows,
    thumbW,
    thumbH,
    pad,
    labelH,
    width: columns * thumbW + (columns + 1) * pad,
    height: rows * (thumbH + labelH) + (rows + 1) * pad,
  }
}

/**
 * A contact sheet of the shots: one thumbnail per item, labelled with its shot index, start time
 * (mm:ss with decimal seconds) and duration (and the caption, if any). The aspect comes from the first image.
 */
export async function writeStoryboard(items: StoryboardItem[], opts: StoryboardOptions): Promise<void> {
  if (items.length === 0) throw new RangeError('storyboard needs at least one item')
  const images = await Promise.all(items.map(async (it) => loadImage(await readFile(it.image))))
  const aspect = images[0].width / images[0].height
  const g = storyboardLayout(items.length, aspect, opts)
  const canvas = createCanvas(g.width, g.height)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = 'rgb(18,18,22)'
  ctx.fillRect(0, 0, g.width, g.height)
  const big = Math.max(9, Math.round(g.labelH * 0.36))
  const small = Math.max(8, Math.round(g.labelH * 0.28))
  items.forEach((it, k) => {
    const col = k % g.columns
    const row = Math.floor(k / g.columns)
    const x = g.pad + col * (g.thumbW + g.pad)
    const y = g.pad + row * (g.thumbH + g.labelH + g.pad)
    ctx.drawImage(images[k], x, y, g.thumbW, g.thumbH)
    ctx.strokeStyle = 'rgba(255,255,255,0.25)'
    ctx.lineWidth = 1
    ctx.strokeRect(x + 0.5, y + 0.5, g.thumbW - 1, g.thumbH - 1)
    const frames = it.endFrame - it.startFrame
    ctx.textBaseline = 'top'
    ctx.textAlign = 'left'
    ctx.fillStyle = 'rgb(240,240,240)'
    ctx.font = `bold ${big}px "${CAPTION_FONT_FAMILY}", sans-serif`
    const head = `#${it.shotIndex}  ${timecode(it.startFrame, opts.fps)}  ${(frames / opts.fps).toFixed(2)}s`
    ctx.fillText(head, x, y + g.thumbH + 3, g.thumbW)
    if (it.caption) {
      ctx.fillStyle = 'rgb(170,170,180)'
      ctx.font = `${small}px "${CAPTION_FONT_FAMILY}", sans-serif`
      // One line, cut to what can show first: a lyric may be thousands of characters long.
      const budget = captionBudget(g.thumbW, small, 1)
      const clean = cleanCaption(it.caption.slice(0, 4 * budget))
      const cut = clean.length > budget ? `${clean.slice(0, budget)} …` : clean
      const [text = ''] = wrapText((s) => ctx.measureText(s).width, cut, g.thumbW, 1)
      ctx.fillText(text, x, y + g.thumbH + 5 + big, g.thumbW)
    }
  })
  const tmp = `${opts.outPath}.${process.pid}.partial`
  try {
    await writeFile(tmp, canvas.encodeSync('png'))
    await rename(tmp, opts.outPath)
  } catch (err) {
    // A full disk must not leave a half-written sheet behind.
    await rm(tmp, { force: true })
    throw err
  }
}
