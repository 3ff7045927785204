import type { LocationCard } from '../../../../schemas/index.js'
import { lightingFor } from '../lighting.js'
import { mixSeed, mulberry32, range } from '../prng.js'
import type { Stage } from '../stage.js'
import { placeProps } from '../props/place.js'
import { cityStreet, rain, skyline } from './city.js'
import { clubStage, interior, studio } from './indoor.js'
import { rainLayer, snowLayer } from './layers.js'
import { mountains, snow } from './mountains.js'
import { dunes, forest } from './nature.js'
import { desertRoad } from './road.js'
import { neonGrid, starfield } from './synthetic.js'
import type { Painter, World } from './types.js'
import { shoreline, underwater } from './water.js'

export type { World } from './types.js'

const PAINTERS: Record<LocationCard['shape']['world'], Painter> = {
  skyline,
  dunes,
  shoreline,
  forest,
  'neon-grid': neonGrid,
  interior,
  starfield,
  'city-street': cityStreet,
  mountains,
  rain,
  underwater,
  'club-stage': clubStage,
  studio,
  'desert-road': desertRoad,
  snow,
}

/** The world's painted layers, then its weather, then its props placed in the layers. */
export function buildWorld(s: Stage, loc: LocationCard): World {
  const rng = mulberry32(mixSeed(loc.seed, loc.id, 'layout'))
  const lightX = range(rng, 0.25, 0.75)
  const L = lightingFor(loc, lightX)
  const world: World = { ...PAINTERS[loc.shape.world](s, loc, L, rng), lighting: L }
  const weather = loc.shape.weather
  const wr = mulberry32(mixSeed(loc.seed, 'weather'))
  if (weather === 'rain' && loc.shape.world !== 'rain') world.foreground.push(rainLayer(s, wr, [200, 210, 230]))
  if (weather === 'snow' && loc.shape.world !== 'snow') world.foreground.push(snowLayer(s, wr))
  if (loc.shape.props && loc.shape.props.length > 0) placeProps(s, loc, world)
  return world
}
