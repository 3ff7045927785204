/**
 * A workflow checked against a server's GET /object_info the way ComfyUI checks a prompt before
 * it runs it (execution.py validate_inputs): every node class exists, every required input is
 * given, links point at an output of the type the input takes, widget values have the input's
 * type and lie within its min/max, combo values are among its options. Pure: data in, problems out.
 */
import { comboOptions } from './check.js'
import type { ApiWorkflow, ObjectInfo } from './protocol.js'

export interface WorkflowProblem {
  nodeId: string
  classType: string
  input?: string
  message: string
}

export interface ValidateOptions {
  /** Inputs whose value is filled per shot (uploaded file names): their combo options are not checked. */
  perShot?: (nodeId: string, input: string) => boolean
}

type Spec = [unknown, Record<string, unknown>?]

function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number'
}

/** The type names an input accepts: "IMAGE", "IMAGE,MASK" (either), "*" (any). */
function typeAccepts(inputType: string, outputType: string): boolean {
  if (inputType === '*' || outputType === '*') return true
  const outs = outputType.split(',')
  return inputType.split(',').some((t) => outs.includes(t))
}

/** The problems ComfyUI would refuse the workflow for; empty when it would queue it. */
export function validateWorkflow(workflow: ApiWorkflow, info: ObjectInfo, opts: ValidateOptions = {}): WorkflowProblem[] {
  const problems: WorkflowProblem[] = []
  for (const [nodeId, node] of Object.entries(workflow)) {
    const cls = info[node.class_type] as { input?: { required?: Record<string, Spec>; optional?: Record<string, Spec> }; output?: string[] } | undefined
    const say = (message: string, input?: string) => problems.push({ nodeId, classType: node.class_type, input, message })
    if (!cls) {
      say(`node class ${node.class_type} does not exist on the server`)
      continue
    }
    const required = cls.input?.required ?? {}
    const optional = cls.input?.optional ?? {}
    for (const name of Object.keys(required)) if (!Object.hasOwn(node.inputs, name)) say(`required input "${name}" is missing`, name)
    for (const [name, value] of Object.entries(node.inputs)) {
      const spec = required[name] ?? optional[name]
      if (!spec) {
        say(`input "${name}" is not an input of ${node.class_type} (it has ${[...Object.keys(required), ...Object.keys(optional)].join(', ')})`, name)
        continue
      }
      const problem = isLink(value) ? linkProblem(workflow, info, value, spec) : valueProblem(value, spec, opts.perShot?.(nodeId, name) ?? false)
      if (problem) say(problem, name)
    }
  }
  return problems
}

function linkProblem(workflow: ApiWorkflow, info: ObjectInfo, [from, slot]: [string, number], spec: Spec): string | undefined {
  const src = workflow[from]
  if (!src) return `links to node ${from}, which is not in the workflow`
  const outputs = (info[src.class_type] as { output?: unknown } | undefined)?.output
  if (!Array.isArray(outputs)) return undefined // the source's own class is reported missing
  if (!Number.isInteger(slot) || slot < 0 || slot >= outputs.length) return `links to output ${slot} of node ${from} (${src.class_type}), which has ${outputs.length}`
  const outType = outputs[slot]
  const inType = comboOptions(spec) ? 'COMBO' : spec[0]
  if (typeof outType !== 'string' || typeof inType !== 'string') return undefined
  if (!typeAccepts(inType, outType)) return `takes ${inType} but is linked to output ${slot} of node ${from} (${src.class_type}), a ${outType}`
  return undefined
}

function valueProblem(value: unknown, spec: Spec, perShot: boolean): string | undefined {
  const options = comboOptions(spec)
  const o = (spec[1] ?? {}) as { min?: number; max?: number; image_upload?: boolean; audio_upload?: boolean; video_upload?: boolean }
  if (options) {
    if (typeof value !== 'string' && typeof value !== 'number') return `takes one of its options, got ${JSON.stringify(value)}`
    // Upload combos list the server's input folder; a per-shot value is the file just uploaded.
    if (perShot && (o.image_upload || o.audio_upload || o.video_upload)) return undefined
    if (!options.includes(value as string)) return `value ${JSON.stringify(value)} is not among its options (${options.slice(0, 12).join(', ')}${options.length > 12 ? ', …' : ''})`
    return undefined
  }
  const type = spec[0]
  if (type === 'INT' || type === 'FLOAT') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `takes a number (${type}), got ${JSON.stringify(value)}`
    if (type === 'INT' && !Number.isInteger(value)) return `takes an integer, got ${value}`
    if (o.min !== undefined && value < o.min) return `${value} is below its minimum ${o.min}`
    if (o.max !== undefined && value > o.max) return `${value} is above its maximum ${o.max}`
    return undefined
  }
  if (type === 'BOOLEAN') return typeof value === 'boolean' ? undefined : `takes true or false, got ${JSON.stringify(value)}`
  if (type === 'STRING') return typeof value === 'string' ? undefined : `takes text, got ${JSON.stringify(value)}`
  // Any other type (IMAGE, LATENT, MODEL…) only comes through a link.
  return `takes a ${String(type)} from another node's output, got the value ${JSON.stringify(value)}`
}
