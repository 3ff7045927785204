import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeSong } from '../src/audio/analyze.js'
import {
  chunkStarts,
  chunkWeights,
  loadSeparationModel,
  locateSeparationModel,
  separateStream,
  SeparationModelError,
  separationModelIdentity,
} from '../src/audio/separation/index.js'
import { decodeAudioMono } from '../src/ffmpeg/decodeAudio.js'
import type { StepContext } from '../src/pipeline/context.js'
import { analyze, vocalsFile } from '../src/pipeline/steps/analyze.js'
import { openStore } from '../src/store/index.js'
import { sha256File } from '../src/util/files.js'
import { similarity } from './helpers/signal.js'
import { Analysis } from '../src/schemas/index.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { tinySeparatorOnnx, writeSeparationModel } from './helpers/onnxModel.js'

let dir: string
let song: SongFixture
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-separation-test-'))
  song = await makeSongFixture({ bpm: 120, seconds: 12, format: 'wav', dir })
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const GAINS = [0.5, 0.25, -1, 2] // vocals, drums, bass, other
const CONFIG = {
  sampleRate: 44100,
  channels: 2,
  chunkSamples: 44100,
  overlapSamples: 4410,
  inputName: 'mix',
  outputName: 'stems',
  stems: ['vocals', 'drums', 'bass', 'other'],
  inputDomain: 'waveform',
}

/** Interleaved stereo test signal: distinct content per channel so a layout mix-up shows. */
function stereo(n: number): Float32Array {
  const x = new Float32Array(2 * n)
  for (let i = 0; i < n; i++) {
    x[2 * i] = Math.sin(i * 0.013) * 0.5 + (i % 7) * 0.01
    x[2 * i + 1] = Math.cos(i * 0.029) * 0.3 - (i % 5) * 0.02
  }
  return x
}

/** Yields the interleaved signal in uneven blocks, as a decoder would. */
async function* blocks(x: Float32Array, channels: number, sizes = [1, 333, 4096, 17]): AsyncGenerator<Float32Array> {
  let i = 0
  let k = 0
  while (i < x.length / channels) {
    const n = Math.min(sizes[k++ % sizes.length], x.length / channels - i)
    yield x.slice(i * channels, (i + n) * channels)
    i += n
  }
}

/** Collects the overlap-add output into full planar stems. */
function collector(stems: number, channels: number, n: number) {
  const out = Array.from({ length: stems }, () => Array.from({ length: channels }, () => new Float32Array(n).fill(NaN)))
  return {
    out,
    sink: (start: number, block: Float32Array[][]) => {
      block.forEach((ch, s) => ch.forEach((a, c) => out[s][c].set(a, start)))
    },
  }
}

describe('chunking and overlap-add', () => {
  it('places chunks every chunk − overlap samples until the end is covered', () => {
    expect(chunkStarts(25, 10, 3)).toEqual([0, 7, 14, 21])
    expect(chunkStarts(10, 10, 3)).toEqual([0])
    expect(chunkStarts(11, 10, 3)).toEqual([0, 7])
    expect(chunkStarts(3, 10, 3)).toEqual([0])
    expect(() => chunkStarts(25, 10, 10)).toThrow(RangeError)
  })

  it('cross-fades with linear ramps that never reach zero', () => {
    const w = Array.from(chunkWeights(10, 3))
    expect(w).toEqual([0.25, 0.5, 0.75, 1, 1, 1, 1, 0.75, 0.5, 0.25])
    // Where two chunks overlap their weights are complementary in shape (rising meets falling).
    expect(w.slice(7).map((v, i) => v + w[i])).toEqual([1, 1, 1])
  })

  it('feeds the model planar [channels, chunk] inputs at the planned starts and reconstructs exactly', async () => {
    const n = 1000
    const x = stereo(n)
    const chunk = 128
    const overlap = 20
    const seen: number[][] = []
    let calls = 0
    const starts = chunkStarts(n, chunk, overlap)
    // A "model" that checks its input layout and returns stems = input × (s + 1).
    const model = async (input: Float32Array) => {
      const start = starts[calls++]
      seen.push([start])
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < chunk; i++) {
          const j = start + i
          expect(input[c * chunk + i]).toBe(j < n ? x[2 * j + c] : 0)
        }
      const out = new Float32Array(3 * 2 * chunk)
      for (let s = 0; s < 3; s++) for (let k = 0; k < 2 * chunk; k++) out[s * 2 * chunk + k] = input[k] * (s + 1)
      return out
    }
    const { out, sink } = collector(3, 2, n)
    const total = await separateStream(blocks(x, 2), { channels: 2, stems: 3, chunk, overlap }, model, sink)
    expect(total).toBe(n)
    expect(calls).toBe(starts.length)
    let worst = 0
    for (let s = 0; s < 3; s++) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[s][c][i] - x[2 * i + c] * (s + 1)))
    expect(worst).toBeLessThan(1e-6)
  })

  it('handles a signal shorter than one chunk and one that ends exactly on a chunk', async () => {
    for (const n of [50, 128, 236]) {
      const x = stereo(n)
      const { out, sink } = collector(1, 2, n)
      await separateStream(blocks(x, 2), { channels: 2, stems: 1, chunk: 128, overlap: 20 }, async (inp) => inp.slice(), sink)
      for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) expect(out[0][c][i]).toBeCloseTo(x[2 * i + c], 6)
    }
  })
})

describe('ONNX separation model', () => {
  it('runs a tiny generated model chunk by chunk and reconstructs its stems exactly', async () => {
    const models = join(dir, 'exact')
    writeSeparationModel(models, 'tiny', tinySeparatorOnnx({ gains: GAINS }), { ...CONFIG, chunkSamples: 256, overlapSamples: 32 })
    const located = locateSeparationModel({ modelsDir: models })
    expect(located).toEqual({ name: 'tiny', dir: join(models, 'separation', 'tiny'), note: undefined })
    const model = await loadSeparationModel(located!.dir, located!.name)
    try {
      const n = 1500
      const x = stereo(n)
      const { out, sink } = collector(4, 2, n)
      await separateStream(blocks(x, 2), { channels: 2, stems: 4, chunk: 256, overlap: 32 }, (i) => model.run(i), sink)
      let worst = 0
      for (let s = 0; s < 4; s++) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[s][c][i] - GAINS[s] * x[2 * i + c]))
      expect(worst).toBeLessThan(1e-6)
    } finally {
      await model.release()
    }
  })

  it('replaces the DSP streams in analyzeSong and says which model was used', async () => {
    const models = join(dir, 'song')
    writeSeparationModel(models, 'tiny-demucs', tinySeparatorOnnx({ gains: GAINS, channels: 2 }), CONFIG)
    const stages: string[] = []
    const a = Analysis.parse(await analyzeSong(song.path, { modelsDir: models, onProgress: (_f, s) => stages.push(s) }))
    expect(a.streams).toEqual({ method: 'onnx', detail: 'tiny-demucs' })
    expect(stages).toContain('separate (tiny-demucs)')
    const fps = a.features.onset.fps
    for (const c of [a.features.vocal, a.features.percussive, a.features.harmonic]) {
      expect(c.fps).toBe(fps)
      expect(c.values.length).toBe(a.features.onset.values.length)
      for (const v of c.values) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true)
    }
    // The "vocals" stem is half the mix (a quarter of its energy) everywhere the song plays.
    const mid = a.features.vocal.values.slice(Math.round(2 * fps), Math.round(10 * fps))
    expect(Math.min(...mid)).toBeGreaterThanOrEqual(0.5)
    // Drum-stem hits line up with the song's beats.
    const perc = a.features.percussive.values
    const onBeat = song.beats.filter((b) => b > 1 && b < 11).map((b) => Math.max(...perc.slice(Math.round(b * fps) - 2, Math.round(b * fps) + 4)))
    expect(onBeat.reduce((s, v) => s + v, 0) / onBeat.length).toBeGreaterThan(0.3)
  })

  it('keeps the vocal stem as a WAV in the store beside the analysis (what singing shots are sent)', async () => {
    const models = join(dir, 'vocals')
    writeSeparationModel(models, 'tiny-demucs', tinySeparatorOnnx({ gains: GAINS, channels: 2 }), CONFIG)
    const store = openStore(join(dir, 'vocals-store'))
    const identity = await separationModelIdentity({ modelsDir: models })
    const ctx = { signal: undefined, emit: () => undefined, services: {} } as unknown as StepContext
    const input = { song: { path: song.path, sha256: await sha256File(song.path) }, separation: identity, modelsDir: models }
    const { key } = await analyze(input, store, ctx)
    const wav = vocalsFile(store, key)
    expect(existsSync(wav)).toBe(true)
    // The stem is the model's "vocals" output: half the mix, sample for sample (16-bit), at the song's length.
    const [mix, vocals] = await Promise.all([decodeAudioMono(song.path, { sampleRate: 8000 }), decodeAudioMono(wav, { sampleRate: 8000 })])
    expect(Math.abs(vocals.durationSec - mix.durationSec)).toBeLessThan(0.01)
    const alike = similarity(mix.samples, vocals.samples)
    expect(alike.correlation).toBeGreaterThan(0.999)
    expect(alike.rmsRatio).toBeCloseTo(GAINS[0], 2)
    // A second analysis is a store hit and leaves the stem as it was.
    const before = statSync(wav).mtimeMs
    expect((await analyze(input, store, ctx)).key).toBe(key)
    expect(statSync(wav).mtimeMs).toBe(before)
    // Without a separation model there is no stem, and nothing is asked of the analysis for one.
    const plain = await analyze({ ...input, separation: null, modelsDir: join(dir, 'no-models') }, store, ctx)
    expect(existsSync(vocalsFile(store, plain.key))).toBe(false)
  })

  it('picks the chosen model, or the alphabetically first with a note, or LONGAV_MODELS_DIR', () => {
    const models = join(dir, 'several')
    const bytes = tinySeparatorOnnx({ gains: GAINS })
    writeSeparationModel(models, 'zeta', bytes, CONFIG)
    writeSeparationModel(models, 'alpha', bytes, CONFIG)
    mkdirSync(join(models, 'separation', 'empty-folder'), { recursive: true })
    writeFileSync(join(models, 'separation', 'README.md'), 'not a model')
    const first = locateSeparationModel({ modelsDir: models })
    expect(first?.name).toBe('alpha')
    expect(first?.note).toMatch(/several separation models .*alpha, zeta.*"alpha", the alphabetically first; choose one with separationModel/)
    expect(locateSeparationModel({ modelsDir: models, name: 'zeta' })).toEqual({ name: 'zeta', dir: join(models, 'separation', 'zeta') })
    expect(() => locateSeparationModel({ modelsDir: models, name: 'nope' })).toThrow(/separation model "nope" not found .*present: alpha, zeta/)
    expect(locateSeparationModel({ modelsDir: join(dir, 'no-such-dir') })).toBeUndefined()
    const saved = process.env.LONGAV_MODELS_DIR
    process.env.LONGAV_MODELS_DIR = models
    try {
      expect(locateSeparationModel()?.name).toBe('alpha')
    } finally {
      if (saved === undefined) delete process.env.LONGAV_MODELS_DIR
      else process.env.LONGAV_MODELS_DIR = saved
    }
  })

  async function rejection(p: Promise<unknown>): Promise<SeparationModelError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(e).toBeInstanceOf(SeparationModelError)
    return e as SeparationModelError
  }

  it('reports a malformed separation.json with the file and field', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['not-json', '{ "sampleRate": 44100,', /separation\.json: cannot be read as JSON/],
      ['no-input', { ...CONFIG, inputName: undefined }, /inputName: /],
      ['big-overlap', { ...CONFIG, overlapSamples: 30000 }, /overlapSamples: overlapSamples must be less than half of chunkSamples/],
      ['no-vocals', { ...CONFIG, stems: ['drums', 'bass'] }, /stems: must include "vocals"/],
      ['spectrogram', { ...CONFIG, inputDomain: 'spectrogram' }, /inputDomain: /],
    ]
    for (const [name, cfg, re] of cases) {
      const models = join(dir, 'bad-' + name)
      writeSeparationModel(models, name, tinySeparatorOnnx({ gains: GAINS }), cfg === undefined ? '' : cfg)
      const e = await rejection(analyzeSong(song.path, { modelsDir: models }))
      expect(e.code).toBe('BAD_CONFIG')
      expect(e.message).toMatch(re)
    }
  })

  it('reports a model whose input name, shape or output does not match the config', async () => {
    const models = join(dir, 'mismatch')
    writeSeparationModel(models, 'name', tinySeparatorOnnx({ gains: GAINS, inputName: 'audio' }), CONFIG)
    writeSeparationModel(models, 'mono', tinySeparatorOnnx({ gains: GAINS, channels: 1 }), CONFIG)
    writeSeparationModel(models, 'three', tinySeparatorOnnx({ gains: [1, 1, 1] }), CONFIG)
    writeSeparationModel(models, 'garbage', new TextEncoder().encode('not an onnx model'), CONFIG)
    let e = await rejection(analyzeSong(song.path, { modelsDir: models, separationModel: 'name' }))
    expect([e.code, e.message]).toEqual(['IO_MISMATCH', expect.stringMatching(/input "mix" not found: the model has "audio"/)])
    e = await rejection(analyzeSong(song.path, { modelsDir: models, separationModel: 'mono' }))
    expect([e.code, e.message]).toEqual(['IO_MISMATCH', expect.stringMatching(/input "mix" has shape \[1, 1, L\], separation\.json implies \[1, 2, 44100\]/)])
    // Three stems where the config names four: declared shape [1, 3, C, L].
    e = await rejection(analyzeSong(song.path, { modelsDir: models, separationModel: 'three' }))
    expect([e.code, e.message]).toEqual(['IO_MISMATCH', expect.stringMatching(/output "stems" has shape \[1, 3, C, L\]/)])
    e = await rejection(analyzeSong(song.path, { modelsDir: models, separationModel: 'garbage' }))
    expect(e.code).toBe('LOAD_FAILED')
    e = await rejection(analyzeSong(song.path, { modelsDir: models, separationModel: 'missing' }))
    expect(e.code).toBe('NOT_FOUND')
  })
})
