/**
 * Word tables the heuristic director reads character descriptions with. Each phrase maps to a
 * vocabulary id (schemas/figure.ts) or to a role the parser resolves (a colour, a count, a part a
 * colour can attach to). Multi-word phrases win over single words ("short hair" is not "short").
 */
import { FIGURE_COLOURS, type FigureColourName } from '../../schemas/index.js'

export type Term =
  | { t: 'id'; id: string; noun: boolean }
  /** A noun a colour or a count can attach to, e.g. "eye" → eye:<colour> / eyes:<n>. */
  | { t: 'part'; part: 'eye' | 'hair' | 'body' | 'top' | 'bottom' | 'shoes' }
  | { t: 'colour'; colour: FigureColourName }
  | { t: 'count'; n: number }
  /** Anatomy animals and creatures have (drawn for them, not for people or robots). */
  | { t: 'anatomy' }

const ids = (id: string, words: string[], noun = true): Array<[string, Term]> => words.map((w) => [w, { t: 'id', id, noun }])

/** Role nouns that also name an instrument. */
export const ROLES: Array<[string, Term]> = [
  ...ids('drums', ['drummer', 'percussionist']),
  ...ids('guitar', ['guitarist']),
  ...ids('bass', ['bassist', 'bass player']),
  ...ids('keyboard', ['keyboardist', 'pianist', 'keys player']),
  ...ids('violin', ['violinist', 'fiddler']),
  ...ids('trumpet', ['trumpeter', 'trumpet player']),
  ...ids('sax', ['saxophonist', 'sax player']),
  ...ids('microphone', ['singer', 'vocalist', 'rapper', 'mc', 'crooner']),
]

export const PERSON_WORDS = [
  'woman', 'women', 'man', 'men', 'girl', 'boy', 'person', 'guy', 'lady', 'gentleman', 'kid', 'child', 'teenager', 'teen',
  'dancer', 'musician', 'artist', 'dj', 'performer', 'player', 'student', 'stranger', 'human', 'friend', 'band member',
  'friends', 'people', 'couple', 'frontwoman', 'frontman', 'lead', 'protagonist', 'hero', 'heroine', 'figure', 'character',
]

const PHRASES: Array<[string, Term]> = [
  ...ids('person', PERSON_WORDS),
  ...ROLES,
  ...ids('robot', ['robot', 'android', 'droid', 'automaton', 'cyborg', 'mech', 'bot', 'machine']),
  ...ids('animal:cat', ['cat', 'kitten', 'kitty', 'tabby', 'tomcat']),
  ...ids('animal:dog', ['dog', 'puppy', 'pup', 'hound', 'doggo', 'terrier', 'poodle']),
  ...ids('animal:fox', ['fox', 'vixen']),
  ...ids('animal:bear', ['bear', 'teddy bear', 'teddy', 'grizzly']),
  ...ids('animal:rabbit', ['rabbit', 'bunny', 'hare']),
  ...ids('animal:bird', ['bird', 'sparrow', 'crow', 'raven', 'parrot', 'songbird', 'pigeon', 'finch', 'blackbird']),
  ...ids('animal:owl', ['owl', 'owlet']),
  ...ids('creature:blob', ['blob', 'slime', 'jelly', 'goo']),
  ...ids('creature', ['monster', 'creature', 'beast', 'critter']),
  ...ids('creature:ghost', ['ghost', 'spirit', 'phantom', 'spectre', 'specter', 'spook', 'ghostly']),
  ...ids('creature:dragon', ['dragon', 'wyvern', 'drake', 'lizard', 'dinosaur', 'dino']),

  ...ids('hair:none', ['bald', 'shaved head', 'shaven head', 'hairless']),
  ...ids('hair:short', ['short hair', 'short haired', 'buzz cut', 'buzzcut', 'crew cut', 'cropped hair', 'pixie cut']),
  ...ids('hair:long', ['long hair', 'long haired', 'flowing hair', 'long locks']),
  ...ids('hair:curly', ['curly', 'curls', 'curly hair', 'ringlets', 'wavy', 'wavy hair']),
  ...ids('hair:ponytail', ['ponytail', 'pony tail', 'pigtails', 'pigtail']),
  ...ids('hair:spiky', ['spiky', 'spiky hair', 'mohawk', 'punk hair']),
  ...ids('hair:bob', ['bob', 'bob cut', 'bobbed hair', 'shoulder length hair']),
  ...ids('hair:bun', ['bun', 'hair bun', 'top knot', 'topknot']),
  ...ids('hair:braids', ['braids', 'braid', 'braided', 'plaits', 'dreadlocks', 'dreads', 'locs', 'cornrows']),
  ...ids('hair:afro', ['afro']),
  ['hair', { t: 'part', part: 'hair' }],
  ['haired', { t: 'part', part: 'hair' }],
  ...ids('hair-colour:blonde', ['blonde', 'blond', 'bleached', 'platinum'], false),
  ...ids('hair-colour:ginger', ['ginger', 'redhead', 'red haired'], false),
  ...ids('hair-colour:brunette', ['brunette'], false),

  ...ids('coat', ['coat', 'overcoat', 'trench coat', 'trenchcoat', 'raincoat', 'parka', 'cloak', 'trench', 'duffle coat', 'peacoat']),
  ...ids('jacket', ['jacket', 'blazer', 'bomber', 'bomber jacket', 'leather jacket', 'denim jacket', 'windbreaker']),
  ...ids('dress', ['dress', 'gown', 'skirt', 'sundress', 'robe']),
  ...ids('hoodie', ['hoodie', 'hoody', 'hooded top', 'sweatshirt', 'hooded sweatshirt']),
  ...ids('stripes', ['stripes', 'striped', 'stripy', 'stripey']),
  ...ids('scarf', ['scarf', 'shawl', 'muffler', 'neckerchief']),
  ...ids('hat', ['hat', 'fedora', 'top hat', 'cowboy hat', 'bowler', 'bowler hat', 'beret', 'sun hat', 'trilby']),
  ...ids('cap', ['cap', 'baseball cap', 'flat cap', 'snapback']),
  ...ids('beanie', ['beanie', 'woolly hat', 'wooly hat', 'knit cap', 'toque', 'bobble hat']),
  ...ids('glasses', ['glasses', 'spectacles', 'specs', 'eyeglasses']),
  ...ids('sunglasses', ['sunglasses', 'shades', 'sunnies']),
  ...ids('headphones', ['headphones', 'headset', 'earphones', 'earbuds', 'cans']),
  ...ids('mask', ['mask', 'face mask', 'balaclava']),
  ...ids('backpack', ['backpack', 'rucksack', 'knapsack', 'school bag']),
  ...(['shirt', 't shirt', 'tshirt', 'tee', 'top', 'sweater', 'jumper', 'blouse', 'vest', 'tank top', 'uniform', 'suit', 'overalls', 'cardigan', 'outfit', 'clothes'].map(
    (w): [string, Term] => [w, { t: 'part', part: 'top' }],
  )),
  ...(['jeans', 'trousers', 'pants', 'shorts', 'leggings', 'slacks'].map((w): [string, Term] => [w, { t: 'part', part: 'bottom' }])),
  ...(['shoes', 'boots', 'sneakers', 'trainers', 'heels'].map((w): [string, Term] => [w, { t: 'part', part: 'shoes' }])),

  ...ids('guitar', ['guitar', 'electric guitar', 'acoustic guitar', 'ukulele', 'uke']),
  ...ids('bass', ['bass', 'bass guitar', 'double bass']),
  ...ids('keyboard', ['keyboard', 'keys', 'synth', 'synthesizer', 'synthesiser', 'piano']),
  ...ids('keytar', ['keytar']),
  ...ids('microphone', ['microphone', 'mic', 'mike']),
  ...ids('drums', ['drums', 'drum', 'drum kit', 'drumkit', 'snare']),
  ...ids('drumsticks', ['drumsticks', 'drum sticks', 'sticks']),
  ...ids('violin', ['violin', 'fiddle', 'viola']),
  ...ids('trumpet', ['trumpet', 'horn', 'cornet', 'bugle']),
  ...ids('sax', ['sax', 'saxophone']),

  ...ids('body:round', ['round', 'spherical', 'ball shaped', 'rounded', 'roly poly', 'dome shaped'], false),
  ...ids('body:boxy', ['boxy', 'square', 'cube', 'cubic', 'blocky', 'rectangular', 'box shaped'], false),
  ...ids('antenna', ['antenna', 'antennae', 'antennas', 'aerial']),
  ...ids('eyes:1', ['cyclops', 'one eyed', 'single eyed'], false),
  ...ids('eyes:3', ['three eyed'], false),
  ['eye', { t: 'part', part: 'eye' }],
  ['eyes', { t: 'part', part: 'eye' }],
  ['eyed', { t: 'part', part: 'eye' }],
  ...(['fur', 'feathers', 'skin', 'scales', 'body', 'fleece', 'plumage'].map((w): [string, Term] => [w, { t: 'part', part: 'body' }])),
  ...(['tail', 'ears', 'whiskers', 'wings', 'horns', 'paws', 'beak', 'claws', 'snout', 'muzzle', 'fangs', 'spikes', 'wing', 'tails'].map(
    (w): [string, Term] => [w, { t: 'anatomy' }],
  )),

  ...ids('size:small', ['small', 'tiny', 'little', 'petite', 'short', 'mini', 'miniature', 'wee'], false),
  ...ids('size:tall', ['tall', 'towering', 'lanky', 'giant', 'huge', 'enormous'], false),
  ...ids('build:broad', ['broad', 'muscular', 'stocky', 'burly', 'heavy', 'strong', 'chubby', 'big'], false),
  ...ids('build:slim', ['slim', 'thin', 'slender', 'skinny', 'wiry', 'lean'], false),

  ...(['one', 'single', 'a single', '1', 'lone'].map((w): [string, Term] => [w, { t: 'count', n: 1 }])),
  ...(['two', '2', 'twin', 'pair of'].map((w): [string, Term] => [w, { t: 'count', n: 2 }])),
  ...(['three', '3'].map((w): [string, Term] => [w, { t: 'count', n: 3 }])),
  ...(Object.keys(FIGURE_COLOURS) as FigureColourName[]).map((c): [string, Term] => [c, { t: 'colour', colour: c }]),
  ['golden', { t: 'colour', colour: 'gold' }],
  ['gray', { t: 'colour', colour: 'grey' }],
  ['chromed', { t: 'colour', colour: 'chrome' }],
  ['rusted', { t: 'colour', colour: 'rusty' }],
]

/** Phrase (space-separated lower-case tokens) → term. */
export const CHARACTER_PHRASES: ReadonlyMap<string, Term> = new Map(PHRASES)
export const MAX_PHRASE_TOKENS = 3

/** Words that split a description into chunks (each chunk names at most one thing, roughly). */
export const CHUNK_BREAKS = new Set(['and', 'with', 'in', 'on', 'wearing', 'wears', 'holding', 'holds', 'carrying', 'carries', 'playing', 'plays', 'has', 'have', 'plus', 'but', 'under', 'over', 'while', 'or', 'at', 'by', 'from', 'into', 'beside', 'behind', 'near'])

/** After these, a clause is about what someone is or does, not what they look like, unless a visual verb follows. */
export const CLAUSE_STARTS = new Set(['who', 'that', 'which', 'she', 'he', 'they', 'it', 'i', 'we', 'whose'])
export const VISUAL_VERBS = new Set(['wears', 'wearing', 'has', 'have', 'holds', 'holding', 'carries', 'carrying', 'plays', 'playing', 'is', 'are', 'looks', 'sports', 'dons'])
export const NON_VISUAL_VERBS = new Set([
  'loves', 'love', 'likes', 'like', 'dreams', 'dream', 'wants', 'hopes', 'feels', 'thinks', 'believes', 'remembers', 'misses', 'lives', 'works',
  'cross', 'crosses', 'end', 'ends', 'go', 'goes', 'come', 'comes', 'find', 'finds', 'meet', 'meets', 'become', 'becomes', 'leave', 'leaves',
  'sings', 'dances', 'hates', 'fears', 'knows', 'wishes', 'searches', 'longs', 'waits', 'runs', 'walks', 'travels', 'wanders', 'seeks', 'tries', 'never',
])

/** Words that carry no drawable thing of their own (grammar, personality, materials, manner). */
export const FILLER = new Set([
  'a', 'an', 'the', 'of', 'to', 'for', 'as', 'her', 'his', 'their', 'its', 'my', 'our', 'your', 'him', 'them', 'she', 'he', 'they', 'it',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'very', 'really', 'quite', 'rather', 'slightly', 'always', 'often', 'bit', 'lot', 'lots',
  'some', 'pair', 'like', 'dressed', 'style', 'styled', 'looking', 'kind', 'sort', 'type', 'this', 'these', 'those', 'all', 'both', 'each',
  'own', 'same', 'just', 'also', 'too', 'so', 'not', 'no', 'new', 'old', 'young', 'elderly', 'cute', 'friendly', 'happy', 'sad', 'shy',
  'mysterious', 'lonely', 'quiet', 'cheerful', 'grumpy', 'beautiful', 'pretty', 'handsome', 'cool', 'fluffy', 'fuzzy', 'shiny', 'gleaming',
  'light', 'dark', 'bright', 'pale', 'deep', 'vivid', 'neon', 'pastel', 'coloured', 'colored', 'colour', 'color', 'metal', 'metallic',
  'leather', 'denim', 'wool', 'woolly', 'wooly', 'silk', 'velvet', 'cotton', 'knitted', 'vintage', 'oversized', 'baggy', 'tight', 'loose',
  'favourite', 'favorite', 'trusty', 'battered', 'worn', 'brave', 'bold', 'gentle', 'kind', 'wise', 'curious', 'playful', 'nervous',
  'confident', 'calm', 'wild', 'sweet', 'tired', 'sleepy', 'lost', 'alone', 'together', 'main', 'other', 'another', 'everyday', 'simple',
  'arm', 'arms', 'face', 'head', 'hands', 'hand', 'legs', 'leg', 'feet', 'foot', 'smile', 'grin', 'nose', 'mouth', 'bangs', 'fringe',
  'electric', 'acoustic', 'shaped', 'looks', 'sports', 'dons', 'wear', 'play', 'hold', 'carry', 'who', 'that', 'which', 'whose', 'there',
  'what', 'when', 'where', 'some', 'any', 'more', 'most', 'much', 'many', 'well', 'ever', 'only', 'even', 'still', 'almost', 'mostly',
  'up', 'down', 'out', 'off', 'away', 'back', 'around', 'through', 'across', 'open', 'night', 'day', 'dawn', 'dusk', 'morning', 'evening',
  'midnight', 'sunset', 'sunrise', 'hand', 'side', 'front', 'under', 'over', 'top', 'bottom',
  'made', 'worn', 'backwards', 'covered', 'wrapped', 'dressed', 'clad', 'wearing',
  'faded', 'classic', 'modern', 'retro', 'futuristic', 'ancient', 'magical', 'friendly', 'glowing', 'sparkly', 'sparkling', 'shimmering',
])
