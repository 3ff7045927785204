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
import type { GenerateContext, SegmentGenerator, SegmentRequest } from '../types.js'
import { ComfyClient } from './client.js'
import { ComfyTemplateError, ComfyTimeoutError } from './errors.js'
import { localOutputName, shotOutputFiles } from './outputs.js'
import { chooseWorkflow, framesToRequest, referenceImages, shotPromptText, shotSeed, templateCapabilities, workflowFrames, workflowSize } from './shot.js'
import { fillTemplate, listTemplates, loadTemplate, type PlaceholderValue, type WorkflowTemplate } from './template.js'
import { segmentFor } from '../segment.js'

export * from './errors.js'
export { ComfyClient, type ComfyClientOptions, type RunOptions, type RunResult } from './client.js'
export { fillTemplate, findPlaceholders, listTemplates, loadTemplate, WorkflowMeta, type WorkflowTemplate, type PlaceholderValue } from './template.js'
export { chooseWorkflow, framesToRequest, workflowFrames, workflowSize } from './shot.js'

export interface ComfyGeneratorOptions {
  /** The server, e.g. http://127.0.0.1:8188. */
  url: string
  /** Template name in `<modelsDir>/comfyui/` (or a path to a .json); default: chosen by capabilities. */
  workflow?: string
  /** The models folder (default: LONGAV_MODELS_DIR, else the package's models/); templates are in its comfyui/. */
  modelsDir?: string
  /** Time limit per shot, all runs included, ms (default 30 min). The prompt is interrupted when it passes. */
  timeoutMs?: number
  /** Retries for connection errors and 5xx answers (default 3). */
  retries?: number
  /** Per-request limit, ms (default 30 000). */
  requestTimeoutMs?: number
  /** Websocket handshake limit, ms (default 10 000). */
  connectTimeoutMs?: number
  /** /history polling interval when the websocket is gone, ms (default 1000). */
  pollIntervalMs?: number
  /** First retry delay, ms (default 500, doubling). */
  retryDelayMs?: number
  /** How long a shot waits for a server that went away mid-prompt (a restart), ms (default 60 000); then its prompt is queued again. */
  restartWaitMs?: number
  /** How many times a shot queues its prompt again when the server lost it (default 2). */
  resubmits?: number
  /** The render's frame rate, for the maxFrames capability of workflows with a native rate (default 30). */
  fps?: number
  /** Overrides the workflow's default negative prompt. */
  negativePrompt?: string
  /** Overrides the workflow's default denoise (image-to-image strength). */
  denoise?: number
  onLog?: (line: string) => void
}

export interface ComfyGenerator extends SegmentGenerator {
  /** The workflow template used. */
  readonly workflow: WorkflowTemplate
  readonly client: ComfyClient
}

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
  const initTemplate = template.meta.initFrom !== undefined ? loadInitTemplate(dir, template) : undefined
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
  const id = `comfyui:${template.name}`
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
    const limitMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const limit = new AbortController()
    const timer = setTimeout(
      () => limit.abort(new ComfyTimeoutError(`shot ${req.shot.index}: the ComfyUI server at ${client.origin} did not finish workflow "${template.name}" within ${Math.round(limitMs / 1000)} s; the prompt was interrupted`, limitMs)),
      limitMs,
    )
    const signal = AbortSignal.any([ctx.signal, limit.signal])
    let done = 0
    const progress = (p: number) => {
      if (p > done) ctx.onProgress((done = Math.min(1, p)))
    }
    const work = await mkdtemp(join(dirname(req.out.video), '.comfyui-'))
    try {
      await check(template, signal)
      if (initTemplate) await check(initTemplate, signal)
      const size = workflowSize(req.width, req.height, template.meta)
      const frames = framesToRequest(req.frames, req.fps, template.meta)
      const prefix = `longav/shot${String(req.shot.index).padStart(4, '0')}-a${req.attempt}`
      const values: Record<string, PlaceholderValue | undefined> = {
        prompt: shotPromptText(req),
        seed: shotSeed(req.shot.seed, req.attempt),
        frames,
        width: size.width,
        height: size.height,
        // The rate the workflow animates at: its native one, else the render's.
        fps: template.meta.nativeFps ?? req.fps,
        filename_prefix: prefix,
        audio_start: req.audio.startSec,
        audio_end: req.audio.endSec,
        audio_duration: req.audio.endSec - req.audio.startSec,
      }

      // The init frame: the previous shot's last frame when this one continues it, else one
      // made by the init template when the workflow cannot start without a picture.
      const refs = referenceImages(req, template.meta.accepts.referenceImages)
      let init = req.shot.continuesPrevious ? req.initKeyframe : undefined
      const needInit = template.meta.accepts.initImage || (template.meta.accepts.referenceImages > 0 && refs.length === 0)
      let base = 0.05
      if (needInit && !init) {
        if (!initTemplate)
          throw new ComfyTemplateError(
            `workflow "${template.name}" needs an init frame and shot ${req.shot.index} has none (it does not continue a previous shot): set "initFrom" in its meta to a text-to-image workflow, or choose another workflow`,
          )
        init = await makeInitFrame(initTemplate, values, work, signal, (p) => progress(0.2 * p), log)
        base = 0.2
      }
      if (template.meta.accepts.initImage) values.init_image = await uploadFile(init!, signal)
      const refFiles = refs.length ? refs : init ? Array.from({ length: template.meta.accepts.referenceImages }, () => init!) : []
      for (let k = 0; k < refFiles.length; k++) values[`reference_image_${k}`] = await uploadFile(refFiles[k], signal)
      if (template.meta.accepts.audio) {
        const wav = join(work, 'audio.wav')
        await extractAudioSpanWav(req.audio.path, req.audio.startSec, req.audio.endSec, wav, signal)
        values.audio = await uploadFile(wav, signal)
      }
      progress(base)

      const workflow = fillTemplate(template.workflow, values, { ...template.meta.defaults, ...defaults }, template.name)
      const run = await client.run(workflow, {
        workflowName: template.name,
        signal,
        nodeHints: template.meta.nodePacks,
        onProgress: (p) => progress(base + (0.9 - base) * p),
      })
      const files = shotOutputFiles(run.entry, template.meta, template.name)
      const local = files.map((f, k) => join(work, localOutputName(f, k)))
      // A few downloads at a time: frames are many small files.
      for (let k = 0; k < files.length; k += DOWNLOADS_AT_ONCE)
        await Promise.all(files.slice(k, k + DOWNLOADS_AT_ONCE).map((f, j) => client.download(f, local[k + j], signal)))
      const made = await imagesToVideo({
        inputs: local,
        out: req.out.video,
        width: req.width,
        height: req.height,
        fps: req.fps,
        frames: req.frames,
        sourceFps: template.meta.nativeFps,
        signal,
        onProgress: (p) => progress(0.9 + 0.08 * p),
      })
      // Cutting the few extra frames of a model's frame-count grid is expected; anything else is news.
      if (made.held > 0 || (made.trimmed > 0 && made.sourceFrames !== frames)) {
        const madeText = template.meta.nativeFps
          ? `${made.sourceFrames} frames at ${template.meta.nativeFps} fps (asked for ${frames}; ${made.sourceOutputFrames} at ${req.fps} fps)`
          : `${made.sourceFrames} frame${made.sourceFrames === 1 ? '' : 's'} (asked for ${frames})`
        const fix = made.held > 0 ? `held the last frame ${made.held} more time${made.held === 1 ? '' : 's'}` : `dropped the last ${made.trimmed}`
        log(`the server made ${madeText}, the shot needs ${req.frames}: ${fix}`)
      }
      const mid = Math.floor(req.frames / 2)
      await extractFramePng(req.out.video, 0, req.out.firstFrame, signal)
      await extractFramePng(req.out.video, mid, req.out.keyFrame, signal)
      await extractFramePng(req.out.video, req.frames - 1, req.out.lastFrame, signal)
      progress(1)
      return segmentFor(req, id)
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
    signal: AbortSignal,
    onProgress: (p: number) => void,
    log: (s: string) => void,
  ): Promise<string> {
    const size = workflowSize(Number(shotValues.width), Number(shotValues.height), t.meta)
    const values = { ...shotValues, ...size, frames: workflowFrames(1, t.meta), filename_prefix: `${shotValues.filename_prefix}-init` }
    const wf = fillTemplate(t.workflow, values, { ...t.meta.defaults, ...defaults }, t.name)
    const run = await client.run(wf, { workflowName: t.name, signal, nodeHints: t.meta.nodePacks, onProgress })
    const [first] = shotOutputFiles(run.entry, { outputNode: t.meta.outputNode, produces: 'frames' }, t.name)
    const dest = join(work, `init${extname(localOutputName(first, 0))}`)
    await client.download(first, dest, signal)
    log(`made the init frame with workflow "${t.name}"`)
    return dest
  }

  return { id, capabilities: templateCapabilities(template, opts.fps ?? 30), generate, workflow: template, client }
}

/** `p`, or the signal's reason as soon as it aborts (p keeps running for whoever else awaits it). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

function defaultTemplate(dir: string): WorkflowTemplate {
  const names = listTemplates(dir)
  const templates = names.map((n) => loadTemplate(dir, n))
  const chosen = chooseWorkflow(templates)
  if (!chosen)
    throw new ComfyTemplateError(
      `no ComfyUI workflow to choose from in ${dir}${names.length ? ` (${names.join(', ')} all have "autoSelect": false: name one)` : ''}: add a template (models/comfyui/README.md) or name one`,
    )
  return chosen
}

function loadInitTemplate(dir: string, main: WorkflowTemplate): WorkflowTemplate {
  const t = loadTemplate(dir, main.meta.initFrom!)
  if (t.meta.accepts.initImage || t.meta.produces !== 'frames')
    throw new ComfyTemplateError(`${main.name}.meta.json: initFrom "${t.name}" must make frames from text alone (no init image)`)
  if (t.meta.accepts.audio || t.meta.accepts.referenceImages > 0)
    throw new ComfyTemplateError(`${main.name}.meta.json: initFrom "${t.name}" must not need audio or reference images`)
  return t
}
