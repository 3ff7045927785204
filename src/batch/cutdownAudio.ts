/**
 * The cut-down's audio: each piece's source samples decoded by ffmpeg (sample-exact: a full
 * decode trimmed by sample number, never an approximate seek), mixed by the plan of
 * cutdownMix.ts (joins crossfaded before the downbeat, the end faded to silence on the last
 * sample), and written as a WAV of exactly totalFrames / fps seconds, loudness-normalised when a
 * target is given.
 */
import { rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { runFfmpeg } from '../ffmpeg/run.js'
import type { Cutdown } from './types.js'
import { mixSegments, planCutdownMix } from './cutdownMix.js'
import { writeNormalised } from './loudness.js'

export { measureLoudness, normaliseLoudness } from './loudness.js'

export interface CutdownAudioOptions {
  /** Target integrated loudness, LUFS (e.g. −14 social, −23 broadcast); null/absent: the song's own level. */
  loudnessLufs?: number | null
  /** Output rate, Hz (default 48000). */
  sampleRate?: number
  signal?: AbortSignal
}

const CHANNELS = 2

/** Source samples [from, to) of the song at `sampleRate`, stereo interleaved f32. */
async function decodeSpan(song: string, from: number, to: number, sampleRate: number, signal?: AbortSignal): Promise<Float32Array> {
  // aresample first, so atrim counts samples at the output rate from the song's first sample
  // (as the analysis's decode does): the same sample numbering the downbeat times use.
  const { stdout } = await runFfmpeg(
    ['-i', song, '-vn', '-af', `aresample=${sampleRate},atrim=start_sample=${from}:end_sample=${to}`, '-ac', String(CHANNELS), '-f', 'f32le', 'pipe:1'],
    { signal, captureStdout: true },
  )
  const out = new Float32Array(Math.floor(stdout.length / 4))
  new Uint8Array(out.buffer).set(stdout.subarray(0, out.length * 4))
  return out
}

export async function renderCutdownAudio(
  song: string,
  cutdown: Cutdown,
  out: string,
  opts: CutdownAudioOptions = {},
): Promise<{ path: string; measuredLufs: number | null; samples: number }> {
  const sr = opts.sampleRate ?? 48000
  const plan = planCutdownMix(cutdown, sr)
  const sources: Float32Array[] = []
  for (const seg of plan.segments) sources.push(await decodeSpan(song, seg.srcFrom, seg.srcFrom + seg.outTo - seg.outFrom, sr, opts.signal))
  const mixed = mixSegments(plan, sources, CHANNELS)
  const raw = join(dirname(out), `.${basename(out)}.${process.pid}.mix.f32`)
  try {
    await writeFile(raw, new Uint8Array(mixed.buffer, mixed.byteOffset, mixed.byteLength))
    const input = ['-f', 'f32le', '-ar', String(sr), '-ac', String(CHANNELS), '-i', raw]
    const r = await writeNormalised(input, out, opts.loudnessLufs ?? null, { sampleRate: sr, signal: opts.signal, samples: plan.totalSamples, label: song })
    return { path: out, measuredLufs: r.measuredLufs, samples: r.samples }
  } finally {
    await rm(raw, { force: true })
  }
}
