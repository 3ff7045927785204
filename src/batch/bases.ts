/**
 * The base renders a batch cuts its variants from: one render per format (no text drawn into it),
 * made once however many variants use it. A generator whose shots are costly (footage, onnx,
 * comfyui) renders once, at the largest format, and the other formats are reframed from it by a
 * crop that follows the subject. Rendered natively, the first format's base verifies every shot
 * and the others draw the takes it kept (baseTakes.ts): each shot verified once per batch.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RenderEvent } from '../pipeline/events.js'
import type { ChosenTakes } from '../pipeline/runners/chosenTakes.js'
import { ShotPlan } from '../schemas/index.js'
import type { BatchEvent } from './events.js'
import { readBareStills } from './baseCaptions.js'
import { readKeptTakes } from './baseTakes.js'
import { reframe } from './reframe/index.js'
import type { VariantFormat } from './types.js'

export interface BaseRender {
  /** The picture of the whole song at this format (H.264; its audio is not used). */
  video: string
  plan: ShotPlan
  shotsGenerated: number
  shotsReused: number
  wallSec: number
  /** The generator drew the lyric captions into this picture (inside the caption safe area). */
  captions: boolean
  /** With captions: caption-free stills of some of its frames, by frame (the text check's reference). */
  bare: Map<number, string>
  /** The base whose verified takes this one drew (null: it verified its own shots). */
  takesFrom: string | null
}

/** Renders the whole song at one size into `outDir`, with or without the lyric captions; returns its files. */
export type BaseRenderer = (o: {
  outDir: string
  width: number
  height: number
  /** Draw the lyric captions into the picture (absent: as the brief says); with them, keep their caption-free stills. */
  captions?: boolean
  /** Each shot's take as another base chose it: drawn once, not verified again. */
  takes?: ChosenTakes
  onEvent: (event: RenderEvent) => void
  signal: AbortSignal
}) => Promise<{ final: string; plan: string }>

export const sizeKey = (f: { width: number; height: number }): string => `${f.width}x${f.height}`
/** A base: its size, and whether the generator draws the captions into it. */
export const baseKey = (f: { width: number; height: number }, captions: boolean): string => `${sizeKey(f)}${captions ? '-captions' : ''}`

export interface Bases {
  get(format: VariantFormat, captions?: boolean): Promise<BaseRender>
  /** Starts every base the formats need, at most `parallel` renders at a time, in order. */
  startAll(): void
  /** The format every other is reframed from (null: each format is rendered natively). */
  master: VariantFormat | null
  /** The base that verifies every shot and is made first (natively rendered bases), else null. */
  verifying: string | null
}

export function createBases(o: {
  batchDir: string
  /** The bases the variants need: a format, and whether its captions are drawn into it (native renders only). */
  formats: Array<{ format: VariantFormat; captions: boolean }>
  /** Render each format natively (the procedural generator composes for each aspect). */
  native: boolean
  render: BaseRenderer
  /** Base renders at once (each a process when the renderer forks one). */
  parallel: number
  emit: (event: BatchEvent) => void
  signal: AbortSignal
}): Bases {
  const keys = [...new Set(o.formats.map((f) => baseKey(f.format, o.native && f.captions)))]
  const master = o.native ? null : o.formats.map((f) => f.format).reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a))
  const made = new Map<string, Promise<BaseRender>>()
  const dirOf = (key: string) => join(o.batchDir, '.longav', 'bases', key)

  let free = Math.max(1, o.parallel)
  const waiting: Array<() => void> = []
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((ok) => waiting.push(ok)))
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else free++
  }

  // One native base verifies every shot: the smallest (its verification decode is the cheapest; the
  // metrics measure at their own small size). The others wait for its kept takes (before taking a
  // render slot) and draw them. Should it fail, each verifies its own.
  const verifying = o.native && o.formats.length > 0 ? o.formats.reduce((a, b) => (b.format.width * b.format.height < a.format.width * a.format.height ? b : a)) : undefined
  const verifyingKey = verifying ? baseKey(verifying.format, verifying.captions) : ''
  let verified: Promise<ChosenTakes | undefined> | undefined
  const takesOfVerifying = () =>
    (verified ??= get(verifying!.format, verifying!.captions).then(
      () => readKeptTakes(dirOf(verifyingKey), verifyingKey),
      () => undefined,
    ))

  const renderAt = async (format: VariantFormat, captions: boolean): Promise<BaseRender> => {
    const takes = verifying && baseKey(format, captions) !== verifyingKey ? await takesOfVerifying() : undefined
    await acquire()
    try {
      return await renderNow(format, captions, takes)
    } finally {
      release()
    }
  }

  const renderNow = async (format: VariantFormat, captions: boolean, takes: ChosenTakes | undefined): Promise<BaseRender> => {
    o.signal.throwIfAborted()
    const key = baseKey(format, captions)
    const t0 = performance.now()
    let generated = 0
    let reused = 0
    o.emit({ type: 'base', format: key, index: keys.indexOf(key) + 1, total: keys.length, status: 'rendering' })
    const files = await o.render({
      outDir: dirOf(key),
      width: format.width,
      height: format.height,
      captions,
      ...(takes ? { takes } : {}),
      signal: o.signal,
      onEvent: (e) => {
        if (e.type === 'shot' && e.status === 'generating') generated++
        if (e.type === 'shot' && e.status === 'cached') reused++
        o.emit({ ...e, format: key })
      },
    })
    const plan = ShotPlan.parse(JSON.parse(await readFile(files.plan, 'utf8')))
    o.emit({ type: 'base', format: key, index: keys.indexOf(key) + 1, total: keys.length, status: 'done' })
    const bare = captions ? await readBareStills(dirOf(key)) : new Map<number, string>()
    return { video: files.final, plan, shotsGenerated: generated, shotsReused: reused, wallSec: (performance.now() - t0) / 1000, captions, bare, takesFrom: takes?.from ?? null }
  }

  const reframeFrom = async (format: VariantFormat): Promise<BaseRender> => {
    const from = await get(master!)
    const key = sizeKey(format)
    const t0 = performance.now()
    o.emit({ type: 'base', format: key, index: keys.indexOf(key) + 1, total: keys.length, status: 'reframing' })
    await mkdir(dirOf(key), { recursive: true })
    const video = join(dirOf(key), 'reframed.mp4')
    await reframe(from.video, video, { width: format.width, height: format.height }, { shotStarts: from.plan.shots.map((s) => s.startFrame), signal: o.signal })
    o.emit({ type: 'base', format: key, index: keys.indexOf(key) + 1, total: keys.length, status: 'done' })
    return { video, plan: from.plan, shotsGenerated: 0, shotsReused: from.plan.shots.length, wallSec: (performance.now() - t0) / 1000, captions: false, bare: new Map(), takesFrom: null }
  }

  const get = (format: VariantFormat, captions = false): Promise<BaseRender> => {
    // Captions are drawn into native renders only: a reframed crop could cut them.
    const withCaptions = master === null && captions
    const key = baseKey(format, withCaptions)
    let p = made.get(key)
    if (!p) {
      p = master === null || key === sizeKey(master) ? renderAt(format, withCaptions) : reframeFrom(format)
      made.set(key, p)
    }
    return p
  }
  const startAll = () => {
    // Started now, awaited by the variants later: a failure is theirs to report, not unhandled here.
    for (const f of o.formats) get(f.format, f.captions).catch(() => undefined)
  }
  return { get, startAll, master, verifying: verifying ? verifyingKey : null }
}
