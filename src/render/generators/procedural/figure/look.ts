/** A character's fixed look, derived from its card only (so it is the same in every shot). */
import type { CharacterCard, FigurePart, FigureSpec, Species } from '../../../../schemas/index.js'
import { FIGURE_COLOURS, resolveFigure } from '../../../../schemas/index.js'
import { hexToRgb, luma, mix, type Rgb } from '../colour.js'
import { mixSeed, mulberry32 } from '../prng.js'

const SKIN: Rgb[] = [[255, 219, 172], [241, 194, 125], [224, 172, 105], [198, 134, 66], [141, 85, 36], [92, 58, 33]]

/** Natural coats per species when the description names no colour (a purple cat reads as a mistake). */
const SPECIES_COLOURS: Record<Species, Rgb[]> = {
  cat: [[120, 120, 128], [226, 140, 60], [40, 38, 44], [236, 230, 218]],
  dog: [[150, 100, 60], [210, 170, 110], [60, 45, 35], [235, 225, 205]],
  fox: [[222, 110, 40]],
  bear: [[110, 72, 44], [70, 50, 36]],
  rabbit: [[236, 232, 226], [160, 140, 120], [120, 120, 126]],
  bird: [[70, 110, 190], [150, 100, 60], [200, 60, 50]],
  owl: [[140, 100, 64], [110, 90, 70]],
  blob: [],
  ghost: [[238, 240, 248]],
  dragon: [[70, 150, 80], [180, 60, 45], [60, 110, 160]],
}

const INSTRUMENT_FINISHES: Rgb[] = [[214, 122, 40], [184, 36, 40], [236, 222, 186], [32, 32, 36], [60, 120, 200]]

export interface FigureLook {
  shape: CharacterCard['shape']
  spec: FigureSpec
  top: Rgb
  /** The shirt under an open jacket or coat (the torso itself without one), and its stripes. */
  shirt: Rgb
  stripe: Rgb
  bottom: Rgb
  accent: Rgb
  hair: Rgb
  skin: Rgb
  /** Fur, metal or a creature's skin. */
  body: Rgb
  eye: Rgb
  antenna: Rgb
  /** Colour of a part: the description's colour when it named one, else a palette colour. */
  part(p: FigurePart): Rgb
  /** Per-character phase so a group does not move in lockstep. */
  phase: number
  seed: number
}

export function figureLook(card: CharacterCard): FigureLook {
  const rng = mulberry32(mixSeed(card.seed, card.id, 'figure'))
  const p = card.palette.map(hexToRgb)
  const spec = resolveFigure(card.shape)
  const named = (part: FigurePart): Rgb | undefined => {
    const c = spec.colours[part]
    return c ? hexToRgb(FIGURE_COLOURS[c]) : undefined
  }
  const accent = p[2] ?? mix(p[0], [255, 255, 255], 0.5)
  const outer = spec.wear.find((w) => w === 'coat' || w === 'jacket' || w === 'hoodie')
  // Palette colours the description gave to a part (red hair, a green scarf) do not also dress the body.
  const taken = new Set<string>(Object.values(spec.colours).map((c) => FIGURE_COLOURS[c]))
  const free = card.palette.filter((hex) => !taken.has(hex.toLowerCase())).map(hexToRgb)
  const spare = (k: number): Rgb => free[k] ?? (k === 0 ? mix(p[0], [90, 90, 110], 0.6) : mix(p[1] ?? p[0], [40, 40, 60], 0.6))
  // The torso shows the outer layer's colour; the shirt shows in its opening (and carries the stripes).
  const top = (outer && named(outer)) ?? (spec.wear.includes('dress') ? named('dress') : undefined) ?? named('top') ?? spare(0)
  const shirt = outer ? (named('top') ?? accent) : top
  const stripe = named('stripes') ?? (luma(shirt) > 0.6 ? mix(shirt, [20, 20, 30], 0.7) : mix(shirt, [250, 250, 245], 0.7))
  const skin = SKIN[Math.floor(rng() * SKIN.length)]
  const phase = rng()
  const natural = spec.species ? SPECIES_COLOURS[spec.species] : []
  const body =
    named('body') ??
    (spec.kind === 'robot' ? mix(p[0], [196, 202, 210], 0.65) : natural.length > 0 ? natural[Math.floor(rng() * natural.length)] : p[0])
  const eye = named('eye') ?? (spec.kind === 'robot' ? mix(accent, [120, 240, 255], 0.5) : [25, 18, 22])
  // An unnamed instrument takes the finish that stands out most from the clothes it is held against.
  const dist = (a: Rgb, b: Rgb) => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])
  const finish = INSTRUMENT_FINISHES.reduce((best, c) => (dist(c, top) > dist(best, top) ? c : best))
  return {
    shape: card.shape,
    spec,
    top,
    bottom: named('bottom') ?? spare(1),
    shirt,
    stripe,
    accent,
    hair: named('hair') ?? (p[3] ? p[3] : mix(p[1], [20, 15, 10], 0.6)),
    skin,
    body,
    eye,
    antenna: named('antenna') ?? [235, 60, 50],
    part: (part) => named(part) ?? (part === 'instrument' ? finish : part === 'scarf' || part === 'hat' || part === 'beanie' || part === 'cap' ? accent : top),
    phase,
    seed: card.seed,
  }
}
