/**
 * What a workflow needs from a server, checked against GET /object_info before anything is
 * queued, and what a 400 from POST /prompt means. Pure functions: data in, errors out.
 */
import { CORE_NODE_CLASSES } from './coreNodes.js'
import { ComfyHttpError, ComfyMissingModelError, ComfyMissingNodeError, ComfyPromptError, type MissingModel, type NodeErrorSummary } from './errors.js'
import { oneLine } from './http.js'
import { PromptRejected, type ApiWorkflow, type ObjectInfo } from './protocol.js'

/** Node classes of the workflow the server does not have, sorted, each once. */
export function missingNodeClasses(workflow: ApiWorkflow, info: ObjectInfo): string[] {
  const missing = new Set<string>()
  for (const node of Object.values(workflow)) if (!Object.hasOwn(info, node.class_type)) missing.add(node.class_type)
  return [...missing].sort()
}

/**
 * What to do about missing node classes: a class the template names a pack for, or one ComfyUI
 * does not ship, comes from a custom node pack; a core class (CORE_NODE_CLASSES) means the server
 * is older than the node, so ComfyUI itself needs updating.
 */
export function missingNodeError(origin: string, workflow: string, missing: string[], hints: Record<string, string> = {}): ComfyMissingNodeError {
  const core = missing.filter((c) => !hints[c] && CORE_NODE_CLASSES.has(c))
  const custom = missing.filter((c) => !core.includes(c))
  const fixes: string[] = []
  if (core.length)
    fixes.push(
      `${core.join(', ')} ${core.length > 1 ? 'ship' : 'ships'} with ComfyUI itself and this server is older than ${core.length > 1 ? 'them' : 'it'}: update ComfyUI (git pull in its folder, or ComfyUI-Manager → "Update ComfyUI", or the desktop app's update) and restart it`,
    )
  if (custom.length) {
    const packs = [...new Set(custom.map((c) => hints[c]).filter((h): h is string => Boolean(h)))]
    const what = core.length ? `for ${custom.join(', ')}, ` : ''
    fixes.push(
      packs.length
        ? `${what}install ${packs.join(' and ')} (ComfyUI-Manager → "Install Missing Custom Nodes", or git clone into ComfyUI/custom_nodes/) and restart ComfyUI`
        : `${what}install the custom node pack that provides ${custom.length > 1 || core.length ? 'them' : 'it'} (ComfyUI-Manager → "Install Missing Custom Nodes") and restart ComfyUI`,
    )
  }
  return new ComfyMissingNodeError(
    `the ComfyUI server at ${origin} lacks node${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that workflow "${workflow}" needs: ${fixes.join('; ')}; or choose another workflow`,
    missing,
    workflow,
    core,
  )
}

/**
 * The choices a combo input offers: `[["a.safetensors", …], {…}]` (classic) or
 * `["COMBO", {options: […]}]` (the v3 node schema). Undefined for any other input type.
 */
export function comboOptions(spec: unknown): string[] | undefined {
  if (!Array.isArray(spec) || spec.length === 0) return undefined
  if (Array.isArray(spec[0])) return spec[0].filter((v): v is string => typeof v === 'string')
  if (spec[0] === 'COMBO' && spec[1] && typeof spec[1] === 'object') {
    const options = (spec[1] as { options?: unknown }).options
    if (Array.isArray(options)) return options.filter((v): v is string => typeof v === 'string')
  }
  return undefined
}

/**
 * Fixed string inputs of the template (checkpoint, VAE, LoRA names…) whose value is not among
 * the choices the server offers for that input. `skip(nodeId, input)` excludes inputs filled
 * per shot (uploaded file names are checked by the server itself).
 */
export function missingModelFiles(workflow: ApiWorkflow, info: ObjectInfo, skip: (nodeId: string, input: string) => boolean): MissingModel[] {
  const out: MissingModel[] = []
  for (const [nodeId, node] of Object.entries(workflow)) {
    const cls = info[node.class_type]
    if (!cls) continue
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' || skip(nodeId, input)) continue
      const spec = cls.input?.required?.[input] ?? cls.input?.optional?.[input]
      const options = comboOptions(spec)
      if (options === undefined || options.includes(value)) continue
      // Only file-like choices: a wrong sampler name is the template's bug, ComfyUI will say so.
      if (!/\.(safetensors|ckpt|pt|pth|bin|gguf|sft|onnx)$/i.test(value)) continue
      out.push({ nodeId, classType: node.class_type, input, value, available: options.slice(0, 8) })
    }
  }
  return out
}

export function missingModelError(origin: string, workflow: string, missing: MissingModel[]): ComfyMissingModelError {
  const lines = missing.map(
    (m) => `${m.classType} (node ${m.nodeId}) ${m.input} = "${m.value}" (the server has: ${m.available.length ? m.available.join(', ') : 'none'})`,
  )
  return new ComfyMissingModelError(
    `the ComfyUI server at ${origin} lacks model file${missing.length > 1 ? 's' : ''} that workflow "${workflow}" names: ${lines.join('; ')}. Put the files in ComfyUI's models/ folders (checkpoints/, vae/, …) or edit the names in models/comfyui/${workflow}.json`,
    missing,
    workflow,
  )
}

/** Node classes named as missing by a /prompt rejection (current and older server wording). */
function missingFromRejection(type: string, message: string, extra: unknown): string[] {
  const cls = extra && typeof extra === 'object' ? (extra as { class_type?: unknown }).class_type : undefined
  if (type === 'missing_node_type' && typeof cls === 'string' && cls) return [cls]
  // execution.py before 2025: "Cannot execute because node X does not exist."
  const old = /node (\S+) does not exist/i.exec(message)
  if (old) return [old[1]]
  const current = /Node '([^']+)' not found/i.exec(message)
  if (type === 'missing_node_type' && current) return [current[1]]
  return []
}

/**
 * Turns a 400 from POST /prompt into a ComfyPromptError (or a ComfyMissingNodeError when the
 * reason is a node class the server lacks). Bodies that are not ComfyUI's shape stay HTTP errors.
 */
export function promptRejectionError(err: ComfyHttpError, origin: string, workflow: string, hints: Record<string, string> = {}): Error {
  let body: unknown
  try {
    body = JSON.parse(err.bodyExcerpt)
  } catch {
    return err
  }
  const parsed = PromptRejected.safeParse(body)
  if (!parsed.success) return err
  const e = parsed.data.error
  const type = typeof e === 'string' ? 'error' : (e.type ?? 'error')
  const message = typeof e === 'string' ? e : (e.message ?? '')
  const details = typeof e === 'string' ? '' : (e.details ?? '')
  const missing = missingFromRejection(type, message, typeof e === 'string' ? undefined : e.extra_info)
  const nodeErrors: NodeErrorSummary[] = []
  const ne = parsed.data.node_errors
  if (ne && !Array.isArray(ne)) {
    for (const [nodeId, v] of Object.entries(ne)) {
      nodeErrors.push({
        nodeId,
        classType: v.class_type ?? '?',
        messages: v.errors.map((x) => [x.message, x.details].filter(Boolean).join(': ')),
      })
    }
  }
  if (missing.length) {
    const m = missingNodeError(origin, workflow, missing, hints)
    return new ComfyPromptError(`${m.message} (POST /prompt: ${type})`, type, nodeErrors, missing)
  }
  const perNode = nodeErrors.map((n) => `node ${n.nodeId} ${n.classType}: ${n.messages.join('; ')}`).join(' | ')
  return new ComfyPromptError(
    `the ComfyUI server at ${origin} refused workflow "${workflow}" (${type}: ${oneLine(message, 200)}${details ? ` ${oneLine(details, 300)}` : ''})${perNode ? `: ${perNode}` : ''}`,
    type,
    nodeErrors,
    [],
  )
}
