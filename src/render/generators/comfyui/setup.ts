/** Helpers of the ComfyUI generator's set-up: the default and init templates, abortable waits. */
import { abortError } from '../../../ffmpeg/index.js'
import { ComfyTemplateError } from './errors.js'
import { chooseWorkflow } from './shot.js'
import { listTemplates, loadTemplate, type WorkflowTemplate } from './template.js'

/** `p`, or the signal's reason as soon as it aborts (p keeps running for whoever else awaits it). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

export function defaultTemplate(dir: string): WorkflowTemplate {
  const names = listTemplates(dir)
  const templates = names.map((n) => loadTemplate(dir, n))
  const chosen = chooseWorkflow(templates)
  if (!chosen)
    throw new ComfyTemplateError(
      `no ComfyUI workflow to choose from in ${dir}${names.length ? ` (${names.join(', ')} all have "autoSelect": false: name one)` : ''}: add a template (models/comfyui/README.md) or name one`,
    )
  return chosen
}

export function loadInitTemplate(dir: string, main: WorkflowTemplate): WorkflowTemplate {
  const t = loadTemplate(dir, main.meta.initFrom!)
  if (t.meta.accepts.initImage || t.meta.produces !== 'frames')
    throw new ComfyTemplateError(`${main.name}.meta.json: initFrom "${t.name}" must make frames from text alone (no init image)`)
  if (t.meta.accepts.audio || t.meta.accepts.referenceImages > 0)
    throw new ComfyTemplateError(`${main.name}.meta.json: initFrom "${t.name}" must not need audio or reference images`)
  return t
}
