import { Analysis, ShotPlan } from '../../schemas/index.js'
import { buildTimeline, copyTimelineTexts, placeMedia, segmentName, songFileName, timelineTexts, writeTimelineTexts, type TimelineFiles } from '../../timeline/index.js'
import { stepKey, type Store } from '../../store/index.js'
import type { StepContext } from '../context.js'
import type { FinishInput } from '../machines/renderMachine.js'
import { need } from './read.js'

export interface TimelineInput extends FinishInput {
  /** The segments final.mp4 was joined from, by shot: the timeline references exactly these frames. */
  segments: Array<{ shotIndex: number; path: string }>
  title: string
  /** The run folder: the timeline files go at its top, the media under segments/. */
  outDir: string
}

/**
 * timeline.otio / .fcpxml / .edl / .mlt of the finished edit, with the segments and the song
 * beside them. The texts are a store artifact keyed by the plan, the analysis, the title and the
 * song's file name (they hold relative paths only), so a rerun is a store hit; placing the media
 * is hard links (copies across file systems).
 */
export async function timeline(input: TimelineInput, store: Store, _ctx: StepContext): Promise<TimelineFiles> {
  const { sources } = input
  const song = songFileName(sources.songPath)
  const key = stepKey('timeline', 1, { plan: sources.planKey, analysis: sources.analysisKey, title: input.title, song })
  const { dir } = await store.artifact('timeline', key, async (tmp) => {
    const [plan, analysis] = await Promise.all([need(store, 'plan', sources.planKey, ShotPlan), need(store, 'analysis', sources.analysisKey, Analysis)])
    await writeTimelineTexts(tmp, timelineTexts(buildTimeline({ title: input.title, plan, analysis, songSource: `segments/${song}` })))
  })
  await placeMedia(
    input.outDir,
    input.segments.map((s) => ({ name: segmentName(s.shotIndex), path: s.path })),
    { path: sources.songPath, name: song },
  )
  return copyTimelineTexts(dir, input.outDir)
}

