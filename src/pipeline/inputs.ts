import { statSync } from 'node:fs'
import { probeMedia } from '../ffmpeg/index.js'
import { InputError } from '../errors.js'

/** Checks the song before anything is written: it exists, is a file, and ffmpeg finds audio in it. */
export async function checkSong(path: string, signal?: AbortSignal): Promise<void> {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new InputError(`song is not a file: ${path}`)
    size = st.size
  } catch (err) {
    if (err instanceof InputError) throw err
    throw new InputError(`song not found: ${path}`)
  }
  if (size === 0) throw new InputError(`song is empty (0 bytes): ${path}`)
  let info
  try {
    info = await probeMedia(path, { signal })
  } catch {
    throw new InputError(`song is not an audio file ffmpeg can read: ${path}`)
  }
  if (!info.audio) throw new InputError(`song has no audio stream: ${path}`)
  if (!(info.durationSec > 0) && !(info.audio.durationSec && info.audio.durationSec > 0)) {
    throw new InputError(`song has no duration (is it truncated?): ${path}`)
  }
}

/** Checks a video to score: it exists, is a file, and ffmpeg finds a video stream in it. */
export async function checkVideo(path: string, signal?: AbortSignal): Promise<void> {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new InputError(`video is not a file: ${path}`)
    size = st.size
  } catch (err) {
    if (err instanceof InputError) throw err
    throw new InputError(`video not found: ${path}`)
  }
  if (size === 0) throw new InputError(`video is empty (0 bytes): ${path}`)
  let info
  try {
    info = await probeMedia(path, { signal })
  } catch {
    throw new InputError(`video is not a file ffmpeg can read: ${path}`)
  }
  if (!info.video) throw new InputError(`video has no video stream: ${path}`)
}
