import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import * as api from '../src/index.js'
import { ConfigError, errorRecord, exitCodeOf, LongavError, restoreError, type ErrorKind } from '../src/index.js'
import { resolveConfig } from '../src/config.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav } from './helpers/cli.js'

interface Row {
  make: () => Error
  kind: ErrorKind
  code: string
  /** The class's own fields, which must survive a record. */
  fields?: Record<string, unknown>
}

// One row per error class the API exports: a class added without a row fails the first test.
const ROWS: Record<string, Row> = {
  LongavError: { make: () => new api.LongavError('something broke', { kind: 'failure', code: 'SOMETHING' }), kind: 'failure', code: 'SOMETHING' },
  InputError: { make: () => new api.InputError('song not found: a.mp3'), kind: 'input', code: 'INPUT_INVALID' },
  RenderError: { make: () => new api.RenderError('shot 3 failed'), kind: 'failure', code: 'RENDER_FAILED' },
  ConfigError: {
    make: () => new api.ConfigError('LONGAV_ONNX_PROVIDER', 'environment variable LONGAV_ONNX_PROVIDER="tpu" is not an ONNX execution provider'),
    kind: 'input',
    code: 'CONFIG_INVALID',
    fields: { variable: 'LONGAV_ONNX_PROVIDER' },
  },
  InvariantError: { make: () => new api.InvariantError('plan', 'tiles', 'gap at frame 10'), kind: 'failure', code: 'INVARIANT_BROKEN', fields: { subject: 'plan', rule: 'tiles' } },
  EmbeddingError: { make: () => new api.EmbeddingError('NOT_FOUND', 'embedding model "clip" not found'), kind: 'input', code: 'NOT_FOUND' },
  LlmConfigError: { make: () => new api.LlmConfigError('LONGAV_LLM_METHOD (--llm-method) must be json_schema, function_calling or json_mode'), kind: 'input', code: 'LLM_CONFIG_INVALID' },
  SeparationModelError: { make: () => new api.SeparationModelError('IO_MISMATCH', 'model.onnx: input "mix" not found'), kind: 'input', code: 'IO_MISMATCH' },
  AudioAnalysisError: { make: () => new api.AudioAnalysisError('EMPTY', 'no samples'), kind: 'input', code: 'EMPTY' },
  SilentSongError: { make: () => new api.SilentSongError('song.wav', -90), kind: 'input', code: 'SILENT', fields: { path: 'song.wav', peakDbfs: -90 } },
  AudioDecodeError: { make: () => new api.AudioDecodeError('DECODE_FAILED', 'song.mp3 is not an audio file ffmpeg can decode'), kind: 'input', code: 'DECODE_FAILED' },
  FfmpegError: {
    make: () => new api.FfmpegError('ffmpeg exited with code 1: Invalid argument', 'Invalid argument\n', 1),
    kind: 'failure',
    code: 'FFMPEG_FAILED',
    fields: { stderrTail: 'Invalid argument\n', exitCode: 1 },
  },
  FfmpegMissingError: { make: () => new api.FfmpegMissingError('ffprobe'), kind: 'input', code: 'FFMPEG_MISSING' },
  ImagesToVideoError: { make: () => new api.ImagesToVideoError('no frames to encode'), kind: 'failure', code: 'IMAGES_TO_VIDEO_FAILED' },
  OnnxModelError: { make: () => new api.OnnxModelError('unet/model.onnx is missing'), kind: 'input', code: 'ONNX_MODEL_INVALID' },
  GeneratorSetupError: { make: () => new api.GeneratorSetupError('the onnx generator needs a model'), kind: 'input', code: 'GENERATOR_SETUP' },
  FootageError: { make: () => new api.FootageError('clip.mp4 holds no picture', 'clip.mp4'), kind: 'input', code: 'FOOTAGE_INVALID', fields: { asset: 'clip.mp4' } },
  ComfyError: { make: () => new api.ComfyError('BAD_URL', 'not an http(s) URL: ftp://x'), kind: 'input', code: 'BAD_URL' },
  ComfyConnectionError: { make: () => new api.ComfyConnectionError('connection refused'), kind: 'failure', code: 'UNREACHABLE' },
  ComfyHttpError: {
    make: () => new api.ComfyHttpError('POST /prompt answered 500', 500, '/prompt', 'oops'),
    kind: 'failure',
    code: 'HTTP',
    fields: { status: 500, endpoint: '/prompt', bodyExcerpt: 'oops' },
  },
  ComfyProtocolError: { make: () => new api.ComfyProtocolError('not JSON', '/history'), kind: 'failure', code: 'BAD_RESPONSE', fields: { endpoint: '/history' } },
  ComfyMissingNodeError: {
    make: () => new api.ComfyMissingNodeError('the server lacks VHS_VideoCombine', ['VHS_VideoCombine'], 'animatediff'),
    kind: 'input',
    code: 'MISSING_NODES',
    fields: { missing: ['VHS_VideoCombine'], workflow: 'animatediff' },
  },
  ComfyMissingModelError: {
    make: () =>
      new api.ComfyMissingModelError('the server lacks sd15.safetensors', [{ nodeId: '4', classType: 'CheckpointLoaderSimple', input: 'ckpt_name', value: 'sd15.safetensors', available: ['a.safetensors'] }], 'txt2img'),
    kind: 'input',
    code: 'MISSING_MODELS',
    fields: { missing: [{ nodeId: '4', classType: 'CheckpointLoaderSimple', input: 'ckpt_name', value: 'sd15.safetensors', available: ['a.safetensors'] }], workflow: 'txt2img' },
  },
  ComfyPromptError: {
    make: () => new api.ComfyPromptError('prompt rejected', 'invalid_prompt', [{ nodeId: '3', classType: 'KSampler', messages: ['bad'] }], []),
    kind: 'failure',
    code: 'PROMPT_REJECTED',
    fields: { errorType: 'invalid_prompt', nodeErrors: [{ nodeId: '3', classType: 'KSampler', messages: ['bad'] }], missingNodes: [] },
  },
  ComfyExecutionError: {
    make: () => new api.ComfyExecutionError('KSampler raised', '3', 'KSampler', 'RuntimeError', 'out of memory'),
    kind: 'failure',
    code: 'EXECUTION_FAILED',
    fields: { nodeId: '3', nodeType: 'KSampler', exceptionType: 'RuntimeError', exceptionMessage: 'out of memory' },
  },
  ComfyInterruptedError: { make: () => new api.ComfyInterruptedError('interrupted by someone else'), kind: 'failure', code: 'INTERRUPTED' },
  ComfyTimeoutError: { make: () => new api.ComfyTimeoutError('shot 1 took too long', 1000), kind: 'failure', code: 'TIMEOUT', fields: { limitMs: 1000 } },
  ComfyPromptLostError: { make: () => new api.ComfyPromptLostError('prompt abc was lost in a server restart'), kind: 'failure', code: 'PROMPT_LOST' },
  ComfyTemplateError: { make: () => new api.ComfyTemplateError('ComfyUI workflow "nope" not found'), kind: 'input', code: 'TEMPLATE' },
  BriefError: {
    make: () => new api.BriefError('brief.md', [{ path: 'output.fps', message: 'expected an integer' }]),
    kind: 'input',
    code: 'BRIEF_INVALID',
    fields: { source: 'brief.md', issues: [{ path: 'output.fps', message: 'expected an integer' }] },
  },
  VariantsError: {
    make: () => new api.VariantsError('variants.yaml', [{ where: 'variants[0] (a).format', message: "unknown preset 'tiktak'" }]),
    kind: 'input',
    code: 'VARIANTS_INVALID',
    fields: { issues: [{ where: 'variants[0] (a).format', message: "unknown preset 'tiktak'" }] },
  },
}

type ErrorClass = abstract new (...args: never[]) => Error
const exported = Object.entries(api as Record<string, unknown>).filter((entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error)

describe('every exported error class is a LongavError with a kind and a code', () => {
  it('the table has a row for each exported error class, and no other', () => {
    expect(exported.map(([name]) => name).sort()).toEqual(Object.keys(ROWS).sort())
  })

  for (const [name, cls] of exported) {
    it(name, () => {
      const row = ROWS[name]
      expect(row, `no row for ${name}`).toBeDefined()
      const e = row.make()
      expect(e).toBeInstanceOf(cls)
      expect(e).toBeInstanceOf(LongavError)
      expect(e.name).toBe(name)
      const le = e as LongavError
      expect(le.kind).toBe(row.kind)
      expect(le.code).toBe(row.code)
      expect(le.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
      expect(exitCodeOf(e)).toBe(row.kind === 'input' ? 2 : 1)
      for (const [k, v] of Object.entries(row.fields ?? {})) expect((e as unknown as Record<string, unknown>)[k], k).toEqual(v)

      // Through a record, as a snapshot keeps it: the same class, message, kind, code and fields.
      const record = JSON.parse(JSON.stringify(errorRecord(e)))
      const back = restoreError(record)
      expect(back).toBeInstanceOf(cls)
      expect(back).toBeInstanceOf(LongavError)
      expect(back.name).toBe(name)
      expect(back.message).toBe(e.message)
      expect((back as LongavError).kind).toBe(row.kind)
      expect((back as LongavError).code).toBe(row.code)
      expect(exitCodeOf(back)).toBe(exitCodeOf(e))
      for (const [k, v] of Object.entries(row.fields ?? {})) expect((back as unknown as Record<string, unknown>)[k], k).toEqual(v)
    })
  }

  it('ComfyUI codes the user fixes are input errors, the rest failures', () => {
    expect(new api.ComfyError('NO_OUTPUT', 'no output').kind).toBe('failure')
    expect(new api.ComfyError('TEMPLATE', 'bad template').kind).toBe('input')
    expect(new api.EmbeddingError('RUN_FAILED', 'inference failed').kind).toBe('failure')
    expect(new api.SeparationModelError('RUN_FAILED', 'inference failed').kind).toBe('failure')
  })

  it('anything else is a failure with a stack (exit 1), an interrupt exits 130', () => {
    expect(exitCodeOf(new TypeError('x is undefined'))).toBe(1)
    expect(errorRecord(new TypeError('x')).code).toBe('INTERNAL')
    expect(exitCodeOf(Object.assign(new Error('interrupted'), { name: 'AbortError' }))).toBe(130)
  })
})

describe('the configuration from the environment (src/config.ts)', () => {
  it('defaults, and reads each variable', () => {
    expect(resolveConfig({})).toEqual({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', llm: {}, modelsDir: undefined, onnxProvider: undefined })
    const c = resolveConfig({ FFMPEG_PATH: '/opt/ff/ffmpeg', LONGAV_ONNX_PROVIDER: ' CUDA ', LONGAV_MODELS_DIR: '/m', OPENAI_API_KEY: 'sk-x', LONGAV_LLM_MODEL: '', HOME: '/root' })
    expect(c.ffmpegPath).toBe('/opt/ff/ffmpeg')
    expect(c.ffprobePath).toBe('ffprobe')
    expect(c.onnxProvider).toBe('cuda')
    expect(c.modelsDir).toBe('/m')
    expect(c.llm).toEqual({ OPENAI_API_KEY: 'sk-x' })
  })

  it('a value it cannot use is an input error naming the variable', () => {
    const err = (() => {
      try {
        resolveConfig({ LONGAV_ONNX_PROVIDER: 'tpu' })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).variable).toBe('LONGAV_ONNX_PROVIDER')
    expect((err as ConfigError).kind).toBe('input')
    expect((err as Error).message).toMatch(/LONGAV_ONNX_PROVIDER="tpu" is not an ONNX execution provider: use one of cpu, cuda, dml, coreml/)
  })
})

describe('a model, template or folder name the CLI does not find is an input error naming it', () => {
  let dir: string
  let song: SongFixture
  let brief: string
  let video: string
  let plan: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longav-errors-'))
    song = await makeSongFixture({ bpm: 120, seconds: 6, dir })
    brief = writeTestBrief(dir)
    video = join(dir, 'v.mp4')
    spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=6', '-i', song.path, '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', video])
    const planned = longav(['plan', song.path, brief, '--out', join(dir, 'planned'), '--no-llm'], dir)
    expect(planned.code, planned.stderr).toBe(0)
    plan = join(dir, 'planned', 'plan.json')
  }, 120_000)

  const briefIn = (sub: string, extra: string) => {
    mkdirSync(join(dir, sub), { recursive: true })
    return writeTestBrief(join(dir, sub), extra)
  }

  const cases: Array<[string, () => string[], RegExp, Record<string, string>?]> = [
    ['--embedding-model nope', () => ['score', video, song.path, '--plan', plan, '--embedding-model', 'nope'], /embedding model "nope" not found in .*\(present: none\)/],
    ['--separation-model nope', () => ['render', song.path, brief, '--separation-model', 'nope'], /separation model "nope" not found in .*\(present: none\)/],
    ['--onnx-model nope', () => ['render', song.path, brief, '--generator', 'onnx', '--onnx-model', 'nope'], /ONNX diffusion model "nope" not found: .*\(present: none\)/],
    [
      '--comfyui-workflow nope',
      () => ['render', song.path, brief, '--generator', 'comfyui', '--comfyui-url', 'http://127.0.0.1:9', '--comfyui-workflow', 'nope'],
      /ComfyUI workflow "nope" not found: .*\(workflows in .*: .*txt2img-batch/,
    ],
    ["a brief's onnx.model that does not exist", () => ['render', song.path, briefIn('brief-onnx', 'generator: onnx\nonnx:\n  model: nope\n')], /ONNX diffusion model "nope" not found: .*\(present: none\)/],
    [
      "a brief's comfyui.workflow that does not exist",
      () => ['render', song.path, briefIn('brief-comfy', 'generator: comfyui\ncomfyui:\n  url: http://127.0.0.1:9\n  workflow: nope\n')],
      /ComfyUI workflow "nope" not found: .*\(workflows in .*: .*txt2img-batch/,
    ],
    ["a brief's generator that does not exist", () => ['render', song.path, briefIn('brief-generator', 'generator: dalle\n')], /generator.*procedural/],
    ['--models-dir /nonexistent', () => ['render', song.path, brief, '--models-dir', '/nonexistent'], /models folder \/nonexistent \(--models-dir\) does not exist/],
    ['a LONGAV_MODELS_DIR that does not exist', () => ['analyze', song.path], /LONGAV_MODELS_DIR="\/nonexistent-models" is not a folder/, { LONGAV_MODELS_DIR: '/nonexistent-models' }],
    ['a LONGAV_ONNX_PROVIDER it does not know', () => ['analyze', song.path], /LONGAV_ONNX_PROVIDER="tpu" is not an ONNX execution provider/, { LONGAV_ONNX_PROVIDER: 'tpu' }],
  ]
  for (const [name, args, message, env] of cases) {
    it(name, () => {
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`)
      const r = longav([...args(), '--out', out], dir, { env })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
      expect(r.stderr).toMatch(/^longav: /)
      expect(r.stderr).not.toMatch(/^\s+at /m)
      expect(existsSync(out)).toBe(false)
    })
  }
})

describe('the API checks the same names before it writes anything', () => {
  let dir: string
  let song: SongFixture
  let brief: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longav-errors-api-'))
    song = await makeSongFixture({ bpm: 120, seconds: 4, dir })
    brief = writeTestBrief(dir)
  }, 120_000)

  it('score() with an unknown embedding model: EmbeddingError (input), no output folder', async () => {
    const out = join(dir, 'score-out')
    const err = await api.score(song.path, song.path, { embeddingModel: 'nope', outDir: out }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(api.EmbeddingError)
    expect(api.exitCodeOf(err)).toBe(2)
    expect(existsSync(out)).toBe(false)
  })

  it('render() with a models folder that does not exist: InputError MODELS_DIR_NOT_FOUND, no output folder', async () => {
    const out = join(dir, 'render-out')
    const err = await api.render({ song: song.path, brief, outDir: out, modelsDir: join(dir, 'no-models'), llm: null }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(api.InputError)
    expect((err as api.LongavError).code).toBe('MODELS_DIR_NOT_FOUND')
    expect(existsSync(out)).toBe(false)
  })
})
