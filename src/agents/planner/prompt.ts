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

export function shotPrompt(
  shot: Pick<Shot, 'camera' | 'framing'>,
  style: StyleBible,
  location: LocationCard,
  characters: readonly CharacterCard[],
  mood: SectionMood,
): string {
  const place = `${location.name}: ${location.description} (${location.shape.world}, ${location.shape.timeOfDay})`
  const people = characters.length > 0 ? characters.map((c) => `${c.name}, ${c.description}`).join('; ') : 'no people'
  return [
    style.look,
    `${FRAMING_PHRASES[shot.framing]}, ${CAMERA_PHRASES[shot.camera]}`,
    place,
    people,
    `Mood: ${mood.mood}`,
  ]
    .map((part) => part.trim().replace(/[.\s]+$/, ''))
    .join('. ')
    .concat('.')
}
