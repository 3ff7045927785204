/** The LLM director's location fields: props, weather and not-drawn lists checked and repaired by code. */
import { describe, expect, it } from 'vitest'
import { directorPrompt, treatmentFromProposal, type TreatmentProposal } from '../src/agents/llm/director.js'
import { PROP_IDS, WORLDS, type Analysis, type LocationCard } from '../src/schemas/index.js'
import { makeBrief } from './helpers/brief.js'
import { flatAnalysis } from './helpers/places.js'

const analysis = flatAnalysis()
const brief = makeBrief({
  title: 'T', concept: 'c', characters: [{ name: 'Mara', description: 'singer' }],
  locations: [{ name: 'Harbour', description: 'a harbour at dusk with fishing boats, a lighthouse and a red crane' }, { name: 'Arcade', description: 'an arcade' }],
  lyrics: [], assets: [], output: { width: 320, height: 180, fps: 12 }, notes: '', baseDir: '/tmp',
})

function proposal(locations: TreatmentProposal['locations']): TreatmentProposal {
  return {
    title: 'T', logline: 'l', styleBible: { look: 'x', palette: ['#101010', '#f0f0f0'], grain: 0.2, vignette: 0.2, captionFont: 'serif' },
    characters: [{ name: 'Mara', description: 'singer', palette: ['#cc2222', '#222222'], shape: { height: 0.6, build: 0.3, headSize: 0.18, hair: 2, accessory: 0, outfit: 0 } }],
    locations,
    sectionMoods: [{ sectionIndex: 0, mood: 'm', colour: '#ff3366', intensity: 0.5, locationName: 'Harbour', characterNames: ['Mara'] }],
    visualHooks: [],
  }
}
const loc = (t: ReturnType<typeof treatmentFromProposal>, id: string) => t.entities.find((e): e is LocationCard => e.kind === 'location' && e.id === id)!

describe('LLM director: location vocabulary', () => {
  it('asks for worlds and props from the vocabulary', async () => {
    const text = await directorPrompt({ brief, analysis }, 'm')
    for (const w of WORLDS) expect(text).toContain(w)
    for (const p of PROP_IDS) expect(text).toContain(p)
    expect(text).toContain('notDrawn')
  })

  it('keeps known props and weather, lists unknown props as not drawn, and records each repair', () => {
    const fixes: string[] = []
    const t = treatmentFromProposal(
      proposal([
        { name: 'Harbour', description: 'a harbour at dusk', palette: ['#223344', '#ddccaa'], shape: { world: 'shoreline', timeOfDay: 'dusk', density: 0.5, props: ['boat', 'lighthouse', 'crane', 'boat'], weather: 'fog' }, notDrawn: ['red crane'] },
        { name: 'Arcade', description: 'an arcade', palette: ['#ff00ff', '#00ffff'], shape: { world: 'neon-grid', timeOfDay: 'night', density: 0.5, weather: 'rain' } },
      ]),
      { brief, analysis }, 'llm:m', (m) => fixes.push(m),
    )
    const h = loc(t, 'harbour')
    expect(h.shape).toMatchObject({ world: 'shoreline', props: ['boat', 'lighthouse'] })
    expect(h.shape.weather).toBeUndefined()
    expect(h.features).toEqual(['shoreline', 'boat', 'lighthouse'])
    expect(h.notDrawn).toEqual(['red crane', 'crane'])
    expect(fixes.some((f) => f.includes('prop(s) not in the vocabulary'))).toBe(true)
    expect(fixes.some((f) => f.includes('weather "fog"'))).toBe(true)
    // No props answered: the description is read with the heuristic vocabulary in the model's world.
    const a = loc(t, 'arcade')
    expect(a.shape.props).toEqual(['neon-sign', 'arcade-cabinet'])
    expect(a.features).toEqual(['neon-grid', 'neon-sign', 'arcade-cabinet'])
  })

  it('an unknown world keeps the heuristic card and says so', () => {
    const fixes: string[] = []
    const t = treatmentFromProposal(
      proposal([{ name: 'Harbour', description: 'a harbour', palette: ['#223344', '#ddccaa'], shape: { world: 'harbour-town', timeOfDay: 'dusk', density: 0.5, props: ['gulls'] } }]),
      { brief, analysis }, 'llm:m', (m) => fixes.push(m),
    )
    expect(loc(t, 'harbour').shape).toMatchObject({ world: 'shoreline', props: ['gulls'] })
    expect(fixes.some((f) => f.includes('unknown world "harbour-town"'))).toBe(true)
  })
})
