import type { RenderEvent } from '../pipeline/events.js'

/**
 * What a batch reports while it runs: the base renders' own events (tagged with the format they
 * render) and one event per variant as it is made.
 */
export type BatchEvent =
  | (RenderEvent & { format?: string })
  | {
      type: 'variant'
      name: string
      /** 1-based position and the number of variants. */
      index: number
      total: number
      status: 'making' | 'done' | 'failed' | 'kept'
      wallSec?: number
      /** Seconds the rest of the batch is expected to take, when it can be told. */
      etaSec?: number
      error?: string
    }
  | { type: 'base'; format: string; index: number; total: number; status: 'rendering' | 'reframing' | 'done' }
