/**
 * Keyword tables the heuristic director reads descriptions with. Kept as data so they can be
 * extended without touching the logic.
 */
import type { TimeOfDay, World } from '../../schemas/index.js'

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

/** Keywords per world; a location takes the world with the most hits (earliest hit breaks ties). */
export const WORLD_KEYWORDS: Record<World, readonly string[]> = {
  skyline: ['city', 'rooftop', 'rooftops', 'roof', 'skyline', 'street', 'streets', 'downtown', 'skyscraper', 'skyscrapers', 'urban', 'alley'],
  dunes: ['desert', 'dunes', 'dune', 'sand', 'sands', 'canyon', 'mesa'],
  shoreline: ['beach', 'sea', 'ocean', 'shore', 'coast', 'waves', 'harbour', 'harbor', 'pier', 'lake'],
  forest: ['forest', 'woods', 'trees', 'jungle', 'grove', 'woodland', 'park'],
  'neon-grid': ['neon', 'synth', 'synthwave', 'grid', 'retro', 'arcade', 'vaporwave', 'cyber', 'cyberpunk'],
  interior: ['room', 'bedroom', 'studio', 'bar', 'club', 'kitchen', 'inside', 'apartment', 'hall', 'diner', 'garage', 'stage'],
  starfield: ['space', 'stars', 'star', 'cosmos', 'cosmic', 'galaxy', 'orbit', 'nebula', 'planet'],
}

/** A short visual description per world, for prompts and inferred locations. */
export const WORLD_DESCRIPTIONS: Record<World, string> = {
  skyline: 'a city skyline of layered rooftops and lit windows',
  dunes: 'rolling sand dunes under a wide sky',
  shoreline: 'a long shoreline with slow waves',
  forest: 'a deep forest of tall trees and drifting light',
  'neon-grid': 'a retro neon grid stretching to a glowing horizon',
  interior: 'an intimate interior with practical lights',
  starfield: 'open space full of stars and distant nebulae',
}

/** When the concept names only one world, the second scene comes from here (a contrast). */
export const WORLD_CONTRAST: Record<World, World> = {
  skyline: 'interior',
  dunes: 'starfield',
  shoreline: 'forest',
  forest: 'shoreline',
  'neon-grid': 'skyline',
  interior: 'skyline',
  starfield: 'dunes',
}

/** Base colours per world (the sky colour for the time of day is put in front). */
export const WORLD_COLOURS: Record<World, readonly string[]> = {
  skyline: ['#3a4a6b', '#f2b84b', '#1c2233'],
  dunes: ['#d9a25f', '#8a5a2b', '#f3d9a4'],
  shoreline: ['#2e7fa8', '#e8d9b0', '#0f3b57'],
  forest: ['#2f6b3a', '#173d22', '#a8c66c'],
  'neon-grid': ['#ff2fb4', '#28e0ff', '#2a0a4a'],
  interior: ['#a8683c', '#f0cf94', '#3b2a22'],
  starfield: ['#0b0d24', '#8fa8ff', '#e8e0ff'],
}

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

/** Worlds that read as night unless the brief says otherwise. */
export const NIGHT_WORLDS: ReadonlySet<World> = new Set<World>(['starfield', 'neon-grid'])

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
