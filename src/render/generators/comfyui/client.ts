/**
 * A client for ComfyUI's HTTP + websocket API (server.py): GET /object_info, POST /prompt,
 * the /ws progress stream, GET /history/{id}, GET /view, POST /upload/image, POST /interrupt and
 * GET and POST /queue. `run` queues a workflow and follows it to the end, with a time limit and
 * cancellation that touches only its own prompt, and survives a server restart by waiting for
 * the server and queueing the workflow again.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream, openAsBlob } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { abortError } from '../../../ffmpeg/index.js'
import { missingModelError, missingModelFiles, missingNodeClasses, missingNodeError, promptRejectionError } from './check.js'
import { ComfyConnectionError, ComfyError, ComfyExecutionError, ComfyHttpError, ComfyInterruptedError, ComfyPromptLostError, ComfyProtocolError } from './errors.js'
import { ComfyHttp, normaliseBaseUrl, oneLine, socketUrl } from './http.js'
import { ExecutionErrorData, History, ObjectInfo, PromptQueued, QueueInfo, UploadResult, type ApiWorkflow, type HistoryEntry, type OutputFile } from './protocol.js'
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
  /** How long to wait for a server that went away mid-prompt (a restart) before giving up, ms (default 60 000). */
  restartWaitMs?: number
  /** How many times a prompt the server lost (restarted) is queued again (default 2). */
  resubmits?: number
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
  private readonly restartWaitMs: number
  private readonly resubmits: number
  private readonly onLog?: (line: string) => void

  constructor(opts: ComfyClientOptions) {
    this.base = normaliseBaseUrl(opts.url)
    this.origin = this.base.origin + this.base.pathname.replace(/\/$/, '')
    this.onLog = opts.onLog
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000
    this.restartWaitMs = opts.restartWaitMs ?? 60_000
    this.resubmits = opts.resubmits ?? 2
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

  /**
   * GET /queue: whether the prompt is running, waiting, or neither (finished, or forgotten by a
   * restart: the queue and the history live in the server's memory).
   */
  async queuePlace(promptId: string, opts: { signal?: AbortSignal; retries?: number; timeoutMs?: number } = {}): Promise<'running' | 'pending' | 'absent'> {
    const q = await this.http.json({ method: 'GET', path: 'queue', signal: opts.signal, retryTimeouts: true, retries: opts.retries, timeoutMs: opts.timeoutMs }, QueueInfo)
    if (q.queue_running.some((item) => item[1] === promptId)) return 'running'
    if (q.queue_pending.some((item) => item[1] === promptId)) return 'pending'
    return 'absent'
  }

  /**
   * POST /interrupt {prompt_id}. Servers since September 2025 stop only that prompt; older ones
   * ignore the id and stop whatever runs, so call this only for a prompt seen running.
   */
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
   * A server that stops answering mid-prompt is waited for (restartWaitMs); a prompt it no longer
   * has (queue and history are lost in a restart) is queued again, up to `resubmits` times.
   * When `signal` aborts (the caller's cancellation or the shot's time limit, whose reason is a
   * ComfyTimeoutError), the prompt is removed from the queue if it waits, or interrupted if it
   * runs, and the promise rejects with the signal's reason.
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
    const connect = async () => {
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
        dropped = false
      } catch (err) {
        if (signal.aborted) throw abortError(signal)
        dropped = true
        log(`${(err as Error).message}: following the prompt by polling /history`)
      }
    }
    await connect()

    let promptId: string | undefined
    try {
      for (let submission = 0; ; submission++) {
        const queue = () => this.queuePrompt(workflow, clientId, opts.workflowName, signal, opts.nodeHints)
        // A resubmission follows a restart: the server may still be coming up.
        const queued = submission === 0 ? await queue() : await this.reachable(queue, signal, log)
        promptId = queued.prompt_id
        state = initialRunState(promptId, Object.keys(workflow).length)
        for (const [t, d] of early.splice(0)) onMessage(t, d)
        log(`queued prompt ${promptId} (position ${queued.number})`)
        const outcome = await this.follow(promptId, () => state!, () => dropped, (w) => (wake = w), signal, log)
        if (outcome !== LOST) {
          opts.onProgress?.(1)
          return { promptId, entry: outcome }
        }
        const lost = `the ComfyUI server at ${this.origin} no longer has prompt ${promptId} (it is neither queued, running nor in its history: the server was restarted?)`
        if (submission >= this.resubmits)
          throw new ComfyPromptLostError(`${lost}; workflow "${opts.workflowName}" was queued ${submission + 1} times and lost each time: check the server's log, then render again`)
        log(`${lost}: queueing the workflow again (${submission + 1} of ${this.resubmits})`)
        state = undefined
        promptId = undefined
        if (dropped) {
          socket?.close()
          await connect()
        }
      }
    } catch (err) {
      if (signal.aborted && promptId) await this.cancel(promptId, log)
      if (signal.aborted) throw abortError(signal)
      throw err
    } finally {
      socket?.close()
    }
  }

  /**
   * Waits until the prompt ends, by websocket state or by polling; returns its history entry, or
   * LOST when the server no longer has the prompt anywhere.
   */
  private async follow(
    promptId: string,
    getState: () => RunState,
    isDropped: () => boolean,
    setWake: (w: (() => void) | undefined) => void,
    signal: AbortSignal,
    log: (s: string) => void,
  ): Promise<HistoryEntry | typeof LOST> {
    // With a live socket /history is still read now and then: a message lost in a restart
    // must not leave us waiting forever.
    const slowPoll = Math.max(5000, this.pollIntervalMs * 10)
    let sincePoll = 0
    let doneAt: number | undefined
    let lagWait = 0
    let lagLogged = false
    for (;;) {
      if (signal.aborted) throw abortError(signal)
      const s = getState()
      if (s.status === 'error' && s.error) throw executionError(s.error, this.origin)
      if (s.status === 'interrupted') throw interruptedError(promptId, this.origin, s.interruptedAt)
      const socketDone = s.status === 'done'
      const polling = isDropped()
      if (socketDone || polling || sincePoll >= slowPoll) {
        sincePoll = 0
        const found = await this.reachable(() => this.locate(promptId, signal), signal, log)
        if (found === LOST) return LOST
        if (found !== 'queued') return finishedEntry(found, promptId, this.origin)
        if (socketDone) {
          // The server sends execution_success before it writes the history entry (main.py
          // records it once execute() returns): a short gap is normal, a long one is news.
          doneAt ??= Date.now()
          if (!lagLogged && Date.now() - doneAt >= HISTORY_LAG_NOTE_MS) {
            lagLogged = true
            log(`the websocket said done ${Math.round((Date.now() - doneAt) / 1000)} s ago and /history has no entry yet; still polling`)
          }
        }
      }
      let wait = polling ? this.pollIntervalMs : Math.min(this.pollIntervalMs, slowPoll)
      if (socketDone) wait = lagWait = Math.min(this.pollIntervalMs, lagWait ? lagWait * 2 : 20)
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

  /** The prompt's history entry; 'queued' while the server runs or holds it; LOST when it has neither. */
  private async locate(promptId: string, signal: AbortSignal): Promise<HistoryEntry | 'queued' | typeof LOST> {
    const entry = await this.history(promptId, signal)
    if (entry) return entry
    let place: 'running' | 'pending' | 'absent'
    try {
      place = await this.queuePlace(promptId, { signal })
    } catch (err) {
      // A proxy that does not pass /queue: no way to tell a lost prompt, keep waiting.
      if (err instanceof ComfyHttpError && err.status < 500) return 'queued'
      throw err
    }
    if (place !== 'absent') return 'queued'
    // It may have finished between the two reads (the server moves it from queue to history at once).
    return (await this.history(promptId, signal)) ?? LOST
  }

  /**
   * `call`, waiting for the server when it cannot be reached (refused, reset, a proxy's 502–504)
   * for up to restartWaitMs, then trying again.
   */
  private async reachable<T>(call: () => Promise<T>, signal: AbortSignal, log: (s: string) => void): Promise<T> {
    for (;;) {
      try {
        return await call()
      } catch (err) {
        if (signal.aborted || !serverAway(err)) throw err
        await this.waitForServer(err as ComfyError, signal, log)
      }
    }
  }

  private async waitForServer(why: ComfyError, signal: AbortSignal, log: (s: string) => void): Promise<void> {
    const started = Date.now()
    const limit = `${Math.round(this.restartWaitMs / 1000)} s`
    log(`${why.message}; waiting up to ${limit} for the server to come back (a restart?)`)
    const probeMs = Math.min(1000, this.pollIntervalMs)
    for (;;) {
      const left = this.restartWaitMs - (Date.now() - started)
      if (left <= 0)
        throw new ComfyConnectionError(
          `the ComfyUI server at ${this.origin} went away mid-prompt and did not come back within ${limit} (${why.message}); restart it and render again (finished shots are kept)`,
          { cause: why },
        )
      try {
        await sleep(Math.min(probeMs, left), undefined, { signal })
      } catch {
        throw abortError(signal)
      }
      try {
        await (await this.http.request({ method: 'GET', path: 'queue', signal, retries: 0, timeoutMs: Math.max(1000, Math.min(5000, left)) })).arrayBuffer()
        log(`the server is back after ${((Date.now() - started) / 1000).toFixed(1)} s`)
        return
      } catch (err) {
        if (signal.aborted) throw abortError(signal)
        if (!(err instanceof ComfyError)) throw err
      }
    }
  }

  /**
   * Takes our prompt off the server without touching anyone else's: deleted from the queue while
   * it waits, interrupted (with its id) only while GET /queue shows it running, since servers
   * before September 2025 stop whatever runs. Best effort, each call bounded.
   */
  private async cancel(promptId: string, log: (s: string) => void): Promise<void> {
    const bounded = { retries: 0, timeoutMs: 5000 }
    try {
      let place = await this.queuePlace(promptId, bounded)
      if (place === 'pending') {
        await this.deleteQueued(promptId)
        // It may have started between the two calls.
        place = await this.queuePlace(promptId, bounded)
        if (place !== 'running') return log(`removed prompt ${promptId} from the server's queue`)
      }
      if (place === 'running') {
        await this.interrupt(promptId)
        log(`interrupted prompt ${promptId}`)
      }
    } catch (err) {
      log(`could not cancel prompt ${promptId} on the server: ${(err as Error).message}`)
    }
  }
}

/** follow's answer for a prompt the server no longer has. */
const LOST = Symbol('lost')
/** How long a history entry may lag the websocket's "done" before it is worth a log line, ms. */
const HISTORY_LAG_NOTE_MS = 5000

/** Errors that mean the server is not there right now (down, restarting, behind a proxy that says so). */
function serverAway(err: unknown): boolean {
  if (err instanceof ComfyConnectionError) return true
  return err instanceof ComfyHttpError && (err.status === 502 || err.status === 503 || err.status === 504)
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
