import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { render, createProceduralGenerator, type SegmentGenerator } from '../src/index.js'
import { openRawVideoEncoder } from '../src/ffmpeg/index.js'
import { measureSegment } from '../src/metrics/index.js'
import { judge } from '../src/agents/verifier/index.js'
import { bestAttempt, type AttemptRecord } from '../src/workflow/shotLoop.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'

/** A generator whose first attempt at every shot is one frozen grey frame; later attempts are procedural. */
function frozenFirstGenerator(): SegmentGenerator & { calls: Array<{ shot: number; attempt: number }> } {
  const procedural = createProceduralGenerator()
  const calls: Array<{ shot: number; attempt: number }> = []
  return {
    id: 'frozen-first',
    capabilities: procedural.capabilities,
    calls,
    async generate(req, ctx) {
      calls.push({ shot: req.shot.index, attempt: req.attempt })
      if (req.attempt > 0) return procedural.generate(req, ctx)
      const canvas = createCanvas(req.width, req.height)
      const g = canvas.getContext('2d')
      g.fillStyle = '#556677'
      g.fillRect(0, 0, req.width, req.height)
      const png = await canvas.encode('png')
      for (const p of [req.out.firstFrame, req.out.lastFrame, req.out.keyFrame]) writeFileSync(p, png)
      const enc = openRawVideoEncoder({ path: req.out.video, width: req.width, height: req.height, fps: req.fps, signal: ctx.signal })
      const rgba = g.getImageData(0, 0, req.width, req.height).data
      for (let i = 0; i < req.frames; i++) await enc.writeFrame(rgba)
      await enc.finish()
      return { shotIndex: req.shot.index, attempt: req.attempt, generator: 'frozen-first', path: req.out.video, frames: req.frames, firstFrame: req.out.firstFrame, lastFrame: req.out.lastFrame, keyFrame: req.out.keyFrame }
    },
  }
}

let dir: string
let song: SongFixture

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-verify-'))
  song = await makeSongFixture({ bpm: 120, seconds: 12, dir })
})

describe('the verifier loop', () => {
  it('regenerates a frozen shot and keeps the better attempt', async () => {
    const gen = frozenFirstGenerator()
    const outDir = join(dir, 'out')
    await render({ song: song.path, brief: writeTestBrief(dir), outDir, output: { width: 160, height: 90, fps: 12 }, generator: gen })
    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    for (const shot of scores.shots) {
      expect(shot.attempts.length).toBe(2)
      expect(shot.attempts[0].verdict.accepted).toBe(false)
      expect(shot.attempts[0].verdict.critique).toMatch(/frozen/)
      expect(shot.keptAttempt).toBe(1)
      expect(shot.accepted).toBe(true)
    }
    // The revision changed the shot: a new seed for attempt 1.
    expect(gen.calls.filter((c) => c.attempt === 1).length).toBe(scores.shots.length)
    const stats = await measureSegment(join(outDir, 'final.mp4'))
    expect(stats.longestFrozenRun).toBeLessThan(12)
  }, 180_000)
})

describe('judge', () => {
  const shot = {
    index: 0, startFrame: 0, endFrame: 48, sectionIndex: 0, cutOn: 'start' as const, locationId: 'l', characterIds: [], camera: 'static' as const,
    framing: 'wide' as const, prompt: '', seed: 1, continuesPrevious: false, motionGain: 0.4, captions: [],
  }
  const segment = { shotIndex: 0, attempt: 0, generator: 'x', path: '/x.mp4', frames: 48, firstFrame: '', lastFrame: '', keyFrame: '' }
  const stats = { frames: 48, longestBlackRun: 0, longestFrozenRun: 0, meanLuma: 0.4, meanFrameDiff: 0.02, maxLumaJump: 0.01 }
  const thresholds = { minScore: 0.6, maxBlackSec: 0.5, maxFrozenSec: 1 }

  it('accepts a clean shot', () => {
    const v = judge({ shot, segment, stats, fps: 24, thresholds })
    expect(v.accepted).toBe(true)
    expect(v.score).toBe(1)
  })
  it('rejects a wrong frame count outright', () => {
    const v = judge({ shot, segment, stats: { ...stats, frames: 47 }, fps: 24, thresholds })
    expect(v.accepted).toBe(false)
    expect(v.critique).toMatch(/47 frames, the plan needs 48/)
  })
  it('rejects a long black run and proposes a revision', () => {
    const v = judge({ shot, segment, stats: { ...stats, longestBlackRun: 30 }, fps: 24, thresholds })
    expect(v.accepted).toBe(false)
    expect(v.revision?.seed).not.toBe(shot.seed)
    expect(v.revision?.camera).not.toBe('static')
  })
  it('bestAttempt prefers an accepted attempt, then the highest score', () => {
    const rec = (attempt: number, score: number, accepted: boolean): AttemptRecord => ({
      attempt, cached: false, segment: { ...segment, attempt },
      verdict: { score, accepted, critique: '', checks: { exactDuration: true, blackSec: 0, frozenSec: 0, meanLuma: 0.4, motion: 0.02 } },
    })
    expect(bestAttempt([rec(0, 0.5, false), rec(1, 0.4, false)]).attempt).toBe(0)
    expect(bestAttempt([rec(0, 0.9, false), rec(1, 0.7, true)]).attempt).toBe(1)
  })
})
