/**
 * Batch formats, text layout, drawing and the measured safe-zone check, with the real ffmpeg:
 * a text-free base video made by ffmpeg's sources, texts burnt in with overlayFilter, then the
 * check finds each text's pixels in the decoded output and compares them with the layout.
 */
import { writeFile } from 'node:fs/promises'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORMAT_PRESETS, FormatSpec, resolveFormat, SAFE_ZONE_SOURCES, safeZoneTable } from '../src/batch/formats.js'
import { changeMask, checkTextBoxes, iou, openMask, textCheckResult } from '../src/batch/textCheck.js'
import { overlayFilter, overlayInputArgs, writeTextOverlays } from '../src/batch/textDraw.js'
import { boxInside, findOverlap, layoutTexts, type TextSpec } from '../src/batch/textLayout.js'
import type { Box, TextItem, VariantFormat } from '../src/batch/types.js'
import { InputError } from '../src/errors.js'
import { decodeFrames, runFfmpeg } from '../src/ffmpeg/index.js'
import { makeTempDir, type TempDir } from './helpers/syntheticVideo.js'

const FPS = 12
const TOTAL = 72 // 6 s
const BARS = [0, 24, 48] // 120 bpm, 4/4: a bar every 2 s

let tmp: TempDir
beforeAll(() => {
  tmp = makeTempDir('longav-batchtext-')
})
afterAll(() => tmp.cleanup())

/** A text-free base: ffmpeg's moving test pattern, brightened so no large area is black. */
async function makeBase(path: string, f: VariantFormat, frames = TOTAL): Promise<void> {
  await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${f.width}x${f.height}:r=${FPS}`, '-vf', 'lutrgb=r=val*0.6+70:g=val*0.6+70:b=val*0.6+70', '-frames:v', String(frames), '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', path])
}

/**
 * The variant's encode as the batch runner does it: the picture (the base, or trimmed pieces of
 * it played one after another: source frames [a, b)) + text overlays, H.264.
 */
async function burn(base: string, items: TextItem[], f: VariantFormat, dir: string, out: string, pieces?: [number, number][]): Promise<void> {
  const drawn = await writeTextOverlays(items, f, dir)
  const picture = pieces
    ? `${pieces.map(([a, b], k) => `[0:v]trim=start_frame=${a}:end_frame=${b},setpts=PTS-STARTPTS[p${k}]`).join(';')};${pieces.map((_, k) => `[p${k}]`).join('')}concat=n=${pieces.length}:v=1:a=0[pic];`
    : '[0:v]null[pic];'
  const { filter, outLabel } = overlayFilter('pic', drawn.map((d) => ({ x: d.x, y: d.y, startFrame: d.item.startFrame, endFrame: d.item.endFrame })), 1, FPS, { totalFrames: TOTAL })
  await runFfmpeg(['-i', base, ...overlayInputArgs(drawn.map((d) => ({ png: d.png, startFrame: d.item.startFrame, endFrame: d.item.endFrame })), FPS), '-filter_complex', picture + filter, '-map', `[${outLabel}]`, '-frames:v', String(TOTAL), '-c:v', 'libx264', '-crf', '20', '-pix_fmt', 'yuv420p', out])
}

async function logoPng(path: string): Promise<string> {
  const c = createCanvas(120, 60)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#ffcc00'
  ctx.beginPath()
  ctx.arc(30, 30, 26, 0, Math.PI * 2)
  ctx.fill()
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(64, 14, 50, 32)
  await writeFile(path, await c.encode('png'))
  return path
}

const SPEC: TextSpec = {
  hook: { text: 'Summer sale starts now', style: { color: '#ffffff' } },
  cta: { text: 'Shop the collection today', style: { color: '#111111', background: '#ffd400' } },
  endcard: { text: 'Acme Records', style: { color: '#ffffff', background: '#c2185b' } },
  captions: [
    { text: 'we were running through the night', startFrame: 6, endFrame: 30 },
    { text: 'and the city lights were ours', startFrame: 30, endFrame: 66 },
  ],
}

describe('formats', () => {
  it('resolves every preset to an even size with a safe area inside the frame', () => {
    for (const p of FORMAT_PRESETS) {
      const f = resolveFormat(p.name)
      expect([f.width % 2, f.height % 2]).toEqual([0, 0])
      expect(boxInside(f.safe, { x: 0, y: 0, width: f.width, height: f.height })).toBe(true)
      expect(f.safe.width * f.safe.height).toBeGreaterThan(0.25 * f.width * f.height)
      expect(SAFE_ZONE_SOURCES.some((s) => s.preset === p.name)).toBe(true)
      expect(safeZoneTable()).toContain(`| ${p.name} |`)
    }
    expect(SAFE_ZONE_SOURCES.every((s) => /^(https:\/\/|longav)/.test(s.source) && /^\d{4}-\d\d-\d\d$/.test(s.read))).toBe(true)
    expect(resolveFormat('16:9')).toMatchObject({ width: 1280, height: 720, safe: { x: 64, y: 36, width: 1152, height: 648 }, maxSec: null })
    // TikTok at 1080x1920: top 150, bottom 440, sides 150 px.
    expect(resolveFormat('tiktok')).toMatchObject({ width: 1080, height: 1920, safe: { x: 150, y: 150, width: 780, height: 1330 }, maxSec: 60 })
    // Reels: 14 % top, 35 % bottom, 6 % sides.
    expect(resolveFormat('Reels').safe).toEqual({ x: 65, y: 269, width: 950, height: 979 })
  })

  it('scales a preset\'s safe area with its size, and accepts explicit sizes', () => {
    const big = resolveFormat('reels')
    const small = resolveFormat({ preset: 'reels', width: 540 })
    expect(small).toMatchObject({ width: 540, height: 960 })
    expect(Math.abs(small.safe.y / small.height - big.safe.y / big.height)).toBeLessThan(0.01)
    expect(Math.abs(small.safe.height / small.height - big.safe.height / big.height)).toBeLessThan(0.01)
    expect(resolveFormat('1080x1350')).toMatchObject({ name: '1080x1350', width: 1080, height: 1350, safe: { x: 54, y: 68 } })
    expect(resolveFormat({ width: 640, height: 360 }).name).toBe('640x360')
    expect(FormatSpec.safeParse({ preset: 'tiktok', width: 720 }).success).toBe(true)
    expect(FormatSpec.safeParse({ preset: 'tiktok', depth: 3 }).success).toBe(false)
  })

  it('refuses an unknown preset naming it and the known ones, and sizes that cannot be encoded', () => {
    const err = (() => {
      try {
        resolveFormat('snapchat')
      } catch (e) {
        return e as InputError
      }
    })()
    expect(err).toBeInstanceOf(InputError)
    expect(err?.message).toContain('"snapchat"')
    expect(err?.message).toContain('tiktok, reels, shorts, youtube, feed')
    expect(() => resolveFormat('1081x1920')).toThrow(InputError)
    expect(() => resolveFormat({ width: 20000, height: 100 })).toThrow(/width must be an even whole number/)
    expect(() => resolveFormat({ preset: 'tiktok', width: 1080, height: 1080 })).toThrow(/another shape/)
  })
})

describe('text layout', () => {
  const long = 'An unbelievably long opening line that keeps going and going so that it has to wrap and shrink'
  it('keeps every box inside the safe area, on every preset, with long texts wrapped and shrunk', () => {
    for (const p of FORMAT_PRESETS) {
      const f = resolveFormat(p.name)
      for (const spec of [SPEC, { ...SPEC, hook: { text: long } }]) {
        const items = layoutTexts(f, FPS, spec, { totalFrames: TOTAL, barFrames: BARS })
        expect(items.map((i) => i.role).sort()).toEqual(['caption', 'caption', 'cta', 'endcard', 'hook'])
        for (const it of items) expect(boxInside(it.box, f.safe), `${p.name} ${it.role}`).toBe(true)
        // On even pixels: ffmpeg's overlay on 4:2:0 would draw a box at an odd x or y a pixel up or left.
        for (const it of items) expect([it.box.x % 2, it.box.y % 2], `${p.name} ${it.role} at ${it.box.x},${it.box.y}`).toEqual([0, 0])
        expect(findOverlap(items)).toBeNull()
        // Nothing dropped: the lines hold every word of the text.
        for (const it of items) expect(it.lines!.join(' ')).toBe(it.text)
      }
    }
    const f = resolveFormat('9:16')
    const shortHook = layoutTexts(f, FPS, { hook: { text: 'Hi' } }, { totalFrames: TOTAL }).find((i) => i.role === 'hook')!
    const longHook = layoutTexts(f, FPS, { hook: { text: long } }, { totalFrames: TOTAL }).find((i) => i.role === 'hook')!
    expect(longHook.lines!.length).toBeGreaterThan(1)
    expect(longHook.style.fontPx!).toBeLessThan(shortHook.style.fontPx!)
  })

  it('times the hook over the opening bars, the CTA before the end card, the end card over the last bar', () => {
    const items = layoutTexts(resolveFormat('9:16'), FPS, SPEC, { totalFrames: TOTAL, barFrames: BARS })
    const by = (r: string) => items.find((i) => i.role === r)!
    expect([by('hook').startFrame, by('hook').endFrame]).toEqual([0, 24])
    expect([by('cta').startFrame, by('cta').endFrame]).toEqual([24, 48])
    expect([by('endcard').startFrame, by('endcard').endFrame]).toEqual([48, 72])
    // Captions end where the end card starts.
    expect(Math.max(...items.filter((i) => i.role === 'caption').map((i) => i.endFrame))).toBe(48)
    // A long song: the hook ends on the second bar line, the end card starts on a downbeat.
    const bars = Array.from({ length: 30 }, (_, k) => k * 26)
    const long = layoutTexts(resolveFormat('16:9'), FPS, SPEC, { totalFrames: 700, barFrames: bars })
    expect(long.find((i) => i.role === 'hook')!.endFrame).toBe(52)
    expect(bars).toContain(long.find((i) => i.role === 'endcard')!.startFrame)
  })

  it('refuses a text that cannot fit at the smallest legible size, naming its role', () => {
    const words = Array.from({ length: 60 }, (_, k) => `word${k}`).join(' ')
    const f = resolveFormat({ preset: '16:9', width: 320 })
    expect(() => layoutTexts(f, FPS, { cta: { text: words } }, { totalFrames: TOTAL })).toThrow(/texts\.cta: .* does not fit/)
    expect(() => layoutTexts(f, FPS, { hook: { text: '   ' } }, { totalFrames: TOTAL })).toThrow(/texts\.hook: the text is empty/)
  })
})

/** Mean absolute difference over a box between a decoded frame and the expected composite of `png` on `under`. */
async function compositeError(frame: Uint8Array, under: Uint8Array, W: number, png: string, x0: number, y0: number): Promise<number> {
  const img = await loadImage(png)
  const c = createCanvas(img.width, img.height)
  const ctx = c.getContext('2d')
  ctx.drawImage(img, 0, 0)
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data
  let sum = 0
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const p = (y * img.width + x) * 4
      const a = rgba[p + 3] / 255
      const q = ((y0 + y) * W + x0 + x) * 3
      for (let ch = 0; ch < 3; ch++) sum += Math.abs(frame[q + ch] - (rgba[p + ch] * a + under[q + ch] * (1 - a)))
    }
  return sum / (img.width * img.height * 3)
}

async function frame(path: string, f: VariantFormat, index: number): Promise<Uint8Array> {
  let got: Uint8Array | undefined
  await decodeFrames(path, { width: f.width, height: f.height, format: 'rgb24', startSec: index > 0 ? (index - 0.5) / FPS : undefined, maxFrames: 1 }, (fr) => (got = new Uint8Array(fr)))
  return got!
}

describe('burnt-in texts, measured in the decoded output', () => {
  // 16:9 plays two pieces of a longer base (a cut-down): the check maps output frames to source frames.
  const cutdown: [number, number][] = [
    [60, 96],
    [0, 36],
  ]
  const sourceOf = (o: number) => (o < 36 ? 60 + o : o - 36)
  for (const spec of [{ preset: '9:16', width: 360 }, { preset: '16:9', width: 320 }] as const) {
    it(`${spec.preset} at ${spec.width} px wide: every measured box is inside the safe area and matches the layout`, async () => {
      const f = resolveFormat(spec)
      const pieces = spec.preset === '16:9' ? cutdown : undefined
      const sourceFrameOf = pieces ? sourceOf : (o: number) => o
      const base = tmp.file(`base-${f.width}.mp4`)
      await makeBase(base, f, pieces ? 120 : TOTAL)
      const items = layoutTexts(f, FPS, { ...SPEC, endcard: { ...SPEC.endcard!, logo: await logoPng(tmp.file('logo.png')) } }, { totalFrames: TOTAL, barFrames: BARS })
      const out = tmp.file(`out-${f.width}.mp4`)
      await burn(base, items, f, tmp.file(`png-${f.width}`), out, pieces)
      const res = await checkTextBoxes({ output: out, base, sourceFrameOf, items, format: f })
      const ious = res.map((r) => ({ role: r.item.role, iou: r.measured ? iou(r.measured, r.item.box) : 0 }))
      console.log(`${f.name} ${f.width}x${f.height} IoU`, ious.map((r) => `${r.role} ${r.iou.toFixed(3)}`).join(', '))
      for (const r of res) expect(r.inside, `${r.item.role} measured ${JSON.stringify(r.measured)}`).toBe(true)
      for (const r of ious) expect(r.iou, r.role).toBeGreaterThanOrEqual(0.6)
      expect(textCheckResult(res, f).passed).toBe(true)
      // A text on a solid panel is drawn exactly where it was laid out (its top-left corner, to the pixel).
      for (const r of res.filter((r) => r.item.style.background)) expect([r.measured!.x, r.measured!.y], r.item.role).toEqual([r.item.box.x, r.item.box.y])
      // Each text only in its window: the hook is whole on its first frame and gone once the CTA is up;
      // the end card holds to the last frame.
      const hook = items.find((i) => i.role === 'hook')!
      const endcard = items.find((i) => i.role === 'endcard')!
      const changedIn = async (o: number, box: Box) => {
        const m = openMask(changeMask(await frame(out, f, o), await frame(base, f, sourceFrameOf(o)), f.width, f.height), f.width, f.height)
        let n = 0
        for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) n += m[y * f.width + x]
        return n / (box.width * box.height)
      }
      const hookTop = { ...hook.box, height: Math.min(hook.box.height, items.find((i) => i.role === 'cta')!.box.y - hook.box.y) }
      expect(await changedIn(0, hook.box)).toBeGreaterThan(0.6)
      expect(await changedIn(hook.endFrame + 2, hookTop)).toBeLessThan(0.02)
      expect(await changedIn(TOTAL - 1, endcard.box)).toBeGreaterThan(0.6)
    })
  }

  it('fails a variant whose text was placed outside the safe area', async () => {
    const f = resolveFormat({ preset: 'tiktok', width: 360 })
    const base = tmp.file('base-tt.mp4')
    await makeBase(base, f)
    const items = layoutTexts(f, FPS, { hook: SPEC.hook, cta: SPEC.cta }, { totalFrames: TOTAL, barFrames: BARS })
    const hook = items.find((i) => i.role === 'hook')!
    // Pushed into TikTok's right-hand button column and up under the top bar.
    const moved = { ...hook, box: { ...hook.box, x: f.width - hook.box.width, y: 4 } }
    const out = tmp.file('out-misplaced.mp4')
    await burn(base, [moved, ...items.filter((i) => i !== hook)], f, tmp.file('png-misplaced'), out)
    const res = await checkTextBoxes({ output: out, base, sourceFrameOf: (o) => o, items: [moved, ...items.filter((i) => i !== hook)], format: f })
    const h = res.find((r) => r.item.role === 'hook')!
    expect(h.inside).toBe(false)
    expect(h.measured!.y).toBeLessThan(f.safe.y)
    expect(iou(h.measured!, moved.box)).toBeGreaterThanOrEqual(0.6)
    expect(res.find((r) => r.item.role === 'cta')!.inside).toBe(true)
    const check = textCheckResult(res, f)
    expect(check.passed).toBe(false)
    expect(check.detail).toMatch(/1 of 2 text box\(es\) outside safe zone .* hook "Summer sale/)
  })

  it('a data row\'s text appears in its own video and not in the other row\'s', async () => {
    const f = resolveFormat({ preset: '9:16', width: 360 })
    const base = tmp.file('base-rows.mp4')
    await makeBase(base, f)
    const rows = ['Paris: tickets on sale', 'Berlin: jetzt Tickets']
    const made: { out: string; hook: Awaited<ReturnType<typeof writeTextOverlays>>[number] }[] = []
    for (const [k, text] of rows.entries()) {
      const items = layoutTexts(f, FPS, { hook: { text } }, { totalFrames: TOTAL, barFrames: BARS })
      const out = tmp.file(`row-${k}.mp4`)
      await burn(base, items, f, tmp.file(`png-row-${k}`), out)
      const drawn = await writeTextOverlays(items, f, tmp.file(`png-row-${k}`))
      made.push({ out, hook: drawn[0] })
    }
    const at = 12 // mid-hook, past the fade-in
    const under = await frame(base, f, at)
    const errs = await Promise.all(
      made.map(async (m) => {
        const fr = await frame(m.out, f, at)
        return Promise.all(made.map((other) => compositeError(fr, under, f.width, other.hook.png, other.hook.x, other.hook.y)))
      }),
    )
    console.log('row composite error [video][text]', errs.map((r) => r.map((v) => v.toFixed(1)).join(' ')).join(' | '))
    for (let v = 0; v < made.length; v++)
      for (let t = 0; t < made.length; t++) if (v !== t) expect(errs[v][v] * 3).toBeLessThan(errs[v][t])
    for (let v = 0; v < made.length; v++) expect(errs[v][v]).toBeLessThan(6)
  })
})
