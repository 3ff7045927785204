/**
 * Every shipped ComfyUI template, filled as a shot fills it, checked against the /object_info a
 * real ComfyUI reports for its nodes (tests/fixtures/comfyui/object_info.json, made from
 * ComfyUI's own source by tools/comfyui/object_info.py; version and commit inside).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fillTemplate, framesToRequest, listTemplates, loadTemplate, workflowSize, type WorkflowTemplate } from '../src/render/generators/comfyui/index.js'
import type { ApiWorkflow, ObjectInfo } from '../src/render/generators/comfyui/protocol.js'
import { validateWorkflow } from '../src/render/generators/comfyui/validate.js'
import { missingNodeError } from '../src/render/generators/comfyui/check.js'
import { selectGenerator } from '../src/render/generators/select.js'
import { makeBrief } from './helpers/brief.js'

const DIR = path.join(process.cwd(), 'models', 'comfyui')
const FIXTURE = JSON.parse(readFileSync(path.join(process.cwd(), 'tests', 'fixtures', 'comfyui', 'object_info.json'), 'utf8')) as {
  comfyui: { version: string; commit: string; commitDate: string }
  object_info: ObjectInfo
}
const INFO = FIXTURE.object_info

/** The values a shot of `frames` frames at 30 fps, 640x360, would put into the template. */
function shotValues(t: WorkflowTemplate, frames = 37): Record<string, string | number> {
  const size = workflowSize(640, 360, t.meta)
  const values: Record<string, string | number> = {
    prompt: 'a singer on a rooftop at night, "quoted"\nsecond line',
    negative_prompt: 'blurry',
    seed: 123456789,
    frames: framesToRequest(frames, 30, t.meta),
    width: size.width,
    height: size.height,
    fps: t.meta.nativeFps ?? 30,
    filename_prefix: 'longav/shot0001-a0',
    init_image: 'longav-0123456789abcdef.png',
    last_image: 'longav-fedcba9876543210.png',
    audio: 'longav-00112233aabbccdd.wav',
    audio_start: 1.5,
    audio_end: 3.1,
    audio_duration: 1.6,
    denoise: 0.35,
  }
  for (let k = 0; k < t.meta.accepts.referenceImages; k++) values[`reference_image_${k}`] = `longav-ref${k}.png`
  return values
}

const templates = listTemplates(DIR).map((n) => loadTemplate(DIR, n))
/** Templates made only of nodes that ship with ComfyUI (the others name their custom node pack). */
const coreTemplates = templates.filter((t) => Object.values(t.workflow).every((n) => !t.meta.nodePacks[n.class_type]))

describe('ComfyUI templates against the recorded /object_info', () => {
  it('the fixture says where it came from', () => {
    expect(FIXTURE.comfyui.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(FIXTURE.comfyui.commit).toMatch(/^[0-9a-f]{40}$/)
    expect(coreTemplates.map((t) => t.name)).toEqual(
      expect.arrayContaining(['ltx2-i2v', 'ltx2-a2v', 'ltx2-flf', 'wan22-5b-t2v', 'wan22-5b-i2v', 'wan22-flf', 'wan-vace-ref', 'wan22-s2v', 'svd-img2vid']),
    )
    // A template class that is neither recorded nor from a named pack would go unchecked.
    for (const t of templates) for (const n of Object.values(t.workflow)) if (!t.meta.nodePacks[n.class_type]) expect(Object.keys(INFO), `${t.name}: ${n.class_type}`).toContain(n.class_type)
  })

  for (const t of coreTemplates) {
    it(`${t.name}: fills and validates (classes, required inputs, types, ranges, options, links)`, () => {
      const wf = fillTemplate(t.workflow, shotValues(t), { ...t.meta.defaults }, t.name)
      const perShot = new Set(t.uses.map((u) => `${u.nodeId}/${u.input}`))
      const problems = validateWorkflow(wf, INFO, { perShot: (n, i) => perShot.has(`${n}/${i}`) })
      expect(problems).toEqual([])
      // The longest run and the smallest one are still within every input's range.
      for (const frames of [1, Math.floor((t.meta.maxFrames * 30) / (t.meta.nativeFps ?? 30))]) {
        const again = fillTemplate(t.workflow, shotValues(t, frames), { ...t.meta.defaults }, t.name)
        expect(validateWorkflow(again, INFO, { perShot: (n, i) => perShot.has(`${n}/${i}`) })).toEqual([])
      }
    })

    it(`${t.name}: its meta's frame grid and size multiple are the nodes' own`, () => {
      for (const use of t.uses) {
        const node = t.workflow[use.nodeId]
        const spec = (INFO[node.class_type] as { input: { required?: Record<string, [unknown, { step?: number; min?: number }?]> } }).input.required?.[use.input]
        const step = spec?.[1]?.step
        if (use.name === 'frames' && step && step > 1) {
          // Latent video nodes step their length by the VAE's time compression: counts k*step + 1.
          expect(t.meta.frameStep, `${t.name} node ${use.nodeId} ${node.class_type}.${use.input}`).toBe(step)
          expect(t.meta.frameOffset).toBe(1)
        }
        if ((use.name === 'width' || use.name === 'height') && step) expect(t.meta.sizeMultiple % step, `${node.class_type}.${use.input} step ${step}`).toBe(0)
      }
    })
  }
})

describe('validateWorkflow finds what ComfyUI would refuse', () => {
  const t = loadTemplate(DIR, 'ltx2-a2v')
  const good = fillTemplate(t.workflow, shotValues(t), {}, t.name)
  const perShot = new Set(t.uses.map((u) => `${u.nodeId}/${u.input}`))
  const check = (wf: ApiWorkflow) => validateWorkflow(wf, INFO, { perShot: (n, i) => perShot.has(`${n}/${i}`) })
  const edit = (f: (wf: ApiWorkflow) => void): ApiWorkflow => {
    const wf = structuredClone(good)
    f(wf)
    return wf
  }

  it('an unknown class, a missing input, a wrong link type, a bad option, a value out of range', () => {
    expect(check(edit((wf) => (wf['22'].class_type = 'SolidMaskV9')))).toEqual([expect.objectContaining({ nodeId: '22', message: expect.stringContaining('does not exist') })])
    expect(check(edit((wf) => delete wf['16'].inputs.terminal))).toEqual([expect.objectContaining({ nodeId: '16', input: 'terminal', message: expect.stringContaining('missing') })])
    // The audio VAE encoder fed the picture instead of the audio.
    expect(check(edit((wf) => (wf['21'].inputs.audio = ['6', 0])))).toEqual([expect.objectContaining({ nodeId: '21', message: expect.stringContaining('takes AUDIO') })])
    expect(check(edit((wf) => (wf['15'].inputs.sampler_name = 'euler_fast')))).toEqual([expect.objectContaining({ input: 'sampler_name', message: expect.stringContaining('not among its options') })])
    expect(check(edit((wf) => (wf['1'].inputs.ckpt_name = 'ltx-2-19b-dev.safetensors')))).toHaveLength(1)
    expect(check(edit((wf) => (wf['5'].inputs.frame_rate = 2000)))).toEqual([expect.objectContaining({ message: expect.stringContaining('above its maximum 1000') })])
    expect(check(edit((wf) => (wf['8'].inputs.length = 97.5)))).toEqual([expect.objectContaining({ message: expect.stringContaining('integer') })])
    expect(check(edit((wf) => (wf['17'].inputs.sigmas = ['16', 3])))).toEqual([expect.objectContaining({ message: expect.stringContaining('has 1') })])
    expect(check(edit((wf) => (wf['9'].inputs.frobnicate = 1)))).toEqual([expect.objectContaining({ message: expect.stringContaining('not an input') })])
  })
})

describe('set-up', () => {
  it('a server without the LTX-2 audio-video nodes is told to update ComfyUI, not to install a pack', () => {
    const e = missingNodeError('http://gpu:8188', 'ltx2-a2v', ['LTXAVTextEncoderLoader', 'LTXVConcatAVLatent'])
    expect(e.core).toEqual(['LTXAVTextEncoderLoader', 'LTXVConcatAVLatent'])
    expect(e.message).toContain('update ComfyUI')
  })

  it('the brief names the singing workflow and the chained runs', () => {
    const brief = makeBrief({
      title: 'T', concept: 'A singer on a rooftop.', baseDir: process.cwd(), generator: 'comfyui',
      characters: [{ name: 'Mara', description: 'singer' }], locations: [{ name: 'Rooftop', description: 'a rooftop' }],
      output: { width: 160, height: 96, fps: 24 },
      comfyui: { url: 'http://127.0.0.1:8188', workflow: 'ltx2-i2v', singingWorkflow: 'ltx2-a2v', maxRuns: 3 },
    })
    const g = selectGenerator({ brief, modelsDir: path.join(process.cwd(), 'models') })
    expect(g.id).toBe('comfyui:ltx2-i2v+sing:ltx2-a2v+runs:3')
    // Long takes of up to three chained runs of 241 frames at 24 fps (a singing shot that long is not lip-synced).
    expect(g.capabilities).toMatchObject({ audioConditioned: true, keyframeIn: true, maxFrames: 3 * 240 + 1 })
    expect(() => makeBrief({ ...brief, comfyui: { maxRuns: 0 } } as never)).toThrow()
  })
})
