import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { analyzeSong, type AnalyzeSongOptions } from '../../src/audio/analyze.js'
import { modelsDirectory } from '../../src/models/folder.js'
import type { Analysis } from '../../src/schemas/index.js'
import type { Analyzer } from './devsetEval.js'

/**
 * The trackers the evaluation compares: 'dsp' (the tracker of today) and 'auto' (the learned
 * activations + decoder where the model is present, DSP otherwise). The option is passed
 * through an adapter so this compiles whether or not analyzeSong knows `beatTracker` yet; where
 * it does not, both names give the DSP result, and `learnedAvailable` says so.
 */

export type BeatTrackerName = 'dsp' | 'auto'

export type AnalyzeFn = (path: string, opts: AnalyzeSongOptions) => Promise<Analysis>

export function analyzerFor(tracker: BeatTrackerName, analyze: AnalyzeFn = analyzeSong): Analyzer {
  const opts: AnalyzeSongOptions & { beatTracker: BeatTrackerName } = { beatTracker: tracker }
  return (path) => analyze(path, opts)
}

/** Whether a learned beat model is installed (models/beat/beat.onnx). */
export function learnedAvailable(modelsDir?: string): boolean {
  try {
    return existsSync(join(modelsDirectory(modelsDir), 'beat', 'beat.onnx'))
  } catch {
    return false
  }
}

/**
 * Published figures of learned trackers, for orientation only: other music, other annotations,
 * other conditions — not comparable to the development set's figures.
 */
export const PUBLISHED: Array<{ system: string; dataset: string; source: string; figures: string }> = [
  {
    system: 'Beat This! (Foscarin, Schlüter, Widmer, ISMIR 2024)',
    dataset: 'GTZAN (held out from training)',
    source: 'paper Table 2 (arXiv 2407.21658)',
    figures: 'not found in the stored references (the paper states it surpasses the state of the art in F1 without a DBN, and is weaker on continuity metrics)',
  },
  {
    system: 'madmom (Böck, Krebs, Widmer: joint beat and downbeat RNN + DBN, ISMIR 2016)',
    dataset: 'Ballroom, Beatles, Hainsworth, RWC Popular (cross-validated)',
    source: 'paper tables',
    figures: 'not found in the stored references',
  },
  {
    system: 'neural trackers on the Harmonix set (design/references.md anchor)',
    dataset: 'Harmonix Set, 912 tracks',
    source: '/work/shared/design/references.md "Beat evaluation"',
    figures: 'beat F 0.90–0.92, downbeat F ≈ 0.75–0.87 (Ellis DP beat F ≈ 0.69)',
  },
]
