import { identityShown } from '../src/schemas/verifier.js'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { render, createProceduralGenerator, type SegmentGenerator } from '../src/index.js'
import { openRawVideoEncoder } from '../src/ffmpeg/index.js'
import { FrameStatsAccumulator } from '../src/metrics/index.js'
import { decodeGrayFrames } from '../src/ffmpeg/index.js'
import { judge, VerifierThresholds, type SegmentMetrics } from '../src/agents/verifier/index.js'
import { bestAttempt, type AttemptRecord } from '../src/pipeline/attempts.js'
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
      const frame = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength)
      for (let i = 0; i < req.frames; i++) await enc.writeFrame(frame)
      await enc.finish()
      return { shotIndex: req.shot.index, attempt: req.attempt, generator: 'frozen-first', path: req.out.video, frames: req.frames, firstFrame: req.out.firstFrame, lastFrame: req.out.lastFrame, keyFrame: req.out.keyFrame }
    },
  }
}

/**
 * A generator that, the first time it renders a place already seen in an earlier shot, puts the
 * shot in another world (the day-lit dunes, or a night starfield for dunes): a continuity error.
 */
function wrongPlaceFirstGenerator(): SegmentGenerator & { wrong: Set<number> } {
  const procedural = createProceduralGenerator()
  const wrong = new Set<number>()
  // Places already shown right, with the framing: identity compares views framed alike.
  const shown = new Set<string>()
  return {
    id: 'wrong-place-first',
    // It reads the reference keyframes (to know a place was already shown), so it says so.
    capabilities: { ...procedural.capabilities, referenceImages: true },
    wrong,
    async generate(req, ctx) {
      const key = `${req.location.id}:${req.shot.framing}`
      // Place identity is judged in wide and medium shots of figures only (a close-up is a face, a lyric shot type).
      const seen = shown.has(key) && Object.keys(req.referenceKeyframes).includes(req.location.id) && identityShown(req.shot).location

      if (req.attempt > 0 || !seen) {
        shown.add(key)
        return procedural.generate(req, ctx)
      }
      wrong.add(req.shot.index)
      const other = req.location.shape.world === 'dunes' ? { world: 'starfield' as const, timeOfDay: 'night' as const } : { world: 'dunes' as const, timeOfDay: 'day' as const }
      return procedural.generate({ ...req, location: { ...req.location, shape: { ...req.location.shape, ...other } } }, ctx)
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
    // One shot at a time, so each shot is held to every earlier shot's references (with two at once,
    // to shots three or more before it: readiness.ts referenceLagFor): a frozen take then also fails
    // identity and its retake gets a steady camera. A lively retake's AV-Align sits within the noise
    // of its peak picking (it passes or fails with the encoder), which this test is not about.
    await render({ song: song.path, brief: writeTestBrief(dir), outDir, output: { width: 160, height: 90, fps: 12 }, generator: gen, concurrency: 1 })
    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    for (const shot of scores.shots) {
      expect(shot.attempts.length, `shot ${shot.index}: ${shot.attempts.map((a: any) => a.verdict.critique).join(" / ")}`).toBe(2)
      expect(shot.attempts[0].verdict.accepted).toBe(false)
      expect(shot.attempts[0].verdict.critique).toMatch(/frozen/)
      expect(shot.keptAttempt).toBe(1)
      expect(shot.accepted).toBe(true)
    }
    // The revision changed the shot: a new seed for attempt 1.
    expect(gen.calls.filter((c) => c.attempt === 1).length).toBe(scores.shots.length)
    const acc = new FrameStatsAccumulator()
    await decodeGrayFrames(join(outDir, 'final.mp4'), { width: 64, height: 36 }, (f) => acc.add(f))
    expect(acc.summary().longestFrozenRun).toBeLessThan(12)
    // Every kept attempt's best frame was promoted to its entities' references, with its place.
    const memory = JSON.parse(readFileSync(join(outDir, 'memory.json'), 'utf8'))
    const refs = Object.values(memory.entities).flatMap((e: any) => e.references)
    expect(refs.length).toBeGreaterThan(0)
    for (const r of refs as any[]) {
      expect(r.image).toMatch(/best\.png$/)
      expect(typeof r.locationId).toBe('string')
    }
  }, 180_000)
})

describe('shot memory holds later shots to the references', () => {
  it('a shot that puts a place in the wrong world is caught by identity, regenerated, and the right one kept', async () => {
    const gen = wrongPlaceFirstGenerator()
    const outDir = join(dir, 'out-identity')
    await render({ song: song.path, brief: writeTestBrief(dir), outDir, output: { width: 320, height: 180, fps: 12 }, generator: gen, concurrency: 1 })
    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    expect(gen.wrong.size).toBeGreaterThan(0)
    for (const shot of scores.shots) {
      if (gen.wrong.has(shot.index)) {
        expect(shot.attempts[0].verdict.failed, `shot ${shot.index}`).toContain('identity')
        expect(shot.attempts[0].verdict.critique).toMatch(/unlike its reference keyframes/)
        expect(shot.keptAttempt, `shot ${shot.index}`).toBe(1)
        expect(shot.accepted).toBe(true)
      } else {
        // A shot in its right place is never failed on identity (other checks may revise it).
        for (const a of shot.attempts) expect(a.verdict.failed, `shot ${shot.index}: ${a.verdict.critique}`).not.toContain('identity')
      }
    }
  }, 240_000)
})

describe('judge', () => {
  const shot = {
    index: 0, startFrame: 0, endFrame: 48, sectionIndex: 0, cutOn: 'start' as const, locationId: 'l', characterIds: ['c'], camera: 'static' as const,
    framing: 'wide' as const, prompt: 'a dancer', seed: 1, continuesPrevious: false, motionGain: 0.4, captions: [],
  }
  const segment = { shotIndex: 0, attempt: 0, generator: 'x', path: '/x.mp4', frames: 48, firstFrame: '', lastFrame: '', keyFrame: '' }
  const stats = { frames: 48, longestBlackRun: 0, longestFrozenRun: 0, meanLuma: 0.4, meanFrameDiff: 0.02, maxLumaJump: 0.01 }
  const metrics: SegmentMetrics = {
    stats,
    motion: 1.2,
    avAlign: 0.4,
    avAlignBaseline: 0.2,
    audioPeaks: 8,
    beatAlignment: 0.8,
    beatAlignmentBaseline: 0.3,
    beats: 8,
    temporalConsistency: 0.9,
    flicker: 0.01,
    unplannedCuts: [],
    identity: [{ id: 'c', kind: 'character', similarity: 0.9, method: 'descriptor' }],
    bestFrame: 10,
  }
  const thresholds = VerifierThresholds.parse({})
  const run = (m: Partial<typeof metrics>, t = thresholds) => judge({ shot, segment, metrics: { ...metrics, ...m }, fps: 24, thresholds: t })

  it('accepts a clean shot', () => {
    const v = run({})
    expect(v.accepted).toBe(true)
    expect(v.failed).toEqual([])
    expect(v.score).toBeGreaterThan(0.95)
  })
  it('rejects a wrong frame count outright', () => {
    const v = run({ stats: { ...stats, frames: 47 } })
    expect(v.accepted).toBe(false)
    expect(v.score).toBe(0)
    expect(v.critique).toMatch(/47 frames, the plan needs 48/)
  })
  it('rejects a long black run and proposes a livelier camera and a new seed', () => {
    const v = run({ stats: { ...stats, longestBlackRun: 30 } })
    expect(v.accepted).toBe(false)
    expect(v.failed).toEqual(['black'])
    expect(v.revision?.seed).not.toBe(shot.seed)
    expect(v.revision?.camera).not.toBe('static')
  })
  it('each metric below its threshold fails its own check and changes what it should', () => {
    const cases: Array<[Partial<typeof metrics>, string, (r: NonNullable<ReturnType<typeof run>['revision']>) => void]> = [
      [{ stats: { ...stats, longestFrozenRun: 40 } }, 'frozen', (r) => expect(r.motionGain).toBeGreaterThan(shot.motionGain)],
      [{ flicker: 0.9 }, 'flicker', (r) => expect(r.motionGain).toBeLessThan(shot.motionGain)],
      [{ temporalConsistency: 0.3 }, 'temporalConsistency', (r) => expect(r.motionGain).toBeLessThan(shot.motionGain)],
      [{ avAlign: 0.05, avAlignBaseline: 0.3 }, 'avAlign', (r) => expect(r.motionGain).toBeGreaterThan(shot.motionGain)],
      [{ beatAlignment: 0.05, beatAlignmentBaseline: 0.4, avAlign: 0.2, avAlignBaseline: 0.25 }, 'beatAlignment', (r) => expect(r.motionGain).toBeGreaterThan(shot.motionGain)],
      [{ unplannedCuts: [20] }, 'unplannedCuts', (r) => expect(r.seed).not.toBe(shot.seed)],
      [{ identity: [{ id: 'c', kind: 'character' as const, similarity: 0.2, method: 'descriptor' }] }, 'identity', (r) => expect(r.prompt).toMatch(/reference/)],
    ]
    for (const [m, check, expectRevision] of cases) {
      const v = run(m)
      expect(v.accepted, check).toBe(false)
      expect(v.failed, check).toEqual([check])
      expect(v.critique.length, check).toBeGreaterThan(0)
      expectRevision(v.revision!)
    }
  })
  it('thresholds are configurable: a looser threshold accepts what the default rejects', () => {
    expect(run({ flicker: 0.9 }, VerifierThresholds.parse({ maxFlicker: 1 })).accepted).toBe(true)
    expect(run({ identity: [{ id: 'c', kind: 'character' as const, similarity: 0.4, method: 'descriptor' }] }, VerifierThresholds.parse({ minCharacterIdentity: 0.3 })).accepted).toBe(true)
    // Places are held tighter than characters by default.
    expect(run({ identity: [{ id: 'l', kind: 'location' as const, similarity: 0.7, method: 'descriptor' }] }).failed).toEqual(['identity'])
    expect(run({ identity: [{ id: 'c', kind: 'character' as const, similarity: 0.7, method: 'descriptor' }] }).accepted).toBe(true)
  })
  it('sync checks need enough music in the shot to judge', () => {
    expect(run({ avAlign: 0, avAlignBaseline: 0.5, audioPeaks: 2 }).accepted).toBe(true)
    expect(run({ beatAlignment: 0, beatAlignmentBaseline: 0.5, beats: 3 }).accepted).toBe(true)
    expect(run({ beatAlignment: 0.05, beatAlignmentBaseline: 0.1 }).accepted).toBe(true)
    // AV-Align above its baseline outweighs a low beat alignment.
    expect(run({ beatAlignment: 0.05, beatAlignmentBaseline: 0.4, avAlign: 0.3, avAlignBaseline: 0.2 }).accepted).toBe(true)
  })
  it('bestAttempt prefers an accepted attempt, then the highest score', () => {
    const rec = (attempt: number, score: number, accepted: boolean): AttemptRecord => ({
      attempt, round: attempt, candidate: 0, cached: false, segment: { ...segment, attempt },
      verdict: { score, accepted, critique: '', checks: { exactDuration: true }, failed: [] },
    })
    expect(bestAttempt([rec(0, 0.5, false), rec(1, 0.4, false)]).attempt).toBe(0)
    expect(bestAttempt([rec(0, 0.9, false), rec(1, 0.7, true)]).attempt).toBe(1)
  })
})
