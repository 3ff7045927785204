import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runBinary, runFfmpeg } from '../../src/ffmpeg/index.js'
import { truncateMidi } from '../eval/midiTruncate.js'
import type { Split } from './sources.js'

/**
 * Renders MIDI to audio the way a song reaches longav: fluidsynth with a General MIDI soundfont,
 * then production-like processing through ffmpeg (reverb, compression, EQ) and MP3 at 128 kb/s.
 * Each excerpt's file is named by a hash of everything that shapes its audio, so a rerun finds
 * it and renders nothing. Side effects.
 */

/** Bumped when the rendering (not the music) changes. */
export const DEVSET_RENDER_VERSION = 1

export interface Soundfont {
  id: string
  pkg: string
  /** Candidate paths, first found wins. */
  paths: string[]
  split: Split
}

// No FluidR3 derivative (fluid-soundfont-gm/gs, fluidr3mono): kept for independent measurement.
export const SOUNDFONTS: Soundfont[] = [
  { id: 'musescore-general', pkg: 'musescore-general-soundfont-small', paths: ['/usr/share/sounds/sf3/MuseScore_General.sf3', '/usr/share/sounds/sf2/MuseScore_General.sf2', '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3'], split: 'dev' },
  { id: 'opl3', pkg: 'opl3-soundfont', paths: ['/usr/share/sounds/sf2/OPL-3_FM_128M.sf2'], split: 'dev' },
  { id: 'timgm6mb', pkg: 'timgm6mb-soundfont', paths: ['/usr/share/sounds/sf2/TimGM6mb.sf2'], split: 'dev' },
  { id: 'csound-gm', pkg: 'csound-soundfont', paths: ['/usr/share/sounds/sf2/sf_GMbank.sf2', '/usr/share/samples/sf_GMbank.sf2'], split: 'test' },
]

export function soundfontPath(sf: Soundfont): string | undefined {
  return sf.paths.find((p) => existsSync(p))
}

/** Processing chains: ffmpeg audio filters, each a fixed argument (no user text reaches them). */
export const PROCESSING: Record<string, string> = {
  // Mastered dry: gentle bus compression and a limiter.
  clean: 'acompressor=threshold=0.25:ratio=2:attack=20:release=200,alimiter=limit=0.9:level=false',
  // A room: early reflections, low-shelf warmth, presence, bus compression.
  room: 'aecho=0.8:0.6:23|41|67|97:0.32|0.24|0.17|0.11,equalizer=f=110:t=q:w=1:g=3,equalizer=f=3200:t=q:w=1.2:g=2,acompressor=threshold=0.12:ratio=3:attack=10:release=150:makeup=1.5,alimiter=limit=0.92:level=false',
  // A long hall tail that smears onsets.
  hall: 'aecho=0.7:0.7:61|113|173|239|331:0.4|0.33|0.26|0.2|0.14,lowpass=f=9000,acompressor=threshold=0.1:ratio=4:attack=15:release=250:makeup=2,alimiter=limit=0.92:level=false',
  // Loud and narrow: band-limited, pumping compression (a radio or phone-speaker master).
  radio: 'highpass=f=180,lowpass=f=6500,acompressor=threshold=0.05:ratio=8:attack=3:release=60:makeup=4,alimiter=limit=0.89:level=false',
  // Bright and loud: a modern master with boosted lows and highs, hard limited.
  loud: 'equalizer=f=70:t=q:w=0.8:g=5,equalizer=f=9000:t=q:w=1:g=4,acompressor=threshold=0.08:ratio=6:attack=5:release=80:makeup=3,alimiter=limit=0.85:level=false',
}

export interface ExcerptSpec {
  /** Seconds in the full render. */
  start: number
  end: number
  processing: string
}

export function excerptKey(midi: Buffer, sfPath: string, ex: ExcerptSpec): string {
  const h = createHash('sha256')
  h.update(midi)
  h.update(JSON.stringify({ v: DEVSET_RENDER_VERSION, sf: sfPath, size: statSync(sfPath).size, s: ex.start.toFixed(3), e: ex.end.toFixed(3), p: PROCESSING[ex.processing] }))
  return h.digest('hex').slice(0, 24)
}

/**
 * Makes every excerpt of one piece with one soundfont that is not there yet: one fluidsynth
 * render of the whole piece (only if some excerpt is missing), then one ffmpeg pass per excerpt.
 * Returns the audio paths in the order of `excerpts`.
 */
export async function renderExcerpts(midi: Buffer, sfPath: string, excerpts: ExcerptSpec[], audioDir: string, signal?: AbortSignal): Promise<{ paths: string[]; rendered: number }> {
  await mkdir(audioDir, { recursive: true })
  const paths = excerpts.map((ex) => join(audioDir, `${excerptKey(midi, sfPath, ex)}.mp3`))
  const todo = excerpts.map((ex, i) => ({ ex, path: paths[i] })).filter((x) => !existsSync(x.path))
  if (!todo.length) return { paths, rendered: 0 }
  const stem = join(audioDir, `.${process.pid}.${Math.random().toString(36).slice(2)}`)
  const mid = `${stem}.mid`
  const wav = `${stem}.wav`
  try {
    // Only as much music as the excerpts need (plus a second): the test split takes each piece's start.
    await writeFile(mid, truncateMidi(midi, Math.max(...todo.map((x) => x.ex.end)) + 1))
    await runBinary('fluidsynth', ['-ni', '-g', '0.5', '-r', '44100', '-F', wav, sfPath, mid], { signal })
    if (!existsSync(wav) || statSync(wav).size < 1000) throw new Error(`fluidsynth wrote no audio (${sfPath})`)
    for (const { ex, path } of todo) {
      const tmp = `${stem}.${Math.random().toString(36).slice(2)}.mp3`
      const len = ex.end - ex.start
      // A short fade at each cut so an excerpt starts and ends like a clip, not a click.
      const fades = `afade=t=in:st=0:d=0.02,afade=t=out:st=${Math.max(0, len - 0.3).toFixed(3)}:d=0.3`
      await runFfmpeg(
        ['-loglevel', 'error', '-ss', ex.start.toFixed(3), '-t', len.toFixed(3), '-i', wav, '-af', `${PROCESSING[ex.processing]},${fades}`, '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', tmp],
        { signal },
      )
      await rename(tmp, path)
    }
  } finally {
    await Promise.all([mid, wav].map((p) => rm(p, { force: true })))
  }
  return { paths, rendered: todo.length }
}
