/**
 * Follows one prompt through ComfyUI's websocket messages, in the order the server sends them
 * (execution.py / main.py): execution_start, execution_cached {nodes}, then per node
 * executing {node} → progress {value, max}… → executed {node, output}, then execution_success,
 * and finally executing {node: null}: the prompt is done. A failure sends execution_error (or
 * execution_interrupted) before that last executing-null. Messages of other prompts are ignored.
 *
 * Pure: `applyMessage` folds one parsed message into the state, `runFraction` reads progress.
 */
import type { ExecutionErrorData, NodeOutput } from './protocol.js'
import { ExecutionErrorData as ExecutionErrorSchema, WsCached, WsExecuted, WsExecuting, WsProgress, WsPromptOnly } from './protocol.js'

export type RunStatus = 'queued' | 'running' | 'done' | 'error' | 'interrupted'

export interface RunState {
  promptId: string
  /** Nodes in the submitted workflow. */
  totalNodes: number
  status: RunStatus
  cached: Set<string>
  /** Nodes that started and then handed over to the next one (or produced output). */
  finished: Set<string>
  current: string | null
  /** value/max of the current node's last progress message, 0..1. */
  currentFraction: number
  /** `executed` outputs by node id (the history has the same; this is a head start). */
  outputs: Record<string, NodeOutput>
  error?: ExecutionErrorData
  /** Node id and type given with execution_interrupted. */
  interruptedAt?: { nodeId: string; nodeType: string }
}

export function initialRunState(promptId: string, totalNodes: number): RunState {
  return {
    promptId,
    totalNodes: Math.max(1, totalNodes),
    status: 'queued',
    cached: new Set(),
    finished: new Set(),
    current: null,
    currentFraction: 0,
    outputs: {},
  }
}

/** True when the message is about another prompt (messages without a prompt id are ours only while we run). */
function foreign(state: RunState, promptId: string | null | undefined): boolean {
  if (promptId === undefined || promptId === null) return state.status !== 'running'
  return promptId !== state.promptId
}

/**
 * Folds one websocket message into the state (mutating it; returns it). Unknown types and
 * malformed data are ignored: a newer server may send events this client does not know.
 */
export function applyMessage(state: RunState, type: string, data: unknown): RunState {
  if (state.status === 'done' || state.status === 'error' || state.status === 'interrupted') return state
  switch (type) {
    case 'execution_start': {
      const d = WsPromptOnly.safeParse(data)
      if (d.success && d.data.prompt_id === state.promptId) state.status = 'running'
      break
    }
    case 'execution_cached': {
      const d = WsCached.safeParse(data)
      if (!d.success || foreign(state, d.data.prompt_id)) break
      state.status = 'running'
      for (const n of d.data.nodes) state.cached.add(n)
      break
    }
    case 'executing': {
      const d = WsExecuting.safeParse(data)
      if (!d.success || foreign(state, d.data.prompt_id)) break
      if (state.current !== null) state.finished.add(state.current)
      if (d.data.node === null) {
        // The end of the prompt. An error or interruption would have arrived first.
        state.current = null
        state.status = 'done'
      } else {
        state.status = 'running'
        state.current = d.data.node
        state.currentFraction = 0
      }
      break
    }
    case 'progress': {
      const d = WsProgress.safeParse(data)
      if (!d.success || foreign(state, d.data.prompt_id) || d.data.max <= 0) break
      state.currentFraction = Math.min(1, Math.max(0, d.data.value / d.data.max))
      break
    }
    case 'executed': {
      const d = WsExecuted.safeParse(data)
      if (!d.success || foreign(state, d.data.prompt_id)) break
      if (d.data.output) state.outputs[d.data.node] = d.data.output
      state.finished.add(d.data.node)
      break
    }
    case 'execution_success': {
      const d = WsPromptOnly.safeParse(data)
      if (d.success && d.data.prompt_id === state.promptId) {
        if (state.current !== null) state.finished.add(state.current)
        state.current = null
        state.status = 'done'
      }
      break
    }
    case 'execution_error': {
      const d = ExecutionErrorSchema.safeParse(data)
      if (d.success && d.data.prompt_id === state.promptId) {
        state.error = d.data
        state.status = 'error'
      }
      break
    }
    case 'execution_interrupted': {
      const d = ExecutionErrorSchema.safeParse(data)
      if (d.success && d.data.prompt_id === state.promptId) {
        state.interruptedAt = { nodeId: d.data.node_id, nodeType: d.data.node_type }
        state.status = 'interrupted'
      }
      break
    }
    default:
      // status, progress_state, executed previews, crystools… carry nothing we need.
      break
  }
  return state
}

/**
 * Fraction of the prompt done, 0..1: (finished nodes + the current node's value/max) over the
 * nodes that have to run (all nodes minus those the server served from its cache). 1 once done.
 */
export function runFraction(state: RunState): number {
  if (state.status === 'done') return 1
  const toRun = Math.max(1, state.totalNodes - state.cached.size)
  let finished = 0
  for (const n of state.finished) if (!state.cached.has(n)) finished++
  const current = state.current !== null && !state.finished.has(state.current) ? state.currentFraction : 0
  return Math.min(0.999, Math.max(0, (finished + current) / toRun))
}
