import { streamAudio } from '../../ffmpeg/index.js'
import { normalizeMax } from '../onset.js'
import { vocalActivity } from '../streams/vocal.js'
import type { SeparatedCurves } from '../streams/index.js'
import { separateStream } from './chunking.js'
import type { LocatedModel } from './locate.js'
import { loadSeparationModel, type SeparationModel } from './model.js'
import { StreamingWav } from './wavWriter.js'

export { SeparationConfig } from './config.js'
export { SeparationModelError, type SeparationModelErrorCode } from './errors.js'
export { chunkStarts, chunkWeights, OverlapAdd, separateStream, type StemSink } from './chunking.js'
export { loadSeparationModel, readSeparationConfig, type SeparationModel } from './model.js'
export { locateSeparationModel, modelsDirectory, separationModelIdentity, type LocatedModel, type SeparationIdentity } from './locate.js'

/**
 * Per-analysis-frame energy of each stem and of the input mix (channels averaged), for frames
 * `t` centred at `t / fps` seconds; samples go to the nearest frame centre.
 */
export class StemEnergies {
  readonly stems: Float64Array[]
  readonly mix: Float64Array
  readonly counts: Float64Array

  constructor(
    stemCount: number,
    readonly frames: number,
    readonly fps: number,
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    this.stems = Array.from({ length: stemCount }, () => new Float64Array(frames))
    this.mix = new Float64Array(frames)
    this.counts = new Float64Array(frames)
  }

  private frameOf(n: number): number {
    return Math.floor((n * this.fps) / this.sampleRate + 0.5)
  }

  /** Taps the interleaved input on its way to the model. */
  addMix(start: number, interleaved: Float32Array): void {
    const C = this.channels
    const n = Math.floor(interleaved.length / C)
    for (let i = 0; i < n; i++) {
      const f = this.frameOf(start + i)
      if (f >= this.frames) break
      let m = 0
      for (let c = 0; c < C; c++) m += interleaved[i * C + c]
      m /= C
      this.mix[f] += m * m
      this.counts[f]++
    }
  }

  /** Overlap-add sink: finished stem samples. */
  addStems(start: number, stems: Float32Array[][]): void {
    const C = this.channels
    for (let s = 0; s < stems.length; s++) {
      const ch = stems[s]
      const len = ch[0].length
      const e = this.stems[s]
      for (let i = 0; i < len; i++) {
        const f = this.frameOf(start + i)
        if (f >= this.frames) break
        let m = 0
        for (let c = 0; c < C; c++) m += ch[c][i]
        m /= C
        e[f] += m * m
      }
    }
  }
}

/** Curves from stem energies: vocals → vocal activity, drums → hits, the other stems → harmonic bed. */
export function curvesFromStems(e: StemEnergies, stemNames: string[], detail: string): SeparatedCurves {
  const { frames, fps } = e
  const idx = (n: string) => stemNames.indexOf(n)
  const vocals = e.stems[idx('vocals')]
  const rms = new Float64Array(frames)
  for (let t = 0; t < frames; t++) rms[t] = e.counts[t] > 0 ? Math.sqrt(e.mix[t] / e.counts[t]) : 0
  const vocal = vocalActivity(vocals, e.mix, rms, fps)
  const harmonicE = new Float64Array(frames)
  stemNames.forEach((name, s) => {
    if (name === 'vocals' || name === 'drums') return
    for (let t = 0; t < frames; t++) harmonicE[t] += e.stems[s][t]
  })
  const harmonic = normalizeMax(harmonicE.map(Math.sqrt))
  const d = idx('drums')
  return { vocal, harmonic, percussive: d >= 0 ? energyFlux(e.stems[d]) : undefined, detail }
}

/** Onset strength of one stem: positive change of its level in dB (80 dB floor), scaled to 0..1. */
export function energyFlux(energy: Float64Array): Float64Array {
  const db = Float64Array.from(energy, (v) => 10 * Math.log10(v + 1e-10))
  let mx = -Infinity
  for (const v of db) mx = Math.max(mx, v)
  const out = new Float64Array(energy.length)
  for (let t = 1; t < db.length; t++) out[t] = Math.max(0, Math.max(db[t], mx - 80) - Math.max(db[t - 1], mx - 80))
  return normalizeMax(out)
}

/**
 * Separates the song at `path` with the located model: decodes it once more at the model's rate
 * and channel count as a stream, runs the model chunk by chunk with overlap-add, and reduces the
 * stems to curves on the analysis grid (`frames` at `fps`) as they are finished.
 */
export async function separationCurves(
  path: string,
  located: LocatedModel,
  grid: { frames: number; fps: number },
  opts: { signal?: AbortSignal; model?: SeparationModel; vocalsOut?: string } = {},
): Promise<SeparatedCurves> {
  const model = opts.model ?? (await loadSeparationModel(located.dir, located.name))
  let vocals: StreamingWav | undefined
  try {
    const cfg = model.config
    const energies = new StemEnergies(cfg.stems.length, grid.frames, grid.fps, cfg.sampleRate, cfg.channels)
    // The vocal stem itself, for generators that sing to it (the config requires a "vocals" stem).
    const vocalStem = cfg.stems.indexOf('vocals')
    if (opts.vocalsOut) vocals = await StreamingWav.create(opts.vocalsOut, cfg.sampleRate, cfg.channels)
    const decoded = streamAudio(path, { sampleRate: cfg.sampleRate, channels: cfg.channels, signal: opts.signal })
    async function* tapped(): AsyncGenerator<Float32Array> {
      let n = 0
      for await (const block of decoded) {
        energies.addMix(n, block)
        n += block.length / cfg.channels
        yield block
      }
    }
    await separateStream(
      tapped(),
      { channels: cfg.channels, stems: cfg.stems.length, chunk: cfg.chunkSamples, overlap: cfg.overlapSamples },
      (input) => {
        opts.signal?.throwIfAborted()
        return model.run(input)
      },
      (start, stems) => {
        energies.addStems(start, stems)
        vocals?.write(stems[vocalStem])
      },
    )
    await vocals?.close()
    vocals = undefined
    return curvesFromStems(energies, cfg.stems, located.name)
  } finally {
    await vocals?.close().catch(() => undefined)
    if (!opts.model) await model.release()
  }
}
