import type { AIMessage, BaseMessage } from '@langchain/core/messages'
import { z } from 'zod'
import { costUsd } from './prices.js'
import { redact } from './redact.js'
import type { ContentPart, LlmClient, LlmConfig, LlmExchange, StageUsage, StructuredCall, StructuredResult } from './types.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LlmClientOptions {
  /** Every message passed here has been through redact(). */
  onLog?(level: LogLevel, message: string): void
  /** Upper bound on one backoff wait (ms), retry-after included; default 30 s. */
  maxBackoffMs?: number
  /** First backoff wait (ms), doubled per retry; default 500. */
  baseBackoffMs?: number
  /** Called once per ask() with the whole exchange (redacted), for the run directory. */
  onExchange?(exchange: LlmExchange): void
}

/** What ChatOpenAI's structured runnable returns with includeRaw. */
interface RawResult {
  raw: AIMessage
  parsed: unknown
}

/** Why one HTTP attempt failed, as far as retrying is concerned. */
interface AttemptFailure {
  retryable: boolean
  retryAfterMs: number | null
  message: string
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  if (reason instanceof Error && reason.name === 'AbortError') return reason
  return new DOMException('LLM request aborted', 'AbortError')
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal))
    const onAbort = () => {
      clearTimeout(t)
      reject(abortError(signal))
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function headerOf(err: unknown, name: string): string | null {
  const h = (err as { headers?: unknown } | null)?.headers
  if (!h) return null
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name)
  const v = (h as Record<string, unknown>)[name]
  return typeof v === 'string' ? v : null
}

/** retry-after-ms, or retry-after in seconds or as an HTTP date, in ms; null when absent. */
export function retryAfterMs(err: unknown, now = Date.now()): number | null {
  const ms = headerOf(err, 'retry-after-ms')
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms))
  const ra = headerOf(err, 'retry-after')
  if (ra === null) return null
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000)
  const d = Date.parse(ra)
  return Number.isFinite(d) ? Math.max(0, d - now) : null
}

function classify(err: unknown): AttemptFailure {
  const e = err as { status?: unknown; name?: unknown; message?: unknown } | null
  const status = typeof e?.status === 'number' ? e.status : null
  const name = typeof e?.name === 'string' ? e.name : ''
  const message = typeof e?.message === 'string' ? e.message : String(err)
  if (status !== null) {
    // 408/409/429/5xx are transient by the OpenAI SDK's own rules; other 4xx will not change on retry.
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500
    return { retryable, retryAfterMs: retryAfterMs(err), message: `HTTP ${status}: ${message}` }
  }
  // Timeouts and connection failures carry no status.
  const retryable = /timeout|timed out|connection|ECONNREFUSED|ECONNRESET|fetch failed|socket/i.test(`${name} ${message}`)
  return { retryable, retryAfterMs: null, message: `${name || 'Error'}: ${message}` }
}

function toUserContent(user: string | ContentPart[]): string | Array<Record<string, unknown>> {
  if (typeof user === 'string') return user
  return user.map((p) =>
    p.type === 'text'
      ? { type: 'text', text: p.text }
      : { type: 'image_url', image_url: { url: `data:${p.mime};base64,${p.base64}`, ...(p.detail ? { detail: p.detail } : {}) } },
  )
}

/** The user message as the transcript keeps it: images by source and size, not bytes. */
function transcriptUser(user: string | ContentPart[]): LlmExchange['user'] {
  if (typeof user === 'string') return user
  return user.map((p) =>
    p.type === 'text' ? p : { type: 'image' as const, source: p.source, bytes: Math.floor((p.base64.length * 3) / 4), detail: p.detail },
  )
}

/** The model's answer as text and as a value (undefined when it is not JSON), per method. */
function answerOf(raw: AIMessage, method: LlmConfig['method']): { text: string; value: unknown; toolCallId?: string } {
  if (method === 'functionCalling') {
    const call = raw.tool_calls?.[0]
    if (call) return { text: JSON.stringify(call.args), value: call.args, toolCallId: call.id }
    const bad = raw.invalid_tool_calls?.[0]
    if (bad) return { text: String(bad.args ?? ''), value: undefined, toolCallId: bad.id }
  }
  const text = typeof raw.content === 'string' ? raw.content : raw.content.map((c) => ('text' in c ? String(c.text) : '')).join('')
  try {
    // Some local models wrap JSON in a code fence even in JSON mode.
    const unfenced = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1')
    return { text, value: JSON.parse(unfenced) }
  } catch {
    return { text, value: undefined }
  }
}

function tokensOf(raw: AIMessage): { prompt: number; completion: number } {
  const u = raw.usage_metadata
  if (u) return { prompt: u.input_tokens ?? 0, completion: u.output_tokens ?? 0 }
  const t = (raw.response_metadata as { tokenUsage?: { promptTokens?: number; completionTokens?: number } } | undefined)?.tokenUsage
  return { prompt: t?.promptTokens ?? 0, completion: t?.completionTokens ?? 0 }
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((i) => `- ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n')
}

/**
 * An LlmClient over any OpenAI-compatible chat-completions endpoint. Retries and repairs are done
 * here rather than by LangChain so retry-after is honoured, the budget is checked before every
 * request, and every request is counted.
 */
export function createLlmClient(cfg: LlmConfig, opts: LlmClientOptions = {}): LlmClient {
  const secrets = [cfg.apiKey]
  const clean = (s: string) => redact(s, secrets)
  const log = (level: LogLevel, message: string) => opts.onLog?.(level, clean(message))
  const maxBackoff = opts.maxBackoffMs ?? 30_000
  const baseBackoff = opts.baseBackoffMs ?? 500

  // LangChain and the OpenAI SDK (≈ 0.5 CPU-s and 500 modules to load) only once the model is asked:
  // a render without a model never loads them.
  let model: Promise<{ lib: typeof import('./chatModel.js'); chat: ReturnType<typeof import('./chatModel.js').chatModel> }> | undefined
  const chatModel = () => (model ??= import('./chatModel.js').then((lib) => ({ lib, chat: lib.chatModel(cfg) })))

  const stages = new Map<string, StageUsage>()
  let spent = 0
  const stageOf = (name: string): StageUsage => {
    let s = stages.get(name)
    if (!s) {
      s = { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: costUsd(cfg.model, 0, 0), fallbacks: 0 }
      stages.set(name, s)
    }
    return s
  }
  const overBudget = () => cfg.budgetTokens !== undefined && spent >= cfg.budgetTokens

  async function ask<S extends z.ZodType>(call: StructuredCall<S>): Promise<StructuredResult<z.infer<S>>> {
    const answers: LlmExchange['answers'] = []
    const exchange = { system: call.system }
    const record = (outcome: LlmExchange['outcome'], requests: number, detail?: string) =>
      opts.onExchange?.({
        stage: call.stage,
        schemaName: call.schemaName,
        model: cfg.model,
        method: cfg.method,
        system: clean(exchange.system),
        user: transcriptUser(call.user),
        answers: answers.map((a) => ({ ...a, text: clean(a.text) })),
        outcome,
        ...(detail !== undefined ? { detail: clean(detail) } : {}),
        requests,
      })
    try {
      const result = await askOnce(call, answers, exchange)
      record(result.ok ? 'ok' : result.reason, result.requests, result.ok ? undefined : result.detail)
      return result
    } catch (err) {
      record('aborted', answers.length, (err as Error)?.message)
      throw err
    }
  }

  async function askOnce<S extends z.ZodType>(
    call: StructuredCall<S>,
    answers: LlmExchange['answers'],
    exchange: { system: string },
  ): Promise<StructuredResult<z.infer<S>>> {
    const stage = stageOf(call.stage)
    const signal = call.signal
    let requests = 0
    const fail = (reason: 'budget' | 'invalid' | 'unavailable', detail: string): StructuredResult<z.infer<S>> => {
      stage.fallbacks++
      const d = clean(detail)
      log('warn', `llm ${call.stage}: falling back to the heuristic (${reason}): ${d}`)
      return { ok: false, reason, detail: d, requests }
    }

    let system = call.system
    if (cfg.method === 'jsonMode') {
      // JSON mode enforces syntax only; the schema has to travel in the prompt (and OpenAI requires the word "JSON").
      system += `\n\nAnswer with a single JSON object only, matching this JSON Schema:\n${JSON.stringify(z.toJSONSchema(call.schema))}`
    }
    exchange.system = system
    const { lib, chat } = await chatModel()
    const { HumanMessage, SystemMessage, ToolMessage } = lib
    const messages: BaseMessage[] = [new SystemMessage(system), new HumanMessage({ content: toUserContent(call.user) as never })]
    const runnable = chat.withStructuredOutput(call.schema as z.ZodType<Record<string, unknown>>, {
      method: cfg.method,
      includeRaw: true,
      name: call.schemaName,
    })

    for (let repairs = 0; ; repairs++) {
      let result: RawResult | null = null
      let lastFailure = ''
      for (let attempt = 0; attempt <= cfg.maxRetries; attempt++) {
        if (overBudget()) return fail('budget', `token budget spent (${spent} ≥ ${cfg.budgetTokens})`)
        if (signal?.aborted) throw abortError(signal)
        requests++
        stage.requests++
        try {
          result = (await runnable.invoke(messages, signal ? { signal } : {})) as unknown as RawResult
          break
        } catch (err) {
          if (signal?.aborted || (err as { name?: string } | null)?.name === 'AbortError') throw abortError(signal)
          const f = classify(err)
          lastFailure = f.message
          if (!f.retryable) return fail('unavailable', f.message)
          if (attempt === cfg.maxRetries) break
          const wait = Math.min(maxBackoff, f.retryAfterMs ?? baseBackoff * 2 ** attempt * (0.75 + Math.random() * 0.5))
          log('info', `llm ${call.stage}: ${f.message}; retry ${attempt + 1}/${cfg.maxRetries} in ${Math.round(wait)} ms`)
          await sleep(wait, signal)
        }
      }
      if (!result) return fail('unavailable', `no answer after ${cfg.maxRetries + 1} attempts: ${lastFailure}`)

      const t = tokensOf(result.raw)
      stage.promptTokens += t.prompt
      stage.completionTokens += t.completion
      stage.costUsd = costUsd(cfg.model, stage.promptTokens, stage.completionTokens)
      spent += t.prompt + t.completion

      const answer = answerOf(result.raw, cfg.method)
      let problems: string
      const heard = { text: answer.text, problems: null as string | null, promptTokens: t.prompt, completionTokens: t.completion }
      answers.push(heard)
      if (answer.value === undefined) {
        problems = '- the answer is not valid JSON'
      } else {
        const v = call.schema.safeParse(answer.value)
        if (v.success) return { ok: true, value: v.data as z.infer<S>, requests, repairs }
        problems = issuesText(v.error)
      }
      heard.problems = problems
      if (repairs >= cfg.maxRepairs) return fail('invalid', `answer still invalid after ${repairs} repair(s):\n${problems}`)
      log('info', `llm ${call.stage}: invalid answer, asking for a repair (${repairs + 1}/${cfg.maxRepairs}):\n${problems}`)
      const feedback = `Your answer did not match the required schema "${call.schemaName}". Problems:\n${problems}\nAnswer again with the complete corrected JSON.`
      messages.push(result.raw)
      // After a tool call the protocol requires a tool message before anything else.
      if (cfg.method === 'functionCalling' && answer.toolCallId) messages.push(new ToolMessage({ content: feedback, tool_call_id: answer.toolCallId }))
      else messages.push(new HumanMessage(feedback))
    }
  }

  return {
    model: cfg.model,
    ask,
    usage: () => Object.fromEntries([...stages].map(([k, v]) => [k, { ...v }])),
    budgetLeft: () => (cfg.budgetTokens === undefined ? null : Math.max(0, cfg.budgetTokens - spent)),
  }
}
