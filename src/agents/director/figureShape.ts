/**
 * Vocabulary ids → the structured fields of a CharacterShape, and back (what a card reports as
 * drawn). Shared by the heuristic director (ids read from words) and the LLM director (ids the
 * model chose), so both fill the same fields the same way.
 */
import {
  ANIMAL_SPECIES,
  FigureColour,
  HairStyle,
  Instrument,
  RobotBody,
  WearItem,
  figureFeatures,
  resolveFigure,
  type CharacterShape,
  type FigureColourName,
  type FigureKind,
  type FigurePart,
  type Species,
} from '../../schemas/index.js'

const LEGACY_HAIR: Record<HairStyle, number> = { none: 0, short: 1, long: 2, curly: 3, ponytail: 4, spiky: 5, bob: 2, bun: 4, braids: 4, afro: 3 }

/** Typical height (fraction of the frame) per kind/species before size words. */
export function defaultHeight(kind: FigureKind, species: Species | undefined): number {
  if (kind === 'robot') return 0.56
  if (kind === 'person') return 0.63
  const table: Record<Species, number> = { cat: 0.3, dog: 0.38, fox: 0.34, bear: 0.66, rabbit: 0.3, bird: 0.24, owl: 0.3, blob: 0.4, ghost: 0.58, dragon: 0.72 }
  return table[species ?? 'blob']
}

const colourOf = (v: string | undefined): FigureColourName | undefined => {
  const p = FigureColour.safeParse(v)
  return p.success ? p.data : undefined
}

/**
 * A length and a style make one hair style ("short spiky" is spiky, "long wavy" is long, "long
 * braids" is braids); between two styles the first named wins.
 */
function mergeHair(prev: HairStyle | undefined, next: HairStyle): HairStyle {
  if (prev === undefined) return next
  const isLength = (h: HairStyle) => h === 'short' || h === 'long'
  if (isLength(prev) && !isLength(next)) return prev === 'long' && next === 'curly' ? 'long' : next
  return prev
}

/** The hair ids a description loses (a second style); lengths merged into a style are not lost. */
export function lostHairIds(ids: readonly string[]): Set<string> {
  const lost = new Set<string>()
  let prev: HairStyle | undefined
  for (const id of ids) {
    const [head, arg] = id.split(':')
    if (head !== 'hair' || !HairStyle.safeParse(arg).success) continue
    const next = arg as HairStyle
    const isLength = (h: HairStyle) => h === 'short' || h === 'long'
    if (prev !== undefined && !isLength(prev) && !isLength(next) && next !== prev) lost.add(id)
    prev = mergeHair(prev, next)
  }
  return lost
}

export interface AppliedIds {
  shape: CharacterShape
  /** Ids that were not understood (not in the vocabulary). */
  unknown: string[]
}

/**
 * Applies ids over a base shape (whose numbers and legacy indices came from the hash or the model).
 * `roleIds`: instruments implied by a role word ("singer" → microphone) yield to named ones.
 * `hash` decides what the ids leave open (a robot's body and antenna), stably per character.
 */
export function applyFeatureIds(
  base: CharacterShape,
  ids: readonly string[],
  hash: (what: string) => number,
  roleIds: ReadonlySet<string> = new Set(),
  /** The description says nothing of the look (no garment, hair, instrument, nor anything undrawn): a hashed accessory may add variety. */
  bare = true,
): AppliedIds {
  const unknown: string[] = []
  const kinds = ids.filter((id) => id === 'robot' || id === 'creature' || id.startsWith('animal:') || id.startsWith('creature:'))
  const kindId = kinds.find((k) => k !== 'creature') ?? kinds[0]
  const kind: FigureKind = kindId === undefined ? 'person' : kindId === 'robot' ? 'robot' : kindId.startsWith('animal:') ? 'animal' : 'creature'
  let species: Species | undefined
  if (kindId?.includes(':')) {
    const sp = kindId.split(':')[1] as Species
    species = kind === 'animal' && (ANIMAL_SPECIES as readonly string[]).includes(sp) ? sp : kind === 'creature' ? sp : undefined
  } else if (kind === 'creature') species = 'blob'

  const colours: Partial<Record<FigurePart, FigureColourName>> = {}
  const wear: WearItem[] = []
  const instruments: Instrument[] = []
  let hairStyle: HairStyle | undefined
  let body: RobotBody | undefined
  let eyes: number | undefined
  let antenna: boolean | undefined
  let size = 1
  let build: 'broad' | 'slim' | undefined
  for (const id of ids) {
    const [head, arg] = id.split(':') as [string, string | undefined]
    const c = colourOf(arg)
    if (id === 'person' || id === 'robot' || id === 'creature' || head === 'animal' || head === 'creature') continue
    if (head === 'size') size = arg === 'small' ? 0.8 : arg === 'tall' ? 1.2 : size
    else if (head === 'build' && (arg === 'broad' || arg === 'slim')) build = arg
    else if (head === 'hair' && HairStyle.safeParse(arg).success) hairStyle = mergeHair(hairStyle, arg as HairStyle)
    else if (head === 'hair-colour' && c) colours.hair ??= c
    else if ((head === 'top' || head === 'bottom' || head === 'eye') && c) colours[head] ??= c
    else if ((head === 'metal' || head === 'colour') && c) colours.body ??= c
    else if (head === 'body' && RobotBody.safeParse(arg).success) body ??= arg as RobotBody
    else if (head === 'eyes' && Number(arg) >= 1 && Number(arg) <= 3) eyes ??= Number(arg)
    else if (head === 'antenna') {
      antenna = true
      if (c) colours.antenna ??= c
    } else if (WearItem.safeParse(head).success) {
      if (!wear.includes(head as WearItem)) wear.push(head as WearItem)
      if (c) colours[head as WearItem] ??= c
    } else if (Instrument.safeParse(head).success) {
      if (!roleIds.has(id)) instruments.push(head as Instrument)
      if (c) colours.instrument ??= c
    } else if (!head.startsWith('anatomy')) unknown.push(id)
  }
  const roleInstrument = [...roleIds].map((r) => Instrument.safeParse(r)).find((r) => r.success)?.data
  const instrument = instruments[0] ?? roleInstrument

  // Height: persons keep the keyword/hash height from the base; other kinds start from their own.
  const height = kind === 'person' ? base.height : defaultHeight(kind, species) * size * (0.94 + 0.12 * hash('height'))
  const shape: CharacterShape = {
    ...base,
    height: Math.round(Math.min(0.9, Math.max(0.2, height)) * 1000) / 1000,
    build: build === undefined ? base.build : build === 'broad' ? Math.max(base.build, 0.38) : Math.min(base.build, 0.24),
    figureKind: kind,
    ...(species ? { species } : {}),
    ...(Object.keys(colours).length > 0 ? { colours } : {}),
    ...(instrument ? { instrument } : {}),
  }
  if (kind === 'person') {
    shape.hairStyle = hairStyle ?? resolveFigure(base).hairStyle
    // Nothing worn is named: the hashed legacy outfit stands (as before the vocabulary), and its hashed
    // accessory too unless the description says how the figure looks (a hat would hide a described bun).
    const described = !bare || hairStyle !== undefined || instrument !== undefined
    shape.wear = wear.length > 0 ? wear : resolveFigure({ ...base, accessory: described ? 0 : base.accessory, instrument: undefined }).wear
  } else {
    shape.wear = wear
    shape.hair = 0
  }
  if (kind === 'robot') {
    shape.body = body ?? (size > 1 ? 'tall' : (['round', 'boxy', 'tall'] as const)[Math.floor(hash('body') * 3)])
    shape.antenna = antenna ?? hash('antenna') < 0.5
  }
  if (kind === 'robot' || kind === 'creature') shape.eyes = eyes ?? (kind === 'creature' && species === 'blob' && hash('eyes') < 0.4 ? 1 : 2)
  syncLegacy(shape)
  return { shape, unknown }
}

/** Keeps the old indices the nearest equivalent of the structured fields, for readers that only know them. */
function syncLegacy(shape: CharacterShape): void {
  const spec = resolveFigure(shape)
  shape.hair = LEGACY_HAIR[spec.hairStyle]
  const w = new Set(spec.wear)
  shape.outfit = w.has('dress') ? 3 : w.has('stripes') ? 1 : w.has('jacket') || w.has('coat') || w.has('hoodie') ? 2 : 0
  shape.accessory = spec.instrument === 'guitar' || spec.instrument === 'bass' ? 5
    : w.has('headphones') ? 4 : w.has('glasses') || w.has('sunglasses') ? 3 : w.has('scarf') ? 2 : w.has('hat') || w.has('cap') || w.has('beanie') ? 1 : 0
}

/** The ids a card draws: the figure's parts plus its size and build when they stand out. */
export function cardFeatures(shape: CharacterShape): string[] {
  const spec = resolveFigure(shape)
  const out = figureFeatures(spec)
  const ref = defaultHeight(spec.kind, spec.species)
  if (shape.height <= ref * 0.86 || (spec.kind === 'person' && shape.height <= 0.52)) out.splice(1, 0, 'size:small')
  else if (shape.height >= ref * 1.14 || (spec.kind === 'person' && shape.height >= 0.74)) out.splice(1, 0, 'size:tall')
  if (spec.kind === 'person' && shape.build >= 0.38) out.push('build:broad')
  if (spec.kind === 'person' && shape.build <= 0.24) out.push('build:slim')
  return out
}

/** Whether a requested id is among the drawn features (a bare "antenna" is drawn by "antenna:orange"). */
export function isDrawn(id: string, features: readonly string[]): boolean {
  return features.includes(id) || features.some((f) => f.startsWith(`${id}:`))
}
