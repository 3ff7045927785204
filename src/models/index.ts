/**
 * The user's models, in one place: where the models folder is (`modelsDirectory`), which model
 * in it is meant (`chooseModelFolder`), and the config-and-contract check of single-session
 * ONNX models (`readModelConfig`, `openOnnxModel`). The separation, embedding, ONNX diffusion
 * and ComfyUI template code look their models up here.
 */
export { checkModelsDir, chooseModelFolder, listModelFolders, modelsDirectory, presentList, type LocatedModel } from './folder.js'
export { checkTensor, openOnnxModel, readModelConfig, type ModelErrorCode, type ModelFamily, type TensorContract } from './onnx.js'
