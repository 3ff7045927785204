import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthesizeSong, writeWav, type SectionSpec } from '../../tools/synth.js'
import { runFfmpeg } from '../../src/ffmpeg/index.js'

export interface SongFixture {
  path: string
  beats: number[]
  downbeats: number[]
  sections: Array<{ label: string; start: number; end: number }>
  /** Length of the synthesized audio, tail included. */
  durationSec: number
}

/**
 * Synthesizes a short song with exactly known beats (intro / verse / chorus / outro by default)
 * and writes it as mp3 (libmp3lame 192k) or wav into `dir` (a fresh temp dir by default).
 */
export async function makeSongFixture(
  opts: {
    bpm?: number
    seconds?: number
    dir?: string
    format?: 'mp3' | 'wav'
    beatsPerBar?: number
    seed?: number
    /** Overrides the default structure (then `seconds` is ignored). */
    sections?: SectionSpec[]
  } = {},
): Promise<SongFixture> {
  const bpm = opts.bpm ?? 120
  const bpb = opts.beatsPerBar ?? 4
  const barSec = (60 / bpm) * bpb
  const sections = opts.sections ?? defaultSections(Math.max(4, Math.round((opts.seconds ?? 24) / barSec)))
  const song = synthesizeSong({ bpm, beatsPerBar: bpb, sections, seed: opts.seed ?? 3, tailSec: 0.5 })
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'longav-song-'))
  const format = opts.format ?? 'mp3'
  const stem = `song-${bpm}bpm-${sections.reduce((a, s) => a + s.bars, 0)}bars`
  const wav = join(dir, `${stem}.wav`)
  writeWav(wav, song.samples, song.sampleRate)
  let path = wav
  if (format === 'mp3') {
    path = join(dir, `${stem}.mp3`)
    await runFfmpeg(['-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', path])
  }
  return {
    path,
    beats: song.beats,
    downbeats: song.downbeats,
    sections: song.sections,
    durationSec: song.samples.length / song.sampleRate,
  }
}

function defaultSections(bars: number): SectionSpec[] {
  const edge = Math.max(1, Math.round(bars / 6))
  const middle = bars - 2 * edge
  const verse = Math.ceil(middle / 2)
  return [
    { label: 'intro', bars: edge, intensity: 0.45, drums: 'hats', chords: 'pad' },
    { label: 'verse', bars: verse, intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true },
    { label: 'chorus', bars: middle - verse, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
    { label: 'outro', bars: edge, intensity: 0.5, drums: 'fade', chords: 'pad' },
  ].filter((s) => s.bars > 0) as SectionSpec[]
}
