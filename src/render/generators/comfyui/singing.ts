/**
 * Singing shots: a figure shot whose characters perform while the song has vocals. Such a shot
 * goes to the audio-driven workflow when one is configured, hearing the vocal stream when the
 * song was separated, else the mix. Pure functions.
 */
import type { SegmentRequest } from '../types.js'

/** A frame "has vocals" at this activity or more (FrameControl.vocal, 0..1). */
export const SINGING_VOCAL_LEVEL = 0.5
/** A shot is sung when at least this share of its frames has vocals. */
export const SINGING_SHARE = 0.3

/**
 * True when the shot shows characters performing (kind figures, action perform: the defaults of
 * plans before shot grammar) and vocals are present over at least SINGING_SHARE of its frames.
 */
export function isSingingShot(req: Pick<SegmentRequest, 'shot' | 'controls'>): boolean {
  const { shot, controls } = req
  if (shot.characterIds.length === 0) return false
  if ((shot.kind ?? 'figures') !== 'figures' || (shot.action ?? 'perform') !== 'perform') return false
  if (controls.length === 0) return false
  const voiced = controls.filter((c) => c.vocal >= SINGING_VOCAL_LEVEL).length
  return voiced / controls.length >= SINGING_SHARE
}

/** The audio a lip-sync workflow hears: the vocal stream when there is one, else the mix. */
export function singingAudio(req: Pick<SegmentRequest, 'audio'>): { path: string; stream: 'vocals' | 'mix' } {
  return req.audio.vocalsPath ? { path: req.audio.vocalsPath, stream: 'vocals' } : { path: req.audio.path, stream: 'mix' }
}
