import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { analyzeSong } from '../src/audio/index.js'
import { frameControls } from '../src/audio/controls.js'
import { concatAndMux } from '../src/ffmpeg/index.js'
import { measureFrames, scoreVideo } from '../src/metrics/index.js'
import { summarize } from '../src/pipeline/summary.js'
import { createProceduralGenerator } from '../src/render/generators/procedural/index.js'
import type { Shot, ShotPlan } from '../src/schemas/index.js'
import { dusk, mika, otto, shotRequest } from './helpers/shotFixtures.js'
import { makeSongFixture } from './helpers/songFixture.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-summary-cuts-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const FPS = 12
const city = { ...dusk, id: 'city', seed: 9, shape: { world: 'skyline' as const, timeOfDay: 'night' as const, density: 0.7 } }

/** Six 2-second shots on the 120 BPM grid: a cut, a match cut, a cut, a cut to another place, a continuous move, a dissolve. */
const LAYOUT: Array<Pick<Shot, 'framing' | 'transition' | 'locationId' | 'characterIds' | 'camera'>> = [
  { framing: 'wide', transition: 'cut', locationId: 'shore', characterIds: ['mika', 'otto'], camera: 'drift' },
  { framing: 'medium', transition: 'match', locationId: 'shore', characterIds: ['mika', 'otto'], camera: 'push-in' },
  { framing: 'close', transition: 'cut', locationId: 'shore', characterIds: ['mika'], camera: 'static' },
  { framing: 'wide', transition: 'cut', locationId: 'city', characterIds: ['otto'], camera: 'pan-left' },
  { framing: 'medium', transition: 'continuous', locationId: 'city', characterIds: ['otto'], camera: 'push-in' },
  { framing: 'wide', transition: 'dissolve', locationId: 'shore', characterIds: ['mika', 'otto'], camera: 'drift' },
]

describe('the summary counts the cuts a viewer sees', () => {
  it('equals the cuts the detector finds in the final video, with dissolves and continuous moves reported apart', async () => {
    const song = await makeSongFixture({ bpm: 120, seconds: 12, format: 'wav', dir: tmp })
    const analysis = await analyzeSong(song.path)
    const len = 2 * FPS
    const shots: Shot[] = LAYOUT.map((l, index) => ({
      ...l, index, startFrame: index * len, endFrame: (index + 1) * len, sectionIndex: 0, cutOn: index === 0 ? 'start' : 'downbeat',
      prompt: '', seed: 7 + index, continuesPrevious: l.transition !== 'cut', motionGain: 0.5, captions: [], kind: 'figures', action: 'perform',
    }))
    const total = Math.round(analysis.source.durationSec * FPS)
    shots[shots.length - 1].endFrame = total
    const plan: ShotPlan = { fps: FPS, width: 160, height: 90, totalFrames: total, shots, author: 'test' }
    const gen = createProceduralGenerator()
    const segments: string[] = []
    for (const s of shots) {
      const prev = shots[s.index - 1]
      const req = shotRequest({
        dir: tmp, name: `s${s.index}`, fps: FPS, width: 160, height: 90, frames: s.endFrame - s.startFrame, shot: s,
        location: s.locationId === 'city' ? city : dusk, characters: [mika, otto].filter((c) => s.characterIds.includes(c.id)),
        ...(s.continuesPrevious ? { initKeyframe: path.join(tmp, `s${s.index - 1}`, 'last.png') } : {}),
        ...(s.transition === 'match' || s.transition === 'continuous' ? { previousShot: prev } : {}),
      })
      req.controls = frameControls(analysis, FPS, s.startFrame, s.endFrame)
      await gen.generate(req, { signal: new AbortController().signal, onProgress: () => {} })
      segments.push(req.out.video)
    }
    const final = path.join(tmp, 'final.mp4')
    await concatAndMux({ segments, audio: song.path, out: final, listPath: path.join(tmp, 'list.txt'), frames: total, fps: FPS })

    const seen = (await measureFrames(final)).cuts
    const score = await scoreVideo({ videoPath: final, songPath: song.path, analysis, plan })
    const summary = summarize(final, plan, analysis, {}, score)
    expect(summary.cutsMeasured).toBe(true)
    expect(summary.cuts).toBe(seen.length)
    // The hard cuts are found, the continuous move is not. (A match cut on the same layout 1.5x closer
    // is a cut to a viewer but not always to the detector: it is reported with the transitions.)
    const planned = shots.filter((s) => s.transition === 'cut').slice(1).map((s) => s.startFrame)
    for (const f of planned) expect(seen.some((c) => Math.abs(c - f) <= 1), `cut at ${f} in ${seen.join(',')}`).toBe(true)
    expect(seen.some((c) => Math.abs(c - shots[4].startFrame) <= 1), `no cut at the continuous move (${seen.join(',')})`).toBe(false)
    expect(summary.transitions).toEqual({ dissolves: 1, continuous: 1, matchCuts: 1 })
    console.log(`cuts seen ${seen.join(', ')} (planned cut/match ${planned.join(', ')}; dissolve at ${shots[5].startFrame}); summary: ${summary.cuts} cuts, on beat ${summary.cutsOnBeat}`)
  }, 120_000)
})
