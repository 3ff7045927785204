/** The text-to-image prompt for a shot: style, framing, camera, place, people, mood. */
import type { CameraMove, CharacterCard, LocationCard, SectionMood, Shot, StyleBible } from '../../schemas/index.js'

const CAMERA_PHRASES: Record<CameraMove, string> = {
  static: 'locked-off camera',
  'push-in': 'slow push in',
  'pull-out': 'slow pull out',
  'pan-left': 'camera pans left',
  'pan-right': 'camera pans right',
  drift: 'gently drifting camera',
  'crane-up': 'camera cranes up',
}

const FRAMING_PHRASES: Record<Shot['framing'], string> = {
  wide: 'Wide shot',
  medium: 'Medium shot',
  close: 'Close-up',
}

const ACTION_PHRASES: Record<NonNullable<Shot['action']>, string> = {
  perform: 'performing to camera',
  play: 'playing their instrument',
  walk: 'walking through the place',
  run: 'running through the place',
  dance: 'dancing',
}

/** What the shot shows, for kinds other than figures in the place. */
function kindPhrase(shot: Pick<Shot, 'kind' | 'prop'>, people: string): string {
  switch (shot.kind) {
    case 'silhouette':
      return `${people}, as dark silhouettes against a bright light`
    case 'insert':
      return `Insert: ${shot.prop ?? 'a detail of the place'}, no people`
    case 'lyric':
      return `${people}; the lyric line as bold typography`
    case 'abstract':
      return 'Abstract shapes and light pulsing with the music, no people'
    default:
      return people
  }
}

export function shotPrompt(
  shot: Pick<Shot, 'camera' | 'framing' | 'action' | 'kind' | 'prop'>,
  style: StyleBible,
  location: LocationCard,
  characters: readonly CharacterCard[],
  mood: SectionMood,
): string {
  const place = `${location.name}: ${location.description} (${location.shape.world}, ${location.shape.timeOfDay})`
  const doing = characters.length > 0 && shot.action ? `, ${ACTION_PHRASES[shot.action]}` : ''
  const people = characters.length > 0 ? characters.map((c) => `${c.name}, ${c.description}`).join('; ') + doing : 'no people'
  return [
    style.look,
    `${FRAMING_PHRASES[shot.framing]}, ${CAMERA_PHRASES[shot.camera]}`,
    place,
    kindPhrase(shot, people),
    `Mood: ${mood.mood}`,
  ]
    .map((part) => part.trim().replace(/[.\s]+$/, ''))
    .join('. ')
    .concat('.')
}
