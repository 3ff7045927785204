/**
 * The place vocabulary the heuristic director reads descriptions with: words per world, per prop
 * and per weather, plus each world's description, contrast and colours. Kept as data.
 */
import type { PropId, Weather, World } from '../../schemas/index.js'

/** Keywords per world; a location takes the world with the most hits (earliest hit breaks ties). */
export const WORLD_KEYWORDS: Record<World, readonly string[]> = {
  skyline: ['city', 'rooftop', 'rooftops', 'roof', 'skyline', 'downtown', 'skyscraper', 'skyscrapers', 'urban', 'metropolis'],
  dunes: ['desert', 'dunes', 'dune', 'sand', 'sands', 'canyon', 'mesa', 'sahara', 'oasis'],
  shoreline: ['beach', 'shoreline', 'sea', 'ocean', 'shore', 'coast', 'waves', 'harbour', 'harbor', 'pier', 'lake', 'seaside', 'bay', 'marina', 'quay', 'cove', 'docks', 'seafront'],
  forest: ['forest', 'woods', 'jungle', 'grove', 'woodland', 'park', 'glade', 'clearing'],
  'neon-grid': ['neon', 'synth', 'synthwave', 'grid', 'retro', 'arcade', 'vaporwave', 'cyber', 'cyberpunk', 'outrun'],
  interior: ['interior', 'room', 'bedroom', 'bar', 'kitchen', 'inside', 'apartment', 'hall', 'diner', 'garage', 'living room', 'library', 'cafe', 'café', 'office', 'house', 'home', 'attic'],
  starfield: ['space', 'stars', 'star', 'cosmos', 'cosmic', 'galaxy', 'orbit', 'nebula', 'planet', 'outer space'],
  'city-street': ['street', 'streets', 'avenue', 'sidewalk', 'pavement', 'crosswalk', 'boulevard', 'alley', 'storefront', 'storefronts', 'shops', 'shopfronts', 'high street', 'main street'],
  mountains: ['observatory', 'snow-capped', 'snowcapped', 'field', 'fields', 'countryside', 'farmland', 'moor', 'moors', 'mountain', 'mountains', 'alps', 'alpine', 'summit', 'valley', 'cliff', 'cliffs', 'highlands', 'hills', 'hillside', 'ridge', 'meadow'],
  rain: ['rain', 'rainy', 'raining', 'rainfall', 'storm', 'stormy', 'downpour', 'drizzle', 'thunder', 'thunderstorm', 'lightning', 'monsoon'],
  underwater: ['underwater', 'undersea', 'under the sea', 'under water', 'seabed', 'sea floor', 'seafloor', 'reef', 'coral reef', 'aquarium', 'submerged', 'sunken', 'deep sea', 'ocean floor'],
  'club-stage': ['club', 'nightclub', 'stage', 'concert', 'gig', 'dancefloor', 'dance floor', 'disco', 'rave', 'festival', 'venue', 'dj booth'],
  studio: ['studio', 'recording studio', 'recording', 'booth', 'vocal booth', 'control room', 'rehearsal room', 'rehearsal space'],
  'desert-road': ['road', 'highway', 'desert road', 'desert highway', 'motorway', 'freeway', 'open road', 'route 66', 'road trip', 'roadside', 'motel', 'gas station', 'interstate'],
  snow: ['snow', 'snowy', 'snowfall', 'snowing', 'winter', 'blizzard', 'frozen', 'icy', 'frost', 'frosty', 'arctic', 'tundra', 'snowfield'],
}

/** Worlds that are also weather: said alongside another world they fall over it instead. */
export const WEATHER_WORLDS: Readonly<Record<Weather, World>> = { rain: 'rain', snow: 'snow' }

/**
 * Words per prop, multi-word phrases first (they are matched and masked before single words).
 * Words of a place kind imply its props: an observatory has a dome and a telescope.
 */
export const PROP_WORDS: Record<PropId, readonly string[]> = {
  moon: ['full moon', 'crescent moon', 'moon'],
  sun: ['sun'],
  clouds: ['cloud', 'clouds', 'cloudy'],
  gulls: ['seagulls', 'seagull', 'sea gulls', 'gulls', 'gull', 'birds', 'bird', 'flock'],
  lighthouse: ['lighthouse', 'lighthouses'],
  'mountain-peak': ['mountain peak', 'mountain peaks', 'peak', 'peaks', 'mountain', 'mountains', 'volcano'],
  windmill: ['wind turbine', 'wind turbines', 'windmill', 'windmills'],
  'ferris-wheel': ['ferris wheel', 'big wheel', 'observation wheel', 'funfair', 'fairground', 'carnival'],
  bridge: ['bridge', 'bridges'],
  'telescope-dome': ['telescope dome', 'observatory', 'dome'],
  boat: ['fishing boats', 'fishing boat', 'boat', 'boats', 'ship', 'ships', 'sailboat', 'sailboats', 'yacht', 'yachts', 'trawler', 'trawlers', 'ferry', 'harbour', 'harbor', 'marina'],
  'street-lamp': ['street lamps', 'street lamp', 'street lights', 'street light', 'streetlights', 'streetlight', 'lampposts', 'lamppost', 'lamp posts', 'lamp post', 'streetlamps', 'streetlamp'],
  car: ['car', 'cars', 'taxi', 'taxis', 'cab', 'cabs', 'van', 'convertible', 'pickup truck', 'truck'],
  bench: ['bench', 'benches'],
  bicycle: ['bicycle', 'bicycles', 'bike', 'bikes'],
  'traffic-light': ['traffic lights', 'traffic light', 'stop light', 'stoplight', 'stoplights', 'traffic signal'],
  billboard: ['billboard', 'billboards', 'hoarding', 'hoardings'],
  'road-sign': ['road signs', 'road sign', 'street sign', 'street signs', 'signpost', 'signposts'],
  'neon-sign': ['neon signs', 'neon sign', 'neon lights', 'arcade', 'arcades'],
  'arcade-cabinet': ['arcade cabinets', 'arcade cabinet', 'arcade machines', 'arcade machine', 'arcade', 'arcades', 'pinball'],
  crate: ['crate', 'crates', 'pallets'],
  tree: ['tree', 'trees', 'oak', 'oaks', 'birch', 'willow', 'pine', 'pines'],
  'palm-tree': ['palm trees', 'palm tree', 'palm', 'palms'],
  tent: ['tent', 'tents', 'campsite', 'camping'],
  campfire: ['campfire', 'campfires', 'bonfire', 'camp fire', 'fire pit', 'firepit', 'fire'],
  cactus: ['cactus', 'cacti', 'cactuses', 'saguaro'],
  plant: ['potted plants', 'potted plant', 'houseplants', 'houseplant', 'plant', 'plants', 'fern', 'ferns'],
  snowman: ['snowman', 'snowmen'],
  telescope: ['telescope', 'telescopes', 'observatory'],
  'drum-kit': ['drum kit', 'drum set', 'drumkit', 'drums'],
  'guitar-amp': ['guitar amp', 'guitar amps', 'amplifier', 'amplifiers', 'amp', 'amps'],
  piano: ['grand piano', 'upright piano', 'piano', 'pianos'],
  'microphone-stand': ['microphone stand', 'mic stand', 'microphone', 'microphones', 'mic'],
  speakers: ['sound system', 'speaker stacks', 'speakers', 'speaker', 'loudspeakers', 'subwoofer'],
  spotlights: ['stage lights', 'moving lights', 'spotlights', 'spotlight', 'floodlights', 'floodlight'],
  'disco-ball': ['disco ball', 'mirror ball', 'mirrorball', 'glitter ball'],
  bookshelf: ['bookshelves', 'bookshelf', 'bookcase', 'bookcases', 'books', 'library'],
  lamp: ['floor lamp', 'desk lamp', 'lamp', 'lamps', 'lantern', 'lanterns'],
  window: ['windows', 'window'],
  fish: ['school of fish', 'fish', 'fishes', 'shoal'],
  jellyfish: ['jelly fish', 'jellyfish'],
  coral: ['coral reef', 'coral', 'corals'],
  bubbles: ['bubbles', 'bubble'],
}

const SKY = ['sky', 'skies', 'horizon', 'clouds', 'sun', 'sunlight']
/** Things each world draws without being asked (the description's words for them are drawn, not missing). */
export const WORLD_DRAWS: Record<World, readonly string[]> = {
  skyline: [...SKY, 'lit windows', 'windows', 'buildings', 'towers', 'tower blocks', 'antennas', 'antenna', 'water tanks', 'street lamps', 'lights'],
  dunes: [...SKY, 'sand', 'ridges', 'wind'],
  shoreline: [...SKY, 'sea', 'water', 'waves', 'wet sand', 'sand', 'foam', 'surf', 'headland', 'reflections', 'reflection'],
  forest: [...SKY, 'trees', 'tree trunks', 'trunks', 'pines', 'canopy', 'light', 'shafts of light', 'sunbeams'],
  'neon-grid': ['sky', 'horizon', 'grid', 'sun', 'mountains', 'stars'],
  interior: ['window', 'walls', 'wall', 'floor', 'rug', 'lamp', 'pictures', 'frames', 'light', 'lights', 'practical lights'],
  starfield: ['stars', 'planet', 'planets', 'nebula', 'nebulae', 'rocks', 'ground'],
  'city-street': [...SKY, 'shops', 'shopfronts', 'storefronts', 'awnings', 'windows', 'buildings', 'road', 'traffic', 'pavement', 'sidewalk', 'lights'],
  mountains: [...SKY, 'ranges', 'peaks', 'snow', 'meadow', 'grass', 'mist', 'valley'],
  rain: ['open country', 'country', 'countryside', 'sky', 'clouds', 'storm clouds', 'puddles', 'lightning', 'hills', 'fields', 'rain'],
  underwater: ['water', 'kelp', 'seaweed', 'light', 'rays', 'rocks', 'sand', 'surface'],
  'club-stage': ['lights', 'beams', 'light beams', 'screen', 'led wall', 'led screen', 'truss', 'stage'],
  studio: ['foam walls', 'walls', 'foam', 'acoustic foam', 'window', 'control room', 'meter', 'levels', 'floor', 'rug'],
  'desert-road': [...SKY, 'road', 'mesas', 'mesa', 'telegraph poles', 'poles', 'desert', 'sand', 'dust'],
  snow: [...SKY, 'pines', 'pine trees', 'trees', 'hills', 'snowfall', 'snowflakes', 'snow'],
}

/** A prop a world already draws is not added again (the world's word covers it). */
export const PROPS_DRAWN_BY: Partial<Record<PropId, readonly World[]>> = {
  'mountain-peak': ['mountains', 'neon-grid'],
  tree: ['forest', 'snow'],
  window: ['skyline', 'city-street', 'interior', 'studio'],
  lamp: ['interior'],
  spotlights: ['club-stage'],
  'street-lamp': ['skyline'],
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
  'city-street': 'a city street of shopfronts and passing traffic',
  mountains: 'ranges of snow-capped mountains over a meadow',
  rain: 'open country under a storm, rain and lightning',
  underwater: 'under the sea, light falling through the water',
  'club-stage': 'a club stage with an LED wall and moving lights',
  studio: 'a recording studio with foam walls and a control-room window',
  'desert-road': 'a straight road across the desert to the horizon',
  snow: 'snowy hills and pines in falling snow',
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
  'city-street': 'club-stage',
  mountains: 'snow',
  rain: 'interior',
  underwater: 'shoreline',
  'club-stage': 'city-street',
  studio: 'club-stage',
  'desert-road': 'starfield',
  snow: 'interior',
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
  'city-street': ['#8a4f3d', '#d9b26a', '#2f3a4a'],
  mountains: ['#5b6b8c', '#6f9a5a', '#e8eef5'],
  rain: ['#4a5566', '#7d8a7a', '#c9d1dc'],
  underwater: ['#0f5f80', '#3fb8c8', '#e0c98f'],
  'club-stage': ['#c23bd4', '#2fd0ff', '#120a1e'],
  studio: ['#4b4f63', '#c98a4b', '#8a2f2f'],
  'desert-road': ['#d08850', '#a44a2a', '#f2d39b'],
  snow: ['#dfe8f5', '#3f6b5a', '#8aa4c8'],
}

/** Worlds that read as night unless the brief says otherwise. */
export const NIGHT_WORLDS: ReadonlySet<World> = new Set<World>(['starfield', 'neon-grid', 'club-stage'])

/** Props that make a place read as night when no time is said (you look through a telescope at night). */
export const NIGHT_PROPS: ReadonlySet<PropId> = new Set<PropId>(['telescope-dome', 'telescope', 'disco-ball', 'campfire'])
