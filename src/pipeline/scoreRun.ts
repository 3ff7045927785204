import { join } from 'node:path'
import { loadEmbeddingModel, type EmbeddingModel } from '../metrics/embedding.js'
import { scoreVideo, type ScoreVideoInput } from '../metrics/scoreVideo.js'
import { modelsDirectory } from '../audio/separation/locate.js'
import { writeScorePlot } from '../report/scorePlot.js'
import type { VideoScore } from '../schemas/index.js'
import { writeJsonAtomic } from '../util/files.js'

export interface ScoreFiles {
  json: string
  png: string
}

/**
 * Scores a video against the song and writes score.json and score.png into `outDir`. The
 * embedding model (models/embedding/<name>/) is used for identity when one is present.
 */
export async function writeVideoScore(
  input: Omit<ScoreVideoInput, 'embedding'> & { outDir: string; modelsDir?: string; embeddingModel?: string },
): Promise<{ score: VideoScore; files: ScoreFiles }> {
  let embedding: EmbeddingModel | null = null
  if (input.plan) embedding = await loadEmbeddingModel(modelsDirectory(input.modelsDir), input.embeddingModel)
  try {
    const score = await scoreVideo({ ...input, embedding })
    const files = { json: join(input.outDir, 'score.json'), png: join(input.outDir, 'score.png') }
    await writeJsonAtomic(files.json, score)
    await writeScorePlot(score, input.analysis, files.png)
    return { score, files }
  } finally {
    await embedding?.release()
  }
}
