import type { LocationCard } from '../../../schemas/index.js'
import { hexToRgb, mix, type Rgb } from './colour.js'

/** The light of a time of day, tinted by the location's palette. */
export interface Lighting {
  skyTop: Rgb
  skyHorizon: Rgb
  /** Sun or moon colour; also the rim light on figures. */
  light: Rgb
  /** Where the sun/moon sits, as fractions of the frame. */
  lightPos: { x: number; y: number }
  isNight: boolean
  /** 0..1 how lit the foreground is (silhouettes get darker as this drops). */
  ambient: number
  /** Colour silhouettes fade towards with distance (aerial perspective). */
  haze: Rgb
}

const BASE = {
  dawn: { top: '#34407a', horizon: '#f6a98e', light: '#ffd9a8', y: 0.46, ambient: 0.62 },
  day: { top: '#3a7bd5', horizon: '#c4e6f7', light: '#fff7dc', y: 0.2, ambient: 1 },
  dusk: { top: '#2b1850', horizon: '#ff7b4d', light: '#ffa060', y: 0.42, ambient: 0.5 },
  night: { top: '#04050d', horizon: '#1b2a50', light: '#e4ecff', y: 0.2, ambient: 0.3 },
} as const

export function lightingFor(loc: LocationCard, lightX: number): Lighting {
  const b = BASE[loc.shape.timeOfDay]
  const p0 = hexToRgb(loc.palette[0])
  const p1 = hexToRgb(loc.palette[1])
  const skyTop = mix(hexToRgb(b.top), p0, 0.22)
  const skyHorizon = mix(hexToRgb(b.horizon), p1, 0.28)
  return {
    skyTop,
    skyHorizon,
    light: hexToRgb(b.light),
    lightPos: { x: lightX, y: b.y },
    isNight: loc.shape.timeOfDay === 'night',
    ambient: b.ambient,
    haze: mix(skyHorizon, skyTop, 0.25),
  }
}
