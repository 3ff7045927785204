import { loadImage, type Image } from '@napi-rs/canvas'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contactSheetLayout, FAILED_TILE, writeContactSheet } from '../src/batch/contactSheet.js'
import { SHEET_FRAME_AT } from '../src/batch/variantFrames.js'
import { galleryHtml, writeGallery } from '../src/batch/gallery.js'
import { Manifest, type ManifestEntry } from '../src/batch/types.js'
import { barsLabel, variantFile } from '../src/batch/variantLabels.js'
import { runFfmpeg } from '../src/ffmpeg/index.js'
import { sha256File } from '../src/util/files.js'
import { launchChromium, openPage } from './helpers/browser.js'

const FPS = 12
const SEC = 2
const FRAMES = FPS * SEC
// The name and the data row are user text: markup in them must show as text and never run.
const EVIL_NAME = 'Promo <script>window.__pwned = 1</script> & "Co"'
const EVIL_ROW = { city: '<img src=x onerror="window.__pwned = 2">', brand: 'Tom & Jerry' }
const FAIL_ERROR = 'length 60 s is longer than the song (42.5 s)'
/** Written by the test when set, so a person can look at the sheet and the gallery. */
const LOOK = process.env.LONGAV_LOOK_DIR

const MADE = [
  { name: 'wide-15', file: 'variants/wide-15.mp4', w: 160, h: 90 },
  { name: 'tall-6', file: 'variants/tall-6.mp4', w: 90, h: 160 },
  { name: EVIL_NAME, file: 'variants/promo & co #1.mp4', w: 120, h: 120 },
]

let tmp: string
let batchDir: string
let manifest: Manifest
let browser: Browser

function entry(over: Partial<ManifestEntry> & Pick<ManifestEntry, 'name'>, w: number, h: number): ManifestEntry {
  return {
    status: 'ok',
    format: { name: `${w}x${h}`, width: w, height: h, safe: { x: w * 0.1, y: h * 0.1, width: w * 0.8, height: h * 0.8 }, maxSec: null },
    fps: FPS,
    length: SEC,
    totalFrames: FRAMES,
    pieces: [{ startFrame: 0, endFrame: FRAMES, bars: [1, 1] }],
    texts: [],
    loudness: { targetLufs: null, measuredLufs: null },
    checks: [
      { name: 'size', passed: true, detail: `${w}x${h} as requested` },
      { name: 'length', passed: true, detail: `${FRAMES} frames = ${SEC} s` },
    ],
    cost: { wallSec: 1.5, shotsGenerated: 2, shotsReused: 1 },
    ...over,
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'longav-gallery-'))
  batchDir = join(tmp, 'batch')
  mkdirSync(join(batchDir, 'variants'), { recursive: true })
  for (const m of MADE) {
    await runFfmpeg([
      '-f', 'lavfi', '-i', `testsrc=size=${m.w}x${m.h}:rate=${FPS}:duration=${SEC}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${SEC}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart',
      join(batchDir, m.file),
    ])
  }
  const sha = await Promise.all(MADE.map((m) => sha256File(join(batchDir, m.file))))
  const variants: ManifestEntry[] = [
    entry({
      name: MADE[0].name, file: MADE[0].file, sha256: sha[0], length: 15,
      pieces: [{ startFrame: 0, endFrame: 12, bars: [33, 40] }, { startFrame: 12, endFrame: 24, bars: [61, 64] }],
      loudness: { targetLufs: -14, measuredLufs: -14.3 },
      row: { market: 'DE' },
      texts: [{ role: 'hook', text: 'Hear it first', startFrame: 0, endFrame: 12, box: { x: 20, y: 10, width: 120, height: 20 }, style: { color: '#ffffff' } }],
    }, 160, 90),
    entry({
      name: MADE[1].name, file: MADE[1].file, sha256: sha[1], length: 6,
      checks: [
        { name: 'size', passed: true, detail: '90x160 as requested' },
        { name: 'safe zone', passed: false, detail: 'cta box y 140..158 leaves the safe zone (y ≤ 144)' },
      ],
    }, 90, 160),
    entry({ name: MADE[2].name, file: MADE[2].file, sha256: sha[2], length: 'full', row: EVIL_ROW }, 120, 120),
    entry({ name: 'vertical-60', status: 'failed', error: FAIL_ERROR, length: 60, totalFrames: 0, pieces: [], checks: [] }, 720, 1280),
  ]
  manifest = Manifest.parse({
    version: 1, song: 'songs/night <drive>.mp3', brief: 'brief.md', variantsFile: 'variants.yaml', inputsHash: 'abc',
    variants, total: { wallSec: 4.5, shotsGenerated: 6, shotsReused: 3 },
  })
  writeFileSync(join(batchDir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('variants.html', () => {
  it('plays every made variant, shows checks and the failure, runs no injected script, loads nothing remote, and survives a move', async () => {
    await writeGallery(manifest, batchDir, join(batchDir, 'variants.html'))
    const html = readFileSync(join(batchDir, 'variants.html'), 'utf8')
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html).not.toContain('<script')
    expect(html).toContain('Promo &lt;script&gt;window.__pwned = 1&lt;/script&gt; &amp; &quot;Co&quot;')
    expect(html).toContain('src="variants/promo%20%26%20co%20%231.mp4"')

    // The folder is moved as a whole: relative links still find the videos.
    const moved = join(tmp, 'moved elsewhere')
    cpSync(batchDir, moved, { recursive: true })
    const pageUrl = pathToFileURL(join(moved, 'variants.html')).href
    const { page, log, close } = await openPage(browser, pageUrl)
    try {
      await page.setViewportSize({ width: 1400, height: 900 })
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(await page.evaluate(() => document.scripts.length)).toBe(0)
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.locator('#v-2 .vname').textContent()).toBe(EVIL_NAME)
      expect(await page.locator('#v-2 .chip').allTextContents()).toEqual([`city: ${EVIL_ROW.city}`, `brand: ${EVIL_ROW.brand}`])

      // Every made variant plays at its size and length.
      for (const [k, m] of MADE.entries()) {
        const sel = `#v-${k} video`
        await page.waitForFunction((s) => (document.querySelector(s) as HTMLVideoElement).readyState >= 1, sel, { timeout: 20_000 })
        const meta = await page.$eval(sel, (v) => {
          const video = v as HTMLVideoElement
          return { d: video.duration, w: video.videoWidth, h: video.videoHeight, err: video.error?.code ?? null, src: video.currentSrc }
        })
        expect(meta.err, m.name).toBeNull()
        expect([meta.w, meta.h], m.name).toEqual([m.w, m.h])
        expect(Math.abs(meta.d - SEC), m.name).toBeLessThan(0.1)
        expect(decodeURIComponent(meta.src)).toBe(decodeURIComponent(pathToFileURL(join(moved, m.file)).href))
        // Its poster is its frame at 40 %, inlined, and decodes at the variant's aspect.
        const poster = await page.$eval(sel, async (v) => {
          const img = document.createElement('img')
          img.src = (v as HTMLVideoElement).poster
          await img.decode()
          return { uri: img.src.slice(0, 23), w: img.naturalWidth, h: img.naturalHeight }
        })
        expect(poster.uri).toBe('data:image/jpeg;base64,')
        expect(Math.abs(poster.w / poster.h - m.w / m.h)).toBeLessThan(0.05)
      }
      // The failed variant: its error in its card and in the list at the top, and no player.
      const failed = page.locator('#v-3')
      expect(await failed.getAttribute('class')).toContain('failed')
      expect(await failed.locator('video').count()).toBe(0)
      expect(await failed.locator('.error').textContent()).toBe(`Failed: ${FAIL_ERROR}`)
      expect(await failed.locator('.error').isVisible()).toBe(true)
      expect(await page.locator('#failed li').textContent()).toBe(`vertical-60: ${FAIL_ERROR}`)
      expect(await page.locator('article.variant video').count()).toBe(3)

      // Checks with pass/fail and detail; the facts of the first variant.
      expect(await page.locator('li.check').count()).toBe(6)
      const fail = page.locator('#v-1 li.check.fail')
      expect(await fail.count()).toBe(1)
      expect(await fail.textContent()).toContain('safe zone')
      expect(await fail.textContent()).toContain('leaves the safe zone')
      expect(await page.locator('#v-1 .vhead .badge').textContent()).toBe('✗ 1/2 checks')
      expect(await page.locator('#v-0 .vhead .badge').textContent()).toBe('✓ 2/2 checks')
      const facts = await page.locator('#v-0 table.facts').textContent()
      for (const s of ['bars 33–40 + 61–64', 'target −14 LUFS · measured −14.3 LUFS', 'market: DE', 'hook: Hear it first', '1.5 s · 2 shots generated, 1 reused', manifest.variants[0].sha256!.slice(0, 12)])
        expect(facts).toContain(s)
      expect(facts).toMatch(/variants\/wide-15\.mp4 · \d+(\.\d)? kB/)

      // Fits a 1,400-px window (and a wide one) without horizontal scrolling.
      for (const width of [1400, 1920]) {
        await page.setViewportSize({ width, height: 900 })
        const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth])
        expect(scroll, `at ${width} px`).toBeLessThanOrEqual(client)
      }
      await page.setViewportSize({ width: 1400, height: 900 })
      // Loading done (a frame decoded, or the metadata load suspended): no spinner over the posters.
      await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.readyState >= 2 || v.networkState === 1), null, { timeout: 20_000 })
      if (LOOK) {
        await page.waitForTimeout(1000) // the loading spinner fades out after the load
        const shot = await page.screenshot({ fullPage: true })
        writeFileSync(join(LOOK, 'gallery.png'), shot)
      }

      // Only the page and the three videos beside it were asked for.
      // (compared decoded: Chromium escapes `&` in a URL, Node's pathToFileURL does not)
      const asked = new Set(log.requests.filter((u) => !u.startsWith('data:')).map(decodeURIComponent))
      const allowed = new Set([pageUrl, ...MADE.map((m) => pathToFileURL(join(moved, m.file)).href)].map(decodeURIComponent))
      for (const u of asked) expect(allowed.has(u), u).toBe(true)
      expect(log.consoleErrors).toEqual([])
      expect(log.pageErrors).toEqual([])
      // Chromium cancels its first whole-file read of a video once it has the header (ERR_ABORTED).
      expect(log.failedRequests.filter((f) => !f.endsWith(': net::ERR_ABORTED'))).toEqual([])
    } finally {
      await close()
    }
  })
})

/** Mean RGB of a rectangle of an RGBA buffer. */
function meanRgb(px: Uint8ClampedArray | Uint8Array, width: number, r: { x: number; y: number; w: number; h: number }): number[] {
  const sum = [0, 0, 0]
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) for (let c = 0; c < 3; c++) sum[c] += px[(y * width + x) * 4 + c]
  return sum.map((s) => s / (r.w * r.h))
}

async function pixels(img: Image): Promise<Uint8ClampedArray> {
  const { createCanvas } = await import('@napi-rs/canvas')
  const c = createCanvas(img.width, img.height)
  const ctx = c.getContext('2d')
  ctx.drawImage(img, 0, 0)
  return ctx.getImageData(0, 0, img.width, img.height).data
}

describe('variants.png', () => {
  it('has one tile per variant: the frame at 40 % for a made one, grey for the failed one, with a pass/fail mark', async () => {
    const out = join(batchDir, 'variants.png')
    await writeContactSheet(manifest, batchDir, out)
    if (LOOK) cpSync(out, join(LOOK, 'variants.png'))
    const img = await loadImage(readFileSync(out))
    const g = contactSheetLayout(manifest.variants.map((v) => v.format.width / v.format.height))
    expect([img.width, img.height]).toEqual([g.width, g.height])
    expect(img.width).toBeLessThanOrEqual(2400)
    const px = await pixels(img)
    const at = (x: number, y: number) => [0, 1, 2].map((c) => px[(y * img.width + x) * 4 + c])

    // Counted on the picture: along the middle of the row, runs of pixels that are not the background.
    expect(g.rows).toEqual([[0, 1, 2, 3]])
    const bg = at(1, img.height - 2)
    const y = g.tiles[0].image.y + Math.floor(g.tileH / 2)
    let runs = 0
    let inRun = false
    for (let x = 0; x < img.width; x++) {
      const on = at(x, y).some((v, c) => Math.abs(v - bg[c]) > 12)
      if (on && !inRun) runs++
      inRun = on
    }
    expect(runs).toBe(manifest.variants.length)

    for (const [k, v] of manifest.variants.entries()) {
      const t = g.tiles[k].image
      // Aspect kept, tiles of one height.
      expect(t.h).toBe(g.tileH)
      expect(Math.abs(t.w / t.h - v.format.width / v.format.height)).toBeLessThan(0.02)
      const inner = { x: t.x + 2, y: t.y + Math.floor(t.h * 0.4), w: t.w - 4, h: Math.floor(t.h * 0.55) }
      if (v.status === 'failed') {
        const grey = FAILED_TILE.match(/\d+/g)!.map(Number)
        let n = 0
        for (let yy = inner.y; yy < inner.y + inner.h; yy++) for (let xx = inner.x; xx < inner.x + inner.w; xx++) if (at(xx, yy).every((c, i) => c === grey[i])) n++
        expect(n / (inner.w * inner.h)).toBeGreaterThan(0.6)
        continue
      }
      // The same picture as the variant's own frame at 40 % (decoded here by ffmpeg, scaled to the tile).
      const ref = join(tmp, `ref-${k}.png`)
      const index = Math.floor(v.totalFrames * SHEET_FRAME_AT)
      const file = variantFile(v, batchDir)
      if ('error' in file) throw new Error(file.error)
      await runFfmpeg(['-y', '-i', file.abs, '-vf', `select=eq(n\\,${index}),scale=${t.w}:${t.h}`, '-frames:v', '1', '-fps_mode', 'passthrough', ref])
      const refImg = await loadImage(readFileSync(ref))
      const refPx = await pixels(refImg)
      const a = meanRgb(px, img.width, inner)
      const b = meanRgb(refPx, refImg.width, { x: 2, y: inner.y - t.y, w: inner.w, h: inner.h })
      for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c]), `${v.name} channel ${c}`).toBeLessThan(10)
      // The mark in the top-right corner: green when every check passed, red otherwise.
      const corner = { x: t.x + t.w - 30, y: t.y + 2, w: 28, h: 28 }
      let green = 0
      let red = 0
      for (let yy = corner.y; yy < corner.y + corner.h; yy++)
        for (let xx = corner.x; xx < corner.x + corner.w; xx++) {
          const [r0, g0, b0] = at(xx, yy)
          if (Math.abs(r0 - 79) < 8 && Math.abs(g0 - 209) < 8 && Math.abs(b0 - 139) < 8) green++
          if (Math.abs(r0 - 255) < 8 && Math.abs(g0 - 107) < 8 && Math.abs(b0 - 107) < 8) red++
        }
      const allPassed = v.checks.every((c) => c.passed)
      expect(allPassed ? green : red, v.name).toBeGreaterThan(100)
      expect(allPassed ? red : green, v.name).toBeLessThan(10)
    }
  })
})

describe('a batch folder that lost a file', () => {
  it('keeps going: the gallery says the video is missing, the sheet draws a grey tile; an abort stops the sheet', async () => {
    const lost = { ...manifest, variants: [manifest.variants[0], { ...manifest.variants[1], file: 'variants/gone.mp4' }] }
    const page = join(tmp, 'lost.html')
    await writeGallery(lost, batchDir, page, { posters: false })
    const html = readFileSync(page, 'utf8')
    expect(html.match(/<video /g)?.length).toBe(1)
    expect(html).not.toContain('poster=')
    expect(html).toContain('<strong>No video:</strong> variants/gone.mp4 is missing')
    const sheet = join(tmp, 'lost.png')
    await writeContactSheet(lost, batchDir, sheet)
    const img = await loadImage(readFileSync(sheet))
    const g = contactSheetLayout([160 / 90, 90 / 160])
    expect([img.width, img.height]).toEqual([g.width, g.height])
    const px = await pixels(img)
    const t = g.tiles[1].image
    const grey = FAILED_TILE.match(/\d+/g)!.map(Number)
    const i = ((t.y + t.h - 3) * img.width + t.x + 3) * 4
    expect([px[i], px[i + 1], px[i + 2]]).toEqual(grey)

    const ac = new AbortController()
    ac.abort()
    await expect(writeContactSheet(manifest, batchDir, join(tmp, 'aborted.png'), { signal: ac.signal })).rejects.toThrow()
    expect(existsSync(join(tmp, 'aborted.png'))).toBe(false)
  })
})

describe('sheet layout and labels', () => {
  it('wraps many tiles into rows no wider than the limit, keeps aspects, and shrinks tiles to bound the height', () => {
    const aspects = Array.from({ length: 30 }, (_, k) => [16 / 9, 9 / 16, 1, 4 / 5][k % 4])
    const g = contactSheetLayout(aspects, { maxWidth: 2400, maxHeight: 3000 })
    expect(g.width).toBeLessThanOrEqual(2400)
    expect(g.height).toBeLessThanOrEqual(3000)
    expect(g.rows.length).toBeGreaterThan(1)
    expect(g.rows.flat()).toEqual(aspects.map((_, k) => k))
    for (const [k, t] of g.tiles.entries()) {
      expect(t.cell.x + t.cell.w).toBeLessThanOrEqual(g.width - g.pad)
      expect(t.image.h).toBe(g.tileH)
      expect(Math.abs(t.image.w / t.image.h - aspects[k])).toBeLessThan(0.03)
      // No two cells overlap.
      for (const u of g.tiles.slice(k + 1))
        expect(t.cell.x + t.cell.w <= u.cell.x || u.cell.x + u.cell.w <= t.cell.x || t.cell.y + t.cell.h <= u.cell.y || u.cell.y + u.cell.h <= t.cell.y).toBe(true)
    }
    const many = contactSheetLayout(Array.from({ length: 200 }, () => 16 / 9))
    expect(many.tileH).toBeLessThan(240)
    expect(many.height).toBeLessThanOrEqual(3000)
    // A banner far wider than the sheet is scaled down to fit, keeping its aspect.
    const banner = contactSheetLayout([20], { maxWidth: 1000 })
    expect(banner.width).toBeLessThanOrEqual(1000)
    expect(Math.abs(banner.tiles[0].image.w / banner.tiles[0].image.h - 20)).toBeLessThan(0.5)
  })

  it('groups the gallery by format when formats repeat, longest first', () => {
    const [a, b, c] = manifest.variants
    const m = { ...manifest, variants: [{ ...a, name: 'w6', length: 6 }, c, { ...a, name: 'w-full', length: 'full' as const }, { ...c, name: 'sq-15', length: 15 }, b] }
    const html = galleryHtml(m, m.variants.map(() => ({ href: 'variants/x.mp4' })))
    const sections = [...html.matchAll(/<section class="group" id="g-\d+"><h2>([^<]*)/g)].map((x) => x[1].trim())
    expect(sections).toEqual(['160×90', '120×120', '90×160'])
    const order = [...html.matchAll(/<article class="variant \w+" id="v-(\d+)"/g)].map((x) => Number(x[1]))
    expect(order).toEqual([2, 0, 1, 3, 4])
  })

  it('says which bars were used and refuses a file outside the batch folder', () => {
    expect(barsLabel([{ startFrame: 0, endFrame: 10, bars: [33, 40] }, { startFrame: 10, endFrame: 20, bars: [61, 64] }])).toBe('bars 33–40 + 61–64')
    expect(barsLabel([{ startFrame: 0, endFrame: 10, bars: [5, 5] }])).toBe('bar 5')
    const v = manifest.variants[0]
    for (const bad of ['../x.mp4', '/etc/passwd', 'variants/../../x.mp4', 'file:///x.mp4', ''])
      expect('error' in variantFile({ ...v, file: bad }, batchDir), bad).toBe(true)
    expect(variantFile(v, batchDir)).toEqual({ rel: 'variants/wide-15.mp4', abs: join(batchDir, 'variants/wide-15.mp4') })
  })
})
