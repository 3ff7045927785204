/** Contact sheets of every world and every prop, written for a person to look at (and checked for size). */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROP_IDS, WORLDS, type World } from '../src/schemas/index.js'
import { PROP_DEFS } from '../src/render/generators/procedural/props/index.js'
import { contactSheet, frame, place, request, singer } from './helpers/places.js'

const dir = process.env.LONGAV_SHEETS_DIR ?? path.join(os.tmpdir(), 'longav-place-sheets')
mkdirSync(dir, { recursive: true })

/** A world each prop suits, for the sheet. */
function homeOf(id: string): World {
  const slot = PROP_DEFS[id as keyof typeof PROP_DEFS].slot
  if (['fish', 'jellyfish', 'coral', 'bubbles'].includes(id)) return 'underwater'
  if (['drum-kit', 'guitar-amp', 'piano', 'microphone-stand', 'speakers', 'spotlights', 'disco-ball'].includes(id)) return 'club-stage'
  if (['bookshelf', 'lamp', 'window', 'plant'].includes(id)) return 'interior'
  if (['boat', 'lighthouse', 'gulls', 'palm-tree'].includes(id)) return 'shoreline'
  if (['cactus', 'road-sign'].includes(id)) return 'desert-road'
  if (['snowman'].includes(id)) return 'snow'
  if (['tent', 'campfire', 'tree', 'windmill', 'telescope-dome', 'telescope'].includes(id)) return 'mountains'
  return slot === 'sky' ? 'dunes' : 'city-street'
}

describe('place sheets', () => {
  it('renders every world (with a figure) to one sheet', () => {
    const items = WORLDS.map((w) => ({ label: w, canvas: frame(request(place(w), { characters: [singer], width: 320, height: 180 }), 3).canvas }))
    const file = path.join(dir, 'worlds.png')
    writeFileSync(file, contactSheet(items, 4))
    expect(items).toHaveLength(WORLDS.length)
  })

  it('renders every prop in a world that suits it, and as an insert', () => {
    const items = PROP_IDS.flatMap((id) => {
      const loc = place(homeOf(id), { props: [id], timeOfDay: id === 'sun' ? 'day' : 'dusk' })
      return [
        { label: id, canvas: frame(request(loc, { width: 240, height: 136 }), 3).canvas },
        { label: `${id} insert`, canvas: frame(request(loc, { width: 240, height: 136, shot: { kind: 'insert', prop: id } }), 3).canvas },
      ]
    })
    writeFileSync(path.join(dir, 'props.png'), contactSheet(items, 8))
    expect(items).toHaveLength(PROP_IDS.length * 2)
  })
})
