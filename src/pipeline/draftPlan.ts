/**
 * A draft previews the plan of the final render: the planner plans at the final's rate (its
 * choices depend on the rate at the margins: whether a lyric line covers a shot, where a dissolve
 * starts), and the plan is then carried to the draft's rate. Every cut keeps its moment (on the
 * same beat when it was on one), every shot its content; captions are laid out again at the
 * draft's rate and clipped to the shots, as the planner does.
 */
import { clipCaptions, lyricCaptions } from '../agents/planner/captions.js'
import { beatGrid } from '../agents/planner/grid.js'
import { assertPlanInvariants } from '../agents/planner/invariants.js'
import { ShotPlan, type Analysis, type Brief, type OutputFormat, type Treatment } from '../schemas/index.js'

/** `full` (planned at the final's rate) at `output`'s rate and size; throws an InvariantError when it cannot hold the plan's rules there. */
export function planAtDraftRate(
  full: ShotPlan,
  output: Pick<OutputFormat, 'fps' | 'width' | 'height'>,
  ctx: { analysis: Analysis; treatment: Treatment; lyrics: Brief['lyrics']; maxShotFrames: number },
): ShotPlan {
  const fps = output.fps
  const grid = beatGrid(ctx.analysis, fps)
  const onGrid = [...new Set([...grid.beatFrames, ...grid.downbeatFrames])].sort((a, b) => a - b)
  const fullGrid = beatGrid(ctx.analysis, full.fps)
  const fullOnGrid = new Set([...fullGrid.beatFrames, ...fullGrid.downbeatFrames])
  const times = [...ctx.analysis.beats, ...ctx.analysis.downbeats]
  const nearest = <T>(xs: readonly T[], d: (x: T) => number): T => xs.reduce((best, x) => (d(x) < d(best) ? x : best), xs[0])
  // A cut on a beat goes to that beat at the draft's rate; any other keeps its time.
  const at = (f: number): number => {
    if (f === 0) return 0
    if (!fullOnGrid.has(f) || !times.length || !onGrid.length) return Math.round((f / full.fps) * fps)
    const beat = nearest(times, (t) => Math.abs(t * full.fps - f))
    return nearest(onGrid, (b) => Math.abs(b - beat * fps))
  }
  const starts = full.shots.map((s) => at(s.startFrame))
  const captions = lyricCaptions(ctx.lyrics, fps, grid.totalFrames, ctx.analysis)
  const shots = full.shots.map((s, i) => {
    const startFrame = starts[i]
    const endFrame = i + 1 < starts.length ? starts[i + 1] : grid.totalFrames
    return { ...s, startFrame, endFrame, captions: s.captions.length ? clipCaptions(captions, startFrame, endFrame) : [] }
  })
  const plan = ShotPlan.parse({ ...full, fps, width: output.width, height: output.height, totalFrames: grid.totalFrames, shots })
  assertPlanInvariants(plan, ctx.analysis, { maxShotFrames: ctx.maxShotFrames, treatment: ctx.treatment, grammar: true })
  return plan
}
