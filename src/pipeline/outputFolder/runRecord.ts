import { z } from 'zod'
import { readJsonIfValid } from '../../util/files.js'
import type { RunDir } from '../runDir.js'

/** `.longav/run.json`: which inputs the render in this folder was made from. */
export const RunInfo = z.object({
  inputs: z.string(),
  /** The inputs but the planner (absent in records written before): an edited plan's render is the same project. */
  project: z.string().optional(),
  song: z.string(),
  /** The brief's path and the render's plain options: what `longav reshoot` renders the folder with again. */
  brief: z.string().optional(),
  request: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.string(),
})
export type RunInfo = z.infer<typeof RunInfo>

export function readRunRecord(runDir: RunDir): Promise<RunInfo | undefined> {
  return readJsonIfValid(runDir.runInfo, RunInfo)
}
