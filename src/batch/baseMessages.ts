/** What the batch and a base render process (baseProcess.ts) say to each other over IPC. */
import type { ErrorRecord } from '../errors.js'
import type { RenderEvent } from '../pipeline/events.js'

/** Parent → child. */
export type BaseRequest = { type: 'render'; options: Record<string, unknown> } | { type: 'abort' }

/** Child → parent. */
export type BaseReply =
  | { type: 'event'; event: RenderEvent }
  | { type: 'done'; final: string; plan: string }
  | { type: 'error'; error: ErrorRecord }
