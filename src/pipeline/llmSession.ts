/**
 * The model a render talks to: one client for every agent, its log lines and exchanges routed to
 * the render's events and run directory once the render starts (agents are built before that).
 */
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { createLlmClient } from '../llm/client.js'
import { costUsd } from '../llm/prices.js'
import type { LlmClient, LlmConfig, LlmExchange, StageUsage } from '../llm/types.js'
import { writeJsonAtomic } from '../util/files.js'

export interface LlmSinks {
  log(level: 'info' | 'warn', message: string): void
  /** Where each exchange is kept (the run directory's llm/ folder). */
  transcriptsDir: string
}

export interface LlmSession {
  client: LlmClient
  /** The configuration as it may be shown: no key. */
  settings: { model: string; method: string; baseURL: string | null; budgetTokens: number | null; timeoutMs: number; maxRetries: number; maxRepairs: number }
  /** Agents' log lines go here (to the render's events). */
  log(level: 'info' | 'warn', message: string): void
  connect(sinks: LlmSinks): void
  /** Waits until every exchange so far is on disk. */
  flush(): Promise<void>
}

export function openLlmSession(cfg: LlmConfig): LlmSession {
  let sinks: LlmSinks | undefined
  let writes = Promise.resolve()
  let next: number | undefined
  const pending: LlmExchange[] = []

  const write = (exchange: LlmExchange) => {
    if (!sinks) return void pending.push(exchange)
    const dir = sinks.transcriptsDir
    writes = writes
      .then(async () => {
        await mkdir(dir, { recursive: true })
        // Continue the numbering of an earlier (resumed) run in the same folder.
        if (next === undefined) next = (await transcriptFiles(dir)).reduce((n, f) => Math.max(n, Number(f.slice(0, 5)) + 1), 1)
        const name = `${String(next++).padStart(5, '0')}-${exchange.stage.replace(/[^a-z0-9-]/gi, '')}.json`
        await writeJsonAtomic(join(dir, name), exchange)
      })
      .catch((err) => sinks?.log('warn', `could not keep an LLM transcript: ${String(err)}`))
  }
  const log = (level: 'info' | 'warn', message: string) => sinks?.log(level, message)

  const client = createLlmClient(cfg, {
    onLog: (level, message) => {
      if (level === 'warn' || level === 'error') log('warn', message)
      else if (level === 'info') log('info', message)
    },
    onExchange: write,
  })
  return {
    client,
    settings: {
      model: cfg.model,
      method: cfg.method,
      baseURL: cfg.baseURL ?? null,
      budgetTokens: cfg.budgetTokens ?? null,
      timeoutMs: cfg.timeoutMs,
      maxRetries: cfg.maxRetries,
      maxRepairs: cfg.maxRepairs,
    },
    log,
    connect(s) {
      sinks = s
      for (const e of pending.splice(0)) write(e)
    },
    flush: () => writes,
  }
}

async function transcriptFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.filter((n) => /^\d{5}-[a-z0-9-]*\.json$/i.test(n)).sort()
}

const ExchangeFile = z.object({
  stage: z.string(),
  model: z.string(),
  outcome: z.string(),
  detail: z.string().optional(),
  requests: z.number(),
  answers: z.array(z.object({ promptTokens: z.number(), completionTokens: z.number() })),
})

export interface LlmUsageReport {
  stages: Record<string, StageUsage>
  total: StageUsage
  /** Each exchange that ended without a usable answer: stage, why, and the transcript file. */
  fallbacks: Array<{ stage: string; reason: string; detail?: string; transcript: string }>
  transcripts: number
}

/**
 * Usage summed from the transcripts on disk, so a resumed render counts the requests of its
 * earlier runs too. Cost only for models with a known price.
 */
export async function usageFromTranscripts(dir: string): Promise<LlmUsageReport> {
  const stages: Record<string, StageUsage> = {}
  const fallbacks: LlmUsageReport['fallbacks'] = []
  const files = await transcriptFiles(dir)
  let model = ''
  for (const f of files) {
    const parsed = ExchangeFile.safeParse(JSON.parse(await readFile(join(dir, f), 'utf8').catch(() => 'null')))
    if (!parsed.success) continue
    const e = parsed.data
    model = e.model
    const s = (stages[e.stage] ??= { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: null, fallbacks: 0 })
    s.requests += e.requests
    for (const a of e.answers) {
      s.promptTokens += a.promptTokens
      s.completionTokens += a.completionTokens
    }
    s.costUsd = costUsd(e.model, s.promptTokens, s.completionTokens)
    if (e.outcome !== 'ok') {
      s.fallbacks++
      fallbacks.push({ stage: e.stage, reason: e.outcome, ...(e.detail ? { detail: e.detail.slice(0, 300) } : {}), transcript: `llm/${f}` })
    }
  }
  const all = Object.values(stages)
  const sum = (k: 'requests' | 'promptTokens' | 'completionTokens' | 'fallbacks') => all.reduce((n, s) => n + s[k], 0)
  const total: StageUsage = {
    requests: sum('requests'),
    promptTokens: sum('promptTokens'),
    completionTokens: sum('completionTokens'),
    costUsd: model ? costUsd(model, sum('promptTokens'), sum('completionTokens')) : null,
    fallbacks: sum('fallbacks'),
  }
  return { stages, total, fallbacks, transcripts: files.length }
}
