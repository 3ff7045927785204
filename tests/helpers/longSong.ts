/**
 * A generated 4-minute song (120 BPM, 120 bars: intro, verses, builds, choruses, an instrumental
 * break, a quiet bridge, outro) with its real analysis, and a brief with a singer, a guitarist and
 * lyric lines in the choruses: what the shot-grammar tests plan over without rendering.
 */
import type { SectionSpec } from '../../tools/synth.js'
import { analyzeSong } from '../../src/audio/index.js'
import type { Analysis, Brief } from '../../src/schemas/index.js'
import { makeBrief } from './brief.js'
import { makeSongFixture, type SongFixture } from './songFixture.js'

export const LONG_SONG_SECTIONS: SectionSpec[] = [
  { label: 'intro', bars: 8, intensity: 0.3, drums: 'none', chords: 'pad' },
  { label: 'verse', bars: 16, intensity: 0.6, drums: 'hats', bass: true, chords: 'pad', lead: true },
  { label: 'build', bars: 8, intensity: 0.75, drums: 'full', bass: true, chords: 'pad' },
  { label: 'chorus', bars: 16, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
  { label: 'break', bars: 8, intensity: 0.85, drums: 'full', bass: true, chords: 'none' },
  { label: 'verse', bars: 16, intensity: 0.6, drums: 'hats', bass: true, chords: 'pad', lead: true },
  { label: 'build', bars: 8, intensity: 0.75, drums: 'full', bass: true, chords: 'pad' },
  { label: 'chorus', bars: 16, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
  { label: 'bridge', bars: 8, intensity: 0.35, drums: 'none', chords: 'pad' },
  { label: 'chorus', bars: 8, intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true },
  { label: 'outro', bars: 8, intensity: 0.3, drums: 'fade', chords: 'pad' },
]

/** A lyric line every two bars (4 s at 120 BPM) through each chorus. */
function chorusLyrics(song: SongFixture): Array<{ time: number; text: string }> {
  const words = ['we light the city up tonight', 'nothing left but the beat', 'hold on to the neon sky', 'run with me until the dawn']
  const lines: Array<{ time: number; text: string }> = []
  for (const s of song.sections.filter((x) => x.label === 'chorus')) {
    for (let t = s.start, k = 0; t < s.end - 1; t += 4, k++) lines.push({ time: Math.round(t * 1000) / 1000, text: words[k % words.length] })
  }
  return lines
}

export function longSongBrief(song: SongFixture): Brief {
  return makeBrief({
    title: 'Four Minutes',
    concept: 'Two friends cross the city at night and end on the shore at dawn.',
    style: 'grainy synthwave',
    characters: [
      { name: 'Mara', description: 'singer with long hair and a red scarf' },
      { name: 'Jun', description: 'guitarist in a yellow jacket with a guitar' },
    ],
    locations: [
      { name: 'Rooftop', description: 'a city rooftop at night, skyline behind', sections: ['intro', 'verse', 'build'] },
      { name: 'Neon Grid', description: 'a synthwave neon grid under a striped sun', sections: ['chorus', 'break'] },
      { name: 'Shoreline', description: 'an empty beach at dawn', sections: ['bridge', 'outro'] },
    ],
    lyrics: chorusLyrics(song),
    output: { width: 160, height: 90, fps: 24 },
    baseDir: '/tmp',
  })
}

export async function makeLongSong(dir?: string): Promise<{ song: SongFixture; analysis: Analysis; brief: Brief }> {
  const song = await makeSongFixture({ bpm: 120, sections: LONG_SONG_SECTIONS, format: 'wav', dir, seed: 11 })
  const analysis = await analyzeSong(song.path)
  return { song, analysis, brief: longSongBrief(song) }
}
