/**
 * A batch: every variant of a variants file from one song and one brief. Everything is checked
 * before anything is made (variants, formats, lengths against the song and the platforms); then
 * each format's base render is made once and every variant is cut, titled and checked from it.
 * A variant that fails is reported and the rest go on; a rerun keeps what is done.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../errors.js'
import { lockOutputFolder } from '../pipeline/outputFolder/index.js'
import { runDirAt } from '../pipeline/runDir.js'
import type { Analysis } from '../schemas/index.js'
import { hashValue } from '../util/files.js'
import { baseCaptionsFit } from './baseCaptions.js'
import { baseKey, createBases, type BaseRenderer } from './bases.js'
import { writeContactSheet } from './contactSheet.js'
import type { BatchEvent } from './events.js'
import { resolveFormat } from './formats.js'
import { writeGallery } from './gallery.js'
import { keepable, readManifest, writeManifest } from './manifestFile.js'
import type { Cutdown, Manifest, ManifestEntry, VariantFormat } from './types.js'
import { cutdownOf, makeVariant, textLayoutOf } from './variantJob.js'
import { VariantsError, type VariantIssue, type VariantSpec } from './variants.js'

export interface BatchRun {
  song: string
  songSha: string
  brief: string
  variantsFile: string
  variants: VariantSpec[]
  analysis: Analysis
  fps: number
  batchDir: string
  /** Render each format natively (procedural) instead of reframing one master render. */
  native: boolean
  /** What identifies the brief and generator settings (part of the inputs hash). */
  settingsKey: unknown
  force: boolean
  render: BaseRenderer
  /** Base renders at once (default 1). */
  parallel?: number
  signal?: AbortSignal
  onEvent?: (event: BatchEvent) => void
}

export interface BatchResult {
  outDir: string
  manifest: Manifest
  files: { manifest: string; gallery: string; contactSheet: string }
}

interface Planned {
  spec: VariantSpec
  format: VariantFormat
  cut: Cutdown
}

/** Lengths against the song's duration, before anything is analysed or made. */
export function checkLengths(variants: VariantSpec[], songSec: number, source: string): void {
  const issues = variants.flatMap((spec) => {
    const message = lengthIssue(spec, songSec)
    return message ? [{ where: `${spec.entry} → ${spec.name}: length`, message }] : []
  })
  if (issues.length > 0) throw new VariantsError(source, issues)
}

/** Why a variant's length does not fit the song, or undefined when it does. */
function lengthIssue(spec: VariantSpec, songSec: number): string | undefined {
  if (spec.length === 'full') return undefined
  const end = typeof spec.length === 'number' ? spec.length : spec.length.end
  if (end <= songSec + 1e-6) return undefined
  return `${typeof spec.length === 'number' ? `${spec.length} s is` : `the span ends at ${end} s, which is`} longer than the song (${songSec.toFixed(2)} s)`
}

/** Formats and cut-downs of every variant, or every problem at once (nothing made yet). */
export function planVariants(run: Pick<BatchRun, 'variants' | 'analysis' | 'fps' | 'variantsFile'>): Planned[] {
  const issues: VariantIssue[] = []
  const planned: Planned[] = []
  const songSec = run.analysis.source.durationSec
  const totalFrames = Math.round(songSec * run.fps)
  for (const spec of run.variants) {
    const where = `${spec.entry} → ${spec.name}`
    let format: VariantFormat
    try {
      format = resolveFormat(spec.format)
    } catch (e) {
      issues.push({ where: `${where}: format`, message: (e as Error).message })
      continue
    }
    const tooLong = lengthIssue(spec, songSec)
    if (tooLong) {
      issues.push({ where: `${where}: length`, message: tooLong })
      continue
    }
    const playSec = spec.length === 'full' ? songSec : typeof spec.length === 'number' ? spec.length : spec.length.end - spec.length.start
    if (format.maxSec !== null && playSec > format.maxSec + 1e-6) {
      issues.push({ where: `${where}: length`, message: `${playSec.toFixed(1)} s is longer than ${format.name}'s maximum of ${format.maxSec} s: ask for a cut-down (e.g. length: ${Math.min(60, format.maxSec)})` })
      continue
    }
    let cut: Cutdown
    try {
      cut = cutdownOf(spec, run.analysis, { fps: run.fps, totalFrames })
    } catch (e) {
      issues.push({ where: `${where}: length`, message: (e as Error).message })
      continue
    }
    try {
      // The texts are laid out now too (captions come later, from the plan): one that cannot fit is refused before anything is made.
      textLayoutOf(spec, format, cut, run.analysis, [])
    } catch (e) {
      issues.push({ where: `${where}: texts`, message: (e as Error).message })
      continue
    }
    planned.push({ spec, format, cut })
  }
  if (issues.length > 0) throw new VariantsError(run.variantsFile, issues)
  return planned
}

export async function runBatch(run: BatchRun): Promise<BatchResult> {
  const planned = planVariants(run)
  const emit = (e: BatchEvent) => run.onEvent?.(e)
  const files = { manifest: join(run.batchDir, 'manifest.json'), gallery: join(run.batchDir, 'variants.html'), contactSheet: join(run.batchDir, 'variants.png') }
  const previous = await readManifest(files.manifest)
  if (previous === 'foreign' && !run.force) {
    throw new InputError(`${files.manifest} is not a longav batch manifest: not replacing it. Choose another --out, or pass --force.`, { code: 'OUTPUT_NOT_OURS' })
  }
  const inputsHash = hashValue({ song: run.songSha, settings: run.settingsKey, variants: planned.map((p) => ({ spec: { ...p.spec, entry: undefined }, format: p.format, cut: p.cut })) })
  const kept = previous && previous !== 'foreign' && previous.inputsHash === inputsHash && !run.force ? previous : undefined
  if (!kept && !run.force) {
    for (const p of planned) {
      const file = join(run.batchDir, 'variants', `${p.spec.name}.mp4`)
      if (existsSync(file) && !(previous && previous !== 'foreign' && previous.variants.some((v) => v.name === p.spec.name))) {
        throw new InputError(`${file} was not made by this batch: not replacing it. Choose another --out, or pass --force.`, { code: 'OUTPUT_NOT_OURS' })
      }
    }
  }
  const lock = lockOutputFolder(runDirAt(run.batchDir))
  // Bases run ahead of the variants; whatever is still rendering when the batch ends (an error) is stopped.
  const stop = new AbortController()
  const stopBases = () => stop.abort(run.signal?.reason)
  run.signal?.addEventListener('abort', stopBases, { once: true })
  try {
    const t0 = performance.now()
    const keep = new Map<string, ManifestEntry>()
    for (const v of kept?.variants ?? []) if (await keepable(v, run.batchDir)) keep.set(v.name, v)
    const todo = planned.filter((p) => !keep.has(p.spec.name))
    // Captions drawn into the base (by the procedural generator, inside the format's safe area) let a
    // captioned variant copy the base's GOPs; a variant without captions takes a caption-free base.
    const captionsOf = (p: Planned) => run.native && p.spec.texts.captions && baseCaptionsFit(p.format)
    const bases = createBases({ batchDir: run.batchDir, formats: todo.map((p) => ({ format: p.format, captions: captionsOf(p) })), native: run.native, render: run.render, parallel: run.parallel ?? 1, emit, signal: stop.signal })
    bases.startAll()
    // Manifest order is the file's; variants are made as their format's base is ready.
    const made: Array<ManifestEntry | undefined> = planned.map(() => undefined)
    const entries = () => made.filter((e): e is ManifestEntry => e !== undefined)
    const manifest = (): Manifest => ({
      version: 1,
      song: run.song,
      brief: run.brief,
      variantsFile: run.variantsFile,
      inputsHash,
      variants: entries(),
      total: {
        wallSec: (performance.now() - t0) / 1000 + (kept?.total.wallSec ?? 0),
        shotsGenerated: entries().reduce((s, e) => s + e.cost.shotsGenerated, 0),
        shotsReused: entries().reduce((s, e) => s + e.cost.shotsReused, 0),
      },
    })
    // The verifying base is made first: its variants are cut while the other bases render.
    const formatOrder = [...new Set([...(bases.verifying ? [bases.verifying] : []), ...todo.map((p) => baseKey(p.format, captionsOf(p)))])]
    const order = planned.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b)
    function rank(i: number): number {
      const k = formatOrder.indexOf(baseKey(planned[i].format, captionsOf(planned[i])))
      return k < 0 ? -1 : k
    }
    const charged = new Set<string>()
    const sounds = new Map<string, Promise<{ path: string }>>()
    for (const i of order) {
      const p = planned[i]
      run.signal?.throwIfAborted()
      const before = keep.get(p.spec.name)
      if (before) {
        made[i] = before
        emit({ type: 'variant', name: p.spec.name, index: i + 1, total: planned.length, status: 'kept' })
        continue
      }
      emit({ type: 'variant', name: p.spec.name, index: i + 1, total: planned.length, status: 'making', etaSec: etaOf(entries(), planned.length - entries().length) })
      let entry: ManifestEntry
      let started = performance.now()
      let baseSec = 0
      try {
        const base = await bases.get(p.format, captionsOf(p))
        const key = baseKey(p.format, base.captions)
        const first = !charged.has(key)
        charged.add(key)
        // A variant costs its own making, plus its base's render when it is the first of that format.
        started = performance.now()
        baseSec = first ? base.wallSec : 0
        const shotsIn = base.plan.shots.filter((s) => p.cut.pieces.some((q) => s.startFrame < q.endFrame && s.endFrame > q.startFrame)).length
        const result = await makeVariant({ spec: p.spec, format: p.format, cut: p.cut, base, analysis: run.analysis, song: run.song, batchDir: run.batchDir, signal: run.signal, sounds })
        entry = {
          ...result,
          base: { key, takesFrom: base.takesFrom },
          cost: {
            wallSec: baseSec + (performance.now() - started) / 1000,
            shotsGenerated: first ? base.shotsGenerated : 0,
            shotsReused: first ? base.shotsReused : shotsIn,
          },
        }
      } catch (e) {
        if (run.signal?.aborted || (e as { kind?: string }).kind === 'input') throw e
        entry = failedEntry(p, (e as Error).message, baseSec + (performance.now() - started) / 1000)
      }
      made[i] = entry
      await writeManifest(files.manifest, manifest())
      emit({ type: 'variant', name: p.spec.name, index: i + 1, total: planned.length, status: entry.status === 'ok' ? 'done' : 'failed', wallSec: entry.cost.wallSec, ...(entry.error ? { error: entry.error } : {}) })
    }
    const final = manifest()
    await writeManifest(files.manifest, final)
    await writeContactSheet(final, run.batchDir, files.contactSheet, { signal: run.signal })
    await writeGallery(final, run.batchDir, files.gallery)
    return { outDir: run.batchDir, manifest: final, files }
  } finally {
    run.signal?.removeEventListener('abort', stopBases)
    stop.abort()
    lock.release()
  }
}

function failedEntry(p: Planned, error: string, wallSec: number): ManifestEntry {
  return {
    name: p.spec.name,
    status: 'failed',
    error,
    format: p.format,
    fps: p.cut.fps,
    length: p.spec.length === 'full' ? 'full' : p.cut.lengthSec,
    totalFrames: p.cut.totalFrames,
    pieces: p.cut.pieces,
    ...(p.spec.row ? { row: p.spec.row } : {}),
    texts: [],
    loudness: { targetLufs: p.spec.loudness, measuredLufs: null },
    checks: [],
    cost: { wallSec, shotsGenerated: 0, shotsReused: 0 },
  }
}

/** The rest of the batch at the mean pace of the variants made so far. */
function etaOf(done: ManifestEntry[], left: number): number | undefined {
  if (done.length === 0) return undefined
  return (done.reduce((s, e) => s + e.cost.wallSec, 0) / done.length) * left
}
