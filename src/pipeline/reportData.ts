import { currentTake, type Takes } from '../reshoot/takes.js'
import type { ReportTake } from '../report/report.js'
import { basename } from 'node:path'
import type { ReportData } from '../report/report.js'
import type { OutputFormat } from '../schemas/index.js'
import type { Analysis, ShotPlan, Treatment, VideoScore } from '../schemas/index.js'
import type { ShotOutput } from './attempts.js'
import type { RenderSummary } from './summary.js'

/** How the render was set up, as the report shows it. */
export interface ReportSetup {
  files: { final: string; storyboard: string; scorePlot: string }
  songPath: string
  title: string
  output: OutputFormat
  agents: { director: string; planner: string; verifier: string; judge?: string; generator: string }
  thresholds: unknown
  separation: { name: string } | null
}

/** What report.html shows, gathered from the render's own records. Pure. */
export function reportData(r: {
  plan: ShotPlan
  analysis: Analysis
  treatment: Treatment
  results: Record<string, ShotOutput>
  score: VideoScore
  summary: RenderSummary
  setup: ReportSetup
  /** `<out>/takes.json` after a reshoot. */
  takes?: Takes
}): ReportData {
  const { plan: p, analysis: a, score: s, setup } = r
  const measured = new Map(s.shots.map((m) => [m.index, m]))
  const pct = (x: number | null) => (x === null ? null : `${Math.round(x * 100)}%`)
  return {
    title: r.treatment.title || setup.title,
    videoHref: basename(setup.files.final),
    fps: p.fps,
    width: p.width,
    height: p.height,
    durationSec: p.totalFrames / p.fps,
    storyboardPng: setup.files.storyboard,
    timelinePng: setup.files.scorePlot,
    summary: {
      shots: p.shots.length,
      'shots passed': `${r.summary.acceptedShots}/${p.shots.length}`,
      attempts: r.summary.attempts,
      'AV-Align': s.avAlign.score,
      'AV-Align baseline (shifted audio)': s.avAlign.baseline,
      'beat alignment': s.beatAlignment.score,
      'beat alignment baseline': s.beatAlignment.baseline,
      'cuts found': s.cuts.frames.length,
      'cuts on a beat': pct(s.cuts.onBeatShare),
      'cuts on a beat by chance': pct(s.cuts.onBeatChance),
      'sections with a cut': pct(s.cuts.sectionsWithCut),
      'temporal consistency': s.temporal.consistency,
      flicker: s.temporal.flicker,
      'duration exact': s.duration.exact,
      'audio offset (ms)': s.audioOffset ? Math.round(s.audioOffset.seconds * 1000) : null,
      tempo: `${a.tempo.bpm.toFixed(1)} BPM, ${a.meter}/4`,
    },
    identity: s.identity.map((e) => ({ id: e.id, kind: e.kind, consistency: e.consistency, shots: e.shots, method: e.method })),
    brief: {
      entities: r.treatment.entities.map((e) => ({ id: e.id, name: e.name, kind: e.kind, description: e.description, features: e.features, notDrawn: e.notDrawn })),
      notes: p.notes,
    },
    settings: {
      song: setup.songPath,
      output: setup.output,
      generator: setup.agents.generator,
      director: setup.agents.director,
      planner: setup.agents.planner,
      verifier: setup.agents.verifier,
      ...(setup.agents.judge ? { judge: setup.agents.judge } : {}),
      ...(r.summary.llm
        ? { model: { id: r.summary.llm.model, requests: r.summary.llm.requests, tokens: r.summary.llm.promptTokens + r.summary.llm.completionTokens, costUsd: r.summary.llm.costUsd, fallbacks: r.summary.llm.fallbacks } }
        : {}),
      thresholds: setup.thresholds,
      streams: setup.separation ? `onnx (${setup.separation.name})` : 'dsp',
      plan: { author: p.author, shots: p.shots.length, totalFrames: p.totalFrames },
      treatment: { author: r.treatment.author, logline: r.treatment.logline, look: r.treatment.styleBible.look },
    },
    shots: p.shots.map((shot) => {
      const out = r.results[String(shot.index)]
      const m = measured.get(shot.index)
      return {
        index: shot.index,
        startFrame: shot.startFrame,
        endFrame: shot.endFrame,
        sectionLabel: a.sections[shot.sectionIndex]?.label,
        camera: shot.camera,
        framing: shot.framing,
        prompt: shot.prompt,
        entities: [shot.locationId, ...shot.characterIds],
        caption: shot.captions[0]?.text,
        keyframe: out.best.segment.keyFrame,
        ...takesOf(r.takes, shot),
        keptAttempt: out.best.attempt,
        generator: out.best.segment.generator,
        accepted: out.best.verdict.accepted,
        score: out.best.verdict.score,
        attempts: out.attempts.map((at) => ({
          attempt: at.attempt,
          score: at.verdict.score,
          accepted: at.verdict.accepted,
          critique: at.verdict.critique,
          checks: at.verdict.checks,
          cached: at.cached,
        })),
        rounds: out.rounds.map((j) => ({
          round: j.round,
          candidates: j.candidates,
          winner: j.winner,
          matches: j.matches.map((m) => `${m.winner} beat ${m.winner === m.a ? m.b : m.a} (${m.decidedBy === 'model' ? 'both orders' : 'by the metrics'})`),
          critique: j.critique ? { visual: j.critique.visual.score, sync: j.critique.sync.score, fit: j.critique.fit.score, acceptable: j.critique.acceptable, summary: j.critique.summary } : undefined,
          passed: j.passed,
          revisedBy: j.revisedBy,
          fallbacks: j.fallbacks,
        })),
        metrics: m
          ? { avAlign: m.avAlign, beatAlignment: m.beatAlignment, motion: m.motion, temporalConsistency: m.temporalConsistency, flicker: m.flicker, cutOnBeat: m.cutOnBeat }
          : undefined,
      }
    }),
  }
}

/** A shot's takes for the report: the one whose fields the plan holds now is the one in the film. */
function takesOf(takes: Takes | undefined, shot: ShotPlan['shots'][number]): { takes?: ReportTake[] } {
  const list = takes?.shots[String(shot.index)]
  if (!list || list.length < 2) return {}
  const now = currentTake(list, shot)
  return { takes: list.map((t) => ({ take: t.take, seed: t.shot.seed, prompt: t.shot.prompt, current: t.take === now, ...(t.keyFrame ? { keyframe: t.keyFrame } : {}) })) }
}

