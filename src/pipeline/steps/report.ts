import { dirname, join } from 'node:path'
import { writeReport } from '../../report/report.js'
import { readTakes } from '../../reshoot/takes.js'
import { Analysis, ShotPlan, Treatment, VideoScore } from '../../schemas/index.js'
import { writeJsonAtomic } from '../../util/files.js'
import type { StepContext } from '../context.js'
import { usageFromTranscripts } from '../llmSession.js'
import type { FinishInput } from '../machines/renderMachine.js'
import { reportData, type ReportSetup } from '../reportData.js'
import { scoresJson } from '../scoresJson.js'
import { summarize, type RenderSummary } from '../summary.js'
import type { Store } from '../../store/index.js'
import { need } from './read.js'

export interface ReportInput extends FinishInput {
  /** '' when the final video was not measured (`finish: 'video'`): then only scores.json is written. */
  scoreKey: string
  setup: Omit<ReportSetup, 'agents' | 'files'>
  out: { final: string; storyboard: string; scorePlot: string; scores: string; report: string; transcripts: string }
}

/** scores.json and report.html; returns the render's summary (with the model's usage, when there is one). */
export async function report(input: ReportInput, store: Store, ctx: StepContext): Promise<RenderSummary> {
  const { sources, results, out } = input
  const [plan, analysis, treatment, score] = await Promise.all([
    need(store, 'plan', sources.planKey, ShotPlan),
    need(store, 'analysis', sources.analysisKey, Analysis),
    need(store, 'treatment', sources.treatmentKey, Treatment),
    input.scoreKey === '' ? undefined : need(store, 'score', input.scoreKey, VideoScore),
  ])
  const s = ctx.services
  const agents = { director: s.director.id, planner: s.planner.id, verifier: s.verifier.id, judge: s.judge.id, generator: s.generator.id }
  const summary = summarize(out.final, plan, analysis, results, score)
  let llm: unknown = null
  if (s.llm) {
    await s.llm.flush()
    const usage = await usageFromTranscripts(out.transcripts)
    summary.llm = { model: s.llm.settings.model, ...usage.total, stages: usage.stages }
    llm = { settings: s.llm.settings, ...usage }
  }
  await writeJsonAtomic(out.scores, scoresJson(plan, results, agents, input.setup.thresholds, summary, llm))
  const setup: ReportSetup = { ...input.setup, agents, files: { final: out.final, storyboard: out.storyboard, scorePlot: out.scorePlot } }
  if (!score) return summary
  const takes = await readTakes(join(dirname(out.report), 'takes.json'))
  await writeReport(reportData({ plan, analysis, treatment, results, score, summary, setup, takes }), out.report)
  return summary
}
