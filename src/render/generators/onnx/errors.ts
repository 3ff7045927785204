/**
 * An ONNX diffusion model folder (models/<name>/) that cannot be used: a missing or malformed
 * tokenizer, scheduler config or model file. The message names the file and says what to fix.
 */
export class OnnxModelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OnnxModelError'
  }
}
