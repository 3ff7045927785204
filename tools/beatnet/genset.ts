import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runFfmpeg } from '../../src/ffmpeg/index.js'
import { mulberry32, type Rng } from '../../src/util/random.js'
import { evalPieces, pieceTruth } from '../eval/pieces.js'
import { renderPiece } from '../eval/render.js'
import { synthesizeSong, writeWav, type SectionSpec } from '../synth.js'

/**
 * A stop-gap training set for the beat model while the real development set (tools/devset/) is
 * being built: the evaluation pieces with other seeds (seeds 101+, never the eval set's seed 1)
 * through TimGM6mb, and synthesized songs at random tempi and meters, each with one
 * production-like ffmpeg chain. Written as a manifest in the dev set's format (every item
 * split 'dev'), so tools/beatnet/dump.ts reads either. Side effects: files under `dir`.
 *
 * Usage: node build/tools/beatnet/genset.js [--seeds 8] [--synth 30] [--dir <tmp>/longav-beatnet-interim]
 */

const TIMGM = '/usr/share/sounds/sf2/TimGM6mb.sf2'

/** Production chains (ffmpeg -af), one picked per item. */
const CHAINS: Record<string, string> = {
  clean: 'anull',
  reverb: 'aecho=0.8:0.6:53|97|151:0.35|0.25|0.15',
  comp: 'acompressor=threshold=0.08:ratio=6:attack=5:release=80:makeup=3',
  bright: 'highpass=f=120,treble=g=6:f=4000',
  dark: 'lowpass=f=3500,bass=g=5:f=120',
  lofi: 'highpass=f=300,lowpass=f=5000,acompressor=threshold=0.1:ratio=4',
}

interface Item {
  id: string
  split: 'dev'
  source: string
  composerSet: string
  soundfont: string
  processing: string
  audioPath: string
  durationSec: number
  beats: number[]
  downbeats: number[]
  meter: number
  bpm: number
  tags: string[]
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]
}

async function processAudio(src: string, out: string, chain: string): Promise<void> {
  if (existsSync(out)) return
  const tmp = `${out}.${process.pid}.tmp.mp3`
  try {
    await runFfmpeg(['-loglevel', 'error', '-y', '-i', src, '-af', chain, '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', tmp])
    await rename(tmp, out)
  } finally {
    await rm(tmp, { force: true })
  }
}

function medianBpm(beats: number[]): number {
  const d = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b)
  return d.length ? 60 / d[Math.floor(d.length / 2)] : 0
}

function synthSections(rng: Rng, bars: number): SectionSpec[] {
  const out: SectionSpec[] = []
  let left = bars
  while (left > 0) {
    const n = Math.min(left, pick(rng, [4, 8]))
    left -= n
    const drums = pick(rng, ['none', 'hats', 'full', 'full', 'full', 'fade'] as const)
    out.push({
      label: pick(rng, ['intro', 'verse', 'chorus', 'bridge']),
      bars: n,
      intensity: 0.4 + 0.6 * rng(),
      drums,
      crash: rng() < 0.3,
      bass: rng() < 0.7,
      chords: pick(rng, ['pad', 'bright', 'pad'] as const),
      lead: rng() < 0.6,
    })
  }
  return out
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const arg = (name: string, d: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : d)
  const seeds = Number(arg('--seeds', '8'))
  const synthCount = Number(arg('--synth', '30'))
  const dir = arg('--dir', join(tmpdir(), 'longav-beatnet-interim'))
  await mkdir(join(dir, 'raw'), { recursive: true })
  const rng = mulberry32(20261207)
  const chains = Object.keys(CHAINS)
  const items: Item[] = []
  for (let s = 0; s < seeds; s++) {
    const seed = 101 + s
    for (const piece of evalPieces(seed)) {
      const named = { ...piece, name: `${piece.name}-s${seed}` }
      const { path } = await renderPiece(named, join(dir, 'raw'), TIMGM)
      const chain = pick(rng, chains)
      const out = join(dir, `${named.name}-${chain}.mp3`)
      await processAudio(path, out, CHAINS[chain])
      const t = pieceTruth(named)
      items.push({
        id: `${named.name}-${chain}`,
        split: 'dev',
        source: 'evalpieces-reseeded',
        composerSet: piece.name,
        soundfont: 'TimGM6mb',
        processing: chain,
        audioPath: out,
        durationSec: t.durationSec,
        beats: t.beats,
        downbeats: t.downbeats,
        meter: piece.meter,
        bpm: medianBpm(t.beats),
        tags: [],
      })
      console.log(items[items.length - 1].id)
    }
  }
  for (let k = 0; k < synthCount; k++) {
    const bpm = Math.round(64 + rng() * 130)
    const meter = pick(rng, [2, 3, 4, 4, 4, 5, 6, 7])
    const bars = Math.max(8, Math.round((40 + rng() * 50) / ((60 / bpm) * meter)))
    const song = synthesizeSong({ bpm, beatsPerBar: meter, sections: synthSections(rng, bars), key: 52 + Math.floor(rng() * 14), seed: 500 + k, tailSec: 1 })
    const chain = pick(rng, chains)
    const id = `synth-${k}-${bpm}-${meter}-${chain}`
    const wav = join(dir, 'raw', `synth-${k}.wav`)
    const out = join(dir, `${id}.mp3`)
    if (!existsSync(out)) {
      writeWav(wav, song.samples, song.sampleRate)
      await processAudio(wav, out, CHAINS[chain])
      await rm(wav, { force: true })
    }
    items.push({
      id,
      split: 'dev',
      source: 'synth',
      composerSet: `synth-${k}`,
      soundfont: 'builtin-synth',
      processing: chain,
      audioPath: out,
      durationSec: song.beats.length ? song.samples.length / song.sampleRate : 0,
      beats: song.beats,
      downbeats: song.downbeats,
      meter,
      bpm,
      tags: [],
    })
    console.log(id)
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: 'interim-1', items }, null, 1))
  console.log(`${items.length} items → ${join(dir, 'manifest.json')}`)
}

await main()
