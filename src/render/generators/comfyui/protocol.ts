/**
 * The shapes ComfyUI's server sends (server.py, execution.py, main.py of comfyanonymous/ComfyUI),
 * as zod schemas: anything read from the network is validated before use. Unknown extra fields
 * are allowed (the server adds fields between versions); missing required ones are an error.
 */
import { z } from 'zod'

/** An API-format workflow: node id → { class_type, inputs }, as "Save (API)" exports it. */
export const ApiWorkflow = z.record(
  z.string(),
  z.looseObject({
    class_type: z.string().min(1),
    inputs: z.record(z.string(), z.unknown()),
    _meta: z.looseObject({ title: z.string().optional() }).optional(),
  }),
)
export type ApiWorkflow = z.infer<typeof ApiWorkflow>

/** POST /prompt, 200: the prompt was queued. `number` is its queue position (may be fractional). */
export const PromptQueued = z.looseObject({
  prompt_id: z.string().min(1),
  number: z.number(),
  node_errors: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
})
export type PromptQueued = z.infer<typeof PromptQueued>

const ErrorDetail = z.looseObject({
  type: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  extra_info: z.unknown().optional(),
})

/**
 * POST /prompt, 400. `error` is an object in current servers ({type, message, details,
 * extra_info}) and a bare string in old ones ("no prompt"). `node_errors` is {} or [] when empty.
 */
export const PromptRejected = z.looseObject({
  error: z.union([ErrorDetail, z.string()]),
  node_errors: z
    .union([
      z.record(
        z.string(),
        z.looseObject({
          class_type: z.string().optional(),
          errors: z.array(ErrorDetail).default([]),
        }),
      ),
      z.array(z.unknown()),
    ])
    .optional(),
})
export type PromptRejected = z.infer<typeof PromptRejected>

/**
 * GET /object_info: class name → description. Only the keys matter for "does the server have
 * this node"; `input.required` / `input.optional` give the choices of combo inputs (model files).
 */
export const ObjectInfo = z.record(
  z.string(),
  z.looseObject({
    input: z
      .looseObject({
        required: z.record(z.string(), z.unknown()).optional(),
        optional: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    output_node: z.boolean().optional(),
  }),
)
export type ObjectInfo = z.infer<typeof ObjectInfo>

/** One file a node wrote: what /view needs to serve it. */
export const OutputFile = z.looseObject({
  filename: z.string().min(1),
  subfolder: z.string().default(''),
  type: z.string().default('output'),
  /** VideoHelperSuite's VHS_VideoCombine: the container's mime type (video/h264-mp4, image/gif…). */
  format: z.string().optional(),
})
export type OutputFile = z.infer<typeof OutputFile>

/** A node's `ui` output: SaveImage gives images, VHS_VideoCombine gifs, SaveVideo/others videos. */
export const NodeOutput = z.looseObject({
  images: z.array(OutputFile).optional(),
  gifs: z.array(OutputFile).optional(),
  videos: z.array(OutputFile).optional(),
  /** Core SaveAnimatedWEBP/SaveVideo mark their `images` entry as one animated file. */
  animated: z.array(z.boolean()).optional(),
})
export type NodeOutput = z.infer<typeof NodeOutput>

/** status.messages entries: [event, data] pairs recorded while the prompt ran. */
const StatusMessage = z.tuple([z.string(), z.unknown()])

export const HistoryEntry = z.looseObject({
  outputs: z.record(z.string(), NodeOutput).default({}),
  status: z
    .looseObject({
      status_str: z.string(),
      completed: z.boolean(),
      messages: z.array(StatusMessage).default([]),
    })
    .nullable()
    .optional(),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>

/** GET /history/{id}: {} while the prompt is queued or running, {id: entry} once it finished. */
export const History = z.record(z.string(), HistoryEntry)
export type History = z.infer<typeof History>

/** POST /upload/image: where the file landed in the server's input folder. */
export const UploadResult = z.looseObject({
  name: z.string().min(1),
  subfolder: z.string().default(''),
  type: z.string().default('input'),
})
export type UploadResult = z.infer<typeof UploadResult>

/** execution_error's data (also found in history status.messages). */
export const ExecutionErrorData = z.looseObject({
  prompt_id: z.string(),
  node_id: z.union([z.string(), z.number()]).transform(String),
  node_type: z.string().default(''),
  exception_message: z.string().default(''),
  exception_type: z.string().default(''),
})
export type ExecutionErrorData = z.infer<typeof ExecutionErrorData>

/**
 * A JSON websocket message {type, data}. Binary frames are previews (4-byte big-endian event
 * type + image) and are never parsed. Types we do not know are kept as 'other'.
 */
export const WsMessage = z.looseObject({ type: z.string(), data: z.unknown() })

const WithPrompt = z.looseObject({ prompt_id: z.string().nullable().optional() })

export const WsExecuting = WithPrompt.extend({ node: z.union([z.string(), z.number()]).nullable().transform((v) => (v === null ? null : String(v))) })
export const WsProgress = WithPrompt.extend({ value: z.number(), max: z.number(), node: z.union([z.string(), z.number()]).nullable().optional() })
export const WsExecuted = WithPrompt.extend({ node: z.union([z.string(), z.number()]).transform(String), output: NodeOutput.nullable().optional() })
export const WsCached = WithPrompt.extend({ nodes: z.array(z.union([z.string(), z.number()]).transform(String)).default([]) })
export const WsPromptOnly = WithPrompt

/**
 * GET /queue: the prompts running and waiting, each as the queue item
 * [number, prompt_id, prompt, extra_data, outputs_to_execute, …] (later versions drop sensitive fields).
 */
const QueueItem = z.array(z.unknown()).min(2)
export const QueueInfo = z.looseObject({ queue_running: z.array(QueueItem), queue_pending: z.array(QueueItem) })
export type QueueInfo = z.infer<typeof QueueInfo>
