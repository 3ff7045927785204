import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CAPTION_FONT_FAMILY, cleanCaption, wrapText } from '../render/generators/procedural/captions.js'
import { writeFileAtomic } from '../util/files.js'
import { checksSummary, costLabel, formatLabel, lengthLabel } from './variantLabels.js'
import { mapLimit, representativeFrame } from './variantFrames.js'
import type { Manifest, ManifestEntry } from './types.js'

export interface SheetLayoutOptions {
  /** The sheet is never wider than this (px). */
  maxWidth?: number
  /** Tile (picture) height to start from; shrunk when the sheet would be taller than `maxHeight`. */
  tileHeight?: number
  maxHeight?: number
}

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

/** One variant's place on the sheet: its cell (picture + label) and the picture inside it. */
export interface SheetTile {
  cell: Rect
  image: Rect
  /** Top of the three label lines. */
  labelY: number
}

export interface SheetLayout {
  width: number
  height: number
  headerH: number
  tileH: number
  labelH: number
  pad: number
  /** Font sizes (px) of the name line and the details line. */
  bigPx: number
  smallPx: number
  /** Tiles in manifest order; `rows[k]` lists the indices of row k. */
  tiles: SheetTile[]
  rows: number[][]
}

const MIN_TILE_H = 72

/**
 * Where every tile goes: pictures of one height at their own aspect (a very wide one is scaled
 * down to fit the sheet), cells at least wide enough for a readable label, packed left to right
 * into rows no wider than `maxWidth`. Pure, so the sheet's size is known without drawing it.
 */
export function contactSheetLayout(aspects: number[], opts: SheetLayoutOptions = {}): SheetLayout {
  const maxWidth = Math.max(200, Math.round(opts.maxWidth ?? 2400))
  const maxHeight = Math.max(200, Math.round(opts.maxHeight ?? 3000))
  let tileH = Math.max(MIN_TILE_H, Math.round(opts.tileHeight ?? 240))
  for (;;) {
    const g = layoutAt(aspects, tileH, maxWidth)
    if (g.height <= maxHeight || tileH <= MIN_TILE_H) return g
    // Many variants: smaller tiles rather than an endless sheet.
    tileH = Math.max(MIN_TILE_H, Math.floor(tileH * Math.min(0.9, Math.sqrt(maxHeight / g.height))))
  }
}

function layoutAt(aspects: number[], tileH: number, maxWidth: number): SheetLayout {
  const bigPx = Math.max(11, Math.min(18, Math.round(tileH * 0.075)))
  const smallPx = Math.max(10, Math.round(bigPx * 0.85))
  const pad = Math.max(8, Math.round(tileH * 0.06))
  // Three lines: name; format; length and the checks mark.
  const labelH = Math.round(bigPx * 1.35 + smallPx * 2 * 1.3 + 8)
  const headerH = Math.round(bigPx * 1.6)
  const minCellW = Math.round(bigPx * 12)
  const tiles: SheetTile[] = []
  const rows: number[][] = []
  let x = pad
  let y = pad + headerH + pad
  let right = 0
  aspects.forEach((a, k) => {
    const aspect = Number.isFinite(a) && a > 0 ? a : 16 / 9
    const iw = Math.max(1, Math.min(Math.round(tileH * aspect), maxWidth - 2 * pad))
    const ih = Math.max(1, Math.min(tileH, Math.round(iw / aspect)))
    const cellW = Math.min(maxWidth - 2 * pad, Math.max(iw, minCellW))
    if (rows.length === 0 || (x + cellW + pad > maxWidth && rows[rows.length - 1].length > 0)) {
      if (rows.length > 0) y += tileH + labelH + pad
      rows.push([])
      x = pad
    }
    const image = { x: x + Math.floor((cellW - iw) / 2), y: y + Math.floor((tileH - ih) / 2), w: iw, h: ih }
    tiles.push({ cell: { x, y, w: cellW, h: tileH + labelH }, image, labelY: y + tileH + 4 })
    rows[rows.length - 1].push(k)
    x += cellW + pad
    right = Math.max(right, x)
  })
  const height = (rows.length === 0 ? y : y + tileH + labelH) + pad
  return { width: Math.max(right, minCellW + 2 * pad), height, headerH, tileH, labelH, pad, bigPx, smallPx, tiles, rows }
}

const BG = 'rgb(18,18,22)'
const TEXT = 'rgb(240,240,240)'
const MUTED = 'rgb(165,168,180)'
const OK = 'rgb(79,209,139)'
const BAD = 'rgb(255,107,107)'
/** A failed variant's tile: flat grey, so it can never be mistaken for a frame. */
export const FAILED_TILE = 'rgb(72,74,80)'

const fontOf = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px "${CAPTION_FONT_FAMILY}", sans-serif`

/**
 * variants.png: one tile per variant (its frame at 40 % of its length, or a grey tile saying why
 * it failed), labelled with name, format, length and a pass/fail mark of its checks.
 */
export async function writeContactSheet(manifest: Manifest, batchDir: string, out: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const entries = manifest.variants
  const g = contactSheetLayout(entries.map((e) => e.format.width / e.format.height))
  const tmp = await mkdtemp(join(tmpdir(), 'longav-sheet-'))
  try {
    const frames = await mapLimit(entries, 2, (e, k) => representativeFrame(e, batchDir, join(tmp, `${k}.png`), opts.signal))
    const canvas = createCanvas(g.width, g.height)
    const ctx = canvas.getContext('2d')
    ctx.imageSmoothingEnabled = true
    ctx.imageSmoothingQuality = 'high'
    ctx.fillStyle = BG
    ctx.fillRect(0, 0, g.width, g.height)
    drawHeader(ctx, manifest, g)
    for (let k = 0; k < entries.length; k++) {
      opts.signal?.throwIfAborted()
      const f = frames[k]
      // One decoded frame at a time: a batch of a hundred 1080p variants must not hold them all.
      if ('png' in f) ctx.drawImage(await loadImage(await readFile(f.png)), g.tiles[k].image.x, g.tiles[k].image.y, g.tiles[k].image.w, g.tiles[k].image.h)
      else drawFailedTile(ctx, g, g.tiles[k].image, f.error)
      drawLabel(ctx, g, g.tiles[k], entries[k], 'png' in f)
    }
    await writeFileAtomic(out, canvas.encodeSync('png'))
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

function drawHeader(ctx: SKRSContext2D, m: Manifest, g: SheetLayout): void {
  const failed = m.variants.filter((e) => e.status === 'failed').length
  const text = `${m.variants.length} variant${m.variants.length === 1 ? '' : 's'} · ${m.variants.length - failed} made · ${failed} failed · total ${costLabel(m.total)}`
  ctx.textBaseline = 'top'
  ctx.textAlign = 'left'
  ctx.fillStyle = MUTED
  ctx.font = fontOf(g.bigPx)
  const [line = ''] = wrapText((s) => ctx.measureText(s).width, cleanCaption(text), g.width - 2 * g.pad, 1)
  ctx.fillText(line, g.pad, g.pad + Math.round(g.bigPx * 0.2))
}

function drawFailedTile(ctx: SKRSContext2D, g: SheetLayout, r: Rect, error: string): void {
  ctx.fillStyle = FAILED_TILE
  ctx.fillRect(r.x, r.y, r.w, r.h)
  const inner = r.w - 12
  ctx.textAlign = 'center'
  ctx.textBaseline = 'top'
  ctx.fillStyle = BAD
  ctx.font = fontOf(g.bigPx, true)
  ctx.fillText('✗ FAILED', r.x + r.w / 2, r.y + 8, inner)
  ctx.fillStyle = TEXT
  ctx.font = fontOf(g.smallPx)
  const maxLines = Math.max(1, Math.floor((r.h - g.bigPx * 1.6 - 12) / (g.smallPx * 1.3)))
  // Cut before measuring: an error message can be a whole stderr tail.
  const lines = wrapText((s) => ctx.measureText(s).width, cleanCaption(error.slice(0, 400)), inner, Math.min(4, maxLines))
  lines.forEach((l, i) => ctx.fillText(l, r.x + r.w / 2, r.y + 8 + g.bigPx * 1.6 + i * g.smallPx * 1.3, inner))
}

function drawLabel(ctx: SKRSContext2D, g: SheetLayout, t: SheetTile, e: ManifestEntry, hasFrame: boolean): void {
  const c = checksSummary(e)
  const failed = e.status === 'failed'
  const good = c.allPassed
  if (hasFrame) {
    ctx.strokeStyle = 'rgba(255,255,255,0.25)'
    ctx.lineWidth = 1
    ctx.strokeRect(t.image.x + 0.5, t.image.y + 0.5, t.image.w - 1, t.image.h - 1)
    // The mark on the picture itself: pass/fail reads at a glance across a sheet of many tiles.
    const rad = Math.max(7, Math.round(g.bigPx * 0.75))
    const cx = t.image.x + t.image.w - rad - 4
    const cy = t.image.y + rad + 4
    ctx.beginPath()
    ctx.arc(cx, cy, rad, 0, Math.PI * 2)
    ctx.fillStyle = good ? OK : BAD
    ctx.fill()
    ctx.fillStyle = 'rgb(15,15,18)'
    ctx.font = fontOf(Math.round(rad * 1.3), true)
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    ctx.fillText(good ? '✓' : '✗', cx, cy + 1)
  }
  const w = t.cell.w
  const measure = (s: string) => ctx.measureText(s).width
  ctx.textAlign = 'left'
  ctx.textBaseline = 'top'
  ctx.fillStyle = TEXT
  ctx.font = fontOf(g.bigPx, true)
  ctx.fillText(ellipsize(measure, cleanCaption(e.name.slice(0, 300)) || '(unnamed)', w), t.cell.x, t.labelY)
  const y2 = t.labelY + Math.round(g.bigPx * 1.35)
  const y3 = y2 + Math.round(g.smallPx * 1.3)
  ctx.font = fontOf(g.smallPx, true)
  // A failed tile already says so in its picture: the label keeps its room for format and length.
  const mark = failed ? '✗' : `${good ? '✓' : '✗'} ${c.passed}/${c.total}`
  const markW = measure(mark)
  ctx.fillStyle = good ? OK : BAD
  ctx.fillText(mark, t.cell.x + w - markW, y3)
  ctx.font = fontOf(g.smallPx)
  ctx.fillStyle = MUTED
  ctx.fillText(ellipsize(measure, cleanCaption(formatLabel(e)), w), t.cell.x, y2)
  ctx.fillText(ellipsize(measure, cleanCaption(lengthLabel(e)), Math.max(8, w - markW - 8)), t.cell.x, y3)
}

/** One line cut by characters with "…" (a name is one long "word" more often than a sentence). */
export function ellipsize(measure: (s: string) => number, text: string, maxWidth: number): string {
  if (measure(text) <= maxWidth) return text
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= maxWidth) lo = mid
    else hi = mid - 1
  }
  return `${text.slice(0, lo).trimEnd()}…`
}
