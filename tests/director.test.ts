import { describe, expect, it } from 'vitest'
import {
  assertTreatmentInvariants,
  createHeuristicDirector,
  fillPrompt,
  heuristicTreatment,
  InvariantError,
  loadPrompt,
  promptVariables,
} from '../src/agents/index.js'
import {
  Treatment,
  type Analysis,
  type Brief,
  type CharacterCard,
  type LocationCard,
} from '../src/schemas/index.js'
import { makeBrief, type BriefInput } from './helpers/brief.js'

type SectionSpec = [label: string, start: number, end: number, energy: number]

function makeAnalysis(sections: SectionSpec[], duration = 80): Analysis {
  const beats = Array.from({ length: duration * 2 }, (_, i) => i / 2)
  const flat = { fps: 43.066, values: [0.5] }
  return {
    version: 1,
    source: { path: '/tmp/song.wav', sha256: 'x', durationSec: duration, sampleRate: 22050 },
    tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false },
    beatless: [],
    streams: { method: "dsp" as const, detail: "test" },
    meter: 4,
    beats,
    beatConfidence: beats.map(() => 1),
    downbeats: beats.filter((_, i) => i % 4 === 0),
    downbeatConfidence: beats.filter((_, i) => i % 4 === 0).map(() => 1),
    tracker: { method: 'dsp', detail: 'test' },
    sections: sections.map(([label, start, end, energy], index) => ({ index, label, start, end, energy, confidence: 1 })),
    features: { onset: flat, rms: flat, percussive: flat, harmonic: flat, centroid: flat, hue: flat, vocal: flat },
  }
}

const SONG = makeAnalysis([
  ['intro', 0, 8, 0.3],
  ['verse', 8, 24, 0.6],
  ['chorus', 24, 40, 1],
  ['verse2', 40, 56, 0.6],
  ['chorus', 56, 72, 1],
  ['bridge', 72, 76, 0.5],
  ['outro', 76, 80, 0.3],
])

function brief(over: Partial<BriefInput> = {}): Brief {
  return makeBrief({
    title: 'Night Drive',
    concept: 'Two friends cross a city at night and end up in the desert.',
    characters: [],
    locations: [],
    lyrics: [],
    assets: [],
    output: { width: 1280, height: 720, fps: 30 },
    notes: '',
    baseDir: '/tmp/brief',
    ...over,
  })
}

const CAST: BriefInput['characters'] = [
  { name: 'Mara', description: 'a tall woman in a red jacket with long hair and headphones' },
  { name: 'Theo', description: 'a short man in a blue striped shirt with glasses' },
]

function chars(t: Treatment): CharacterCard[] {
  return t.entities.filter((e): e is CharacterCard => e.kind === 'character')
}
function locs(t: Treatment): LocationCard[] {
  return t.entities.filter((e): e is LocationCard => e.kind === 'location')
}
function byId<T extends { id: string }>(xs: T[], id: string): T {
  const x = xs.find((e) => e.id === id)
  if (!x) throw new Error(`no ${id}`)
  return x
}

describe('heuristic director: characters', () => {
  const t = heuristicTreatment({ brief: brief({ characters: CAST }), analysis: SONG })

  it('reads shape from keywords', () => {
    const mara = byId(chars(t), 'mara')
    const theo = byId(chars(t), 'theo')
    expect(mara.shape.height).toBeGreaterThanOrEqual(0.74)
    expect(theo.shape.height).toBeLessThanOrEqual(0.52)
    expect(mara.shape.hair).toBe(2) // long
    expect(mara.shape.accessory).toBe(4) // headphones
    expect(mara.shape.outfit).toBe(2) // jacket
    expect(theo.shape.accessory).toBe(3) // glasses
    expect(theo.shape.outfit).toBe(1) // stripes
  })

  it('takes colours named in the description', () => {
    expect(byId(chars(t), 'mara').palette[0]).toBe('#d6302f')
    expect(byId(chars(t), 'theo').palette[0]).toBe('#2f5fd6')
  })

  it('gives two undescribed characters different shapes and palettes', () => {
    const plain = heuristicTreatment({
      brief: brief({ characters: [{ name: 'Ana', description: 'a dancer' }, { name: 'Bo', description: 'a dancer' }] }),
      analysis: SONG,
    })
    const [a, b] = chars(plain)
    expect(a.shape).not.toEqual(b.shape)
    expect(a.palette[0]).not.toBe(b.palette[0])
    expect(a.seed).not.toBe(b.seed)
  })

  it('keeps explicit palettes from the brief', () => {
    const p = heuristicTreatment({
      brief: brief({ characters: [{ name: 'Ana', description: 'a red dress', palette: ['#123456', '#abcdef'] }] }),
      analysis: SONG,
    })
    expect(chars(p)[0].palette.slice(0, 2)).toEqual(['#123456', '#abcdef'])
  })

  it('creates a lead from the concept when the brief has no characters', () => {
    const p = heuristicTreatment({ brief: brief(), analysis: SONG })
    expect(chars(p)).toHaveLength(1)
    expect(chars(p)[0].description).toBe(brief().concept)
  })

  it('makes unique slug ids', () => {
    const p = heuristicTreatment({
      brief: brief({
        characters: [
          { name: 'DJ Élan!', description: 'a dj' },
          { name: 'dj élan', description: 'the same name again' },
        ],
        locations: [{ name: 'DJ Elan', description: 'a club named after him' }],
      }),
      analysis: SONG,
    })
    expect(p.entities.map((e) => e.id)).toEqual(['dj-elan', 'dj-elan-2', 'dj-elan-3'])
  })
})

describe('heuristic director: locations', () => {
  it('maps keywords to worlds and times of day', () => {
    const t = heuristicTreatment({
      brief: brief({
        locations: [
          { name: 'Rooftop', description: 'a city rooftop above the skyline at night' },
          { name: 'Desert Road', description: 'a road through sand dunes at sunset' },
          { name: 'Beach', description: 'the shore at dawn' },
          { name: 'Woods', description: 'a forest of tall trees' },
          { name: 'Arcade', description: 'a retro synth arcade' },
          { name: 'Kitchen', description: 'a small kitchen, inside' },
          { name: 'Orbit', description: 'drifting among the stars of a galaxy' },
          { name: 'Override', description: 'a city street', world: 'forest', timeOfDay: 'dawn' },
        ],
      }),
      analysis: SONG,
    })
    const shape = (id: string) => byId(locs(t), id).shape
    expect(shape('rooftop')).toMatchObject({ world: 'skyline', timeOfDay: 'night' })
    expect(shape('desert-road')).toMatchObject({ world: 'desert-road', timeOfDay: 'dusk' }) // the road world since issue 14 (was dunes)
    expect(shape('beach')).toMatchObject({ world: 'shoreline', timeOfDay: 'dawn' })
    expect(shape('woods')).toMatchObject({ world: 'forest', timeOfDay: 'day' })
    expect(shape('arcade').world).toBe('neon-grid')
    expect(shape('kitchen').world).toBe('interior')
    expect(shape('orbit')).toMatchObject({ world: 'starfield', timeOfDay: 'night' })
    expect(shape('override')).toMatchObject({ world: 'forest', timeOfDay: 'dawn' })
  })

  it('invents at least two different worlds from the concept when the brief names none', () => {
    const t = heuristicTreatment({ brief: brief({ concept: 'A lonely drive through the desert at dusk.' }), analysis: SONG })
    const worlds = locs(t).map((l) => l.shape.world)
    expect(worlds.length).toBeGreaterThanOrEqual(2)
    expect(worlds[0]).toBe('dunes')
    expect(new Set(worlds).size).toBe(worlds.length)
    expect(locs(t).every((l) => l.shape.timeOfDay === 'dusk')).toBe(true)
    // And the scenes change between sections.
    expect(new Set(t.sectionMoods.map((m) => m.locationId)).size).toBeGreaterThanOrEqual(2)
  })
})

describe('heuristic director: style and moods', () => {
  const tied = brief({
    style: 'grainy 16mm film, dark noir',
    characters: [
      { name: 'Mara', description: 'singer', sections: ['chorus'] },
      { name: 'Theo', description: 'drummer', locations: ['Rooftop'] },
      { name: 'Jun', description: 'bassist' },
    ],
    locations: [
      { name: 'Rooftop', description: 'a city rooftop', sections: ['verse'] },
      { name: 'Desert', description: 'sand dunes' },
      { name: 'Club', description: 'a small club' },
    ],
  })
  const t = heuristicTreatment({ brief: tied, analysis: SONG })

  it('builds the style bible from style keywords and entity palettes', () => {
    expect(t.styleBible.grain).toBeGreaterThan(0.3)
    expect(t.styleBible.vignette).toBeGreaterThan(0.4)
    expect(t.styleBible.look).toBe('grainy 16mm film, dark noir')
    for (const e of t.entities) expect(t.styleBible.palette).toContain(e.palette[0])
    const clean = heuristicTreatment({ brief: brief({ style: 'clean bright pastel' }), analysis: SONG })
    expect(clean.styleBible.grain).toBeLessThan(t.styleBible.grain)
    expect(clean.styleBible.vignette).toBeLessThan(t.styleBible.vignette)
  })

  it('has one mood per section with intensity from energy', () => {
    expect(t.sectionMoods.map((m) => m.sectionIndex)).toEqual(SONG.sections.map((s) => s.index))
    SONG.sections.forEach((s, i) => expect(t.sectionMoods[i].intensity).toBeCloseTo(s.energy, 3))
    expect(t.sectionMoods[2].mood).not.toBe(t.sectionMoods[0].mood)
    for (const m of t.sectionMoods) expect(t.styleBible.palette).toContain(m.colour)
    expect(t.author).toBe('heuristic')
    expect(() => Treatment.parse(t)).not.toThrow()
  })

  it('honours location and character ties (labels match by prefix)', () => {
    const mood = (i: number) => t.sectionMoods[i]
    expect(mood(1).locationId).toBe('rooftop') // verse
    expect(mood(3).locationId).toBe('rooftop') // verse2
    for (const i of [0, 2, 4, 5, 6]) expect(mood(i).locationId).not.toBe('rooftop')
    for (const m of t.sectionMoods) {
      expect(m.characterIds.includes('mara')).toBe(m.label === 'chorus')
      expect(m.characterIds.includes('theo')).toBe(m.locationId === 'rooftop')
    }
  })

  it('repeats look like repeats; neighbours differ', () => {
    const untied = heuristicTreatment({
      brief: brief({
        characters: CAST,
        locations: [
          { name: 'Rooftop', description: 'a city rooftop' },
          { name: 'Desert', description: 'sand dunes' },
          { name: 'Club', description: 'a small club' },
        ],
      }),
      analysis: SONG,
    })
    const ms = untied.sectionMoods
    expect(ms[2].locationId).toBe(ms[4].locationId) // chorus, chorus
    expect(ms[1].locationId).toBe(ms[3].locationId) // verse, verse2
    ms.slice(1).forEach((m, i) => expect(m.locationId).not.toBe(ms[i].locationId))
    // Whole cast when loud, the lead when quiet, at most one in the intro.
    expect(ms[2].characterIds).toEqual(['mara', 'theo'])
    expect(ms[1].characterIds).toEqual(['mara'])
    expect(ms[0].characterIds.length).toBeLessThanOrEqual(1)
  })

  it('section indices in ties select single sections', () => {
    const p = heuristicTreatment({
      brief: brief({
        locations: [
          { name: 'A', description: 'a city street' },
          { name: 'B', description: 'a forest', sections: [5] },
        ],
      }),
      analysis: SONG,
    })
    expect(p.sectionMoods.filter((m) => m.locationId === 'b').map((m) => m.sectionIndex)).toContain(5)
    expect(p.sectionMoods[5].locationId).toBe('b')
  })

  it('a song without sections still gets one mood', () => {
    const bare = { ...SONG, sections: [] }
    const p = heuristicTreatment({ brief: brief(), analysis: bare })
    expect(p.sectionMoods).toHaveLength(1)
  })

  it('is deterministic and the Director interface agrees', async () => {
    const again = await createHeuristicDirector().direct({ brief: tied, analysis: SONG }, {})
    expect(again).toEqual(t)
  })

  it('assertTreatmentInvariants names the broken rule', () => {
    const bad = structuredClone(t)
    bad.sectionMoods[0].locationId = 'nowhere'
    expect(() => assertTreatmentInvariants(bad, SONG)).toThrow(InvariantError)
    expect(() => assertTreatmentInvariants(bad, SONG)).toThrow(/mood-location/)
    const missing = structuredClone(t)
    missing.sectionMoods.pop()
    expect(() => assertTreatmentInvariants(missing, SONG)).toThrow(/mood-per-section/)
  })
})

describe('prompt templates', () => {
  it('loads each template from the package prompts/ folder', async () => {
    for (const name of ['director', 'planner'] as const) {
      const text = await loadPrompt(name)
      expect(text.length).toBeGreaterThan(200)
      expect(promptVariables(text)).toContain('rules')
    }
    expect(promptVariables(await loadPrompt('director'))).toEqual(
      expect.arrayContaining(['brief_json', 'analysis_summary', 'rules']),
    )
    expect(promptVariables(await loadPrompt('planner'))).toEqual(
      expect.arrayContaining(['brief_json', 'analysis_summary', 'treatment_json', 'rules']),
    )
    expect(promptVariables(await loadPrompt('verifier'))).toEqual(expect.arrayContaining(['shot_json', 'context_json', 'metrics_json', 'round', 'max_rounds']))
    expect(promptVariables(await loadPrompt('judge'))).toEqual(['shot_json', 'context_json', 'metrics_a', 'metrics_b'])
    expect(promptVariables(await loadPrompt('rewrite'))).toEqual(expect.arrayContaining(['shot_json', 'critique_json', 'checks_json', 'prompt_max', 'cameras']))
  })

  it('fills every variable, once, and throws on a missing one', async () => {
    const template = await loadPrompt('director')
    const vars = Object.fromEntries(promptVariables(template).map((v) => [v, `<${v}>`]))
    vars.brief_json = '{"concept":"{{rules}}"}'
    const filled = fillPrompt(template, vars)
    expect(filled).toContain('{"concept":"{{rules}}"}') // values are not expanded again
    expect(filled).toContain('<analysis_summary>')
    expect(promptVariables(filled.replace('{"concept":"{{rules}}"}', ''))).toEqual([])
    const { rules: _dropped, ...partial } = vars
    expect(() => fillPrompt(template, partial)).toThrow(/\{\{rules\}\}/)
  })
})
