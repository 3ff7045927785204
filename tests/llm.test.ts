import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createLlmClient } from '../src/llm/client.js'
import { llmConfigFrom, LlmConfigError } from '../src/llm/config.js'
import { costUsd } from '../src/llm/prices.js'
import { redact } from '../src/llm/redact.js'
import type { LlmConfig, StructuredMethod } from '../src/llm/types.js'
import {
  delayReply,
  hangReply,
  jsonReply,
  startChatServer,
  statusReply,
  textReply,
  toolRawReply,
  toolReply,
  type ChatServer,
  type Handler,
  type Reply,
} from './helpers/chatServer.js'

const KEY = 'sk-test-SECRET-0123456789abcdef'
const Shot = z.object({ title: z.string(), durationSec: z.number().min(0.5).max(30) })
const GOOD = { title: 'Neon rain', durationSec: 4 }
const BAD = { title: 'Ten hours', durationSec: 36000 }

let servers: ChatServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

async function serve(handler: Handler): Promise<ChatServer> {
  const s = await startChatServer(handler)
  servers.push(s)
  return s
}

function config(url: string, method: StructuredMethod, extra: Partial<LlmConfig> = {}): LlmConfig {
  return { baseURL: url, model: 'gpt-4o-mini', apiKey: KEY, method, timeoutMs: 5000, maxRetries: 2, maxRepairs: 2, ...extra }
}

/** A log sink that keeps every line. */
function logSink() {
  const lines: string[] = []
  return { lines, onLog: (level: string, message: string) => void lines.push(`${level} ${message}`) }
}

const METHODS: StructuredMethod[] = ['jsonSchema', 'functionCalling', 'jsonMode']

/** The valid answer in the method's own shape. */
const answer = (method: StructuredMethod, value: unknown, usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }): Reply =>
  method === 'functionCalling' ? toolReply('shot', value, usage) : jsonReply(value, usage)
const malformed = (method: StructuredMethod): Reply =>
  method === 'functionCalling' ? toolRawReply('shot', '{"title": "Neon rain", durationSec: ') : textReply('{"title": "Neon rain", durationSec: ')

const callOf = (signal?: AbortSignal) => ({
  stage: 'planner',
  system: 'You plan shots for a music video.',
  user: 'BRIEF: rain on neon streets at 120 BPM',
  schema: Shot,
  schemaName: 'shot',
  ...(signal ? { signal } : {}),
})

function allText(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v))
}

describe.each(METHODS)('method %s', (method) => {
  it('parses a valid answer and sends system, user and schema as the protocol says', async () => {
    const server = await serve([answer(method, GOOD)])
    const client = createLlmClient(config(server.url, method))
    const r = await client.ask(callOf())
    expect(r).toEqual({ ok: true, value: GOOD, requests: 1, repairs: 0 })
    expect(server.requests).toHaveLength(1)
    const req = server.requests[0]!
    expect(req.path).toBe('/v1/chat/completions')
    expect(req.hadAuthorization).toBe(true)
    expect(req.body.model).toBe('gpt-4o-mini')
    expect(req.body.stream).not.toBe(true)
    const msgs = req.body.messages!
    expect(msgs[0]!.role).toBe('system')
    expect(String(msgs[0]!.content)).toContain('You plan shots')
    expect(msgs[1]!.role).toBe('user')
    expect(String(msgs[1]!.content)).toContain('rain on neon streets')
    if (method === 'jsonSchema') {
      expect(req.body.response_format?.type).toBe('json_schema')
      expect(req.body.response_format?.json_schema?.name).toBe('shot')
      const schema = req.body.response_format?.json_schema?.schema as { properties: Record<string, unknown> }
      expect(Object.keys(schema.properties).sort()).toEqual(['durationSec', 'title'])
      expect(req.body.tools).toBeUndefined()
    } else if (method === 'functionCalling') {
      expect(req.body.tools).toHaveLength(1)
      expect(req.body.tools![0]!.function.name).toBe('shot')
      const params = req.body.tools![0]!.function.parameters as { properties: Record<string, unknown> }
      expect(Object.keys(params.properties).sort()).toEqual(['durationSec', 'title'])
      expect(JSON.stringify(req.body.tool_choice)).toContain('shot')
      expect(req.body.response_format).toBeUndefined()
    } else {
      expect(req.body.response_format?.type).toBe('json_object')
      // JSON mode carries the schema in the prompt.
      expect(String(msgs[0]!.content)).toContain('"durationSec"')
      expect(String(msgs[0]!.content)).toContain('JSON')
    }
  })

  it('repairs malformed JSON on the second answer, sending the errors back', async () => {
    const server = await serve([malformed(method), answer(method, GOOD)])
    const client = createLlmClient(config(server.url, method))
    const r = await client.ask(callOf())
    expect(r).toEqual({ ok: true, value: GOOD, requests: 2, repairs: 1 })
    expect(server.requests).toHaveLength(2)
    const second = server.requests[1]!.body.messages!
    // system, user, the model's bad answer, then the feedback (a tool message after a tool call).
    expect(second).toHaveLength(4)
    expect(second[2]!.role).toBe('assistant')
    expect(second[3]!.role).toBe(method === 'functionCalling' ? 'tool' : 'user')
    expect(String(second[3]!.content)).toContain('not valid JSON')
  })

  it('falls back with invalid after maxRepairs schema-violating answers; the retry lists the errors', async () => {
    const server = await serve([answer(method, BAD)])
    const log = logSink()
    const client = createLlmClient(config(server.url, method, { maxRepairs: 1 }), log)
    const r = await client.ask(callOf())
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.reason).toBe('invalid')
    expect(r.requests).toBe(2)
    expect(server.requests).toHaveLength(2)
    const feedback = String(server.requests[1]!.body.messages!.at(-1)!.content)
    expect(feedback).toContain('durationSec')
    expect(feedback).toMatch(/30/)
    expect(client.usage().planner!.fallbacks).toBe(1)
    expect(log.lines.some((l) => l.startsWith('warn') && l.includes('invalid'))).toBe(true)
  })

  it('retries an HTTP 500 and succeeds', async () => {
    const server = await serve([statusReply(500), answer(method, GOOD)])
    const client = createLlmClient(config(server.url, method), { baseBackoffMs: 20 })
    const r = await client.ask(callOf())
    expect(r).toEqual({ ok: true, value: GOOD, requests: 2, repairs: 0 })
    expect(server.requests).toHaveLength(2)
  })
})

describe('transport failures', () => {
  it('honours a 429 with retry-after and then succeeds', async () => {
    const server = await serve([statusReply(429, { retryAfter: 1 }), answer('jsonSchema', GOOD)])
    const log = logSink()
    const client = createLlmClient(config(server.url, 'jsonSchema'), { ...log, baseBackoffMs: 1 })
    const r = await client.ask(callOf())
    expect(r.ok).toBe(true)
    expect(server.requests).toHaveLength(2)
    // The wait came from the header (1000 ms), not from the 1 ms base backoff.
    expect(log.lines.some((l) => l.includes('HTTP 429') && l.includes('in 1000 ms'))).toBe(true)
  })

  it('gives up with unavailable after retries when every answer is slower than the timeout', async () => {
    const server = await serve([delayReply(3000, jsonReply(GOOD))])
    const client = createLlmClient(config(server.url, 'jsonSchema', { timeoutMs: 300, maxRetries: 1 }), { baseBackoffMs: 10 })
    const r = await client.ask(callOf())
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.reason).toBe('unavailable')
    expect(r.requests).toBe(2)
    expect(server.requests).toHaveLength(2)
    expect(client.usage().planner).toMatchObject({ requests: 2, fallbacks: 1, promptTokens: 0 })
  })

  it('rejects with an AbortError when aborted mid-request, and the server sees the connection closed', async () => {
    const server = await serve([hangReply()])
    const client = createLlmClient(config(server.url, 'jsonSchema', { timeoutMs: 20_000 }))
    const ac = new AbortController()
    const p = client.ask(callOf(ac.signal))
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10))
    ac.abort()
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    )
    expect((err as Error).name).toBe('AbortError')
    for (let i = 0; i < 100 && !server.requests[0]!.clientClosed; i++) await new Promise((r) => setTimeout(r, 10))
    expect(server.requests[0]!.clientClosed).toBe(true)
    expect(server.requests).toHaveLength(1)
  })

  it('does not retry a 400', async () => {
    const server = await serve([statusReply(400), jsonReply(GOOD)])
    const client = createLlmClient(config(server.url, 'jsonSchema'))
    const r = await client.ask(callOf())
    expect(r).toMatchObject({ ok: false, reason: 'unavailable', requests: 1 })
  })
})

describe('accounting and budget', () => {
  it('adds up the server usage per stage, with cost for a known model', async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 }
    const server = await serve([jsonReply(GOOD, usage)])
    const client = createLlmClient(config(server.url, 'jsonSchema'))
    await client.ask(callOf())
    await client.ask(callOf())
    await client.ask({ ...callOf(), stage: 'director' })
    const u = client.usage()
    expect(u.planner).toMatchObject({ requests: 2, promptTokens: 2000, completionTokens: 400, fallbacks: 0 })
    expect(u.director).toMatchObject({ requests: 1, promptTokens: 1000, completionTokens: 200 })
    expect(u.planner!.costUsd).toBeCloseTo(costUsd('gpt-4o-mini', 2000, 400)!, 12)
    expect(u.planner!.costUsd).toBeCloseTo((2000 * 0.15 + 400 * 0.6) / 1e6, 12)
    const local = createLlmClient(config(server.url, 'jsonSchema', { model: 'llama3.1:8b' }))
    await local.ask(callOf())
    expect(local.usage().planner!.costUsd).toBeNull()
  })

  it('returns budget without a request once the spent tokens reach the budget', async () => {
    const server = await serve([jsonReply(GOOD, { prompt_tokens: 80, completion_tokens: 30, total_tokens: 110 })])
    const client = createLlmClient(config(server.url, 'jsonSchema', { budgetTokens: 200 }))
    expect(client.budgetLeft()).toBe(200)
    expect((await client.ask(callOf())).ok).toBe(true)
    expect(client.budgetLeft()).toBe(90)
    expect((await client.ask(callOf())).ok).toBe(true)
    expect(client.budgetLeft()).toBe(0)
    const r = await client.ask(callOf())
    expect(r).toMatchObject({ ok: false, reason: 'budget', requests: 0 })
    expect(server.requests).toHaveLength(2)
    expect(client.usage().planner).toMatchObject({ requests: 2, fallbacks: 1 })
  })
})

describe('images', () => {
  it('sends image parts as data: URLs', async () => {
    const server = await serve([jsonReply(GOOD)])
    const client = createLlmClient(config(server.url, 'jsonSchema'))
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')
    const r = await client.ask({ ...callOf(), user: [{ type: 'text', text: 'judge this' }, { type: 'image', mime: 'image/png', base64: png }] })
    expect(r.ok).toBe(true)
    const content = server.requests[0]!.body.messages![1]!.content as Array<{ type: string; text?: string; image_url?: { url: string } }>
    expect(content[0]).toMatchObject({ type: 'text', text: 'judge this' })
    expect(content[1]!.type).toBe('image_url')
    expect(content[1]!.image_url!.url).toBe(`data:image/png;base64,${png}`)
  })
})

describe('the key never leaks', () => {
  it('redact() removes the key, bearer tokens and authorization headers', () => {
    const s = redact(`got Authorization: Bearer ${KEY} and {"authorization":"Bearer abc.def"} key=${KEY}`, [KEY])
    expect(s).not.toContain('SECRET')
    expect(s).not.toContain('abc.def')
    expect(s).toContain('[REDACTED]')
    expect(redact('sk-proj-abcdEFGH1234 leaked')).toBe('[REDACTED] leaked')
    expect(redact('nothing secret here', [KEY])).toBe('nothing secret here')
  })

  it('an error body that echoes the Authorization header comes out redacted in logs, details and usage', async () => {
    const echo = statusReply(401, { body: { error: { message: `Invalid key: Authorization: Bearer ${KEY}`, type: 'invalid_request_error' } } })
    const server = await serve((_body, i) => (i === 0 ? echo : i === 1 ? statusReply(500, { body: { error: { message: `upstream saw ${KEY}` } } }) : jsonReply(BAD)))
    const log = logSink()
    const client = createLlmClient(config(server.url, 'jsonSchema', { maxRetries: 1, maxRepairs: 1 }), { ...log, baseBackoffMs: 5 })
    const r1 = await client.ask(callOf())
    expect(r1).toMatchObject({ ok: false, reason: 'unavailable' })
    const r2 = await client.ask(callOf())
    expect(r2).toMatchObject({ ok: false, reason: 'invalid' })
    // The server's message (which echoed the key) does flow into the detail, redacted.
    if (!r1.ok) expect(r1.detail).toMatch(/401.*Invalid key: Authorization: Bearer \[REDACTED\]/)
    expect(log.lines.length).toBeGreaterThan(0)
    expect(log.lines.some((l) => l.includes('[REDACTED]'))).toBe(true)
    for (const out of [allText(r1), allText(r2), allText(client.usage()), allText(log.lines), allText(client)]) {
      expect(out).not.toContain('SECRET')
    }
  })
})

describe('llmConfigFrom', () => {
  it('is null without any model configuration', () => {
    expect(llmConfigFrom({}, {})).toBeNull()
    const unrelated: Record<string, string> = { UNRELATED: 'x' }
    expect(llmConfigFrom(unrelated)).toBeNull()
  })

  it('reads the environment, lets flags win, and defaults sensibly', () => {
    const cfg = llmConfigFrom(
      { LONGAV_LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LONGAV_LLM_MODEL: 'llama3.1', LONGAV_LLM_TIMEOUT_MS: '9000', LONGAV_LLM_BUDGET_TOKENS: '5000' },
      { llmModel: 'qwen2.5', llmMethod: 'function_calling' },
    )
    expect(cfg).toMatchObject({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen2.5', method: 'functionCalling', timeoutMs: 9000, budgetTokens: 5000 })
    expect(llmConfigFrom({ LONGAV_LLM_BASE_URL: 'http://localhost:8000/v1', LONGAV_LLM_MODEL: 'm' })!.method).toBe('jsonMode')
    const openai = llmConfigFrom({ OPENAI_API_KEY: KEY })!
    expect(openai).toMatchObject({ model: 'gpt-4o-mini', method: 'jsonSchema', apiKey: KEY })
    expect(openai.baseURL).toBeUndefined()
    expect(llmConfigFrom({ OPENAI_API_KEY: KEY, LONGAV_LLM_API_KEY: 'sk-other-key-123456' })!.apiKey).toBe('sk-other-key-123456')
  })

  it('names the variable in errors and never echoes the key', () => {
    const bad = (env: Record<string, string>, flags = {}) => {
      try {
        llmConfigFrom(env, flags)
      } catch (e) {
        expect(e).toBeInstanceOf(LlmConfigError)
        return (e as Error).message
      }
      throw new Error('expected an error')
    }
    expect(bad({ OPENAI_API_KEY: KEY, LONGAV_LLM_METHOD: 'xml' })).toContain('LONGAV_LLM_METHOD')
    expect(bad({ OPENAI_API_KEY: KEY, LONGAV_LLM_TIMEOUT_MS: 'soon' })).toContain('LONGAV_LLM_TIMEOUT_MS')
    expect(bad({ OPENAI_API_KEY: KEY, LONGAV_LLM_BUDGET_TOKENS: '-5' })).toContain('LONGAV_LLM_BUDGET_TOKENS')
    expect(bad({ LONGAV_LLM_BASE_URL: 'ftp://x', OPENAI_API_KEY: KEY })).toContain('LONGAV_LLM_BASE_URL')
    expect(bad({ LONGAV_LLM_BASE_URL: 'http://127.0.0.1:1234/v1', OPENAI_API_KEY: KEY })).toContain('LONGAV_LLM_MODEL')
    expect(bad({ OPENAI_API_KEY: KEY, LONGAV_LLM_TIMEOUT_MS: 'x' })).not.toContain('SECRET')
  })
})
