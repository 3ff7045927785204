import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../util/packageRoot.js'
import { SeparationModelError } from './errors.js'
import { sha256File } from '../../util/files.js'

/** The models folder: the `modelsDir` option, else env LONGAV_MODELS_DIR, else `<package root>/models`. */
export function modelsDirectory(modelsDir?: string): string {
  return modelsDir ?? process.env.LONGAV_MODELS_DIR ?? join(packageRoot(), 'models')
}

export interface LocatedModel {
  name: string
  dir: string
  /** Set when several models were present and none was chosen: which one is used and why. */
  note?: string
}

/**
 * The separation model to use: `<models>/separation/<name>/` holding model.onnx. The chosen
 * `name` when given (an error when absent), else the only one, else the alphabetically first.
 * Undefined when there is none (the DSP streams are used then).
 */
export function locateSeparationModel(opts: { modelsDir?: string; name?: string } = {}): LocatedModel | undefined {
  const root = join(modelsDirectory(opts.modelsDir), 'separation')
  const names = existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'model.onnx')))
        .map((d) => d.name)
        .sort()
    : []
  if (opts.name !== undefined) {
    if (!names.includes(opts.name))
      throw new SeparationModelError(
        'NOT_FOUND',
        `separation model "${opts.name}" not found in ${root} (present: ${names.length ? names.join(', ') : 'none'})`,
      )
    return { name: opts.name, dir: join(root, opts.name) }
  }
  if (names.length === 0) return undefined
  const note =
    names.length > 1 ? `several separation models in ${root} (${names.join(', ')}): using "${names[0]}", the alphabetically first; choose one with separationModel` : undefined
  return { name: names[0], dir: join(root, names[0]), note }
}

/** What identifies the separation model an analysis used, for cache keys: null when DSP is used. */
export interface SeparationIdentity {
  name: string
  modelSha256: string
  configSha256: string
}

export async function separationModelIdentity(opts: { modelsDir?: string; name?: string } = {}): Promise<SeparationIdentity | null> {
  const located = locateSeparationModel(opts)
  if (!located) return null
  const config = join(located.dir, 'separation.json')
  return {
    name: located.name,
    modelSha256: await sha256File(join(located.dir, 'model.onnx')),
    configSha256: existsSync(config) ? await sha256File(config) : '',
  }
}
