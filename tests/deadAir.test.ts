import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heuristicPlan, heuristicTreatment } from '../src/agents/index.js'
import { analyzeSong } from '../src/audio/index.js'
import { frameControls } from '../src/audio/controls.js'
import { measureFrames } from '../src/metrics/index.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { Analysis, ShotPlan, Treatment } from '../src/schemas/index.js'
import { makeBrief } from './helpers/brief.js'
import { makeSongFixture } from './helpers/songFixture.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-deadair-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A song that opens on 16 s of a soft pad with no drums (beatless to the ear), then a verse. */
let analysis: Analysis
let treatment: Treatment
let plan: ShotPlan
let songPath: string

beforeAll(async () => {
  const song = await makeSongFixture({
    bpm: 120, format: 'wav', dir: tmp, seed: 5,
    sections: [
      { label: 'intro', bars: 8, intensity: 0.2, drums: 'none', chords: 'pad' },
      { label: 'verse', bars: 2, intensity: 0.7, drums: 'full', bass: true, chords: 'pad', lead: true },
    ],
  })
  songPath = song.path
  analysis = await analyzeSong(song.path)
  const brief = makeBrief({
    title: 'Quiet Opening', concept: 'A singer waits on a rooftop at night.', baseDir: tmp,
    characters: [{ name: 'Mara', description: 'singer with long hair' }],
    locations: [{ name: 'Rooftop', description: 'a city rooftop at night, skyline behind' }],
    output: { width: 160, height: 90, fps: 12 },
  })
  treatment = heuristicTreatment({ brief, analysis })
  plan = heuristicPlan({ brief, analysis, treatment, output: brief.output, maxShotFrames: 12 * 8 })
  if (process.env.LONGAV_DUMP_QUIET) writeFileSync(process.env.LONGAV_DUMP_QUIET, JSON.stringify({ analysis, treatment, plan, songPath, brief }))
}, 120_000)

function request(shotIndex: number): SegmentRequest {
  const shot = plan.shots[shotIndex]
  const dir = path.join(tmp, `shot-${shotIndex}`)
  mkdirSync(dir, { recursive: true })
  const location = treatment.entities.find((e) => e.id === shot.locationId)!
  return {
    shot, fps: plan.fps, width: plan.width, height: plan.height, frames: shot.endFrame - shot.startFrame, attempt: 0,
    style: treatment.styleBible, mood: treatment.sectionMoods.find((m) => m.sectionIndex === shot.sectionIndex),
    location: location as SegmentRequest['location'],
    characters: shot.characterIds.map((id) => treatment.entities.find((e) => e.id === id)!) as SegmentRequest['characters'],
    controls: frameControls(analysis, plan.fps, shot.startFrame, shot.endFrame),
    audio: { path: songPath, startSec: shot.startFrame / plan.fps, endSec: shot.endFrame / plan.fps },
    referenceKeyframes: {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}

describe('no dead air', () => {
  it('the quiet opening of a generated song has no frozen run and keeps moving', async () => {
    // The shots of the first 16 s (8 bars of pad; the analysis may not split it off as its own section).
    const intro = plan.shots.filter((s) => s.endFrame <= 16 * plan.fps)
    expect(intro.reduce((n, s) => n + s.endFrame - s.startFrame, 0) / plan.fps).toBeGreaterThan(10)
    // The music really is quiet there: the loudness the renderer sees stays low.
    const loud = frameControls(analysis, plan.fps, 0, intro[intro.length - 1].endFrame).map((c) => c.loudness)
    expect(loud.reduce((a, b) => a + b, 0) / loud.length).toBeLessThan(0.12)
    const gen = createProceduralGenerator()
    for (const s of intro) {
      const req = request(s.index)
      await gen.generate(req, { signal: new AbortController().signal, onProgress: () => {} })
      const m = await measureFrames(req.out.video)
      console.log(`shot ${s.index} (${s.camera}, ${s.kind}/${s.framing}/${s.action}): longest frozen ${m.stats.longestFrozenRun} frames, mean frame change ${m.stats.meanFrameDiff.toFixed(4)}`)
      expect(m.stats.frozenRuns, `shot ${s.index}`).toEqual([])
      // The verifier's stillness line is 0.002.
      expect(m.stats.meanFrameDiff, `shot ${s.index}`).toBeGreaterThan(0.002)
    }
  }, 120_000)
})
