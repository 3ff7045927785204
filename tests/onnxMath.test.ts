import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { OnnxModelError } from '../src/render/generators/onnx/errors.js'
import { classifierFreeGuidance, splitBatch } from '../src/render/generators/onnx/guidance.js'
import { gaussianNoise, noiseStream } from '../src/render/generators/onnx/noise.js'
import { loadSchedulerConfig, parseSchedulerConfig, resolveSchedulerConfig, schedulerKindFor } from '../src/render/generators/onnx/schedulerConfig.js'
import { alphasCumprodFor, betasFor, createScheduler, roundHalfEven, strengthStartIndex } from '../src/render/generators/onnx/schedulers.js'
import { bytesToUnicode, cleanText, createClipTokenizer, loadClipTokenizer } from '../src/render/generators/onnx/tokenizer.js'

const tmpRoots: string[] = []
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'longav-onnxmath-'))
  tmpRoots.push(dir)
  return dir
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true })
})

/** Element-wise closeness to `digits` decimals (float32 results against float64 hand values). */
function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(actual[i], `element ${i}`).toBeCloseTo(expected[i], digits)
}

const noNoise = (): Float32Array => {
  throw new Error('noise must not be drawn here')
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/**
 * A hand-made vocabulary. BPE walk-throughs (ranks are merge line numbers after the header):
 *   "cat"  → c a t</w>       → (c,a) r0 → ca t</w> → (ca,t</w>) r2 → cat</w>            → [2]
 *   "cats" → c a t s</w>     → (c,a) r0 → ca t s</w> → (ca,t) r3 → cat s</w>; (cat,s</w>) unranked → [9, 10]
 *   "'s"   → ' s</w>         → (',s</w>) r4 → 's</w>                                     → [14]
 *   "é"    → UTF-8 C3 A9 → bytes_to_unicode 'Ã' '©' → Ã ©</w> → r5 → Ã©</w>             → [15]
 */
const VOCAB: Record<string, number> = {
  '!': 0,
  'a</w>': 1,
  'cat</w>': 2,
  c: 3,
  a: 4,
  t: 5,
  't</w>': 6,
  ca: 7,
  'at</w>': 8,
  cat: 9,
  's</w>': 10,
  '!</w>': 11,
  ',</w>': 12,
  '4</w>': 13,
  "'s</w>": 14,
  'Ã©</w>': 15,
  "'": 16,
  Ã: 17,
  '©</w>': 18,
  '<|startoftext|>': 100,
  '<|endoftext|>': 101,
}
const MERGES = ['#version: 0.2', 'c a', 'a t</w>', 'ca t</w>', 'ca t', "' s</w>", 'Ã ©</w>']
const PROMPT = "A  cat,\tcats! 42 cat's \u00e9"

describe('CLIP tokenizer', () => {
  it('maps bytes to printable characters as GPT-2/CLIP do', () => {
    const t = bytesToUnicode()
    expect(t[0x61]).toBe('a') // printable ASCII maps to itself
    expect(t[0xc3]).toBe('Ã') // printable Latin-1 too
    // The 68 other bytes get U+0100 onwards in byte order: 0x00–0x20 are the first 33,
    // so space (0x20) is U+0100+32 = 'Ġ' and newline (0x0A) U+010A = 'Ċ';
    // then 0x7F–0xA0 (34 bytes): 0x81 is the 33+2 = 35th → U+0123 'ģ'; 0xAD is last → U+0143 'Ń'.
    expect(t[0x20]).toBe('Ġ')
    expect(t[0x0a]).toBe('Ċ')
    expect(t[0x81]).toBe('ģ')
    expect(t[0xad]).toBe('Ń')
    expect(new Set(t).size).toBe(256)
  })

  it('cleans whitespace and case', () => {
    expect(cleanText('  A\n\tBIG   Cat  ')).toBe('a big cat')
  })

  it('splits, byte-encodes and merges pieces by rank', () => {
    const tok = createClipTokenizer({ vocab: VOCAB, merges: MERGES, maxLength: 16 })
    // Pieces: a | cat | , | cats | ! | 4 | 2 | cat | 's | é  (digits one at a time, the contraction apart)
    expect(tok.tokenize(PROMPT)).toEqual(['a</w>', 'cat</w>', ',</w>', 'cat', 's</w>', '!</w>', '4</w>', '2</w>', 'cat</w>', "'s</w>", 'Ã©</w>'])
    // "ā" = C4 81 → 'Ä' + 'ģ' (0x81 is a remapped byte); neither symbol merges.
    expect(tok.tokenize('\u0101')).toEqual(['Ä', 'ģ</w>'])
    // The specials are whole tokens even inside text.
    expect(tok.tokenize('a <|endoftext|>cat')).toEqual(['a</w>', '<|endoftext|>', 'cat</w>'])
  })

  it('uses merge ranks, not merge availability, to pick the pair', () => {
    // Same merges, "a t</w>" ranked first: c a t</w> → c at</w>; (c, at</w>) is unranked.
    const tok = createClipTokenizer({ vocab: VOCAB, merges: ['a t</w>', 'c a', 'ca t</w>'] })
    expect(tok.tokenize('cat')).toEqual(['c', 'at</w>'])
    expect(Array.from(tok.encode('cat').slice(0, 4))).toEqual([100, 3, 8, 101])
  })

  it('encodes bos, ids (unknown → unk), eos, then padding', () => {
    const tok = createClipTokenizer({ vocab: VOCAB, merges: MERGES, maxLength: 16 })
    expect(tok.maxLength).toBe(16)
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([100, 101, 101])
    const ids = tok.encode(PROMPT)
    expect(ids).toBeInstanceOf(Int32Array)
    // "2</w>" is not in the vocabulary → unk (<|endoftext|>, 101). 1 + 11 + 1 = 13 ids, 3 pads.
    expect(Array.from(ids)).toEqual([100, 1, 2, 12, 9, 10, 11, 13, 101, 2, 14, 15, 101, 101, 101, 101])
  })

  it("pads with '!' when told (SD 2.x) and truncates keeping eos", () => {
    const sd2 = createClipTokenizer({ vocab: VOCAB, merges: MERGES, maxLength: 8, padToken: '!' })
    expect(sd2.padId).toBe(0)
    expect(Array.from(sd2.encode('a cat'))).toEqual([100, 1, 2, 101, 0, 0, 0, 0])
    // maxLength 6 leaves room for 4 of the 11 tokens.
    const short = createClipTokenizer({ vocab: VOCAB, merges: MERGES, maxLength: 6 })
    expect(Array.from(short.encode(PROMPT))).toEqual([100, 1, 2, 12, 9, 101])
    expect(Array.from(short.encode(''))).toEqual([100, 101, 101, 101, 101, 101])
  })

  it('loads the export folder (model folder or tokenizer/ itself) with its config files', async () => {
    const model = tmp()
    const dir = join(model, 'tokenizer')
    mkdirSync(dir)
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(VOCAB))
    writeFileSync(join(dir, 'merges.txt'), MERGES.join('\n') + '\n')
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 10, do_lower_case: true, tokenizer_class: 'CLIPTokenizer' }))
    writeFileSync(
      join(dir, 'special_tokens_map.json'),
      JSON.stringify({
        bos_token: { content: '<|startoftext|>', lstrip: false, normalized: true, rstrip: false, single_word: false },
        eos_token: { content: '<|endoftext|>', lstrip: false },
        pad_token: '!',
        unk_token: '<|endoftext|>',
      }),
    )
    for (const path of [dir, model]) {
      const tok = await loadClipTokenizer(path)
      expect(tok.maxLength).toBe(10)
      expect(Array.from(tok.encode('a cats'))).toEqual([100, 1, 9, 10, 101, 0, 0, 0, 0, 0])
    }
    // transformers' "no limit" placeholder means CLIP's 77; no special_tokens_map → pad with eos.
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30 }))
    rmSync(join(dir, 'special_tokens_map.json'))
    const tok = await loadClipTokenizer(dir)
    expect(tok.maxLength).toBe(77)
    expect(tok.padId).toBe(101)
  })

  it('rejects missing and malformed files with OnnxModelError', async () => {
    const write = (files: Record<string, string>): string => {
      const dir = tmp()
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
      return dir
    }
    const merges = MERGES.join('\n')
    const vocab = JSON.stringify(VOCAB)
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'merges.txt': merges }, /vocab\.json cannot be read/],
      [{ 'vocab.json': vocab }, /merges\.txt cannot be read/],
      [{ 'vocab.json': '{"a": 1,', 'merges.txt': merges }, /vocab\.json is not valid JSON/],
      [{ 'vocab.json': '["a", "b"]', 'merges.txt': merges }, /vocab\.json is malformed/],
      [{ 'vocab.json': '{"a": 1.5}', 'merges.txt': merges }, /vocab\.json is malformed/],
      [{ 'vocab.json': vocab, 'merges.txt': '#version: 0.2\n' }, /holds no merges/],
      [{ 'vocab.json': vocab, 'merges.txt': 'c a\nca t s\n' }, /not two symbols/],
      [{ 'vocab.json': JSON.stringify({ a: 1 }), 'merges.txt': merges }, /no start-of-text token/],
      [{ 'vocab.json': vocab, 'merges.txt': merges, 'special_tokens_map.json': '{"pad_token": 5}' }, /special_tokens_map\.json is malformed/],
      [{ 'vocab.json': vocab, 'merges.txt': merges, 'tokenizer_config.json': '{"model_max_length": 1}' }, /maxLength must be an integer ≥ 2/],
    ]
    for (const [files, message] of cases) {
      const err = await loadClipTokenizer(write(files)).catch((e: unknown) => e)
      expect(err, JSON.stringify(Object.keys(files))).toBeInstanceOf(OnnxModelError)
      expect((err as Error).name).toBe('OnnxModelError')
      expect((err as Error).message).toMatch(message)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Scheduler config

const SD15_PNDM = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
}
const SD = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' } as const

describe('scheduler config', () => {
  it('maps class names to samplers, falling back to DDIM with a note', () => {
    expect(schedulerKindFor('EulerDiscreteScheduler')).toEqual({ kind: 'euler' })
    expect(schedulerKindFor('EulerAncestralDiscreteScheduler')).toEqual({ kind: 'euler-ancestral' })
    expect(schedulerKindFor('DDIMScheduler')).toEqual({ kind: 'ddim' })
    expect(schedulerKindFor('LCMScheduler')).toEqual({ kind: 'lcm' })
    const pndm = schedulerKindFor('PNDMScheduler')
    expect(pndm.kind).toBe('ddim')
    expect(pndm.note).toMatch(/PNDMScheduler is not implemented; sampling with DDIM/)
    expect(schedulerKindFor('DPMSolverMultistepScheduler').kind).toBe('ddim')
    expect(() => schedulerKindFor('FlowMatchEulerDiscreteScheduler')).toThrow(OnnxModelError)
  })

  it("fills defaults from the named class (SD 1.5's PNDM config → DDIM, no alpha-to-one, no clipping)", () => {
    const r = resolveSchedulerConfig(SD15_PNDM)
    expect(r).toMatchObject({ kind: 'ddim', className: 'PNDMScheduler', setAlphaToOne: false, clipSample: false, timestepSpacing: 'leading', stepsOffset: 1, predictionType: 'epsilon' })
    expect(r.note).toMatch(/PNDMScheduler/)
    // DDIM's own defaults: clip_sample True, set_alpha_to_one True; Euler's spacing linspace; LCM's betas.
    expect(resolveSchedulerConfig({ _class_name: 'DDIMScheduler' })).toMatchObject({ clipSample: true, setAlphaToOne: true, timestepSpacing: 'leading', betaSchedule: 'linear', betaStart: 0.0001 })
    expect(resolveSchedulerConfig({ _class_name: 'EulerDiscreteScheduler' }).timestepSpacing).toBe('linspace')
    expect(resolveSchedulerConfig({ _class_name: 'LCMScheduler' })).toMatchObject({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, originalInferenceSteps: 50, timestepScaling: 10 })
    // Options that change sampling but are not implemented are named.
    expect(resolveSchedulerConfig({ _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true }).note).toMatch(/ignored.*use_karras_sigmas=true/)
  })

  it('keeps unknown keys and rejects bad values', () => {
    const parsed = parseSchedulerConfig(SD15_PNDM)
    expect((parsed as Record<string, unknown>).skip_prk_steps).toBe(true)
    expect(() => parseSchedulerConfig({ ...SD15_PNDM, beta_schedule: 'cosine' })).toThrow(OnnxModelError)
    expect(() => parseSchedulerConfig({ ...SD15_PNDM, timestep_spacing: 'sideways' })).toThrow(/timestep_spacing/)
    expect(() => parseSchedulerConfig({ ...SD15_PNDM, prediction_type: 'noise' })).toThrow(/prediction_type/)
    expect(() => parseSchedulerConfig({ beta_start: 0.1 })).toThrow(/_class_name/)
    expect(() => resolveSchedulerConfig({ _class_name: 'DDIMScheduler', num_train_timesteps: 3, trained_betas: [0.1, 0.2] })).toThrow(/trained_betas has 2 values/)
  })

  it('loads scheduler_config.json from the file, the scheduler folder or the model folder', () => {
    const model = tmp()
    mkdirSync(join(model, 'scheduler'))
    const file = join(model, 'scheduler', 'scheduler_config.json')
    writeFileSync(file, JSON.stringify(SD15_PNDM))
    for (const p of [file, join(model, 'scheduler'), model]) expect(loadSchedulerConfig(p)._class_name).toBe('PNDMScheduler')
    expect(() => loadSchedulerConfig(tmp())).toThrow(/no scheduler_config\.json found/)
    writeFileSync(file, '{"_class_name": ')
    expect(() => loadSchedulerConfig(model)).toThrow(/not valid JSON/)
    writeFileSync(file, '{"_class_name": "DDIMScheduler", "steps_offset": -1}')
    expect(() => loadSchedulerConfig(model)).toThrow(OnnxModelError)
  })
})

// ---------------------------------------------------------------------------------------------
// Schedulers on a tiny schedule
//
// num_train_timesteps 10, linear betas 0.1…0.2: β_i = 0.1 + i/90, so α_i = 1 − β_i = (81 − i)/90.
//   ᾱ_0 = 81/90 = 0.9            σ_0 = √(0.1/0.9) = 1/3
//   ᾱ_1 = 0.9 · 80/90 = 0.8       σ_1 = √(0.2/0.8) = 1/2
//   ᾱ_4 = 0.8 · 79·78·77/90³ = 0.520685   σ_4 = √(0.479315/0.520685) = 0.959452
//   ᾱ_5 = ᾱ_4 · 76/90 = 0.439689          σ_5 = 1.128864
//   ᾱ_6 = ᾱ_5 · 75/90 = 0.366408          σ_6 = 1.314990
//   ᾱ_9 = ᾱ_6 · 74·73·72/90³ = 0.195490   σ_9 = 2.028634
// Sample x = [1, −0.5], model output ε = [0.5, 1] unless stated.

const TINY = { num_train_timesteps: 10, beta_start: 0.1, beta_end: 0.2, beta_schedule: 'linear' } as const
const X = new Float32Array([1, -0.5])
const EPS = new Float32Array([0.5, 1])

describe('noise schedule', () => {
  it('computes betas and ᾱ for each schedule', () => {
    const acp = alphasCumprodFor(betasFor(resolveSchedulerConfig({ _class_name: 'DDIMScheduler', ...TINY })))
    expectClose(Array.from(acp), [0.9, 0.8, 0.702222, 0.608593, 0.520685, 0.439689, 0.366408, 0.301269, 0.244362, 0.19549], 5)
    // scaled_linear: (√0.00085 … √0.012)², so the ends are exact.
    const sd = betasFor(resolveSchedulerConfig({ _class_name: 'EulerDiscreteScheduler', ...SD }))
    expect(sd[0]).toBeCloseTo(0.00085, 12)
    expect(sd[999]).toBeCloseTo(0.012, 12)
    // squaredcos_cap_v2, N = 10: β_0 = 1 − cos²(0.108/1.008·π/2)/cos²(0.008/1.008·π/2)
    //   = 1 − 0.971942/0.999845 = 0.027907; the last one is capped: ᾱ(1) = cos²(π/2) = 0 → 0.999.
    const cos = betasFor(resolveSchedulerConfig({ _class_name: 'DDIMScheduler', num_train_timesteps: 10, beta_schedule: 'squaredcos_cap_v2' }))
    expect(cos[0]).toBeCloseTo(0.027907, 5)
    expect(cos[9]).toBe(0.999)
  })

  it('rounds halves to even like numpy', () => {
    expect([0.5, 1.5, 2.5, 4.5, -0.5, 3.49, 3.51].map(roundHalfEven)).toEqual([0, 2, 2, 4, -0, 3, 4])
  })

  it('keeps the last round(steps × strength) steps', () => {
    expect(strengthStartIndex(10, 1)).toBe(0)
    expect(strengthStartIndex(10, 0.2)).toBe(8)
    expect(strengthStartIndex(10, 0.25)).toBe(7) // round(2.5) = 3 steps
    expect(strengthStartIndex(100, 0.29)).toBe(71) // 29 steps, where int(28.999…) would give 28
    expect(strengthStartIndex(10, 0.01)).toBe(9) // at least one step
    expect(() => strengthStartIndex(10, 0)).toThrow(RangeError)
    expect(() => strengthStartIndex(10, 1.5)).toThrow(RangeError)
  })
})

describe('Euler', () => {
  it('spaces timesteps and interpolates sigmas', () => {
    // linspace(0, 9, 3) reversed = 9, 4.5, 0; σ(4.5) = (σ_4 + σ_5)/2 = (0.959452 + 1.128864)/2 = 1.044158
    const lin = createScheduler({ _class_name: 'EulerDiscreteScheduler', ...TINY }, { steps: 3 })
    expect(lin.kind).toBe('euler')
    expect(lin.timesteps).toEqual([9, 4.5, 0])
    expectClose(lin.sigmas, [2.028634, 1.044158, 1 / 3, 0])
    expect(lin.initNoiseSigma).toBeCloseTo(2.028634, 5) // linspace: σ_max itself
    // trailing, 2 steps: round(10 − i·5) − 1 = 9, 4
    expect(createScheduler({ _class_name: 'EulerDiscreteScheduler', ...TINY, timestep_spacing: 'trailing' }, { steps: 2 }).timesteps).toEqual([9, 4])
    // leading + steps_offset 1, 2 steps: (1, 0)·(10 // 2) + 1 = 6, 1
    const lead = createScheduler({ _class_name: 'EulerDiscreteScheduler', ...TINY, timestep_spacing: 'leading', steps_offset: 1 }, { steps: 2 })
    expect(lead.timesteps).toEqual([6, 1])
    expectClose(lead.sigmas, [1.31499, 0.5, 0])
    // leading: √(σ_max² + 1) = √((1 − ᾱ_6)/ᾱ_6 + 1) = 1/√ᾱ_6 = 1/√0.366408 = 1.652029
    expect(lead.initNoiseSigma).toBeCloseTo(1.652029, 5)
  })

  it('scales the input and steps (epsilon and v-prediction)', () => {
    const config = { _class_name: 'EulerDiscreteScheduler', ...TINY, timestep_spacing: 'leading', steps_offset: 1 } as const
    const s = createScheduler(config, { steps: 2 })
    // Step 1 (σ = 0.5): input x/√(0.25 + 1) = x · 0.894427
    expectClose(s.scaleModelInput(X, 1), [0.894427, -0.447214])
    // Step 0, σ 1.314990 → 0.5: x + ε·(0.5 − 1.314990) = [1 − 0.407495, −0.5 − 0.814990]
    expectClose(s.step(EPS, 0, X, noNoise), [0.592505, -1.31499])
    // Step 1, σ 0.5 → 0: x − 0.5·ε = [0.75, −1]
    expectClose(s.step(EPS, 1, X, noNoise), [0.75, -1], 6)
    // v-prediction at σ = 0.5: x̂₀ = v·(−0.5/√1.25) + x/1.25 = −0.447214·v + 0.8·x, and the last
    // step lands on x̂₀: [0.8 − 0.223607, −0.4 − 0.447214]
    const v = createScheduler({ ...config, prediction_type: 'v_prediction' }, { steps: 2 })
    expectClose(v.step(EPS, 1, X, noNoise), [0.576393, -0.847214])
    // The input is not modified.
    expect(Array.from(X)).toEqual([1, -0.5])
  })

  it('cuts for image-to-image and adds noise at the first kept step', () => {
    // 10 leading steps: 9 … 0; strength 0.2 keeps the last 2: timesteps 1, 0 (σ 0.5, 1/3).
    const s = createScheduler({ _class_name: 'EulerDiscreteScheduler', ...TINY, timestep_spacing: 'leading' }, { steps: 10, strength: 0.2 })
    expect(s.timesteps).toEqual([1, 0])
    expect(s.startIndex).toBe(8)
    // x₀ + σ·ε with σ = 0.5: [1 + 0.25, −0.5 + 0.5]
    expectClose(s.addNoise(X, EPS, 0), [1.25, 0], 6)
    // Step 0 is the full run's step 8: σ 0.5 → 1/3: x + ε·(1/3 − 1/2) = x − ε/6
    expectClose(s.step(EPS, 0, X, noNoise), [1 - 0.5 / 6, -0.5 - 1 / 6])
  })

  it('ancestral: deterministic part to σ_down plus σ_up of fresh noise', () => {
    const s = createScheduler({ _class_name: 'EulerAncestralDiscreteScheduler', ...TINY, timestep_spacing: 'leading' }, { steps: 10, strength: 0.2 })
    expect(s.kind).toBe('euler-ancestral')
    // σ 1/2 → 1/3: σ_up = √((1/9)(1/4 − 1/9)/(1/4)) = √20/18 = 0.248452, σ_down = √(1/9 − 20/324) = 2/9.
    // x + ε·(2/9 − 1/2) + z·σ_up with z = [1, −1]: [1 − 0.138889 + 0.248452, −0.5 − 0.277778 − 0.248452]
    let asked = 0
    const z = (n: number) => {
      asked = n
      return new Float32Array([1, -1])
    }
    expectClose(s.step(EPS, 0, X, z), [1.109563, -1.02623])
    expect(asked).toBe(2)
    // Last step (σ 1/3 → 0): σ_up = 0, σ_down = 0, so x' = x̂₀ = x − ε/3 and no noise is drawn.
    expectClose(s.step(EPS, 1, X, noNoise), [1 - 0.5 / 3, -0.5 - 1 / 3])
  })
})

describe('DDIM', () => {
  const ddim = (extra: Record<string, unknown>, steps: number, strength?: number) =>
    createScheduler({ _class_name: 'DDIMScheduler', ...TINY, clip_sample: false, ...extra }, { steps, strength })

  it('spaces timesteps', () => {
    expect(ddim({ steps_offset: 1 }, 3).timesteps).toEqual([7, 4, 1]) // (2, 1, 0)·3 + 1
    expect(ddim({ timestep_spacing: 'trailing' }, 3).timesteps).toEqual([9, 6, 2]) // round(10, 6.67, 3.33) − 1
    expect(ddim({ timestep_spacing: 'linspace' }, 3).timesteps).toEqual([9, 4, 0]) // round(4.5) = 4 (half to even)
    expect(ddim({ timestep_spacing: 'linspace' }, 4).timesteps).toEqual([9, 6, 3, 0])
    const s = ddim({}, 2)
    expect(s.initNoiseSigma).toBe(1)
    expect(Array.from(s.scaleModelInput(X, 0))).toEqual([1, -0.5])
  })

  it('steps with eta 0 (epsilon)', () => {
    // 10 steps, strength 0.2 → timesteps 1, 0; stride 10 // 10 = 1.
    const s = ddim({}, 10, 0.2)
    expect(s.timesteps).toEqual([1, 0])
    // t = 1 → 0: ᾱ = 0.8, ᾱ' = 0.9. x̂₀ = (x − √0.2·ε)/√0.8 = x/√0.8 − ε/2;
    // x' = √0.9·x̂₀ + √0.1·ε = 1.060660·x − 0.158114·ε = [1.060660 − 0.079057, −0.530330 − 0.158114]
    expectClose(s.step(EPS, 0, X, noNoise), [0.981603, -0.688444])
    // t = 0 → −1: ᾱ' = 1 (set_alpha_to_one) so x' = x̂₀ = x/√0.9 − ε/3 = [1.054093 − 0.166667, −0.527046 − 0.333333]
    expectClose(s.step(EPS, 1, X, noNoise), [0.887426, -0.86038])
    // set_alpha_to_one false: ᾱ' = ᾱ_0 = 0.9, so x' = √0.9·(x − √0.1·ε)/√0.9 + √0.1·ε = x.
    expectClose(ddim({ set_alpha_to_one: false }, 10, 0.2).step(EPS, 1, X, noNoise), [1, -0.5], 6)
    // addNoise at t = 1: √0.8·x + √0.2·ε = [0.894427 + 0.223607, −0.447214 + 0.447214]
    expectClose(s.addNoise(X, EPS, 0), [1.118034, 0])
  })

  it('clips x̂₀ and handles v and sample prediction', () => {
    // ε = [−2, 1] at t = 1: x̂₀ = x/√0.8 − ε/2 = [2.118034, −1.059017] → clipped [1, −1];
    // x' = √0.9·[1, −1] + √0.1·[−2, 1] = [0.948683 − 0.632456, −0.948683 + 0.316228]
    const clip = ddim({ clip_sample: true }, 10, 0.2)
    expectClose(clip.step(new Float32Array([-2, 1]), 0, X, noNoise), [0.316228, -0.632456])
    // v at t = 1: x̂₀ = √0.8·x − √0.2·v, ε̂ = √0.8·v + √0.2·x;
    // x' = √0.9·x̂₀ + √0.1·ε̂ = (√0.72 + √0.02)·x + (√0.08 − √0.18)·v = 0.989949·x − 0.141421·v
    const v = ddim({ prediction_type: 'v_prediction' }, 10, 0.2)
    expectClose(v.step(EPS, 0, X, noNoise), [0.919239, -0.636396])
    // sample at t = 1, m = [0.2, −0.4]: ε̂ = (x − √0.8·m)/√0.2;
    // x' = √0.9·m + √0.1·ε̂ = (√0.9 − √0.4)·m + √0.5·x = 0.316228·m + 0.707107·x
    const sample = ddim({ prediction_type: 'sample' }, 10, 0.2)
    expectClose(sample.step(new Float32Array([0.2, -0.4]), 0, X, noNoise), [0.770352, -0.480044])
  })

  it('steps back by N // steps whatever the spacing (diffusers)', () => {
    // trailing, 3 steps: 9, 6, 2 but the stride is 10 // 3 = 3, so t = 6 looks at ᾱ_3, not ᾱ_2.
    // ᾱ_6 = 0.366408: x̂₀ = (x − √0.633592·ε)/√0.366408 = ([1, −0.5] − 0.795985·ε)/0.605316
    //   = [0.994534, −2.141005]; x' = √0.608593·x̂₀ + √0.391407·ε = 0.780123·x̂₀ + 0.625626·ε
    //   = [0.775852 + 0.312813, −1.670248 + 0.625626]  (with ᾱ_2 it would be [1.076…, −1.032…])
    const s = ddim({ timestep_spacing: 'trailing' }, 3)
    expectClose(s.step(EPS, 1, X, noNoise), [1.088672, -1.044622], 5)
  })
})

describe('LCM', () => {
  it('picks timesteps from the distillation grid', () => {
    // N 1000, 50 original steps: k = 20, grid 999, 979, …, 19; 4 steps take indices
    // floor(0, 12.5, 25, 37.5) = 0, 12, 25, 37 → 999, 759, 499, 259 (the LCM paper's schedule).
    expect(createScheduler({ _class_name: 'LCMScheduler' }, { steps: 4 }).timesteps).toEqual([999, 759, 499, 259])
    // N 10, 5 original steps: k = 2, grid 9, 7, 5, 3, 1; 3 steps: floor(0, 1.67, 3.33) → 9, 7, 3.
    expect(createScheduler({ _class_name: 'LCMScheduler', ...TINY, original_inference_steps: 5 }, { steps: 3 }).timesteps).toEqual([9, 7, 3])
    expect(() => createScheduler({ _class_name: 'LCMScheduler', ...TINY, original_inference_steps: 5 }, { steps: 6 })).toThrow(/at most 5 steps/)
  })

  it('denoises with the boundary-condition scalings and re-noises between steps', () => {
    // Grid of every timestep (original 10), 10 steps, strength 0.2 → 1, 0. timestep_scaling 0.25:
    // t = 1: s = 0.25, c_skip = 0.25/(0.0625 + 0.25) = 0.8, c_out = 0.25/√0.3125 = 0.447214.
    const s = createScheduler({ _class_name: 'LCMScheduler', ...TINY, original_inference_steps: 10, timestep_scaling: 0.25 }, { steps: 10, strength: 0.2 })
    expect(s.timesteps).toEqual([1, 0])
    expect(s.initNoiseSigma).toBe(1)
    // x̂₀ = x/√0.8 − ε/2 = [0.868034, −1.059017]; denoised = 0.447214·x̂₀ + 0.8·x = [1.188197, −0.873607];
    // next t = 0 (ᾱ 0.9), z = [1, −1]: x' = √0.9·denoised + √0.1·z = [1.127226 + 0.316228, −0.828777 − 0.316228]
    expectClose(s.step(EPS, 0, X, () => new Float32Array([1, -1])), [1.443450, -1.145004])
    // t = 0: s = 0 → c_skip 1, c_out 0: the last step returns the sample itself, without noise.
    expectClose(s.step(EPS, 1, X, noNoise), [1, -0.5], 6)
    // add_noise as DDPM at t = 1: √0.8·x + √0.2·ε
    expectClose(s.addNoise(X, EPS, 0), [1.118034, 0])
  })
})

describe('Stable Diffusion 1.5 numbers', () => {
  it('matches diffusers for the SD schedule (scaled_linear 0.00085…0.012)', () => {
    // Euler, linspace: timesteps 999, 978.612…; σ_999 = 14.6146 (diffusers' init_noise_sigma for SD).
    const lin = createScheduler({ _class_name: 'EulerDiscreteScheduler', ...SD }, { steps: 50 })
    expect(lin.timesteps[0]).toBe(999)
    expect(lin.timesteps[1]).toBeCloseTo(978.6122, 4)
    expect(lin.sigmas[0]).toBeCloseTo(14.6146, 4)
    expect(lin.sigmas[1]).toBeCloseTo(12.9368, 4)
    expect(lin.sigmas[50]).toBe(0)
    expect(lin.initNoiseSigma).toBeCloseTo(14.6146, 4)
    // Euler, leading + steps_offset 1: 49·20 + 1 = 981 first, 1 last; σ_981 = 13.1204,
    // init noise √(13.1204² + 1) = 13.1585.
    const lead = createScheduler({ _class_name: 'EulerDiscreteScheduler', ...SD, timestep_spacing: 'leading', steps_offset: 1 }, { steps: 50 })
    expect(lead.timesteps[0]).toBe(981)
    expect(lead.timesteps[49]).toBe(1)
    expect(lead.sigmas[0]).toBeCloseTo(13.1204, 3)
    expect(lead.initNoiseSigma).toBeCloseTo(13.1585, 3)
    // SD 1.5's own config (PNDM → DDIM), 5 steps: diffusers' test_steps_offset gives 801 … 1.
    const pndm = createScheduler(SD15_PNDM, { steps: 5 })
    expect(pndm.kind).toBe('ddim')
    expect(pndm.note).toMatch(/PNDMScheduler/)
    expect(pndm.timesteps).toEqual([801, 601, 401, 201, 1])
    // SD-Turbo: Euler ancestral, trailing, 1 step at 999 from σ_max noise; the step lands on x̂₀ = x − σ·ε.
    const turbo = createScheduler({ _class_name: 'EulerAncestralDiscreteScheduler', ...SD, timestep_spacing: 'trailing' }, { steps: 1 })
    expect(turbo.timesteps).toEqual([999])
    expect(turbo.initNoiseSigma).toBeCloseTo(14.6146, 4)
    expectClose(turbo.step(EPS, 0, X, noNoise), [1 - 14.614641 * 0.5, -0.5 - 14.614641], 3)
  })

  /**
   * A model that knows the clean latent x₀ answers every step exactly; each sampler must then
   * end on x₀ from pure noise (text-to-image) and from addNoise (image-to-image). DDIM without
   * set_alpha_to_one (SD 1.5's config) stops at t = 0's noise level instead:
   * √ᾱ_0·x₀ + √(1 − ᾱ_0)·ε, ε being the noise the exact model keeps predicting.
   */
  it('brings an exact model to its clean latent with every sampler', () => {
    const x0 = new Float32Array([0.3, -0.7, 1.2, 0])
    const configs = [
      { _class_name: 'EulerDiscreteScheduler', ...SD },
      { _class_name: 'EulerDiscreteScheduler', ...SD, prediction_type: 'v_prediction', timestep_spacing: 'trailing' },
      { _class_name: 'EulerAncestralDiscreteScheduler', ...SD, timestep_spacing: 'leading', steps_offset: 1 },
      { ...SD15_PNDM },
      { _class_name: 'DDIMScheduler', ...SD, clip_sample: false, prediction_type: 'v_prediction', set_alpha_to_one: true },
      { _class_name: 'LCMScheduler', ...SD },
    ]
    for (const config of configs) {
      for (const strength of [1, 0.5]) {
        const steps = config._class_name === 'LCMScheduler' ? 4 : 20
        const s = createScheduler(config, { steps, strength })
        const noise = noiseStream(7)
        const euler = s.kind.startsWith('euler')
        const v = 'prediction_type' in config && config.prediction_type === 'v_prediction'
        let x = strength === 1 ? Float32Array.from(noise(4), (z) => z * s.initNoiseSigma) : s.addNoise(x0, noise(4), 0)
        let lastEps = new Float32Array(4)
        s.timesteps.forEach((t, i) => {
          // Noise level of the current sample: Euler's σ, else ᾱ_t. In Euler's space
          // x = x₀ + σ·ε and the model sees x/√(σ² + 1) = √ᾱ·x₀ + √(1 − ᾱ)·ε with ᾱ = 1/(σ² + 1).
          const sigma = euler ? s.sigmas[s.startIndex + i] : 0
          const a = euler ? 1 / (sigma * sigma + 1) : s.alphasCumprod[t]
          const input = s.scaleModelInput(x, i)
          lastEps = Float32Array.from(input, (xi, k) => (xi - Math.sqrt(a) * x0[k]) / Math.sqrt(1 - a))
          const out = v ? Float32Array.from(lastEps, (e, k) => Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[k]) : lastEps
          x = s.step(out, i, x, noise)
        })
        const end = 'set_alpha_to_one' in config && config.set_alpha_to_one === false ? s.alphasCumprod[0] : 1
        expect(end === 1 || end < 0.9995).toBe(true) // ᾱ_0 = 1 − 0.00085: the two cases differ
        expectClose(x, Array.from(x0, (c, k) => Math.sqrt(end) * c + Math.sqrt(1 - end) * lastEps[k]), 4)
      }
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Guidance and noise

describe('classifier-free guidance', () => {
  it('extrapolates from the unconditional towards the conditional output', () => {
    const uncond = new Float32Array([1, 2, -1])
    const cond = new Float32Array([3, 0, -1])
    // 1 + 7.5·(3 − 1) = 16; 2 + 7.5·(0 − 2) = −13; −1 + 7.5·0 = −1
    expect(Array.from(classifierFreeGuidance(uncond, cond, 7.5))).toEqual([16, -13, -1])
    expect(Array.from(classifierFreeGuidance(uncond, cond, 1))).toEqual([3, 0, -1])
    expect(Array.from(classifierFreeGuidance(uncond, cond, 0))).toEqual([1, 2, -1])
    expect(() => classifierFreeGuidance(uncond, new Float32Array(2), 7.5)).toThrow(RangeError)
  })

  it('splits a batch-2 output into its items in order', () => {
    const [a, b] = splitBatch(new Float32Array([1, 2, 3, 4, 5, 6]), 2)
    expect(Array.from(a)).toEqual([1, 2, 3])
    expect(Array.from(b)).toEqual([4, 5, 6])
    expect(() => splitBatch(new Float32Array(5), 2)).toThrow(RangeError)
  })
})

describe('gaussian noise', () => {
  it('is a function of the seed', () => {
    expect(Array.from(gaussianNoise(42, 1000))).toEqual(Array.from(gaussianNoise(42, 1000)))
    const a = gaussianNoise(1, 1000)
    const b = gaussianNoise(2, 1000)
    expect(a.some((v, i) => v !== b[i])).toBe(true)
    // Seeds beyond 32 bits are not folded onto small ones.
    const c = gaussianNoise(1 + 2 ** 32, 1000)
    expect(a.some((v, i) => v !== c[i])).toBe(true)
  })

  it('streams: successive draws continue the same sequence', () => {
    const stream = noiseStream(9)
    const parts = [...stream(3), ...stream(5), ...stream(0), ...stream(1)]
    expect(parts).toEqual(Array.from(gaussianNoise(9, 9)))
  })

  it('is standard normal and uncorrelated across seeds', () => {
    const n = 100_000
    const a = gaussianNoise(123, n)
    const b = gaussianNoise(124, n)
    let sum = 0
    let sq = 0
    let within1 = 0
    let cross = 0
    for (let i = 0; i < n; i++) {
      sum += a[i]
      sq += a[i] * a[i]
      if (Math.abs(a[i]) < 1) within1++
      cross += a[i] * b[i]
    }
    const mean = sum / n
    const variance = sq / n - mean * mean
    // Standard errors at n = 1e5: mean 0.0032, variance 0.0045, P(|z|<1) 0.0015, correlation 0.0032.
    expect(Math.abs(mean)).toBeLessThan(0.015)
    expect(Math.abs(variance - 1)).toBeLessThan(0.02)
    expect(Math.abs(within1 / n - 0.6827)).toBeLessThan(0.007)
    expect(Math.abs(cross / n)).toBeLessThan(0.015)
  })
})
