/**
 * The ComfyUI generator (`--generator comfyui --comfyui-url …`): each shot fills a workflow
 * template from models/comfyui/, uploads what the workflow takes (init frame, reference images,
 * the shot's span of the song), queues it on the user's ComfyUI server, follows its progress,
 * fetches the outputs and turns them into a segment with exactly the planned frames.
 */
import { extname, dirname, join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { abortError, extractFramePng } from '../../../ffmpeg/index.js'
import { imagesToVideo } from '../../../ffmpeg/imagesToVideo.js'
import { extractAudioSpanWav } from '../../../ffmpeg/audioSpan.js'
import type { Segment } from '../../../schemas/index.js'
import { sha256File } from '../../../util/files.js'
import { modelsDirectory } from '../../../models/index.js'
import type { GenerateContext, SegmentRequest } from '../types.js'
import { ComfyClient } from './client.js'
import type { ComfyGenerator, ComfyGeneratorOptions } from './options.js'
import { ComfyTemplateError, ComfyTimeoutError } from './errors.js'
import { chainedFrames, conformFrames, describeConform, planRuns } from './grid.js'
import { localOutputName, shotOutputFiles } from './outputs.js'
import { defaultTemplate, loadInitTemplate, untilAborted } from './setup.js'
import { canChain, framesToRequest, nativeFramesFor, referenceImages, shotPromptText, shotSeed, templateCapabilities, workflowFrames, workflowSize } from './shot.js'
import { isSingingShot, singingAudio } from './singing.js'
import { fillTemplate, loadTemplate, type PlaceholderValue, type WorkflowTemplate } from './template.js'
import { segmentFor } from '../segment.js'

export * from './errors.js'
export { ComfyClient, type ComfyClientOptions, type RunOptions, type RunResult } from './client.js'
export { fillTemplate, findPlaceholders, listTemplates, loadTemplate, WorkflowMeta, type WorkflowTemplate, type PlaceholderValue } from './template.js'
export { chooseWorkflow, framesToRequest, nativeFramesFor, workflowFrames, workflowSize } from './shot.js'
export { chainedFrames, conformFrames, describeConform, MAX_RETIME, onGrid, planRuns, type Conform } from './grid.js'
export { isSingingShot, singingAudio, SINGING_SHARE, SINGING_VOCAL_LEVEL } from './singing.js'
export { validateWorkflow, type WorkflowProblem } from './validate.js'

export type { ComfyGenerator, ComfyGeneratorOptions } from './options.js'

const DEFAULT_NEGATIVE = 'blurry, low quality, jpeg artifacts, watermark, text, logo, deformed, disfigured, extra limbs'
const DEFAULT_TIMEOUT_MS = 30 * 60_000
const DOWNLOADS_AT_ONCE = 4

/** `<modelsDir>/comfyui`: the option, else LONGAV_MODELS_DIR, else the package's models/. */
export function comfyTemplatesDir(modelsDir?: string): string {
  return join(modelsDirectory(modelsDir), 'comfyui')
}

/**
 * A SegmentGenerator backed by a ComfyUI server. Templates are read and checked now (a bad
 * template or URL throws here); the server is first contacted by the first shot.
 */
export function createComfyGenerator(opts: ComfyGeneratorOptions): ComfyGenerator {
  const dir = comfyTemplatesDir(opts.modelsDir)
  const template = opts.workflow !== undefined ? loadTemplate(dir, opts.workflow) : defaultTemplate(dir)
  const singing = opts.singingWorkflow !== undefined ? loadTemplate(dir, opts.singingWorkflow) : undefined
  if (singing && !singing.meta.accepts.audio) throw new ComfyTemplateError(`singingWorkflow "${singing.name}" takes no audio ({{audio}}): name an audio-driven workflow such as ltx2-a2v or wan22-s2v`)
  const initTemplates = new Map<string, WorkflowTemplate>()
  for (const t of [template, singing]) if (t?.meta.initFrom !== undefined) initTemplates.set(t.name, loadInitTemplate(dir, t))
  const maxRuns = Math.max(1, Math.floor(opts.maxRuns ?? 1))
  const client = new ComfyClient({
    url: opts.url,
    requestTimeoutMs: opts.requestTimeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
    pollIntervalMs: opts.pollIntervalMs,
    restartWaitMs: opts.restartWaitMs,
    resubmits: opts.resubmits,
    onLog: opts.onLog,
  })
  const id = `comfyui:${template.name}${singing ? `+sing:${singing.name}` : ''}${maxRuns > 1 ? `+runs:${maxRuns}` : ''}`
  const defaults: Record<string, PlaceholderValue> = {
    negative_prompt: DEFAULT_NEGATIVE,
    ...(opts.negativePrompt !== undefined ? { negative_prompt: opts.negativePrompt } : {}),
    ...(opts.denoise !== undefined ? { denoise: opts.denoise } : {}),
  }
  // One successful server check per workflow per generator, shared by concurrent shots (so it
  // is not tied to one shot's signal); a failed one is tried again by the next shot.
  const checks = new Map<string, Promise<void>>()
  const check = (t: WorkflowTemplate, signal: AbortSignal): Promise<void> => {
    let p = checks.get(t.name)
    if (!p) {
      const perShot = new Set(t.uses.map((u) => `${u.nodeId}/${u.input}`))
      p = client.checkWorkflow(t.workflow, t.name, { hints: t.meta.nodePacks, perShotInputs: (n, i) => perShot.has(`${n}/${i}`) })
      checks.set(t.name, p)
      p.catch(() => checks.delete(t.name))
    }
    return untilAborted(p, signal)
  }

  const generate = async (req: SegmentRequest, ctx: GenerateContext): Promise<Segment> => {
    if (!Number.isInteger(req.frames) || req.frames < 1) throw new RangeError(`frames must be a positive integer, got ${req.frames}`)
    if (req.width % 2 || req.height % 2) throw new RangeError(`size must be even for yuv420p, got ${req.width}x${req.height}`)
    const log = (s: string) => opts.onLog?.(`shot ${req.shot.index}: ${s}`)
    // A singing shot longer than one run of the audio workflow (which cannot be chained: each run
    // would need its own span of audio) is made by the main workflow, and the log says so.
    const singer = singing !== undefined && isSingingShot(req)
    const sung = singer && framesToRequest(req.frames, req.fps, singing.meta) >= nativeFramesFor(req.frames, req.fps, singing.meta)
    if (singer && !sung) log(`not lip-synced: the shot is longer than one run of "${singing.name}" (${singing.meta.maxFrames} frames at ${singing.meta.nativeFps ?? req.fps} fps)`)
    const t = sung ? singing : template
    const initTemplate = initTemplates.get(t.name)
    const limitMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const limit = new AbortController()
    const timer = setTimeout(
      () => limit.abort(new ComfyTimeoutError(`shot ${req.shot.index}: the ComfyUI server at ${client.origin} did not finish workflow "${t.name}" within ${Math.round(limitMs / 1000)} s; the prompt was interrupted`, limitMs)),
      limitMs,
    )
    const signal = AbortSignal.any([ctx.signal, limit.signal])
    let done = 0
    const progress = (p: number) => {
      if (p > done) ctx.onProgress((done = Math.min(1, p)))
    }
    const work = await mkdtemp(join(dirname(req.out.video), '.comfyui-'))
    try {
      await check(t, signal)
      if (initTemplate) await check(initTemplate, signal)
      const size = workflowSize(req.width, req.height, t.meta)
      const native = t.meta.nativeFps ?? req.fps
      // The model's frame grid: one run on it, or chained runs when the shot is longer than one run.
      const needed = nativeFramesFor(req.frames, req.fps, t.meta)
      const chain = maxRuns > 1 && canChain(t) ? planRuns(needed, t.meta) : []
      const runs = chain.length > 1 && chain.length <= maxRuns ? chain : [framesToRequest(req.frames, req.fps, t.meta)]
      const prefix = `longav/shot${String(req.shot.index).padStart(4, '0')}-a${req.attempt}`
      const values: Record<string, PlaceholderValue | undefined> = {
        prompt: shotPromptText(req),
        seed: shotSeed(req.shot.seed, req.attempt),
        frames: runs[0],
        width: size.width,
        height: size.height,
        // The rate the workflow animates at: its native one, else the render's.
        fps: native,
        filename_prefix: prefix,
        audio_start: req.audio.startSec,
        audio_end: req.audio.endSec,
        audio_duration: req.audio.endSec - req.audio.startSec,
      }

      // The init frame: the previous shot's last frame when this one continues it, else one
      // made by the init template when the workflow cannot start without a picture.
      const refs = referenceImages(req, t.meta.accepts.referenceImages)
      let init = req.shot.continuesPrevious ? req.initKeyframe : undefined
      const needInit = t.meta.accepts.initImage || (t.meta.accepts.referenceImages > 0 && refs.length === 0)
      let base = 0.05
      const noInit = () =>
        new ComfyTemplateError(
          `workflow "${t.name}" needs an init frame and shot ${req.shot.index} has none (it does not continue a previous shot): set "initFrom" in its meta to a text-to-image workflow, or choose another workflow`,
        )
      if (needInit && !init) {
        if (!initTemplate) throw noInit()
        init = await makeInitFrame(initTemplate, values, work, 'init', signal, (p) => progress(0.2 * p), log)
        base = 0.2
      }
      if (t.meta.accepts.lastImage) {
        // The frame to arrive at: the one the plan gives, else a second keyframe from the prompt.
        let last = req.endKeyframe
        if (!last) {
          if (!initTemplate) throw noInit()
          last = await makeInitFrame(initTemplate, { ...values, seed: shotSeed(req.shot.seed, req.attempt + 1) }, work, 'last', signal, () => {}, log)
        }
        values.last_image = await uploadFile(last, signal)
      }
      const refFiles = refs.length ? refs : init ? Array.from({ length: t.meta.accepts.referenceImages }, () => init!) : []
      for (let k = 0; k < refFiles.length; k++) values[`reference_image_${k}`] = await uploadFile(refFiles[k], signal)
      if (t.meta.accepts.audio) {
        // The audio under the whole clip the model makes (the grid may run past the shot's end):
        // frame i of the clip is heard at start + i / native, so the picture stays in sync.
        const heard = singingAudio(req)
        const wav = join(work, 'audio.wav')
        await extractAudioSpanWav(heard.path, req.audio.startSec, req.audio.startSec + chainedFrames(runs) / native, wav, signal)
        values.audio = await uploadFile(wav, signal)
        if (sung) log(`lip-synced with workflow "${t.name}" to the ${heard.stream === 'vocals' ? 'vocal stream' : 'mix (no separated vocals)'}, ${req.audio.startSec.toFixed(2)}-${req.audio.endSec.toFixed(2)} s`)
      }
      progress(base)

      // Run by run; each run after the first starts on the last frame of the one before.
      const frames: string[] = []
      for (let k = 0; k < runs.length; k++) {
        if (t.meta.accepts.initImage) values.init_image = await uploadFile(init!, signal)
        const span = (0.9 - base) / runs.length
        const workflow = fillTemplate(t.workflow, { ...values, frames: runs[k], filename_prefix: runs.length > 1 ? `${prefix}-r${k}` : prefix }, { ...t.meta.defaults, ...defaults }, t.name)
        const run = await client.run(workflow, { workflowName: t.name, signal, nodeHints: t.meta.nodePacks, onProgress: (p) => progress(base + span * (k + p)) })
        const files = shotOutputFiles(run.entry, t.meta, t.name)
        const local = files.map((f, j) => join(work, `r${k}-${localOutputName(f, j)}`))
        // A few downloads at a time: frames are many small files.
        for (let j = 0; j < files.length; j += DOWNLOADS_AT_ONCE)
          await Promise.all(files.slice(j, j + DOWNLOADS_AT_ONCE).map((f, i) => client.download(f, local[j + i], signal)))
        frames.push(...(k === 0 ? local : local.slice(1)))
        init = local[local.length - 1]
      }
      if (runs.length > 1) log(`a long take in ${runs.length} chained runs of ${runs.join(' + ')} frames (each from the last frame of the one before)`)

      const single = t.meta.produces === 'video'
      const conform = single ? undefined : conformFrames(req.frames, req.fps, frames.length, native, t.meta.retime)
      const made = await imagesToVideo({
        inputs: conform ? conform.sourceIndex.map((i) => frames[i]) : frames,
        out: req.out.video,
        width: req.width,
        height: req.height,
        fps: req.fps,
        frames: req.frames,
        sourceFps: single ? t.meta.nativeFps : undefined,
        signal,
        onProgress: (p) => progress(0.9 + 0.08 * p),
      })
      const asked = chainedFrames(runs)
      if (conform && conform.mode !== 'exact') log(`${frames.length !== asked ? `the server made ${frames.length} frames (asked for ${asked}); ` : ''}${describeConform(conform, frames.length, native, req.frames, req.fps)}`)
      if (single && made.held > 0) log(`the server made ${made.sourceFrames} frames, the shot needs ${req.frames}: held the last frame ${made.held} more times`)
      const mid = Math.floor(req.frames / 2)
      await extractFramePng(req.out.video, 0, req.out.firstFrame, signal)
      await extractFramePng(req.out.video, mid, req.out.keyFrame, signal)
      await extractFramePng(req.out.video, req.frames - 1, req.out.lastFrame, signal)
      progress(1)
      const segment = segmentFor(req, id)
      // The report's "made by" says which shots were lip-synced and to what.
      if (sung) segment.generator = `comfyui:${t.name} (lip-synced to the ${singingAudio(req).stream === 'vocals' ? 'vocal stream' : 'mix'})`
      return segment
    } catch (err) {
      await Promise.all([req.out.video, req.out.firstFrame, req.out.keyFrame, req.out.lastFrame].map((p) => rm(p, { force: true })))
      throw signal.aborted ? abortError(signal) : err
    } finally {
      clearTimeout(timer)
      await rm(work, { recursive: true, force: true })
    }
  }

  /** Uploads a local file under a name made from its content (the same file is stored once). */
  async function uploadFile(path: string, signal: AbortSignal): Promise<string> {
    const hash = (await sha256File(path, signal)).slice(0, 16)
    const ext = extname(path).toLowerCase() || '.png'
    return client.upload(path, `longav-${hash}${ext}`, signal)
  }

  /** Runs the init template for one frame with the shot's prompt, seed and size; returns its image. */
  async function makeInitFrame(
    t: WorkflowTemplate,
    shotValues: Record<string, PlaceholderValue | undefined>,
    work: string,
    name: string,
    signal: AbortSignal,
    onProgress: (p: number) => void,
    log: (s: string) => void,
  ): Promise<string> {
    const size = workflowSize(Number(shotValues.width), Number(shotValues.height), t.meta)
    const values = { ...shotValues, ...size, frames: workflowFrames(1, t.meta), filename_prefix: `${shotValues.filename_prefix}-${name}` }
    const wf = fillTemplate(t.workflow, values, { ...t.meta.defaults, ...defaults }, t.name)
    const run = await client.run(wf, { workflowName: t.name, signal, nodeHints: t.meta.nodePacks, onProgress })
    const [first] = shotOutputFiles(run.entry, { outputNode: t.meta.outputNode, produces: 'frames' }, t.name)
    const dest = join(work, `${name}${extname(localOutputName(first, 0))}`)
    await client.download(first, dest, signal)
    log(`made the ${name} frame with workflow "${t.name}"`)
    return dest
  }

  const capabilities = templateCapabilities(template, opts.fps ?? 30, maxRuns)
  // A singing workflow adds audio; shots past its one run stay with the main workflow.
  if (singing) capabilities.audioConditioned = true
  return { id, capabilities, generate, workflow: template, client }
}
