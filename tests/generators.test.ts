import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adaptRequest, createGeneratorRouter, generatorNameFor } from '../src/render/generators/router.js'
import type { SegmentGenerator, SegmentRequest } from '../src/render/generators/types.js'
import { render } from '../src/index.js'
import { probeMedia } from '../src/ffmpeg/index.js'
import { ShotPlan, type ShotGenerator } from '../src/schemas/index.js'
import { startComfyServer, type ComfyServer } from './helpers/comfyServer.js'
import { writeBurstClip, writeStill } from './helpers/footageClips.js'
import { writeTinyDiffusionModel } from './helpers/tinyDiffusion.js'
import { mkdirSync } from 'node:fs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/longav.js')
const EXAMPLE_SONG = join(ROOT, 'examples/song.mp3')
let dir: string
const servers: ComfyServer[] = []

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-generators-'))
  // The example song is made by setup; make it here when a checkout has not run setup yet.
  if (!existsSync(EXAMPLE_SONG)) {
    const r = await run(process.execPath, [join(ROOT, 'scripts/make-example-song.mjs')])
    if (r.status !== 0) throw new Error(r.stderr)
  }
}, 120_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true })
})

describe('choosing the generator per shot', () => {
  const rules: ShotGenerator[] = [
    { shots: [0], generator: 'comfyui' },
    { sections: ['chorus', 5], generator: 'footage' },
    { from: 40, to: 56, generator: 'onnx' },
  ]
  const at = (index: number, sectionIndex: number, sectionLabel: string | undefined, startSec: number) => generatorNameFor({ index, sectionIndex, sectionLabel, startSec }, rules, 'procedural')

  it('takes the first rule that matches: shot index, section label (any number) or index, time span; else the default', () => {
    expect(at(0, 2, 'chorus', 30)).toBe('comfyui')
    expect(at(3, 2, 'chorus', 30)).toBe('footage')
    expect(at(9, 4, 'Chorus 2', 60)).toBe('footage')
    expect(at(11, 5, 'outro', 75)).toBe('footage')
    expect(at(7, 3, 'verse', 40)).toBe('onnx')
    expect(at(8, 3, 'verse', 55.9)).toBe('onnx')
    expect(at(10, 3, 'verse', 56)).toBe('procedural')
    expect(at(2, 1, 'verse', 10)).toBe('procedural')
    expect(at(2, 1, undefined, 10)).toBe('procedural')
  })

  const req = { width: 1280, height: 720, initKeyframe: '/x/last.png', referenceKeyframes: { mara: ['/x/ref.png'] } } as unknown as SegmentRequest

  it("shapes each request to the backend's capabilities", () => {
    const none = adaptRequest(req, { audioConditioned: false, keyframeIn: false, referenceImages: false, maxFrames: 10 })
    expect(none.initKeyframe).toBeUndefined()
    expect(none.referenceKeyframes).toEqual({})
    const all = adaptRequest(req, { audioConditioned: true, keyframeIn: true, referenceImages: true, maxFrames: 10 })
    expect(all.initKeyframe).toBe('/x/last.png')
    expect(all.referenceKeyframes).toEqual({ mara: ['/x/ref.png'] })
    const sized = adaptRequest(req, {
      audioConditioned: false,
      keyframeIn: true,
      referenceImages: false,
      maxFrames: 10,
      sizes: [{ width: 512, height: 512 }, { width: 1024, height: 576 }, { width: 768, height: 432 }, { width: 576, height: 1024 }],
    })
    expect([sized.width, sized.height]).toEqual([1024, 576])
    expect(req.width).toBe(1280) // the caller's request is not changed
  })

  it("plans within every backend's limit and routes each shot to its backend", async () => {
    const made: string[] = []
    const fake = (id: string, maxFrames: number): SegmentGenerator => ({
      id,
      capabilities: { audioConditioned: false, keyframeIn: id === 'a', referenceImages: false, maxFrames },
      async generate(r) {
        made.push(`${id}:${r.shot.index}:${r.initKeyframe ? 'init' : '-'}`)
        return { shotIndex: r.shot.index, attempt: 0, generator: id, path: '', frames: 1, firstFrame: '', lastFrame: '', keyFrame: '' }
      },
    })
    const router = createGeneratorRouter({ fallback: 'procedural', backends: { procedural: fake('a', 900), footage: fake('b', 120) }, rules: [{ shots: [1], generator: 'footage' }] })
    expect(router.capabilities.maxFrames).toBe(120)
    expect(router.id).toMatch(/^mixed\(b,a;[0-9a-f]{8}\)$/)
    for (const index of [0, 1]) {
      await router.generate({ ...req, attempt: 0, shot: { index, sectionIndex: 0 }, audio: { path: '', startSec: index, endSec: index + 1 } } as unknown as SegmentRequest, {
        signal: new AbortController().signal,
        onProgress: () => {},
      })
    }
    expect(made).toEqual(['a:0:init', 'b:1:-'])
    const single = createGeneratorRouter({ fallback: 'procedural', backends: { procedural: fake('a', 900) }, rules: [] })
    expect(single.id).toBe('a')
  })
})

describe('generator flags and settings that cannot work fail before anything is made', () => {
  const song = () => EXAMPLE_SONG
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown generator', ['--generator', 'sdxl'], /--generator must be one of procedural, footage, onnx, comfyui/],
    ['onnx without a model', ['--generator', 'onnx'], /onnx generator needs a model/],
    ['onnx with a model that is not there', ['--generator', 'onnx', '--onnx-model', 'nope'], /nope/],
    ['comfyui without a server', ['--generator', 'comfyui'], /comfyui generator needs a server/],
    ['comfyui with an unknown workflow', ['--generator', 'comfyui', '--comfyui-url', 'http://127.0.0.1:9', '--comfyui-workflow', 'nope'], /nope/],
    ['footage without assets', ['--generator', 'footage'], /footage generator needs footage/],
  ]
  for (const [what, flags, message] of cases) {
    it(what, async () => {
      const out = join(dir, `bad-${flags.join('-').replace(/[^a-z0-9]+/gi, '-')}`)
      const r = await run(process.execPath, [BIN, 'render', song(), join(ROOT, 'examples/brief.md'), '--out', out, ...flags])
      expect(r.status, r.stderr).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(existsSync(join(out, 'final.mp4'))).toBe(false)
    })
  }
})

/** Which generator made each kept segment of a render, by shot index. */
function generatorsOf(outDir: string): Map<number, string> {
  const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8')) as { shots: Array<{ index: number; keptAttempt: number; attempts: Array<{ attempt: number; video: string }> }> }
  return new Map(
    scores.shots.map((s) => {
      const video = s.attempts.find((a) => a.attempt === s.keptAttempt)!.video
      const seg = JSON.parse(readFileSync(join(video, '..', 'segment.json'), 'utf8')) as { generator: string }
      return [s.index, seg.generator]
    }),
  )
}

describe('the example brief through a ComfyUI server (loopback, real protocol)', () => {
  it('renders end to end, the chorus shots routed to the procedural generator by the brief', async () => {
    const server = await startComfyServer({ stepMs: 1, steps: 2 })
    servers.push(server)
    const brief = readFileSync(join(ROOT, 'examples/brief.md'), 'utf8').replace(/^---\n/, '---\ngenerator: comfyui\ncomfyui: { workflow: txt2img-batch }\nshots:\n  - { sections: [chorus], generator: procedural }\n')
    const briefPath = join(dir, 'brief-comfy.md')
    writeFileSync(briefPath, brief)
    const outDir = join(dir, 'comfy-example')
    const result = await render({ song: EXAMPLE_SONG, brief: briefPath, outDir, output: { width: 160, height: 96, fps: 12 }, comfyuiUrl: server.url, rounds: 1, llm: null })
    const info = await probeMedia(result.files.final, { countFrames: true })
    const plan = ShotPlan.parse(JSON.parse(readFileSync(result.files.plan, 'utf8')))
    expect(info.video?.frames).toBe(plan.totalFrames)
    expect([info.video?.width, info.video?.height]).toEqual([160, 96])
    const made = generatorsOf(outDir)
    const analysis = JSON.parse(readFileSync(result.files.analysis, 'utf8')) as { sections: Array<{ index: number; label: string }> }
    const chorus = new Set(analysis.sections.filter((s) => s.label.startsWith('chorus')).map((s) => s.index))
    expect(chorus.size).toBeGreaterThan(0)
    for (const shot of plan.shots) {
      expect(made.get(shot.index), `shot ${shot.index}`).toBe(chorus.has(shot.sectionIndex) ? 'procedural' : 'comfyui:txt2img-batch')
    }
    const comfyShots = plan.shots.filter((s) => !chorus.has(s.sectionIndex)).length
    expect(server.prompts.length).toBeGreaterThanOrEqual(comfyShots)
    expect(readdirSync(outDir)).toEqual(expect.arrayContaining(['final.mp4', 'report.html', 'score.json']))
    const report = readFileSync(join(outDir, 'report.html'), 'utf8')
    expect(report).toContain('Made by:</span> comfyui:txt2img-batch')
    expect(report).toContain('Made by:</span> procedural')
  }, 600_000)
})

describe("the example brief cut from the user's footage", () => {
  it('renders end to end: rooftop and shoreline shots from the tagged clips and still, the neon grid (no footage) drawn procedurally', async () => {
    const base = join(dir, 'footage-example')
    mkdirSync(join(base, 'clips'), { recursive: true })
    // Bursts of motion every 12 frames at 24 fps: a beat every 0.5 s, like the example's 120 BPM.
    const peaks = (n: number, offset: number) => Array.from({ length: n }, (_, k) => offset + 12 * k)
    await writeBurstClip(join(base, 'clips', 'roof-a.mp4'), { peaks: peaks(30, 6), frames: 372, seed: 3 })
    await writeBurstClip(join(base, 'clips', 'roof-b.mp4'), { peaks: peaks(30, 9), frames: 372, seed: 11 })
    await writeStill(join(base, 'clips', 'beach.png'), { width: 480, height: 270, patch: { x: 320, y: 90 } })
    const assets = 'assets:\n  - { path: clips/roof-a.mp4, tags: [place:rooftop, Mara] }\n  - { path: clips/roof-b.mp4, tags: [place:rooftop, Jun] }\n  - { path: clips/beach.png, tags: [place:shoreline] }\n'
    const text = readFileSync(join(ROOT, 'examples/brief.md'), 'utf8').replace(/^---\n/, '---\ngenerator: footage\n').replace(/^assets: \[\]\n/m, assets)
    writeFileSync(join(base, 'brief.md'), text)
    const logs: string[] = []
    const result = await render({
      song: EXAMPLE_SONG,
      brief: join(base, 'brief.md'),
      outDir: join(base, 'out'),
      output: { width: 160, height: 96, fps: 12 },
      rounds: 1,
      llm: null,
      onEvent: (e) => void (e.type === 'log' && logs.push(e.message)),
    })
    const info = await probeMedia(result.files.final, { countFrames: true })
    const plan = ShotPlan.parse(JSON.parse(readFileSync(result.files.plan, 'utf8')))
    expect(info.video?.frames).toBe(plan.totalFrames)
    const made = generatorsOf(join(base, 'out'))
    for (const shot of plan.shots) {
      const expected = shot.locationId === 'neon-grid' ? 'procedural' : 'footage'
      expect(made.get(shot.index), `shot ${shot.index} at ${shot.locationId}`).toBe(expected)
    }
    expect(plan.shots.some((s) => s.locationId === 'rooftop')).toBe(true)
    expect(plan.shots.some((s) => s.locationId === 'shoreline')).toBe(true)
    expect(logs.some((l) => /no footage .*rendered by the procedural generator instead/.test(l))).toBe(true)
    // What was chosen is kept beside each footage segment.
    const scores = JSON.parse(readFileSync(result.files.scores, 'utf8')) as { shots: Array<{ index: number; keptAttempt: number; attempts: Array<{ attempt: number; video: string }> }> }
    const roof = plan.shots.find((s) => s.locationId === 'rooftop')!
    const video = scores.shots[roof.index].attempts.find((a) => a.attempt === scores.shots[roof.index].keptAttempt)!.video
    const choice = JSON.parse(readFileSync(video.replace(/\.mp4$/, '.footage.json'), 'utf8')) as { kind: string }
    expect(choice.kind).toBe('clip')
  }, 600_000)
})

describe('the example brief through an ONNX diffusion model (tiny export with the real names and shapes)', () => {
  it('renders end to end: every shot made by the onnx generator, within its longest shot', async () => {
    const base = join(dir, 'onnx-example')
    const modelsDir = join(base, 'models')
    writeTinyDiffusionModel(modelsDir, 'tiny')
    const text = readFileSync(join(ROOT, 'examples/brief.md'), 'utf8').replace(/^---\n/, '---\ngenerator: onnx\nonnx: { model: tiny, steps: 2, cadence: 2 }\n')
    writeFileSync(join(base, 'brief.md'), text)
    const logs: string[] = []
    const result = await render({
      song: EXAMPLE_SONG,
      brief: join(base, 'brief.md'),
      outDir: join(base, 'out'),
      output: { width: 96, height: 64, fps: 8 },
      modelsDir,
      rounds: 1,
      llm: null,
      onEvent: (e) => void (e.type === 'log' && logs.push(e.message)),
    })
    const info = await probeMedia(result.files.final, { countFrames: true })
    const plan = ShotPlan.parse(JSON.parse(readFileSync(result.files.plan, 'utf8')))
    expect(info.video?.frames).toBe(plan.totalFrames)
    expect([info.video?.width, info.video?.height]).toEqual([96, 64])
    const made = generatorsOf(join(base, 'out'))
    for (const shot of plan.shots) expect(made.get(shot.index), `shot ${shot.index}`).toBe('onnx:tiny')
    // No shot is longer than the generator can make (the planner keeps within its maxFrames).
    for (const shot of plan.shots) expect(shot.endFrame - shot.startFrame).toBeLessThanOrEqual(240)
    expect(logs.some((l) => l.startsWith('onnx:tiny:') && /euler/i.test(l))).toBe(true)
  }, 600_000)
})
