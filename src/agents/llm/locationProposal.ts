/** A model's location shape made valid: world, time, density, props and weather checked; what cannot be drawn listed. */
import { PROP_IDS, LocationShape, WEATHERS, WORLDS, type LocationCard, type PropId, type Weather } from '../../schemas/index.js'
import { placeVocabulary } from '../director/locations.js'
import { sanitizeText } from './summary.js'

/** What the model may answer for a location's shape (loose: code repairs it). */
export interface ProposedLocationShape {
  world: string
  timeOfDay: string
  density: number
  props?: string[]
  weather?: string
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0)
const MAX_NOT_DRAWN = 12

/** The location card with the model's shape on top of the heuristic card; `fix` records each repair. */
export function locationFromProposal(
  card: LocationCard,
  s: ProposedLocationShape,
  notDrawn: string[] | undefined,
  what: string,
  fix: (msg: string) => void,
): Pick<LocationCard, 'shape' | 'features' | 'notDrawn'> {
  const parsed = LocationShape.safeParse({ world: s.world, timeOfDay: s.timeOfDay, density: clamp01(s.density) })
  if (!parsed.success || parsed.data.density !== s.density) fix(`${what}: shape repaired`)
  const base = parsed.success ? parsed.data : { world: card.shape.world, timeOfDay: card.shape.timeOfDay, density: card.shape.density }
  if (!parsed.success && !(WORLDS as readonly string[]).includes(s.world)) fix(`${what}: unknown world "${sanitizeText(s.world, 40)}"`)
  // Without a props answer, the description is read with the heuristic vocabulary in the model's world.
  if (s.props === undefined) {
    const v = placeVocabulary(card.description, base.world)
    return {
      shape: { ...base, ...(v.props.length > 0 ? { props: v.props } : {}), ...(v.weather ? { weather: v.weather } : {}) },
      features: v.features,
      notDrawn: v.notDrawn,
    }
  }
  const known = [...new Set(s.props.filter((p): p is PropId => (PROP_IDS as readonly string[]).includes(p)))]
  const unknown = s.props.filter((p) => !(PROP_IDS as readonly string[]).includes(p)).map((p) => sanitizeText(p, 60)).filter((p) => p.length > 0)
  if (unknown.length > 0) fix(`${what}: ${unknown.length} prop(s) not in the vocabulary listed as not drawn`)
  let weather: Weather | undefined
  if (s.weather !== undefined && s.weather !== '') {
    if ((WEATHERS as readonly string[]).includes(s.weather)) weather = s.weather as Weather
    else fix(`${what}: weather "${sanitizeText(s.weather, 20)}" is not rain or snow: dropped`)
  }
  const listed = (notDrawn ?? []).map((n) => sanitizeText(n, 80)).filter((n) => n.length > 0)
  const all = [...new Set([...listed, ...unknown])]
  if (all.length > MAX_NOT_DRAWN) fix(`${what}: not-drawn list cut to ${MAX_NOT_DRAWN}`)
  return {
    shape: { ...base, ...(known.length > 0 ? { props: known } : {}), ...(weather ? { weather } : {}) },
    features: [base.world, ...(weather ? [weather] : []), ...known],
    notDrawn: all.slice(0, MAX_NOT_DRAWN),
  }
}
