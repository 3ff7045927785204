import { join, resolve } from 'node:path'

/**
 * The layout of one render's output directory. Public artifacts sit at the top;
 * `.longav/` holds the content-addressed store and the machine's snapshot.
 */
export interface RunDir {
  root: string
  final: string
  analysis: string
  treatment: string
  plan: string
  scores: string
  storyboard: string
  /** Metrics of the final video (score.json), its timeline plot and the HTML report. */
  score: string
  scorePlot: string
  report: string
  memory: string
  /** The edit for other editors (OpenTimelineIO, FCPXML 1.10, CMX 3600 EDL, MLT XML), and the media they reference. */
  timelineOtio: string
  timelineFcpxml: string
  timelineEdl: string
  timelineMlt: string
  segments: string
  log: string
  /** What was asked of the model and what it answered, one JSON file per question. */
  llm: string
  state: string
  snapshot: string
  runInfo: string
  /** The content-addressed store of every step's output (src/store/). */
  store: string
}

export function runDirAt(root: string): RunDir {
  const abs = resolve(root)
  const state = join(abs, '.longav')
  return {
    root: abs,
    final: join(abs, 'final.mp4'),
    analysis: join(abs, 'analysis.json'),
    treatment: join(abs, 'treatment.json'),
    plan: join(abs, 'plan.json'),
    scores: join(abs, 'scores.json'),
    storyboard: join(abs, 'storyboard.png'),
    score: join(abs, 'score.json'),
    scorePlot: join(abs, 'score.png'),
    report: join(abs, 'report.html'),
    memory: join(abs, 'memory.json'),
    timelineOtio: join(abs, 'timeline.otio'),
    timelineFcpxml: join(abs, 'timeline.fcpxml'),
    timelineEdl: join(abs, 'timeline.edl'),
    timelineMlt: join(abs, 'timeline.mlt'),
    segments: join(abs, 'segments'),
    log: join(abs, 'run.log'),
    llm: join(abs, 'llm'),
    state,
    snapshot: join(state, 'snapshot.json'),
    runInfo: join(state, 'run.json'),
    store: join(state, 'store'),
  }
}

/** Default output folder: ./longav-out/<song name without extension>/ */
export function defaultOutDir(songPath: string, cwd = process.cwd()): string {
  const base = songPath.split(/[\\/]/).pop() ?? 'song'
  const name = base.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'song'
  return join(cwd, 'longav-out', name)
}
