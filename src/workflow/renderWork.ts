import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { analyzeSong } from '../audio/analyze.js'
import { frameControls } from '../audio/controls.js'
import type { Director, Planner } from '../agents/types.js'
import type { Verifier, VerifierThresholds } from '../agents/verifier/index.js'
import { concatAndMux, extractFramePng, normalizeSegment, probeMedia } from '../ffmpeg/index.js'
import { createMemory, initKeyframeFor, promoteReference, recordShot, referencesFor, saveMemory, type ShotMemory } from '../memory/index.js'
import { measureSegment } from '../metrics/measureSegment.js'
import { onsetPeakTimes } from '../audio/index.js'
import type { SegmentGenerator, SegmentRequest } from '../render/generators/types.js'
import { writeStoryboard } from '../report/storyboard.js'
import { Analysis, Segment, ShotPlan, Treatment, type Brief, type CharacterCard, type LocationCard, type Shot } from '../schemas/index.js'
import { frameToSeconds } from '../time.js'
import { hashValue, readJsonIfValid, sha256File, writeJsonAtomic } from '../util/files.js'
import { cachedStep } from './cache.js'
import type { RenderEvent } from './events.js'
import type { RenderSummary, RenderWork } from './renderMachine.js'
import type { RunDir } from './runDir.js'
import { Verdict } from '../agents/verifier/index.js'
import type { SeparationIdentity } from '../audio/separation/index.js'
import type { ShotMemoryInputs, ShotOutput } from './shotLoop.js'
import { cutsOnBeatShare } from './summary.js'
import { writeVideoScore } from './scoreRun.js'
import { writeReport } from '../report/report.js'
import { reportData } from './reportData.js'
import type { ShotJudge, JudgeInput, Judgement as JudgementType } from '../agents/verifier/judgement.js'
import { Judgement } from '../agents/verifier/judgement.js'
import { seedFor } from '../agents/heuristics/hash.js'
import { songSections } from '../agents/heuristics/sections.js'
import { usageFromTranscripts, type LlmSession } from './llmSession.js'
import type { LogRelay } from './logRelay.js'

export interface RenderSetup {
  runDir: RunDir
  songPath: string
  /** SHA-256 of the song file, computed once per render: it keys the analysis cache. */
  songSha: string
  brief: Brief
  director: Director
  planner: Planner
  verifier: Verifier
  /** Picks each round's winner among a shot's candidates, critiques it, revises the shot. */
  judge: ShotJudge
  generator: SegmentGenerator
  thresholds: VerifierThresholds
  /** The model the agents talk to, when one is configured. */
  llm?: LlmSession | null
  /** Where the generators' log lines wait for the render's events. */
  generatorLog?: LogRelay
  /** Where models live and which separation model to use (default: the one present, if any). */
  analysisOptions: { modelsDir?: string; separationModel?: string }
  /** The separation model the analysis will use (null: the DSP streams): part of its cache key. */
  separation: SeparationIdentity | null
  emit(event: RenderEvent): void
}

/**
 * The steps of a render as content-addressed, idempotent functions over the run directory.
 * Large values (analysis, plan) live on disk and in a per-process memo, never in the snapshot.
 */
export function createRenderWork(setup: RenderSetup): RenderWork {
  const { runDir, brief, emit } = setup
  const output = brief.output
  const memo: { analysis?: Analysis; analysisHash?: string; treatment?: Treatment; treatmentHash?: string; plan?: ShotPlan; audioPeaks?: number[] } = {}
  const progress = makeGenerationProgress(emit)
  let memoryWrites = Promise.resolve()
  const log = (level: 'info' | 'warn' | 'error', message: string) => emit({ type: 'log', level, message })
  setup.llm?.connect({ log, transcriptsDir: runDir.llm })
  setup.generatorLog?.connect(log)

  async function analysis(signal?: AbortSignal): Promise<Analysis> {
    if (memo.analysis) return memo.analysis
    const step = await cachedStep(runDir.cacheDir, 'analysis', { songSha: setup.songSha, separation: setup.separation }, Analysis, () =>
      analyzeSong(setup.songPath, {
        ...setup.analysisOptions,
        signal,
        onProgress: (fraction) => emit({ type: 'progress', stage: 'analyzing', fraction }),
      }),
    )
    if (!step.cached && step.value.streams.method === 'onnx') log('info', `streams separated by the ONNX model '${step.value.streams.detail}'`)
    if (step.cached) log('info', 'analysis: reused from cache')
    memo.analysis = step.value
    memo.analysisHash = step.hash
    return step.value
  }

  async function treatment(signal?: AbortSignal): Promise<Treatment> {
    if (memo.treatment) return memo.treatment
    const a = await analysis(signal)
    const step = await cachedStep(
      runDir.cacheDir,
      'treatment',
      { brief: briefKey(brief), analysis: memo.analysisHash, director: setup.director.id },
      Treatment,
      () => setup.director.direct({ brief, analysis: a }, { signal }),
    )
    memo.treatment = step.value
    memo.treatmentHash = step.hash
    return step.value
  }

  async function plan(signal?: AbortSignal): Promise<ShotPlan> {
    if (memo.plan) return memo.plan
    const [a, t] = [await analysis(signal), await treatment(signal)]
    const step = await cachedStep(
      runDir.cacheDir,
      'plan',
      { brief: briefKey(brief), treatment: memo.treatmentHash, planner: setup.planner.id, maxFrames: setup.generator.capabilities.maxFrames },
      ShotPlan,
      () =>
        setup.planner.plan(
          { brief, analysis: a, treatment: t, output, maxShotFrames: setup.generator.capabilities.maxFrames },
          { signal },
        ),
    )
    memo.plan = step.value
    return step.value
  }

  function requestFor(shotIndex: number, revision: Partial<Shot>, fromMemory: ShotMemoryInputs): Omit<SegmentRequest, 'out' | 'attempt'> {
    const p = memo.plan!
    const t = memo.treatment!
    const shot: Shot = { ...p.shots[shotIndex], ...revision }
    const location = t.entities.find((e): e is LocationCard => e.kind === 'location' && e.id === shot.locationId)
    if (!location) throw new Error(`plan.json: shot ${shotIndex} names location '${shot.locationId}', which the treatment does not have`)
    const characters = shot.characterIds.map((id) => {
      const c = t.entities.find((e): e is CharacterCard => e.kind === 'character' && e.id === id)
      if (!c) throw new Error(`plan.json: shot ${shotIndex} names character '${id}', which the treatment does not have`)
      return c
    })
    return {
      shot,
      fps: p.fps,
      width: p.width,
      height: p.height,
      frames: shot.endFrame - shot.startFrame,
      style: t.styleBible,
      mood: t.sectionMoods.find((m) => m.sectionIndex === shot.sectionIndex),
      location,
      characters,
      controls: frameControls(memo.analysis!, p.fps, shot.startFrame, shot.endFrame),
      audio: { path: setup.songPath, startSec: frameToSeconds(shot.startFrame, p.fps), endSec: frameToSeconds(shot.endFrame, p.fps) },
      initKeyframe: fromMemory.initKeyframe,
      referenceKeyframes: Object.fromEntries(Object.entries(fromMemory.references).map(([id, refs]) => [id, refs.map((r) => r.image)])),
    }
  }

  return {
    async restore(signal) {
      const p = await plan(signal)
      progress.start(p)
    },
    async analyze(signal) {
      emit({ type: 'stage', stage: 'analyzing' })
      const a = await analysis(signal)
      await writeJsonAtomic(runDir.analysis, a)
      log('info', `analysis: ${a.tempo.bpm.toFixed(1)} BPM, ${a.meter}/4, ${a.beats.length} beats, ${a.sections.length} sections`)
    },
    async direct(signal) {
      emit({ type: 'stage', stage: 'directing' })
      const t = await treatment(signal)
      await writeJsonAtomic(runDir.treatment, t)
      log('info', `treatment by ${t.author}: ${t.entities.length} identity cards, ${t.sectionMoods.length} section moods`)
    },
    async plan(signal) {
      emit({ type: 'stage', stage: 'planning' })
      await analysis(signal)
      const t = await treatment(signal)
      const p = await plan(signal)
      await writeJsonAtomic(runDir.plan, p)
      log('info', `plan by ${p.author}: ${p.shots.length} shots over ${p.totalFrames} frames at ${p.fps} fps`)
      emit({ type: 'stage', stage: 'generating' })
      progress.start(p)
      return { shotCount: p.shots.length, continues: p.shots.map((s) => s.continuesPrevious), memory: createMemory(t) }
    },
    shot: {
      async generate({ shotIndex, attempt, candidate, revision, initKeyframe, references }, signal) {
        // A restored snapshot restarts in-flight shots without re-running planning: reload from cache.
        await plan(signal)
        progress.ensureStarted(memo.plan!)
        // A round's candidates after the first try their own seed: VISTA samples, then judges.
        const seed = revision.seed ?? memo.plan!.shots[shotIndex].seed
        const req = requestFor(shotIndex, candidate > 0 ? { ...revision, seed: seedFor(seed, 'candidate', candidate) } : revision, { initKeyframe, references })
        const initHash = req.initKeyframe && existsSync(req.initKeyframe) ? await sha256File(req.initKeyframe) : null
        const key = hashValue({
          generator: setup.generator.id,
          shot: req.shot,
          size: [req.width, req.height, req.fps],
          style: req.style,
          location: req.location,
          characters: req.characters,
          controls: req.controls,
          audio: [req.audio.startSec, req.audio.endSec],
          initHash,
          refs: req.referenceKeyframes,
        }).slice(0, 24)
        const dir = join(runDir.segmentsDir, `shot-${String(shotIndex).padStart(3, '0')}-${key}`)
        const total = memo.plan!.shots.length
        const cached = await readJsonIfValid(join(dir, 'segment.json'), Segment)
        if (cached && existsSync(cached.path)) {
          emit({ type: 'shot', index: shotIndex, total, attempt, status: 'cached' })
          progress.shotFrames(shotIndex, req.frames, 1)
          return { segment: { ...cached, attempt }, cached: true }
        }
        await mkdir(dir, { recursive: true })
        emit({ type: 'shot', index: shotIndex, total, attempt, status: 'generating' })
        const segment = await setup.generator.generate(
          {
            ...req,
            attempt,
            out: { video: join(dir, 'shot.mp4'), firstFrame: join(dir, 'first.png'), lastFrame: join(dir, 'last.png'), keyFrame: join(dir, 'key.png') },
          },
          { signal, onProgress: (p) => progress.shotFrames(shotIndex, req.frames, p) },
        )
        const checked = Segment.parse(segment)
        await writeJsonAtomic(join(dir, 'segment.json'), checked)
        return { segment: checked, cached: false }
      },
      async verify({ shotIndex, segment, revision, references }, signal) {
        const p = await plan(signal)
        const a = await analysis(signal)
        const shot: Shot = { ...p.shots[shotIndex], ...revision }
        const key = hashValue({ thresholds: setup.thresholds, references, metrics: METRICS_VERSION }).slice(0, 12)
        const verdictPath = join(segment.path, '..', `verdict-${setup.verifier.id}-${key}.json`)
        let verdict = await readJsonIfValid(verdictPath, Verdict)
        if (!verdict) {
          const metrics = await measureSegment(segment.path, {
            fps: p.fps,
            startFrame: shot.startFrame,
            audioPeaksSec: memo.audioPeaks ?? (memo.audioPeaks = onsetPeakTimes(a)),
            beatsSec: a.beats,
            beatPeriodSec: 60 / a.tempo.bpm,
            locationId: shot.locationId,
            framing: shot.framing,
            entities: [{ id: shot.locationId, kind: 'location' as const }, ...shot.characterIds.map((id) => ({ id, kind: 'character' as const }))],
            references,
            keyFrame: segment.keyFrame,
            signal,
          })
          verdict = await setup.verifier.verify({ shot, segment, metrics, fps: p.fps, thresholds: setup.thresholds }, { signal })
          // The sharpest, stillest frame becomes a reference candidate for the shot's entities.
          const best = join(segment.path, '..', 'best.png')
          if (!existsSync(best)) await extractFramePng(segment.path, metrics.bestFrame, best, signal)
          verdict = { ...verdict, referenceFrame: best }
          await writeJsonAtomic(verdictPath, verdict)
        }
        emit({
          type: 'shot',
          index: shotIndex,
          total: p.shots.length,
          attempt: segment.attempt,
          status: verdict.accepted ? 'accepted' : 'rejected',
          score: verdict.score,
          critique: verdict.critique || undefined,
        })
        if (!verdict.accepted) log('warn', `shot ${shotIndex} attempt ${segment.attempt} rejected (score ${verdict.score.toFixed(2)}): ${verdict.critique}`)
        return verdict
      },
      async judge({ shotIndex, round, maxRounds, revision, attempts }, signal) {
        const p = await plan(signal)
        const a = await analysis(signal)
        const t = await treatment(signal)
        const shot: Shot = { ...p.shots[shotIndex], ...revision }
        const req = requestFor(shotIndex, revision, { references: {} })
        const section = songSections(a).find((s) => s.index === shot.sectionIndex)
        const startSec = frameToSeconds(shot.startFrame, p.fps)
        const endSec = frameToSeconds(shot.endFrame, p.fps)
        const input: JudgeInput = {
          shot,
          round,
          maxRounds,
          candidates: attempts.map((at) => ({ attempt: at.attempt, verdict: at.verdict, frames: [at.segment.firstFrame, at.segment.keyFrame, at.segment.lastFrame] })),
          context: {
            style: t.styleBible,
            mood: req.mood,
            location: req.location,
            characters: req.characters,
            music: {
              section: section?.label ?? 'song',
              energy: Number((section?.energy ?? 0.5).toFixed(2)),
              bpm: Number(a.tempo.bpm.toFixed(1)),
              beats: a.beats.filter((b) => b >= startSec && b < endSec).length,
              vocal: Number((req.controls.reduce((n, c) => n + c.vocal, 0) / Math.max(1, req.controls.length)).toFixed(2)),
            },
          },
        }
        // Judging costs model calls: a resumed render reuses the judgement of the same candidates.
        const key = hashValue({
          judge: setup.judge.id,
          round,
          maxRounds,
          shot,
          candidates: attempts.map((at) => [at.segment.path, at.verdict.score, at.verdict.accepted, at.verdict.failed]),
        }).slice(0, 16)
        const path = join(runDir.state, 'judgements', `shot-${String(shotIndex).padStart(3, '0')}-round-${round}-${key}.json`)
        let judgement: JudgementType | undefined = await readJsonIfValid(path, Judgement)
        if (!judgement) {
          judgement = await setup.judge.judge(input, { signal })
          await mkdir(join(runDir.state, 'judgements'), { recursive: true })
          await writeJsonAtomic(path, judgement)
        }
        const c = judgement.critique
        const verdictOf = attempts.find((at) => at.attempt === judgement!.winner)?.verdict
        if (attempts.length > 1 || c) {
          log(
            judgement.passed ? 'info' : 'warn',
            `shot ${shotIndex} round ${round + 1}: attempt ${judgement.winner} of ${attempts.length} candidate(s) won` +
              (verdictOf ? ` (metric score ${verdictOf.score.toFixed(2)})` : '') +
              (c ? `; critique visual ${c.visual.score}/10, sync ${c.sync.score}/10, fit ${c.fit.score}/10: ${c.summary}` : '') +
              (judgement.passed ? '; passed' : judgement.revision ? `; revised by ${judgement.revisedBy ?? 'metrics'}` : ''),
          )
        }
        return judgement
      },
    },
    shotInputs(memory, index) {
      const p = memo.plan
      if (!p) throw new Error('shotInputs before planning')
      const shot = p.shots[index]
      return {
        initKeyframe: initKeyframeFor(memory, p, index),
        references: referencesFor(memory, [shot.locationId, ...shot.characterIds]),
      }
    },
    remember(memory, out) {
      let next = recordShot(memory, out.best.segment)
      const shot = memo.plan?.shots[out.shotIndex]
      if (shot && out.best.verdict.accepted) {
        for (const id of [shot.locationId, ...shot.characterIds]) {
          next = promoteReference(next, id, {
            image: out.best.verdict.referenceFrame ?? out.best.segment.keyFrame,
            shotIndex: out.shotIndex,
            score: out.best.verdict.score,
            locationId: shot.locationId,
            framing: shot.framing,
          })
        }
      }
      return next
    },
    saveMemory(memory) {
      memoryWrites = memoryWrites.then(() => saveMemory(runDir.memory, memory)).catch((err) => log('error', `could not save memory: ${String(err)}`))
    },
    shotFinished(out, done, total) {
      progress.shotDone(out.shotIndex, done, total)
    },
    async stitch({ results, memory }, signal) {
      emit({ type: 'stage', stage: 'stitching' })
      const p = await plan(signal)
      const a = await analysis(signal)
      const segments: string[] = []
      for (const shot of p.shots) {
        const out = results[String(shot.index)]
        if (!out) throw new Error(`shot ${shot.index} has no accepted segment`)
        segments.push(await canonicalSegment(out.best.segment.path, shot, p, signal))
      }
      await concatAndMux({
        segments,
        audio: setup.songPath,
        out: runDir.final,
        listPath: join(runDir.state, 'concat.txt'),
        frames: p.totalFrames,
        fps: p.fps,
        signal,
        onProgress: (fraction) => emit({ type: 'progress', stage: 'stitching', fraction }),
      })
      await writeStoryboard(
        p.shots.map((s) => ({
          image: results[String(s.index)].best.segment.keyFrame,
          shotIndex: s.index,
          startFrame: s.startFrame,
          endFrame: s.endFrame,
          caption: s.captions[0]?.text,
        })),
        { fps: p.fps, outPath: runDir.storyboard },
      )
      emit({ type: 'stage', stage: 'scoring' })
      const { score } = await writeVideoScore({
        videoPath: runDir.final,
        songPath: setup.songPath,
        analysis: a,
        plan: p,
        references: Object.fromEntries(
          Object.entries(memory.entities).map(([id, e]) => [id, e.references.map((r) => ({ image: r.image, locationId: r.locationId, framing: r.framing }))]),
        ),
        shotViews: Object.fromEntries(p.shots.map((s) => [s.index, results[String(s.index)].best.segment.keyFrame])),
        outDir: runDir.root,
        modelsDir: setup.analysisOptions.modelsDir,
        signal,
        onProgress: (fraction) => emit({ type: 'progress', stage: 'scoring', fraction }),
      })
      const summary: RenderSummary = {
        final: runDir.final,
        durationSec: p.totalFrames / p.fps,
        frames: p.totalFrames,
        shots: p.shots.length,
        cutsOnBeat: cutsOnBeatShare(p, a),
        acceptedShots: Object.values(results).filter((r) => r.best.verdict.accepted).length,
        attempts: Object.values(results).reduce((n, r) => n + r.attempts.length, 0),
        measured: {
          avAlign: score.avAlign.score,
          avAlignBaseline: score.avAlign.baseline,
          beatAlignment: score.beatAlignment.score,
          beatAlignmentBaseline: score.beatAlignment.baseline,
          cutsFound: score.cuts.frames.length,
          cutsOnBeat: score.cuts.onBeatShare,
          temporalConsistency: score.temporal.consistency,
        },
      }
      if (setup.llm) {
        await setup.llm.flush()
        const usage = await usageFromTranscripts(runDir.llm)
        summary.llm = { model: setup.llm.settings.model, ...usage.total, stages: usage.stages }
        await writeJsonAtomic(runDir.scores, scoresJson(p, results, setup, summary, { settings: setup.llm.settings, ...usage }))
      } else {
        await writeJsonAtomic(runDir.scores, scoresJson(p, results, setup, summary, null))
      }
      const t = await treatment(signal)
      await writeReport(reportData({ plan: p, analysis: a, treatment: t, results, score, summary, setup }), runDir.report)
      await memoryWrites
      await saveMemory(runDir.memory, memory)
      emit({ type: 'stage', stage: 'done' })
      return summary
    },
  }

  async function canonicalSegment(path: string, shot: Shot, p: ShotPlan, signal: AbortSignal): Promise<string> {
    const frames = shot.endFrame - shot.startFrame
    const info = await probeMedia(path, { signal })
    const v = info.video
    const ok = v && v.codec === 'h264' && v.pixFmt === 'yuv420p' && v.width === p.width && v.height === p.height && Math.abs(v.fps - p.fps) < 1e-6
    if (ok) return path
    const fixed = join(path, '..', 'canonical.mp4')
    if (!existsSync(fixed)) {
      log('info', `shot ${shot.index}: re-encoding segment to the canonical format`)
      await normalizeSegment(path, fixed, { width: p.width, height: p.height, fps: p.fps, frames, signal })
    }
    return fixed
  }
}

/** Bumped when what the metrics measure changes, so cached verdicts are measured again. */
const METRICS_VERSION = 2

/** The parts of a brief that change what gets made (not where it was read from). */
function briefKey(brief: Brief): unknown {
  const { baseDir: _baseDir, ...rest } = brief
  return rest
}

function scoresJson(p: ShotPlan, results: Record<string, ShotOutput>, setup: RenderSetup, summary: RenderSummary, llm: unknown) {
  return {
    version: 2,
    agents: { director: setup.director.id, planner: setup.planner.id, verifier: setup.verifier.id, judge: setup.judge.id, generator: setup.generator.id },
    thresholds: setup.thresholds,
    summary,
    /** Model settings (no key), usage per stage summed from llm/, and every fallback to a heuristic. */
    llm,
    shots: p.shots.map((s) => {
      const r = results[String(s.index)]
      return {
        index: s.index,
        startFrame: s.startFrame,
        endFrame: s.endFrame,
        accepted: r.best.verdict.accepted,
        keptAttempt: r.best.attempt,
        score: r.best.verdict.score,
        attempts: r.attempts.map((a) => ({ attempt: a.attempt, round: a.round, candidate: a.candidate, generator: a.segment.generator, cached: a.cached, video: a.segment.path, verdict: a.verdict })),
        rounds: r.rounds,
      }
    }),
  }
}

/** Frame-weighted progress and ETA for the generating stage, throttled to a few events a second. */
function makeGenerationProgress(emit: (e: RenderEvent) => void) {
  let totalFrames = 0
  let shotsTotal = 0
  let shotsDone = 0
  const perShot = new Map<number, number>()
  let startedAt = 0
  let doneAtStart = 0
  let lastEmit = 0
  const framesDone = () => [...perShot.values()].reduce((a, b) => a + b, 0)
  function send(force = false) {
    const now = Date.now()
    if (!force && now - lastEmit < 250) return
    lastEmit = now
    const done = framesDone()
    const fraction = totalFrames ? done / totalFrames : 0
    const rate = (done - doneAtStart) / Math.max(1e-3, (now - startedAt) / 1000)
    const etaSec = rate > 0 && done - doneAtStart > 0 ? (totalFrames - done) / rate : undefined
    emit({ type: 'progress', stage: 'generating', fraction, etaSec, shotsDone, shotsTotal })
  }
  return {
    start(p: ShotPlan) {
      totalFrames = p.totalFrames
      shotsTotal = p.shots.length
      startedAt = Date.now()
    },
    ensureStarted(p: ShotPlan) {
      if (!startedAt) this.start(p)
    },
    shotFrames(index: number, frames: number, fraction: number) {
      const before = perShot.get(index) ?? 0
      const now = Math.round(frames * Math.min(1, Math.max(0, fraction)))
      perShot.set(index, Math.max(before, now))
      // Cached shots cost nothing: don't let them inflate the rate behind the ETA.
      if (fraction >= 1 && before === 0) doneAtStart += now
      send()
    },
    shotDone(_index: number, done: number, total: number) {
      shotsDone = done
      shotsTotal = total
      send(true)
    },
  }
}
