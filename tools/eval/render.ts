import { createHash } from 'node:crypto'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthesizeSong, writeWav } from '../synth.js'
import { runBinary, runFfmpeg } from '../../src/ffmpeg/index.js'
import { writeMidi } from './midi.js'
import { evalPieces, pieceTruth, PIECES_VERSION, structuredSpecs, type EvalPiece, type StructuredSpec } from './pieces.js'

/**
 * Renders the evaluation set to mp3 files (side effects): MIDI pieces through fluidsynth and a
 * General MIDI soundfont, structured songs through the built-in synthesizer, both encoded with
 * ffmpeg. Files are cached under a hash of everything that shapes the audio, so tests and the
 * eval script share one render; every file is written to a temp name and renamed into place,
 * so two processes rendering at once never see a half-written file.
 */

/** Bumped when rendering (not the music) changes: flags, encoder, layout. */
export const RENDER_VERSION = 2

const SOUNDFONT_DIRS = ['/usr/share/sounds/sf2', '/usr/share/soundfonts']
// TimGM6mb first: it is what CI installs, so local figures match CI's. FluidR3 (and anything
// default-GM.sf2 resolves to that is FluidR3) is never used: it is kept for independent measurement.
const SOUNDFONT_NAMES = ['TimGM6mb.sf2', 'default-GM.sf2']
const FORBIDDEN_SOUNDFONT = /fluidr3/i

export class EvalSetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EvalSetupError'
  }
}

/** The General MIDI soundfont to render with: LONGAV_SOUNDFONT, else the first Debian one found. */
export function findSoundfont(): string {
  const env = process.env.LONGAV_SOUNDFONT
  if (env) {
    if (!existsSync(env)) throw new EvalSetupError(`LONGAV_SOUNDFONT=${env} does not exist`)
    if (FORBIDDEN_SOUNDFONT.test(realpathSync(env))) throw new EvalSetupError(`LONGAV_SOUNDFONT=${env} is a FluidR3 soundfont, kept for independent measurement: use TimGM6mb`)
    return env
  }
  for (const name of SOUNDFONT_NAMES) {
    for (const dir of SOUNDFONT_DIRS) {
      const p = join(dir, name)
      if (existsSync(p) && !FORBIDDEN_SOUNDFONT.test(realpathSync(p))) return p
    }
  }
  throw new EvalSetupError(
    'No General MIDI soundfont found (looked for TimGM6mb.sf2, default-GM.sf2 in /usr/share/sounds/sf2). ' +
      'Install one: apt-get install fluidsynth timgm6mb-soundfont, or set LONGAV_SOUNDFONT.',
  )
}

export interface EvalTrack {
  name: string
  description: string
  audioPath: string
  /** Seconds to the last bar line (the rendered file may ring a little longer). */
  durationSec: number
  meter: number
  beats: number[]
  downbeats: number[]
  beatless: Array<{ start: number; end: number }>
}

export interface StructuredTrack {
  name: string
  description: string
  audioPath: string
  durationSec: number
  bpm: number
  meter: number
  beats: number[]
  downbeats: number[]
  sections: Array<{ label: string; start: number; end: number }>
  /** Section boundaries including the start (0) and the end of the music. */
  boundaries: number[]
}

export interface EvalSet {
  dir: string
  soundfont: string
  pieces: EvalTrack[]
  structured: StructuredTrack[]
}

export interface BuildOptions {
  /** Cache folder; default `os.tmpdir()/longav-evalset-<hash>`. */
  dir?: string
  pieces?: EvalPiece[]
  structured?: StructuredSpec[]
  signal?: AbortSignal
  /** Called once per file with whether it was rendered or found in the cache. */
  onFile?: (name: string, cached: boolean) => void
}

/** Where the set for these inputs lives (the hash covers music, soundfont and render version). */
export function evalSetDir(pieces: EvalPiece[], structured: StructuredSpec[], soundfont: string): string {
  const h = createHash('sha256')
  h.update(JSON.stringify({ PIECES_VERSION, RENDER_VERSION, pieces, structured: structured.map((s) => s.spec) }))
  // The soundfont's identity: path and size (hashing 6–140 MB each run would cost more than it saves).
  h.update(`${soundfont}:${statSync(soundfont).size}`)
  return join(tmpdir(), `longav-evalset-${h.digest('hex').slice(0, 16)}`)
}

function tempName(dir: string, stem: string, ext: string): string {
  return join(dir, `.${stem}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp.${ext}`)
}

/** Seconds of ring-out kept after the last bar line (fluidsynth renders until every voice dies). */
const RING_OUT_SEC = 2

async function encodeMp3(wav: string, out: string, signal?: AbortSignal, endSec?: number): Promise<void> {
  // Cut the long silent tail fluidsynth leaves, with a short fade so the file ends like a song.
  const trim = endSec === undefined ? [] : ['-af', `afade=t=out:st=${(endSec + RING_OUT_SEC - 1).toFixed(3)}:d=1`, '-t', (endSec + RING_OUT_SEC).toFixed(3)]
  await runFfmpeg(['-loglevel', 'error', '-i', wav, ...trim, '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', out], { signal })
}

/** Renders one MIDI piece to `<dir>/<name>.mp3` unless it is there already. */
export async function renderPiece(piece: EvalPiece, dir: string, soundfont: string, signal?: AbortSignal): Promise<{ path: string; cached: boolean }> {
  const path = join(dir, `${piece.name}.mp3`)
  if (existsSync(path)) return { path, cached: true }
  await mkdir(dir, { recursive: true })
  const mid = tempName(dir, piece.name, 'mid')
  const wav = tempName(dir, piece.name, 'wav')
  const mp3 = tempName(dir, piece.name, 'mp3')
  try {
    await writeFile(mid, writeMidi(piece))
    try {
      await runBinary('fluidsynth', ['-ni', '-g', '0.6', '-r', '44100', '-F', wav, soundfont, mid], { signal })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new EvalSetupError('fluidsynth was not found: apt-get install fluidsynth timgm6mb-soundfont')
      }
      throw err
    }
    if (!existsSync(wav) || statSync(wav).size < 1000) throw new EvalSetupError(`fluidsynth wrote no audio for ${piece.name}`)
    await encodeMp3(wav, mp3, signal, pieceTruth(piece).durationSec)
    await rename(mp3, path)
  } finally {
    await Promise.all([mid, wav, mp3].map((p) => rm(p, { force: true })))
  }
  return { path, cached: false }
}

/** Synthesizes one structured song to `<dir>/<name>.mp3` unless it is there already. */
export async function renderStructured(s: StructuredSpec, dir: string, signal?: AbortSignal): Promise<{ path: string; cached: boolean }> {
  const path = join(dir, `${s.name}.mp3`)
  if (existsSync(path)) return { path, cached: true }
  await mkdir(dir, { recursive: true })
  const wav = tempName(dir, s.name, 'wav')
  const mp3 = tempName(dir, s.name, 'mp3')
  try {
    const song = synthesizeSong(s.spec)
    writeWav(wav, song.samples, song.sampleRate)
    await encodeMp3(wav, mp3, signal)
    await rename(mp3, path)
  } finally {
    await Promise.all([wav, mp3].map((p) => rm(p, { force: true })))
  }
  return { path, cached: false }
}

/** Truth of a structured song from its spec (no audio needed). */
export function structuredTruth(s: StructuredSpec): Omit<StructuredTrack, 'audioPath'> {
  const { spec } = s
  const beatSec = 60 / spec.bpm
  const totalBars = spec.sections.reduce((a, x) => a + x.bars, 0)
  const beats: number[] = []
  const downbeats: number[] = []
  for (let k = 0; k < totalBars * spec.beatsPerBar; k++) {
    const t = round6(k * beatSec)
    beats.push(t)
    if (k % spec.beatsPerBar === 0) downbeats.push(t)
  }
  const sections: StructuredTrack['sections'] = []
  let bar = 0
  for (const sec of spec.sections) {
    const start = round6(bar * spec.beatsPerBar * beatSec)
    bar += sec.bars
    sections.push({ label: sec.label, start, end: round6(bar * spec.beatsPerBar * beatSec) })
  }
  return {
    name: s.name,
    description: s.description,
    durationSec: round6(totalBars * spec.beatsPerBar * beatSec),
    bpm: spec.bpm,
    meter: spec.beatsPerBar,
    beats,
    downbeats,
    sections,
    boundaries: [0, ...sections.map((x) => x.end)],
  }
}

/** The structured tracks rendered (or found) in `dir`. */
export async function structuredTracks(dir: string, specs = structuredSpecs(), signal?: AbortSignal): Promise<StructuredTrack[]> {
  const out: StructuredTrack[] = []
  for (const s of specs) {
    const { path } = await renderStructured(s, dir, signal)
    out.push({ ...structuredTruth(s), audioPath: path })
  }
  return out
}

/** Renders (or reuses) the whole evaluation set and returns it with its truth. */
export async function buildEvalSet(opts: BuildOptions = {}): Promise<EvalSet> {
  const pieces = opts.pieces ?? evalPieces()
  const specs = opts.structured ?? structuredSpecs()
  const soundfont = findSoundfont()
  const dir = opts.dir ?? evalSetDir(pieces, specs, soundfont)
  const tracks: EvalTrack[] = []
  // One file at a time: the machine's cores are better spent on whatever else runs.
  for (const p of pieces) {
    const { path, cached } = await renderPiece(p, dir, soundfont, opts.signal)
    opts.onFile?.(p.name, cached)
    const t = pieceTruth(p)
    tracks.push({ name: p.name, description: p.description, audioPath: path, durationSec: t.durationSec, meter: p.meter, beats: t.beats, downbeats: t.downbeats, beatless: t.beatless })
  }
  const structured: StructuredTrack[] = []
  for (const s of specs) {
    const { path, cached } = await renderStructured(s, dir, opts.signal)
    opts.onFile?.(s.name, cached)
    structured.push({ ...structuredTruth(s), audioPath: path })
  }
  return { dir, soundfont, pieces: tracks, structured }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
