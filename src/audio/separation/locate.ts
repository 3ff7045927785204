import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chooseModelFolder, modelsDirectory, type LocatedModel } from '../../models/index.js'
import { SeparationModelError } from './errors.js'
import { sha256File } from '../../util/files.js'

export { modelsDirectory, type LocatedModel }

/**
 * The separation model to use: `<models>/separation/<name>/` holding model.onnx. The chosen
 * `name` when given (an error when absent), else the only one, else the alphabetically first.
 * Undefined when there is none (the DSP streams are used then).
 */
export function locateSeparationModel(opts: { modelsDir?: string; name?: string } = {}): LocatedModel | undefined {
  return chooseModelFolder({
    kind: 'separation',
    modelsDir: opts.modelsDir,
    name: opts.name,
    chooseHint: 'choose one with separationModel',
    notFound: (message) => new SeparationModelError('NOT_FOUND', message),
  })
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
