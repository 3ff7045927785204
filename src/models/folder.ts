/**
 * The models folder: where the user's models live and which of them is meant. One lookup for
 * the separation and embedding models, the ONNX diffusion exports and the ComfyUI templates.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { config } from '../config.js'
import { ConfigError, InputError } from '../errors.js'
import { packageRoot } from '../util/packageRoot.js'

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory()

/**
 * The models folder: the `modelsDir` option, else env LONGAV_MODELS_DIR (which must then be an
 * existing folder: a ConfigError naming the variable otherwise), else `<package root>/models`.
 * An option naming a folder that does not exist is returned as is (nothing is found in it);
 * `checkModelsDir` refuses it where the user typed it.
 */
export function modelsDirectory(modelsDir?: string): string {
  if (modelsDir !== undefined) return modelsDir
  const fromEnv = config().modelsDir
  if (fromEnv !== undefined) {
    if (!isDir(fromEnv)) throw new ConfigError('LONGAV_MODELS_DIR', `environment variable LONGAV_MODELS_DIR="${fromEnv}" is not a folder: point it at your models folder, or unset it`)
    return fromEnv
  }
  return join(packageRoot(), 'models')
}

/** A models folder the user named (`source`: how, e.g. `--models-dir`) must exist: an InputError (MODELS_DIR_NOT_FOUND) otherwise. */
export function checkModelsDir(dir: string, source = '--models-dir'): string {
  if (!isDir(dir)) throw new InputError(`models folder ${dir} (${source}) does not exist: give the folder that holds separation/, embedding/, diffusion/ or comfyui/`, { code: 'MODELS_DIR_NOT_FOUND' })
  return dir
}

/** Sub-folders of `root` (sorted), those holding `file` when given; none when `root` is absent. */
export function listModelFolders(root: string, file?: string): string[] {
  if (!isDir(root)) return []
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (file === undefined || existsSync(join(root, d.name, file))))
    .map((d) => d.name)
    .sort()
}

/** `a, b` or `none`: what is present, for messages. */
export function presentList(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'none'
}

export interface LocatedModel {
  name: string
  dir: string
  /** Set when several models were present and none was chosen: which one is used and why. */
  note?: string
}

/**
 * The model in `<models>/<kind>/<name>/` holding `file` (model.onnx): the chosen `name` when
 * given (`notFound` builds the error when it is absent, with the message naming what is
 * present), else the only one, else the alphabetically first with a note. Undefined when there is none.
 */
export function chooseModelFolder(opts: {
  kind: string
  modelsDir?: string
  name?: string
  file?: string
  /** Appended to the note when several are present and none was chosen. */
  chooseHint?: string
  notFound: (message: string) => Error
}): LocatedModel | undefined {
  const root = join(modelsDirectory(opts.modelsDir), opts.kind)
  const names = listModelFolders(root, opts.file ?? 'model.onnx')
  if (opts.name !== undefined) {
    if (!names.includes(opts.name)) throw opts.notFound(`${opts.kind} model "${opts.name}" not found in ${root} (present: ${presentList(names)})`)
    return { name: opts.name, dir: join(root, opts.name) }
  }
  if (names.length === 0) return undefined
  const note =
    names.length > 1
      ? `several ${opts.kind} models in ${root} (${names.join(', ')}): using "${names[0]}", the alphabetically first${opts.chooseHint ? `; ${opts.chooseHint}` : ''}`
      : undefined
  return { name: names[0], dir: join(root, names[0]), note }
}
