import { createCanvas } from '@napi-rs/canvas'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames, decodeImage, probeMedia, runFfmpeg } from '../src/ffmpeg/index.js'
import { imagesToVideo } from '../src/ffmpeg/imagesToVideo.js'
import { missingNodeError, promptRejectionError } from '../src/render/generators/comfyui/check.js'
import {
  ComfyConnectionError,
  ComfyError,
  ComfyExecutionError,
  ComfyHttpError,
  ComfyMissingModelError,
  ComfyMissingNodeError,
  ComfyPromptError,
  ComfyPromptLostError,
  ComfyProtocolError,
  ComfyTemplateError,
  ComfyTimeoutError,
  chooseWorkflow,
  createComfyGenerator,
  fillTemplate,
  framesToRequest,
  listTemplates,
  loadTemplate,
  workflowFrames,
  workflowSize,
  type ComfyGeneratorOptions,
} from '../src/render/generators/comfyui/index.js'
import type { ApiWorkflow } from '../src/render/generators/comfyui/protocol.js'
import { applyMessage, initialRunState, runFraction } from '../src/render/generators/comfyui/tracker.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { CharacterCard, FrameControl, LocationCard, Shot } from '../src/schemas/index.js'
import { CORE_NODES, frameColour, startComfyServer, type ComfyServer, type ComfyServerOptions } from './helpers/comfyServer.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-comfyui-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const MODELS_DIR = path.join(process.cwd(), 'models')
const W = 96
const H = 64
const FPS = 24

const MODEL_FILES: ComfyServerOptions['models'] = {
  ckpt_name: ['v1-5-pruned-emaonly.safetensors', 'svd_xt.safetensors'],
  unet_name: ['wan2.2_s2v_14B_fp8_scaled.safetensors'],
  clip_name: ['umt5_xxl_fp8_e4m3fn_scaled.safetensors'],
  vae_name: ['wan_2.1_vae.safetensors'],
  audio_encoder_name: ['wav2vec2_large_english_fp16.safetensors'],
}
const WAN_NODES = [...CORE_NODES, 'ModelSamplingSD3', 'AudioEncoderLoader', 'AudioEncoderEncode', 'WanSoundImageToVideo']

const mara: CharacterCard = {
  kind: 'character', id: 'mara', name: 'Mara', description: 'singer with a red scarf', seed: 11,
  palette: ['#e63946', '#1d3557'], shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 2, outfit: 2 },
}
const roof: LocationCard = {
  kind: 'location', id: 'rooftop', name: 'Rooftop', description: 'a city rooftop at night', seed: 42,
  palette: ['#2a2350', '#ff6b8b'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.6 },
}

function controls(start: number, frames: number): FrameControl[] {
  return Array.from({ length: frames }, (_, i) => ({
    frame: start + i, loudness: 0.5, hit: i % 12 === 0 ? 1 : 0, hue: 200, brightness: 0.5, harmonic: 0.5, vocal: 0,
    sectionIndex: 0, beatPhase: (i % 12) / 12, barPhase: (i % 48) / 48, onBeat: i % 12 === 0, onDownbeat: i % 48 === 0,
  }))
}

let song = ''
let initPng = ''
beforeAll(async () => {
  song = path.join(tmp, 'song.wav')
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=4', '-ac', '2', song])
  initPng = path.join(tmp, 'init.png')
  const c = createCanvas(W, H)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#3366cc'
  ctx.fillRect(0, 0, W, H)
  writeFileSync(initPng, c.encodeSync('png'))
})

let counter = 0
function request(over: { shot?: Partial<Shot>; frames?: number; initKeyframe?: string; attempt?: number; referenceKeyframes?: Record<string, string[]> } = {}): SegmentRequest {
  const frames = over.frames ?? 12
  const startFrame = over.shot?.startFrame ?? 24
  const dir = path.join(tmp, `seg-${counter++}`)
  mkdirSync(dir, { recursive: true })
  const shot: Shot = {
    index: 3, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'beat', locationId: roof.id, characterIds: [mara.id],
    camera: 'push-in', framing: 'medium', prompt: 'Grainy synthwave. Medium shot, slow push in. Rooftop: "neon" skyline\nat night.',
    seed: 1234, continuesPrevious: false, motionGain: 0.5, captions: [], ...over.shot,
  }
  return {
    shot, fps: FPS, width: W, height: H, frames, attempt: over.attempt ?? 0,
    style: { look: 'grainy synthwave', palette: ['#ff6b6b', '#4d96ff'], grain: 0.3, vignette: 0.4, captionFont: 'DejaVu Sans' },
    location: roof, characters: [mara], controls: controls(startFrame, frames),
    audio: { path: song, startSec: startFrame / FPS, endSec: (startFrame + frames) / FPS },
    initKeyframe: over.initKeyframe, referenceKeyframes: over.referenceKeyframes ?? {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}

const servers: ComfyServer[] = []
async function server(opts: ComfyServerOptions = {}): Promise<ComfyServer> {
  const s = await startComfyServer({ models: MODEL_FILES, ...opts })
  servers.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function generator(s: ComfyServer, workflow: string, over: Partial<ComfyGeneratorOptions> = {}) {
  const logs: string[] = []
  const gen = createComfyGenerator({
    url: s.url, workflow, modelsDir: MODELS_DIR, retries: 2, retryDelayMs: 20, pollIntervalMs: 40,
    requestTimeoutMs: 5000, connectTimeoutMs: 2000, onLog: (l) => logs.push(l), ...over,
  })
  return { gen, logs }
}

const ctx = (signal = new AbortController().signal, onProgress: (p: number) => void = () => {}) => ({ signal, onProgress })

/** Mean RGB of every frame of a video, decoded small (flat colours survive the scaling exactly). */
async function frameColours(video: string): Promise<Array<[number, number, number]>> {
  const out: Array<[number, number, number]> = []
  await decodeFrames(video, { width: 16, height: 8, format: 'rgb24' }, (f) => {
    const s = [0, 0, 0]
    for (let i = 0; i < f.length; i += 3) for (let k = 0; k < 3; k++) s[k] += f[i + k]
    const n = f.length / 3
    out.push([s[0] / n, s[1] / n, s[2] / n])
  })
  return out
}

/** The server frame index a colour encodes (green = 20 + 12 × index). */
const serverIndex = (c: [number, number, number]) => Math.round((c[1] - 20) / 12) + 0 // no -0

async function pngColour(file: string): Promise<[number, number, number]> {
  const f = await decodeImage(file, { width: 8, height: 4, format: 'rgb24' })
  const s = [0, 0, 0]
  for (let i = 0; i < f.length; i += 3) for (let k = 0; k < 3; k++) s[k] += f[i + k]
  return [s[0] / 32, s[1] / 32, s[2] / 32]
}

const near = (a: [number, number, number], b: [number, number, number], tol = 5) => a.every((v, k) => Math.abs(v - b[k]) <= tol)

describe('ComfyUI generator against a loopback ComfyUI server', () => {
  it('renders a text-to-image shot end to end: the request carries prompt, seed, frames and size; the mp4 has exactly the planned frames, showing what the server made', async () => {
    const s = await server()
    const { gen } = generator(s, 'txt2img-batch')
    expect(gen.id).toBe('comfyui:txt2img-batch')
    expect(gen.capabilities).toEqual({ audioConditioned: false, keyframeIn: false, referenceImages: false, maxFrames: 16 })
    const req = request({ frames: 12, attempt: 2 })
    const progress: number[] = []
    const seg = await gen.generate(req, ctx(undefined, (p) => progress.push(p)))

    expect(s.prompts).toHaveLength(1)
    const p = s.prompts[0].prompt
    expect(p['6'].inputs.text).toBe(req.shot.prompt) // the look is already in the planner's prompt
    expect(typeof p['7'].inputs.text).toBe('string')
    expect(p['3'].inputs.seed).toBe(1236) // shot seed + attempt, as a number
    expect(p['5'].inputs.batch_size).toBe(12)
    expect([p['5'].inputs.width, p['5'].inputs.height]).toEqual([96, 64])
    expect(p['9'].inputs.filename_prefix).toBe('longav/shot0003-a2')
    expect(s.socketsOpened).toBe(1)
    expect(s.uploads).toHaveLength(0)

    // Progress: rises, passes through the sampler's steps, ends at 1.
    expect(progress.at(-1)).toBe(1)
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1])
    expect(progress.filter((v) => v > 0.05 && v < 0.9).length).toBeGreaterThanOrEqual(3)

    expect(seg).toEqual({
      shotIndex: 3, attempt: 2, generator: 'comfyui:txt2img-batch', path: req.out.video, frames: 12,
      firstFrame: req.out.firstFrame, lastFrame: req.out.lastFrame, keyFrame: req.out.keyFrame,
    })
    const info = await probeMedia(req.out.video, { countFrames: true })
    expect(info.video).toMatchObject({ codec: 'h264', width: W, height: H, pixFmt: 'yuv420p', frames: 12, fps: FPS })
    const colours = await frameColours(req.out.video)
    expect(colours).toHaveLength(12)
    colours.forEach((c, i) => expect(near(c, frameColour(1236, i)), `frame ${i}: ${c.map(Math.round)}`).toBe(true))
    expect(near(await pngColour(req.out.firstFrame), frameColour(1236, 0))).toBe(true)
    expect(near(await pngColour(req.out.keyFrame), frameColour(1236, 6))).toBe(true)
    expect(near(await pngColour(req.out.lastFrame), frameColour(1236, 11))).toBe(true)
    // Nothing left behind beside the segment.
    expect(readdirSync(path.dirname(req.out.video)).sort()).toEqual(['first.png', 'key.png', 'last.png', 'shot.mp4'])
  })

  it('uploads the init frame and the shot\'s audio span for an audio-conditioned image-to-video workflow (Wan 2.2 S2V) and retimes its 16 fps clip', async () => {
    const s = await server({ nodes: WAN_NODES })
    const { gen, logs } = generator(s, 'wan22-s2v')
    expect(gen.capabilities).toEqual({ audioConditioned: true, keyframeIn: true, referenceImages: false, maxFrames: Math.floor((77 * 30) / 16) })
    const req = request({ frames: 24, shot: { continuesPrevious: true }, initKeyframe: initPng })
    await gen.generate(req, ctx())

    expect(s.prompts).toHaveLength(1)
    const p = s.prompts[0].prompt
    // 1 s of song at the model's 16 fps is 16 frames; Wan takes 4k + 1: 17.
    expect(p['55'].inputs.length).toBe(17)
    expect(p['55'].inputs.width).toBe(96)
    expect(p['55'].inputs.height).toBe(64)
    expect(s.uploads).toHaveLength(2)
    for (const u of s.uploads) expect(u).toMatchObject({ type: 'input', overwrite: 'true' })
    const image = s.uploads.find((u) => u.name.endsWith('.png'))!
    const audio = s.uploads.find((u) => u.name.endsWith('.wav'))!
    expect(p['52'].inputs.image).toBe(image.name)
    expect(p['58'].inputs.audio).toBe(audio.name)
    expect(readFileSync(image.path).equals(readFileSync(initPng))).toBe(true)
    const wav = await probeMedia(audio.path)
    expect(wav.audio?.codec).toBe('pcm_s16le')
    // The audio under the whole clip the model makes: 17 frames at 16 fps from the shot's start.
    expect(Math.abs(wav.durationSec - 17 / 16)).toBeLessThan(1 / 1000)

    // 17 frames at 16 fps cover the 24 frames at 24 fps.
    const idx = (await frameColours(req.out.video)).map(serverIndex)
    // Output frame i shows the server frame nearest in time: round(i × 16 / 24).
    expect(idx).toEqual(Array.from({ length: 24 }, (_, i) => Math.round((i * 16) / 24)))
    // The 4k + 1 grid's spare frame is cut (an audio-driven clip is never sped up), and the log says so.
    expect(logs.filter((l) => l.includes('the server made'))).toEqual([])
    expect(logs).toContain('shot 3: made 17 frames at 16 fps (1.063 s) for a shot of 24 at 24 fps (1.000 s): cut 0.063 s at the end (a speed-up of 6.3 % would be over 4 %)')
  })

  it('makes the init frame with the initFrom workflow when an image-to-video shot starts fresh (svd-img2vid ← txt2img-batch)', async () => {
    const s = await server()
    const { gen, logs } = generator(s, 'svd-img2vid')
    const req = request({ frames: 12, initKeyframe: initPng }) // not continuing: the keyframe is not used
    await gen.generate(req, ctx())
    expect(s.prompts.map((q) => Object.values(q.prompt).find((n) => n.class_type === 'SaveImage')?.inputs.filename_prefix)).toEqual([
      'longav/shot0003-a0-init',
      'longav/shot0003-a0',
    ])
    const [key, svd] = s.prompts.map((q) => q.prompt)
    expect(key['5'].inputs.batch_size).toBe(1)
    expect(key['6'].inputs.text).toBe(req.shot.prompt)
    expect(svd['3'].inputs.video_frames).toBe(4) // 0.5 s at SVD's 8 fps
    expect(svd['3'].inputs.fps).toBe(8)
    expect(s.uploads).toHaveLength(1)
    expect(svd['2'].inputs.image).toBe(s.uploads[0].name)
    // The uploaded init frame is the keyframe the server drew for this seed, not the unrelated keyframe.
    expect(near(await pngColour(s.uploads[0].path), frameColour(1234, 0))).toBe(true)
    expect(logs.some((l) => l.includes('made the init frame with workflow "txt2img-batch"'))).toBe(true)
    expect((await probeMedia(req.out.video, { countFrames: true })).video?.frames).toBe(12)
  })

  it('names the missing node classes and their pack before queueing anything', async () => {
    const s = await server() // core nodes only: no AnimateDiff-Evolved
    const { gen } = generator(s, 'animatediff-txt2vid')
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyMissingNodeError)
    const e = err as ComfyMissingNodeError
    expect(e.missing).toEqual(['ADE_AnimateDiffLoaderGen1', 'ADE_StandardUniformContextOptions'])
    expect(e.message).toContain(`the ComfyUI server at ${s.url} lacks nodes ADE_AnimateDiffLoaderGen1, ADE_StandardUniformContextOptions`)
    expect(e.message).toContain('ComfyUI-AnimateDiff-Evolved')
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /object_info'])
  })

  it('names model files the server does not have before queueing', async () => {
    const s = await server({ models: { ...MODEL_FILES, ckpt_name: ['dreamshaper_8.safetensors'] } })
    const { gen } = generator(s, 'svd-img2vid')
    const err = await gen.generate(request({ shot: { continuesPrevious: true }, initKeyframe: initPng }), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyMissingModelError)
    expect((err as ComfyMissingModelError).missing).toEqual([
      { nodeId: '1', classType: 'ImageOnlyCheckpointLoader', input: 'ckpt_name', value: 'svd_xt.safetensors', available: ['dreamshaper_8.safetensors'] },
    ])
    expect((err as Error).message).toContain('dreamshaper_8.safetensors')
    expect(s.prompts).toHaveLength(0)
  })

  it('turns a 400 from POST /prompt into a ComfyPromptError with the server\'s reason', async () => {
    const s = await server({ fault: { kind: 'reject-prompt', style: 'missing-node', classType: 'KSampler' } })
    const { gen } = generator(s, 'txt2img-batch')
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyPromptError)
    expect((err as ComfyPromptError).errorType).toBe('missing_node_type')
    expect((err as ComfyPromptError).missingNodes).toEqual(['KSampler'])
    expect((err as Error).message).toContain('lacks node KSampler')
    expect(s.requests.filter((r) => r.path === '/prompt')).toHaveLength(1) // a 4xx is not retried

    s.setFault({ kind: 'reject-prompt', style: 'value-not-in-list', classType: 'CheckpointLoaderSimple' })
    const err2 = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err2).toBeInstanceOf(ComfyPromptError)
    expect((err2 as ComfyPromptError).errorType).toBe('prompt_outputs_failed_validation')
    expect((err2 as ComfyPromptError).nodeErrors).toEqual([
      { nodeId: '4', classType: 'CheckpointLoaderSimple', messages: ["Value not in list: ckpt_name: 'v1-5-pruned-emaonly.safetensors' not in []"] },
    ])
  })

  it('reads the older servers\' 400 wording for a missing node', () => {
    const body = JSON.stringify({ error: { type: 'invalid_prompt', message: 'Cannot execute because node VHS_VideoCombine does not exist.', details: "Node ID '#12'", extra_info: {} }, node_errors: [] })
    const e = promptRejectionError(new ComfyHttpError('400', 400, 'POST /prompt', body), 'http://gpu:8188', 'mine')
    expect(e).toBeInstanceOf(ComfyPromptError)
    expect((e as ComfyPromptError).missingNodes).toEqual(['VHS_VideoCombine'])
    const plain = promptRejectionError(new ComfyHttpError('400', 400, 'POST /prompt', '<html>bad</html>'), 'http://gpu:8188', 'mine')
    expect(plain).toBeInstanceOf(ComfyHttpError)
  })

  it('reports an execution_error with the failing node and its exception message', async () => {
    const s = await server({ fault: { kind: 'execution-error', message: 'CUDA out of memory. Tried to allocate 2.00 GiB', exceptionType: 'torch.OutOfMemoryError' } })
    const { gen } = generator(s, 'txt2img-batch')
    const req = request()
    const err = await gen.generate(req, ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyExecutionError)
    const e = err as ComfyExecutionError
    expect(e.nodeId).toBe('3')
    expect(e.nodeType).toBe('KSampler')
    expect(e.exceptionMessage).toBe('CUDA out of memory. Tried to allocate 2.00 GiB')
    expect(e.message).toContain('node 3 (KSampler) failed')
    expect(e.message).toContain('torch.OutOfMemoryError: CUDA out of memory')
    expect(existsSync(req.out.video)).toBe(false)
  })

  it('gives up on a hanging prompt at the shot\'s time limit: interrupts it (it is running)', async () => {
    const s = await server({ fault: { kind: 'hang' } })
    const { gen } = generator(s, 'txt2img-batch', { timeoutMs: 1500 })
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyTimeoutError)
    expect((err as Error).message).toContain('did not finish workflow "txt2img-batch" within 2 s')
    const id = s.prompts[0].promptId
    expect(s.interrupts).toEqual([{ prompt_id: id }])
    expect(s.queueDeletes).toEqual([]) // it was running: nothing to delete
  })

  it('cancels mid-run on abort: /interrupt for its prompt, then rejects with the abort reason', async () => {
    const s = await server({ steps: 40, stepMs: 50 })
    const { gen } = generator(s, 'txt2img-batch')
    const ac = new AbortController()
    const reason = new Error('user pressed Ctrl-C')
    const run = gen.generate(request(), ctx(ac.signal, (p) => {
      if (p > 0.1 && !ac.signal.aborted) ac.abort(reason)
    }))
    await expect(run).rejects.toBe(reason)
    expect(s.interrupts).toEqual([{ prompt_id: s.prompts[0].promptId }])
    expect(s.queueDeletes).toEqual([])
  })

  it('times out a request that gets no answer, retrying reads before giving up', async () => {
    const s = await server({ fault: { kind: 'stall-object-info' } })
    const { gen, logs } = generator(s, 'txt2img-batch', { requestTimeoutMs: 300, retries: 1 })
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyTimeoutError)
    expect((err as Error).message).toBe(`GET /object_info got no answer within 300 ms from ${s.url}`)
    expect(s.requests.filter((r) => r.path === '/object_info')).toHaveLength(2)
    expect(logs.some((l) => l.includes('retry 1 of 1'))).toBe(true)
    expect(s.prompts).toHaveLength(0)
  })

  it('retries POST /prompt after 500s and then succeeds', async () => {
    const s = await server({ fault: { kind: 'http-500', times: 2 } })
    const { gen, logs } = generator(s, 'txt2img-batch')
    const req = request({ frames: 6 })
    await gen.generate(req, ctx())
    expect(s.requests.filter((r) => r.method === 'POST' && r.path === '/prompt')).toHaveLength(3)
    expect(logs.filter((l) => l.includes('POST /prompt answered 500') && l.includes('retry'))).toHaveLength(2)
    expect(s.prompts).toHaveLength(1)
    expect((await probeMedia(req.out.video, { countFrames: true })).video?.frames).toBe(6)
  })

  it('completes by polling /history when the websocket drops mid-run', async () => {
    const s = await server({ fault: { kind: 'ws-close' }, steps: 6, stepMs: 30 })
    const { gen, logs } = generator(s, 'txt2img-batch')
    const req = request({ frames: 8 })
    await gen.generate(req, ctx())
    expect(logs.some((l) => l.includes('websocket closed') && l.includes('polling /history'))).toBe(true)
    expect(s.requests.filter((r) => r.path.startsWith('/history/')).length).toBeGreaterThanOrEqual(2)
    const colours = await frameColours(req.out.video)
    expect(colours.map(serverIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('follows the prompt by polling /history when the websocket cannot be opened', async () => {
    const s = await server({ noWebsocket: true })
    const { gen, logs } = generator(s, 'txt2img-batch')
    const req = request({ frames: 4 })
    await gen.generate(req, ctx())
    expect(s.socketsOpened).toBe(0)
    expect(logs.some((l) => l.includes('websocket') && l.includes('polling /history'))).toBe(true)
    expect((await frameColours(req.out.video)).map(serverIndex)).toEqual([0, 1, 2, 3])
  })

  it('holds the last frame when the server makes too few, trims when it makes too many, and says so', async () => {
    const short = await server({ frameCount: (n) => n - 5 })
    const a = generator(short, 'txt2img-batch')
    const req = request({ frames: 12 })
    await a.gen.generate(req, ctx())
    expect((await frameColours(req.out.video)).map(serverIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6])
    expect(a.logs).toContain('shot 3: the server made 7 frames (asked for 12); made 7 frames at 24 fps (0.292 s) for a shot of 12 at 24 fps (0.500 s): short by 0.208 s, last frame held')

    const long = await server({ frameCount: (n) => n + 4 })
    const b = generator(long, 'txt2img-batch')
    const req2 = request({ frames: 10 })
    await b.gen.generate(req2, ctx())
    expect((await frameColours(req2.out.video)).map(serverIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(b.logs).toContain('shot 3: the server made 14 frames (asked for 10); made 14 frames at 24 fps (0.583 s) for a shot of 10 at 24 fps (0.417 s): cut 0.167 s at the end (a speed-up of 40.0 % would be over 4 %)')
  })

  it('takes a video file output (VHS_VideoCombine "gifs") as the shot', async () => {
    const dir = path.join(tmp, 'custom-models')
    mkdirSync(path.join(dir, 'comfyui'), { recursive: true })
    const wf = JSON.parse(readFileSync(path.join(MODELS_DIR, 'comfyui', 'txt2img-batch.json'), 'utf8')) as ApiWorkflow
    wf['9'] = { class_type: 'VHS_VideoCombine', inputs: { images: ['8', 0], frame_rate: 8, loop_count: 0, filename_prefix: '{{filename_prefix}}', format: 'video/h264-mp4', pingpong: false, save_output: true } }
    writeFileSync(path.join(dir, 'comfyui', 'vhs.json'), JSON.stringify(wf))
    const meta = JSON.parse(readFileSync(path.join(MODELS_DIR, 'comfyui', 'txt2img-batch.meta.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(path.join(dir, 'comfyui', 'vhs.meta.json'), JSON.stringify({ ...meta, produces: 'video', nodePacks: { VHS_VideoCombine: 'ComfyUI-VideoHelperSuite' } }))
    const s = await server({ nodes: [...CORE_NODES, 'VHS_VideoCombine'] })
    const { gen } = generator(s, 'vhs', { modelsDir: dir })
    const req = request({ frames: 10 })
    await gen.generate(req, ctx())
    expect((await frameColours(req.out.video)).map(serverIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(s.requests.some((r) => r.path.startsWith('/view?') && r.path.includes('.mp4'))).toBe(true)
  })

  it('says clearly when the server answers garbage, and when there is no server', async () => {
    const s = await server({ fault: { kind: 'garbage', endpoint: 'prompt' } })
    const { gen } = generator(s, 'txt2img-batch')
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyProtocolError)
    expect((err as Error).message).toContain('POST /prompt')
    expect((err as Error).message).toContain('did not answer JSON')

    s.setFault({ kind: 'garbage', endpoint: 'history' })
    const err2 = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err2).toBeInstanceOf(ComfyProtocolError)
    expect((err2 as Error).message).toContain('GET /history')

    const closed = await server()
    const url = closed.url
    await closed.close()
    servers.splice(servers.indexOf(closed), 1)
    const dead = createComfyGenerator({ url, workflow: 'txt2img-batch', modelsDir: MODELS_DIR, retries: 1, retryDelayMs: 10 })
    const err3 = await dead.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err3).toBeInstanceOf(ComfyConnectionError)
    expect((err3 as Error).message).toContain(`cannot reach the ComfyUI server at ${url}`)
  })

  it('refuses a URL that is not http(s) when the generator is created', () => {
    for (const url of ['ftp://host:8188', 'not a url', 'http://user:secret@host:8188']) {
      const e = (() => {
        try {
          createComfyGenerator({ url, workflow: 'txt2img-batch', modelsDir: MODELS_DIR })
        } catch (err) {
          return err
        }
      })()
      expect(e, url).toBeInstanceOf(ComfyError)
      expect((e as ComfyError).code).toBe('BAD_URL')
    }
  })
})

describe('ComfyUI generator against the real server\'s behaviour (server.py / execution.py, December 2024 and v0.3.64)', () => {
  /** Waits for a condition the server reaches on its own time. */
  async function until(cond: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms
    while (!cond()) {
      if (Date.now() > end) throw new Error('condition not reached in time')
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  it.each(['2024-12', '0.3.64'] as const)('a shot whose time limit passes while it is still queued is deleted from the queue and does not stop the shot running before it (%s server)', async (version) => {
    const s = await server({ version, steps: 20, stepMs: 40 })
    const { gen } = generator(s, 'txt2img-batch')
    const { gen: hurried, logs } = generator(s, 'txt2img-batch', { timeoutMs: 500 })
    const firstReq = request()
    const first = gen.generate(firstReq, ctx())
    await until(() => s.started.length === 1)
    const err = await hurried.generate(request({ shot: { index: 4, seed: 99 } }), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyTimeoutError)
    const seg = await first // the running shot is not interrupted
    expect(seg.frames).toBe(12)
    expect(existsSync(firstReq.out.video)).toBe(true)
    const [a, b] = s.prompts.map((p) => p.promptId)
    expect(s.queueDeletes).toEqual([[b]])
    expect(s.interrupts).toEqual([])
    await new Promise((r) => setTimeout(r, 100))
    expect(s.started).toEqual([a]) // the deleted one never ran
    expect(logs.some((l) => l.includes(`removed prompt ${b} from the server's queue`))).toBe(true)
  })

  it('interrupts its own prompt, naming it, only while GET /queue shows it running (2024-12 server)', async () => {
    const s = await server({ version: '2024-12', fault: { kind: 'hang' } })
    const { gen } = generator(s, 'txt2img-batch', { timeoutMs: 800 })
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyTimeoutError)
    expect(s.interrupts).toEqual([{ prompt_id: s.prompts[0].promptId }])
    expect(s.queueDeletes).toEqual([])
    const queueReads = s.requests.filter((r) => r.method === 'GET' && r.path === '/queue').length
    expect(queueReads).toBeGreaterThanOrEqual(1)
  })

  it('waits for a server that restarts mid-render (connections refused for 2.5 s), then queues the shot again and finishes it with exact frames', async () => {
    const s = await server({ steps: 10, stepMs: 40 })
    const { gen, logs } = generator(s, 'txt2img-batch', { restartWaitMs: 10_000 })
    let restarting: Promise<void> | undefined
    const req = request()
    const seg = await gen.generate(req, ctx(undefined, (p) => {
      if (p > 0.2 && !restarting) restarting = s.restart(2500)
    }))
    await restarting
    expect(seg.frames).toBe(12)
    expect(s.prompts).toHaveLength(2)
    expect(s.started).toEqual(s.prompts.map((p) => p.promptId))
    const colours = await frameColours(req.out.video)
    expect(colours).toHaveLength(12)
    colours.forEach((c, i) => expect(near(c, frameColour(1234, i))).toBe(true))
    expect(logs.some((l) => l.includes('waiting up to 10 s for the server to come back'))).toBe(true)
    expect(logs.some((l) => l.includes('queueing the workflow again (1 of 2)'))).toBe(true)
  })

  it('gives up on a server that stays away longer than restartWaitMs, saying how long it waited', async () => {
    const s = await server({ steps: 10, stepMs: 40 })
    const { gen } = generator(s, 'txt2img-batch', { restartWaitMs: 1000 })
    let restarting: Promise<void> | undefined
    const err = await gen.generate(request(), ctx(undefined, (p) => {
      if (p > 0.2 && !restarting) restarting = s.restart(4000)
    })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyConnectionError)
    expect((err as Error).message).toContain('went away mid-prompt and did not come back within 1 s')
    await restarting
  })

  it('queues a prompt lost in a quick restart again instead of waiting for the time limit (/history answers {} for it, GET /queue has it nowhere)', async () => {
    const s = await server({ steps: 10, stepMs: 40 })
    const { gen, logs } = generator(s, 'txt2img-batch', { timeoutMs: 8000 })
    let restarting: Promise<void> | undefined
    const started = Date.now()
    const seg = await gen.generate(request(), ctx(undefined, (p) => {
      if (p > 0.2 && !restarting) restarting = s.restart(0)
    }))
    await restarting
    expect(seg.frames).toBe(12)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(s.prompts).toHaveLength(2)
    expect(logs.some((l) => l.includes(`no longer has prompt ${s.prompts[0].promptId}`))).toBe(true)
  })

  it('stops queueing again after `resubmits` losses with a ComfyPromptLostError', async () => {
    const s = await server({ steps: 10, stepMs: 40 })
    const { gen } = generator(s, 'txt2img-batch', { resubmits: 1, timeoutMs: 8000 })
    // Restart the server each time a prompt starts running.
    let stop = false
    let restarts = 0
    const restarter = (async () => {
      while (!stop) {
        if (s.started.length > restarts) {
          restarts++
          await new Promise((r) => setTimeout(r, 60))
          await s.restart(0)
        }
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
    stop = true
    await restarter
    expect(err).toBeInstanceOf(ComfyPromptLostError)
    expect((err as ComfyPromptLostError).code).toBe('PROMPT_LOST')
    expect((err as Error).message).toContain('queued 2 times and lost each time')
    expect(s.prompts).toHaveLength(2)
  })

  it('takes the history entry arriving after execution_success in its stride: no "no entry yet" line', async () => {
    const s = await server({ historyLagMs: 400 })
    const { gen, logs } = generator(s, 'txt2img-batch')
    const seg = await gen.generate(request(), ctx())
    expect(seg.frames).toBe(12)
    expect(logs.filter((l) => /no entry yet/.test(l))).toEqual([])
    // Polled quietly with a short backoff, not hammered.
    expect(s.requests.filter((r) => r.path.startsWith('/history/')).length).toBeLessThan(15)
  })

  it('says to update ComfyUI, not to install a node pack, when core nodes are missing (Wan 2.2 S2V on a December 2024 server)', async () => {
    const s = await server({ version: '2024-12', nodes: [...CORE_NODES, 'ModelSamplingSD3'] })
    const { gen } = generator(s, 'wan22-s2v')
    const err = await gen.generate(request({ shot: { continuesPrevious: true }, initKeyframe: initPng }), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyMissingNodeError)
    const e = err as ComfyMissingNodeError
    expect(e.missing).toEqual(['AudioEncoderEncode', 'AudioEncoderLoader', 'WanSoundImageToVideo'])
    expect(e.core).toEqual(e.missing)
    expect(e.message).toContain('ship with ComfyUI itself')
    expect(e.message).toContain('update ComfyUI')
    expect(e.message).not.toMatch(/custom node/i)

    // The same from a /prompt refusal in that server's words (a proxy that hides /object_info, a race with an update).
    const body = JSON.stringify({ error: { type: 'invalid_prompt', message: 'Cannot execute because node WanSoundImageToVideo does not exist.', details: "Node ID '#12'", extra_info: {} }, node_errors: [] })
    const r = promptRejectionError(new ComfyHttpError('400', 400, 'POST /prompt', body), s.url, 'wan22-s2v')
    expect(r).toBeInstanceOf(ComfyPromptError)
    expect(r.message).toContain('update ComfyUI')
    expect(r.message).not.toMatch(/custom node/i)
    // A custom node beside a core one: each gets its own fix.
    const both = missingNodeError(s.url, 'mine', ['VHS_VideoCombine', 'WanSoundImageToVideo'], { VHS_VideoCombine: 'ComfyUI-VideoHelperSuite' })
    expect(both.message).toContain('WanSoundImageToVideo ships with ComfyUI itself')
    expect(both.message).toContain('for VHS_VideoCombine, install ComfyUI-VideoHelperSuite')
  })

  it('reads the missing-node refusal of both versions from the loopback server (invalid_prompt; node_errors [] in 2024, {} in 0.3.64)', async () => {
    for (const version of ['2024-12', '0.3.64'] as const) {
      const s = await server({ version, fault: { kind: 'reject-prompt', style: 'missing-node', classType: 'KSampler' } })
      const { gen } = generator(s, 'txt2img-batch')
      const err = await gen.generate(request(), ctx()).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ComfyPromptError)
      expect((err as ComfyPromptError).errorType).toBe('invalid_prompt')
      expect((err as ComfyPromptError).missingNodes).toEqual(['KSampler'])
      expect((err as Error).message).toContain('update ComfyUI')
    }
  })
})

describe('ComfyUI workflow templates', () => {
  const wf: ApiWorkflow = {
    '1': { class_type: 'CLIPTextEncode', inputs: { text: '{{prompt}}', clip: ['4', 1] } },
    '2': { class_type: 'KSampler', inputs: { seed: '{{seed}}', denoise: '{{ denoise }}', steps: 20, cfg: 7 } },
    '3': { class_type: 'LoadImage', inputs: { image: '{{reference_image_0}}' } },
  }

  it('substitutes numbers as numbers and text as data, whatever the text holds', () => {
    const text = 'she said "run"\nand {{seed}} is not a placeholder here }, "x": 1'
    const out = fillTemplate(wf, { prompt: text, seed: 42, reference_image_0: 'longav-ab.png' }, { denoise: 0.4 })
    expect(out['1'].inputs.text).toBe(text)
    expect(out['2'].inputs).toEqual({ seed: 42, denoise: 0.4, steps: 20, cfg: 7 })
    expect(out['3'].inputs.image).toBe('longav-ab.png')
    expect(out['1'].inputs.clip).toEqual(['4', 1])
    // It survives the trip through JSON unchanged, and the template is untouched.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out)
    expect(wf['2'].inputs.seed).toBe('{{seed}}')
  })

  it('rejects unknown placeholders, missing values, wrong types and placeholders inside other text', () => {
    expect(() => fillTemplate({ '1': { class_type: 'X', inputs: { a: '{{colour}}' } } }, {})).toThrow(/unknown placeholder \{\{colour\}\}/)
    expect(() => fillTemplate(wf, { prompt: 'p', reference_image_0: 'a.png' })).toThrow(/no value for \{\{seed\}\}/)
    expect(() => fillTemplate(wf, { prompt: 'p', seed: '42', denoise: 0.5, reference_image_0: 'a.png' })).toThrow(/\{\{seed\}\} must be a number/)
    expect(() => fillTemplate({ '1': { class_type: 'X', inputs: { a: 'a cat, {{prompt}}' } } }, { prompt: 'p' })).toThrow(ComfyTemplateError)
  })

  it('checks a template against its meta and refuses the UI format', () => {
    const dir = path.join(tmp, 'bad-templates')
    mkdirSync(dir, { recursive: true })
    const base = JSON.parse(readFileSync(path.join(MODELS_DIR, 'comfyui', 'txt2img-batch.meta.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(path.join(dir, 'a.json'), readFileSync(path.join(MODELS_DIR, 'comfyui', 'txt2img-batch.json')))
    writeFileSync(path.join(dir, 'a.meta.json'), JSON.stringify({ ...base, placeholders: ['prompt', 'seed'] }))
    expect(() => loadTemplate(dir, 'a')).toThrow(/"placeholders" does not match the workflow: the workflow uses filename_prefix, frames, height, negative_prompt, width too/)
    writeFileSync(path.join(dir, 'a.meta.json'), JSON.stringify({ ...base, accepts: { initImage: true, referenceImages: 0, audio: false } }))
    expect(() => loadTemplate(dir, 'a')).toThrow(/accepts.initImage is true but \{\{init_image\}\} is not used/)
    writeFileSync(path.join(dir, 'a.meta.json'), JSON.stringify({ ...base, outputNode: '99' }))
    expect(() => loadTemplate(dir, 'a')).toThrow(/outputNode "99" is not a node/)
    writeFileSync(path.join(dir, 'ui.json'), JSON.stringify({ nodes: [], links: [], version: 0.4 }))
    writeFileSync(path.join(dir, 'ui.meta.json'), JSON.stringify(base))
    expect(() => loadTemplate(dir, 'ui')).toThrow(/UI-format workflow.*Save \(API\)/)
    expect(() => loadTemplate(dir, 'nope')).toThrow(/workflow "nope" not found/)
  })

  it('ships templates that load, and picks a video model that continues shots by default', () => {
    const dir = path.join(MODELS_DIR, 'comfyui')
    const names = listTemplates(dir)
    expect(names).toEqual(['animatediff-txt2vid', 'img2img-batch', 'ltx2-a2v', 'ltx2-flf', 'ltx2-i2v', 'svd-img2vid', 'txt2img-batch', 'wan-vace-ref', 'wan22-5b-i2v', 'wan22-5b-t2v', 'wan22-flf', 'wan22-s2v'])
    const templates = names.map((n) => loadTemplate(dir, n))
    expect(chooseWorkflow(templates)?.name).toBe('svd-img2vid')
    expect(createComfyGenerator({ url: 'http://127.0.0.1:8188', modelsDir: MODELS_DIR }).id).toBe('comfyui:svd-img2vid')
    for (const t of templates) if (t.meta.initFrom) expect(names).toContain(t.meta.initFrom)
  })

  it('asks for frame counts and sizes the model accepts', () => {
    const wan = { maxFrames: 77, frameStep: 4, frameOffset: 1 }
    expect([1, 2, 5, 6, 16, 17, 77, 78, 200].map((f) => workflowFrames(f, wan))).toEqual([1, 5, 5, 9, 17, 17, 77, 77, 77])
    expect([1, 16, 20].map((f) => workflowFrames(f, { maxFrames: 16, frameStep: 1, frameOffset: 0 }))).toEqual([1, 16, 16])
    // 1 s at 30 fps on a 16 fps model: 16 → 17 (4k + 1); 10 frames at 24 fps on 8 fps: ceil(3.33) = 4.
    expect(framesToRequest(30, 30, { ...wan, nativeFps: 16 })).toBe(17)
    expect(framesToRequest(10, 24, { maxFrames: 25, frameStep: 1, frameOffset: 0, nativeFps: 8 })).toBe(4)
    expect(workflowSize(1280, 720, { sizeMultiple: 8, maxPixels: 512 * 512 })).toEqual({ width: 680, height: 384 })
    expect(workflowSize(1920, 1080, { sizeMultiple: 64, maxPixels: 1024 * 576 })).toEqual({ width: 1024, height: 576 })
    expect(workflowSize(96, 64, { sizeMultiple: 8 })).toEqual({ width: 96, height: 64 })
    const s = workflowSize(1080, 1920, { sizeMultiple: 16, maxPixels: 399360 })
    expect(s.width % 16 + (s.height % 16)).toBe(0)
    expect(s.width * s.height).toBeLessThanOrEqual(399360)
  })
})

describe('ComfyUI progress tracking', () => {
  it('follows its own prompt through the messages and ignores other prompts', () => {
    const st = initialRunState('p1', 4)
    applyMessage(st, 'status', { status: { exec_info: { queue_remaining: 1 } } })
    applyMessage(st, 'execution_start', { prompt_id: 'p1' })
    applyMessage(st, 'execution_cached', { nodes: ['1'], prompt_id: 'p1' })
    applyMessage(st, 'executing', { node: '2', prompt_id: 'p1' })
    expect(runFraction(st)).toBe(0)
    applyMessage(st, 'progress', { value: 5, max: 10, prompt_id: 'p1', node: '2' })
    expect(runFraction(st)).toBeCloseTo(0.5 / 3)
    applyMessage(st, 'progress', { value: 10, max: 10, prompt_id: 'other', node: '9' })
    applyMessage(st, 'executing', { node: null, prompt_id: 'other' })
    applyMessage(st, 'execution_error', { prompt_id: 'other', node_id: '9', node_type: 'X', exception_message: 'not ours' })
    expect(st.status).toBe('running')
    expect(runFraction(st)).toBeCloseTo(0.5 / 3)
    applyMessage(st, 'executing', { node: '3', prompt_id: 'p1' })
    applyMessage(st, 'executed', { node: '3', output: { images: [{ filename: 'a.png', subfolder: '', type: 'output' }] }, prompt_id: 'p1' })
    expect(runFraction(st)).toBeCloseTo(2 / 3)
    applyMessage(st, 'execution_success', { prompt_id: 'p1' })
    applyMessage(st, 'executing', { node: null, prompt_id: 'p1' })
    expect(st.status).toBe('done')
    expect(runFraction(st)).toBe(1)
    expect(st.outputs['3'].images?.[0].filename).toBe('a.png')
  })
})

describe('imagesToVideo', () => {
  it('refuses animated WebP (ffmpeg 5 cannot decode it) with a clear message', async () => {
    const webp = path.join(tmp, 'anim.webp')
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=32x32:r=4:d=1', '-loop', '0', webp])
    await expect(imagesToVideo({ inputs: [webp], out: path.join(tmp, 'anim.mp4'), width: 32, height: 32, fps: 8, frames: 4 })).rejects.toThrow(/animated WebP/)
  })
})
