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
  if (stored) {
    log('info', 'analysis: reused from the store')
    return { key, analysis: stored }
  }
  const analysis = Analysis.parse(
    await analyzeSong(input.song.path, {
      modelsDir: input.modelsDir,
      separationModel: input.separationModel,
      beatTracker: input.beatTracker,
      signal: ctx.signal,
      onProgress: (fraction) => ctx.emit({ type: 'progress', stage: 'analyzing', fraction }),
    }),
  )
  if (analysis.streams.method === 'onnx') log('info', `streams separated by the ONNX model '${analysis.streams.detail}'`)
  await store.put('analysis', key, analysis)
  return { key, analysis }
}
