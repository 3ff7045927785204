/**
 * HTTP to a ComfyUI server: the base URL, per-request timeouts, retries with exponential backoff
 * for connection errors and 5xx (never for 4xx: the server understood and refused), zod-checked
 * JSON. Errors become ComfyError subclasses naming the endpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { z } from 'zod'
import { abortError } from '../../../ffmpeg/index.js'
import { ComfyConnectionError, ComfyError, ComfyHttpError, ComfyProtocolError, ComfyTimeoutError } from './errors.js'

export interface HttpOptions {
  /** Per-request limit (headers and body), ms. */
  requestTimeoutMs: number
  /** Attempts after the first for connection errors and 5xx. */
  retries: number
  /** First backoff delay, ms; doubles each retry. */
  retryDelayMs: number
  onLog?: (line: string) => void
}

export interface RequestSpec {
  method: 'GET' | 'POST'
  /** Path relative to the base URL, with its query string (no leading slash needed). */
  path: string
  /** JSON body (POST). */
  json?: unknown
  /** A body made fresh for every attempt (multipart uploads). */
  body?: () => Promise<FormData>
  signal?: AbortSignal
  /** Override of the per-request limit (downloads may be long). */
  timeoutMs?: number
  /** Retry timeouts too (only safe for reads). */
  retryTimeouts?: boolean
  /** Override of the retry count (cancellation calls must not linger). */
  retries?: number
}

/**
 * Checks a ComfyUI base URL: http or https, no credentials in it. Returns it normalised with a
 * trailing slash so relative paths resolve under a reverse-proxy prefix (https://host/comfy/).
 */
export function normaliseBaseUrl(url: string): URL {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new ComfyError('BAD_URL', `"${url}" is not a URL: give the ComfyUI server as http://host:port (the default port is 8188)`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ComfyError('BAD_URL', `ComfyUI URL must be http:// or https:// (got ${u.protocol}//): give it as http://host:8188`)
  if (u.username || u.password) throw new ComfyError('BAD_URL', 'ComfyUI URL must not carry a user name or password: put the server behind a proxy that adds them')
  u.search = ''
  u.hash = ''
  if (!u.pathname.endsWith('/')) u.pathname += '/'
  return u
}

/** The websocket URL for a client id: ws(s)://host/prefix/ws?clientId=… */
export function socketUrl(base: URL, clientId: string): string {
  const u = new URL('ws', base)
  u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  u.searchParams.set('clientId', clientId)
  return u.toString()
}

/** What went wrong with one attempt, and whether another attempt may help. */
interface Failure {
  error: Error
  retry: boolean
}

export class ComfyHttp {
  constructor(
    readonly base: URL,
    readonly opts: HttpOptions,
  ) {}

  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base)
  }

  /** The response of a 2xx answer; throws a ComfyError otherwise (after retries where they apply). */
  async request(spec: RequestSpec): Promise<Response> {
    const endpoint = `${spec.method} /${spec.path.replace(/^\/+/, '').split('?')[0]}`
    let delay = this.opts.retryDelayMs
    for (let attempt = 0; ; attempt++) {
      if (spec.signal?.aborted) throw abortError(spec.signal)
      const r = await this.attempt(spec, endpoint)
      if (r instanceof Response) return r
      const retries = spec.retries ?? this.opts.retries
      if (!r.retry || attempt >= retries) throw r.error
      this.opts.onLog?.(`${endpoint}: ${r.error.message}; retry ${attempt + 1} of ${retries} in ${delay} ms`)
      try {
        await sleep(delay, undefined, { signal: spec.signal })
      } catch {
        throw abortError(spec.signal!)
      }
      delay *= 2
    }
  }

  private async attempt(spec: RequestSpec, endpoint: string): Promise<Response | Failure> {
    const limit = spec.timeoutMs ?? this.opts.requestTimeoutMs
    const timer = new AbortController()
    // The reason travels with the abort, so a body read cut by the timer says "timeout" too.
    const timeout = new ComfyTimeoutError(`${endpoint} got no answer within ${limit} ms from ${this.base.origin}`, limit)
    const t = setTimeout(() => timer.abort(timeout), limit)
    const signal = spec.signal ? AbortSignal.any([spec.signal, timer.signal]) : timer.signal
    try {
      const init: RequestInit = { method: spec.method, signal }
      if (spec.json !== undefined) {
        init.body = JSON.stringify(spec.json)
        init.headers = { 'content-type': 'application/json' }
      } else if (spec.body) init.body = await spec.body()
      const res = await fetch(this.url(spec.path), init)
      if (res.ok) {
        // The body may still be streaming: keep the timer running until it has been read.
        return withTimerCleared(res, t)
      }
      clearTimeout(t)
      const text = await res.text().catch(() => '')
      const excerpt = text.slice(0, 2000)
      const error = new ComfyHttpError(`${endpoint} answered ${res.status} ${res.statusText}${excerpt ? `: ${oneLine(excerpt, 300)}` : ''}`, res.status, endpoint, excerpt)
      return { error, retry: res.status >= 500 }
    } catch (err) {
      clearTimeout(t)
      if (spec.signal?.aborted) throw abortError(spec.signal)
      if (timer.signal.aborted) return { error: timeout, retry: spec.retryTimeouts === true }
      if (err instanceof ComfyError) return { error: err, retry: false }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      const why = cause?.code ?? cause?.message ?? (err as Error).message
      return {
        error: new ComfyConnectionError(`cannot reach the ComfyUI server at ${this.base.origin} (${endpoint}: ${why}): is it running, and is the URL right?`, { cause: err }),
        retry: true,
      }
    }
  }

  /** GET or POST answering JSON, validated by `schema`. Garbage is a ComfyProtocolError. */
  async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.infer<S>> {
    const endpoint = `${spec.method} /${spec.path.replace(/^\/+/, '').split('?')[0]}`
    const res = await this.request(spec)
    let text: string
    try {
      text = await res.text()
    } catch (err) {
      if (spec.signal?.aborted) throw abortError(spec.signal)
      if (err instanceof ComfyError) throw err
      throw new ComfyConnectionError(`${endpoint}: the connection to ${this.base.origin} broke while reading the answer (${(err as Error).message})`, { cause: err })
    }
    return parseJson(text, schema, endpoint, this.base.origin)
  }
}

/** Parses and validates a JSON body; says which endpoint sent garbage and what it looked like. */
export function parseJson<S extends z.ZodType>(text: string, schema: S, endpoint: string, origin: string): z.infer<S> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ComfyProtocolError(`${endpoint} at ${origin} did not answer JSON (got "${oneLine(text, 120)}"): is this a ComfyUI server?`, endpoint)
  }
  const r = schema.safeParse(value)
  if (!r.success) {
    const issue = r.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : '(root)'
    throw new ComfyProtocolError(
      `${endpoint} at ${origin} answered JSON ComfyUI does not send (${where}: ${issue?.message ?? 'invalid'}; got ${oneLine(text, 120)}): is this a ComfyUI server, and a recent one?`,
      endpoint,
    )
  }
  return r.data
}

function withTimerCleared(res: Response, t: NodeJS.Timeout): Response {
  const body = res.body
  if (!body) {
    clearTimeout(t)
    return res
  }
  // Clear the request timer once the body has been consumed or cancelled.
  const reader = body.getReader()
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          clearTimeout(t)
          controller.close()
        } else controller.enqueue(value)
      } catch (err) {
        clearTimeout(t)
        controller.error(err)
      }
    },
    cancel(reason) {
      clearTimeout(t)
      return reader.cancel(reason)
    },
  })
  return new Response(stream, { status: res.status, statusText: res.statusText, headers: res.headers })
}

export function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}
