/**
 * The character vocabulary of the built-in procedural renderer: every kind, species, hair style,
 * garment, accessory, instrument and colour it can draw. The director maps descriptions onto these
 * ids; anything else a description asks for is listed as not drawn.
 */
import { z } from 'zod'

export const FIGURE_KINDS = ['person', 'robot', 'animal', 'creature'] as const
export const FigureKind = z.enum(FIGURE_KINDS)
export type FigureKind = z.infer<typeof FigureKind>

export const ANIMAL_SPECIES = ['cat', 'dog', 'fox', 'bear', 'rabbit', 'bird', 'owl'] as const
export const CREATURE_SPECIES = ['blob', 'ghost', 'dragon'] as const
export const Species = z.enum([...ANIMAL_SPECIES, ...CREATURE_SPECIES])
export type Species = z.infer<typeof Species>

export const HAIR_STYLES = ['none', 'short', 'long', 'curly', 'ponytail', 'spiky', 'bob', 'bun', 'braids', 'afro'] as const
export const HairStyle = z.enum(HAIR_STYLES)
export type HairStyle = z.infer<typeof HairStyle>

/** Garments (one top layer, a dress, stripes) and accessories. */
export const WEAR_ITEMS = ['coat', 'jacket', 'dress', 'hoodie', 'stripes', 'scarf', 'hat', 'cap', 'beanie', 'glasses', 'sunglasses', 'headphones', 'mask', 'backpack'] as const
export const WearItem = z.enum(WEAR_ITEMS)
export type WearItem = z.infer<typeof WearItem>

export const INSTRUMENTS = ['guitar', 'bass', 'keyboard', 'keytar', 'microphone', 'drums', 'drumsticks', 'violin', 'trumpet', 'sax'] as const
export const Instrument = z.enum(INSTRUMENTS)
export type Instrument = z.infer<typeof Instrument>

export const ROBOT_BODIES = ['round', 'boxy', 'tall'] as const
export const RobotBody = z.enum(ROBOT_BODIES)
export type RobotBody = z.infer<typeof RobotBody>

/** Colours by name (ids like "eye:cyan" carry the name, the renderer reads the hex here). */
export const FIGURE_COLOURS = {
  red: '#d6302f', crimson: '#a3162b', scarlet: '#e0362a', blue: '#2f5fd6', navy: '#1b2a5c', cyan: '#27c4dc',
  teal: '#1f9e9a', turquoise: '#34c6b4', green: '#3fa34d', emerald: '#1f8a5b', yellow: '#f2c94c',
  gold: '#d4a537', amber: '#e8a317', orange: '#f08a24', silver: '#c0c6cc', grey: '#7d8288',
  purple: '#7b3fbf', violet: '#8f5bd6', magenta: '#d63fb5', pink: '#e86fa6', white: '#f2f2f2',
  black: '#141414', brown: '#7a4b2a', chrome: '#dfe4ea', copper: '#b8693a', bronze: '#9c6b30',
  brass: '#c9a43f', steel: '#8d99a6', rusty: '#8f4a26', blonde: '#e6c77a', ginger: '#c0562a',
  auburn: '#8e3b26', brunette: '#4a2c1a', tan: '#c8a273', cream: '#efe3c8', charcoal: '#36393f',
} as const satisfies Record<string, string>
export type FigureColourName = keyof typeof FIGURE_COLOURS
export const FigureColour = z.enum(Object.keys(FIGURE_COLOURS) as [FigureColourName, ...FigureColourName[]])

/** Parts a colour can be given to: the body (fur, metal, a creature's skin), eyes, hair, antenna, any garment or instrument. */
export const FIGURE_PARTS = ['body', 'eye', 'hair', 'antenna', 'top', 'bottom', ...WEAR_ITEMS, 'instrument'] as const
export const FigurePart = z.enum(FIGURE_PARTS)
export type FigurePart = z.infer<typeof FigurePart>

/** The structured additions to a character's shape (all optional: absent = the old person fields rule). */
export const FigureFields = {
  /** Absent = person. */
  figureKind: FigureKind.optional(),
  species: Species.optional(),
  /** Robots: body shape; antenna on top. */
  body: RobotBody.optional(),
  antenna: z.boolean().optional(),
  /** Robots and creatures: how many eyes (people and animals have two). */
  eyes: z.number().int().min(1).max(3).optional(),
  /** People: supersedes `hair` when present. */
  hairStyle: HairStyle.optional(),
  wear: z.array(WearItem).optional(),
  instrument: Instrument.optional(),
  colours: z.partialRecord(FigurePart, FigureColour).optional(),
}

export const hexOfColour = (name: FigureColourName): string => FIGURE_COLOURS[name]

/** What the renderer draws for a character, with the legacy indices read where the new fields are absent. */
export interface FigureSpec {
  kind: FigureKind
  species?: Species
  body: RobotBody
  eyes: number
  antenna: boolean
  hairStyle: HairStyle
  wear: WearItem[]
  instrument?: Instrument
  colours: Partial<Record<FigurePart, FigureColourName>>
}

interface LegacyShape {
  hair: number
  accessory: number
  outfit: number
  figureKind?: FigureKind
  species?: Species
  body?: RobotBody
  antenna?: boolean
  eyes?: number
  hairStyle?: HairStyle
  wear?: WearItem[]
  instrument?: Instrument
  colours?: Partial<Record<FigurePart, FigureColourName>>
}

const LEGACY_HAIR: HairStyle[] = ['none', 'short', 'long', 'curly', 'ponytail', 'spiky']
const LEGACY_ACCESSORY: Array<WearItem | Instrument | undefined> = [undefined, 'hat', 'scarf', 'glasses', 'headphones', 'guitar']
const LEGACY_OUTFIT: Array<WearItem | undefined> = [undefined, 'stripes', 'jacket', 'dress']

/** Items that sit on a head or a neck: every kind can wear them; garments are for people only. */
export const HEAD_WEAR: ReadonlySet<WearItem> = new Set<WearItem>(['scarf', 'hat', 'cap', 'beanie', 'glasses', 'sunglasses', 'headphones'])

/** One item per slot is drawn (a figure wears one top layer, one hat, one pair of glasses): the first named wins. */
const SLOTS: ReadonlyArray<ReadonlySet<WearItem>> = [new Set(['coat', 'jacket', 'hoodie']), new Set(['hat', 'cap', 'beanie']), new Set(['glasses', 'sunglasses'])]
function exclusive(wear: WearItem[]): WearItem[] {
  return wear.filter((w, i) => !SLOTS.some((slot) => slot.has(w) && wear.slice(0, i).some((o) => slot.has(o))))
}

export function resolveFigure(s: LegacyShape): FigureSpec {
  const kind = s.figureKind ?? (s.species ? ((ANIMAL_SPECIES as readonly string[]).includes(s.species) ? 'animal' : 'creature') : 'person')
  const legacyAcc = LEGACY_ACCESSORY[s.accessory]
  const legacyWear = [LEGACY_OUTFIT[s.outfit], legacyAcc === 'guitar' ? undefined : legacyAcc].filter((w): w is WearItem => w !== undefined)
  const wear = exclusive([...new Set(s.wear ?? legacyWear)].filter((w) => kind === 'person' || HEAD_WEAR.has(w)))
  const species =
    kind === 'animal' ? (s.species && (ANIMAL_SPECIES as readonly string[]).includes(s.species) ? s.species : 'cat')
    : kind === 'creature' ? (s.species && (CREATURE_SPECIES as readonly string[]).includes(s.species) ? s.species : 'blob')
    : undefined
  return {
    kind,
    species,
    body: s.body ?? 'boxy',
    eyes: s.eyes ?? (kind === 'robot' || kind === 'creature' ? (s.eyes ?? 2) : 2),
    antenna: kind === 'robot' && (s.antenna ?? false),
    hairStyle: kind === 'person' ? (s.hairStyle ?? LEGACY_HAIR[s.hair] ?? 'short') : 'none',
    wear,
    // Hands are needed to hold one: people and robots play, animals and creatures do not.
    instrument: kind === 'person' || kind === 'robot' ? (s.instrument ?? (s.figureKind === undefined && legacyAcc === 'guitar' ? 'guitar' : undefined)) : undefined,
    colours: { ...(s.colours ?? {}) },
  }
}

/** The vocabulary ids a spec draws (card.features): kind first, then the parts. */
export function figureFeatures(f: FigureSpec): string[] {
  const c = f.colours
  const withColour = (id: string, part: FigurePart) => (c[part] ? `${id}:${c[part]}` : id)
  const out: string[] = [f.kind === 'person' || f.kind === 'robot' ? f.kind : `${f.kind}:${f.species}`]
  if (f.kind === 'person') {
    out.push(`hair:${f.hairStyle}`)
    if (c.hair) out.push(`hair-colour:${c.hair}`)
    if (c.top) out.push(`top:${c.top}`)
    if (c.bottom) out.push(`bottom:${c.bottom}`)
  }
  if (f.kind === 'robot') {
    out.push(`body:${f.body}`)
    if (c.body) out.push(`metal:${c.body}`)
    if (f.antenna) out.push(withColour('antenna', 'antenna'))
  }
  if ((f.kind === 'animal' || f.kind === 'creature') && c.body) out.push(`colour:${c.body}`)
  if (f.kind === 'robot' || f.kind === 'creature') out.push(`eyes:${f.eyes}`)
  if (c.eye) out.push(`eye:${c.eye}`)
  for (const w of f.wear) out.push(withColour(w, w))
  if (f.instrument) out.push(withColour(f.instrument, 'instrument'))
  return out
}
