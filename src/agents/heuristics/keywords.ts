/**
 * Keyword tables the heuristic director reads descriptions with. Kept as data so they can be
 * extended without touching the logic.
 */
import type { TimeOfDay } from '../../schemas/index.js'

export const NAMED_COLOURS: Record<string, string> = {
  red: '#d6302f',
  crimson: '#a3162b',
  scarlet: '#e0362a',
  blue: '#2f5fd6',
  navy: '#1b2a5c',
  cyan: '#27c4dc',
  teal: '#1f9e9a',
  turquoise: '#34c6b4',
  green: '#3fa34d',
  emerald: '#1f8a5b',
  yellow: '#f2c94c',
  gold: '#d4a537',
  golden: '#d4a537',
  amber: '#e8a317',
  orange: '#f08a24',
  silver: '#c0c6cc',
  grey: '#7d8288',
  gray: '#7d8288',
  purple: '#7b3fbf',
  violet: '#8f5bd6',
  magenta: '#d63fb5',
  pink: '#e86fa6',
  white: '#f2f2f2',
  black: '#141414',
  brown: '#7a4b2a',
}

// World tables (keywords, descriptions, contrasts, colours, night worlds) live in placeWords.ts with the props.

export const SKY_COLOURS: Record<TimeOfDay, string> = {
  dawn: '#f4a7a0',
  day: '#8cc4ee',
  dusk: '#e2734a',
  night: '#101636',
}

/** Order matters: the first table entry with a hit wins, so specific words come first. */
export const TIME_KEYWORDS: ReadonlyArray<readonly [TimeOfDay, readonly string[]]> = [
  ['night', ['night', 'midnight', 'nighttime', 'moonlit', 'moonlight', 'nocturnal']],
  ['dusk', ['dusk', 'sunset', 'evening', 'twilight', 'golden hour']],
  ['dawn', ['dawn', 'sunrise', 'morning', 'daybreak']],
]

export const DENSE_WORDS = ['crowded', 'dense', 'busy', 'packed', 'bustling', 'teeming']
export const SPARSE_WORDS = ['empty', 'sparse', 'lonely', 'deserted', 'abandoned', 'quiet', 'minimal']

/** Character shape keywords. Indices follow CharacterShape in schemas/treatment.ts. */
export const TALL_WORDS = ['tall', 'towering', 'lanky', 'giant']
export const SHORT_WORDS = ['short', 'small', 'tiny', 'petite', 'little', 'child', 'kid']
export const BROAD_WORDS = ['broad', 'muscular', 'stocky', 'burly', 'heavy', 'big', 'strong']
export const SLIM_WORDS = ['slim', 'thin', 'slender', 'skinny', 'wiry', 'lean']

/** Hair silhouette: 0 none, 1 short, 2 long, 3 curly, 4 ponytail, 5 spiky/mohawk. */
export const HAIR_PATTERNS: ReadonlyArray<readonly [number, RegExp]> = [
  [0, /\b(bald|shaved head|shaven head|hairless)\b/i],
  [4, /\b(ponytail|pony tail|pigtails?|braids?|braided|bun)\b/i],
  [3, /\b(curly|curls|afro|wavy hair|ringlets)\b/i],
  [5, /\b(spiky|mohawk|punk hair)\b/i],
  [2, /\b(long[- ]hair(ed)?|flowing hair|long locks)\b/i],
  [1, /\b(short[- ]hair(ed)?|buzz ?cut|crew ?cut|crop(ped)? hair|pixie)\b/i],
]

/** Accessory: 0 none, 1 hat, 2 scarf, 3 glasses, 4 headphones, 5 guitar. */
export const ACCESSORY_PATTERNS: ReadonlyArray<readonly [number, RegExp]> = [
  [5, /\b(guitar|guitarist|bass guitar|ukulele)\b/i],
  [4, /\b(headphones|headset|earphones|earbuds)\b/i],
  [3, /\b(glasses|sunglasses|shades|spectacles|goggles)\b/i],
  [1, /\b(hat|cap|beanie|fedora|beret|helmet)\b/i],
  [2, /\b(scarf|shawl|bandana)\b/i],
]

/** Outfit: 0 plain, 1 stripes, 2 jacket, 3 dress. */
export const OUTFIT_PATTERNS: ReadonlyArray<readonly [number, RegExp]> = [
  [3, /\b(dress|gown|skirt|robe)\b/i],
  [1, /\b(stripes|striped|stripy|stripey)\b/i],
  [2, /\b(jacket|coat|blazer|hoodie|trench|parka|suit)\b/i],
]

/** Words that qualify a section label, checked against its base label. */
export const LABEL_MOODS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^intro/, 'opening, anticipation'],
  [/^pre/, 'rising tension'],
  [/^verse/, 'storytelling'],
  [/^chorus|^hook|^refrain/, 'release'],
  [/^drop/, 'explosive'],
  [/^bridge/, 'a turn, reflective'],
  [/^break/, 'stripped-back'],
  [/^solo/, 'virtuosic'],
  [/^outro|^end|^coda/, 'fading, resolved'],
]

/** Style keywords for the style bible. */
export const GRAIN_WORDS = ['grain', 'grainy', 'film', '16mm', '35mm', 'super 8', 'super8', 'vhs', 'analog', 'analogue', 'vintage', 'celluloid']
export const CLEAN_WORDS = ['clean', 'crisp', 'digital', 'sharp', 'glossy']
export const VIGNETTE_WORDS = ['dark', 'noir', 'moody', 'shadow', 'shadows', 'shadowy', 'gloomy', 'brooding']
export const BRIGHT_WORDS = ['bright', 'sunny', 'airy', 'pastel', 'light']
export const SERIF_WORDS = ['elegant', 'classic', 'classical', 'vintage', 'noir', 'romantic', 'literary']
export const MONO_WORDS = ['retro', 'arcade', 'synth', 'synthwave', 'pixel', 'terminal', '8-bit', 'vhs', 'glitch']
