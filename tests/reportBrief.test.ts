/**
 * How the brief was followed, as a user reads it: a small real render whose cards say what is
 * not drawn (filled by hand, as the vocabulary fills them) and whose notes are partly applied.
 * The report shows both per entity and per note (opened in headless Chromium, screenshotted),
 * treatment.json keeps the cards' lists, plan.json the notes' outcomes, run.log both.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHeuristicDirector } from '../src/agents/director/index.js'
import type { Director } from '../src/agents/types.js'
import { render } from '../src/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { launchChromium, openPage } from './helpers/browser.js'
import { makeSongFixture } from './helpers/songFixture.js'

let dir: string
let browser: Browser

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-reportbrief-'))
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The heuristic director, with what the built-in renderer draws and does not filled in by hand. */
function handFilledDirector(): Director {
  const base = createHeuristicDirector()
  const lists: Record<string, { features: string[]; notDrawn: string[] }> = {
    mara: { features: ['person', 'hair:long', 'scarf:red'], notDrawn: ['freckles', 'a silver ring on her left hand'] },
    jun: { features: ['person', 'jacket:yellow', 'headphones'], notDrawn: [] },
    rooftop: { features: ['skyline', 'night'], notDrawn: ['water tanks', 'antennas'] },
  }
  return {
    id: 'hand-filled',
    async direct(input, ctx) {
      const t = await base.direct(input, ctx)
      return { ...t, entities: t.entities.map((e) => (lists[e.id] ? { ...e, ...lists[e.id] } : e)) }
    },
  }
}

describe('report.html: what is not drawn and which notes were not applied', () => {
  it('lists both per entity and per note, in the report, treatment.json, plan.json and the run log', async () => {
    const song = await makeSongFixture({ bpm: 120, seconds: 10, dir })
    const notes = '# Notes\n\nEnd on both of them together. No close-ups.\n\n- Make the skyline shimmer like a heat haze.\n- Avoid: crowds, lens flares.\n'
    const briefPath = writeTestBrief(dir)
    writeFileSync(briefPath, readFileSync(briefPath, 'utf8').replace('Keep it moody and warm.\n', notes))
    const outDir = join(dir, 'out')
    await render({ song: song.path, brief: briefPath, outDir, output: { width: 160, height: 90, fps: 12 }, director: handFilledDirector(), llm: null })

    const treatment = JSON.parse(readFileSync(join(outDir, 'treatment.json'), 'utf8'))
    expect(treatment.entities.find((e: { id: string }) => e.id === 'mara').notDrawn).toEqual(['freckles', 'a silver ring on her left hand'])
    const plan = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8'))
    expect(plan.notes.applied.map((n: { note: string }) => n.note)).toEqual(['End on both of them together.', 'No close-ups.'])
    expect(plan.notes.notApplied.map((n: { note: string }) => n.note)).toEqual(['Make the skyline shimmer like a heat haze.', 'Avoid: crowds, lens flares.'])
    expect(plan.shots.at(-1).characterIds.sort()).toEqual(['jun', 'mara'])
    const log = readFileSync(join(outDir, 'run.log'), 'utf8')
    expect(log).toMatch(/WARN character "Mara" not drawn: freckles, a silver ring on her left hand/)
    expect(log).toMatch(/WARN place "Rooftop" not drawn: water tanks, antennas/)
    expect(log).toMatch(/WARN note not applied: "Avoid: crowds, lens flares\." \(nothing drawn matches "crowds"; nothing drawn matches "lens flares"\)/)

    const { page, log: pageLog, close } = await openPage(browser, pathToFileURL(join(outDir, 'report.html')).href)
    try {
      const mara = page.locator('#brief tr[data-entity="mara"]')
      expect(await mara.locator('td.not-drawn').textContent()).toBe('not drawn: frecklesa silver ring on her left hand')
      expect(await mara.locator('.chip.missing').allTextContents()).toEqual(['freckles', 'a silver ring on her left hand'])
      expect(await page.locator('#brief tr[data-entity="jun"] td.not-drawn').textContent()).toBe('everything described is drawn')
      expect(await page.locator('#brief tr[data-entity="shoreline"] td.not-drawn').textContent()).toBe('everything described is drawn')
      expect(await page.locator('#notes-not-applied').textContent()).toBe('Notes not applied (2)')
      expect(await page.locator('#brief ul.notes.bad li').allTextContents()).toEqual([
        'Make the skyline shimmer like a heat haze.no form the built-in reader knows: who opens or ends the video, what to avoid, a place for a section',
        'Avoid: crowds, lens flares.nothing drawn matches "crowds"; nothing drawn matches "lens flares"',
      ])
      expect(await page.locator('#brief ul.notes.ok li').count()).toBe(2)
      expect(pageLog.consoleErrors).toEqual([])
      expect(pageLog.pageErrors).toEqual([])
      await page.setViewportSize({ width: 1200, height: 900 })
      const shot = process.env.LONGAV_REPORT_PNG ?? join(dir, 'brief.png')
      await page.locator('#brief').screenshot({ path: shot })
    } finally {
      await close()
    }
  }, 120_000)
})
