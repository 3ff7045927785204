import type { z } from 'zod'

/** How the model is asked for JSON: providers differ (OpenAI: jsonSchema; many local servers: jsonMode). */
export type StructuredMethod = 'jsonSchema' | 'functionCalling' | 'jsonMode'

/** Everything needed to reach an OpenAI-compatible chat-completions endpoint. */
export interface LlmConfig {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), a vLLM or llama.cpp server. */
  baseURL?: string
  model: string
  /** Never logged, never written to a file, never part of an error message. */
  apiKey?: string
  method: StructuredMethod
  /** Per request, milliseconds. */
  timeoutMs: number
  /** Retries of a failed request (network, 5xx, 429 honouring retry-after), with backoff. */
  maxRetries: number
  /** Times an answer that does not parse or validate is sent back with the errors (then: fallback). */
  maxRepairs: number
  /** Stop asking the model once this many tokens (prompt + completion) are spent. */
  budgetTokens?: number
  temperature?: number
}

/** A text or image part of a user message (images for the vision-capable verifier). */
export type ContentPart =
  | { type: 'text'; text: string }
  | {
      type: 'image'
      mime: 'image/png' | 'image/jpeg'
      base64: string
      /** Vision detail: 'low' is a fixed small token cost per image (OpenAI: 85 tokens). */
      detail?: 'low' | 'high' | 'auto'
      /** Where the picture came from (a run-directory file): recorded in the transcript instead of the bytes. */
      source?: string
    }

/** One structured question to the model. */
export interface StructuredCall<S extends z.ZodType> {
  /** Accounting bucket: 'director', 'planner', 'verifier', … */
  stage: string
  system: string
  user: string | ContentPart[]
  schema: S
  /** Name of the schema for function calling / json_schema. */
  schemaName: string
  signal?: AbortSignal
}

/** The model's answer, or why the caller must fall back to its heuristic. */
export type StructuredResult<T> =
  | { ok: true; value: T; requests: number; repairs: number }
  | { ok: false; reason: 'budget' | 'invalid' | 'unavailable'; detail: string; requests: number }

/**
 * One structured question and everything the model answered, for the run directory: with the
 * prompt templates in prompts/ and these files, what the model saw can be replayed. Images are
 * recorded by source path and byte count, never inline; the key is never part of it.
 */
export interface LlmExchange {
  stage: string
  schemaName: string
  model: string
  method: StructuredMethod
  system: string
  user: string | Array<{ type: 'text'; text: string } | { type: 'image'; source?: string; bytes: number; detail?: string }>
  /** Each answer in order (repairs follow the first), with the problems found in it. */
  answers: Array<{ text: string; problems: string | null; promptTokens: number; completionTokens: number }>
  outcome: 'ok' | 'budget' | 'invalid' | 'unavailable' | 'aborted'
  detail?: string
  requests: number
}

export interface StageUsage {
  requests: number
  promptTokens: number
  completionTokens: number
  /** USD, for models with a known price; null otherwise. */
  costUsd: number | null
  /** Calls that ended in a fallback to the heuristic. */
  fallbacks: number
}

export interface LlmClient {
  /** The model id (never the key). */
  readonly model: string
  ask<S extends z.ZodType>(call: StructuredCall<S>): Promise<StructuredResult<z.infer<S>>>
  /** Usage so far per stage. */
  usage(): Record<string, StageUsage>
  /** Tokens left under the budget (null: no budget). */
  budgetLeft(): number | null
}
