import { join } from 'node:path'
import { loadEmbeddingModel, type EmbeddingModel } from '../metrics/embedding.js'
import { scoreVideo, type ScoreVideoInput } from '../metrics/scoreVideo.js'
import { modelsDirectory } from '../audio/separation/locate.js'
import { writeScorePlot } from '../report/scorePlot.js'
import type { VideoScore } from '../schemas/index.js'
import type { Store } from '../store/index.js'
import { writeJsonAtomic } from '../util/files.js'
import { filmFramesOf } from './filmTraces.js'

export interface ScoreFiles {
  json: string
  png: string
}

/** How the film's frames were measured: from its segments' traces, or by decoding the film (and why). */
export type FilmMeasuredBy = { by: 'segments'; measured: number } | { by: 'decode'; reason: string }

/**
 * Scores a video against the song and writes score.json and score.png into `outDir`. The
 * embedding model (models/embedding/<name>/) is used for identity when one is present. With
 * `segments` (the files the video was joined from, in order) and a store, the frames are
 * measured from the segments' traces (filmTraces.ts) and the video is not decoded.
 */
export async function writeVideoScore(
  input: Omit<ScoreVideoInput, 'embedding'> & { outDir: string; modelsDir?: string; embeddingModel?: string; segments?: readonly string[]; store?: Store },
): Promise<{ score: VideoScore; files: ScoreFiles; measuredBy: FilmMeasuredBy }> {
  let measuredBy: FilmMeasuredBy = { by: 'decode', reason: 'no segments given' }
  let measured = input.measured
  if (!measured && input.segments && input.store) {
    const r = await filmFramesOf(input.videoPath, input.segments, input.store, input.signal)
    if ('frames' in r) {
      measured = r.frames
      measuredBy = { by: 'segments', measured: r.measured }
    } else measuredBy = { by: 'decode', reason: r.reason }
  }
  let embedding: EmbeddingModel | null = null
  if (input.plan) embedding = await loadEmbeddingModel(modelsDirectory(input.modelsDir), input.embeddingModel)
  try {
    const score = await scoreVideo({ ...input, measured, embedding })
    const files = { json: join(input.outDir, 'score.json'), png: join(input.outDir, 'score.png') }
    await writeJsonAtomic(files.json, score)
    await writeScorePlot(score, input.analysis, files.png)
    return { score, files, measuredBy }
  } finally {
    await embedding?.release()
  }
}
