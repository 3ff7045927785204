import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { seedFor } from '../../agents/heuristics/hash.js'
import { Analysis, Segment, ShotPlan, Treatment } from '../../schemas/index.js'
import { readJsonIfValid, sha256File, writeJsonAtomic } from '../../util/files.js'
import type { StepContext } from '../context.js'
import type { GenerateInput, GenerateOutput } from '../machines/shotMachine.js'
import { shotRequest } from '../shotRequest.js'
import { stepKey, type Store } from '../../store/index.js'
import { adaptRequest } from '../../render/generators/router.js'
import { need } from './read.js'
import { vocalsFile } from './analyze.js'

export type { GenerateInput, GenerateOutput }

const VERSION = 2

/**
 * One candidate of one shot: the request built from the plan, treatment and analysis in the
 * store and what memory gave the shot, sent to the generator, written as a store folder
 * (shot.mp4, first/last/key frame PNGs, segment.json). The same request is a store hit.
 */
export async function generate(input: GenerateInput, store: Store, ctx: StepContext & { onProgress?(fraction: number): void }): Promise<GenerateOutput> {
  const { generator } = ctx.services
  const { sources, shotIndex, attempt, candidate, revision } = input
  const [plan, treatment, analysis] = await Promise.all([
    need(store, 'plan', sources.planKey, ShotPlan),
    need(store, 'treatment', sources.treatmentKey, Treatment),
    need(store, 'analysis', sources.analysisKey, Analysis),
  ])
  // A round's candidates after the first try their own seed: VISTA samples, then judges.
  const seed = revision.seed ?? plan.shots[shotIndex].seed
  // The separated vocal stem, when the analysis made one (a separation model): singing shots use it.
  const vocals = vocalsFile(store, sources.analysisKey)
  const asked = shotRequest(
    { plan, treatment, analysis, songPath: sources.songPath, ...(existsSync(vocals) ? { vocalsPath: vocals } : {}) },
    shotIndex,
    candidate > 0 ? { ...revision, seed: seedFor(seed, 'candidate', candidate) } : revision,
    input,
  )
  // Keyed on what the generator will read: a reference keyframe it takes no notice of (promoted by
  // another shot, in whatever order shots finished) must not make this shot a store miss.
  const req = generator.adapt ? generator.adapt(asked) : adaptRequest(asked, generator.capabilities)
  const initHash = req.initKeyframe && existsSync(req.initKeyframe) ? await sha256File(req.initKeyframe) : null
  const key = stepKey('segment', VERSION, {
    generator: generator.id,
    shot: req.shot,
    size: [req.width, req.height, req.fps],
    style: req.style,
    location: req.location,
    characters: req.characters,
    controls: req.controls,
    audio: [req.audio.startSec, req.audio.endSec],
    // Only when set (a separation model made the stem): the keys of other renders stay what they were.
    ...(req.audio.vocalsPath ? { vocals: sources.analysisKey } : {}),
    initHash,
    refs: req.referenceKeyframes,
    // Only when set, so the keys of renders with captions stay what they were.
    ...(req.hideCaptions ? { hideCaptions: true } : {}),
    ...(req.captionStyle ? { captionStyle: req.captionStyle } : {}),
    // A batch base's procedural segment with captions keeps a caption-free still per caption line
    // (the batch measures the captions drawn into its base against them): one made without has none.
    // Only when asked, so a single render's keys and other generators' keys stay what they were.
    ...(generator.id === 'procedural' && req.bareStills && !req.hideCaptions && req.shot.captions.length > 0 ? { bareStills: 1 } : {}),
  })
  const total = plan.shots.length
  const final = store.artifactDir('segment', key)
  const { dir, made } = await store.artifact('segment', key, async (tmp) => {
    ctx.emit({ type: 'shot', index: shotIndex, total, attempt, status: 'generating' })
    const segment = await generator.generate(
      { ...req, attempt, out: { video: join(tmp, 'shot.mp4'), firstFrame: join(tmp, 'first.png'), lastFrame: join(tmp, 'last.png'), keyFrame: join(tmp, 'key.png') } },
      { signal: ctx.signal, onProgress: (p) => ctx.onProgress?.(p) },
    )
    await writeJsonAtomic(join(tmp, 'segment.json'), relocate(Segment.parse(segment), tmp, final))
  })
  const segment = await readJsonIfValid(join(dir, 'segment.json'), Segment)
  if (!segment || !existsSync(segment.path)) {
    // A folder without its record (made by hand, or damaged): make it again.
    await rm(dir, { recursive: true, force: true })
    return generate(input, store, ctx)
  }
  if (!made) {
    ctx.emit({ type: 'shot', index: shotIndex, total, attempt, status: 'cached' })
    ctx.onProgress?.(1)
  }
  return { segment: { ...segment, attempt }, cached: !made }
}

/** The segment's paths as they are once its temp folder has become the key's folder. */
function relocate(segment: Segment, from: string, to: string): Segment {
  const move = (p: string) => (dirname(p) === from ? join(to, basename(p)) : p)
  return { ...segment, path: move(segment.path), firstFrame: move(segment.firstFrame), lastFrame: move(segment.lastFrame), keyFrame: move(segment.keyFrame) }
}
