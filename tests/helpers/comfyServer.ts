/**
 * A real loopback HTTP + websocket server that behaves like ComfyUI (server.py, execution.py,
 * main.py of comfyanonymous/ComfyUI) closely enough to drive the client end to end:
 *
 * - GET /object_info lists a configurable set of node classes (combo inputs list model files);
 * - POST /prompt validates class types, uploaded files and model names with ComfyUI's 400 shapes,
 *   answers {prompt_id, number, node_errors} and queues the prompt (one runs at a time);
 * - the websocket (/ws?clientId=…) gets status, execution_start, execution_cached, then per node
 *   executing → progress… → executed, execution_success and executing {node: null}, plus a binary
 *   preview frame and messages of another prompt that the client must ignore;
 * - GET /history/{id}, GET /queue, GET /view, POST /upload/image (multipart), POST /interrupt
 *   {prompt_id}, POST /queue {delete}, all recorded.
 *
 * As the real server does: execution_success goes out before the history entry is written (main.py
 * calls task_done after execute returns), and the prompt stays in queue_running until then; a
 * restart forgets the queue and the history (they live in memory) but keeps input/ and output/.
 * `version` picks the behaviour where ComfyUI's versions differ: '2024-12' (59d58b11) ignores
 * /interrupt's prompt_id and stops whatever runs; '0.3.64' (after 464ba1d6, September 2025)
 * interrupts only the named prompt when it is the one running; both refuse an unknown node class
 * as invalid_prompt "Cannot execute because node X does not exist." (node_errors [] in 2024, {}
 * in 0.3.64); 'latest' (the default) also honours prompt_id and says missing_node_type.
 *
 * The "model" renders the graph it was given: the output node's frames are flat colours whose
 * red channel encodes the seed and whose green channel encodes the frame index (`frameColour`),
 * at the width/height/frame count found in the prompt's inputs, as PNGs (SaveImage) or an mp4
 * (VHS_VideoCombine). Fault modes reproduce what goes wrong with real servers.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { randomUUID } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { runFfmpeg } from '../../src/ffmpeg/index.js'

/** What goes wrong, on purpose. */
export type ComfyFault =
  | { kind: 'none' }
  /** The sampler raises: execution_error over the websocket, status error in the history. */
  | { kind: 'execution-error'; message: string; exceptionType?: string }
  /** The sampler never finishes until /interrupt. */
  | { kind: 'hang' }
  /** The first `times` POST /prompt answer 500. */
  | { kind: 'http-500'; times: number }
  /** The websocket is torn down after the first progress message; the prompt still completes. */
  | { kind: 'ws-close' }
  /** GET /object_info never answers (a wedged server or proxy). */
  | { kind: 'stall-object-info' }
  /** An endpoint answers something that is not ComfyUI's JSON. */
  | { kind: 'garbage'; endpoint: 'prompt' | 'history' | 'object_info' }
  /** POST /prompt rejects the workflow with a 400 although /object_info listed its nodes. */
  | { kind: 'reject-prompt'; style: 'missing-node' | 'invalid-prompt' | 'value-not-in-list'; classType: string }

export type ComfyVersion = '2024-12' | '0.3.64' | 'latest'

export interface ComfyServerOptions {
  /** Which server's behaviour to follow where they differ (default 'latest'). */
  version?: ComfyVersion
  /** Delay between execution_success and the history entry, ms (default 20). */
  historyLagMs?: number
  /** Node classes the server has (default: CORE_NODES). */
  nodes?: string[]
  /** Choices of combo inputs by input name (ckpt_name → files), listed on every class. */
  models?: Record<string, string[]>
  /** Progress messages per sampler node (default 4). */
  steps?: number
  /** Delay per progress step, ms (default 15). */
  stepMs?: number
  /** Frames the model makes for a requested count (default: exactly the request). */
  frameCount?: (requested: number) => number
  /**
   * A "model" that continues its init frame: frame i is the uploaded init image (the LoadImage
   * titled init/first, else the first one) moved `dx` pixels left per frame, wrapping around.
   * Without it (or without an init image) frames are flat colours (frameColour).
   */
  motion?: { dx: number }
  /**
   * Recorded /object_info entries (tests/fixtures/comfyui/object_info.json, from ComfyUI's own
   * node code) served for the classes the server has, instead of the made-up ones; the model
   * lists in them are the files of `models` (by input name) when given.
   */
  objectInfo?: Record<string, unknown>
  fault?: ComfyFault
  /** Refuse websocket upgrades (a proxy that does not pass them). */
  noWebsocket?: boolean
}

export interface RecordedUpload {
  name: string
  type: string
  overwrite: string | null
  size: number
  path: string
}

export interface QueuedPrompt {
  promptId: string
  clientId: string
  prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>
}

export interface ComfyServer {
  url: string
  /** Every HTTP request: method and path with query. */
  requests: Array<{ method: string; path: string }>
  prompts: QueuedPrompt[]
  uploads: RecordedUpload[]
  /** Bodies of POST /interrupt ({} when none was sent). */
  interrupts: Array<{ prompt_id?: string }>
  /** `delete` lists of POST /queue. */
  queueDeletes: string[][]
  /** Websocket connections accepted so far. */
  socketsOpened: number
  /** Frames rendered per prompt id (before any frameCount change: the count requested). */
  rendered: Map<string, { requested: number; made: number; seed: number; width: number; height: number }>
  inputDir: string
  setFault(fault: ComfyFault): void
  /** Stops the server as a restart does (connections refused, queue and history forgotten) and listens again on the same port after `downMs`. */
  restart(downMs: number): Promise<void>
  /** Prompts that started running, in order. */
  started: string[]
  close(): Promise<void>
}

export const CORE_NODES = [
  'CheckpointLoaderSimple', 'CLIPTextEncode', 'EmptyLatentImage', 'KSampler', 'KSamplerAdvanced', 'VAEDecode', 'VAEEncode',
  'SaveImage', 'PreviewImage', 'LoadImage', 'ImageScale', 'RepeatLatentBatch', 'ImageOnlyCheckpointLoader',
  'SVD_img2vid_Conditioning', 'VideoLinearCFGGuidance', 'LoadAudio', 'UNETLoader', 'CLIPLoader', 'VAELoader',
]

const OUTPUT_CLASSES = new Set(['SaveImage', 'PreviewImage', 'VHS_VideoCombine', 'SaveVideo', 'SaveAnimatedWEBP'])
const SAMPLER_CLASSES = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced'])
const FRAME_INPUTS = ['batch_size', 'amount', 'video_frames', 'length']

/** The colour of frame `index` of a clip made with `seed`: red encodes the seed, green the index. */
export function frameColour(seed: number, index: number): [number, number, number] {
  return [40 + ((seed * 53) % 176), 20 + ((index * 12) % 216), 160]
}

export async function startComfyServer(opts: ComfyServerOptions = {}): Promise<ComfyServer> {
  const root = mkdtempSync(join(tmpdir(), 'longav-comfy-server-'))
  const dirs = { input: join(root, 'input'), output: join(root, 'output'), temp: join(root, 'temp') }
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
  const nodes = new Set(opts.nodes ?? CORE_NODES)
  const models = opts.models ?? {}
  const steps = opts.steps ?? 4
  const stepMs = opts.stepMs ?? 15
  let fault: ComfyFault = opts.fault ?? { kind: 'none' }
  const version = opts.version ?? 'latest'
  const historyLagMs = opts.historyLagMs ?? 20
  // A restart bumps the generation: the prompt that was running stops without a trace.
  let generation = 0
  const numbers = new Map<string, number>()
  let promptPosts = 0
  let number = 0

  const sockets = new Map<string, WebSocket>()
  const history: Record<string, unknown> = {}
  const pending: QueuedPrompt[] = []
  let running: { promptId: string; interrupted: boolean; prompt: QueuedPrompt } | undefined
  let worker: Promise<void> | undefined
  let closing = false

  const state: ComfyServer = {
    url: '',
    requests: [],
    prompts: [],
    uploads: [],
    interrupts: [],
    queueDeletes: [],
    socketsOpened: 0,
    rendered: new Map(),
    inputDir: dirs.input,
    started: [],
    restart: async (downMs) => {
      generation++
      pending.length = 0
      running = undefined
      for (const id of Object.keys(history)) delete history[id]
      for (const ws of sockets.values()) ws.terminate()
      sockets.clear()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await sleep(downMs)
      number = 0
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()))
    },
    setFault: (f) => {
      fault = f
      promptPosts = 0
    },
    close: async () => {
      closing = true
      if (running) running.interrupted = true
      for (const ws of sockets.values()) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await worker?.catch(() => {})
      rmSync(root, { recursive: true, force: true })
    },
  }

  const queueRemaining = () => pending.length + (running ? 1 : 0)
  const send = (clientId: string, type: string, data: unknown) => {
    const ws = sockets.get(clientId)
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type, data }))
  }
  const broadcast = (type: string, data: unknown) => {
    for (const id of sockets.keys()) send(id, type, data)
  }

  // ---- the "model": renders what the graph asks for ----------------------------------------

  function findNumber(prompt: QueuedPrompt['prompt'], names: string[]): number | undefined {
    for (const node of Object.values(prompt)) for (const n of names) if (typeof node.inputs[n] === 'number') return node.inputs[n] as number
    return undefined
  }

  async function render(q: QueuedPrompt, outNode: string): Promise<Record<string, unknown>> {
    // The clip length: the largest of the batch/length inputs (Wan nodes carry batch_size 1 beside length).
    const requested = Math.max(1, ...Object.values(q.prompt).flatMap((n) => FRAME_INPUTS.map((k) => n.inputs[k]).filter((v): v is number => typeof v === 'number')))
    const made = Math.max(1, opts.frameCount ? opts.frameCount(requested) : requested)
    const seed = findNumber(q.prompt, ['seed', 'noise_seed']) ?? 0
    const width = findNumber(q.prompt, ['width']) ?? 64
    const height = findNumber(q.prompt, ['height']) ?? 64
    state.rendered.set(q.promptId, { requested, made, seed, width, height })
    const node = q.prompt[outNode]
    const prefix = String(node.inputs.filename_prefix ?? 'ComfyUI')
    const slash = prefix.lastIndexOf('/')
    const subfolder = slash >= 0 ? prefix.slice(0, slash) : ''
    const base = slash >= 0 ? prefix.slice(slash + 1) : prefix
    const folder = join(dirs.output, subfolder)
    mkdirSync(folder, { recursive: true })
    const canvas = createCanvas(width, height)
    const ctx = canvas.getContext('2d')
    const pngs: string[] = []
    const loads = Object.values(q.prompt).filter((n) => n.class_type === 'LoadImage')
    const initNode = loads.find((n) => /init|first/i.test(String((n as { _meta?: { title?: string } })._meta?.title ?? ''))) ?? loads[0]
    const initFile = opts.motion && initNode ? join(dirs.input, String(initNode.inputs.image)) : undefined
    const init = initFile && existsSync(initFile) ? await loadImage(initFile) : undefined
    for (let i = 0; i < made; i++) {
      if (init) {
        const x = -((i * opts.motion!.dx) % width)
        ctx.drawImage(init, x, 0, width, height)
        ctx.drawImage(init, x + width, 0, width, height)
      } else {
        const [r, g, b] = frameColour(seed, i)
        ctx.fillStyle = `rgb(${r},${g},${b})`
        ctx.fillRect(0, 0, width, height)
      }
      const name = `${base}_${String(i + 1).padStart(5, '0')}_.png`
      writeFileSync(join(folder, name), canvas.encodeSync('png'))
      pngs.push(name)
    }
    if (node.class_type === 'VHS_VideoCombine') {
      // VideoHelperSuite: one mp4, listed under "gifs" with its format.
      const name = `${base}_00001.mp4`
      const rate = typeof node.inputs.frame_rate === 'number' ? node.inputs.frame_rate : 8
      await runFfmpeg(['-framerate', String(rate), '-i', join(folder, `${base}_%05d_.png`), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12', join(folder, name)])
      for (const p of pngs) rmSync(join(folder, p))
      return { gifs: [{ filename: name, subfolder, type: 'output', format: 'video/h264-mp4', frame_rate: rate }] }
    }
    return { images: pngs.map((filename) => ({ filename, subfolder, type: node.class_type === 'PreviewImage' ? 'temp' : 'output' })) }
  }

  /** Dependency order (inputs first), as ComfyUI executes from the output node. */
  function order(prompt: QueuedPrompt['prompt'], outNode: string): string[] {
    const seen = new Set<string>()
    const out: string[] = []
    const visit = (id: string) => {
      if (seen.has(id) || !prompt[id]) return
      seen.add(id)
      for (const v of Object.values(prompt[id].inputs)) if (Array.isArray(v) && typeof v[0] === 'string' && v.length === 2) visit(v[0])
      out.push(id)
    }
    visit(outNode)
    return out
  }

  async function execute(q: QueuedPrompt): Promise<void> {
    const { promptId, clientId } = q
    const me = { promptId, interrupted: false, prompt: q }
    running = me
    state.started.push(promptId)
    const gen = generation
    const dead = () => gen !== generation || closing
    const now = () => Date.now()
    const messages: Array<[string, unknown]> = []
    const message = (type: string, data: Record<string, unknown>) => {
      messages.push([type, data])
      send(clientId, type, data)
    }
    broadcast('status', { status: { exec_info: { queue_remaining: queueRemaining() } } })
    message('execution_start', { prompt_id: promptId, timestamp: now() })
    message('execution_cached', { nodes: [], prompt_id: promptId, timestamp: now() })
    const outNode = Object.keys(q.prompt).find((id) => OUTPUT_CLASSES.has(q.prompt[id].class_type))!
    const executed: string[] = []
    let outputs: Record<string, unknown> = {}
    let failed = false
    const finish = (ok: boolean) => {
      history[promptId] = {
        prompt: [numbers.get(promptId) ?? 0, promptId, q.prompt, { client_id: clientId }, [outNode]],
        outputs,
        status: { status_str: ok ? 'success' : 'error', completed: ok, messages },
        meta: {},
      }
    }
    const interrupted = (nodeId: string) => {
      message('execution_interrupted', { prompt_id: promptId, node_id: nodeId, node_type: q.prompt[nodeId].class_type, executed, timestamp: now() })
      failed = true
    }
    for (const id of order(q.prompt, outNode)) {
      if (me.interrupted) {
        interrupted(id)
        break
      }
      send(clientId, 'executing', { node: id, display_node: id, prompt_id: promptId })
      const cls = q.prompt[id].class_type
      if (SAMPLER_CLASSES.has(cls)) {
        if (fault.kind === 'hang') {
          while (!me.interrupted && !dead()) await sleep(20)
          if (dead()) return
          interrupted(id)
          break
        }
        for (let k = 1; k <= steps && !me.interrupted; k++) {
          await sleep(stepMs)
          if (dead()) return
          send(clientId, 'progress', { value: k, max: steps, prompt_id: promptId, node: id })
          // Noise the client must ignore: another prompt's progress, and a binary preview.
          send(clientId, 'progress', { value: 1, max: 1, prompt_id: 'someone-elses-prompt', node: '3' })
          const ws = sockets.get(clientId)
          if (ws && ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 1]), Buffer.from('not really a jpeg')]))
          if (k === 1 && fault.kind === 'ws-close') sockets.get(clientId)?.terminate()
        }
        if (me.interrupted) {
          interrupted(id)
          break
        }
        if (fault.kind === 'execution-error') {
          message('execution_error', {
            prompt_id: promptId, node_id: id, node_type: cls, executed,
            exception_message: fault.message, exception_type: fault.exceptionType ?? 'RuntimeError',
            traceback: ['  File "execution.py", line 1, in execute\n'], current_inputs: {}, current_outputs: {}, timestamp: now(),
          })
          failed = true
          break
        }
      }
      if (id === outNode) {
        const out = await render(q, outNode)
        if (dead()) return
        outputs = { [outNode]: out }
        send(clientId, 'executed', { node: id, display_node: id, output: out, prompt_id: promptId })
      }
      executed.push(id)
    }
    if (!failed) message('execution_success', { prompt_id: promptId, timestamp: now() })
    // The real server writes the history entry only after execute() has returned.
    await sleep(historyLagMs)
    if (dead()) return
    finish(!failed)
    running = undefined
    send(clientId, 'executing', { node: null, prompt_id: promptId })
    broadcast('status', { status: { exec_info: { queue_remaining: queueRemaining() } } })
  }

  function pump(): void {
    if (worker || closing) return
    worker = (async () => {
      while (pending.length && !closing) await execute(pending.shift()!)
    })().finally(() => {
      worker = undefined
      if (pending.length && !closing) pump()
    })
  }

  // ---- validation with ComfyUI's error shapes ----------------------------------------------

  function validate(prompt: QueuedPrompt['prompt']): { status: number; body: unknown } | undefined {
    for (const [id, node] of Object.entries(prompt)) {
      const rejected = fault.kind === 'reject-prompt' && fault.classType === node.class_type
      if (!nodes.has(node.class_type) || (rejected && fault.kind === 'reject-prompt' && fault.style !== 'value-not-in-list')) {
        if ((fault.kind === 'reject-prompt' && fault.style === 'invalid-prompt') || version !== 'latest')
          return {
            status: 400,
            body: {
              error: { type: 'invalid_prompt', message: `Cannot execute because node ${node.class_type} does not exist.`, details: `Node ID '#${id}'`, extra_info: {} },
              node_errors: version === '2024-12' ? [] : {},
            },
          }
        return {
          status: 400,
          body: {
            error: {
              type: 'missing_node_type',
              message: `Node '${node.class_type}' not found. The custom node may not be installed.`,
              details: `Node ID '#${id}'`,
              extra_info: { node_id: id, class_type: node.class_type, node_title: node.class_type },
            },
            node_errors: {},
          },
        }
      }
    }
    const outNode = Object.keys(prompt).find((id) => OUTPUT_CLASSES.has(prompt[id].class_type))
    if (!outNode) return { status: 400, body: { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} }, node_errors: [] } }
    const nodeErrors: Record<string, unknown> = {}
    for (const [id, node] of Object.entries(prompt)) {
      const errors: unknown[] = []
      for (const [input, value] of Object.entries(node.inputs)) {
        if ((node.class_type === 'LoadImage' && input === 'image') || (node.class_type === 'LoadAudio' && input === 'audio')) {
          if (typeof value !== 'string' || !existsSync(join(dirs.input, value)))
            errors.push({ type: 'custom_validation_failed', message: 'Custom validation failed for node', details: `${input} - Invalid ${input} file: ${String(value)}`, extra_info: { input_name: input } })
        }
        const choices = models[input]
        const forced = fault.kind === 'reject-prompt' && fault.style === 'value-not-in-list' && fault.classType === node.class_type && input.endsWith('_name')
        if ((choices && typeof value === 'string' && !choices.includes(value)) || forced)
          errors.push({ type: 'value_not_in_list', message: 'Value not in list', details: `${input}: '${String(value)}' not in ${JSON.stringify(forced ? [] : choices)}`, extra_info: { input_name: input, received_value: value } })
      }
      if (errors.length) nodeErrors[id] = { errors, dependent_outputs: [outNode], class_type: node.class_type }
    }
    if (Object.keys(nodeErrors).length)
      return {
        status: 400,
        body: { error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} }, node_errors: nodeErrors },
      }
    return undefined
  }

  function objectInfo(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const cls of nodes) {
      const recorded = opts.objectInfo?.[cls]
      if (recorded) {
        out[cls] = withModels(structuredClone(recorded) as { input?: Record<string, Record<string, unknown[]>> })
        continue
      }
      const required: Record<string, unknown> = {}
      for (const [input, choices] of Object.entries(models)) {
        // UNETLoader uses the v3 schema's COMBO spelling; the others the classic list.
        required[input] = cls === 'UNETLoader' ? ['COMBO', { options: choices }] : [choices, {}]
      }
      out[cls] = { input: { required, optional: {} }, output: [], output_name: [], name: cls, display_name: cls, description: '', category: 'test', output_node: OUTPUT_CLASSES.has(cls), python_module: 'nodes' }
    }
    return out
  }

  /** A recorded entry with its file combos listing this server's files (`models`, by input name). */
  function withModels(info: { input?: Record<string, Record<string, unknown[]>> }): unknown {
    for (const group of Object.values(info.input ?? {}))
      for (const [name, spec] of Object.entries(group)) {
        const files = models[name]
        if (!files || !Array.isArray(spec)) continue
        if (Array.isArray(spec[0])) spec[0] = [...files]
        else if (spec[0] === 'COMBO' && spec[1] && typeof spec[1] === 'object') (spec[1] as { options: string[] }).options = [...files]
      }
    return info
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async function body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(value))
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    state.requests.push({ method: req.method ?? '', path: url.pathname + url.search })
    const route = `${req.method} ${url.pathname}`
    if (route === 'GET /object_info') {
      if (fault.kind === 'stall-object-info') return // the client's request timeout has to fire
      if (fault.kind === 'garbage' && fault.endpoint === 'object_info') return json(res, 200, ['not', 'an', 'object'])
      return json(res, 200, objectInfo())
    }
    if (route === 'POST /prompt') {
      const raw = await body(req)
      promptPosts++
      if (fault.kind === 'http-500' && promptPosts <= fault.times) {
        res.writeHead(500, { 'content-type': 'text/plain' })
        return void res.end('500: Internal Server Error')
      }
      if (fault.kind === 'garbage' && fault.endpoint === 'prompt') {
        res.writeHead(200, { 'content-type': 'text/html' })
        return void res.end('<html><body>Welcome to nginx!</body></html>')
      }
      const data = JSON.parse(raw.toString('utf8')) as { prompt?: QueuedPrompt['prompt']; client_id?: string }
      if (!data.prompt) return json(res, 400, { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} })
      const invalid = validate(data.prompt)
      if (invalid) return json(res, invalid.status, invalid.body)
      const q: QueuedPrompt = { promptId: randomUUID(), clientId: data.client_id ?? '', prompt: data.prompt }
      state.prompts.push(q)
      pending.push(q)
      numbers.set(q.promptId, number)
      json(res, 200, { prompt_id: q.promptId, number: number++, node_errors: {} })
      pump()
      return
    }
    if (req.method === 'GET' && url.pathname.startsWith('/history/')) {
      if (fault.kind === 'garbage' && fault.endpoint === 'history') return json(res, 200, { oops: 'no' })
      const id = decodeURIComponent(url.pathname.slice('/history/'.length))
      return json(res, 200, history[id] ? { [id]: history[id] } : {})
    }
    if (route === 'GET /queue') {
      const item = (p: QueuedPrompt) => [numbers.get(p.promptId) ?? 0, p.promptId, p.prompt, { client_id: p.clientId }, []]
      return json(res, 200, { queue_running: running ? [item(running.prompt)] : [], queue_pending: pending.map(item) })
    }
    if (route === 'GET /view') {
      const filename = url.searchParams.get('filename') ?? ''
      const type = url.searchParams.get('type') ?? 'output'
      const base = type === 'input' ? dirs.input : type === 'temp' ? dirs.temp : dirs.output
      if (!filename || filename.startsWith('/') || filename.includes('..')) return void res.writeHead(400).end()
      const file = resolve(base, url.searchParams.get('subfolder') ?? '', filename)
      if (!file.startsWith(base + sep)) return void res.writeHead(403).end()
      if (!existsSync(file)) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file.endsWith('.mp4') ? 'video/mp4' : 'image/png', 'content-length': statSync(file).size, 'content-disposition': `filename="${filename}"` })
      createReadStream(file).pipe(res)
      return
    }
    if (route === 'POST /upload/image') {
      const raw = await body(req)
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData()
      const image = form.get('image')
      if (!image || typeof image === 'string' || !image.name) return void res.writeHead(400).end()
      const bytes = Buffer.from(await image.arrayBuffer())
      const path = join(dirs.input, image.name)
      writeFileSync(path, bytes)
      state.uploads.push({ name: image.name, type: String(form.get('type') ?? ''), overwrite: form.get('overwrite') as string | null, size: bytes.length, path })
      return json(res, 200, { name: image.name, subfolder: '', type: 'input' })
    }
    if (route === 'POST /interrupt') {
      const raw = (await body(req)).toString('utf8')
      let data: { prompt_id?: string } = {}
      try {
        data = raw ? (JSON.parse(raw) as { prompt_id?: string }) : {}
      } catch {
        data = {}
      }
      state.interrupts.push(data)
      // Since September 2025: only the named prompt, when it is the one running; no id (or an
      // older server): whatever runs.
      if (running && (version === '2024-12' || !data.prompt_id || data.prompt_id === running.promptId)) running.interrupted = true
      return void res.writeHead(200).end()
    }
    if (route === 'POST /queue') {
      const data = JSON.parse((await body(req)).toString('utf8')) as { delete?: string[]; clear?: boolean }
      if (data.delete) {
        state.queueDeletes.push(data.delete)
        for (const id of data.delete) {
          const i = pending.findIndex((p) => p.promptId === id)
          if (i >= 0) pending.splice(i, 1)
        }
      }
      return void res.writeHead(200).end()
    }
    res.writeHead(404).end()
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err.stack ?? err))
    })
  })
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname !== '/ws' || opts.noWebsocket) return socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') || randomUUID().replace(/-/g, '')
      sockets.get(sid)?.terminate()
      sockets.set(sid, ws)
      state.socketsOpened++
      ws.on('close', () => {
        if (sockets.get(sid) === ws) sockets.delete(sid)
      })
      ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: queueRemaining() } }, sid } }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as AddressInfo).port
  state.url = `http://127.0.0.1:${port}`
  return state
}
