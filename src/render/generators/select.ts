/** Builds the render's generator from the brief and the flags: the backends it names, routed per shot. */
import type { Store } from '../../store/index.js'
import { resolve } from 'node:path'
import { LongavError } from '../../errors.js'
import type { Brief, GeneratorName } from '../../schemas/index.js'
import { createComfyGenerator } from './comfyui/index.js'
import { createFootageGenerator } from './footage/index.js'
import { createOnnxGenerator } from './onnx/index.js'
import { createProceduralGenerator } from './procedural/index.js'
import { createGeneratorRouter, namesInUse } from './router.js'
import type { SegmentGenerator } from './types.js'

/** Command-line choices; each wins over the brief. */
export interface GeneratorFlags {
  generator?: GeneratorName
  onnxModel?: string
  comfyuiUrl?: string
  comfyuiWorkflow?: string
}

/** A generator that cannot be built from what the user gave (kind `input`, code `GENERATOR_SETUP`: exit 2). */
export class GeneratorSetupError extends LongavError {
  constructor(message: string) {
    super(message, { kind: 'input', code: 'GENERATOR_SETUP' })
    this.name = 'GeneratorSetupError'
  }
}

export interface SelectOptions {
  brief: Brief
  flags?: GeneratorFlags
  modelsDir?: string
  /** The render's store: the footage generator keeps its clip analyses there. */
  store?: Store
  onLog?(line: string): void
}

export function selectGenerator(opts: SelectOptions): SegmentGenerator {
  const { brief } = opts
  const flags = opts.flags ?? {}
  const fallback: GeneratorName = flags.generator ?? brief.generator ?? 'procedural'
  // The flag picks one generator for the whole render; the brief's overrides apply only without it.
  const rules = flags.generator ? [] : brief.shots
  const procedural = createProceduralGenerator()
  const backends: Partial<Record<GeneratorName, SegmentGenerator>> = { procedural }
  for (const name of namesInUse(fallback, rules)) {
    if (name === 'footage') {
      if (brief.assets.length === 0) throw new GeneratorSetupError("the footage generator needs footage: list your clips and stills under 'assets' in the brief, tagged with what they show")
      backends.footage = createFootageGenerator({
        assets: brief.assets.map((a) => ({ path: resolve(brief.baseDir, a.path), tags: a.tags })),
        fallback: procedural,
        store: opts.store,
        onLog: opts.onLog,
      })
    } else if (name === 'onnx') {
      const model = flags.onnxModel ?? brief.onnx?.model
      if (!model) throw new GeneratorSetupError("the onnx generator needs a model: --onnx-model NAME or 'onnx: { model: NAME }' in the brief (a diffusers ONNX export in models/NAME/, see models/README.md)")
      const { model: _m, ...settings } = brief.onnx ?? {}
      backends.onnx = createOnnxGenerator({ ...settings, model, modelsDir: opts.modelsDir, onLog: opts.onLog })
    } else if (name === 'comfyui') {
      const url = flags.comfyuiUrl ?? brief.comfyui?.url
      if (!url) throw new GeneratorSetupError("the comfyui generator needs a server: --comfyui-url http://HOST:8188 or 'comfyui: { url: ... }' in the brief")
      backends.comfyui = createComfyGenerator({
        url,
        workflow: flags.comfyuiWorkflow ?? brief.comfyui?.workflow,
        singingWorkflow: brief.comfyui?.singingWorkflow,
        maxRuns: brief.comfyui?.maxRuns,
        modelsDir: opts.modelsDir,
        fps: brief.output.fps,
        onLog: opts.onLog,
      })
    }
  }
  return createGeneratorRouter({ fallback, backends, rules, onLog: opts.onLog })
}
