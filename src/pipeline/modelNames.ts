import { locateSeparationModel } from '../audio/separation/index.js'
import { locateEmbeddingModel } from '../metrics/embedding.js'
import { checkModelsDir } from '../models/index.js'
import { comfyTemplatesDir, loadTemplate } from '../render/generators/comfyui/index.js'
import { resolveModelDir } from '../render/generators/onnx/layout.js'

export interface ModelNames {
  modelsDir?: string
  separationModel?: string
  embeddingModel?: string
  onnxModel?: string
  comfyuiWorkflow?: string
}

/**
 * Every folder, model and template the caller named must exist, whether or not this run gets to
 * use it: a typo is an input error naming it and what exists, before anything is written.
 */
export function checkModelNames(names: ModelNames, flagOf: (name: keyof ModelNames) => string = (n) => n): void {
  const { modelsDir } = names
  if (modelsDir !== undefined) checkModelsDir(modelsDir, flagOf('modelsDir'))
  if (names.separationModel !== undefined) locateSeparationModel({ modelsDir, name: names.separationModel })
  if (names.embeddingModel !== undefined) locateEmbeddingModel(modelsDir, names.embeddingModel)
  if (names.onnxModel !== undefined) resolveModelDir(names.onnxModel, modelsDir)
  if (names.comfyuiWorkflow !== undefined) loadTemplate(comfyTemplatesDir(modelsDir), names.comfyuiWorkflow)
}
