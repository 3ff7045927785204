import { loadImage } from '@napi-rs/canvas'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../src/ffmpeg/index.js'
import { escapeHtml, flattenSettings, videoSrc, writeReport, type ReportData, type ReportShot } from '../src/report/report.js'
import { inlineImage, inlineThumbnail } from '../src/report/reportImages.js'
import { writeStoryboard } from '../src/report/storyboard.js'
import { launchChromium, openPage } from './helpers/browser.js'

const FPS = 30
const W = 640
const H = 360
const SHOTS = 6
const SHOT_FRAMES = 15 // 6 shots × 0.5 s tile the 3 s video
// Every way a brief's text could try to become markup: a script, an event handler, an attribute break-out.
const TITLE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Night & "Signals"`
const PROMPT0 = `wide shot </span></summary><script>window.__pwned = 3</script> of a rooftop`
const CRITIQUE = `too dark: <b onmouseover="window.__pwned = 4">exposure</b> 0.12 < 0.2`

let tmp: string
let browser: Browser
let keyframes: string[]
let storyboardPng: string
let timelinePng: string

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'longav-report-'))
  // A real H.264 + AAC film like the stitcher's output (yuv420p, faststart).
  await runFfmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}:duration=3`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=3',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart',
    join(tmp, 'final.mp4'),
  ])
  // One keyframe per shot, taken from the film itself (its middle frame).
  await runFfmpeg(['-i', join(tmp, 'final.mp4'), '-vf', `select='eq(mod(n\\,${SHOT_FRAMES})\\,7)'`, '-fps_mode', 'passthrough', join(tmp, 'kf-%d.png')])
  keyframes = Array.from({ length: SHOTS }, (_, k) => join(tmp, `kf-${k + 1}.png`))
  storyboardPng = join(tmp, 'storyboard.png')
  await writeStoryboard(
    keyframes.map((image, k) => ({ image, shotIndex: k, startFrame: k * SHOT_FRAMES, endFrame: (k + 1) * SHOT_FRAMES })),
    { fps: FPS, outPath: storyboardPng, columns: 3, thumbWidth: 240 },
  )
  // A stand-in for the timeline plot: the song's waveform as a PNG.
  timelinePng = join(tmp, 'timeline.png')
  await runFfmpeg(['-i', join(tmp, 'final.mp4'), '-filter_complex', 'showwavespic=s=1200x200', '-frames:v', '1', timelinePng])
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

function shot(k: number, over: Partial<ReportShot> = {}): ReportShot {
  const attempt = { attempt: 1, score: 0.8 + k / 100, accepted: true, critique: '', checks: { exactDuration: true, blackSec: 0, motion: 1.25 }, cached: false }
  return {
    index: k,
    startFrame: k * SHOT_FRAMES,
    endFrame: (k + 1) * SHOT_FRAMES,
    sectionLabel: k < 3 ? 'verse' : 'chorus',
    camera: ['push-in', 'pan-left', 'orbit'][k % 3],
    framing: 'wide',
    prompt: k === 0 ? PROMPT0 : `shot ${k} on the rooftop`,
    entities: ['Mara', 'Rooftop'],
    caption: k === 1 ? 'we light the city up' : undefined,
    keyframe: keyframes[k],
    keptAttempt: 1,
    accepted: true,
    score: attempt.score,
    attempts: [attempt],
    metrics: { avAlign: 0.41, beatAlignment: k === 0 ? null : 0.62, motion: 2.5, temporalConsistency: 0.93, flicker: 0.012, cutOnBeat: k === 0 ? null : k !== 5 },
    ...over,
  }
}

function reportData(videoHref = 'final.mp4'): ReportData {
  const shots = Array.from({ length: SHOTS }, (_, k) => shot(k))
  // Shot 2 needed a second attempt; shot 4 was never accepted (its best attempt is kept).
  shots[2] = shot(2, {
    keptAttempt: 2,
    score: 0.86,
    attempts: [
      { attempt: 1, score: 0.35, accepted: false, critique: CRITIQUE, checks: { exactDuration: true, blackSec: 0.4, motion: 0.1 }, cached: true },
      { attempt: 2, score: 0.86, accepted: true, critique: '', checks: { exactDuration: true, blackSec: 0, motion: 1.9 }, cached: false },
    ],
  })
  shots[4] = shot(4, {
    accepted: false,
    score: 0.41,
    attempts: [{ attempt: 1, score: 0.41, accepted: false, critique: 'frozen for 0.4 s', checks: { exactDuration: true, frozenSec: 0.4, avAlign: null }, cached: false }],
  })
  return {
    title: TITLE,
    videoHref,
    fps: FPS,
    width: W,
    height: H,
    durationSec: 3,
    storyboardPng,
    timelinePng,
    summary: { 'AV-Align': 0.41, 'AV-Align baseline': 0.22, 'cuts on beat': '4/5', exact: true, '<i>odd key</i>': null },
    identity: [
      { id: 'Mara', kind: 'character', consistency: 0.91, shots: [0, 1, 2], method: 'descriptor' },
      { id: 'Rooftop', kind: 'location', consistency: 0.84, shots: [0, 1, 2, 3, 4, 5], method: 'descriptor' },
    ],
    settings: {
      generator: 'procedural',
      attempts: 3,
      thresholds: { minScore: 0.6 },
      agents: [{ role: 'verifier', name: 'heuristic' }],
      output: { size: [W, H], fps: FPS },
      note: '</td><script>window.__pwned = 5</script>',
    },
    shots,
  }
}

describe('report.html', () => {
  it('opens in headless Chromium with no errors, every shot, its images and a playable, seekable video', async () => {
    const reportPath = join(tmp, 'report.html')
    await writeReport(reportData(), reportPath)
    const html = readFileSync(reportPath, 'utf8')

    // Self-contained: no http(s) reference anywhere; images inline (6 JPEG thumbnails + 2 PNGs).
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html.match(/src="data:image\/jpeg;base64,/g)?.length).toBe(SHOTS)
    expect(html.match(/src="data:image\/png;base64,/g)?.length).toBe(2)
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;')

    const { page, log, close } = await openPage(browser, pathToFileURL(reportPath).href)
    try {
      // Title and every injected field show as text; nothing injected ran or loaded.
      expect(await page.title()).toBe(TITLE)
      expect(await page.locator('#title').textContent()).toBe(TITLE)
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(await page.evaluate(() => document.scripts.length)).toBe(1)
      expect(await page.locator('img[src="x"], b[onmouseover]').count()).toBe(0)
      expect(await page.locator('#settings').textContent()).toContain('</td><script>window.__pwned = 5</script>')
      expect(await page.locator('#summary').textContent()).toContain('<i>odd key</i>')

      // A row per shot, in order, each with its thumbnail decoded at the thumbnail size.
      const rows = await page.$$eval('details.shot', (els) => els.map((el) => Number(el.getAttribute('data-index'))))
      expect(rows).toEqual([0, 1, 2, 3, 4, 5])
      for (let k = 0; k < SHOTS; k++) expect(await page.locator(`#shot-${k} > summary`).isVisible()).toBe(true)
      const thumbs = await page.$$eval('details.shot img.thumb', (imgs) =>
        (imgs as HTMLImageElement[]).map((i) => ({ complete: i.complete, w: i.naturalWidth, h: i.naturalHeight })),
      )
      expect(thumbs).toEqual(Array.from({ length: SHOTS }, () => ({ complete: true, w: 320, h: 180 })))
      const sheet = await loadImage(readFileSync(storyboardPng))
      const sizes = await page.$$eval('#storyboard-img, #timeline-img', (imgs) =>
        (imgs as HTMLImageElement[]).map((i) => [i.id, i.naturalWidth, i.naturalHeight]),
      )
      expect(sizes).toEqual([
        ['timeline-img', 1200, 200],
        ['storyboard-img', sheet.width, sheet.height],
      ])
      // Each row states its time range, status and kept attempt.
      expect(await page.locator('#shot-3 > summary').textContent()).toContain('1.5–2 s')
      expect(await page.locator('#shot-3 > summary').textContent()).toContain('frames 45–60 (15)')
      expect(await page.locator('#shot-4 > summary .badge').textContent()).toBe('rejected')
      expect(await page.locator('#shot-2 > summary').textContent()).toContain('2 / 2')

      // Debian's Chromium plays H.264 + AAC: the metadata loads and gives the film's real size and length.
      await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).readyState >= 1, null, { timeout: 20_000 })
      const meta = await page.$eval('#video', (v) => {
        const video = v as HTMLVideoElement
        return { duration: video.duration, w: video.videoWidth, h: video.videoHeight, error: video.error?.code ?? null }
      })
      expect(meta.error).toBeNull()
      expect([meta.w, meta.h]).toEqual([W, H])
      expect(meta.duration).toBeGreaterThan(2.9)
      expect(meta.duration).toBeLessThan(3.1)

      // Clicking a shot seeks to its start and opens its attempts.
      await page.locator('#shot-2 > summary').click()
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).currentTime)).toBeCloseTo(1.0, 6)
      expect(await page.locator('#shot-2').getAttribute('open')).not.toBeNull()
      const attempts = page.locator('#shot-2 tr.attempt')
      expect(await attempts.count()).toBe(2)
      expect(await attempts.nth(0).locator('td.critique').textContent()).toBe(CRITIQUE)
      expect(await attempts.nth(0).textContent()).toContain('cached')
      expect(await attempts.nth(1).getAttribute('class')).toContain('kept')
      expect(await page.locator('#shot-2 tr.attempt').nth(0).isVisible()).toBe(true)

      await page.locator('#shot-3 > summary').click()
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).currentTime)).toBeCloseTo(1.5, 6)
      // The seek really decodes: a frame at the new position becomes available.
      await page.waitForFunction(
        () => {
          const v = document.getElementById('video') as HTMLVideoElement
          return !v.seeking && v.readyState >= 2
        },
        null,
        { timeout: 20_000 },
      )

      await page.locator('#shot-0 > summary').click()
      expect(await page.locator('#shot-0 .detail').textContent()).toContain(PROMPT0)
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).currentTime)).toBe(0)

      // Everything the page asked for is the page itself, the film beside it, or inline data.
      const fetched = new Set(log.requests.filter((u) => !u.startsWith('data:')))
      const allowed = new Set([pathToFileURL(reportPath).href, pathToFileURL(join(tmp, 'final.mp4')).href])
      for (const u of fetched) expect(allowed.has(u), u).toBe(true)
      expect(log.consoleErrors).toEqual([])
      expect(log.pageErrors).toEqual([])
      // Chromium's media loader cancels its first whole-file read of the film once it has the
      // header and goes on with range requests; that cancel is reported as ERR_ABORTED. The film
      // itself is checked above (no error, real size and length, a decoded frame after a seek).
      const videoUrl = pathToFileURL(join(tmp, 'final.mp4')).href
      expect(log.failedRequests.filter((f) => f !== `${videoUrl}: net::ERR_ABORTED`)).toEqual([])
    } finally {
      await close()
    }
  })

  it('fits a 1,400-px window: no horizontal scrolling, not even inside the shots table', async () => {
    const reportPath = join(tmp, 'report-fit.html')
    await writeReport(reportData(), reportPath)
    const { page, close } = await openPage(browser, pathToFileURL(reportPath).href)
    try {
      for (const width of [1400, 1920]) {
        await page.setViewportSize({ width, height: 900 })
        const m = await page.evaluate(() => ({
          page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          tables: [...document.querySelectorAll('.scroll')].map((e) => [e.scrollWidth, e.clientWidth]),
        }))
        expect(m.page[0], `page at ${width} px`).toBeLessThanOrEqual(m.page[1])
        expect(m.tables.length).toBeGreaterThan(0)
        for (const [scroll, client] of m.tables) expect(scroll, `shots table at ${width} px`).toBeLessThanOrEqual(client)
      }
      // Narrower than the table's minimum, the table scrolls inside its box and the page does not.
      await page.setViewportSize({ width: 900, height: 900 })
      const narrow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth])
      expect(narrow[0]).toBeLessThanOrEqual(narrow[1])
    } finally {
      await close()
    }
  })

  it('still works, and says why, when the video is not beside it', async () => {
    const reportPath = join(tmp, 'report-novideo.html')
    await writeReport(reportData('missing file.mp4'), reportPath)
    expect(readFileSync(reportPath, 'utf8')).toContain('src="missing%20file.mp4"')
    const { page, log, close } = await openPage(browser, pathToFileURL(reportPath).href)
    try {
      await page.waitForSelector('#video-note', { state: 'visible', timeout: 20_000 })
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).error?.code)).toBe(4) // MEDIA_ERR_SRC_NOT_SUPPORTED
      await page.locator('#shot-3 > summary').click()
      expect(await page.locator('#shot-3').getAttribute('open')).not.toBeNull()
      expect(await page.locator('details.shot').count()).toBe(SHOTS)
      expect(log.pageErrors).toEqual([])
      // The only thing that failed is the missing film itself.
      const missing = pathToFileURL(join(tmp, 'missing file.mp4')).href
      for (const f of log.failedRequests) expect(f.startsWith(missing), f).toBe(true)
      for (const c of log.consoleErrors) expect(c).toMatch(/ERR_FILE_NOT_FOUND/)
    } finally {
      await close()
    }
  })

  it('has a Content-Security-Policy that stops a script that got into the page', async () => {
    const reportPath = join(tmp, 'report-csp.html')
    await writeReport(reportData(), reportPath)
    const tampered = join(tmp, 'tampered.html')
    const html = readFileSync(reportPath, 'utf8').replace('</main>', '<script>window.__pwned = 6</script><img src="x.png"></main>')
    writeFileSync(tampered, html)
    const { page, log, close } = await openPage(browser, pathToFileURL(tampered).href)
    try {
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(log.consoleErrors.some((c) => /Content Security Policy/.test(c))).toBe(true)
      expect(log.failedRequests).toContain(`${pathToFileURL(join(tmp, 'x.png')).href}: csp`)
      // The report's own script (allowed by its hash) still runs.
      await page.locator('#shot-5 > summary').click()
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).currentTime)).toBeCloseTo(2.5, 6)
    } finally {
      await close()
    }
  })

  it('stays small with 100 shots: thumbnails are 320 px JPEGs', async () => {
    const data = reportData()
    data.shots = Array.from({ length: 100 }, (_, k) => ({
      ...shot(k % SHOTS),
      index: k,
      startFrame: k * SHOT_FRAMES,
      endFrame: (k + 1) * SHOT_FRAMES,
      keyframe: keyframes[k % SHOTS],
    }))
    const reportPath = join(tmp, 'report-100.html')
    await writeReport(data, reportPath)
    const bytes = statSync(reportPath).size
    const html = readFileSync(reportPath, 'utf8')
    expect(html.match(/<details class="shot"/g)?.length).toBe(100)
    // 100 full-size 640x360 PNG keyframes would be ~100 × 90 kB; the thumbnails are a fraction of that.
    const pngBytes = keyframes.reduce((a, k) => a + statSync(k).size, 0) / SHOTS
    expect(bytes).toBeLessThan(3_000_000)
    expect(bytes).toBeLessThan((100 * pngBytes) / 2)
  })
})

describe('report pieces', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;')
  })

  it('links the video only by a relative path', () => {
    expect(videoSrc('final.mp4')).toBe('final.mp4')
    expect(videoSrc('clips/my film#1.mp4')).toBe('clips/my%20film%231.mp4')
    for (const bad of ['https://cdn.example/final.mp4', '//host/final.mp4', '/abs/final.mp4', 'file:///tmp/final.mp4', 'javascript:alert(1)', ''])
      expect(() => videoSrc(bad), bad).toThrow(RangeError)
  })

  it('flattens settings into dotted rows and survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1, nested: { list: [1, 'two', null], objs: [{ m: 'x' }], empty: {} }, skip: undefined, fn: () => 1 }
    cyclic.self = cyclic
    expect(flattenSettings(cyclic)).toEqual([
      ['a', '1'],
      ['nested.list', '1, two, null'],
      ['nested.objs[0].m', 'x'],
      ['nested.empty', '{}'],
      ['self', '[circular]'],
    ])
  })

  it('downscales thumbnails and re-encodes an oversized sheet as JPEG', async () => {
    const thumb = await inlineThumbnail(keyframes[0], { width: 320 })
    expect([thumb.width, thumb.height]).toEqual([320, 180])
    expect(thumb.uri.startsWith('data:image/jpeg;base64,')).toBe(true)
    const small = await inlineImage(storyboardPng)
    expect(small.uri.startsWith('data:image/png;base64,')).toBe(true)
    const big = await inlineImage(storyboardPng, { maxBytes: 1000 })
    expect(big.uri.startsWith('data:image/jpeg;base64,')).toBe(true)
    expect([big.width, big.height]).toEqual([small.width, small.height])
    await expect(inlineImage(join(tmp, 'final.mp4'))).rejects.toThrow(/not a PNG/)
    // (a copy with a .png name but video bytes is refused the same way)
    copyFileSync(join(tmp, 'final.mp4'), join(tmp, 'fake.png'))
    await expect(inlineThumbnail(join(tmp, 'fake.png'))).rejects.toThrow(/not a PNG/)
  })
})
