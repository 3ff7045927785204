/**
 * A client for ComfyUI's HTTP + websocket API (server.py): GET /object_info, POST /prompt,
 * the /ws progress stream, GET /history/{id}, GET /view, POST /upload/image, POST /interrupt and
 * POST /queue. `run` queues a workflow and follows it to the end, with a time limit and
 * cancellation that interrupts the prompt on the server.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream, openAsBlob } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { abortError } from '../../../ffmpeg/index.js'
import { missingModelError, missingModelFiles, missingNodeClasses, missingNodeError, promptRejectionError } from './check.js'
import { ComfyConnectionError, ComfyError, ComfyExecutionError, ComfyHttpError, ComfyInterruptedError, ComfyProtocolError } from './errors.js'
import { ComfyHttp, normaliseBaseUrl, oneLine, socketUrl } from './http.js'
import { ExecutionErrorData, History, ObjectInfo, PromptQueued, UploadResult, type ApiWorkflow, type HistoryEntry, type OutputFile } from './protocol.js'
import { openComfySocket, type ComfySocket } from './socket.js'
import { applyMessage, initialRunState, runFraction, type RunState } from './tracker.js'

export interface ComfyClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8188 (a path prefix is kept). */
  url: string
  /** Per-request limit, ms (default 30 000). */
  requestTimeoutMs?: number
  /** Websocket handshake limit, ms (default 10 000). */
  connectTimeoutMs?: number
  /** Retries for connection errors and 5xx (default 3). */
  retries?: number
  /** First backoff delay, ms (default 500, doubling). */
  retryDelayMs?: number
  /** How often /history is polled when the websocket is gone, ms (default 1000). */
  pollIntervalMs?: number
  onLog?: (line: string) => void
}

export interface RunOptions {
  /** Template name, for messages. */
  workflowName: string
  signal: AbortSignal
  /** Fraction of this prompt done, 0..1. */
  onProgress?: (fraction: number) => void
  /** Custom node pack per class, for the missing-node message. */
  nodeHints?: Record<string, string>
}

export interface RunResult {
  promptId: string
  entry: HistoryEntry
}

export class ComfyClient {
  readonly base: URL
  readonly origin: string
  private readonly http: ComfyHttp
  private readonly connectTimeoutMs: number
  private readonly pollIntervalMs: number
  private readonly onLog?: (line: string) => void

  constructor(opts: ComfyClientOptions) {
    this.base = normaliseBaseUrl(opts.url)
    this.origin = this.base.origin + this.base.pathname.replace(/\/$/, '')
    this.onLog = opts.onLog
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000
    this.http = new ComfyHttp(this.base, {
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      retries: opts.retries ?? 3,
      retryDelayMs: opts.retryDelayMs ?? 500,
      onLog: opts.onLog,
    })
  }

  /** Every node class the server has, with its inputs (combo inputs list the model files). */
  objectInfo(signal?: AbortSignal): Promise<ObjectInfo> {
    return this.http.json({ method: 'GET', path: 'object_info', signal, retryTimeouts: true }, ObjectInfo)
  }

  /**
   * Fails with a ComfyMissingNodeError when the server lacks a node class of the workflow, and
   * with a ComfyMissingModelError when a fixed model-file input names a file it does not have.
   */
  async checkWorkflow(
    workflow: ApiWorkflow,
    name: string,
    opts: { signal?: AbortSignal; hints?: Record<string, string>; perShotInputs?: (nodeId: string, input: string) => boolean } = {},
  ): Promise<void> {
    const info = await this.objectInfo(opts.signal)
    const missing = missingNodeClasses(workflow, info)
    if (missing.length) throw missingNodeError(this.origin, name, missing, opts.hints)
    const models = missingModelFiles(workflow, info, opts.perShotInputs ?? (() => false))
    if (models.length) throw missingModelError(this.origin, name, models)
  }

  /** POST /prompt. A 400 becomes a ComfyPromptError naming the server's reason and node errors. */
  async queuePrompt(workflow: ApiWorkflow, clientId: string, name: string, signal?: AbortSignal, hints?: Record<string, string>): Promise<z.infer<typeof PromptQueued>> {
    try {
      return await this.http.json({ method: 'POST', path: 'prompt', json: { prompt: workflow, client_id: clientId }, signal }, PromptQueued)
    } catch (err) {
      if (err instanceof ComfyHttpError && err.status === 400) throw promptRejectionError(err, this.origin, name, hints)
      throw err
    }
  }

  /** GET /history/{id}: the entry once the prompt finished, undefined while it is queued or running. */
  async history(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | undefined> {
    const h = await this.http.json({ method: 'GET', path: `history/${encodeURIComponent(promptId)}`, signal, retryTimeouts: true }, History)
    return h[promptId]
  }

  /** GET /view, streamed to `dest` (written beside it and renamed: never half a file). */
  async download(file: OutputFile, dest: string, signal?: AbortSignal): Promise<void> {
    const q = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type })
    const res = await this.http.request({ method: 'GET', path: `view?${q}`, signal, retryTimeouts: true, timeoutMs: 5 * 60_000 })
    if (!res.body) throw new ComfyProtocolError(`GET /view sent no body for ${file.filename}`, 'GET /view')
    const tmp = `${dest}.${process.pid}.part`
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(tmp))
      await rename(tmp, dest)
    } catch (err) {
      await rm(tmp, { force: true })
      if (signal?.aborted) throw abortError(signal)
      if (err instanceof ComfyError) throw err
      throw new ComfyConnectionError(`GET /view of ${file.filename} from ${this.origin} broke off: ${(err as Error).message}`, { cause: err })
    }
  }

  /**
   * POST /upload/image (multipart: `image`, `type=input`, `overwrite=true`) of any file: the
   * endpoint stores what it gets, so audio goes the same way. Returns the name to put in a
   * LoadImage/LoadAudio input ("subfolder/name" when the server chose a subfolder).
   */
  async upload(path: string, name: string, signal?: AbortSignal): Promise<string> {
    const r = await this.http.json(
      {
        method: 'POST',
        path: 'upload/image',
        signal,
        body: async () => {
          const form = new FormData()
          form.append('image', await openAsBlob(path), name)
          form.append('type', 'input')
          form.append('overwrite', 'true')
          return form
        },
        timeoutMs: 5 * 60_000,
      },
      UploadResult,
    )
    return r.subfolder ? `${r.subfolder}/${r.name}` : r.name
  }

  /** POST /interrupt {prompt_id}: stops the prompt if it is the one running (older servers stop whatever runs). */
  async interrupt(promptId: string): Promise<void> {
    await (await this.http.request({ method: 'POST', path: 'interrupt', json: { prompt_id: promptId }, timeoutMs: 5000, retries: 0 })).arrayBuffer()
  }

  /** POST /queue {delete: [id]}: removes the prompt if it is still waiting. */
  async deleteQueued(promptId: string): Promise<void> {
    await (await this.http.request({ method: 'POST', path: 'queue', json: { delete: [promptId] }, timeoutMs: 5000, retries: 0 })).arrayBuffer()
  }

  /**
   * Queues a workflow and follows it to the end: websocket messages for progress and completion,
   * /history polling when the socket cannot be opened or drops. Resolves with the history entry.
   * When `signal` aborts (the caller's cancellation or the shot's time limit, whose reason is a
   * ComfyTimeoutError), the prompt is interrupted and removed from the queue, then the promise
   * rejects with the signal's reason.
   */
  async run(workflow: ApiWorkflow, opts: RunOptions): Promise<RunResult> {
    const { signal } = opts
    if (signal.aborted) throw abortError(signal)
    const clientId = randomUUID()
    const log = (s: string) => this.onLog?.(`${opts.workflowName}: ${s}`)
    let state: RunState | undefined
    const early: Array<[string, unknown]> = []
    let wake: (() => void) | undefined
    let dropped = false
    let lastFraction = -1

    const onMessage = (type: string, data: unknown) => {
      // Messages may arrive before POST /prompt has answered: keep them until we know our id.
      if (!state) {
        early.push([type, data])
        return
      }
      applyMessage(state, type, data)
      const f = runFraction(state)
      if (f > lastFraction) {
        lastFraction = f
        opts.onProgress?.(f)
      }
      if (state.status !== 'queued' && state.status !== 'running') wake?.()
    }

    let socket: ComfySocket | undefined
    try {
      socket = await openComfySocket(
        socketUrl(this.base, clientId),
        this.connectTimeoutMs,
        {
          onMessage,
          onDrop: (why) => {
            dropped = true
            log(`websocket closed (${why}): following the prompt by polling /history`)
            wake?.()
          },
          onGarbage: (excerpt) => log(`ignored a websocket message that is not ComfyUI JSON: ${oneLine(excerpt, 60)}`),
        },
        signal,
      )
    } catch (err) {
      if (signal.aborted) throw abortError(signal)
      dropped = true
      log(`${(err as Error).message}: following the prompt by polling /history`)
    }

    let promptId: string | undefined
    try {
      const queued = await this.queuePrompt(workflow, clientId, opts.workflowName, signal, opts.nodeHints)
      promptId = queued.prompt_id
      state = initialRunState(promptId, Object.keys(workflow).length)
      for (const [t, d] of early.splice(0)) onMessage(t, d)
      log(`queued prompt ${promptId} (position ${queued.number})`)
      const entry = await this.follow(promptId, () => state!, () => dropped, (w) => (wake = w), signal, log)
      opts.onProgress?.(1)
      return { promptId, entry }
    } catch (err) {
      if (signal.aborted && promptId) await this.cancel(promptId, log)
      if (signal.aborted) throw abortError(signal)
      throw err
    } finally {
      socket?.close()
    }
  }

  /** Waits until the prompt ends, by websocket state or by polling; returns its history entry. */
  private async follow(
    promptId: string,
    getState: () => RunState,
    isDropped: () => boolean,
    setWake: (w: (() => void) | undefined) => void,
    signal: AbortSignal,
    log: (s: string) => void,
  ): Promise<HistoryEntry> {
    // With a live socket /history is still read now and then: a message lost in a restart
    // must not leave us waiting forever.
    const slowPoll = Math.max(5000, this.pollIntervalMs * 10)
    let sincePoll = 0
    for (;;) {
      if (signal.aborted) throw abortError(signal)
      const s = getState()
      if (s.status === 'error' && s.error) throw executionError(s.error, this.origin)
      if (s.status === 'interrupted') throw interruptedError(promptId, this.origin, s.interruptedAt)
      const socketDone = s.status === 'done'
      const polling = isDropped()
      if (socketDone || polling || sincePoll >= slowPoll) {
        sincePoll = 0
        const entry = await this.history(promptId, signal)
        if (entry) return finishedEntry(entry, promptId, this.origin)
        if (socketDone) log('the websocket says done but /history has no entry yet; polling')
      }
      const wait = socketDone || polling ? this.pollIntervalMs : Math.min(this.pollIntervalMs, slowPoll)
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait)
        const onAbort = () => done()
        signal.addEventListener('abort', onAbort, { once: true })
        setWake(done)
        function done() {
          clearTimeout(t)
          signal.removeEventListener('abort', onAbort)
          setWake(undefined)
          resolve()
        }
      })
      sincePoll += wait
    }
  }

  /** Interrupts the prompt and drops it from the queue; best effort, each call bounded. */
  private async cancel(promptId: string, log: (s: string) => void): Promise<void> {
    const results = await Promise.allSettled([this.interrupt(promptId), this.deleteQueued(promptId)])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed.length) log(`could not cancel prompt ${promptId} on the server: ${failed.map((f) => (f.reason as Error).message).join('; ')}`)
    else log(`interrupted prompt ${promptId} and removed it from the queue`)
  }
}

/** A history entry of a finished prompt: its outputs, or the error recorded in its status. */
function finishedEntry(entry: HistoryEntry, promptId: string, origin: string): HistoryEntry {
  const status = entry.status
  if (status && status.status_str === 'error') {
    for (const [type, data] of status.messages) {
      if (type === 'execution_error') {
        const d = ExecutionErrorData.safeParse(data)
        if (d.success) throw executionError(d.data, origin)
      }
      if (type === 'execution_interrupted') {
        const d = ExecutionErrorData.safeParse(data)
        throw interruptedError(promptId, origin, d.success ? { nodeId: d.data.node_id, nodeType: d.data.node_type } : undefined)
      }
    }
    throw new ComfyExecutionError(`prompt ${promptId} failed on the ComfyUI server at ${origin} (its history says error, with no message)`, '', '', '', '')
  }
  return entry
}

function executionError(e: z.infer<typeof ExecutionErrorData>, origin: string): ComfyExecutionError {
  return new ComfyExecutionError(
    `node ${e.node_id} (${e.node_type || 'unknown type'}) failed on the ComfyUI server at ${origin}: ${e.exception_type ? `${e.exception_type}: ` : ''}${oneLine(e.exception_message, 400)}`,
    e.node_id,
    e.node_type,
    e.exception_type,
    e.exception_message,
  )
}

function interruptedError(promptId: string, origin: string, at?: { nodeId: string; nodeType: string }): ComfyInterruptedError {
  return new ComfyInterruptedError(
    `prompt ${promptId} was interrupted on the ComfyUI server at ${origin}${at ? ` at node ${at.nodeId} (${at.nodeType})` : ''} by someone else (the UI's Cancel, another client): render again`,
  )
}
