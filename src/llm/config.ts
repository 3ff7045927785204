import { z } from 'zod'
import type { LlmEnv } from '../config.js'
import { LongavError } from '../errors.js'
import type { LlmConfig, StructuredMethod } from './types.js'

/** Command-line overrides; each wins over its environment variable. */
export interface LlmFlags {
  llmBaseUrl?: string
  llmModel?: string
  llmMethod?: string
  llmTimeoutMs?: number | string
  llmBudget?: number | string
  llmMaxRetries?: number | string
  llmMaxRepairs?: number | string
}

/** Used when a key is set but no model: the cheapest OpenAI model that does json_schema and vision. */
export const DEFAULT_MODEL = 'gpt-4o-mini'

const METHOD_NAMES: Record<string, StructuredMethod> = {
  json_schema: 'jsonSchema',
  jsonschema: 'jsonSchema',
  function_calling: 'functionCalling',
  functioncalling: 'functionCalling',
  json_mode: 'jsonMode',
  jsonmode: 'jsonMode',
}

const intFrom = (name: string, min: number) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be an integer`).min(min, `${name} must be ≥ ${min}`)

/**
 * Thrown for a bad setting; the message names the variable/flag and never contains its value if
 * secret. Kind `input`, code `LLM_CONFIG_INVALID`.
 */
export class LlmConfigError extends LongavError {
  constructor(message: string) {
    super(message, { kind: 'input', code: 'LLM_CONFIG_INVALID' })
    this.name = 'LlmConfigError'
  }
}

function pick<T>(flag: T | undefined, env: string | undefined): T | string | undefined {
  if (flag !== undefined && flag !== '') return flag
  return env === undefined || env === '' ? undefined : env
}

function parseInt(name: string, raw: unknown, min: number, fallback: number): number
function parseInt(name: string, raw: unknown, min: number, fallback?: undefined): number | undefined
function parseInt(name: string, raw: unknown, min: number, fallback?: number): number | undefined {
  if (raw === undefined) return fallback
  const r = intFrom(name, min).safeParse(raw)
  if (!r.success) throw new LlmConfigError(r.error.issues[0]?.message ?? `${name} is invalid`)
  return r.data
}

/**
 * The model configuration from the environment (`config().llm`, or any record of the variables)
 * and flags, or null when no model is configured
 * (none of LONGAV_LLM_BASE_URL, LONGAV_LLM_MODEL, --llm-base-url, --llm-model, nor an API key):
 * then every agent uses its heuristic.
 *
 * Decisions: a key alone (OPENAI_API_KEY / LONGAV_LLM_API_KEY) means OpenAI with `gpt-4o-mini`;
 * a base URL without a model is an error (a local server's model id cannot be guessed). The method
 * defaults to json_schema for OpenAI and json_mode for other servers (the most widely supported).
 */
export function llmConfigFrom(env: LlmEnv, flags: LlmFlags = {}): LlmConfig | null {
  const baseURL = pick(flags.llmBaseUrl, env.LONGAV_LLM_BASE_URL) as string | undefined
  const modelRaw = pick(flags.llmModel, env.LONGAV_LLM_MODEL) as string | undefined
  const apiKey = env.LONGAV_LLM_API_KEY || env.OPENAI_API_KEY || undefined
  if (!baseURL && !modelRaw && !apiKey) return null

  if (baseURL !== undefined) {
    const u = z.url({ protocol: /^https?$/ }).safeParse(baseURL)
    if (!u.success) throw new LlmConfigError('LONGAV_LLM_BASE_URL (--llm-base-url) must be an http(s) URL')
  }
  const isOpenAI = baseURL === undefined || /(^|\.)openai\.com$/.test(new URL(baseURL).hostname)
  if (!modelRaw && !isOpenAI) throw new LlmConfigError('LONGAV_LLM_MODEL (--llm-model) is required with a custom LONGAV_LLM_BASE_URL')
  const model = modelRaw ?? DEFAULT_MODEL
  if (!/^[\w.:/@+-]{1,200}$/.test(model)) throw new LlmConfigError('LONGAV_LLM_MODEL (--llm-model) has unexpected characters')

  const methodRaw = pick(flags.llmMethod, env.LONGAV_LLM_METHOD) as string | undefined
  let method: StructuredMethod = isOpenAI ? 'jsonSchema' : 'jsonMode'
  if (methodRaw !== undefined) {
    const m = METHOD_NAMES[methodRaw.toLowerCase().replace(/-/g, '_')] ?? METHOD_NAMES[methodRaw.toLowerCase()]
    if (!m) throw new LlmConfigError('LONGAV_LLM_METHOD (--llm-method) must be json_schema, function_calling or json_mode')
    method = m
  }

  const cfg: LlmConfig = {
    model,
    method,
    timeoutMs: parseInt('LONGAV_LLM_TIMEOUT_MS (--llm-timeout-ms)', pick(flags.llmTimeoutMs, env.LONGAV_LLM_TIMEOUT_MS), 1, 60_000),
    maxRetries: parseInt('LONGAV_LLM_MAX_RETRIES (--llm-max-retries)', pick(flags.llmMaxRetries, env.LONGAV_LLM_MAX_RETRIES), 0, 3),
    maxRepairs: parseInt('LONGAV_LLM_MAX_REPAIRS (--llm-max-repairs)', pick(flags.llmMaxRepairs, env.LONGAV_LLM_MAX_REPAIRS), 0, 2),
  }
  const budget = parseInt('LONGAV_LLM_BUDGET_TOKENS (--llm-budget)', pick(flags.llmBudget, env.LONGAV_LLM_BUDGET_TOKENS), 0)
  if (budget !== undefined) cfg.budgetTokens = budget
  if (baseURL !== undefined) cfg.baseURL = baseURL
  if (apiKey !== undefined) cfg.apiKey = apiKey
  return cfg
}
