/** Stages of one render, in order. */
export const STAGES = ['analyzing', 'directing', 'planning', 'generating', 'stitching', 'scoring', 'done'] as const
export type Stage = (typeof STAGES)[number]

/** What a render reports while it runs. Nothing below the CLI prints; everything comes through here. */
export type RenderEvent =
  | { type: 'stage'; stage: Stage }
  | {
      type: 'progress'
      stage: Stage
      /** Whole-stage fraction done, 0..1. */
      fraction: number
      /** Seconds left in this stage, when it can be estimated. */
      etaSec?: number
      shotsDone?: number
      shotsTotal?: number
    }
  | {
      type: 'shot'
      index: number
      total: number
      attempt: number
      status: 'generating' | 'cached' | 'accepted' | 'rejected'
      score?: number
      critique?: string
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
