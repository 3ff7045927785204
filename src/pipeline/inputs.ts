import { statSync } from 'node:fs'
import { findNonFiniteSample, nonFiniteSongError, probeMedia, type MediaInfo } from '../ffmpeg/index.js'
import { InputError } from '../errors.js'

/**
 * Checks the song before anything is written: it exists, is a file, ffmpeg finds audio in it,
 * and (float PCM) every sample is a number: NaN or infinity would fail only at the final encode.
 */
export async function checkSong(path: string, signal?: AbortSignal): Promise<void> {
  const info = await probeUserFile('song', 'an audio file', path, signal)
  if (!info.audio) throw new InputError(`song has no audio stream: ${path}`, { code: 'SONG_NO_AUDIO' })
  if (!(info.durationSec > 0) && !(info.audio.durationSec && info.audio.durationSec > 0)) {
    throw new InputError(`song has no duration (is it truncated?): ${path}`, { code: 'SONG_NO_DURATION' })
  }
  const bad = await findNonFiniteSample(path, info.audio, signal)
  if (bad !== undefined) throw nonFiniteSongError(path, bad)
}

/** Checks a video to score: it exists, is a file, and ffmpeg finds a video stream in it. */
export async function checkVideo(path: string, signal?: AbortSignal): Promise<void> {
  const info = await probeUserFile('video', 'a file', path, signal)
  if (!info.video) throw new InputError(`video has no video stream: ${path}`, { code: 'VIDEO_NO_VIDEO' })
}

/** A file the user named: present, a file, not empty, and something ffprobe reads. */
async function probeUserFile(what: 'song' | 'video', readable: string, path: string, signal?: AbortSignal): Promise<MediaInfo> {
  const code = what.toUpperCase()
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new InputError(`${what} is not a file: ${path}`, { code: `${code}_NOT_A_FILE` })
    size = st.size
  } catch (err) {
    if (err instanceof InputError) throw err
    throw new InputError(`${what} not found: ${path}`, { code: `${code}_NOT_FOUND` })
  }
  if (size === 0) throw new InputError(`${what} is empty (0 bytes): ${path}`, { code: `${code}_EMPTY` })
  try {
    return await probeMedia(path, { signal })
  } catch {
    throw new InputError(`${what} is not ${readable} ffmpeg can read: ${path}`, { code: `${code}_UNREADABLE` })
  }
}
