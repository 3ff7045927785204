import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHeuristicDirector, createHeuristicPlanner, createHeuristicVerifier, createMetricJudge, createProceduralGenerator, render, score, type RenderEvent } from '../src/index.js'
import { generate } from '../src/pipeline/steps/generate.js'
import { openStore } from '../src/store/index.js'
import { probeMedia } from '../src/ffmpeg/index.js'
import { Analysis, ShotPlan, VideoScore } from '../src/schemas/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { detectCuts, videoMd5 } from './helpers/video.js'
import { launchChromium, openPage } from './helpers/browser.js'
import { pathToFileURL } from 'node:url'

const SIZE = { width: 320, height: 180, fps: 24 }

let dir: string
let song: SongFixture
let brief: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-render-'))
  song = await makeSongFixture({ bpm: 120, seconds: 24, dir })
  brief = writeTestBrief(dir)
})

describe('a full render of a 24 s song', () => {
  let outDir: string
  let events: RenderEvent[]
  let files: Record<string, string>

  beforeAll(async () => {
    outDir = join(dir, 'out-full')
    events = []
    ;({ files } = await render({ song: song.path, brief, outDir, output: SIZE, onEvent: (e) => events.push(e) }))
  }, 300_000)

  it('writes an H.264 + AAC mp4 exactly as long as the song', async () => {
    const info = await probeMedia(join(outDir, 'final.mp4'), { countFrames: true })
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    expect(info.video?.codec).toBe('h264')
    expect(info.video?.pixFmt).toBe('yuv420p')
    expect([info.video?.width, info.video?.height]).toEqual([SIZE.width, SIZE.height])
    expect(info.video?.fps).toBeCloseTo(SIZE.fps, 6)
    expect(info.audio?.codec).toBe('aac')
    expect(info.video?.frames).toBe(plan.totalFrames)
    expect(plan.totalFrames).toBe(Math.round(song.durationSec * SIZE.fps))
    expect(Math.abs(info.video!.frames! / SIZE.fps - song.durationSec)).toBeLessThanOrEqual(1 / SIZE.fps)
  })

  it('writes every artifact of the run', () => {
    for (const f of ['final.mp4', 'analysis.json', 'treatment.json', 'plan.json', 'scores.json', 'storyboard.png', 'run.log', 'memory.json', 'score.json', 'score.png', 'report.html']) {
      expect(existsSync(join(outDir, f)), f).toBe(true)
    }
    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    expect(scores.shots.length).toBeGreaterThan(3)
    // The summary counts the cuts the detector finds in the final video, against longav's own beats.
    const measured = VideoScore.parse(JSON.parse(readFileSync(join(outDir, 'score.json'), 'utf8')))
    expect(scores.summary.cutsMeasured).toBe(true)
    expect(scores.summary.cuts).toBe(measured.cuts.frames.length)
    expect(scores.summary.cutsOnBeat).toBeGreaterThanOrEqual(0.8)
    // The result names every file a user opens, and each is there.
    expect(files).toMatchObject({ report: join(outDir, 'report.html'), score: join(outDir, 'score.json'), scorePlot: join(outDir, 'score.png') })
    for (const [name, p] of Object.entries(files)) expect(existsSync(p), `files.${name}: ${p}`).toBe(true)
  })

  it('score() takes an analysis and does not analyse the song again', async () => {
    const analysis = Analysis.parse(JSON.parse(readFileSync(join(outDir, 'analysis.json'), 'utf8')))
    const seen: RenderEvent[] = []
    const r = await score(join(outDir, 'final.mp4'), song.path, { analysis, outDir: join(dir, 'score-given'), onEvent: (e) => seen.push(e) })
    expect(seen.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage)).toEqual(['scoring'])
    const rendered = VideoScore.parse(JSON.parse(readFileSync(join(outDir, 'score.json'), 'utf8')))
    expect(r.score.cuts.frames).toEqual(rendered.cuts.frames)
    expect(r.score.song.bpm).toBe(analysis.tempo.bpm)
  }, 120_000)

  it('measures the final video from its frames: the cuts found are in the plan, on the beat, and it is exactly as long as the song', () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    const score = VideoScore.parse(JSON.parse(readFileSync(join(outDir, 'score.json'), 'utf8')))
    const planned = plan.shots.slice(1).map((s) => s.startFrame)
    for (const c of score.cuts.frames) expect(planned.some((p) => Math.abs(p - c) <= 1), `cut found at ${c} is not in the plan`).toBe(true)
    expect(score.cuts.onBeatShare).toBe(1)
    expect(score.duration.exact).toBe(true)
    expect(score.audioOffset).not.toBeNull()
    expect(Math.abs(score.audioOffset!.seconds)).toBeLessThan(0.03)
    expect(score.shots.length).toBe(plan.shots.length)
    expect(score.identity.length).toBeGreaterThan(0)
  })

  it('cuts where the plan cuts: a scene detector finds no cut the plan did not make, and finds the scene changes', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    const planned = plan.shots.slice(1).map((s) => s.startFrame)
    const sceneChanges = plan.shots.slice(1).filter((s, i) => s.locationId !== plan.shots[i].locationId).map((s) => s.startFrame)
    expect(sceneChanges.length).toBeGreaterThan(0)
    const detected = await detectCuts(join(outDir, 'final.mp4'), SIZE.fps)
    for (const d of detected) expect(planned.some((p) => Math.abs(p - d) <= 1), `unplanned cut at frame ${d}`).toBe(true)
    for (const c of sceneChanges) expect(detected.some((d) => Math.abs(d - c) <= 1), `scene change at frame ${c} not found`).toBe(true)
  })

  it('writes a report.html that opens in headless Chromium with no errors and shows every shot', async () => {
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    const browser = await launchChromium()
    try {
      const { page, log, close } = await openPage(browser, pathToFileURL(join(outDir, 'report.html')).href)
      try {
        const rows = await page.$$eval('details.shot', (els) => els.map((el) => Number(el.getAttribute('data-index'))))
        expect(rows).toEqual(plan.shots.map((s) => s.index))
        const thumbs = await page.$$eval('details.shot img.thumb', (imgs) => (imgs as HTMLImageElement[]).map((i) => i.complete && i.naturalWidth > 0))
        expect(thumbs).toEqual(plan.shots.map(() => true))
        const plots = await page.$$eval('#storyboard-img, #timeline-img', (imgs) => (imgs as HTMLImageElement[]).map((i) => i.naturalWidth > 0))
        expect(plots).toEqual([true, true])
        await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).readyState >= 1, undefined, { timeout: 10_000 })
        expect(log.consoleErrors).toEqual([])
        expect(log.pageErrors).toEqual([])
        // Chromium abandons its first whole-file read of the video for range requests: not a defect.
        expect(log.failedRequests.filter((r) => !/final\.mp4: net::ERR_ABORTED/.test(r))).toEqual([])
      } finally {
        await close()
      }
    } finally {
      await browser.close()
    }
  }, 60_000)

  it('reports progress: every stage, shot k of n, and an ETA', () => {
    const stages = events.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage)
    expect(stages).toEqual(['analyzing', 'directing', 'planning', 'generating', 'stitching', 'scoring', 'done'])
    const gen = events.filter((e): e is Extract<RenderEvent, { type: 'progress' }> => e.type === 'progress' && e.stage === 'generating')
    expect(gen.some((e) => e.etaSec !== undefined && e.shotsTotal! > 0)).toBe(true)
  })

  it('does nothing the second time the same command runs', async () => {
    const again: RenderEvent[] = []
    const before = await videoMd5(join(outDir, 'final.mp4'))
    await render({ song: song.path, brief, outDir, output: SIZE, onEvent: (e) => again.push(e) })
    expect(again.filter((e) => e.type === 'shot' && e.status === 'generating')).toEqual([])
    expect(await videoMd5(join(outDir, 'final.mp4'))).toBe(before)
  })

  it('its steps run again from the store alone, in a fresh store object, with nothing else of the render in memory (what a reshoot or a worker does)', async () => {
    const snapshot = JSON.parse(readFileSync(join(outDir, '.longav', 'snapshot.json'), 'utf8'))
    const { analysisKey, treatmentKey, planKey, songPath } = snapshot.context
    const store = openStore(join(outDir, '.longav', 'store'))
    const generator = createProceduralGenerator()
    const services = { generator, director: createHeuristicDirector(), planner: createHeuristicPlanner(), verifier: createHeuristicVerifier(), judge: createMetricJudge(), llm: null }
    const seen: RenderEvent[] = []
    const ctx = { signal: new AbortController().signal, emit: (e: RenderEvent) => seen.push(e), services }
    const input = { sources: { songPath, analysisKey, treatmentKey, planKey }, shotIndex: 1, attempt: 0, round: 0, candidate: 0, revision: {}, references: snapshot.children['shot-1'].snapshot.context.references }
    const again = await generate(input, store, ctx)
    expect(again.cached).toBe(true)
    expect(again.segment.path).toBe(snapshot.context.results['1'].attempts[0].segment.path)
    const reshot = await generate({ ...input, revision: { seed: 4242 } }, store, ctx)
    expect(reshot.cached).toBe(false)
    expect(reshot.segment.path).not.toBe(again.segment.path)
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    const info = await probeMedia(reshot.segment.path, { countFrames: true })
    expect(info.video?.frames).toBe(plan.shots[1].endFrame - plan.shots[1].startFrame)
    expect(seen.filter((e) => e.type === 'shot').map((e) => (e as { status: string }).status)).toEqual(['cached', 'generating'])
  })

  describe('resume', () => {
    it('continues a killed render without regenerating finished shots, and matches the uninterrupted result', async () => {
      const outResumed = join(dir, 'out-resumed')
      const controller = new AbortController()
      const first: RenderEvent[] = []
      let accepted = 0
      await expect(
        render({
          song: song.path,
          brief,
          outDir: outResumed,
          output: SIZE,
          signal: controller.signal,
          onEvent: (e) => {
            first.push(e)
            if (e.type === 'shot' && e.status === 'accepted' && ++accepted === 3) controller.abort()
          },
        }),
      ).rejects.toThrow()
      expect(existsSync(join(outResumed, 'final.mp4'))).toBe(false)
      const acceptedBefore = new Set(first.filter((e) => e.type === 'shot' && e.status === 'accepted').map((e) => (e as { index: number }).index))
      expect(acceptedBefore.size).toBeGreaterThanOrEqual(3)

      const second: RenderEvent[] = []
      await render({ song: song.path, brief, outDir: outResumed, output: SIZE, onEvent: (e) => second.push(e) })
      const regenerated = second.filter((e) => e.type === 'shot' && e.status === 'generating').map((e) => (e as { index: number }).index)
      for (const i of acceptedBefore) expect(regenerated, `shot ${i} was generated again`).not.toContain(i)
      // The shots the saved state has are reported (cached), so a progress display starts from them.
      const cached = new Set(second.filter((e) => e.type === 'shot' && e.status === 'cached').map((e) => (e as { index: number }).index))
      for (const i of acceptedBefore) expect(cached.has(i), `no event for finished shot ${i}`).toBe(true)
      expect(second.some((e) => e.type === 'log' && /resuming/.test(e.message))).toBe(true)
      expect(await videoMd5(join(outResumed, 'final.mp4'))).toBe(await videoMd5(join(outDir, 'final.mp4')))
    }, 300_000)
  })
})
