/** Which files of a finished prompt are the shot: the meta's output node, frames or one video. */
import { extname } from 'node:path'
import { ComfyError } from './errors.js'
import type { HistoryEntry, OutputFile } from './protocol.js'
import type { WorkflowMeta } from './template.js'

/**
 * The output node's files in the order the server lists them (batch order). For 'frames' the
 * node's images; for 'video' its one video file (VHS's `gifs`, `videos`, or an animated image).
 */
export function shotOutputFiles(entry: HistoryEntry, meta: Pick<WorkflowMeta, 'outputNode' | 'produces'>, workflow: string): OutputFile[] {
  const out = entry.outputs[meta.outputNode]
  const nodes = Object.keys(entry.outputs)
  if (!out)
    throw new ComfyError(
      'NO_OUTPUT',
      `workflow "${workflow}" finished but its output node ${meta.outputNode} reported nothing (nodes with output: ${nodes.length ? nodes.join(', ') : 'none'}): check outputNode in its meta`,
    )
  const files = meta.produces === 'frames' ? (out.images ?? []) : [...(out.gifs ?? []), ...(out.videos ?? []), ...(out.images ?? [])].slice(0, 1)
  if (files.length === 0)
    throw new ComfyError('NO_OUTPUT', `workflow "${workflow}": output node ${meta.outputNode} finished without ${meta.produces === 'frames' ? 'images' : 'a video file'}`)
  return files
}

/** A safe local file name for the k-th output (the server's name is not trusted as a path). */
export function localOutputName(file: OutputFile, k: number): string {
  const ext = extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '')
  return `out_${String(k).padStart(6, '0')}${ext || '.png'}`
}
