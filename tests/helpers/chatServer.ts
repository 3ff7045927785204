/**
 * A real loopback HTTP server speaking the OpenAI chat-completions protocol (non-streaming),
 * scripted by the test. It records every request so tests can assert what the client sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted answer. */
export type Reply =
  | { kind: 'json'; value: unknown; usage?: Usage }
  | { kind: 'tool'; name: string; args: unknown; rawArguments?: string; usage?: Usage }
  | { kind: 'text'; text: string; usage?: Usage }
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { kind: 'delay'; ms: number; reply: Reply }
  | { kind: 'hang' }

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export interface RecordedRequest {
  method: string
  path: string
  /** Headers without authorization / api-key (the key never leaves the test's control). */
  headers: Record<string, string | string[] | undefined>
  /** True when an Authorization header was present (its value is not kept). */
  hadAuthorization: boolean
  body: ChatBody
  /** Set when the client closed the connection before an answer was sent. */
  clientClosed: boolean
}

/** The parts of a chat-completions request body the tests look at. */
export interface ChatBody {
  model?: string
  messages?: Array<{ role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }>
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } }
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters: unknown } }>
  tool_choice?: unknown
  stream?: boolean
  [k: string]: unknown
}

/** Either a queue of replies (consumed in order; the last one repeats) or a function of the request. */
export type Handler = Reply[] | ((body: ChatBody, index: number) => Reply)

export interface ChatServer {
  /** Base URL ending in /v1, for `configuration.baseURL`. */
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

export const DEFAULT_USAGE: Usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }

/** A content answer carrying `JSON.stringify(value)` (json_schema / json_object modes). */
export function jsonReply(value: unknown, usage?: Usage): Reply {
  return { kind: 'json', value, usage }
}
/** A function-calling answer: one tool call whose `arguments` is the JSON string of `args`. */
export function toolReply(name: string, args: unknown, usage?: Usage): Reply {
  return { kind: 'tool', name, args, usage }
}
/** A tool call whose `arguments` string is sent verbatim (e.g. malformed JSON). */
export function toolRawReply(name: string, rawArguments: string, usage?: Usage): Reply {
  return { kind: 'tool', name, args: undefined, rawArguments, usage }
}
/** Raw content text (e.g. malformed JSON). */
export function textReply(text: string, usage?: Usage): Reply {
  return { kind: 'text', text, usage }
}
/** An HTTP error; `retryAfter` (seconds) sets the retry-after header; `body` overrides the error JSON. */
export function statusReply(status: number, opts: { retryAfter?: number; body?: unknown } = {}): Reply {
  return { kind: 'status', status, retryAfter: opts.retryAfter, body: opts.body }
}
/** Waits `ms` before answering with `reply` (to go past the client's timeout). */
export function delayReply(ms: number, reply: Reply): Reply {
  return { kind: 'delay', ms, reply }
}
/** Never answers; the request ends only when the client closes the connection. */
export function hangReply(): Reply {
  return { kind: 'hang' }
}

function completion(body: ChatBody, message: Record<string, unknown>, finish: string, usage: Usage | undefined): unknown {
  return {
    id: `chatcmpl-test-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finish, logprobs: null }],
    usage: usage ?? DEFAULT_USAGE,
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(payload)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startChatServer(handler: Handler): Promise<ChatServer> {
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let count = 0

  const pick = (body: ChatBody, index: number): Reply => {
    if (typeof handler === 'function') return handler(body, index)
    if (handler.length === 0) throw new Error('chatServer: empty reply queue')
    return handler[Math.min(index, handler.length - 1)]!
  }

  const answer = (rec: RecordedRequest, res: ServerResponse, reply: Reply): void => {
    if (rec.clientClosed) return
    const body = rec.body
    switch (reply.kind) {
      case 'json':
        return sendJson(res, 200, completion(body, { content: JSON.stringify(reply.value) }, 'stop', reply.usage))
      case 'text':
        return sendJson(res, 200, completion(body, { content: reply.text }, 'stop', reply.usage))
      case 'tool':
        return sendJson(
          res,
          200,
          completion(
            body,
            {
              content: null,
              tool_calls: [{ id: `call_${count}`, type: 'function', function: { name: reply.name, arguments: reply.rawArguments ?? JSON.stringify(reply.args) } }],
            },
            'tool_calls',
            reply.usage,
          ),
        )
      case 'status': {
        const headers: Record<string, string> = {}
        if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter)
        return sendJson(res, reply.status, reply.body ?? { error: { message: `scripted ${reply.status}`, type: 'server_error', code: null } }, headers)
      }
      case 'delay': {
        const t = setTimeout(() => {
          timers.delete(t)
          answer(rec, res, reply.reply)
        }, reply.ms)
        timers.add(t)
        return
      }
      case 'hang':
        return
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req)
      const headers: Record<string, string | string[] | undefined> = { ...req.headers }
      const hadAuthorization = headers.authorization !== undefined
      delete headers.authorization
      delete headers['api-key']
      let body: ChatBody = {}
      try {
        body = JSON.parse(raw) as ChatBody
      } catch {
        body = {}
      }
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers, hadAuthorization, body, clientClosed: false }
      requests.push(rec)
      // 'close' on the response fires when the socket closes before we ended it: the client gave up.
      res.on('close', () => {
        if (!res.writableEnded) rec.clientClosed = true
      })
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
        sendJson(res, 404, { error: { message: 'not found' } })
        return
      }
      const index = count++
      answer(rec, res, pick(body, index))
    })()
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
