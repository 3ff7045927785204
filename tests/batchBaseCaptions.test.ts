/**
 * Captions the procedural generator draws into a batch's base: their boxes as the generator lays
 * them out, and the safe-zone check that measures them in the decoded output against the
 * generator's caption-free still (real ffmpeg, a grainy moving picture like the renders'). A
 * caption drawn outside the safe area fails; one whose frames the variant does not show is
 * measured in the base; one without a reference fails, never passes unmeasured.
 */
import { writeFile } from 'node:fs/promises'
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseCaptionBox, baseCaptionsFit } from '../src/batch/baseCaptions.js'
import { resolveFormat } from '../src/batch/formats.js'
import { checkTextBoxes, iou, textCheckResult } from '../src/batch/textCheck.js'
import { boxInside } from '../src/batch/textLayout.js'
import type { TextItem } from '../src/batch/types.js'
import { openRawVideoEncoder } from '../src/ffmpeg/index.js'
import { captionSafeArea } from '../src/render/generators/procedural/captions.js'
import { DEFAULT_CAPTION_STYLE } from '../src/schemas/index.js'
import { makeTempDir, type TempDir } from './helpers/syntheticVideo.js'

const FPS = 12
const FRAMES = 36
const TEXT = 'we light the city up'
const f = resolveFormat({ preset: '9:16', width: 360 })

let tmp: TempDir
beforeAll(() => {
  tmp = makeTempDir('longav-basecaps-')
})
afterAll(() => tmp.cleanup())

/** A moving gradient with per-frame grain. */
function background(ctx: SKRSContext2D, i: number): void {
  const img = ctx.createImageData(f.width, f.height)
  let seed = 11 + i * 7919
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
  for (let p = 0; p < f.width * f.height; p++) {
    const x = p % f.width
    const y = Math.floor(p / f.width)
    const v = (x + y + i * 4) % 200
    const g = Math.floor(rnd() * 16)
    img.data.set([40 + v / 2 + g, 30 + v / 3 + g, 90 + v / 4 + g, 255], p * 4)
  }
  ctx.putImageData(img, 0, 0)
}

/** White outlined text centred on (cx, baseline y), as the generator draws a caption. */
function caption(ctx: SKRSContext2D, cx: number, y: number, px: number): void {
  ctx.font = `bold ${px}px "DejaVu Sans"`
  ctx.textAlign = 'center'
  ctx.lineWidth = Math.max(2, px * 0.16)
  ctx.strokeStyle = 'rgba(0,0,0,0.85)'
  ctx.strokeText(TEXT, cx, y)
  ctx.fillStyle = '#ffffff'
  ctx.fillText(TEXT, cx, y)
}

/** A base with the caption drawn at baseline `y` on frames 6..29, and the still of frame 10 without it. */
async function makeBase(name: string, y: number): Promise<{ video: string; still: string }> {
  const c = createCanvas(f.width, f.height)
  const ctx = c.getContext('2d')
  const video = tmp.file(`${name}.mp4`)
  const still = tmp.file(`${name}-bare-10.png`)
  const enc = openRawVideoEncoder({ path: video, width: f.width, height: f.height, fps: FPS })
  for (let i = 0; i < FRAMES; i++) {
    background(ctx, i)
    if (i === 10) await writeFile(still, c.encodeSync('png'))
    if (i >= 6 && i < 30) caption(ctx, f.width / 2, y, laid.fontPx)
    await enc.writeFrame(new Uint8Array(c.data()))
  }
  await enc.finish()
  return { video, still }
}

const laid = baseCaptionBox(TEXT, f.width, f.height, DEFAULT_CAPTION_STYLE, 'DejaVu Sans')!
/** The generator's baseline for a one-line caption at the bottom of the caption area. */
const area = captionSafeArea(f.width, f.height)
const BASELINE = area.y + area.height - 1.22 * laid.fontPx + 0.95 * laid.fontPx
const item = (box = laid.box): TextItem => ({ role: 'caption', text: TEXT, startFrame: 6, endFrame: 30, box, style: { color: '#ffffff', fontPx: laid.fontPx }, inBase: true })

describe('captions drawn into the base', () => {
  it('fit the aspect presets\' safe areas, laid out as the generator lays them out', () => {
    for (const name of ['16:9', '9:16', '1:1', '4:5']) expect(baseCaptionsFit(resolveFormat(name)), name).toBe(true)
    expect(boxInside(laid.box, captionSafeArea(f.width, f.height), 2)).toBe(true)
    expect(laid.lines.join(' ')).toBe(TEXT)
  })

  it('measures each one in the output against the caption-free still; one drawn outside the safe area fails', async () => {
    const good = await makeBase('good', BASELINE)
    const ref = (png: string) => () => ({ png, sourceFrame: 10, output: 10 })
    const [ok] = await checkTextBoxes({ output: good.video, base: good.video, sourceFrameOf: (o) => o, items: [item()], format: f, bareRef: ref(good.still) })
    expect(ok.inside, JSON.stringify(ok.measured)).toBe(true)
    expect(iou(ok.measured!, laid.box)).toBeGreaterThan(0.5)
    expect(textCheckResult([ok], f).detail).toMatch(/caption "we light the city up" measured .* \(drawn by the base\)/)

    // Drawn 30 px from the bottom: under the platforms' buttons, outside the 9:16 safe area.
    const low = await makeBase('low', f.height - 30)
    const [bad] = await checkTextBoxes({ output: low.video, base: low.video, sourceFrameOf: (o) => o, items: [item()], format: f, bareRef: ref(low.still) })
    expect(bad.measured).not.toBeNull()
    expect(bad.measured!.y + bad.measured!.height).toBeGreaterThan(f.safe.y + f.safe.height + 2)
    expect(bad.inside).toBe(false)
    expect(textCheckResult([bad], f).passed).toBe(false)
  }, 120_000)

  it('measures a caption whose still the variant does not show in the base, and fails one with no still', async () => {
    const good = await makeBase('good2', BASELINE)
    const [inBase] = await checkTextBoxes({ output: good.video, base: good.video, sourceFrameOf: (o) => o, items: [item()], format: f, bareRef: () => ({ png: good.still, sourceFrame: 10, output: null }) })
    expect(inBase.inside).toBe(true)
    expect(inBase.inBaseAt).toBe(10)
    expect(textCheckResult([inBase], f).detail).toMatch(/measured in its frame 10/)
    const [none] = await checkTextBoxes({ output: good.video, base: good.video, sourceFrameOf: (o) => o, items: [item()], format: f, bareRef: () => null })
    expect(none.measured).toBeNull()
    expect(textCheckResult([none], f).passed).toBe(false)
  }, 120_000)
})
