/**
 * Output formats of a batch: aspect presets (`16:9`, `9:16`, `1:1`, `4:5`), platform presets
 * (`tiktok`, `reels`, `shorts`, `youtube`, `feed`) and explicit sizes, each resolved to pixels
 * with the area every text must stay inside. Safe areas are kept as fractions of the frame so
 * they scale with the size; the figures and where they come from are in `SAFE_ZONE_SOURCES`.
 */
import { z } from 'zod'
import { InputError } from '../errors.js'
import type { Box, VariantFormat } from './types.js'
import { SAFE_ZONE_SOURCES } from './safeZoneSources.js'

export { SAFE_ZONE_SOURCES, type SafeZoneSource } from './safeZoneSources.js'

/** Part of the frame to keep clear on each edge, as fractions of the width (left, right) and height (top, bottom). */
export interface SafeMargins {
  top: number
  bottom: number
  left: number
  right: number
}

export interface FormatPreset {
  name: string
  width: number
  height: number
  margins: SafeMargins
  maxSec: number | null
  /** What the preset is for, in a line. */
  about: string
}

const px = (v: number, of: number) => v / of
/** EBU R 95 graphics-safe area: 5 % in from every edge (the 16:9 title-safe 90 %). */
const GRAPHICS_SAFE: SafeMargins = { top: 0.05, bottom: 0.05, left: 0.05, right: 0.05 }
/** Instagram feed: 64 px on every side of 1080 px. */
const FEED: SafeMargins = { top: px(64, 1350), bottom: px(64, 1350), left: px(64, 1080), right: px(64, 1080) }
const FEED_SQUARE: SafeMargins = { top: px(64, 1080), bottom: px(64, 1080), left: px(64, 1080), right: px(64, 1080) }
/** TikTok in-feed, at 1080x1920: top 150, bottom 440, right 150; the same guide's centred 780 px wide area leaves 150 on the left. */
const TIKTOK: SafeMargins = { top: px(150, 1920), bottom: px(440, 1920), left: px(150, 1080), right: px(150, 1080) }
/** Meta Reels: top 14 %, bottom 35 %, sides 6 %. */
const REELS: SafeMargins = { top: 0.14, bottom: 0.35, left: 0.06, right: 0.06 }
/** YouTube Shorts: bottom 25 % (title, channel, subscribe), right 15 % (buttons); top and left are longav's margins (no published figure found). */
const SHORTS: SafeMargins = { top: px(150, 1920), bottom: 0.25, left: 0.06, right: 0.15 }
/** Generic 9:16: safe on every vertical platform at once (the intersection of TikTok, Reels and Shorts). */
const VERTICAL: SafeMargins = (['top', 'bottom', 'left', 'right'] as const).reduce(
  (m, k) => ({ ...m, [k]: Math.max(TIKTOK[k], REELS[k], SHORTS[k]) }),
  { top: 0, bottom: 0, left: 0, right: 0 },
)

export const FORMAT_PRESETS: readonly FormatPreset[] = [
  { name: '16:9', width: 1280, height: 720, margins: GRAPHICS_SAFE, maxSec: null, about: 'landscape, EBU R 95 graphics-safe 90 %' },
  { name: '9:16', width: 720, height: 1280, margins: VERTICAL, maxSec: null, about: 'vertical, safe on TikTok, Reels and Shorts at once' },
  { name: '1:1', width: 720, height: 720, margins: FEED_SQUARE, maxSec: null, about: 'square, Instagram feed margins' },
  { name: '4:5', width: 864, height: 1080, margins: FEED, maxSec: null, about: 'portrait feed, Instagram feed margins' },
  { name: 'tiktok', width: 1080, height: 1920, margins: TIKTOK, maxSec: 60, about: 'TikTok in-feed ad' },
  { name: 'reels', width: 1080, height: 1920, margins: REELS, maxSec: 90, about: 'Instagram / Facebook Reels' },
  { name: 'shorts', width: 1080, height: 1920, margins: SHORTS, maxSec: 180, about: 'YouTube Shorts' },
  { name: 'youtube', width: 1920, height: 1080, margins: GRAPHICS_SAFE, maxSec: null, about: 'YouTube 16:9, EBU R 95 graphics-safe 90 %' },
  { name: 'feed', width: 1080, height: 1350, margins: FEED, maxSec: 241 * 60, about: 'Instagram / Facebook feed 4:5' },
]

/** Sizes longav encodes (the brief's output limits); yuv420p needs even sides. */
export const SIZE_LIMITS = { minWidth: 64, maxWidth: 7680, minHeight: 64, maxHeight: 4320 } as const

/** What a variants file may write as a format: a preset name or `WxH`, an explicit size, or a preset at another size. */
export const FormatSpec = z.union([
  z.string().min(1),
  z.object({ width: z.number().int(), height: z.number().int() }).strict(),
  z.object({ preset: z.string().min(1), width: z.number().int().optional(), height: z.number().int().optional() }).strict(),
])
export type FormatSpec = z.infer<typeof FormatSpec>

/** The safe area of a width x height frame with these margins, in whole pixels, rounded inwards. */
export function safeBox(width: number, height: number, m: SafeMargins): Box {
  const x = Math.ceil(m.left * width - 1e-9)
  const y = Math.ceil(m.top * height - 1e-9)
  const right = Math.floor(width * (1 - m.right) + 1e-9)
  const bottom = Math.floor(height * (1 - m.bottom) + 1e-9)
  return { x, y, width: right - x, height: bottom - y }
}

export function presetNamed(name: string): FormatPreset | undefined {
  const key = name.trim().toLowerCase()
  return FORMAT_PRESETS.find((p) => p.name === key)
}

function checkSize(width: number, height: number, what: string): void {
  const L = SIZE_LIMITS
  const ok = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi && v % 2 === 0
  if (!ok(width, L.minWidth, L.maxWidth) || !ok(height, L.minHeight, L.maxHeight))
    throw new InputError(
      `format ${what}: size ${width}x${height} cannot be encoded: width must be an even whole number in ${L.minWidth}..${L.maxWidth}, height in ${L.minHeight}..${L.maxHeight}`,
      { code: 'FORMAT_INVALID' },
    )
}

const even = (v: number) => Math.max(2, Math.round(v / 2) * 2)

/** A preset at its own size, or at another size of (within 1 %) the same shape: the safe area scales. */
function fromPreset(p: FormatPreset, width?: number, height?: number): VariantFormat {
  const aspect = p.width / p.height
  const w = width ?? (height !== undefined ? even(height * aspect) : p.width)
  const h = height ?? (width !== undefined ? even(width / aspect) : p.height)
  checkSize(w, h, `"${p.name}"`)
  if (Math.abs(w / h / aspect - 1) > 0.01)
    throw new InputError(`format "${p.name}" has the shape of ${p.width}x${p.height}; ${w}x${h} is another shape: give a size of the same aspect, or an explicit {width, height}`, {
      code: 'FORMAT_INVALID',
    })
  return { name: p.name, width: w, height: h, safe: safeBox(w, h, p.margins), maxSec: p.maxSec }
}

/** An explicit size: text keeps to the graphics-safe 90 % (EBU R 95), no length limit. */
function fromSize(width: number, height: number): VariantFormat {
  checkSize(width, height, `${width}x${height}`)
  return { name: `${width}x${height}`, width, height, safe: safeBox(width, height, GRAPHICS_SAFE), maxSec: null }
}

function unknownPreset(name: string): InputError {
  return new InputError(`unknown format preset "${name}": known presets are ${FORMAT_PRESETS.map((p) => p.name).join(', ')}, or a size such as 1080x1350`, {
    code: 'FORMAT_UNKNOWN',
  })
}

/** A format spec from a variants file resolved to pixels, safe area and length limit. */
export function resolveFormat(spec: FormatSpec): VariantFormat {
  if (typeof spec === 'string') {
    const size = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(spec)
    if (size) return fromSize(Number(size[1]), Number(size[2]))
    const p = presetNamed(spec)
    if (!p) throw unknownPreset(spec)
    return fromPreset(p)
  }
  if ('preset' in spec) {
    const p = presetNamed(spec.preset)
    if (!p) throw unknownPreset(spec.preset)
    return fromPreset(p, spec.width, spec.height)
  }
  return fromSize(spec.width, spec.height)
}

/** Where each preset's figures come from (for the README and `longav batch --help`). */
export function safeZoneTable(): string {
  const rows = SAFE_ZONE_SOURCES.map((s) => `| ${s.preset} | ${s.edge} | ${s.figure} | ${s.source} | ${s.read} |`)
  return ['| preset | edge | figure | source | read |', '|---|---|---|---|---|', ...rows].join('\n')
}
