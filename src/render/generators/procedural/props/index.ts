/** The prop registry: every id in PROP_IDS has one drawing. */
import type { PropId } from '../../../../schemas/index.js'
import { bridge, boat, ferrisWheel, lighthouse, mountainPeak, telescopeDome, windmill } from './landmarks.js'
import { cactus, campfire, palmTree, plant, snowman, telescope, tent, tree } from './nature.js'
import { bubbles, coral, fish, jellyfish } from './sea.js'
import { clouds, gulls, moon, sun } from './sky.js'
import { discoBall, lamp, spotlights } from './lights.js'
import { bookshelf, windowProp } from './room.js'
import { arcadeCabinet, billboard, neonSign, roadSign } from './signs.js'
import { drumKit, guitarAmp, microphoneStand, piano, speakers } from './stage.js'
import { bench, bicycle, car, crate, streetLamp, trafficLight } from './street.js'
import type { PropDef } from './types.js'

export type { Box, PropColours, PropDef, Slot } from './types.js'

const ALL: PropDef[] = [
  moon, sun, clouds, gulls,
  lighthouse, mountainPeak, windmill, ferrisWheel, bridge, telescopeDome, boat,
  streetLamp, car, bench, bicycle, trafficLight, billboard, roadSign, neonSign, arcadeCabinet, crate,
  tree, palmTree, tent, campfire, cactus, plant, snowman, telescope,
  drumKit, guitarAmp, piano, microphoneStand, speakers, spotlights, discoBall, bookshelf, lamp, windowProp,
  fish, jellyfish, coral, bubbles,
]

export const PROP_DEFS: Readonly<Record<PropId, PropDef>> = Object.fromEntries(ALL.map((d) => [d.id, d])) as Record<PropId, PropDef>
