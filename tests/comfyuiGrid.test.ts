/**
 * Shots on the model's frame grid, the film on the song's: exact frame counts from 8k + 1 / 4k + 1
 * models at rates that do not divide, chained runs for long takes (joins checked with the flow and
 * cut metrics), singing shots sent to the audio workflow with the vocal stream.
 */
import { createCanvas } from '@napi-rs/canvas'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrames, probeMedia, runFfmpeg } from '../src/ffmpeg/index.js'
import { meanFlowVector, denseFlow } from '../src/metrics/flow.js'
import { detectShotBoundaries } from '../src/metrics/shotBoundaries.js'
import {
  chainedFrames,
  conformFrames,
  createComfyGenerator,
  framesToRequest,
  loadTemplate,
  onGrid,
  planRuns,
  type ComfyGeneratorOptions,
} from '../src/render/generators/comfyui/index.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { FrameControl, Shot } from '../src/schemas/index.js'
import { CORE_NODES, startComfyServer, type ComfyServer, type ComfyServerOptions } from './helpers/comfyServer.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-comfygrid-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const MODELS_DIR = path.join(process.cwd(), 'models')
const FIXTURE = JSON.parse(readFileSync(path.join(process.cwd(), 'tests', 'fixtures', 'comfyui', 'object_info.json'), 'utf8')) as { object_info: Record<string, unknown>; models: Record<string, string[]> }
// The loopback server has every node class the templates use, and the model files the README lists.
const NODES = [...new Set([...CORE_NODES, ...Object.keys(FIXTURE.object_info)])]
const MODEL_FILES: ComfyServerOptions['models'] = {
  ckpt_name: FIXTURE.models.checkpoints,
  unet_name: FIXTURE.models.diffusion_models,
  clip_name: FIXTURE.models.text_encoders,
  text_encoder: FIXTURE.models.text_encoders,
  vae_name: FIXTURE.models.vae,
}
const LTX = loadTemplate(path.join(MODELS_DIR, 'comfyui'), 'ltx2-i2v').meta

describe('the frame grid, pure', () => {
  it('8k + 1 at 24 fps into a 30 fps shot of 37 frames: 33 made, exactly 37 out, the excess cut at the end', () => {
    // 37 frames at 30 fps = 1.233 s = 29.6 frames at 24 fps: the next 8k + 1 is 33 (1.375 s).
    expect(framesToRequest(37, 30, LTX)).toBe(33)
    const c = conformFrames(37, 30, 33, 24)
    expect(c.sourceIndex).toHaveLength(37)
    expect(c.mode).toBe('trim') // a speed-up of 11.5 % is over the 4 % limit
    expect(c.speed).toBe(1)
    expect(c.sourceIndex).toEqual(Array.from({ length: 37 }, (_, i) => Math.round((i * 24) / 30)))
    expect(c.cutSec).toBeCloseTo(33 / 24 - 37 / 30, 9)
  })

  it('retimes within 4 % (never for an audio-driven clip), holds a short clip', () => {
    // 40 frames at 30 fps = 32 at 24; 33 is 3.1 % longer: played that much faster, the last frame lands on the clip's end.
    const r = conformFrames(40, 30, 33, 24)
    expect(r.mode).toBe('retime')
    expect(r.speed).toBeCloseTo(33 / 32, 9)
    expect(r.sourceIndex[39]).toBe(32)
    expect(conformFrames(40, 30, 33, 24, false).mode).toBe('trim')
    const h = conformFrames(10, 24, 7, 24)
    expect(h.mode).toBe('hold')
    expect(h.sourceIndex).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 6, 6])
    // Over a song nothing drifts: every shot is exactly its frames whatever the grid.
    for (const frames of [1, 7, 13, 37, 61, 97, 100]) for (const fps of [24, 25, 30]) {
      const made = framesToRequest(frames, fps, LTX)
      expect(onGrid(made, LTX)).toBe(true)
      expect(conformFrames(frames, fps, made, 24).sourceIndex).toHaveLength(frames)
    }
  })

  it('plans long takes as chained runs on the grid within the longest run', () => {
    for (const needed of [242, 500, 1000]) {
      const runs = planRuns(needed, LTX)
      expect(runs.length).toBeGreaterThan(1)
      for (const r of runs) {
        expect(onGrid(r, LTX)).toBe(true)
        expect(r).toBeLessThanOrEqual(LTX.maxFrames)
      }
      expect(chainedFrames(runs)).toBeGreaterThanOrEqual(needed)
      expect(chainedFrames(runs) - needed).toBeLessThan(runs.length * LTX.frameStep + 1)
    }
    expect(planRuns(500, LTX)).toEqual([169, 169, 169])
    expect(planRuns(200, LTX)).toEqual([201])
  })
})

// ---- against the loopback server ------------------------------------------------------------

const W = 96
const H = 64
let song = ''
let vocals = ''
let texture = ''
beforeAll(async () => {
  song = path.join(tmp, 'song.wav')
  vocals = path.join(tmp, 'vocals.wav')
  // The mix: a steady low tone. The vocal stream: a 440 Hz tone whose level rises 0.1 per second,
  // so an uploaded span says where in the song it starts and how long it is.
  await runFfmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*110*t):s=44100:d=8', '-ac', '1', song])
  await runFfmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.1*t*sin(2*PI*440*t):s=44100:d=8', '-ac', '1', vocals])
  // A textured init frame for the "model" that continues its init frame (blobs the flow can follow).
  texture = path.join(tmp, 'texture.png')
  const c = createCanvas(W, H)
  const g = c.getContext('2d')
  g.fillStyle = '#203040'
  g.fillRect(0, 0, W, H)
  let s = 7
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let k = 0; k < 40; k++) {
    g.fillStyle = `rgb(${Math.floor(60 + 190 * rnd())},${Math.floor(60 + 190 * rnd())},${Math.floor(60 + 190 * rnd())})`
    g.beginPath()
    g.arc(rnd() * W, rnd() * H, 3 + 6 * rnd(), 0, Math.PI * 2)
    g.fill()
  }
  writeFileSync(texture, c.encodeSync('png'))
})

const servers: ComfyServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
async function server(opts: ComfyServerOptions = {}): Promise<ComfyServer> {
  const s = await startComfyServer({ nodes: NODES, models: MODEL_FILES, steps: 1, stepMs: 1, ...opts })
  servers.push(s)
  return s
}
function generator(s: ComfyServer, over: Partial<ComfyGeneratorOptions>) {
  const logs: string[] = []
  const gen = createComfyGenerator({ url: s.url, modelsDir: MODELS_DIR, retries: 1, retryDelayMs: 20, pollIntervalMs: 40, requestTimeoutMs: 5000, onLog: (l) => logs.push(l), ...over })
  return { gen, logs }
}
const ctx = () => ({ signal: new AbortController().signal, onProgress: () => {} })

let counter = 0
function request(frames: number, fps: number, over: { startSec?: number; vocal?: number; vocals?: boolean; shot?: Partial<Shot> } = {}): SegmentRequest {
  const startFrame = Math.round((over.startSec ?? 2) * fps)
  const dir = path.join(tmp, `seg-${counter++}`)
  mkdirSync(dir, { recursive: true })
  const controls: FrameControl[] = Array.from({ length: frames }, (_, i) => ({
    frame: startFrame + i, loudness: 0.5, hit: 0, hue: 200, brightness: 0.5, harmonic: 0.5, vocal: over.vocal ?? 0,
    sectionIndex: 0, beatPhase: 0, barPhase: 0, onBeat: false, onDownbeat: false,
  }))
  const shot: Shot = {
    index: 5, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'beat', locationId: 'roof', characterIds: ['mara'],
    camera: 'static', framing: 'close', prompt: 'Mara sings on the rooftop', seed: 77, continuesPrevious: true, motionGain: 0.5, captions: [], ...over.shot,
  }
  return {
    shot, fps, width: W, height: H, frames, attempt: 0,
    style: { look: 'neon', palette: ['#ff6b6b'], grain: 0, vignette: 0, captionFont: 'DejaVu Sans' },
    location: { kind: 'location', id: 'roof', name: 'Roof', description: 'a roof', seed: 1, palette: ['#222222'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.5 } },
    characters: [], controls,
    audio: { path: song, startSec: startFrame / fps, endSec: (startFrame + frames) / fps, ...(over.vocals ? { vocalsPath: vocals } : {}) },
    initKeyframe: texture, referenceKeyframes: {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
  }
}

const meanAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}

/** The loopback "model"'s frame k (motion dx 1): the texture moved k pixels left, as grey. */
async function movedTexture(k: number): Promise<Float64Array> {
  const { loadImage } = await import('@napi-rs/canvas')
  const img = await loadImage(texture)
  const c = createCanvas(W, H)
  const g = c.getContext('2d')
  g.drawImage(img, -(k % W), 0, W, H)
  g.drawImage(img, -(k % W) + W, 0, W, H)
  const rgba = g.getImageData(0, 0, W, H).data
  return Float64Array.from({ length: W * H }, (_, i) => 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2])
}

/**
 * A join (b → c) with no jump in flow or colour: the motion from b to c is the motion from a to b
 * (mean flow within 0.5 px), and the picture changes about as much (frame difference within 25 %).
 */
function smoothJoin(a: Uint8Array, b: Uint8Array, c: Uint8Array): boolean {
  const before = meanFlowVector(denseFlow(a, b, W, H), 8)
  const across = meanFlowVector(denseFlow(b, c, W, H), 8)
  const flowJump = Math.hypot(across.u - before.u, across.v - before.v)
  const ratio = meanAbsDiff(b, c) / Math.max(1e-6, meanAbsDiff(a, b))
  return flowJump < 0.5 && ratio > 0.8 && ratio < 1.25
}

async function greyFrames(video: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  await decodeFrames(video, { width: W, height: H, format: 'gray' }, (f) => out.push(Uint8Array.from(f)))
  return out
}

describe('LTX-2 templates through the loopback ComfyUI', () => {
  it('a 30 fps shot of 37 frames from 8k + 1 at 24 fps: 33 asked, exactly 37 in the segment, the timing in the log', async () => {
    const s = await server({ motion: { dx: 1 } })
    const { gen, logs } = generator(s, { workflow: 'ltx2-i2v' })
    const req = request(37, 30)
    await gen.generate(req, ctx())
    const p = s.prompts[0].prompt
    expect(p['8'].inputs.length).toBe(33)
    expect(p['11'].inputs.frames_number).toBe(33)
    expect(p['5'].inputs.frame_rate).toBe(24)
    expect((await probeMedia(req.out.video, { countFrames: true })).video?.frames).toBe(37)
    expect(logs).toContain('shot 5: made 33 frames at 24 fps (1.375 s) for a shot of 37 at 30 fps (1.233 s): cut 0.142 s at the end (a speed-up of 11.5 % would be over 4 %)')
    // Output frame i shows model frame round(i × 24 / 30) (real time, the spare 4 frames cut):
    // each output frame is nearest to the model frame drawn with the texture moved k pixels.
    const frames = await greyFrames(req.out.video)
    const model = await Promise.all(Array.from({ length: 33 }, (_, k) => movedTexture(k)))
    const nearest = frames.map((f) => model.map((m) => meanAbsDiff(f, m)).reduce((best, d, k, all) => (d < all[best] ? k : best), 0))
    expect(nearest).toEqual(Array.from({ length: 37 }, (_, i) => Math.round((i * 24) / 30)))
  })

  it('a long take of three chained runs: each from the last frame of the one before, no join the metrics call a cut', async () => {
    // A model whose longest run is 17 frames, so a 45-frame take needs three runs.
    const dir = path.join(tmp, 'short-runs')
    mkdirSync(path.join(dir, 'comfyui'), { recursive: true })
    for (const f of ['ltx2-i2v.json', 'txt2img-batch.json', 'txt2img-batch.meta.json']) writeFileSync(path.join(dir, 'comfyui', f), readFileSync(path.join(MODELS_DIR, 'comfyui', f)))
    const meta = JSON.parse(readFileSync(path.join(MODELS_DIR, 'comfyui', 'ltx2-i2v.meta.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(path.join(dir, 'comfyui', 'ltx2-i2v.meta.json'), JSON.stringify({ ...meta, maxFrames: 17 }))
    const s = await server({ motion: { dx: 2 } })
    const { gen, logs } = generator(s, { workflow: 'ltx2-i2v', modelsDir: dir, maxRuns: 3, fps: 24 })
    expect(gen.capabilities.maxFrames).toBe(49)
    const req = request(45, 24)
    await gen.generate(req, ctx())
    expect(s.prompts.map((q) => q.prompt['8'].inputs.length)).toEqual([17, 17, 17])
    // Run 2 and 3 start on the previous run's last frame (uploaded), not on the shot's init frame.
    const inits = s.prompts.map((q) => q.prompt['6'].inputs.image)
    expect(new Set(inits).size).toBe(3)
    expect(logs).toContain('shot 5: a long take in 3 chained runs of 17 + 17 + 17 frames (each from the last frame of the one before)')
    if (process.env.LONGAV_VIEW_CHAIN) copyFileSync(req.out.video, process.env.LONGAV_VIEW_CHAIN) // to look at the joins
    const frames = await greyFrames(req.out.video)
    expect(frames).toHaveLength(45)
    // Motion between consecutive frames: the same 2 px pan across the joins (16|17 and 32|33) as within the runs.
    const steps = frames.slice(1).map((f, i) => meanFlowVector(denseFlow(frames[i], f, W, H), 8).u)
    for (const join of [16, 32]) {
      expect(Math.abs(steps[join] - steps[join - 2])).toBeLessThan(0.5)
      expect(smoothJoin(frames[join - 1], frames[join], frames[join + 1])).toBe(true)
    }
    expect(await detectShotBoundaries(req.out.video)).toEqual([])

    // The same check does see a join that restarts from the shot's first frame (runs not chained).
    expect(smoothJoin(frames[14], frames[15], frames[16])).toBe(true)
    expect(smoothJoin(frames[14], frames[15], frames[0])).toBe(false)
  })
})

describe('singing shots', () => {
  it('go to the audio workflow with the vocal stream of their span; other shots to the main workflow', async () => {
    const s = await server()
    const { gen, logs } = generator(s, { workflow: 'ltx2-i2v', singingWorkflow: 'ltx2-a2v', fps: 30 })
    expect(gen.id).toBe('comfyui:ltx2-i2v+sing:ltx2-a2v')
    expect(gen.capabilities.audioConditioned).toBe(true)

    const sung = request(37, 30, { startSec: 2, vocal: 0.9, vocals: true })
    const seg = await gen.generate(sung, ctx())
    expect(Object.values(s.prompts[0].prompt).some((n) => n.class_type === 'LTXVAudioVAEEncode')).toBe(true)
    expect(seg.generator).toBe('comfyui:ltx2-a2v (lip-synced to the vocal stream)')
    expect(logs).toContain('shot 5: lip-synced with workflow "ltx2-a2v" to the vocal stream, 2.00-3.23 s')
    const wav = s.uploads.find((u) => u.name.endsWith('.wav'))!
    expect(s.prompts[0].prompt['11'].inputs.audio).toBe(wav.name)
    // The vocal stream from the shot's start, as long as the clip the model makes (33 frames at 24 fps).
    expect((await probeMedia(wav.path)).durationSec).toBeCloseTo(33 / 24, 2)
    const level = await levels(wav.path)
    expect(level.first).toBeCloseTo(0.1 * 2 * Math.SQRT1_2, 2) // RMS of 0.1 t sin(…) near t = 2 s
    expect(level.last).toBeCloseTo(0.1 * (2 + 33 / 24) * Math.SQRT1_2, 2)
    expect(level.hz).toBeCloseTo(440, -1)
    expect((await probeMedia(sung.out.video, { countFrames: true })).video?.frames).toBe(37)

    // Without a separation: the mix.
    const mixed = await gen.generate(request(37, 30, { vocal: 0.9 }), ctx())
    expect(mixed.generator).toBe('comfyui:ltx2-a2v (lip-synced to the mix)')
    const mixWav = s.uploads.filter((u) => u.name.endsWith('.wav')).at(-1)!
    expect((await levels(mixWav.path)).hz).toBeCloseTo(110, -1)

    // No vocals in the span, or nobody performing: the main workflow, no audio sent.
    const before = s.uploads.filter((u) => u.name.endsWith('.wav')).length
    for (const r of [request(37, 30, { vocal: 0.1, vocals: true }), request(37, 30, { vocal: 0.9, vocals: true, shot: { characterIds: [] } })]) {
      const seg2 = await gen.generate(r, ctx())
      expect(seg2.generator).toBe('comfyui:ltx2-i2v+sing:ltx2-a2v')
      expect(Object.values(s.prompts.at(-1)!.prompt).some((n) => n.class_type === 'LoadAudio')).toBe(false)
    }
    expect(s.uploads.filter((u) => u.name.endsWith('.wav')).length).toBe(before)

    // A singing shot longer than one run of the audio workflow stays with the main one, and says so.
    const long = await generator(s, { workflow: 'ltx2-i2v', singingWorkflow: 'ltx2-a2v', maxRuns: 2, fps: 12 })
    const longReq = request(121, 12, { vocal: 0.9, vocals: true }) // 10.08 s: 242 frames at 24 fps, one run makes 241
    const longSeg = await long.gen.generate(longReq, ctx())
    expect(longSeg.generator).toBe('comfyui:ltx2-i2v+sing:ltx2-a2v+runs:2')
    expect(long.logs).toContain('shot 5: not lip-synced: the shot is longer than one run of "ltx2-a2v" (241 frames at 24 fps)')
    expect(s.prompts.slice(-2).map((q) => q.prompt['8'].inputs.length)).toEqual([129, 121])
  })
})

/** RMS of the first and last 50 ms of a mono WAV, and its frequency from zero crossings. */
async function levels(file: string): Promise<{ first: number; last: number; hz: number }> {
  const raw = path.join(tmp, `pcm-${counter++}.f32`)
  await runFfmpeg(['-i', file, '-f', 'f32le', '-ac', '1', '-ar', '44100', raw])
  const buf = readFileSync(raw)
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4)
  const n = Math.round(0.05 * 44100)
  const rms = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length)
  let crossings = 0
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings++
  return { first: rms(x.subarray(0, n)), last: rms(x.subarray(x.length - n)), hz: crossings / (x.length / 44100) }
}
