import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { analyzeSong } from '../../audio/analyze.js'
import { locateBeatModel } from '../../audio/learned/provider.js'
import { sha256File } from '../../util/files.js'
import type { SeparationIdentity } from '../../audio/separation/index.js'
import { Analysis } from '../../schemas/index.js'
import { logTo, type StepContext } from '../context.js'
import { stepKey, type Store } from '../../store/index.js'

export interface AnalyzeInput {
  song: { path: string; sha256: string }
  /** The separation model the analysis uses (null: the DSP streams): it changes the streams. */
  separation: SeparationIdentity | null
  /** How to find that model (not part of the key: the identity above is). */
  modelsDir?: string
  separationModel?: string
  /** 'dsp' (default): the DSP beat tracker; 'auto': a learned model when present. */
  beatTracker?: 'auto' | 'dsp'
}

export interface AnalyzeOutput {
  key: string
  analysis: Analysis
}

/**
 * Bumped when the analysis changes what it finds, so stored analyses are made again.
 * 3: beat / downbeat / section confidences and the tracker field (issue 15).
 */
const VERSION = 3

/** Tempo, beats, downbeats, sections, streams and curves of the song. */
export async function analyze(input: AnalyzeInput, store: Store, ctx: StepContext): Promise<AnalyzeOutput> {
  // The tracker choice and the beat model (its file's hash: a new model is a new analysis) change
  // beats and downbeats, as the separation model changes the streams.
  const beatModelPath = input.beatTracker === 'auto' ? locateBeatModel(input.modelsDir) : undefined
  const beatModel = beatModelPath ? await sha256File(beatModelPath, ctx.signal) : null
  const key = stepKey('analysis', VERSION, { song: input.song.sha256, separation: input.separation, beatTracker: input.beatTracker ?? 'dsp', beatModel })
  const log = logTo(ctx)
  const stored = await store.get('analysis', key, Analysis)
  // With a separation model the vocal stem is kept too (vocalsFile), for generators that sing to it.
  const wantVocals = input.separation !== null && !existsSync(vocalsFile(store, key))
  if (stored && !wantVocals) {
    log('info', 'analysis: reused from the store')
    return { key, analysis: stored }
  }
  const run = (vocalsOut?: string) =>
    analyzeSong(input.song.path, {
      modelsDir: input.modelsDir,
      separationModel: input.separationModel,
      beatTracker: input.beatTracker,
      signal: ctx.signal,
      onProgress: (fraction) => ctx.emit({ type: 'progress', stage: 'analyzing', fraction }),
      ...(vocalsOut ? { vocalsOut } : {}),
    })
  let analysis: Analysis | undefined
  if (wantVocals) await store.artifact('vocals', key, async (tmp) => void (analysis = Analysis.parse(await run(join(tmp, VOCALS_WAV)))))
  // The artifact was there (another render made it meanwhile) or no model separates: analyse alone.
  analysis ??= stored ?? Analysis.parse(await run())
  if (analysis.streams.method === 'onnx') log('info', `streams separated by the ONNX model '${analysis.streams.detail}'`)
  if (!stored) await store.put('analysis', key, analysis)
  return { key, analysis }
}

const VOCALS_WAV = 'vocals.wav'

/** The vocal stem the analysis of this key separated, when a separation model made one (check it exists). */
export function vocalsFile(store: Pick<Store, 'artifactDir'>, analysisKey: string): string {
  return join(store.artifactDir('vocals', analysisKey), VOCALS_WAV)
}
