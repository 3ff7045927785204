#!/usr/bin/env node
// Writes examples/song.mp3 (synthesized, 120 BPM, 4/4, 40 bars) and examples/song.truth.json
// (its exact beats, downbeats and sections). Needs `npm run build` first. `--force` rewrites.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXAMPLE_SONG_SPEC, synthesizeSong, writeWav } from '../build/tools/synth.js'
import { runFfmpeg } from '../dist/ffmpeg/index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const mp3 = join(root, 'examples', 'song.mp3')
const truthPath = join(root, 'examples', 'song.truth.json')
const force = process.argv.includes('--force')

if (!force && existsSync(mp3) && statSync(mp3).size > 0 && existsSync(truthPath)) {
  console.log(`examples/song.mp3 exists (use --force to rebuild)`)
} else {
  const song = synthesizeSong(EXAMPLE_SONG_SPEC)
  const tmp = mkdtempSync(join(tmpdir(), 'longav-example-'))
  try {
    const wav = join(tmp, 'song.wav')
    writeWav(wav, song.samples, song.sampleRate)
    await runFfmpeg(['-i', wav, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', mp3])
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  const truth = {
    bpm: EXAMPLE_SONG_SPEC.bpm,
    beatsPerBar: EXAMPLE_SONG_SPEC.beatsPerBar,
    durationSec: song.samples.length / song.sampleRate,
    beats: song.beats,
    downbeats: song.downbeats,
    sections: song.sections,
  }
  writeFileSync(truthPath, JSON.stringify(truth, null, 1) + '\n')
  console.log(`wrote examples/song.mp3 and examples/song.truth.json (${truth.durationSec.toFixed(1)} s)`)
}
