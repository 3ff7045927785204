/** Contact sheets of every world and every prop, written for a person to look at (and checked for size). */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROP_IDS, WORLDS, type World } from '../src/schemas/index.js'
import { PROP_DEFS } from '../src/render/generators/procedural/props/index.js'
import { contactSheet, diffIn, frame, place, request, singer } from './helpers/places.js'

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
    const frames = WORLDS.map((w) => frame(request(place(w), { characters: [singer], width: 320, height: 180 }), 3))
    const file = path.join(dir, 'worlds.png')
    writeFileSync(file, contactSheet(frames.map((f, k) => ({ label: WORLDS[k], canvas: f.canvas })), 4))
    // Every world paints the whole frame (no untouched black corner from the world area).
    for (const [k, f] of frames.entries()) {
      const corner = [0, (f.width - 1) * 4, (f.height - 1) * f.width * 4, (f.height * f.width - 1) * 4]
      expect(corner.some((i) => f.data[i] + f.data[i + 1] + f.data[i + 2] > 0), WORLDS[k]).toBe(true)
    }
  })

  it('renders every prop in a world that suits it, and as an insert', () => {
    const items = PROP_IDS.flatMap((id) => {
      const loc = place(homeOf(id), { props: [id], timeOfDay: id === 'sun' ? 'day' : 'dusk' })
      const wide = frame(request(loc, { width: 240, height: 136 }), 3)
      const insert = frame(request(loc, { width: 240, height: 136, shot: { kind: 'insert', prop: id } }), 3)
      // The insert is a different picture from the wide shot of the same place.
      expect(diffIn(wide, insert, { x0: 0, x1: 1, y0: 0, y1: 1 }), id).toBeGreaterThan(5)
      return [{ label: id, canvas: wide.canvas }, { label: `${id} insert`, canvas: insert.canvas }]
    })
    writeFileSync(path.join(dir, 'props.png'), contactSheet(items, 8))
  })
})
