/**
 * Lyric captions drawn into a format's base by the procedural generator (inside its caption safe
 * area, which is the format's own safe area for the aspect presets), instead of laid over every
 * variant: a captioned variant then copies the base's GOPs wherever no hook, CTA or end card is on
 * screen. Here: whether a format can take them, where they are on its timeline and in the frame
 * (the generator's own layout), and the caption-free stills the generator wrote for the text check.
 */
import { createCanvas } from '@napi-rs/canvas'
import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { captionLines, captionSafeArea, cleanCaption, layoutCaption, CAPTION_FONT_FAMILY } from '../render/generators/procedural/captions.js'
import { DEFAULT_CAPTION_STYLE, type CaptionStyle, type ShotPlan } from '../schemas/index.js'
import { boxInside } from './textLayout.js'
import type { Box, Cutdown, VariantFormat } from './types.js'

/** True when the generator's captions for this size land inside the format's safe area. */
export function baseCaptionsFit(format: VariantFormat): boolean {
  return boxInside(captionSafeArea(format.width, format.height), format.safe)
}

/** A caption the base draws, on the variant's timeline, with the box the generator draws it in. */
export interface BaseCaption {
  text: string
  startFrame: number
  endFrame: number
  box: Box
  fontPx: number
  lines: string[]
}

const measureCtx = createCanvas(8, 8).getContext('2d')

/** The box a caption's pages cover, as the generator lays them out (union of its pages, with the outline or panel). */
export function baseCaptionBox(text: string, W: number, H: number, style: CaptionStyle, family: string): { box: Box; fontPx: number; lines: string[] } | null {
  const clean = cleanCaption(text)
  if (!clean) return null
  let font = ''
  const measure = (f: string, s: string) => {
    if (f !== font) measureCtx.font = font = f
    return measureCtx.measureText(s).width
  }
  const block = layoutCaption(measure, clean, W, H, style, family)
  let x0 = W
  let y0 = H
  let x1 = 0
  let y1 = 0
  // Half the outline reaches past the glyphs (or the panel's padding past the lines).
  const pad = style.box === 'none' ? Math.max(2, block.fontPx * 0.16) / 2 : block.fontPx * 0.5
  block.pages.forEach((page, k) => {
    const { cx, top } = captionLines(block, k, H, style)
    const w = Math.max(...page.map((l) => measure(block.font, l)))
    x0 = Math.min(x0, style.box === 'band' ? 0 : cx - w / 2 - pad)
    x1 = Math.max(x1, style.box === 'band' ? W : cx + w / 2 + pad)
    y0 = Math.min(y0, top - pad)
    y1 = Math.max(y1, top + page.length * block.lineHeight + pad)
  })
  const bx = Math.max(0, Math.floor(x0))
  const by = Math.max(0, Math.floor(y0))
  return { box: { x: bx, y: by, width: Math.min(W, Math.ceil(x1)) - bx, height: Math.min(H, Math.ceil(y1)) - by }, fontPx: block.fontPx, lines: block.pages.flat() }
}

/**
 * The plan's caption entries (one per line and shot, as the generator draws them) on the
 * variant's timeline, clipped to its pieces, each with the generator's box for this size.
 */
export function baseCaptionsOnTimeline(plan: ShotPlan, cut: Cutdown, format: VariantFormat, family: string): BaseCaption[] {
  const style = plan.captionStyle ?? DEFAULT_CAPTION_STYLE
  const out: BaseCaption[] = []
  let offset = 0
  for (const p of cut.pieces) {
    for (const shot of plan.shots) {
      // A lyric-typography shot's line is its picture (large kinetic type, not a caption box), as
      // it is in a caption-free base: not a caption to lay out around or to measure.
      if (shot.kind === 'lyric') continue
      for (const c of shot.captions) {
        // The generator draws a shot's caption only on that shot's frames.
        const a = Math.max(c.startFrame, shot.startFrame, p.startFrame)
        const b = Math.min(c.endFrame, shot.endFrame, p.endFrame)
        if (b <= a) continue
        // Abstract shots draw with the default look: the style's size decides the box either way, close enough for masking.
        const laid = baseCaptionBox(c.text, format.width, format.height, style, family)
        if (!laid) continue
        out.push({ text: cleanCaption(c.text), startFrame: offset + a - p.startFrame, endFrame: offset + b - p.startFrame, ...laid })
      }
    }
    offset += p.endFrame - p.startFrame
  }
  return out.sort((x, y) => x.startFrame - y.startFrame)
}

/** The caption font the generator drew with: the treatment's style bible's, else the default. */
export async function captionFamilyOf(baseDir: string): Promise<string> {
  const file = join(baseDir, 'treatment.json')
  if (!existsSync(file)) return CAPTION_FONT_FAMILY
  const t = z.object({ styleBible: z.object({ captionFont: z.string().optional() }).passthrough() }).passthrough().safeParse(JSON.parse(await readFile(file, 'utf8')))
  return (t.success && t.data.styleBible.captionFont) || CAPTION_FONT_FAMILY
}

const Scores = z.object({
  shots: z.array(z.object({ keptAttempt: z.number().int().nullable().optional(), attempts: z.array(z.object({ attempt: z.number().int(), video: z.string().optional() }).passthrough()) }).passthrough()),
}).passthrough()

/**
 * The caption-free stills the generator wrote beside each kept take (bare-<song frame>.png), by
 * song frame: the text check's reference for the captions the base draws. Found through the
 * render's scores.json, which names every take's file.
 */
export async function readBareStills(baseDir: string): Promise<Map<number, string>> {
  const out = new Map<number, string>()
  const file = join(baseDir, 'scores.json')
  if (!existsSync(file)) return out
  const parsed = Scores.safeParse(JSON.parse(await readFile(file, 'utf8')))
  if (!parsed.success) return out
  for (const shot of parsed.data.shots) {
    const kept = shot.attempts.find((a) => a.attempt === shot.keptAttempt) ?? shot.attempts[shot.attempts.length - 1]
    if (!kept?.video) continue
    const dir = dirname(kept.video)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) {
      const m = /^bare-(\d+)\.png$/.exec(name)
      if (m) out.set(Number(m[1]), join(dir, name))
    }
  }
  return out
}
