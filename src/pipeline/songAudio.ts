import { join } from 'node:path'
import { runFfmpeg, SONG_AUDIO_ARGS } from '../ffmpeg/index.js'
import { stepKey, type Store } from '../store/index.js'
import { storedProbe } from './probeCache.js'

/**
 * The film's audio track (the song as AAC, SONG_AUDIO_ARGS), encoded once per song and kept in
 * the store, so the stitch stream-copies it. A render starts it beside the analysis, which keeps
 * one core busy: the encode then costs the stitch no wall time, and a render of the same song
 * again (a draft, then the final; an edit; a reshoot) none at all.
 */
export async function songAudio(store: Store, song: { path: string; sha256: string }, signal?: AbortSignal): Promise<string> {
  const key = stepKey('song-audio', 1, { song: song.sha256, args: SONG_AUDIO_ARGS })
  const { dir } = await store.artifact('song-audio', key, async (tmp) => {
    await runFfmpeg(['-loglevel', 'error', '-i', song.path, '-map', '0:a:0', '-vn', '-sn', '-dn', ...SONG_AUDIO_ARGS, join(tmp, 'song.m4a')], { signal })
  })
  return join(dir, 'song.m4a')
}

/** Audio codecs an MP4 carries as they are (browsers and players read them there). */
const COPYABLE = new Set(['aac', 'mp3'])

/**
 * A draft's audio track: the song file itself when its audio is MP3 or AAC (stream-copied into
 * the film, so the preview costs no audio encode and plays the song's own bits); else undefined
 * (then the song is encoded as for a final render).
 */
export async function draftAudioTrack(store: Store, songPath: string, signal?: AbortSignal): Promise<string | undefined> {
  const audio = (await storedProbe(store, songPath, signal)).audio
  return audio && COPYABLE.has(audio.codec) ? songPath : undefined
}
