/**
 * The brief's notes: read without a model into directives, applied to the treatment and the plan,
 * every sentence's outcome recorded; with a model, the prompts carry the notes (a real
 * OpenAI-compatible server on 127.0.0.1) and code still holds the plan to what it can read.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heuristicTreatment } from '../src/agents/director/index.js'
import { createLlmDirector, createLlmPlanner, type PlanProposal } from '../src/agents/llm/index.js'
import { noteSentences, readNotes, UNREAD, type NoteDirective } from '../src/agents/notes.js'
import { assertPlanInvariants, createHeuristicPlanner, heuristicPlan } from '../src/agents/planner/index.js'
import { createHeuristicDirector } from '../src/agents/director/index.js'
import type { PlannerInput } from '../src/agents/types.js'
import { analyzeSong } from '../src/audio/index.js'
import { loadBrief } from '../src/brief/index.js'
import { createLlmClient } from '../src/llm/client.js'
import { planNotesLogLines, treatmentLogLines } from '../src/pipeline/briefLog.js'
import type { Analysis, Brief, ShotPlan, Treatment } from '../src/schemas/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { jsonReply, startChatServer, type ChatServer } from './helpers/chatServer.js'
import { makeSongFixture } from './helpers/songFixture.js'

let dir: string
let analysis: Analysis
let brief: Brief
const servers: ChatServer[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-notes-'))
  // 30 s at 120 BPM: intro, verse, chorus, outro, long enough for several shots a section.
  const song = await makeSongFixture({ bpm: 120, seconds: 30, dir, format: 'wav' })
  analysis = await analyzeSong(song.path)
  brief = await loadBrief(writeTestBrief(dir))
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true })
})

const withNotes = (notes: string): Brief => ({ ...brief, notes })
const treatmentFor = (b: Brief): Treatment => heuristicTreatment({ brief: b, analysis })
const input = (b: Brief, t = treatmentFor(b)): PlannerInput => ({ brief: b, analysis, treatment: t, output: { width: 320, height: 180, fps: 24 }, maxShotFrames: 240 })
const planFor = (notes: string): ShotPlan => heuristicPlan(input(withNotes(notes)))

describe('reading the notes', () => {
  it('splits Markdown notes into sentences: headings dropped, list items and emphasis unwrapped', () => {
    const md = '# Notes\n\nA small film. Keep the scarf\nvisible.\n\n- **Verses (rooftop):** intimate.\n- *End on both of them together.*\n\n---\nAvoid: crowds.'
    expect(noteSentences(md)).toEqual(['A small film.', 'Keep the scarf visible.', 'Verses (rooftop): intimate.', 'End on both of them together.', 'Avoid: crowds.'])
  })

  it('turns the simple forms into directives and leaves the rest unread, with a reason', () => {
    const t = treatmentFor(brief)
    const cases: Array<[string, NoteDirective[]]> = [
      ['End on both of them together.', [{ kind: 'last-shot', characterIds: ['mara', 'jun'] }]],
      ['Finish with Mara alone.', [{ kind: 'last-shot', characterIds: ['mara'] }]],
      ['The final shot is Jun on the rooftop.', [{ kind: 'last-shot', characterIds: ['jun'], locationId: 'rooftop' }]],
      ['Open with Jun.', [{ kind: 'first-shot', characterIds: ['jun'] }]],
      ['Start empty, end on Mara alone watching the sun come up.', [{ kind: 'last-shot', characterIds: ['mara'] }, { kind: 'first-shot', characterIds: [] }]],
      ['No close-ups.', [{ kind: 'avoid-framing', framing: 'close' }]],
      ['Avoid the city.', [{ kind: 'avoid-location', locationId: 'rooftop' }]],
      ['Never show Jun.', [{ kind: 'avoid-character', characterId: 'jun' }]],
      ['The outro on the rooftop.', [{ kind: 'section-place', section: 'outro', locationId: 'rooftop' }]],
      ['Intro / outro (shoreline, dawn): slow, calm, wide.', [{ kind: 'section-place', section: 'intro', locationId: 'shoreline' }, { kind: 'section-place', section: 'outro', locationId: 'shoreline' }]],
    ]
    for (const [note, directives] of cases) {
      const [read] = readNotes(note, t).notes
      expect(read.directives, note).toEqual(directives)
      expect(read.unread, note).toBeUndefined()
    }
    // The fixture's analysis labels its middle sections A and B: it has no chorus to place.
    expect(t.sectionMoods.map((m) => m.label)).toEqual(['intro', 'A', 'B', 'outro'])
    const unread = readNotes('Keep it moody and warm. Avoid: crowds, text on screen. No Jun in the chorus. The chorus on the shoreline. Mara never leaves the rooftop. No boats close to the water.', t).notes
    expect(unread.map((n) => n.directives.length)).toEqual([0, 0, 0, 0, 0, 0])
    expect(unread[0].unread).toBe(UNREAD)
    expect(unread[1].unread).toMatch(/nothing drawn matches "crowds".*"text on screen"/)
    expect(unread[2].unread).toMatch(/one section only/)
    expect(unread[3].unread).toBe('the song has no chorus (its sections: intro, A, B, outro)')
  })
})

describe('hostile notes', () => {
  it('reads 100,000 characters of junk quickly and treats it as data', () => {
    const t = treatmentFor(brief)
    const junk = ['*'.repeat(5000), '_ '.repeat(5000), 'end on '.repeat(3000), 'no , '.repeat(4000), '(a '.repeat(5000), `${' '.repeat(20000)}avoid`, 'Mara'.repeat(2000)].join('\n\n').slice(0, 100_000)
    const t0 = performance.now()
    const read = readNotes(junk, t)
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(read.notes.length).toBeGreaterThan(0)
    // A sentence that names no one and nothing is never turned into a directive on a guess.
    for (const n of read.notes) for (const d of n.directives) expect(['last-shot', 'avoid-character']).toContain(d.kind)
  })
})

describe('applying the notes to the plan', () => {
  it('"end on both of them together" puts both characters in the last shot', () => {
    const before = planFor('')
    // The planner alone does not end on both (else this test could not fail).
    expect(before.shots.at(-1)!.characterIds.sort()).not.toEqual(['jun', 'mara'])
    const plan = planFor('End on both of them together.')
    const last = plan.shots.at(-1)!
    expect(last.characterIds.sort()).toEqual(['jun', 'mara'])
    expect(last.framing).not.toBe('close')
    expect(last.prompt).toMatch(/Mara/)
    expect(last.prompt).toMatch(/Jun/)
    expect(plan.notes!.applied).toEqual([{ note: 'End on both of them together.', effect: expect.stringMatching(/last shot .* shows Mara and Jun/) }])
    assertPlanInvariants(plan, analysis, { maxShotFrames: 240, treatment: treatmentFor(withNotes('End on both of them together.')) })
  })

  it('"no close-ups" gives a plan without close framing; the first shot can be empty', () => {
    expect(planFor('').shots.some((s) => s.framing === 'close')).toBe(true)
    const plan = planFor('No close-ups. Start empty.')
    expect(plan.shots.filter((s) => s.framing === 'close')).toEqual([])
    expect(plan.shots[0].characterIds).toEqual([])
    expect(plan.notes!.notApplied).toEqual([])
    expect(plan.notes!.applied[0].effect).toMatch(/no close shots \(\d+ reframed medium\)/)
  })

  it('places to avoid leave the treatment and the plan; a section can be given a place', () => {
    const b = withNotes('Avoid the city. The outro on the neon grid.')
    const t = treatmentFor(b)
    expect(treatmentFor(brief).sectionMoods.some((m) => m.locationId === 'rooftop')).toBe(true)
    expect(t.sectionMoods.some((m) => m.locationId === 'rooftop')).toBe(false)
    const plan = heuristicPlan(input(b, t))
    expect(plan.shots.filter((s) => s.locationId === 'rooftop')).toEqual([])
    const outro = analysis.sections.filter((s) => s.label === 'outro').map((s) => s.index)
    expect(outro.length).toBe(1)
    expect(treatmentFor(brief).sectionMoods.find((m) => m.label === 'outro')!.locationId).toBe('shoreline')
    const outroShots = plan.shots.filter((x) => outro.includes(x.sectionIndex))
    expect(outroShots.length).toBeGreaterThan(0)
    for (const s of outroShots) expect(s.locationId).toBe('neon-grid')
    expect(plan.notes!.applied.map((n) => n.note)).toEqual(['Avoid the city.', 'The outro on the neon grid.'])
  })

  it('lists every sentence it did not apply, in the plan and in the run log', () => {
    const plan = planFor('A small film about two friends. End on both of them together. Avoid: crowds.')
    expect(plan.notes!.notApplied.map((n) => n.note)).toEqual(['A small film about two friends.', 'Avoid: crowds.'])
    expect(plan.notes!.notApplied[1].reason).toMatch(/crowds/)
    const lines = planNotesLogLines(plan)
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'note not applied: "A small film about two friends." (no form the built-in reader knows: who opens or ends the video, what to avoid, a place for a section)',
      'note not applied: "Avoid: crowds." (nothing drawn matches "crowds")',
    ])
    expect(lines.some((l) => l.level === 'info' && l.message.startsWith('note applied: "End on both'))).toBe(true)
  })

  it('logs per entity what is drawn and what is not (cards filled by hand)', () => {
    const t = treatmentFor(brief)
    const cards = t.entities.map((e) =>
      e.id === 'mara'
        ? { ...e, features: ['hair:long', 'scarf:red'], notDrawn: ['freckles', 'a silver ring'] }
        : e.id === 'rooftop'
          ? { ...e, features: ['skyline'], notDrawn: [] }
          : { ...e, features: undefined, notDrawn: undefined },
    )
    expect(treatmentLogLines({ ...t, entities: cards })).toEqual([
      { level: 'info', message: 'character "Mara" drawn with: hair:long, scarf:red' },
      { level: 'warn', message: 'character "Mara" not drawn: freckles, a silver ring' },
      { level: 'info', message: 'place "Rooftop" drawn with: skyline' },
    ])
  })
})

describe('with a language model', () => {
  it('the director and planner prompts carry the notes; code still holds the plan to what it reads', async () => {
    const notes = '# Notes\n\nEnd on both of them together.\nMake the skyline shimmer like a heat haze.'
    const b = withNotes(notes)
    const base = treatmentFor(b)
    const grid = (60 / analysis.tempo.bpm) * analysis.meter * 2
    // The model's plan ends on Mara alone, in a close-up.
    const shots: PlanProposal['shots'] = []
    for (let t = 0; t < analysis.source.durationSec - 0.01; t += grid) {
      const section = analysis.sections.find((s) => t + 0.01 >= s.start && t < s.end) ?? analysis.sections.at(-1)!
      const mood = base.sectionMoods.find((m) => m.sectionIndex === section.index)!
      shots.push({ sectionIndex: section.index, startSec: t, endSec: Math.min(analysis.source.durationSec, t + grid), locationId: mood.locationId, characterIds: ['mara'], camera: 'drift', framing: 'close', prompt: 'Mara close', motionGain: 0.5 })
    }
    const server = await startChatServer((body) => (JSON.stringify(body).includes('treatment_proposal') ? { kind: 'status', status: 500 } : jsonReply({ shots })))
    servers.push(server)
    const client = createLlmClient({ baseURL: server.url, model: 'test-model', apiKey: 'sk-test', method: 'jsonSchema', timeoutMs: 10_000, maxRetries: 0, maxRepairs: 0 })
    const t = await createLlmDirector(client, createHeuristicDirector()).direct({ brief: b, analysis }, {})
    const plan = await createLlmPlanner(client, createHeuristicPlanner()).plan(input(b, t), {})
    const texts = server.requests.map((r) => String(r.body.messages?.find((m) => m.role === 'user')?.content))
    expect(texts.length).toBe(2)
    for (const text of texts) {
      const start = text.indexOf('<<<BEGIN NOTES TEXT')
      const end = text.indexOf('END NOTES TEXT>>>')
      expect(start).toBeGreaterThan(0)
      expect(text.slice(start, end)).toContain('End on both of them together.')
      expect(text.slice(start, end)).toContain('heat haze')
      expect(text).toMatch(/Follow the notes' creative directions/)
      // The notes are sent once, in their own fence, not inside the brief's JSON.
      expect(text.split('heat haze').length).toBe(2)
    }
    expect(plan.author).toBe('llm:test-model')
    expect(plan.shots.at(-1)!.characterIds.sort()).toEqual(['jun', 'mara'])
    expect(plan.shots.at(-1)!.framing).toBe('medium')
    expect(plan.notes!.notApplied).toEqual([{ note: 'Make the skyline shimmer like a heat haze.', reason: expect.stringMatching(/left to the model test-model/) }])
  })
})
