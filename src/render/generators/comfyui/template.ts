/**
 * Workflow templates: API-format ComfyUI workflows ("Save (API)") in models/comfyui/<name>.json
 * whose per-shot values are placeholders, each a whole JSON string value such as "{{seed}}",
 * plus <name>.meta.json saying what the workflow takes and makes. Filling is done on the parsed
 * JSON (never by pasting text into JSON), so a prompt with quotes or newlines stays data.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { ComfyTemplateError } from './errors.js'
import { ApiWorkflow } from './protocol.js'

/** Placeholders filled with numbers (substituted as JSON numbers). */
export const NUMBER_PLACEHOLDERS = ['seed', 'frames', 'width', 'height', 'fps', 'audio_start', 'audio_end', 'audio_duration', 'denoise'] as const
/** Placeholders filled with strings. `reference_image_<k>` (k = 0, 1, …) is one too. */
export const STRING_PLACEHOLDERS = ['prompt', 'negative_prompt', 'init_image', 'last_image', 'audio', 'filename_prefix'] as const

const WHOLE = /^\{\{\s*([A-Za-z0-9_]+)\s*\}\}$/
const ANY = /\{\{\s*([A-Za-z0-9_]*)\s*\}\}/

export type PlaceholderValue = string | number

export function isKnownPlaceholder(name: string): boolean {
  return (NUMBER_PLACEHOLDERS as readonly string[]).includes(name) || (STRING_PLACEHOLDERS as readonly string[]).includes(name) || /^reference_image_\d+$/.test(name)
}

function isNumberPlaceholder(name: string): boolean {
  return (NUMBER_PLACEHOLDERS as readonly string[]).includes(name)
}

export const WorkflowMeta = z.strictObject({
  description: z.string(),
  /** Node id (a key of the workflow) whose output is the shot. */
  outputNode: z.string().min(1),
  /** 'frames': a list of images (SaveImage); 'video': one video/GIF file (VHS_VideoCombine, SaveVideo). */
  produces: z.enum(['frames', 'video']),
  /** Every placeholder the workflow uses; each must get a value (from the shot or `defaults`). */
  placeholders: z.array(z.string()),
  /** What the workflow takes in; checked against the placeholders it uses. */
  accepts: z.strictObject({
    initImage: z.boolean(),
    /** A frame to end on (first/last-frame workflows): {{last_image}}. */
    lastImage: z.boolean().default(false),
    referenceImages: z.number().int().min(0),
    audio: z.boolean(),
  }),
  /** Longest clip one run makes (the planner keeps shots within it). */
  maxFrames: z.number().int().positive(),
  /**
   * The frame rate the model animates at (AnimateDiff 8, Wan 16). When set, a shot of D seconds
   * asks for D × nativeFps frames and the clip is retimed to the render's rate; otherwise each
   * frame the workflow makes is one output frame.
   */
  nativeFps: z.number().positive().optional(),
  /** Frame counts the model accepts: frameOffset + k × frameStep (Wan: 4k + 1). */
  frameStep: z.number().int().positive().default(1),
  frameOffset: z.number().int().min(0).default(0),
  /**
   * May the clip be sped up a little (at most MAX_RETIME) to fit the shot's exact length? False
   * for audio-driven workflows: their picture is in sync with the audio, so the excess is cut.
   */
  retime: z.boolean().default(true),
  /** Width and height sent are multiples of this (latent models: 8, some video models: 16 or 64). */
  sizeMultiple: z.number().int().positive().default(8),
  /** Largest width × height sent; bigger outputs are rendered smaller and scaled up. */
  maxPixels: z.number().int().positive().optional(),
  /** True when the frames form one coherent clip (a video model), false for independent images. */
  temporal: z.boolean(),
  /** Template (frames, no init image) that makes the init frame when a shot has none. */
  initFrom: z.string().optional(),
  /** May the generator pick this workflow when none is named? (false for heavy or niche models) */
  autoSelect: z.boolean().default(true),
  /** Values for placeholders the shot does not supply (negative_prompt, denoise…). */
  defaults: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** Custom node pack that provides a node class, for the missing-node message. */
  nodePacks: z.record(z.string(), z.string()).default({}),
})
export type WorkflowMeta = z.infer<typeof WorkflowMeta>

export interface PlaceholderUse {
  name: string
  nodeId: string
  input: string
}

export interface WorkflowTemplate {
  name: string
  path: string
  workflow: ApiWorkflow
  meta: WorkflowMeta
  uses: PlaceholderUse[]
  /** Distinct placeholder names, sorted. */
  names: string[]
}

/** Where each placeholder sits (node id, top-level input). Throws on a partial "{{…}}" string. */
export function findPlaceholders(workflow: ApiWorkflow, templateName = 'workflow'): PlaceholderUse[] {
  const uses: PlaceholderUse[] = []
  const visit = (value: unknown, nodeId: string, input: string) => {
    if (typeof value === 'string') {
      const m = WHOLE.exec(value)
      if (m) uses.push({ name: m[1], nodeId, input })
      else if (ANY.test(value))
        throw new ComfyTemplateError(
          `${templateName}: node ${nodeId} input "${input}" mixes a placeholder with other text (${JSON.stringify(value.slice(0, 60))}): a placeholder must be the whole string value, e.g. "{{prompt}}"`,
        )
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, nodeId, input))
    else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(v, nodeId, input)
  }
  for (const [nodeId, node] of Object.entries(workflow)) for (const [input, v] of Object.entries(node.inputs)) visit(v, nodeId, input)
  return uses
}

/**
 * The workflow with every placeholder replaced: numbers as JSON numbers, text as JSON strings.
 * Unknown placeholders and placeholders without a value (from `values` or `defaults`) are errors.
 */
export function fillTemplate(
  workflow: ApiWorkflow,
  values: Readonly<Record<string, PlaceholderValue | undefined>>,
  defaults: Readonly<Record<string, PlaceholderValue>> = {},
  templateName = 'workflow',
): ApiWorkflow {
  const fill = (value: unknown, nodeId: string, input: string): unknown => {
    if (typeof value === 'string') {
      const m = WHOLE.exec(value)
      if (!m) {
        if (ANY.test(value)) throw new ComfyTemplateError(`${templateName}: node ${nodeId} input "${input}": a placeholder must be the whole string value`)
        return value
      }
      const name = m[1]
      if (!isKnownPlaceholder(name))
        throw new ComfyTemplateError(
          `${templateName}: node ${nodeId} input "${input}" uses unknown placeholder {{${name}}} (known: ${[...STRING_PLACEHOLDERS, ...NUMBER_PLACEHOLDERS, 'reference_image_<k>'].join(', ')})`,
        )
      const v = values[name] ?? defaults[name]
      if (v === undefined) throw new ComfyTemplateError(`${templateName}: no value for {{${name}}} (node ${nodeId} input "${input}"), and its meta gives no default`)
      if (isNumberPlaceholder(name)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ComfyTemplateError(`${templateName}: {{${name}}} must be a number, got ${JSON.stringify(v)}`)
      } else if (typeof v !== 'string') throw new ComfyTemplateError(`${templateName}: {{${name}}} must be text, got ${JSON.stringify(v)}`)
      return v
    }
    if (Array.isArray(value)) return value.map((x) => fill(x, nodeId, input))
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, fill(x, nodeId, input)]))
    return value
  }
  const out: ApiWorkflow = {}
  for (const [nodeId, node] of Object.entries(workflow)) {
    out[nodeId] = { ...node, inputs: Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [k, fill(v, nodeId, k)])) }
  }
  return out
}

/** Parses a workflow file's JSON: the API format, with a clear word when it is the UI format. */
export function parseWorkflow(json: unknown, where: string): ApiWorkflow {
  if (json && typeof json === 'object' && !Array.isArray(json) && 'nodes' in json && 'links' in json)
    throw new ComfyTemplateError(`${where} is a UI-format workflow (nodes/links): export it with "Save (API)" (enable dev mode options in older versions) instead`)
  const r = ApiWorkflow.safeParse(json)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new ComfyTemplateError(`${where} is not an API-format ComfyUI workflow (${issue?.path.join('.') || '(root)'}: ${issue?.message}): export it with "Save (API)"`)
  }
  if (Object.keys(r.data).length === 0) throw new ComfyTemplateError(`${where} has no nodes`)
  return r.data
}

/** Checks a template against its meta: same placeholders, known names, matching `accepts`, output node present. */
export function checkTemplate(name: string, workflow: ApiWorkflow, meta: WorkflowMeta): PlaceholderUse[] {
  const uses = findPlaceholders(workflow, name)
  const used = new Set(uses.map((u) => u.name))
  const unknown = [...used].filter((n) => !isKnownPlaceholder(n))
  if (unknown.length) throw new ComfyTemplateError(`${name}: unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')}`)
  const declared = new Set(meta.placeholders)
  const undeclared = [...used].filter((n) => !declared.has(n)).sort()
  const unused = [...declared].filter((n) => !used.has(n)).sort()
  if (undeclared.length || unused.length)
    throw new ComfyTemplateError(
      `${name}.meta.json "placeholders" does not match the workflow${undeclared.length ? `: the workflow uses ${undeclared.join(', ')} too` : ''}${unused.length ? `: the workflow does not use ${unused.join(', ')}` : ''}`,
    )
  const refs = [...used].filter((n) => n.startsWith('reference_image_')).map((n) => Number(n.slice('reference_image_'.length))).sort((a, b) => a - b)
  if (refs.some((k, i) => k !== i)) throw new ComfyTemplateError(`${name}: reference images must be numbered from 0 without gaps (got ${refs.join(', ')})`)
  const mismatch: string[] = []
  if (meta.accepts.initImage !== used.has('init_image')) mismatch.push(`accepts.initImage is ${meta.accepts.initImage} but {{init_image}} is ${used.has('init_image') ? '' : 'not '}used`)
  if (meta.accepts.lastImage !== used.has('last_image')) mismatch.push(`accepts.lastImage is ${meta.accepts.lastImage} but {{last_image}} is ${used.has('last_image') ? '' : 'not '}used`)
  if (meta.accepts.audio !== used.has('audio')) mismatch.push(`accepts.audio is ${meta.accepts.audio} but {{audio}} is ${used.has('audio') ? '' : 'not '}used`)
  if (meta.accepts.referenceImages !== refs.length) mismatch.push(`accepts.referenceImages is ${meta.accepts.referenceImages} but the workflow has ${refs.length}`)
  if (mismatch.length) throw new ComfyTemplateError(`${name}.meta.json: ${mismatch.join('; ')}`)
  if (!Object.hasOwn(workflow, meta.outputNode)) throw new ComfyTemplateError(`${name}.meta.json: outputNode "${meta.outputNode}" is not a node of the workflow (nodes: ${Object.keys(workflow).join(', ')})`)
  if (meta.frameOffset > meta.maxFrames) throw new ComfyTemplateError(`${name}.meta.json: frameOffset is larger than maxFrames`)
  return uses
}

/**
 * Loads `<dir>/<name>.json` and `<dir>/<name>.meta.json` (or a path to a .json file, its meta
 * beside it), validates both and checks them against each other.
 */
export function loadTemplate(dir: string, nameOrPath: string): WorkflowTemplate {
  const isPath = nameOrPath.endsWith('.json')
  const path = isPath ? nameOrPath : join(dir, `${nameOrPath}.json`)
  const name = basename(path, '.json')
  const metaPath = join(isPath ? dirname(path) : dir, `${name}.meta.json`)
  if (!existsSync(path)) {
    const present = listTemplates(dir)
    throw new ComfyTemplateError(`ComfyUI workflow "${nameOrPath}" not found: no ${path} (workflows in ${dir}: ${present.length ? present.join(', ') : 'none'})`)
  }
  if (!existsSync(metaPath)) throw new ComfyTemplateError(`${path} has no ${basename(metaPath)} beside it: models/comfyui/README.md says what goes in one`)
  const workflow = parseWorkflow(readJson(path), path)
  const rawMeta = readJson(metaPath)
  const m = WorkflowMeta.safeParse(rawMeta)
  if (!m.success) {
    const issue = m.error.issues[0]
    throw new ComfyTemplateError(`${metaPath}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  const uses = checkTemplate(name, workflow, m.data)
  return { name, path, workflow, meta: m.data, uses, names: [...new Set(uses.map((u) => u.name))].sort() }
}

/** Template names in a folder: every <name>.json with a <name>.meta.json beside it. */
export function listTemplates(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => existsSync(join(dir, `${n}.meta.json`)))
    .sort()
}

function readJson(path: string): unknown {
  const text = readFileSync(path, 'utf8')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ComfyTemplateError(`${path} is not valid JSON: ${(err as Error).message}`)
  }
}
