/** Options of the ComfyUI generator, and what it exposes beyond a SegmentGenerator. */
import type { SegmentGenerator } from '../types.js'
import type { ComfyClient } from './client.js'
import type { WorkflowTemplate } from './template.js'

export interface ComfyGeneratorOptions {
  /** The server, e.g. http://127.0.0.1:8188. */
  url: string
  /** Template name in `<modelsDir>/comfyui/` (or a path to a .json); default: chosen by capabilities. */
  workflow?: string
  /** The models folder (default: LONGAV_MODELS_DIR, else the package's models/); templates are in its comfyui/. */
  modelsDir?: string
  /** Time limit per shot, all runs included, ms (default 30 min). The prompt is interrupted when it passes. */
  timeoutMs?: number
  /** Retries for connection errors and 5xx answers (default 3). */
  retries?: number
  /** Per-request limit, ms (default 30 000). */
  requestTimeoutMs?: number
  /** Websocket handshake limit, ms (default 10 000). */
  connectTimeoutMs?: number
  /** /history polling interval when the websocket is gone, ms (default 1000). */
  pollIntervalMs?: number
  /** First retry delay, ms (default 500, doubling). */
  retryDelayMs?: number
  /** How long a shot waits for a server that went away mid-prompt (a restart), ms (default 60 000); then its prompt is queued again. */
  restartWaitMs?: number
  /** How many times a shot queues its prompt again when the server lost it (default 2). */
  resubmits?: number
  /** The render's frame rate, for the maxFrames capability of workflows with a native rate (default 30). */
  fps?: number
  /**
   * An audio-driven workflow (e.g. ltx2-a2v, wan22-s2v) for singing shots (singing.ts): they go to
   * it with the vocal stream (or the mix); the others to `workflow`.
   */
  singingWorkflow?: string
  /**
   * Most runs chained into one shot (default 1): a shot longer than one run of a workflow that
   * starts from an init frame is made of runs, each starting on the previous run's last frame.
   */
  maxRuns?: number
  /** Overrides the workflow's default negative prompt. */
  negativePrompt?: string
  /** Overrides the workflow's default denoise (image-to-image strength). */
  denoise?: number
  onLog?: (line: string) => void
}

export interface ComfyGenerator extends SegmentGenerator {
  /** The workflow template used. */
  readonly workflow: WorkflowTemplate
  readonly client: ComfyClient
}
