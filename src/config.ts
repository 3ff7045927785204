/**
 * longav's configuration from the environment, in one place: every variable longav reads is read
 * here, validated with zod, and handed to the modules that need it (`resolveConfig(env)` for a
 * given environment, the memoised `config()` for the process's). A value longav cannot use is a
 * `ConfigError` (an input error) naming the variable.
 *
 * Command-line flags and API options win over these; they are merged where they are used (the
 * models folder in src/models/, the language model in llm/config.ts, the ONNX provider in the
 * onnx generator).
 */
import { z } from 'zod'
import { ConfigError } from './errors.js'

/** onnxruntime execution providers the onnx generator can use. */
export const OnnxProvider = z.enum(['cpu', 'cuda', 'dml', 'coreml'])
export type OnnxProvider = z.infer<typeof OnnxProvider>

/**
 * The language-model variables exactly as set (empty ones left out). `llmConfigFrom` validates
 * them together with the --llm-* flags, which win, and only when a model is wanted (--no-llm
 * ignores them): a bad one is an LlmConfigError naming the variable then.
 */
export interface LlmEnv {
  /** An OpenAI-compatible endpoint (http or https); unset: OpenAI when a key is set. */
  LONGAV_LLM_BASE_URL?: string
  /** The model id (required with a custom base URL; default gpt-4o-mini on OpenAI). */
  LONGAV_LLM_MODEL?: string
  /** Structured output: json_schema, function_calling or json_mode. */
  LONGAV_LLM_METHOD?: string
  /** Per-request limit in ms (default 60000). */
  LONGAV_LLM_TIMEOUT_MS?: string
  /** Stop asking the model after this many tokens and use the heuristics. */
  LONGAV_LLM_BUDGET_TOKENS?: string
  /** Retries of a failed request, 0–3 (default 3). */
  LONGAV_LLM_MAX_RETRIES?: string
  /** Times an invalid answer is sent back with its errors, 0–2 (default 2). */
  LONGAV_LLM_MAX_REPAIRS?: string
  /** The endpoint's key; wins over OPENAI_API_KEY. Never printed. */
  LONGAV_LLM_API_KEY?: string
  /** OpenAI's key: alone, it means OpenAI with gpt-4o-mini. Never printed. */
  OPENAI_API_KEY?: string
}

export const LLM_VARIABLES = [
  'LONGAV_LLM_BASE_URL',
  'LONGAV_LLM_MODEL',
  'LONGAV_LLM_METHOD',
  'LONGAV_LLM_TIMEOUT_MS',
  'LONGAV_LLM_BUDGET_TOKENS',
  'LONGAV_LLM_MAX_RETRIES',
  'LONGAV_LLM_MAX_REPAIRS',
  'LONGAV_LLM_API_KEY',
  'OPENAI_API_KEY',
] as const satisfies ReadonlyArray<keyof LlmEnv>

export interface LongavConfig {
  /**
   * LONGAV_MODELS_DIR: the folder of the user's models (separation/, embedding/, diffusion/,
   * comfyui/) when no `modelsDir` option or --models-dir is given. Unset: the package's models/.
   * Must be an existing folder when set (checked where models are looked up, src/models/).
   */
  modelsDir?: string
  /** LONGAV_ONNX_PROVIDER: the onnx generator's execution provider when its option is unset (default cpu). */
  onnxProvider?: OnnxProvider
  /** FFMPEG_PATH: the ffmpeg to run (default: `ffmpeg` on PATH). */
  ffmpegPath: string
  /** FFPROBE_PATH: the ffprobe to run (default: `ffprobe` on PATH). */
  ffprobePath: string
  /** The language model's variables, as set (see LlmEnv). */
  llm: LlmEnv
}

/** Every variable `resolveConfig` reads. */
export const CONFIG_VARIABLES = ['LONGAV_MODELS_DIR', 'LONGAV_ONNX_PROVIDER', 'FFMPEG_PATH', 'FFPROBE_PATH', ...LLM_VARIABLES] as const

/** An empty variable counts as unset (`FOO= longav …`). */
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))

const Variables = z.object({
  LONGAV_MODELS_DIR: optional,
  LONGAV_ONNX_PROVIDER: optional
    .transform((v) => v?.trim().toLowerCase())
    .refine((v) => v === undefined || OnnxProvider.safeParse(v).success, { message: `is not an ONNX execution provider: use one of ${OnnxProvider.options.join(', ')}` })
    .transform((v) => v as OnnxProvider | undefined),
  FFMPEG_PATH: optional,
  FFPROBE_PATH: optional,
  ...Object.fromEntries(LLM_VARIABLES.map((name) => [name, optional])),
})

/** The configuration `env` gives (default: the process's environment). Throws a ConfigError naming the first bad variable. */
export function resolveConfig(env: Record<string, string | undefined> = process.env): LongavConfig {
  const picked = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, env[name]]))
  const parsed = Variables.safeParse(picked)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const variable = String(issue.path[0] ?? 'environment')
    // Never echo a key.
    const shown = /KEY/.test(variable) ? '' : `="${env[variable] ?? ''}"`
    throw new ConfigError(variable, `environment variable ${variable}${shown} ${issue.message}`)
  }
  const v = parsed.data as Record<string, string | undefined> & { LONGAV_ONNX_PROVIDER?: OnnxProvider }
  const llm: LlmEnv = {}
  for (const name of LLM_VARIABLES) if (v[name] !== undefined) llm[name] = v[name]
  return {
    modelsDir: v.LONGAV_MODELS_DIR,
    onnxProvider: v.LONGAV_ONNX_PROVIDER,
    ffmpegPath: v.FFMPEG_PATH ?? 'ffmpeg',
    ffprobePath: v.FFPROBE_PATH ?? 'ffprobe',
    llm,
  }
}

let memo: { key: string; config: LongavConfig } | undefined

/**
 * The process's configuration, resolved once; resolved again only when one of its variables
 * has changed since (an embedder or a test that sets one).
 */
export function config(): LongavConfig {
  const key = JSON.stringify(CONFIG_VARIABLES.map((name) => process.env[name] ?? null))
  if (memo?.key !== key) memo = { key, config: resolveConfig(process.env) }
  return memo.config
}
