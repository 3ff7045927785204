/** The place vocabulary: varied briefs map onto worlds, props and weather; the rest is listed as not drawn. */
import { describe, expect, it } from 'vitest'
import { heuristicTreatment } from '../src/agents/index.js'
import { insertableProps, locationCard, locationWorld } from '../src/agents/director/locations.js'
import { WORLD_DESCRIPTIONS } from '../src/agents/heuristics/placeWords.js'
import { PROP_DEFS } from '../src/render/generators/procedural/props/index.js'
import { LocationCard, PROP_IDS, WORLDS, type Analysis, type PropId, type World } from '../src/schemas/index.js'
import { makeBrief } from './helpers/brief.js'
import { flatAnalysis } from './helpers/places.js'

interface Case {
  name: string
  description: string
  world: World
  props: PropId[]
  weather?: 'rain' | 'snow'
  notDrawn: string[]
  /** Features drawn by the world itself (a forest's trees). */
  alsoDrawn?: PropId[]
}

const CASES: Case[] = [
  { name: 'Harbour', description: 'a harbour at dusk with fishing boats and a lighthouse', world: 'shoreline', props: ['lighthouse', 'boat'], notDrawn: [] },
  { name: 'Quay', description: 'a quay with gulls, a lighthouse and a red crane', world: 'shoreline', props: ['gulls', 'lighthouse'], notDrawn: ['red crane'] },
  { name: 'Observatory', description: 'an observatory', world: 'mountains', props: ['telescope-dome', 'telescope'], notDrawn: [] },
  { name: 'Arcade', description: 'an arcade', world: 'neon-grid', props: ['neon-sign', 'arcade-cabinet'], notDrawn: [] },
  { name: 'Wet Street', description: 'a rainy city street with neon signs, street lamps, parked cars and a noodle stall', world: 'city-street', weather: 'rain', props: ['street-lamp', 'car', 'neon-sign'], notDrawn: ['noodle stall'] },
  { name: 'Pass', description: 'snow-capped mountains above a meadow with a windmill, a tent and a campfire', world: 'mountains', props: ['windmill', 'tent', 'campfire'], alsoDrawn: ['mountain-peak'], notDrawn: [] },
  { name: 'Storm', description: 'a storm rolling in over nothing at all', world: 'rain', props: [], notDrawn: [] },
  { name: 'Reef', description: 'under the sea: a coral reef with fish, jellyfish and bubbles, and a sunken galleon', world: 'underwater', props: ['fish', 'jellyfish', 'coral', 'bubbles'], notDrawn: ['sunken galleon'] },
  { name: 'Club', description: 'a club stage with a drum kit, a guitar amp, speakers, a disco ball and a smoke machine', world: 'club-stage', props: ['drum-kit', 'guitar-amp', 'speakers', 'disco-ball'], notDrawn: ['smoke machine'] },
  { name: 'Booth', description: 'a recording studio with a piano, a microphone stand and a vintage mixing desk', world: 'studio', props: ['piano', 'microphone-stand'], notDrawn: ['vintage mixing desk'] },
  { name: 'Route', description: 'a desert highway with cacti, a road sign, a billboard and a rusty gas pump', world: 'desert-road', props: ['billboard', 'road-sign', 'cactus'], notDrawn: ['rusty gas pump'] },
  { name: 'Winter', description: 'a snowy village square with a snowman, benches and a frozen fountain', world: 'snow', props: ['bench', 'snowman'], notDrawn: ['snowy village square', 'frozen fountain'] },
  { name: 'Flat', description: 'a cosy living room with bookshelves, a floor lamp, potted plants and a window onto the rain', world: 'interior', props: ['plant', 'bookshelf'], alsoDrawn: ['lamp', 'window'], notDrawn: ['rain'] },
  { name: 'Orbit', description: 'drifting among the stars past a space station', world: 'starfield', props: [], notDrawn: ['space station'] },
  { name: 'Grid', description: 'a synthwave grid under a big moon with a ferris wheel', world: 'neon-grid', props: ['moon', 'ferris-wheel'], notDrawn: [] },
  { name: 'Woods', description: 'a forest clearing with tall trees, a bicycle against an oak and fireflies', world: 'forest', props: ['bicycle'], alsoDrawn: ['tree'], notDrawn: ['fireflies'] },
  { name: 'Oasis', description: 'golden sand dunes with palm trees around an oasis and a camel caravan', world: 'dunes', props: ['palm-tree'], notDrawn: ['camel caravan'] },
  { name: 'Roof', description: 'a city rooftop at night with a billboard, a traffic light and a bridge in the distance', world: 'skyline', props: ['bridge', 'traffic-light', 'billboard'], notDrawn: [] },
  { name: 'Beach', description: 'a beach at sunset with palm trees, clouds, a sailboat and crates on the sand', world: 'shoreline', props: ['clouds', 'boat', 'palm-tree', 'crate'], notDrawn: [] },
  { name: 'Lake', description: 'a lake below a mountain peak under the sun, with a bench and spotlights for a show', world: 'shoreline', props: ['mountain-peak', 'sun', 'bench', 'spotlights'], notDrawn: ['show'] },
  { name: 'Blizzard', description: 'a blizzard over a frozen road past a windmill', world: 'desert-road', weather: 'snow', props: ['windmill'], notDrawn: [] },
]

const card = (c: Pick<Case, 'name' | 'description'>): LocationCard => locationCard(c, 'x', locationWorld(c, new Set()))

describe('place vocabulary', () => {
  it('has at least 12 worlds and 40 props, each prop drawn', () => {
    expect(WORLDS.length).toBeGreaterThanOrEqual(12)
    expect(PROP_IDS.length).toBeGreaterThanOrEqual(40)
    expect(Object.keys(PROP_DEFS).sort()).toEqual([...PROP_IDS].sort())
  })

  it('the briefs cover every world and most props', () => {
    expect(new Set(CASES.map((c) => c.world))).toEqual(new Set(WORLDS))
    expect(new Set(CASES.flatMap((c) => c.props)).size).toBeGreaterThanOrEqual(35)
  })

  for (const c of CASES) {
    it(`${c.name}: "${c.description}"`, () => {
      const got = card(c)
      expect(got.shape.world).toBe(c.world)
      expect(got.shape.weather).toBe(c.weather)
      expect(new Set(got.shape.props ?? [])).toEqual(new Set(c.props))
      // Every described vocabulary feature is listed as drawn; the rest is listed as not drawn, exactly.
      expect(new Set(got.features)).toEqual(new Set([c.world, ...(c.weather ? [c.weather] : []), ...c.props, ...(c.alsoDrawn ?? [])]))
      expect(got.notDrawn).toEqual(c.notDrawn)
      expect(insertableProps(got)).toEqual(got.shape.props ?? [])
      expect(() => LocationCard.parse(got)).not.toThrow()
    })
  }

  it("each world's own description reads as that world with nothing missing", () => {
    for (const w of WORLDS) {
      const c = locationCard({ name: w, description: WORLD_DESCRIPTIONS[w], world: w }, 'x', w)
      expect(c.notDrawn, w).toEqual([])
      expect(c.features?.[0]).toBe(w)
    }
  })

  it("the bundled example's places: nothing extra placed, nothing listed missing", () => {
    const rows = [
      ['Rooftop', 'a flat city rooftop at night, water tanks and antennas against a skyline of lit windows', 'skyline'],
      ['Neon Grid', 'an endless glowing magenta and cyan grid running to a low violet horizon', 'neon-grid'],
      ['Shoreline', 'a quiet beach at dawn, slow waves, wet sand reflecting a pink and orange sky', 'shoreline'],
    ] as const
    for (const [name, description, world] of rows) {
      const c = locationCard({ name, description, world }, 'x', world)
      expect(c.shape.props, name).toBeUndefined()
      expect(c.notDrawn, name).toEqual([])
    }
  })

  it('night comes with a telescope or a campfire when no time is said; a said time wins', () => {
    expect(card({ name: 'O', description: 'an observatory' }).shape.timeOfDay).toBe('night')
    expect(card({ name: 'O', description: 'an observatory at dawn' }).shape.timeOfDay).toBe('dawn')
  })

  it('a brief world wins, and what the description says of other worlds is listed as not drawn', () => {
    const c = locationCard({ name: 'Override', description: 'a city street with a bench', world: 'forest' }, 'o', 'forest')
    expect(c.features).toEqual(['forest', 'bench'])
    expect(c.notDrawn).toEqual(['city street'])
  })

  it('the heuristic director writes features and not-drawn lists into the treatment', () => {
    const analysis = flatAnalysis()
    const t = heuristicTreatment({
      brief: makeBrief({ title: 'T', concept: 'c', characters: [], locations: CASES.slice(0, 4).map(({ name, description }) => ({ name, description })), lyrics: [], assets: [], output: { width: 320, height: 180, fps: 12 }, notes: '', baseDir: '/tmp' }),
      analysis,
    })
    const locs = t.entities.filter((e): e is LocationCard => e.kind === 'location')
    expect(locs.map((l) => l.features)).toEqual(CASES.slice(0, 4).map((c) => [c.world, ...c.props]))
    expect(locs[1].notDrawn).toEqual(['red crane'])
  })
})
