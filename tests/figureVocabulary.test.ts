import { describe, expect, it } from 'vitest'
import { characterCard, distinguishCharacters } from '../src/agents/director/characters.js'
import { heuristicTreatment } from '../src/agents/director/index.js'
import { readDescription } from '../src/agents/director/describe.js'
import { directorPrompt, treatmentFromProposal, type TreatmentProposal } from '../src/agents/llm/director.js'
import {
  ANIMAL_SPECIES,
  CREATURE_SPECIES,
  INSTRUMENTS,
  Treatment,
  WEAR_ITEMS,
  resolveFigure,
  type Analysis,
  type CharacterCard,
} from '../src/schemas/index.js'
import { makeBrief } from './helpers/brief.js'

const card = (description: string, name = 'Kit'): CharacterCard => characterCard({ name, description }, name.toLowerCase(), 0)

/** Each brief: the ids it must draw and exactly what it must list as not drawn. */
const BRIEFS: Array<{ d: string; drawn: string[]; notDrawn: string[] }> = [
  { d: 'a small round silver robot with one cyan eye and an orange antenna', drawn: ['robot', 'size:small', 'body:round', 'metal:silver', 'eyes:1', 'eye:cyan', 'antenna:orange'], notDrawn: [] },
  { d: 'a girl with long red hair, a green scarf, glasses and a guitar, with a tattoo of a whale on her arm', drawn: ['person', 'hair:long', 'hair-colour:red', 'scarf:green', 'glasses', 'guitar'], notDrawn: ['tattoo of a whale'] },
  { d: 'an orange cat wearing a mask and a crown', drawn: ['animal:cat', 'colour:orange'], notDrawn: ['mask', 'crown'] },
  { d: 'a green dragon-like creature with wings and a top hat', drawn: ['creature:dragon', 'colour:green', 'hat'], notDrawn: [] },
  { d: 'a tall gold boxy robot with three red eyes and a trumpet', drawn: ['robot', 'size:tall', 'body:boxy', 'metal:gold', 'eyes:3', 'eye:red', 'trumpet'], notDrawn: [] },
  { d: 'a ghost in a red scarf', drawn: ['creature:ghost', 'scarf:red'], notDrawn: [] },
  { d: 'a pink blob with three eyes', drawn: ['creature:blob', 'colour:pink', 'eyes:3'], notDrawn: [] },
  { d: 'a white rabbit with headphones', drawn: ['animal:rabbit', 'colour:white', 'headphones'], notDrawn: [] },
  { d: 'a brown dog with a backpack and a bone', drawn: ['animal:dog', 'colour:brown'], notDrawn: ['backpack', 'bone'] },
  { d: 'a bear with a guitar', drawn: ['animal:bear'], notDrawn: ['guitar'] },
  { d: 'an owl with glasses', drawn: ['animal:owl', 'glasses'], notDrawn: [] },
  { d: 'a fox and a little bird', drawn: ['animal:fox'], notDrawn: ['bird'] },
  { d: 'a drummer in a black hoodie and a beanie, riding a skateboard', drawn: ['person', 'hoodie:black', 'beanie', 'drums'], notDrawn: ['skateboard'] },
  { d: 'a woman with an afro in a yellow dress playing the keyboard, who loves jazz', drawn: ['person', 'hair:afro', 'dress:yellow', 'keyboard'], notDrawn: [] },
  { d: 'a man in a grey coat and a cap with sunglasses, a mask and a backpack', drawn: ['person', 'coat:grey', 'cap', 'sunglasses', 'mask', 'backpack'], notDrawn: [] },
  { d: 'a singer with braids and a violin, and a silver earring', drawn: ['person', 'hair:braids', 'violin'], notDrawn: ['silver earring'] },
  { d: 'a bald bassist in a striped shirt', drawn: ['person', 'hair:none', 'bass', 'stripes'], notDrawn: [] },
  { d: 'a guy with a bob, a beanie and a hat, holding a keytar', drawn: ['person', 'hair:bob', 'beanie', 'keytar'], notDrawn: ['hat'] },
  { d: 'a rapper with spiky blue hair and a microphone', drawn: ['person', 'hair:spiky', 'hair-colour:blue', 'microphone'], notDrawn: [] },
  { d: 'a saxophonist with curly hair and a ponytail', drawn: ['person', 'hair:curly', 'sax'], notDrawn: ['ponytail'] },
  { d: 'an old sailor with a white beard, a pipe and a yellow raincoat', drawn: ['person', 'coat:yellow'], notDrawn: ['white beard', 'pipe'] },
  { d: 'an astronaut in a white spacesuit with a helmet', drawn: ['person'], notDrawn: ['white spacesuit', 'helmet'] },
  { d: 'a black cat with a bell on its collar', drawn: ['animal:cat', 'colour:black'], notDrawn: ['bell', 'collar'] },
  // The bundled example's two characters.
  { d: 'the singer: a young woman with long wavy black hair, a long flowing red scarf, a white t-shirt with black stripes under an open charcoal coat', drawn: ['person', 'hair:long', 'hair-colour:black', 'scarf:red', 'stripes:black', 'coat:charcoal', 'top:white', 'microphone'], notDrawn: [] },
  { d: 'the drummer: a tall young man with short spiky bleached hair, big black headphones, a bright yellow bomber jacket and dark jeans, drumsticks in hand', drawn: ['person', 'size:tall', 'hair:spiky', 'hair-colour:blonde', 'headphones:black', 'jacket:yellow', 'drumsticks'], notDrawn: [] },
  { d: 'Two friends cross a city at night and end up in the desert.', drawn: ['person'], notDrawn: [] },
  { d: 'a tall girl in a jacket and drumsticks with a bun', drawn: ['person', 'size:tall', 'jacket', 'drumsticks', 'hair:bun'], notDrawn: [] },
]

describe('character vocabulary: descriptions onto drawn features', () => {
  for (const b of BRIEFS) {
    it(b.d, () => {
      const c = card(b.d)
      for (const id of b.drawn) expect(c.features, id).toContain(id)
      // Nothing the description did not ask for is hashed in when it describes the look.
      if (b.notDrawn.length > 0) expect(c.features?.filter((f) => ['hat', 'scarf', 'glasses', 'headphones'].includes(f.split(':')[0]) && !b.drawn.includes(f))).toEqual([])
      expect(c.notDrawn).toEqual(b.notDrawn)
    })
  }

  it('fills the structured fields for the robot of the issue', () => {
    const s = card('a small round silver robot with one cyan eye and an orange antenna').shape
    expect(s).toMatchObject({ figureKind: 'robot', body: 'round', eyes: 1, antenna: true, colours: { body: 'silver', eye: 'cyan', antenna: 'orange' } })
    expect(s.height).toBeLessThan(0.5)
  })

  it('reaches every species, garment, accessory and instrument of the vocabulary by its own word', () => {
    for (const sp of ANIMAL_SPECIES) expect(card(`a ${sp}`).features?.[0]).toBe(`animal:${sp}`)
    for (const sp of CREATURE_SPECIES) expect(card(`a ${sp}`).features?.[0]).toBe(`creature:${sp}`)
    for (const w of WEAR_ITEMS) expect(card(`a person with a ${w}`).features, w).toContain(w)
    for (const i of INSTRUMENTS) expect(card(`a person with a ${i}`).features, i).toContain(i)
    const hair: Record<string, string> = { none: 'bald', short: 'short hair', long: 'long hair', curly: 'curly hair', ponytail: 'a ponytail', spiky: 'spiky hair', bob: 'a bob', bun: 'a bun', braids: 'braids', afro: 'an afro' }
    for (const [id, words] of Object.entries(hair)) expect(card(`a woman with ${words}`).features).toContain(`hair:${id}`)
  })

  it('ignores filler, personality and what a character does', () => {
    expect(readDescription('a very shy and kind young woman who dreams of the sea, she loves old films').notDrawn).toEqual([])
    expect(card('Mara is a quiet dancer with a friendly smile', 'Mara').notDrawn).toEqual([])
  })

  it('keeps old treatments parseable and drawn from their legacy indices', () => {
    const legacy = { height: 0.6, build: 0.3, headSize: 0.16, hair: 4, accessory: 5, outfit: 3 }
    const spec = resolveFigure(legacy)
    expect(spec).toMatchObject({ kind: 'person', hairStyle: 'ponytail', wear: ['dress'], instrument: 'guitar' })
    const t = heuristicTreatment({ brief: briefWith([{ name: 'Zed', description: 'a robot' }]), analysis: SONG })
    const old = { ...t, entities: t.entities.map((e) => (e.kind === 'character' ? { ...e, shape: legacy, features: undefined, notDrawn: undefined } : e)) }
    expect(() => Treatment.parse(JSON.parse(JSON.stringify(old)))).not.toThrow()
  })

  it('sets the legacy indices to the nearest equivalent', () => {
    const s = card('a woman with long hair in a red jacket with headphones').shape
    expect([s.hair, s.outfit, s.accessory]).toEqual([2, 2, 4])
  })

  it('tells undescribed look-alikes apart but never changes a described hair style', () => {
    const twins = distinguishCharacters([card('a woman with long hair', 'Ann'), card('a woman with long hair', 'Bea')], [false, false])
    expect(twins.map((c) => c.shape.hairStyle)).toEqual(['long', 'long'])
    const plain = distinguishCharacters([card('a dancer', 'Ana'), card('a dancer', 'Ana2')], [false, false])
    expect(plain[1].features).toEqual(expect.arrayContaining([`hair:${plain[1].shape.hairStyle}`]))
  })
})

describe('LLM director: the same structured fields', () => {
  const input = () => ({ brief: briefWith([{ name: 'Bolt', description: 'a small round silver robot with one cyan eye' }, { name: 'Ana', description: 'a girl with a guitar and a tattoo' }]), analysis: SONG })
  const proposal = (features?: string[]): TreatmentProposal => ({
    title: 'T', logline: 'L', styleBible: { look: 'x', palette: ['#101010', '#f0f0f0'], grain: 0.1, vignette: 0.1, captionFont: 'serif' },
    characters: [
      { name: 'Bolt', description: 'a small round silver robot with one cyan eye', palette: ['#c0c6cc', '#27c4dc'], shape: { height: 0.5, build: 0.3, headSize: 0.18, hair: 0, accessory: 0, outfit: 0 }, ...(features ? { features, notDrawn: ['rocket boots'] } : {}) },
      { name: 'Ana', description: 'a girl with a guitar and a tattoo', palette: ['#aa3344', '#223344'], shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 0, outfit: 0 } },
    ],
    locations: [], sectionMoods: [], visualHooks: [],
  })

  it("fills the fields from the model's ids and lists unknown ids and the model's own notDrawn", () => {
    const t = treatmentFromProposal(proposal(['robot', 'body:round', 'metal:silver', 'eyes:1', 'eye:cyan', 'antenna:orange', 'jetpack']), input(), 'llm:test', () => {})
    const bolt = t.entities.find((e) => e.id === 'bolt') as CharacterCard
    expect(bolt.shape).toMatchObject({ figureKind: 'robot', body: 'round', eyes: 1, antenna: true, colours: { body: 'silver', eye: 'cyan', antenna: 'orange' } })
    expect(bolt.features).toEqual(expect.arrayContaining(['robot', 'body:round', 'metal:silver', 'eyes:1', 'eye:cyan', 'antenna:orange']))
    expect(bolt.notDrawn).toEqual(['jetpack', 'rocket boots'])
  })

  it('reads the description itself when the model gives no ids', () => {
    const t = treatmentFromProposal(proposal(), input(), 'llm:test', () => {})
    const ana = t.entities.find((e) => e.id === 'ana') as CharacterCard
    expect(ana.features).toEqual(expect.arrayContaining(['person', 'guitar']))
    expect(ana.notDrawn).toEqual(['tattoo'])
    expect((t.entities.find((e) => e.id === 'bolt') as CharacterCard).features).toEqual(expect.arrayContaining(['robot', 'eye:cyan', 'eyes:1']))
  })

  it('tells the model the vocabulary', async () => {
    const text = await directorPrompt(input(), 'm')
    for (const id of ['animal:<cat|dog|fox|bear|rabbit|bird|owl>', 'antenna:<c>', 'headphones', 'keytar', 'notDrawn']) expect(text).toContain(id)
  })
})

const flat = { fps: 43.066, values: [0.5] }
const beats = Array.from({ length: 40 }, (_, i) => i / 2)
const SONG: Analysis = {
  version: 1,
  source: { path: '/tmp/song.wav', sha256: 'x', durationSec: 20, sampleRate: 22050 },
  tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false },
  beatless: [],
  streams: { method: 'dsp', detail: 'test' },
  meter: 4,
  beats,
  beatConfidence: beats.map(() => 1),
  downbeats: beats.filter((_, i) => i % 4 === 0),
  downbeatConfidence: beats.filter((_, i) => i % 4 === 0).map(() => 1),
  tracker: { method: 'dsp', detail: 'test' },
  sections: [{ index: 0, label: 'verse', start: 0, end: 20, energy: 0.6, confidence: 1 }],
  features: { onset: flat, rms: flat, percussive: flat, harmonic: flat, centroid: flat, hue: flat, vocal: flat },
}

function briefWith(characters: Array<{ name: string; description: string }>) {
  return makeBrief({
    title: 'T', concept: 'a night in the city', characters, locations: [], lyrics: [], assets: [],
    output: { width: 1280, height: 720, fps: 30 }, notes: '', baseDir: '/tmp/brief',
  })
}
