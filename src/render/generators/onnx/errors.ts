import { LongavError } from '../../../errors.js'

/**
 * An ONNX diffusion model folder (models/<name>/) that cannot be used: a missing or malformed
 * tokenizer, scheduler config or model file. The message names the file and says what to fix.
 * Kind `input`, code `ONNX_MODEL_INVALID`.
 */
export class OnnxModelError extends LongavError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { kind: 'input', code: 'ONNX_MODEL_INVALID', cause: options?.cause })
    this.name = 'OnnxModelError'
  }
}
