import { describe, expect, it } from 'vitest'
import { heuristicPlan, heuristicTreatment, type PlannerInput } from '../src/agents/index.js'
import type { Analysis, ShotPlan } from '../src/schemas/index.js'
import { secondsToFrame } from '../src/time.js'
import { makeBrief } from './helpers/brief.js'

const FPS = 25

/** 120 BPM 4/4, 80 s, sections on bars 0, 4, 12, 20, 28, 36; downbeat confidence per bar from `conf`. */
function analysis(conf: (bar: number) => number): Analysis {
  const beats = Array.from({ length: 160 }, (_, i) => i / 2)
  const downbeats = beats.filter((_, i) => i % 4 === 0)
  const flat = { fps: 43.066, values: [0.5, 0.5, 0.5] }
  const sections: Array<[string, number, number, number]> = [
    ['intro', 0, 8, 0.3],
    ['verse', 8, 24, 0.6],
    ['chorus', 24, 40, 1],
    ['verse', 40, 56, 0.6],
    ['chorus', 56, 72, 1],
    ['outro', 72, 80, 0.3],
  ]
  return {
    version: 1,
    source: { path: '/tmp/song.wav', sha256: 'x', durationSec: 80, sampleRate: 22050 },
    tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false },
    meter: 4,
    beats,
    beatConfidence: beats.map(() => 0.9),
    downbeats,
    downbeatConfidence: downbeats.map((_, bar) => conf(bar)),
    tracker: { method: 'learned', detail: 'test' },
    beatless: [],
    sections: sections.map(([label, start, end, energy], index) => ({ index, label, start, end, energy, confidence: 0.9 })),
    streams: { method: 'dsp', detail: 'test' },
    features: { onset: flat, rms: flat, percussive: flat, harmonic: flat, centroid: flat, hue: flat, vocal: flat },
  }
}

const BRIEF = makeBrief({
  title: 'Confidence',
  concept: 'Two friends cross a city at night.',
  style: 'grainy 16mm film',
  characters: [{ name: 'Mara', description: 'a tall woman in a red jacket' }],
  locations: [
    { name: 'Rooftop', description: 'a city rooftop at night' },
    { name: 'Club', description: 'a small club with a low ceiling' },
  ],
  lyrics: [],
  assets: [],
  output: { width: 320, height: 180, fps: FPS },
  notes: '',
  baseDir: '/tmp/brief',
})

function plan(a: Analysis): ShotPlan {
  const input: PlannerInput = { brief: BRIEF, analysis: a, treatment: heuristicTreatment({ brief: BRIEF, analysis: a }), output: { width: 320, height: 180, fps: FPS }, maxShotFrames: 400 }
  return heuristicPlan(input)
}

/** Bar index of each cut that lands on a downbeat. */
function downbeatCutBars(p: ShotPlan): number[] {
  return p.shots.filter((s) => s.cutOn === 'downbeat').map((s) => Math.round(s.startFrame / (2 * FPS)))
}

describe('the planner prefers confident downbeats', () => {
  it('with odd bars unsure, every downbeat cut moves to a sure (even) bar; with all sure, odd bars get cuts', () => {
    const sure = downbeatCutBars(plan(analysis(() => 0.9)))
    expect(sure.some((b) => b % 2 === 1)).toBe(true)
    const mixed = plan(analysis((bar) => (bar % 2 === 0 ? 0.9 : 0.1)))
    const bars = downbeatCutBars(mixed)
    expect(bars.length).toBeGreaterThan(10)
    expect(bars.filter((b) => b % 2 === 1)).toEqual([])
    // Shot lengths stay within the planner's limits (no shot longer than the cap, none under a beat).
    for (const s of mixed.shots) {
      expect(s.endFrame - s.startFrame).toBeLessThanOrEqual(400)
      expect(s.endFrame - s.startFrame).toBeGreaterThanOrEqual(FPS / 2)
    }
  })

  it('a section boundary on an unsure downbeat cuts on the nearest sure one within a bar', () => {
    // The chorus starts at 24 s (bar 12), whose downbeat is unsure; bars 11 and 13 are sure.
    const p = plan(analysis((bar) => (bar === 12 ? 0.05 : 0.9)))
    const opening = p.shots.find((s) => s.sectionIndex === 2)!
    expect([secondsToFrame(22, FPS), secondsToFrame(26, FPS)]).toContain(opening.startFrame)
    expect(opening.cutOn).toBe('downbeat')
    // Where every downbeat is sure, it opens on the boundary itself.
    const q = plan(analysis(() => 0.9))
    expect(q.shots.find((s) => s.sectionIndex === 2)!.startFrame).toBe(secondsToFrame(24, FPS))
  })

  it('when no sure downbeat is within reach, the cut keeps the unsure one (the grid still holds)', () => {
    const p = plan(analysis(() => 0.1))
    const q = plan(analysis(() => 0.9))
    expect(p.shots.map((s) => s.startFrame)).toEqual(q.shots.map((s) => s.startFrame))
  })
})
