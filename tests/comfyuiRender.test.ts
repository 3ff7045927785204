/**
 * Each new template renders a shot through the loopback ComfyUI: the prompt it queues passes the
 * recorded /object_info check, what it takes (init, last frame, reference keyframe) is uploaded,
 * and the segment has exactly the shot's frames at a rate the model's grid does not divide.
 */
import { createCanvas } from '@napi-rs/canvas'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia, runFfmpeg } from '../src/ffmpeg/index.js'
import { ComfyMissingModelError, createComfyGenerator, loadTemplate, validateWorkflow } from '../src/render/generators/comfyui/index.js'
import type { ObjectInfo } from '../src/render/generators/comfyui/protocol.js'
import type { SegmentRequest } from '../src/render/generators/types.js'
import type { Shot } from '../src/schemas/index.js'
import { CORE_NODES, startComfyServer, type ComfyServer } from './helpers/comfyServer.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-comfyrender-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const MODELS_DIR = path.join(process.cwd(), 'models')
const FIXTURE = JSON.parse(readFileSync(path.join(process.cwd(), 'tests', 'fixtures', 'comfyui', 'object_info.json'), 'utf8')) as { object_info: ObjectInfo; models: Record<string, string[]> }
const W = 96
const H = 64
const FPS = 25

const png = (file: string, colour: string) => {
  const c = createCanvas(W, H)
  const g = c.getContext('2d')
  g.fillStyle = colour
  g.fillRect(0, 0, W, H)
  writeFileSync(file, c.encodeSync('png'))
  return file
}
let song = ''
let init = ''
let end = ''
let ref = ''
beforeAll(async () => {
  song = path.join(tmp, 'song.wav')
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100:duration=6', song])
  init = png(path.join(tmp, 'init.png'), '#3366cc')
  end = png(path.join(tmp, 'end.png'), '#cc6633')
  ref = png(path.join(tmp, 'mara-ref.png'), '#aa2244')
})

let s: ComfyServer | undefined
/** The loopback server with every node class the templates use, answering /object_info as ComfyUI 0.27.0 does. */
const startServer = (models: Record<string, string[]> = MODELS) =>
  startComfyServer({ nodes: [...new Set([...CORE_NODES, ...Object.keys(FIXTURE.object_info)])], objectInfo: FIXTURE.object_info, models, steps: 1, stepMs: 1 })
const MODELS: Record<string, string[]> = {
  ckpt_name: FIXTURE.models.checkpoints,
  unet_name: FIXTURE.models.diffusion_models,
  clip_name: FIXTURE.models.text_encoders,
  text_encoder: FIXTURE.models.text_encoders,
  vae_name: FIXTURE.models.vae,
}
afterEach(async () => {
  await s?.close()
  s = undefined
})

let counter = 0
function request(frames: number, over: Partial<SegmentRequest> = {}): SegmentRequest {
  const dir = path.join(tmp, `seg-${counter++}`)
  mkdirSync(dir, { recursive: true })
  const startFrame = 25
  const shot: Shot = {
    index: 2, startFrame, endFrame: startFrame + frames, sectionIndex: 0, cutOn: 'beat', locationId: 'roof', characterIds: ['mara'],
    camera: 'static', framing: 'medium', prompt: 'Mara on the rooftop', seed: 9, continuesPrevious: true, motionGain: 0.5, captions: [],
  }
  return {
    shot, fps: FPS, width: W, height: H, frames, attempt: 0,
    style: { look: 'neon', palette: ['#ff6b6b'], grain: 0, vignette: 0, captionFont: 'DejaVu Sans' },
    location: { kind: 'location', id: 'roof', name: 'Roof', description: 'a roof', seed: 1, palette: ['#222222'], shape: { world: 'skyline', timeOfDay: 'night', density: 0.5 } },
    characters: [], controls: [],
    audio: { path: song, startSec: startFrame / FPS, endSec: (startFrame + frames) / FPS },
    initKeyframe: init, referenceKeyframes: {},
    out: { video: path.join(dir, 'shot.mp4'), firstFrame: path.join(dir, 'first.png'), lastFrame: path.join(dir, 'last.png'), keyFrame: path.join(dir, 'key.png') },
    ...over,
  }
}

const uploaded = (name: unknown) => readFileSync(s!.uploads.find((u) => u.name === name)!.path)

// name, what the shot brings, and which model frame count a 37-frame shot at 25 fps asks for.
const CASES: Array<[string, Partial<SegmentRequest>, number]> = [
  ['ltx2-i2v', {}, 41], // 1.48 s at 24 fps = 35.52 → 8k + 1 = 41
  ['ltx2-a2v', {}, 41],
  ['ltx2-flf', { endKeyframe: '' }, 41],
  ['wan22-5b-t2v', {}, 37], // 35.52 → 4k + 1 = 37
  ['wan22-5b-i2v', {}, 37],
  ['wan22-flf', { endKeyframe: '' }, 25], // 16 fps: 23.68 → 25
  ['wan-vace-ref', { referenceKeyframes: {} }, 25],
]

describe('each new template renders an exact shot through the loopback ComfyUI', () => {
  for (const [name, over, asked] of CASES) {
    it(`${name}: asks for ${asked} model frames, the segment has exactly 37`, async () => {
      s = await startServer()
      const t = loadTemplate(path.join(MODELS_DIR, 'comfyui'), name)
      const gen = createComfyGenerator({ url: s.url, workflow: name, modelsDir: MODELS_DIR, retries: 1, retryDelayMs: 20, pollIntervalMs: 40, fps: FPS })
      const req = request(37, { ...over, ...(over.endKeyframe !== undefined ? { endKeyframe: end } : {}), ...(over.referenceKeyframes ? { referenceKeyframes: { mara: [ref] } } : {}) })
      await gen.generate(req, { signal: new AbortController().signal, onProgress: () => {} })
      expect((await probeMedia(req.out.video, { countFrames: true })).video?.frames).toBe(37)

      // The shot's own prompt is the last one (a made init or last frame comes first).
      const main = s.prompts.at(-1)!.prompt
      const perShot = new Set(t.uses.map((u) => `${u.nodeId}/${u.input}`))
      expect(validateWorkflow(main, FIXTURE.object_info, { perShot: (n, i) => perShot.has(`${n}/${i}`) })).toEqual([])
      const frames = t.uses.find((u) => u.name === 'frames')!
      expect(main[frames.nodeId].inputs[frames.input]).toBe(asked)
      const slot = (p: string) => t.uses.find((u) => u.name === p)
      if (slot('init_image')) expect(uploaded(main[slot('init_image')!.nodeId].inputs.image).equals(readFileSync(init))).toBe(true)
      if (slot('last_image')) expect(uploaded(main[slot('last_image')!.nodeId].inputs.image).equals(readFileSync(end))).toBe(true)
      // Shot memory's reference keyframe of the shot's character is what the reference workflow sees.
      if (slot('reference_image_0')) expect(uploaded(main[slot('reference_image_0')!.nodeId].inputs.image).equals(readFileSync(ref))).toBe(true)
      if (slot('audio')) expect(Math.abs((await probeMedia(s.uploads.find((u) => u.name.endsWith('.wav'))!.path)).durationSec - asked / 24)).toBeLessThan(0.002)
    })
  }

  it('a server without the LTX-2 checkpoint is told which file, before anything is queued', async () => {
    s = await startServer({ ...MODELS, ckpt_name: ['v1-5-pruned-emaonly.safetensors'] })
    const gen = createComfyGenerator({ url: s.url, workflow: 'ltx2-i2v', modelsDir: MODELS_DIR, retries: 1, pollIntervalMs: 40, fps: FPS })
    const err = await gen.generate(request(20), { signal: new AbortController().signal, onProgress: () => {} }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ComfyMissingModelError)
    expect((err as Error).message).toContain('CheckpointLoaderSimple (node 1) ckpt_name = "ltx-2-19b-dev-fp8.safetensors"')
    expect((err as Error).message).toContain('LTXAVTextEncoderLoader (node 2) ckpt_name')
    expect(s.prompts).toHaveLength(0)
  })

  it('a first/last-frame shot with no frame to aim at gets one from the init workflow', async () => {
    s = await startServer()
    const logs: string[] = []
    const gen = createComfyGenerator({ url: s.url, workflow: 'ltx2-flf', modelsDir: MODELS_DIR, retries: 1, pollIntervalMs: 40, fps: FPS, onLog: (l) => logs.push(l) })
    const req = request(20)
    await gen.generate(req, { signal: new AbortController().signal, onProgress: () => {} })
    expect(s.prompts).toHaveLength(2)
    expect(logs).toContain('shot 2: made the last frame with workflow "txt2img-batch"')
    expect((await probeMedia(req.out.video, { countFrames: true })).video?.frames).toBe(20)
  })
})
