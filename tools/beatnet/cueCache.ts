import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { ANALYSIS_SAMPLE_RATE } from '../../src/audio/analyze.js'
import { analysisCues, type AnalysisCues } from '../../src/audio/grid/cues.js'
import { chromaBins } from '../../src/audio/features.js'
import { melBank, powerToDb } from '../../src/audio/mel.js'
import { forEachStftFrame } from '../../src/audio/stft.js'
import { decodeAudioMono } from '../../src/ffmpeg/index.js'

/**
 * A cache of the analysis's bar cues per dev-set item (low-band onset and chroma on the analysis
 * grid, as `analyzeSamples` computes them), beside the manifest: `<manifest dir>/cache/cues/<id>.f32`
 * holding [fps, frames, lowOnset…, chroma (frames × 12)…]. Lets the decoder's use of them be tuned
 * in seconds (decodeEval --cues).
 */

const N_FFT = 2048
const HOP = 512
const N_MELS = 128
const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_')

const cueFile = (id: string, manifestPath: string) => join(dirname(manifestPath), 'cache', 'cues', `${safe(id)}.f32`)

export function hasCachedCues(item: { id: string }, manifestPath: string): boolean {
  return existsSync(cueFile(item.id, manifestPath))
}

export async function cachedCues(item: { id: string; audioPath: string }, manifestPath: string): Promise<AnalysisCues> {
  const file = cueFile(item.id, manifestPath)
  const dir = dirname(file)
  if (existsSync(file)) {
    const buf = await readFile(file)
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
    const fps = all[0]
    const frames = all[1]
    return {
      fps,
      lowOnset: Float64Array.from(all.subarray(2, 2 + frames)),
      chroma: { data: all.slice(2 + frames, 2 + frames + 12 * frames), frames, dims: 12 },
    }
  }
  const path = isAbsolute(item.audioPath) ? item.audioPath : join(dirname(manifestPath), item.audioPath)
  const { samples, sampleRate } = await decodeAudioMono(path, { sampleRate: ANALYSIS_SAMPLE_RATE })
  const pass = melChromaPass(samples, sampleRate)
  const cues = analysisCues(pass, powerToDb(pass.mel))
  const out = new Float32Array(2 + cues.lowOnset.length * 13)
  out[0] = cues.fps
  out[1] = cues.lowOnset.length
  out.set(cues.lowOnset, 2)
  out.set(cues.chroma.data, 2 + cues.lowOnset.length)
  await mkdir(dir, { recursive: true })
  await writeFile(file, Buffer.from(out.buffer))
  return cues
}

/** The mel and chroma of the analysis's spectral pass (src/audio/streams/spectralPass.ts), the same numbers without its HPSS. */
function melChromaPass(samples: Float32Array, sampleRate: number) {
  const bins = N_FFT / 2 + 1
  const frames = 1 + Math.floor(samples.length / HOP)
  const bank = melBank(sampleRate, N_FFT, N_MELS)
  const mel = new Float32Array(frames * N_MELS)
  const chroma = new Float32Array(frames * 12)
  const pc = chromaBins(sampleRate, N_FFT)
  forEachStftFrame(samples, N_FFT, HOP, (t, power) => {
    const o = t * N_MELS
    for (let m = 0; m < N_MELS; m++) {
      const w = bank.weights[m]
      const s = bank.start[m]
      let acc = 0
      for (let i = 0; i < w.length; i++) acc += w[i] * power[s + i]
      mel[o + m] = acc
    }
    const co = t * 12
    for (let k = 0; k < bins; k++) if (pc[k] >= 0) chroma[co + pc[k]] += Math.sqrt(power[k])
    let mx = 0
    for (let c = 0; c < 12; c++) mx = Math.max(mx, chroma[co + c])
    if (mx > 0) for (let c = 0; c < 12; c++) chroma[co + c] /= mx
  })
  return { frames, fps: sampleRate / HOP, nFft: N_FFT, hop: HOP, bank, mel, chroma: { data: chroma, frames, dims: 12 } }
}
